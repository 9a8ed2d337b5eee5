"""Figures (matplotlib) and the self-contained HTML report. Never imports TensorFlow."""

import base64
import datetime
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import ticker  # noqa: E402
import pandas as pd  # noqa: E402

from rnnbench import analysis, data, files, plan, search, sizes  # noqa: E402
from rnnbench.models import ARTICLE, FAMILIES, MODELS  # noqa: E402

COLORS = {name: spec.color for name, spec in MODELS.items()}
MARKERS = ["o", "s", "^", "D", "v"]
plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "rnnbench", "font.size": 10,
                     "axes.spines.top": False, "axes.spines.right": False})
ARTICLE_MAXLENS = (500, 1000)


def marker(maxlen, maxlens):
    return MARKERS[sorted(maxlens).index(maxlen) % len(MARKERS)]


def save(fig, path):
    with files.atomic_path(path) as tmp:
        fig.savefig(tmp, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)


# --- figures ------------------------------------------------------------------------------

def log_axis(ax, values):
    """A log-scale x axis. Over less than a decade matplotlib labels the minor ticks (2×10⁹,
    3×10⁹, ...) and the labels run into each other: there, a few plain ticks instead."""
    ax.set_xscale("log")
    values = np.asarray(values, dtype=float)
    if np.nanmax(values) < 10 * np.nanmin(values):
        ax.xaxis.set_major_locator(ticker.MaxNLocator(nbins=4))
        ax.xaxis.set_major_formatter(ticker.EngFormatter(sep=""))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())


def compute_figure(by_config, epochs, path):
    """Test accuracy against fit time and against training FLOPs, with the Pareto frontier."""
    frontier = analysis.pareto(by_config)
    maxlens = sorted(by_config["maxlen"].unique())
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    xs = {"fit_seconds_mean": "training time per run (s, log scale)",
          "total_flops": "training FLOPs per run (analytic, log scale)"}
    frame = by_config.assign(total_flops=by_config["train_flops_per_epoch"] * epochs)
    for ax, (col, label) in zip(axes, xs.items()):
        for row in frame.itertuples():
            ci, yerr = row.test_accuracy_ci95, None
            if not np.isnan(ci):  # the interval as the verdict gives it: inside 0-100%
                low, high = analysis.accuracy_bounds(row.test_accuracy_mean, ci)
                yerr = [[100 * (row.test_accuracy_mean - low)], [100 * (high - row.test_accuracy_mean)]]
            xerr = None
            if col == "fit_seconds_mean" and not np.isnan(row.fit_seconds_ci95):  # a log axis: above zero
                xerr = [[min(row.fit_seconds_ci95, 0.9 * row.fit_seconds_mean)], [row.fit_seconds_ci95]]
            ax.errorbar(getattr(row, col), 100 * row.test_accuracy_mean, yerr=yerr,
                        xerr=xerr, fmt=marker(row.maxlen, maxlens), color=COLORS[row.model], ms=8, capsize=3)
        pts = frame.set_index(["model", "maxlen"]).loc[frontier]
        ax.plot(pts[col], 100 * pts["test_accuracy_mean"], "--", color="#999", lw=1, zorder=0)
        for i, ((model, maxlen), row) in enumerate(pts.iterrows()):
            # Alternately below and above: neighbours on the frontier (bag-of-words at both maxlens) stay apart.
            ax.annotate(analysis.name(model, maxlen), (row[col], 100 * row["test_accuracy_mean"]),
                        textcoords="offset points", xytext=(6, -14 if i % 2 == 0 else 7), fontsize=9,
                        color=COLORS[model])
        log_axis(ax, frame[col])
        ax.set_xlabel(label)
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("test accuracy at best validation epoch (%)")
    # The legend by family, one column each: the family's name (bold, no marker), then its models;
    # a last column for the maxlen markers and the frontier.
    line = plt.Line2D
    groups = []
    for family in FAMILIES:
        present = [m for m in MODELS if MODELS[m].family == family and m in set(frame["model"])]
        if present:
            groups.append([line([], [], ls="", label=family)]
                          + [line([], [], color=COLORS[m], marker="o", ls="", label=MODELS[m].label) for m in present])
    groups.append([line([], [], color="#333", marker=marker(m, maxlens), ls="", label=f"maxlen {m}") for m in maxlens]
                  + [line([], [], color="#999", ls="--", label="Pareto frontier")])
    rows = max(len(g) for g in groups)
    handles = [h for g in groups for h in g + [line([], [], ls="", label="")] * (rows - len(g))]
    legend = fig.legend(handles=handles, loc="upper center", ncol=len(groups), fontsize=9, frameon=False,
                        bbox_to_anchor=(0.5, 0.0))
    for i in range(0, len(groups) - 1):
        legend.get_texts()[i * rows].set_fontweight("bold")
    fig.suptitle("Compute vs accuracy (mean over seeds, bars: 95% confidence interval)", fontsize=11)
    save(fig, path)


