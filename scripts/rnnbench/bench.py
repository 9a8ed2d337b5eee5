"""Compare a pytest-benchmark JSON run with the committed baseline, robustly.

Shared machines speed up and slow down as a whole; so each benchmark's median is divided by the
median of the reference matmul timed in the same session, and the ratio, not the raw time, is
compared. A benchmark whose ratio grew by more than the threshold is a regression.

    python -m rnnbench.bench BASELINE.json NEW.json [--threshold 0.25]
"""

import argparse
import json
import sys

REFERENCE = "test_reference_matmul"


def ratios(path):
    """{benchmark name: median / reference median} of one pytest-benchmark JSON file."""
    with open(path) as fh:
        benches = {b["name"]: b["stats"]["median"] for b in json.load(fh)["benchmarks"]}
    if REFERENCE not in benches:
        raise SystemExit(f"{path}: no {REFERENCE} in it; run the whole suite (make bench)")
    ref = benches.pop(REFERENCE)
    return {name: median / ref for name, median in benches.items()}


def compare(baseline, new, threshold):
    """Rows (name, baseline ratio, new ratio, change) and the names that regressed."""
    rows, slower = [], []
    for name, new_ratio in sorted(new.items()):
        if name not in baseline:
            rows.append((name, None, new_ratio, None))
            continue
        change = new_ratio / baseline[name] - 1
        rows.append((name, baseline[name], new_ratio, change))
        if change > threshold:
            slower.append(name)
    return rows, slower


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline")
    parser.add_argument("new")
    parser.add_argument("--threshold", type=float, default=0.25, help="allowed growth of the ratio (0.25 = 25%%)")
    args = parser.parse_args(argv)
    rows, slower = compare(ratios(args.baseline), ratios(args.new), args.threshold)
    print(f"{'benchmark':58} {'baseline':>9} {'now':>9} {'change':>8}   (x reference matmul)")
    for name, old, now, change in rows:
        old_s = "new" if old is None else f"{old:9.3f}"
        change_s = "" if change is None else f"{100 * change:+7.1f}%"
        flag = "  SLOWER" if name in slower else ""
        print(f"{name:58} {old_s:>9} {now:9.3f} {change_s:>8}{flag}")
    if slower:
        print(f"{len(slower)} of {len(rows)} benchmarks slower than the baseline by more than "
              f"{100 * args.threshold:.0f}%: {', '.join(slower)}")
        return 1
    print(f"no regression past {100 * args.threshold:.0f}% in {len(rows)} benchmarks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
