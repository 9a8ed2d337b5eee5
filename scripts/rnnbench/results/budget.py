"""What k trials of a random search buy: the expected best accuracy of k of them against the
minutes they cost (the trials themselves: rnnbench/training/search.py).

What k trials buy (Dodge et al., "Show Your Work", EMNLP 2019): the expected best validation accuracy
of k trials drawn from the N, and the test accuracy of the trial that validation would select among
them, as a function of the training time that k trials cost (k times a trial's mean fit time).
Dodge's first estimator draws the k with replacement, which is biased toward the sample's maximum;
Tang et al. ("Showing Your Work Doesn't Always Work", ACL 2020) give the unbiased one, without
replacement: with the N validation accuracies sorted, v(1) <= ... <= v(N), the best of a random
subset of k is v(i) with probability C(i-1, k-1) / C(N, k). The same weights give the spread of the
best of k (its standard deviation over the subsets), which the report draws as the band: what a person
who runs k trials may see, not a confidence interval of the curve. Past k = N nothing is measured.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import comb

from rnnbench import models


BUDGET_MINUTES = [1, 5, 20, 60]


def expected_best(val, k, test=None):
    """(expected best of k validation accuracies drawn without replacement from val, its standard
    deviation over the draws, the expected test accuracy of the trial the best validation selects).
    Where trials tie on the best validation accuracy, validation cannot choose between them: the
    selected test accuracy is their mean (each tied trial in the subset equally likely)."""
    val = np.asarray(val, dtype=float)
    n = len(val)
    if not 1 <= k <= n:
        raise ValueError(f"k={k} outside 1..{n}")
    order = np.argsort(val, kind="stable")
    weights = comb(np.arange(n), k - 1) / comb(n, k)  # C(i-1, k-1) / C(N, k) for i = 1..N
    mean = float(weights @ val[order])
    std = float(np.sqrt(max(weights @ val[order] ** 2 - mean ** 2, 0.0)))
    selected = float("nan")
    if test is not None:  # a tied group's chance of holding the best, shared evenly among its trials
        tested = np.asarray(test, dtype=float)[order]
        _, group = np.unique(val[order], return_inverse=True)
        share = np.bincount(group, weights) / np.bincount(group)
        selected = float(share[group] @ tested)
    return mean, std, selected


def collect(metrics_paths):
    """One row per trial: model, maxlen, seed, trial, its draw, accuracies, epochs and time."""
    rows = []
    for path in metrics_paths:
        m = json.loads(Path(path).read_text())
        cfg = m["config"]
        drawn = models.trial_keys(m["model"])
        rows.append({"model": m["model"], "maxlen": m["maxlen"], "seed": m["seed"], "trial": cfg["trial"],
                     **{key: cfg[key] for key in drawn},
                     "best_val_accuracy": m["best_val_accuracy"], "test_accuracy": m["test_accuracy"],
                     "best_epoch": m["best_epoch"], "epochs": m["epochs"], "stopped": m.get("stopped"),
                     "fit_seconds": m["fit_seconds"], "seconds_to_best": m["seconds_to_best"]})
    order = {name: i for i, name in enumerate(models.MODELS)}
    frame = pd.DataFrame(rows)
    return frame.sort_values(["model", "maxlen", "trial", "seed"],
                             key=lambda s: s.map(order) if s.name == "model" else s).reset_index(drop=True)


def curves(trials):
    """Per model x maxlen and k = 1..N: the minutes k trials cost, the expected best validation
    accuracy, its spread and the expected test accuracy of the selected trial."""
    rows = []
    for (model, maxlen), group in trials.groupby(["model", "maxlen"], sort=False):
        minutes = group["fit_seconds"].mean() / 60
        for k in range(1, len(group) + 1):
            val, spread, test = expected_best(group["best_val_accuracy"], k, group["test_accuracy"])
            rows.append({"model": model, "maxlen": maxlen, "k": k, "minutes": k * minutes, "val": val,
                         "val_std": spread, "test": test, "n": len(group)})
    return pd.DataFrame(rows)


def best_at(curve, budgets=BUDGET_MINUTES):
    """At each budget (minutes of training), each configuration's most trials that fit in it, and
    the configuration with the best expected validation accuracy. One row per budget: budget,
    model, maxlen, k, val, test, runner_up (model@maxlen label) and its val; model None when not even one
    trial of any configuration fits."""
    rows = []
    for budget in budgets:
        fits = curve[curve["minutes"] <= budget]
        best = fits.loc[fits.groupby(["model", "maxlen"])["k"].idxmax()].sort_values("val", ascending=False)
        row = {"budget": budget, "model": None, "maxlen": None, "k": 0, "val": np.nan, "test": np.nan,
               "runner_up": None, "runner_up_val": np.nan, "configs": len(best)}
        if len(best):
            top = best.iloc[0]
            row.update(model=top["model"], maxlen=int(top["maxlen"]), k=int(top["k"]), val=top["val"], test=top["test"])
        if len(best) > 1:
            second = best.iloc[1]
            row.update(runner_up=f"{models.spec(second['model']).label}@{int(second['maxlen'])}",
                       runner_up_val=second["val"])
        rows.append(row)
    return pd.DataFrame(rows)


def _minutes(value):
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _label(model, maxlen):
    return f"{models.spec(model).label}@{maxlen}"


def sentence(curve, table):
    """The verdict's sentence on budgets, computed from the curves: where the best choice changes
    with the budget, and whether a recurrent model is ever the best."""
    chosen = table.dropna(subset=["model"])
    if chosen.empty:
        return None
    recurrent = chosen[[models.spec(m).family == "recurrent" for m in chosen["model"]]]
    first = chosen.iloc[0]
    text = (f"With a tuning budget of {first['budget']:g} min of training, {_label(first['model'], first['maxlen'])} "
            f"is the best choice (expected best validation {100 * first['val']:.1f}% of {first['k']} "
            f"trial{'s' if first['k'] > 1 else ''})")
    changes = chosen[(chosen["model"] != chosen["model"].shift()) | (chosen["maxlen"] != chosen["maxlen"].shift())]
    for row in changes.iloc[1:].itertuples():
        text += (f"; from {row.budget:g} min, {_label(row.model, row.maxlen)} "
                 f"({100 * row.val:.1f}%, {100 * (row.val - first['val']):+.1f} points)")
    if recurrent.empty:
        most = curve.loc[curve.groupby(["model", "maxlen"])["k"].idxmax()]
        is_cell = np.array([models.spec(m).family == "recurrent" for m in most["model"]])
        text += ". No budget measured here makes a recurrent model worth it"
        if is_cell.any() and (~is_cell).any():
            cell = most[is_cell].sort_values("val").iloc[-1]
            other = most[~is_cell].sort_values("val").iloc[-1]
            text += (f": the best, {_label(cell['model'], cell['maxlen'])}, reaches {100 * cell['val']:.1f}% after "
                     f"{_minutes(cell['minutes'])} min of {cell['k']} trials, against "
                     f"{_label(other['model'], other['maxlen'])}'s {100 * other['val']:.1f}% after "
                     f"{_minutes(other['minutes'])} min of {other['k']}")
    return text + "."