def history_figure(histories, model, maxlen, path):
    """The article's plots: training (dots) and validation (line) accuracy and loss per epoch."""
    h = histories[(histories["model"] == model) & (histories["maxlen"] == maxlen)]
    g = h.groupby("epoch")
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    color = COLORS[model]
    for ax, metric, label in ((axes[0], "accuracy", "accuracy"), (axes[1], "loss", "loss")):
        for key, style in ((metric, dict(ls="", marker="o", ms=4, alpha=0.7)), (f"val_{metric}", dict(lw=2))):
            mean = g[key].mean()
            ax.plot(mean.index, mean, color=color, label=("training" if key == metric else "validation"), **style)
            if h["seed"].nunique() > 1:
                ax.fill_between(mean.index, g[key].min(), g[key].max(), color=color, alpha=0.15, lw=0)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].legend(frameon=False, fontsize=9)
    seeds = h["seed"].nunique()
    band = f"mean of {seeds} seeds, band: min–max" if seeds > 1 else "one seed"
    fig.suptitle(f"{analysis.name(model, maxlen)} ({band})", fontsize=11)
    save(fig, path)


def budget_figure(curve, runs, schedule, path):
    """Dodge's curves: the expected best validation accuracy of k trials and the test accuracy of the
    trial it selects, against the minutes k trials cost; the grid's runs as crosses."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4), sharey=True)
    maxlens = sorted(curve["maxlen"].unique())
    grid = runs.groupby(["model", "maxlen"], sort=False)[["fit_seconds", "best_val_accuracy", "test_accuracy"]].mean()
    for ax, column, label in ((axes[0], "val", "expected best validation accuracy (%)"),
                              (axes[1], "test", "test accuracy of the selected trial (%)")):
        for (model, maxlen), c in curve.groupby(["model", "maxlen"], sort=False):
            style = dict(color=COLORS[model], marker=marker(maxlen, maxlens), ms=4)
            ax.plot(c["minutes"], 100 * c[column], label=analysis.name(model, maxlen), **style)
            if column == "val":
                ax.fill_between(c["minutes"], 100 * (c["val"] - c["val_std"]), 100 * (c["val"] + c["val_std"]),
                                color=COLORS[model], alpha=0.15, lw=0)
            if (model, maxlen) in grid.index:
                g = grid.loc[(model, maxlen)]
                ax.plot(g["fit_seconds"] / 60, 100 * g["best_val_accuracy" if column == "val" else "test_accuracy"],
                        "x", color=COLORS[model], ms=9, mew=2)
        log_axis(ax, list(curve["minutes"]) + list(grid["fit_seconds"] / 60))
        ax.set_xlabel("training time of k trials (min, log scale)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, which="both")
    axes[0].legend(frameon=False, fontsize=9, loc="lower right")
    fig.suptitle(f"Accuracy at every budget (bands: spread of the best of k; ×: the grid's runs, schedule {schedule})",
                 fontsize=11)
    save(fig, path)


def sizes_figure(runs, fits, path):
    """Learning curves: test accuracy against training reviews (log axis) with the fitted power law
    and its bootstrap band; and against the training time the runs took, across sizes."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4), sharey=True)
    maxlens = sorted(runs["maxlen"].unique())
    for (model, maxlen), group in runs.groupby(["model", "maxlen"], sort=False):
        style = dict(color=COLORS[model], marker=marker(maxlen, maxlens))
        g = group.groupby("train_samples")
        mean = 100 * g["test_accuracy"].mean()
        low, high = 100 * g["test_accuracy"].min(), 100 * g["test_accuracy"].max()
        moved = g["train_from_test"].max() > 0 if "train_from_test" in group else pd.Series(False, mean.index)
        for optimistic in (False, True):  # points trained on reviews moved from the test split: hollow
            at = moved[moved == optimistic].index
            if len(at):
                axes[0].errorbar(at, mean[at], yerr=[mean[at] - low[at], high[at] - mean[at]], ls="", ms=5, capsize=2,
                                 mfc="white" if optimistic else style["color"], **style,
                                 label=None if optimistic else analysis.name(model, maxlen))
        f = fits.get((model, maxlen), {})
        if f.get("params"):
            n = np.geomspace(mean.index.min(), mean.index.max(), 60)
            axes[0].plot(n, 100 * (1 - sizes.power_law(n, *f["params"])), color=COLORS[model],
                         ls="--" if f["flags"] else "-", lw=1.5)
        if f.get("band"):
            n, lo, hi = f["band"]
            keep = n <= mean.index.max()
            axes[0].fill_between(n[keep], 100 * (1 - hi[keep]), 100 * (1 - lo[keep]), color=COLORS[model], alpha=0.15, lw=0)
        axes[1].plot(g["fit_seconds"].mean() / 60, mean, ms=5, **style)
    if "train_from_test" in runs and runs["train_from_test"].max() > 0:
        clean = runs.loc[runs["train_from_test"] == 0, "train_samples"].max()
        axes[0].axvline(clean, color="#888", ls=":", lw=1)
        axes[0].annotate("hollow: trained on test-split\nreviews too, may read optimistic", (clean, 0.03),
                         xycoords=("data", "axes fraction"), xytext=(4, 0), textcoords="offset points",
                         fontsize=8, color="#555")
    axes[0].set_xscale("log")
    axes[0].xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    axes[0].set_xlabel("training reviews (log scale)")
    axes[0].set_ylabel("test accuracy (%)")
    log_axis(axes[1], list(runs["fit_seconds"] / 60))
    axes[1].set_xlabel("training time of a run (min, log scale)")
    for ax in axes:
        ax.grid(alpha=0.3, which="both")
    axes[0].legend(frameon=False, fontsize=9, loc="lower right")
    fig.suptitle("Accuracy against training reviews: mean of seeds (bars: min–max), fitted "
                 "error = a·n^-b + c with its 95% band (dashed: flagged)", fontsize=10)
    save(fig, path)


