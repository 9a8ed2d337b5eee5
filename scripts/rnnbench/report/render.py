"""The self-contained HTML report: every section's context from the run files, rendered with the
template. Never imports TensorFlow, nor the training code: a report rebuilds in seconds."""

import base64
import datetime
import json
from pathlib import Path

import pandas as pd

from rnnbench import files
from rnnbench.report import about, questions
from rnnbench.report.comparison import missing, schedule_note, table_rows
from rnnbench.report.figures import COLORS
from rnnbench.results import claims, conditions, verdict


def load_histories(history_paths):
    """All history.csv files of results/runs/{model}/maxlen{N}/seed{S}/ in one frame."""
    frames = []
    for path in map(Path, history_paths):
        frame = pd.read_csv(path)
        frames.append(frame.assign(model=path.parents[2].name, maxlen=int(path.parents[1].name[6:]),
                                   seed=int(path.parent.name[4:])))
    return pd.concat(frames, ignore_index=True)


def data_uri(svg_path):
    return "data:image/svg+xml;base64," + base64.b64encode(Path(svg_path).read_bytes()).decode()


def context(runs, by_config, metrics, histories, figures, peak=None, data_meta=None):
    """Everything the template shows, computed from the run files."""
    first = metrics[0]
    fp = pd.DataFrame([m["fingerprint"] for m in metrics])
    cfg = {k: v for k, v in first["config"].items() if k not in ("model", "maxlen", "seed")}
    seeds = sorted(runs["seed"].unique())
    return {
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "verdict": verdict.verdict(runs, by_config, about.chance(data_meta)),
        "f1": "macro_f1_mean" in by_config,
        "rows": table_rows(by_config, peak["gflops_per_second"] if peak else None),
        "peak": dict(peak, threads_text=about.threads([peak["threads"]])) if peak else {},
        "steps": verdict.price_steps(runs),
        "claims": claims.claims(runs),
        "warnings": conditions.timing_warnings(runs, histories),
        "missing": missing(by_config) + schedule_note(metrics),
        "figures": figures,
        "runs_count": len(runs), "seeds": seeds,
        "machine": {
            "hosts": ", ".join(sorted(fp["hostname"].unique())), "cpu": ", ".join(sorted(fp["cpu"].unique())),
            "cores": ", ".join(map(str, sorted(fp["cores"].unique()))),
            "threads": about.threads(sorted(fp["threads"].unique())),
            "placement": about.placement(fp),
            "gpu": ", ".join(sorted({g for gs in fp["gpu"] for g in gs})) or "none",
            "software": software([m["fingerprint"] for m in metrics]),
            "xla": about._xla(metrics),
            "dates": f"{fp['started'].min()} to {fp['started'].max()}",
        },
        "config": cfg,
        "colors": COLORS,
    }


def software(fingerprints):
    """"Python 3.11.7, TensorFlow 2.21.0, Keras 3.15.1[, scikit-learn 1.9.1]": each package some run used."""
    names = {"python": "Python", "tensorflow": "TensorFlow", "keras": "Keras", "scikit_learn": "scikit-learn"}
    return ", ".join(f"{label} {', '.join(sorted({str(f[key]) for f in fingerprints if f.get(key)}))}"
                     for key, label in names.items() if any(f.get(key) for f in fingerprints))


def render(summary_csv, by_config_csv, metrics_paths, history_paths, figures, template_path, style_path,
           out_path, data_meta=None, peak=None, search_csv=None, budget_csv=None, plan_path=None,
           sizes_csv=None, curves_json=None, tokens_npz=None):
    import jinja2

    runs = pd.read_csv(summary_csv)
    by_config = pd.read_csv(by_config_csv)
    metrics = [json.loads(Path(p).read_text()) for p in metrics_paths]
    histories = load_histories(history_paths)
    peak = json.loads(Path(peak).read_text()) if peak else None
    data = json.loads(Path(data_meta).read_text()) if data_meta else {}
    ctx = context(runs, by_config, metrics, histories, {k: data_uri(v) for k, v in figures.items()}, peak, data)
    ctx["budget"] = questions.budget(search_csv, budget_csv) if search_csv else None
    if ctx["budget"] and ctx["budget"]["sentence"]:
        ctx["verdict"].append(ctx["budget"]["sentence"])
    ctx["timing"] = about.timing(plan_path) if plan_path else None
    ctx["sizes"] = questions.learning_curves(sizes_csv, curves_json) if sizes_csv else None
    if ctx["sizes"] and ctx["sizes"]["sentence"]:
        ctx["verdict"].append(ctx["sizes"]["sentence"])
    ctx["style"] = Path(style_path).read_text()
    ctx["data"] = data
    ctx["about"] = about.describe(data, tokens_npz, sorted(runs["maxlen"].unique()), by_config) if tokens_npz else None
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(template_path).parent),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.get_template(Path(template_path).name).render(**ctx)
    files.write_text(out_path, html)
    return html
