"""What the report concludes from the runs: steps in price, the Pareto frontier, the article's
claims checked against confidence intervals, and warnings about timings that can't be compared.

Works on summary.csv's frame (one row per run); never imports TensorFlow.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from rnnbench.models import MODELS
from rnnbench.summary import interval

CONFIDENCE = 0.95
HIGH_LOAD_PER_CORE = 1.5     # a load average above 1.5 x cores means something else ran too
EPOCH_SPREAD = 0.5           # an epoch 50% slower than the run's median epoch ...
EPOCH_SPREAD_MIN_SECONDS = 1.0  # ... and by more than a second (tiny epochs jitter by fractions)


def name(model, maxlen):
    return f"{MODELS[model].label}@{maxlen}"


def values(runs, model, maxlen, column="test_accuracy"):
    rows = runs[(runs["model"] == model) & (runs["maxlen"] == maxlen)]
    return rows[column].astype(float).to_numpy()


@dataclass
class Step:
    """Going from configuration a to configuration b: what it gains and what it costs."""
    a: tuple
    b: tuple
    gain: float          # accuracy points (b - a), from means
    low: float           # 95% Welch interval of the gain, points (NaN below two seeds each)
    high: float
    seconds: float       # extra fit seconds (b - a), from means
    multiple: float      # b's fit time / a's

    @property
    def seconds_per_point(self):
        return self.seconds / self.gain if self.gain > 0 else float("nan")

    @property
    def noise(self):
        """True when the interval of the gain includes zero."""
        return bool(self.low <= 0 <= self.high)

    @property
    def label(self):
        return f"{name(*self.a)} → {name(*self.b)}"


def step(runs, a, b):
    acc_a, acc_b = values(runs, *a), values(runs, *b)
    if len(acc_a) == 0 or len(acc_b) == 0:
        return None
    low = high = float("nan")
    if len(acc_a) > 1 and len(acc_b) > 1:
        ci = stats.ttest_ind(acc_b, acc_a, equal_var=False).confidence_interval(CONFIDENCE)
        low, high = 100 * ci.low, 100 * ci.high
    t_a, t_b = values(runs, *a, "fit_seconds").mean(), values(runs, *b, "fit_seconds").mean()
    return Step(a, b, 100 * (acc_b.mean() - acc_a.mean()), low, high, t_b - t_a, t_b / t_a)


def price_steps(runs):
    """Each model's step from the one the registry prices it against (the article's ladder
    bag-of-words → SimpleRNN → GRU/LSTM, and each alternative), then each model's 500 → 1000."""
    present = set(zip(runs["model"], runs["maxlen"]))
    maxlens = sorted(runs["maxlen"].unique())
    pairs = [((spec.priced_against, m), (model, m)) for model, spec in MODELS.items() if spec.priced_against
             for m in maxlens]
    pairs += [((model, lo), (model, hi)) for model in MODELS for lo, hi in zip(maxlens, maxlens[1:])]
    return [step(runs, a, b) for a, b in pairs if a in present and b in present]


def pareto(by_config):
    """Configurations that no other one beats on both mean fit time and mean test accuracy."""
    ordered = by_config.sort_values(["fit_seconds_mean", "test_accuracy_mean"], ascending=[True, False])
    frontier, best = [], -np.inf
    for row in ordered.itertuples():
        if row.test_accuracy_mean > best:
            frontier.append((row.model, row.maxlen))
            best = row.test_accuracy_mean
    return frontier


# --- the article's claims ---------------------------------------------------------------------

@dataclass
class Claim:
    text: str
    configs: list        # the (model, maxlen) it is about
    measured: str = "not measured"
    verdict: str = "not measured"   # holds | does not hold | within noise | no interval | not measured


def _point(runs, text, config, target):
    claim = Claim(text, [config])
    acc = values(runs, *config)
    if len(acc) == 0:
        return claim
    half = 100 * interval(acc, CONFIDENCE)
    claim.measured = f"{100 * acc.mean():.1f}%" + (f" ± {half:.1f}" if len(acc) > 1 else "") + f" (n = {len(acc)})"
    if len(acc) < 2:
        claim.verdict = "no interval"
    else:
        claim.verdict = "holds" if abs(100 * acc.mean() - target) <= half else "does not hold"
    return claim