# --- loading ------------------------------------------------------------------------------

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


# --- the page -----------------------------------------------------------------------------

def _fmt(value, spec, scale=1):
    return "–" if value is None or (isinstance(value, float) and np.isnan(value)) else format(value * scale, spec)


def table_rows(by_config, peak_gflops=None):
    rows = []
    f1 = "macro_f1_mean" in by_config
    for r in by_config.itertuples():
        rows.append({
            "model": r.model, "label": MODELS[r.model].label, "family": MODELS[r.model].family,
            "maxlen": r.maxlen, "n": r.n,
            "cells": [
                (r.test_accuracy_mean, analysis.accuracy_text(r.test_accuracy_mean, r.test_accuracy_ci95)),
                *([(r.macro_f1_mean, analysis.accuracy_text(r.macro_f1_mean, r.macro_f1_ci95))] if f1 else []),
                (r.test_accuracy_last, _fmt(r.test_accuracy_last, ".1f", 100)),
                (r.best_val_accuracy, f"{100 * r.best_val_accuracy:.1f} ({r.best_epoch:.1f})"),
                (r.fit_seconds_mean, analysis.duration(r.fit_seconds_mean)),
                (r.seconds_per_epoch_mean, _fmt(r.seconds_per_epoch_mean, ".1f")),
                (r.seconds_to_best, analysis.duration(r.seconds_to_best)),
                (r.inference_per_second, _fmt(r.inference_per_second, ",.0f")),
                (r.parameters, _fmt(r.parameters, ",.0f")),
                (r.train_flops_per_epoch, _fmt(r.train_flops_per_epoch, ",.0f", 1e-9)),
                (r.gflops_per_second, _fmt(r.gflops_per_second, ".1f")),
                (r.gflops_per_second / peak_gflops if peak_gflops else None,
                 _fmt(r.gflops_per_second / peak_gflops, ".1f", 100) if peak_gflops else "–"),
                (r.peak_rss_mb, _fmt(r.peak_rss_mb, ",.0f")),
            ]})
    return rows


