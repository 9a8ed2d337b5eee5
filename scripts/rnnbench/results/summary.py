"""Aggregate run metrics with pandas: one row per run, one row per model x maxlen."""

import json

import numpy as np
import pandas as pd
from scipy import stats

from rnnbench.models import MODELS

RUN_COLUMNS = ["model", "maxlen", "seed", "test_accuracy", "test_loss", "test_accuracy_last",
               "test_loss_last", "best_val_accuracy", "best_epoch", "epochs", "fit_seconds",
               "first_epoch_seconds", "seconds_per_epoch", "seconds_to_best", "inference_per_second",
               "parameters", "train_flops_per_epoch", "gflops_per_second", "peak_rss_mb", "test_samples"]
OPTIONAL = ["macro_f1"]  # runs on more than two classes
FINGERPRINT_COLUMNS = ["hostname", "cpu", "cores", "threads", "cpus", "xla", "load_start", "load_end", "started"]
WITH_INTERVAL = ["test_accuracy", "fit_seconds", "seconds_per_epoch"]
MEANS = ["test_accuracy_last", "best_val_accuracy", "best_epoch", "seconds_to_best", "first_epoch_seconds",
         "inference_per_second", "parameters", "train_flops_per_epoch", "gflops_per_second", "peak_rss_mb"]


def collect(metrics_paths):
    """One row per run, sorted by model (registry order), maxlen and seed."""
    rows = []
    for path in metrics_paths:
        with open(path) as fh:
            m = json.load(fh)
        row = {key: m.get(key) for key in RUN_COLUMNS}
        row.update({key: m[key] for key in OPTIONAL if key in m})
        row.update({key: m["fingerprint"].get(key) for key in FINGERPRINT_COLUMNS})
        rows.append(row)
    optional = [key for key in OPTIONAL if any(key in row for row in rows)]
    frame = pd.DataFrame(rows, columns=RUN_COLUMNS + optional + FINGERPRINT_COLUMNS)
    return sort(frame).reset_index(drop=True)


def sort(frame):
    order = {name: i for i, name in enumerate(MODELS)}
    keys = [c for c in ("model", "maxlen", "seed") if c in frame]
    return frame.sort_values(keys, key=lambda s: s.map(order) if s.name == "model" else s)


def interval(values, confidence=0.95):
    """Half-width of the Student-t confidence interval of the mean; NaN when n < 2."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n < 2:
        return float("nan")
    return float(stats.t.ppf((1 + confidence) / 2, n - 1) * values.std(ddof=1) / np.sqrt(n))


def by_config(runs):
    """One row per model x maxlen: n, then mean, std and 95% CI of the headline figures."""
    rows = []
    for (model, maxlen), group in runs.groupby(["model", "maxlen"], sort=False):
        row = {"model": model, "maxlen": maxlen, "n": len(group)}
        for col in WITH_INTERVAL + [c for c in OPTIONAL if c in runs]:
            values = group[col].astype(float)
            row[f"{col}_mean"] = values.mean()
            row[f"{col}_std"] = values.std(ddof=1) if len(values) > 1 else float("nan")
            row[f"{col}_ci95"] = interval(values)
        for col in MEANS:
            row[col] = group[col].astype(float).mean()
        rows.append(row)
    return sort(pd.DataFrame(rows)).reset_index(drop=True)


def markdown(by_config):
    """The headline figures as a Markdown table, for the README."""
    lines = ["| model | maxlen | n | test accuracy % (95% CI) | last epoch % | best val. % (epoch) | s / epoch | fit time |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in by_config.itertuples():
        ci = "" if np.isnan(r.test_accuracy_ci95) else f" ± {100 * r.test_accuracy_ci95:.1f}"
        lines.append(f"| {MODELS[r.model].label} | {r.maxlen} | {r.n} | {100 * r.test_accuracy_mean:.1f}{ci} | "
                     f"{100 * r.test_accuracy_last:.1f} | {100 * r.best_val_accuracy:.1f} ({r.best_epoch:.1f}) | "
                     f"{r.seconds_per_epoch_mean:.1f} | {r.fit_seconds_mean / 60:.1f} min |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(markdown(pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else "results/summary_by_config.csv")))