def _gain(runs, text, a, b, target):
    """'b adds about target points over a' (target 0: 'as accurate as')."""
    claim, s = Claim(text, [a, b]), step(runs, a, b)
    if s is None:
        return claim
    claim.measured = f"{s.gain:+.1f} points"
    if np.isnan(s.low):
        claim.measured += f" for {s.multiple:.1f}× the time (one seed: no interval)"
        claim.verdict = "no interval"
        return claim
    claim.measured += f" [{s.low:+.1f}, {s.high:+.1f}] for {s.multiple:.1f}× the time"
    if target == 0:
        claim.verdict = "holds" if s.noise else "does not hold"
    elif s.noise:
        claim.verdict = "within noise"
    else:
        claim.verdict = "holds" if s.low <= target <= s.high else "does not hold"
    return claim


def _cost(runs, text, a, b, at_least):
    """'b costs at least `at_least` times a's fit time': judged on the interval of the ratio."""
    claim = Claim(text, [a, b])
    t_a, t_b = values(runs, *a, "fit_seconds"), values(runs, *b, "fit_seconds")
    if len(t_a) == 0 or len(t_b) == 0:
        return claim
    ratio = t_b.mean() / t_a.mean()
    claim.measured = f"{ratio:.1f}× ({t_b.mean():.0f} s vs {t_a.mean():.0f} s)"
    if len(t_a) < 2 or len(t_b) < 2:
        claim.verdict = "no interval"
        return claim
    h_a, h_b = interval(t_a), interval(t_b)
    low, high = (t_b.mean() - h_b) / (t_a.mean() + h_a), (t_b.mean() + h_b) / max(t_a.mean() - h_a, 1e-9)
    claim.measured += f" [{low:.1f}, {high:.1f}]"
    claim.verdict = "holds" if low >= at_least else ("does not hold" if high < at_least else "within noise")
    return claim


def claims(runs):
    """The article's claims, and the same questions for the configurations it did not run."""
    maxlens = sorted(runs["maxlen"].unique())
    out = [
        _point(runs, "SimpleRNN at maxlen 500 is about 85% accurate", ("simple_rnn", 500), 85),
        _gain(runs, "maxlen 1000 adds about 2 points to SimpleRNN (for more time)",
              ("simple_rnn", 500), ("simple_rnn", 1000), 2),
        _point(runs, "LSTM at maxlen 500 is about 90% accurate", ("lstm", 500), 90),
    ]
    out += [_point(runs, f"bag-of-words at maxlen {m} is about 87% accurate", ("bow", m), 87) for m in maxlens]
    out += [_cost(runs, f"LSTM costs several (at least 2×) times SimpleRNN's compute at maxlen {m}",
                  ("simple_rnn", m), ("lstm", m), 2) for m in maxlens]
    out += [_gain(runs, f"GRU, the other cell, is as accurate as LSTM at maxlen {m}", ("lstm", m), ("gru", m), 0)
            for m in maxlens]
    present = set(zip(runs["model"], runs["maxlen"]))
    for m in maxlens:
        sequence = [(c, m) for c in MODELS if MODELS[c].family != "bag" and (c, m) in present]
        if ("bigram_bag", m) in present and sequence:
            top = max(sequence, key=lambda k: values(runs, *k).mean())
            out.append(_at_least(runs, f"bag of bigrams is at least as accurate as the best sequence model at maxlen {m}",
                                 top, ("bigram_bag", m)))
        if ("cnn", m) in present:
            out.append(_fraction(runs, f"a 1D convnet is as accurate as LSTM for a fraction of its time at maxlen {m}",
                                 ("lstm", m), ("cnn", m)))
    return out


def _at_least(runs, text, a, b):
    """'b is at least as accurate as a': fails only when b is below a beyond seed noise."""
    claim = _gain(runs, text, a, b, 0)
    if claim.verdict == "does not hold" and step(runs, a, b).low > 0:
        claim.verdict = "holds"  # more accurate, beyond noise
    return claim


def _fraction(runs, text, a, b):
    """'b is as accurate as a for a fraction of its time': within noise, and faster."""
    claim = _gain(runs, text, a, b, 0)
    if claim.verdict == "holds" and step(runs, a, b).multiple >= 1:
        claim.verdict = "does not hold"
    return claim


# --- how it was measured ----------------------------------------------------------------------

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


# --- the verdict ------------------------------------------------------------------------------