def missing(by_config):
    """What the article's grid has that these results do not."""
    present = set(zip(by_config["model"], by_config["maxlen"]))
    gaps = [analysis.name(m, n) for m in ARTICLE for n in ARTICLE_MAXLENS if (m, n) not in present]
    notes = [f"Not in these results: {', '.join(gaps)}."] if gaps else []
    one = [analysis.name(r.model, r.maxlen) for r in by_config.itertuples() if r.n < 2]
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
    capped = sorted({analysis.name(m["model"], m["maxlen"]) for m in converge if m["best_epoch"] == m["epochs_cap"]})
    first = converge[0]
    text = (f"Schedule converge: each run stopped once {first['patience']} epochs passed without a better "
            f"validation accuracy, at most {first['epochs_cap']} epochs; "
            f"{sum(m['stopped'] == 'patience' for m in converge)} of {len(converge)} stopped so")
    if capped:
        text += f"; still improving at the cap (best epoch the last): {', '.join(capped)}: raise epochs"
    return [text + "."]


def _xla(metrics):
    """'on' / 'off', or per model when they differ: "on for LSTM, GRU; off for bag-of-words"."""
    by_state = {}
    for m in metrics:
        by_state.setdefault("on" if m["fingerprint"]["xla"] else "off", set()).add(m["model"])
    if len(by_state) == 1:
        return next(iter(by_state))
    return "; ".join(f"{state} for {', '.join(MODELS[k].label for k in MODELS if k in models)}"
                     for state, models in sorted(by_state.items(), reverse=True))


def describe(meta, tokens_npz, maxlens, by_config):
    """The data before the verdict: texts and classes, class shares, lengths against each maxlen,
    test texts seen in training, and what Google's guide would advise beside what the runs found."""
    lengths = data.words(tokens_npz)
    classes = meta.get("classes") or ["neg", "pos"]
    counts = meta["train"].get("counts") or [meta["train"]["reviews"] - meta["train"]["positive"],
                                             meta["train"]["positive"]]
    shares = ", ".join(f"{name}: {100 * n / sum(counts):.0f}%" for name, n in zip(classes, counts))
    ratio, advice = sizes.google_ratio(meta["train"]["reviews"], float(np.median(lengths)))
    table = by_config.set_index(["model", "maxlen"])["test_accuracy_mean"]
    best = {family: max((k for k in table.index if MODELS[k[0]].family == family), key=table.get, default=None)
            for family in ("bag", "recurrent")}
    found = None
    if best["bag"] and best["recurrent"]:
        bag, cell = best["bag"], best["recurrent"]
        winner = cell if table[cell] > table[bag] else bag
        found = (f"here {analysis.name(*winner)} is the more accurate ({100 * table[cell]:.1f}% for "
                 f"{analysis.name(*cell)}, {100 * table[bag]:.1f}% for {analysis.name(*bag)})")
    seen = meta["test"].get("in_train")
    return {"texts": meta["train"]["reviews"] + meta["test"]["reviews"], "train": meta["train"]["reviews"],
            "test": meta["test"]["reviews"], "classes": len(classes), "shares": shares,
            "median": float(np.median(lengths)),
            "longer": [(n, 100 * float(np.mean(lengths > n))) for n in sorted(maxlens)],
            "seen": None if seen is None else (seen, 100 * seen / meta["test"]["reviews"]),
            "ratio": ratio, "advice": advice, "found": found, "threshold": sizes.GOOGLE_RATIO,
            "task": task(meta)}


