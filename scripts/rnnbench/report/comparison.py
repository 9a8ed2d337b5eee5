"""The report's comparison: one row per model x maxlen, and the notes on what the grid lacks."""

import numpy as np

from rnnbench.models import ARTICLE, MODELS
from rnnbench.results import text

ARTICLE_MAXLENS = (500, 1000)


def fmt(value, spec, scale=1):
    return "–" if value is None or (isinstance(value, float) and np.isnan(value)) else format(value * scale, spec)


def table_rows(by_config, peak_gflops=None):
    rows = []
    f1 = "macro_f1_mean" in by_config
    for r in by_config.itertuples():
        rows.append({
            "model": r.model, "label": MODELS[r.model].label, "family": MODELS[r.model].family,
            "maxlen": r.maxlen, "n": r.n,
            "cells": [
                (r.test_accuracy_mean, text.accuracy_text(r.test_accuracy_mean, r.test_accuracy_ci95)),
                *([(r.macro_f1_mean, text.accuracy_text(r.macro_f1_mean, r.macro_f1_ci95))] if f1 else []),
                (r.test_accuracy_last, fmt(r.test_accuracy_last, ".1f", 100)),
                (r.best_val_accuracy, f"{100 * r.best_val_accuracy:.1f} ({r.best_epoch:.1f})"),
                (r.fit_seconds_mean, text.duration(r.fit_seconds_mean)),
                (r.seconds_per_epoch_mean, fmt(r.seconds_per_epoch_mean, ".1f")),
                (r.seconds_to_best, text.duration(r.seconds_to_best)),
                (r.inference_per_second, fmt(r.inference_per_second, ",.0f")),
                (r.parameters, fmt(r.parameters, ",.0f")),
                *_flops(r, peak_gflops),
                (r.peak_rss_mb, fmt(r.peak_rss_mb, ",.0f")),
            ]})
    return rows


def _flops(r, peak_gflops):
    """Training GFLOPs per epoch, achieved GFLOP/s and the share of the float32 peak; "not counted"
    for a linear model, whose solver's work has no analytic count (rnnbench/models.py)."""
    if MODELS[r.model].family == "linear":
        return [(None, "not counted"), (None, "–"), (None, "–")]
    share = r.gflops_per_second / peak_gflops if peak_gflops else None
    return [(r.train_flops_per_epoch, fmt(r.train_flops_per_epoch, ",.0f", 1e-9)),
            (r.gflops_per_second, fmt(r.gflops_per_second, ".1f")),
            (share, fmt(share, ".1f", 100) if peak_gflops else "–")]


def missing(by_config):
    """What the article's grid has that these results do not."""
    present = set(zip(by_config["model"], by_config["maxlen"]))
    gaps = [text.name(m, n) for m in ARTICLE for n in ARTICLE_MAXLENS if (m, n) not in present]
    notes = [f"Not in these results: {', '.join(gaps)}."] if gaps else []
    one = [text.name(r.model, r.maxlen) for r in by_config.itertuples() if r.n < 2]
    if len(one) == len(by_config):
        notes.append("One seed per configuration: no confidence intervals, so gains cannot be told from "
                     "seed noise and the claims cannot be judged.")
    elif one:
        notes.append(f"One seed only for {', '.join(one)}: no confidence interval, and claims about them "
                     "cannot be judged.")
    return notes


def schedule_note(metrics):
    """Under converge: how the runs stopped, and which of them were still improving at the cap."""
    converge = [m for m in metrics if m.get("schedule") == "converge"]
    if not converge:
        return []
    capped = sorted({text.name(m["model"], m["maxlen"]) for m in converge if m["best_epoch"] == m["epochs_cap"]})
    first = converge[0]
    note = (f"Schedule converge: each run stopped once {first['patience']} epochs passed without a better "
            f"validation accuracy, at most {first['epochs_cap']} epochs; "
            f"{sum(m['stopped'] == 'patience' for m in converge)} of {len(converge)} stopped so")
    if capped:
        note += f"; still improving at the cap (best epoch the last): {', '.join(capped)}: raise epochs"
    return [note + "."]
