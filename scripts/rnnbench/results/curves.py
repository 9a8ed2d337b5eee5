"""Accuracy against the number of training reviews: learning curves fitted, and the answer.

The subsets each point trains on: rnnbench/data/subsets.py.

The curve. Error against reviews n follows a power law with a floor, error = a·n^(-b) + c (Hestness
et al. 2017: a better architecture moves a and c, rarely b), fitted by weighted least squares
(scipy.optimize.curve_fit, each size's seed spread as sigma) within bounds; intervals come from
resampling the seeds of every size (bootstrap). A fit is flagged ill-behaved (Viering & Loog 2022)
when it fails, an exponent or the floor sits on its bound, or the error grows with n.
"""

import math
import warnings

import numpy as np
import pandas as pd

from rnnbench import files, models
from rnnbench.results.text import name

BOUNDS = ([0.0, 0.01, 0.0], [1e3, 2.0, 0.5])  # a, b, c: a power that falls, a floor below chance
BOOTSTRAP = 200
# Google's text-classification guide (developers.google.com/machine-learning/guides/text-classification):
# below this many samples per median words of a sample, n-gram models beat sequence models.
GOOGLE_RATIO = 1500


def power_law(n, a, b, c):
    return a * np.power(n, -b) + c


def fit(n, error, sigma=None):
    """(a, b, c) of error = a·n^(-b) + c by weighted least squares, or None where it fails."""
    from scipy.optimize import OptimizeWarning, curve_fit

    n, error = np.asarray(n, float), np.asarray(error, float)
    if len(np.unique(n)) < 3:
        return None
    if sigma is not None:
        sigma = np.maximum(np.asarray(sigma, float), 0.003)  # a size whose seeds agree still has noise
    start = [max(error.max() - error.min(), 0.01) * n.min() ** 0.5, 0.5, max(error.min() * 0.8, 0.0)]
    try:
        with warnings.catch_warnings():  # a covariance it cannot estimate: the bands come from resampling
            warnings.simplefilter("ignore", OptimizeWarning)
            params, _ = curve_fit(power_law, n, error, p0=start, sigma=sigma, bounds=BOUNDS, maxfev=20000)
    except (RuntimeError, ValueError):
        return None
    return tuple(float(p) for p in params)


def ill_behaved(params, n, error):
    """Why a fit is not to be trusted (empty when it is): failed, on a bound, or error rising with n."""
    reasons = []
    if params is None:
        return ["the fit did not converge"]
    a, b, c = params
    if b <= BOUNDS[0][1] * 1.01 or b >= BOUNDS[1][1] * 0.99:
        reasons.append(f"exponent b={b:.2f} on its bound")
    if c >= BOUNDS[1][2] * 0.99:
        reasons.append("floor on its bound")
    if c <= 1e-6:
        reasons.append("floor at zero error: no saturation within the sizes measured")
    order = np.argsort(n)
    means = np.asarray(error, float)[order]
    if len(means) >= 2 and means[-1] > means[0]:
        reasons.append("error grows with the training reviews")
    return reasons


def curves(runs, boot=BOOTSTRAP, seed=0):
    """Per model x maxlen: the fit on the mean test error per size (sigma: the seeds' spread), its
    bootstrap band over seeds, and its flags. `runs` has model, maxlen, train_samples, seed,
    test_accuracy. Returns {(model, maxlen): dict(params, band=(n grid, lo, hi), flags, sizes)}."""
    rng = np.random.default_rng(seed)
    out = {}
    for (model, maxlen), group in runs.groupby(["model", "maxlen"], sort=False):
        by_size = {n: 1 - g["test_accuracy"].to_numpy() for n, g in group.groupby("train_samples")}
        sizes = np.array(sorted(by_size))
        means = np.array([by_size[n].mean() for n in sizes])
        spread = np.array([by_size[n].std(ddof=1) if len(by_size[n]) > 1 else np.nan for n in sizes])
        sigma = None if np.isnan(spread).any() else spread
        params = fit(sizes, means, sigma)
        grid = np.geomspace(sizes.min(), sizes.max() * 4, 60)
        again = []
        for _ in range(boot if params else 0):
            resampled = np.array([rng.choice(by_size[n], len(by_size[n])).mean() for n in sizes])
            again.append(fit(sizes, resampled, sigma))
        again = [p for p in again if p]
        samples = [power_law(grid, *p) for p in again]
        band = (grid, *np.percentile(samples, [2.5, 97.5], axis=0)) if len(samples) >= 20 else None
        flags = ill_behaved(params, sizes, means)
        if "stopped" in group:  # converge: a run still improving at its cap was not trained to its best
            capped = group[(group["stopped"] == "cap") & (group["best_epoch"] == group["epochs"])]
            if len(capped):
                flags.append(f"{len(capped)} of {len(group)} runs still improving at the cap "
                             f"(sizes {', '.join(f'{n:,}' for n in sorted(capped['train_samples'].unique()))})")
        out[(model, int(maxlen))] = {"params": params, "boot": again, "band": band, "flags": flags,
                                     "sizes": sizes, "mean_error": means, "spread": spread}
    return out


