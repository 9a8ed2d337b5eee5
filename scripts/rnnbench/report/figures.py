"""The report's figures (matplotlib, SVG): compute against accuracy, training curves, accuracy at
every budget, accuracy against training reviews."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import ticker  # noqa: E402
import pandas as pd  # noqa: E402

from rnnbench import files  # noqa: E402
from rnnbench.models import FAMILIES, MODELS  # noqa: E402
from rnnbench.results import curves, text, verdict  # noqa: E402

COLORS = {name: spec.color for name, spec in MODELS.items()}
MARKERS = ["o", "s", "^", "D", "v"]
plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "rnnbench", "font.size": 10,
                     "axes.spines.top": False, "axes.spines.right": False})


def marker(maxlen, maxlens):
    return MARKERS[sorted(maxlens).index(maxlen) % len(MARKERS)]


def save(fig, path):
    with files.atomic_path(path) as tmp:
        fig.savefig(tmp, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)


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
    frontier = verdict.pareto(by_config)
    maxlens = sorted(by_config["maxlen"].unique())
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    xs = {"fit_seconds_mean": "training time per run (s, log scale)",
          "total_flops": "training FLOPs per run (analytic, log scale)"}
    frame = by_config.assign(total_flops=by_config["train_flops_per_epoch"] * epochs)
    for ax, (col, label) in zip(axes, xs.items()):
        for row in frame.itertuples():
            ci, yerr = row.test_accuracy_ci95, None
            if not np.isnan(ci):  # the interval as the verdict gives it: inside 0-100%
                low, high = text.accuracy_bounds(row.test_accuracy_mean, ci)
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
            ax.annotate(text.name(model, maxlen), (row[col], 100 * row["test_accuracy_mean"]),
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
    fig.suptitle(f"{text.name(model, maxlen)} ({band})", fontsize=11)
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
            ax.plot(c["minutes"], 100 * c[column], label=text.name(model, maxlen), **style)
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
                                 label=None if optimistic else text.name(model, maxlen))
        f = fits.get((model, maxlen), {})
        if f.get("params"):
            n = np.geomspace(mean.index.min(), mean.index.max(), 60)
            axes[0].plot(n, 100 * (1 - curves.power_law(n, *f["params"])), color=COLORS[model],
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
