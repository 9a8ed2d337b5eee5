"""The article's claims, each checked against the measured interval: holds, below, above, within noise."""

from dataclasses import dataclass

import numpy as np

from rnnbench.models import MODELS, SEQUENCE
from rnnbench.results.summary import interval
from rnnbench.results.verdict import CONFIDENCE, step, values


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
        sequence = [(c, m) for c in MODELS if MODELS[c].family in SEQUENCE and (c, m) in present]
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
