"""The report's first and last sections: the data (texts, labels, lengths, Google's advice) and
how it was measured (threads, placement, XLA, the plan against the runs)."""

import datetime
from pathlib import Path

import numpy as np

from rnnbench import files
from rnnbench.data import sources, tokens
from rnnbench.models import MODELS
from rnnbench.report.figures import COLORS
from rnnbench.results import conditions, curves, estimate, text


def describe(meta, tokens_npz, maxlens, by_config):
    """The data before the verdict: texts and classes, class shares, lengths against each maxlen,
    test texts seen in training, and what Google's guide would advise beside what the runs found."""
    lengths = tokens.words(tokens_npz)
    classes = meta.get("classes") or ["neg", "pos"]
    counts = meta["train"].get("counts") or [meta["train"]["reviews"] - meta["train"]["positive"],
                                             meta["train"]["positive"]]
    shares = ", ".join(f"{name}: {100 * n / sum(counts):.0f}%" for name, n in zip(classes, counts))
    ratio, advice = curves.google_ratio(meta["train"]["reviews"], float(np.median(lengths)))
    table = by_config.set_index(["model", "maxlen"])["test_accuracy_mean"]
    best = {family: max((k for k in table.index if MODELS[k[0]].family == family), key=table.get, default=None)
            for family in ("bag", "recurrent")}
    found = None
    if best["bag"] and best["recurrent"]:
        bag, cell = best["bag"], best["recurrent"]
        winner = cell if table[cell] > table[bag] else bag
        found = (f"here {text.name(*winner)} is the more accurate ({100 * table[cell]:.1f}% for "
                 f"{text.name(*cell)}, {100 * table[bag]:.1f}% for {text.name(*bag)})")
    seen = meta["test"].get("in_train")
    return {"texts": meta["train"]["reviews"] + meta["test"]["reviews"], "train": meta["train"]["reviews"],
            "test": meta["test"]["reviews"], "classes": len(classes), "shares": shares,
            "median": float(np.median(lengths)),
            "longer": [(n, 100 * float(np.mean(lengths > n))) for n in sorted(maxlens)],
            "seen": None if seen is None else (seen, 100 * seen / meta["test"]["reviews"]),
            "ratio": ratio, "advice": advice, "found": found, "threshold": curves.GOOGLE_RATIO,
            "task": task(meta)}


def task(meta):
    """What the runs classify, in words, for the report's title line."""
    options = meta.get("options") or {}
    if meta.get("source") in sources.OWN:
        return f"{len(meta['classes'])} labels of the texts in {Path(meta['path']).name}"
    if options.get("labels") == "rating":
        return "IMDB review star ratings (eight classes)"
    return "IMDB review sentiment"


def chance(data_meta):
    """Accuracy of always answering the test split's most common label (0.5 where unknown)."""
    counts = (data_meta or {}).get("test", {}).get("counts")
    return max(counts) / sum(counts) if counts else 0.5


def _xla(metrics):
    """'on' / 'off', or per model when they differ: "on for LSTM, GRU; off for bag-of-words"."""
    by_state = {}
    for m in metrics:
        by_state.setdefault("on" if m["fingerprint"]["xla"] else "off", set()).add(m["model"])
    if len(by_state) == 1:
        return next(iter(by_state))
    return "; ".join(f"{state} for {', '.join(MODELS[k].label for k in MODELS if k in models)}"
                     for state, models in sorted(by_state.items(), reverse=True))


def threads(counts):
    """"1 thread", "2 threads", "1, 2 threads"."""
    return ", ".join(map(str, counts)) + (" thread" if list(counts) == [1] else " threads")


def placement(fingerprints):
    """What a run's wall seconds mean: on cores of its own (pinned, config threads below the cores,
    other runs beside it) or on all the machine's cores, one run at a time."""
    sets = [conditions.cpu_set(c) for c in fingerprints.get("cpus", [None] * len(fingerprints))]
    pinned = [s is not None and len(s) < n for s, n in zip(sets, fingerprints["cores"])]
    if all(pinned):
        return "each run pinned to cores of its own (wall seconds on those cores, other runs beside it on the rest)"
    if not any(pinned):
        return "each run on all the cores it was given, one run at a time"
    return (f"mixed: {sum(pinned)} of {len(pinned)} runs pinned to cores of their own, the others on all "
            "cores (compare times only within each kind)")


def timing(plan_path):
    """The cost model against the runs (rnnbench/plan.py): expected and measured seconds per model x
    maxlen and for the whole plan, or None where nothing planned has been measured."""
    made = files.read_json(plan_path)
    found = estimate.compare(made, estimate.measured(made, Path(plan_path).parent))
    if not found:
        return None

    def off(expected, measured):
        return f"{100 * (expected / measured - 1):+.0f}%"

    rows = [{"config": text.name(r.model, r.maxlen), "color": COLORS.get(r.model, "#fff"),
             "expected": f"{r.expected:.0f}", "measured": f"{r.measured:.0f}", "error": off(r.expected, r.measured)}
            for r in found["by_config"].itertuples()]
    minutes = {key: f"{found[key] / 60:.1f} min" for key in ("expected_jobs", "measured_jobs", "expected_wall", "measured_wall")}
    return dict(found, **minutes, rows=rows, made=datetime.datetime.fromtimestamp(found["made"]).strftime("%Y-%m-%d %H:%M"),
                wall_error=off(found["expected_wall"], found["measured_wall"]),
                jobs_error=off(found["expected_jobs"], found["measured_jobs"]))