def task(meta):
    """What the runs classify, in words, for the report's title line."""
    options = meta.get("options") or {}
    if meta.get("source") in data.OWN:
        return f"{len(meta['classes'])} labels of the texts in {Path(meta['path']).name}"
    if options.get("labels") == "rating":
        return "IMDB review star ratings (eight classes)"
    return "IMDB review sentiment"


def chance(data_meta):
    """Accuracy of always answering the test split's most common label (0.5 where unknown)."""
    counts = (data_meta or {}).get("test", {}).get("counts")
    return max(counts) / sum(counts) if counts else 0.5


def context(runs, by_config, metrics, histories, figures, peak=None, data_meta=None):
    """Everything the template shows, computed from the run files."""
    first = metrics[0]
    fp = pd.DataFrame([m["fingerprint"] for m in metrics])
    cfg = {k: v for k, v in first["config"].items() if k not in ("model", "maxlen", "seed")}
    seeds = sorted(runs["seed"].unique())
    return {
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "verdict": analysis.verdict(runs, by_config, chance(data_meta)),
        "f1": "macro_f1_mean" in by_config,
        "rows": table_rows(by_config, peak["gflops_per_second"] if peak else None),
        "peak": dict(peak, threads_text=threads([peak["threads"]])) if peak else {},
        "steps": analysis.price_steps(runs),
        "claims": analysis.claims(runs),
        "warnings": analysis.timing_warnings(runs, histories),
        "missing": missing(by_config) + schedule_note(metrics),
        "figures": figures,
        "runs_count": len(runs), "seeds": seeds,
        "machine": {
            "hosts": ", ".join(sorted(fp["hostname"].unique())), "cpu": ", ".join(sorted(fp["cpu"].unique())),
            "cores": ", ".join(map(str, sorted(fp["cores"].unique()))),
            "threads": threads(sorted(fp["threads"].unique())),
            "placement": placement(fp),
            "gpu": ", ".join(sorted({g for gs in fp["gpu"] for g in gs})) or "none",
            "software": f"Python {first['fingerprint']['python']}, TensorFlow {first['fingerprint']['tensorflow']}, "
                        f"Keras {first['fingerprint']['keras']}",
            "xla": _xla(metrics),
            "dates": f"{fp['started'].min()} to {fp['started'].max()}",
        },
        "config": cfg,
        "colors": COLORS,
    }


def budget(search_csv, budget_csv):
    """The report's section on budgets: the best configuration at each budget, the trial validation
    selects per configuration (the only test accuracy quoted from the search), and the sentence."""
    trials, curve = pd.read_csv(search_csv), pd.read_csv(budget_csv)
    table = search.best_at(curve)
    rows = [{"budget": f"{r.budget:g} min",
             "best": analysis.name(r.model, int(r.maxlen)) if pd.notna(r.model) else "no trial fits",
             "color": COLORS.get(r.model, "#fff"), "k": int(r.k),
             "val": _fmt(r.val, ".1f", 100), "test": _fmt(r.test, ".1f", 100),
             "runner_up": f"{r.runner_up} ({100 * r.runner_up_val:.1f})" if pd.notna(r.runner_up) else "–"}
            for r in table.itertuples()]
    chosen = trials.loc[trials.groupby(["model", "maxlen"], sort=False)["best_val_accuracy"].idxmax()]
    selected = [{"config": analysis.name(r.model, r.maxlen), "color": COLORS[r.model],
                 "draw": ", ".join(f"{key.replace('_', ' ')} {getattr(r, key):.2g}" if key == "learning_rate"
                                   else f"{key.replace('_', ' ')} {int(getattr(r, key))}"
                                   for key in search.SPACE_KEYS if key in trials and not pd.isna(getattr(r, key))),
                 "trial": f"trial {r.trial}, seed {r.seed}", "val": f"{100 * r.best_val_accuracy:.1f}",
                 "test": f"{100 * r.test_accuracy:.1f}", "epoch": f"{r.best_epoch} of {r.epochs} ({r.stopped})",
                 "n": int(((trials["model"] == r.model) & (trials["maxlen"] == r.maxlen)).sum())}
                for r in chosen.itertuples()]
    return {"rows": rows, "selected": selected, "sentence": search.sentence(curve, table),
            "trials": len(trials), "minutes": trials["fit_seconds"].sum() / 60}


