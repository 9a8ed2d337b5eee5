"""The report's sections that a config adds: accuracy at every budget (a search) and accuracy
against training reviews (train_sizes)."""

import numpy as np
import pandas as pd

from rnnbench import files
from rnnbench.models import SPACE_KEYS
from rnnbench.report.comparison import fmt
from rnnbench.report.figures import COLORS
from rnnbench.results import budget as budgets, text


def budget(search_csv, budget_csv):
    """The report's section on budgets: the best configuration at each budget, the trial validation
    selects per configuration (the only test accuracy quoted from the search), and the sentence."""
    trials, curve = pd.read_csv(search_csv), pd.read_csv(budget_csv)
    table = budgets.best_at(curve)
    rows = [{"budget": f"{r.budget:g} min",
             "best": text.name(r.model, int(r.maxlen)) if pd.notna(r.model) else "no trial fits",
             "color": COLORS.get(r.model, "#fff"), "k": int(r.k),
             "val": fmt(r.val, ".1f", 100), "test": fmt(r.test, ".1f", 100),
             "runner_up": f"{r.runner_up} ({100 * r.runner_up_val:.1f})" if pd.notna(r.runner_up) else "–"}
            for r in table.itertuples()]
    chosen = trials.loc[trials.groupby(["model", "maxlen"], sort=False)["best_val_accuracy"].idxmax()]
    selected = [{"config": text.name(r.model, r.maxlen), "color": COLORS[r.model],
                 "draw": ", ".join(f"{key.replace('_', ' ')} {getattr(r, key):.2g}" if key in ("learning_rate", "C")
                                   else f"{key.replace('_', ' ')} {int(getattr(r, key))}"
                                   for key in SPACE_KEYS if key in trials and not pd.isna(getattr(r, key))),
                 "trial": f"trial {r.trial}, seed {r.seed}", "val": f"{100 * r.best_val_accuracy:.1f}",
                 "test": f"{100 * r.test_accuracy:.1f}", "epoch": f"{r.best_epoch} of {r.epochs} ({r.stopped})",
                 "n": int(((trials["model"] == r.model) & (trials["maxlen"] == r.maxlen)).sum())}
                for r in chosen.itertuples()]
    return {"rows": rows, "selected": selected, "sentence": budgets.sentence(curve, table),
            "trials": len(trials), "minutes": trials["fit_seconds"].sum() / 60}


def learning_curves(sizes_csv, curves_json):
    """The report's section on training-set sizes: accuracy per size and model, the fitted curves
    with their flags, the data ratio of Google's guide, and the sentence."""
    found = files.read_json(curves_json)
    runs, table = pd.read_csv(sizes_csv), pd.DataFrame(found["fits"]).fillna({"flags": ""})
    pivot = runs.groupby(["model", "maxlen", "train_samples"])["test_accuracy"].agg(["mean", "count"]).reset_index()
    columns = sorted(pivot["train_samples"].unique())
    moved = set(runs.loc[runs.get("train_from_test", pd.Series(0, runs.index)).fillna(0) > 0, "train_samples"])
    rows = []
    for r in table.itertuples():
        cells = pivot[(pivot["model"] == r.model) & (pivot["maxlen"] == r.maxlen)].set_index("train_samples")["mean"]
        rows.append({"config": text.name(r.model, r.maxlen), "color": COLORS.get(r.model, "#fff"),
                     "cells": [fmt(cells.get(n, np.nan), ".1f", 100) for n in columns],
                     "fit": "–" if pd.isna(r.b) else f"{r.a:.3g}·n^-{r.b:.2f} + {r.c:.3f}",
                     "floor": fmt(r.floor_accuracy, ".1f", 100), "flags": r.flags or "–"})
    share = runs["train_positive_share"]
    return {"columns": [f"{n:,}" + ("†" if n in moved else "") for n in columns], "rows": rows,
            "sentence": found["sentence"], "optimistic": bool(moved), "test_samples": int(runs["test_samples"].max()),
            "google": found["google"],
            "balance": f"{100 * share.min():.1f}% to {100 * share.max():.1f}%",
            "seeds": runs["seed"].nunique(), "runs": len(runs)}
