"""How the results read in words: a configuration's name, a duration, an accuracy with its interval."""

import numpy as np

from rnnbench.models import MODELS


def name(model, maxlen):
    return f"{MODELS[model].label}@{maxlen}"


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