def reviews_to_reach(params, error):
    """Training reviews at which the fitted curve reaches `error`; inf where its floor is above it."""
    a, b, c = params
    if error <= c:
        return math.inf
    return (a / (error - c)) ** (1 / b)


def google_ratio(train_reviews, median_words):
    """Samples per median words of a sample, and the model family Google's guide advises for it."""
    ratio = train_reviews / median_words
    return ratio, ("an n-gram model (bag of words)" if ratio < GOOGLE_RATIO else "a sequence model")


def collect(metrics_paths):
    """One row per run of the learning curves (and the grid's runs, the whole pool): model, maxlen,
    seed, train_samples, its positive share, accuracies, epochs and time."""
    rows = []
    for path in metrics_paths:
        m = files.read_json(path)
        rows.append({key: m.get(key) for key in ("model", "maxlen", "seed", "train_samples", "train_positive_share",
                                                  "test_accuracy", "best_val_accuracy", "best_epoch", "epochs",
                                                  "stopped", "fit_seconds", "seconds_to_best", "test_samples")}
                    | {"train_from_test": m.get("train_from_test", 0)})
    return pd.DataFrame(rows).sort_values(["model", "maxlen", "train_samples", "seed"]).reset_index(drop=True)


def table(fits):
    """One row per model x maxlen: the fitted a, b, c, the floor as accuracy, and the flags."""
    rows = []
    for (model, maxlen), f in fits.items():
        a, b, c = f["params"] or (None,) * 3
        rows.append({"model": model, "maxlen": int(maxlen), "a": a, "b": b, "c": c,
                     "floor_accuracy": None if c is None else 1 - c, "sizes": len(f["sizes"]),
                     "flags": "; ".join(f["flags"])})
    return rows


def summarise(runs, train_lengths):
    """What the rule writes beside the runs: the fits, the sentence and Google's ratio for the data
    (the training reviews of the largest size over the median words of a training review)."""
    fits = curves(runs)
    ratio, advice = google_ratio(int(runs["train_samples"].max()), float(np.median(train_lengths)))
    return fits, {"fits": table(fits), "sentence": sentence(runs, fits),
                  "google": {"ratio": ratio, "median_words": float(np.median(train_lengths)), "advice": advice,
                             "threshold": GOOGLE_RATIO}}


def _crossing(cheap, dear, start, stop=1e8):
    """Reviews beyond `start` at which the cheap model's fitted error falls to the dear one's, or None."""
    n = np.geomspace(start, stop, 400)
    behind = power_law(n, *cheap) > power_law(n, *dear)
    if behind.all() or not behind[0]:
        return None
    return float(n[np.argmin(behind)])


def _crossing_interval(behind, ahead, fits, n_full):
    """Where the one behind at n_full would, extrapolated, reach the one ahead: (reviews or None,
    the resamples' 95% interval as text, empty with fewer than 20 crossing)."""
    at = _crossing(fits[behind]["params"], fits[ahead]["params"], n_full)
    boot = [c for c in (_crossing(p, q, n_full) for p, q in zip(fits[behind]["boot"], fits[ahead]["boot"]))
            if c is not None]
    interval = (f" (95% interval {np.percentile(boot, 2.5):,.0f} to {np.percentile(boot, 97.5):,.0f}; "
                f"{len(boot)} of {len(fits[behind]['boot'])} resamples cross)" if len(boot) >= 20 else "")
    return at, interval


