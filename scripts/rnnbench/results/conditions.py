"""How the runs were measured, and what distorted it: epochs other processes disturbed, runs that
shared a core, mixed hardware."""

import numpy as np
import pandas as pd

from rnnbench.results.text import name

HIGH_LOAD_PER_CORE = 1.5     # a load average above 1.5 x cores means something else ran too
EPOCH_SPREAD = 0.5           # an epoch 50% slower than the run's median epoch ...
EPOCH_SPREAD_MIN_SECONDS = 1.0  # ... and by more than a second (tiny epochs jitter by fractions)


def timing_warnings(runs, histories):
    """Reasons the times in this report may not be comparable, one sentence each."""
    out = []
    hardware = runs.groupby(["cpu", "threads"]).size()
    if len(hardware) > 1:
        out.append("Runs come from different hardware or thread counts ("
                   + "; ".join(f"{cpu}, {threads} threads: {n} runs" for (cpu, threads), n in hardware.items())
                   + "): compare their times only within one machine.")
    hosts = runs["hostname"].nunique()
    if hosts > 1:
        out.append(f"Runs come from {hosts} hosts; their fingerprints are in the table of runs.")
    out += _overlaps(runs)
    cores = runs["cores"].astype(float).fillna(runs["threads"].astype(float)).clip(lower=1)
    load = runs[["load_start", "load_end"]].astype(float).max(axis=1)
    # The load average only for runs without per-core accounting (older ones): two pinned runs, their
    # threads and Snakemake make a load of 3 on 2 cores by themselves: a fresh-clone default grid
    # (2026-12-01, AMD EPYC, the aclImdb archive) drew this warning for 5 runs (loads 3.0-3.2) of which
    # /proc/stat found none disturbed.
    loaded = runs[load > HIGH_LOAD_PER_CORE * cores] if "disturbed" not in histories else runs.iloc[:0]
    if len(loaded):
        out.append(f"{len(loaded)} runs saw a load average above {HIGH_LOAD_PER_CORE}× the machine's cores (other work on "
                   "the machine): " + ", ".join(f"{name(r.model, r.maxlen)} seed {r.seed} ({max(r.load_start, r.load_end):.1f})"
                                              for r in loaded.itertuples()) + ".")
    uneven = []
    for (model, maxlen, seed), h in histories.groupby(["model", "maxlen", "seed"]):
        steady = h["seconds"].to_numpy()[1:]
        if len(steady) and steady.max() > (1 + EPOCH_SPREAD) * np.median(steady) \
                and steady.max() - np.median(steady) > EPOCH_SPREAD_MIN_SECONDS:
            uneven.append(f"{name(model, maxlen)} seed {seed} ({steady.min():.1f}–{steady.max():.1f} s)")
    if uneven:
        out.append("Epoch times varied by more than half within " + ", ".join(uneven)
                   + ": something else likely used the machine during these runs.")
    out += _disturbed(histories)
    return out


def _epochs(numbers):
    """[2, 3, 4, 6] -> "epochs 2-4, 6"."""
    spans, numbers = [], sorted(int(n) for n in numbers)
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
    return ("epoch " if len(numbers) == 1 else "epochs ") + text


def _disturbed(histories):
    """The epochs that the runs measured as disturbed (train.py records each epoch's machine use)."""
    if "disturbed" not in histories:
        return []
    parts = []
    for (model, maxlen, seed), h in histories.groupby(["model", "maxlen", "seed"]):
        bad = h[h["disturbed"].eq(True)]
        if len(bad):
            steal = bad["steal"].astype(float).max()
            parts.append(f"{bad['other_cores'].astype(float).mean():.1f} cores during {_epochs(bad['epoch'])} of "
                         f"{name(model, maxlen)} seed {seed}" + (f" (steal up to {100 * steal:.0f}%)" if steal > 0.05 else ""))
    if not parts:
        return []
    return ["Other processes used " + "; ".join(parts) + ". Those epochs are left out of seconds per epoch "
            "(unless every epoch of the run was disturbed)."]


def cpu_set(value):
    """A run's cores from its fingerprint ("0,1" in summary.csv, or a bare 0); None if unknown."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return {int(float(c)) for c in str(value).split(",")}


def _overlaps(runs):
    """Runs on one host at the same time on shared cores (runs pinned to cores of their own may overlap)."""
    start = pd.to_datetime(runs["started"], utc=True)
    end = start + pd.to_timedelta(runs["fit_seconds"].astype(float), unit="s")
    cpus = runs["cpus"] if "cpus" in runs else [None] * len(runs)
    pairs = []
    rows = list(zip(runs["hostname"], start, end, map(cpu_set, cpus), runs["model"], runs["maxlen"], runs["seed"]))
    for i, (host, s, e, c, *who) in enumerate(rows):
        for host2, s2, e2, c2, *who2 in rows[i + 1:]:
            if host == host2 and s < e2 and s2 < e and (c is None or c2 is None or c & c2):
                pairs.append(f"{name(who[0], who[1])} seed {who[2]} and {name(who2[0], who2[1])} seed {who2[2]}")
    if not pairs:
        return []
    return [f"Timed runs overlapped on one host ({'; '.join(pairs[:5])}{' …' if len(pairs) > 5 else ''}): "
            "they shared the cores, so their times are inflated."]