def timing(plan_path):
    """The cost model against the runs (rnnbench/plan.py): expected and measured seconds per model x
    maxlen and for the whole plan, or None where nothing planned has been measured."""
    made = files.read_json(plan_path)
    found = plan.compare(made, plan.measured(made, Path(plan_path).parent))
    if not found:
        return None

    def off(expected, measured):
        return f"{100 * (expected / measured - 1):+.0f}%"

    rows = [{"config": analysis.name(r.model, r.maxlen), "color": COLORS.get(r.model, "#fff"),
             "expected": f"{r.expected:.0f}", "measured": f"{r.measured:.0f}", "error": off(r.expected, r.measured)}
            for r in found["by_config"].itertuples()]
    minutes = {key: f"{found[key] / 60:.1f} min" for key in ("expected_jobs", "measured_jobs", "expected_wall", "measured_wall")}
    return dict(found, **minutes, rows=rows, made=datetime.datetime.fromtimestamp(found["made"]).strftime("%Y-%m-%d %H:%M"),
                wall_error=off(found["expected_wall"], found["measured_wall"]),
                jobs_error=off(found["expected_jobs"], found["measured_jobs"]))


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
        rows.append({"config": analysis.name(r.model, r.maxlen), "color": COLORS.get(r.model, "#fff"),
                     "cells": [_fmt(cells.get(n, np.nan), ".1f", 100) for n in columns],
                     "fit": "–" if pd.isna(r.b) else f"{r.a:.3g}·n^-{r.b:.2f} + {r.c:.3f}",
                     "floor": _fmt(r.floor_accuracy, ".1f", 100), "flags": r.flags or "–"})
    share = runs["train_positive_share"]
    return {"columns": [f"{n:,}" + ("†" if n in moved else "") for n in columns], "rows": rows,
            "sentence": found["sentence"], "optimistic": bool(moved), "test_samples": int(runs["test_samples"].max()),
            "google": found["google"],
            "balance": f"{100 * share.min():.1f}% to {100 * share.max():.1f}%",
            "seeds": runs["seed"].nunique(), "runs": len(runs)}


def threads(counts):
    """"1 thread", "2 threads", "1, 2 threads"."""
    return ", ".join(map(str, counts)) + (" thread" if list(counts) == [1] else " threads")


def placement(fingerprints):
    """What a run's wall seconds mean: on cores of its own (pinned, config threads below the cores,
    other runs beside it) or on all the machine's cores, one run at a time."""
    sets = [analysis.cpu_set(c) for c in fingerprints.get("cpus", [None] * len(fingerprints))]
    pinned = [s is not None and len(s) < n for s, n in zip(sets, fingerprints["cores"])]
    if all(pinned):
        return "each run pinned to cores of its own (wall seconds on those cores, other runs beside it on the rest)"
    if not any(pinned):
        return "each run on all the cores it was given, one run at a time"
    return (f"mixed: {sum(pinned)} of {len(pinned)} runs pinned to cores of their own, the others on all "
            "cores (compare times only within each kind)")


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
    ctx["budget"] = budget(search_csv, budget_csv) if search_csv else None
    if ctx["budget"] and ctx["budget"]["sentence"]:
        ctx["verdict"].append(ctx["budget"]["sentence"])
    ctx["timing"] = timing(plan_path) if plan_path else None
    ctx["sizes"] = learning_curves(sizes_csv, curves_json) if sizes_csv else None
    if ctx["sizes"] and ctx["sizes"]["sentence"]:
        ctx["verdict"].append(ctx["sizes"]["sentence"])
    ctx["style"] = Path(style_path).read_text()
    ctx["data"] = data
    ctx["about"] = describe(data, tokens_npz, sorted(runs["maxlen"].unique()), by_config) if tokens_npz else None
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(template_path).parent),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.get_template(Path(template_path).name).render(**ctx)
    files.write_text(out_path, html)
    return html
