"""The article's question answered from the runs: the price of each step up its ladder, the Pareto
frontier of compute against accuracy, and the verdict's sentences."""

from dataclasses import dataclass

import numpy as np
from scipy import stats

from rnnbench.models import MODELS
from rnnbench.results.text import accuracy_bounds, accuracy_text, duration, name

CONFIDENCE = 0.95


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
    """The answer in one sentence: does the best recurrent model beat the best cheap model (the bags
    of words and, where they ran, the linear n-gram classifiers)?"""
    bows = [k for k in table.index if MODELS[k[0]].family in ("bag", "linear")]
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
        # A gain under 0.05 points buys nothing, even where the seeds agree to the digit (the linear
        # models: their seeds seed only the solver) and its interval leaves out zero.
        worth = [MODELS[s.a[0]].label for s in sure if s.low > 0 and round(s.gain, 1) > 0]
        text = (f"maxlen {longer[0].b[1]} over {longer[0].a[1]}: "
                + "; ".join(f"{MODELS[s.a[0]].label} {_buys(s)}" for s in longer) + ".")
        if sure:
            text += (f" The longer reviews buy a gain beyond seed noise only for {', '.join(worth)}." if worth else
                     " No model gains more than seed noise from the longer reviews: not worth their time.")
        out.append(text)
    return out