def duration(seconds):
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def accuracy_bounds(mean, half):
    """The 95% interval of a mean accuracy, kept inside 0-1: with two seeds Student's t is 12.7,
    and 60.7% ± 123.6 once read as an interval from -63% to 184%."""
    return max(0.0, mean - half), min(1.0, mean + half)


def accuracy_text(mean, half, unit=""):
    """"88.4 ± 1.1", or the interval itself where ± would leave 0-100: "60.7 [0.0, 100.0]"."""
    text = f"{100 * mean:.1f}{unit}"
    if np.isnan(half):
        return text
    if 0 <= mean - half and mean + half <= 1:
        return f"{text} ± {100 * half:.1f}"
    low, high = accuracy_bounds(mean, half)
    return f"{text} [{100 * low:.1f}, {100 * high:.1f}]"


def _pct(row):
    return accuracy_text(row["test_accuracy_mean"], row["test_accuracy_ci95"], "%")


SEEDS_SHOWN = 100  # beyond this, "more than 100 seeds"


def seeds_to_separate(runs, gap, at_least=2):
    """Seeds per configuration for the 95% Welch interval of a difference of `gap` (accuracy, 0-1)
    to exclude zero, from the runs' pooled seed spread: the smallest n >= at_least with
    t(2n-2) s sqrt(2/n) < gap. None when the runs show no spread or no gap."""
    groups = [g["test_accuracy"].astype(float).to_numpy() for _, g in runs.groupby(["model", "maxlen"])]
    groups = [g for g in groups if len(g) > 1]
    if not groups or gap <= 0:
        return None
    sd = float(np.sqrt(sum((len(g) - 1) * g.var(ddof=1) for g in groups) / sum(len(g) - 1 for g in groups)))
    if sd == 0:
        return None
    for n in range(max(at_least, 2), SEEDS_SHOWN + 1):
        if stats.t.ppf(1 - (1 - CONFIDENCE) / 2, 2 * n - 2) * sd * np.sqrt(2 / n) < gap:
            return n
    return SEEDS_SHOWN + 1


def indistinct(runs, table):
    """A sentence when every configuration lies inside the most accurate one's 95% interval: too few
    seeds to name a winner. None otherwise (or with one seed, which the report's notes cover)."""
    best = table["test_accuracy_mean"].idxmax()
    mean, half = table.loc[best, "test_accuracy_mean"], table.loc[best, "test_accuracy_ci95"]
    if len(table) < 2 or np.isnan(half) or table["test_accuracy_mean"].min() < mean - half:
        return None
    low, high = accuracy_bounds(mean, half)
    # More than these seeds: the pooled spread can call n seeds enough that the best one's own wider
    # interval (read above) did not separate.
    n = seeds_to_separate(runs, mean - table["test_accuracy_mean"].min(), at_least=runs["seed"].nunique() + 1)
    need = ("" if n is None else
            f" About {n} seeds per configuration would tell the most from the least accurate apart at this spread."
            if n <= SEEDS_SHOWN else f" At this spread even {SEEDS_SHOWN} seeds per configuration would not tell "
            "the most from the least accurate apart.")
    return (f"With {runs['seed'].nunique()} seeds the models cannot be told apart: every configuration lies inside the 95% "
            f"interval of the most accurate one ({name(*best)}, {100 * low:.1f}-{100 * high:.1f}%), so none is named "
            "the winner." + need)


def _buys(s):
    if round(abs(s.gain), 1) == 0:
        text = f"is as accurate (under 0.05 points apart) for {s.multiple:.1f}× the time"
    else:
        text = f"{'gains' if s.gain > 0 else 'loses'} {abs(s.gain):.1f} points for {s.multiple:.1f}× the time"
    if np.isnan(s.low):
        return text + " (one seed: no interval)"
    return text + (" (within seed noise)" if s.noise else "")


