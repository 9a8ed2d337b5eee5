"""The report as a reader's browser shows it: Debian's Chromium, driven by Playwright (never a
browser of its own download). The browser test opens every report it checks through `browser_page`,
and `make screenshot` saves the top of a finished grid's report as the README's picture:

    python -m rnnbench.report.screenshot results/report.html docs/report.png
"""

import argparse
import contextlib
import shutil
from pathlib import Path

WIDTH, HEIGHT = 1280, 900  # the window the report is laid out for (the comparison table fits it)
COLOURS = 128  # a palette PNG of the page's flat colours: a fraction of the bytes, no visible loss


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def browser_page(width=WIDTH, height=HEIGHT):
    """A page of headless Chromium, offline; load a report with page.goto(path.as_uri())."""
    from playwright.sync_api import sync_playwright

    if chromium() is None:
        raise SystemExit("screenshot: no chromium here; `make browser` installs Debian's")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def save(page, png):
    """The window's view of the page (its top: the verdict and the comparison), as a small PNG."""
    from PIL import Image

    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(png))
    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
    small.save(png, optimize=True)
    return png


def main(argv=None):
    parser = argparse.ArgumentParser(description="the top of a report page as a small PNG")
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    args = parser.parse_args(argv)
    html, png = args.html, args.png
    if not html.exists():
        raise SystemExit(f"screenshot: {html} does not exist; run the grid first (make run)")
    with browser_page() as page:
        page.goto(html.resolve().as_uri())
        out = save(page, png)
    print(f"{out}: {out.stat().st_size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