def _overtakes(behind, ahead, fits, n_full):
    """The end of the sentence where `behind` trails at the largest size: where its fitted curve,
    extrapolated, would overtake (with the resamples' interval), or that it does not."""
    at, interval = _crossing_interval(behind, ahead, fits, n_full)
    if at is None:
        return f"; extrapolated, {name(*behind)}'s curve does not overtake below 100 million reviews."
    return (f". {name(*behind)}'s curve flattens more slowly: extrapolated, it would overtake at about "
            f"{at:,.0f} reviews{interval}, {at / n_full:.0f}x the data measured, an extrapolation only.")


def _level(at_full, one, other):
    """Whether the seeds cannot tell two models apart: the 95% Welch interval of the difference of
    their mean test accuracies holds zero (False with one seed)."""
    from scipy import stats

    def accuracy(key):
        return at_full[(at_full["model"] == key[0]) & (at_full["maxlen"] == key[1])]["test_accuracy"].to_numpy()

    x, y = accuracy(one), accuracy(other)
    if min(len(x), len(y)) < 2:
        return False
    interval = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    return bool(interval.low <= 0 <= interval.high)


def sentence(runs, fits):
    """The article's closing claim, answered from the curves: the cheapest model (bag-of-words, or
    the first bag) against the best recurrent model at the largest size both measured."""
    full = runs.groupby(["model", "maxlen"])["train_samples"].max()
    at_full = runs[runs["train_samples"] == runs.set_index(["model", "maxlen"]).index.map(full)]
    means = at_full.groupby(["model", "maxlen"])["test_accuracy"].mean()
    bags = [k for k in means.index if models.spec(k[0]).family == "bag"]
    cells = [k for k in means.index if models.spec(k[0]).family == "recurrent"]
    if not bags or not cells:
        return None
    order = list(models.MODELS)
    cheap = min(bags, key=lambda k: (order.index(k[0]), k[1]))  # bag-of-words first, the shorter maxlen
    dear = max(cells, key=lambda k: means[k])
    n_full = int(full[dear])
    gap = 100 * (means[dear] - means[cheap])
    moved = int(at_full["train_from_test"].max()) if "train_from_test" in at_full else 0
    where = f" ({moved:,} of them moved from the test split: may read optimistic)" if moved else ""
    head = (f"At {n_full:,} training reviews{where} {name(*dear)} is {abs(gap):.1f} points "
            f"{'ahead of' if gap > 0 else 'behind'} {name(*cheap)} ({100 * means[dear]:.1f}% against "
            f"{100 * means[cheap]:.1f}%)")
    f_cheap, f_dear = fits.get(cheap, {}).get("params"), fits.get(dear, {}).get("params")
    if _level(at_full, dear, cheap):
        head = (f"At {n_full:,} training reviews{where} {name(*dear)} and {name(*cheap)} are level "
                f"({100 * means[dear]:.1f}% against {100 * means[cheap]:.1f}%: the seeds cannot tell them apart)")
        if f_cheap is None or f_dear is None:
            return head + "."
        n = 10 * n_full
        ahead, behind = (dear, cheap) if power_law(n, *f_dear) < power_law(n, *f_cheap) else (cheap, dear)
        return head + (f"; extrapolated, {name(*ahead)}'s curve pulls ahead with more data "
                       f"({100 * (1 - power_law(n, *fits[ahead]['params'])):.1f}% against "
                       f"{100 * (1 - power_law(n, *fits[behind]['params'])):.1f}% at {n:,} reviews), an extrapolation only.")
    if f_cheap is None or f_dear is None:
        return head + "; a learning curve could not be fitted to both."
    if gap <= 0:
        n = reviews_to_reach(f_cheap, 1 - means[dear])
        text = head
        if n < n_full:
            text += (f": with {n_full / n:.1f}x fewer reviews (about {n:,.0f}), {name(*cheap)} matches "
                     f"{name(*dear)} trained on all {n_full:,}")
        return text + _overtakes(dear, cheap, fits, n_full)
    at, interval = _crossing_interval(cheap, dear, fits, n_full)
    if at is None:
        steeper = f_dear[1] > f_cheap[1]
        return head + (f"; the curves do not cross below 100 million reviews: {name(*dear)}'s is "
                       f"{'steeper, and its lead grows' if steeper else 'flatter, yet its lead holds'} with data.")
    return head + (f"; extrapolated, {name(*cheap)} would catch up at about {at:,.0f} reviews{interval}, "
                   f"{at / n_full:.0f}x the data measured: beyond it, an extrapolation only.")