def headline(table, runs):
    """The answer in one sentence: does the best recurrent model beat the best bag-of-words?"""
    bows = [k for k in table.index if MODELS[k[0]].family == "bag"]
    rnns = [k for k in table.index if MODELS[k[0]].family == "recurrent"]
    if not bows or not rnns:
        return None
    bow = max(bows, key=lambda k: table.loc[k, "test_accuracy_mean"])
    rnn = max(rnns, key=lambda k: table.loc[k, "test_accuracy_mean"])
    s = step(runs, bow, rnn)
    if np.isnan(s.low):
        return (f"With one seed, {name(*rnn)} {_buys(s)} of {name(*bow)}; more seeds are needed "
                "to tell whether that is more than noise.")
    if s.low > 0:
        return (f"Yes, at a price: {name(*rnn)} {_buys(s)} of {name(*bow)}, "
                f"{s.seconds_per_point:.0f} s of training per point.")
    return (f"Not here: the best recurrent model, {name(*rnn)}, {_buys(s)} of {name(*bow)}, "
            f"so {MODELS[bow[0]].label} gives as much accuracy for a fraction of the compute.")


def verdict(runs, by_config, chance=0.5):
    """A few sentences, computed from the runs, that answer the article's question. `chance`: the
    accuracy of always answering the most common test label (0.5 for IMDB's balanced classes)."""
    table = by_config.set_index(["model", "maxlen"])
    best = table["test_accuracy_mean"].idxmax()
    cheapest = table["fit_seconds_mean"].idxmin()
    per_minute = (table["test_accuracy_mean"] - chance) * 100 / (table["fit_seconds_mean"] / 60)
    efficient = per_minute.idxmax()
    out = [h] if (h := headline(table, runs)) else []
    tested = runs["test_samples"].dropna() if "test_samples" in runs else []
    reviews = f"the {int(tested.max()):,} test reviews" if len(tested) else "the test reviews"
    half = table.loc[best, "test_accuracy_ci95"]
    if tie := indistinct(runs, table):
        out.append(tie)
    else:
        out.append(f"{name(*best)} is the most accurate: {_pct(table.loc[best])} on {reviews}, "
                   f"after {duration(table.loc[best, 'fit_seconds_mean'])} of training.")
    if not np.isnan(half):  # the cheapest of those the seeds cannot tell from the best
        close = table[table["test_accuracy_mean"] >= table.loc[best, "test_accuracy_mean"] - half]
        cheap = close["fit_seconds_mean"].idxmin()
        if cheap != best:
            times = table.loc[best, "fit_seconds_mean"] / table.loc[cheap, "fit_seconds_mean"]
            share = f"1/{times:.0f}" if times >= 2 else f"{100 / times:.0f}%"  # not "1/1" for 1.2x
            out.append(f"{name(*cheap)} is as accurate as the best, within its 95% interval ({_pct(table.loc[cheap])}), "
                       f"for {share} of its training time.")
    if best != cheapest:
        out.append(f"{name(*cheapest)} trains fastest ({duration(table.loc[cheapest, 'fit_seconds_mean'])}, "
                   f"{_pct(table.loc[cheapest])}); {name(*best)} {_buys(step(runs, cheapest, best))}.")
    out.append(f"Most accuracy per unit of compute: {name(*efficient)}, {per_minute[efficient]:.0f} points above "
               "chance" + (f" ({100 * chance:.0f}%, the most common label)" if chance != 0.5 else "") + " per minute of training.")
    for m in sorted(runs["maxlen"].unique()):
        recurrent = [(c, m) for c in MODELS if MODELS[c].family == "recurrent" and (c, m) in table.index]
        if ("bow", m) in table.index and recurrent:
            top = max(recurrent, key=lambda k: table.loc[k, "test_accuracy_mean"])
            out.append(f"At maxlen {m}, the best recurrent model, {name(*top)}, "
                       f"{_buys(step(runs, ('bow', m), top))} of bag-of-words.")
        parts = [f"{MODELS[c].label} {_buys(s)}" for c in ("lstm", "gru")
                 if (s := step(runs, ("simple_rnn", m), (c, m)))]
        if parts:
            out.append(f"Over SimpleRNN at maxlen {m}: " + "; ".join(parts) + ".")
    longer = [s for s in price_steps(runs) if s.a[0] == s.b[0]]
    if longer:
        sure = [s for s in longer if not np.isnan(s.low)]
        worth = [MODELS[s.a[0]].label for s in sure if s.low > 0]
        text = (f"maxlen {longer[0].b[1]} over {longer[0].a[1]}: "
                + "; ".join(f"{MODELS[s.a[0]].label} {_buys(s)}" for s in longer) + ".")
        if sure:
            text += (f" The longer reviews buy a gain beyond seed noise only for {', '.join(worth)}." if worth else
                     " No model gains more than seed noise from the longer reviews: not worth their time.")
        out.append(text)
    return out
