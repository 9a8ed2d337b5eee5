"""The A/B driver's statistics (rnnbench/timing/ab.py): per benchmark, the paired ratios B/A give a
verdict, "slower" only when a one-sided Wilcoxon signed-rank test on the log ratios rejects "no
slowdown" after Holm's correction, and the median ratio is at least 1 + min_effect."""

import math

ALPHA = 0.05
MIN_EFFECT = 0.05


def holm(pvalues):
    """Holm's step-down adjustment: adjusted p-values in the order given."""
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    adjusted, running = [1.0] * len(pvalues), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def median_interval(values, level=0.95):
    """Median and a distribution-free interval for it: the order statistics (k, n+1-k) with the
    largest k whose binomial coverage is at least `level` (the whole range when n is small)."""
    from scipy.stats import binom

    xs, n = sorted(values), len(values)
    mid = (xs[(n - 1) // 2] + xs[n // 2]) / 2
    k = 1
    while k + 1 <= n // 2 and 1 - 2 * binom.cdf(k, n, 0.5) >= level:
        k += 1
    return mid, xs[k - 1], xs[n - k]


def min_pairs(benchmarks, alpha=ALPHA):
    """Pairs needed for Holm's strictest level to be reachable with one discordant pair:
    the exact one-sided Wilcoxon p-value of n pairs is at least 2 / 2**n then."""
    return max(6, math.ceil(math.log2(2 * benchmarks / alpha)))


def decide(ratios, alpha=ALPHA, min_effect=MIN_EFFECT):
    """{benchmark: [B/A ratio of each pair]} -> rows (dicts) with median, interval, Holm-adjusted
    one-sided p-values and a verdict: "slower", "faster" or "same"."""
    from scipy.stats import wilcoxon

    names = sorted(ratios)
    p_slow, p_fast = [], []
    for name in names:
        logs = [math.log(r) for r in ratios[name]]
        if len(logs) < 2 or all(v == 0 for v in logs):
            p_slow.append(1.0), p_fast.append(1.0)
            continue
        p_slow.append(float(wilcoxon(logs, alternative="greater").pvalue))
        p_fast.append(float(wilcoxon(logs, alternative="less").pvalue))
    p_slow, p_fast = holm(p_slow), holm(p_fast)
    rows = []
    for name, ps, pf in zip(names, p_slow, p_fast):
        mid, low, high = median_interval(ratios[name])
        verdict = "same"
        if ps < alpha and mid >= 1 + min_effect:
            verdict = "slower"
        elif pf < alpha and mid <= 1 - min_effect:
            verdict = "faster"
        rows.append({"benchmark": name, "pairs": len(ratios[name]), "ratio": mid, "low": low, "high": high,
                     "p_slower": ps, "p_faster": pf, "verdict": verdict})
    return rows


def table(rows):
    lines = [f"{'benchmark':42} {'B/A':>6} {'95% interval':>15} {'p slower':>9} {'p faster':>9}  verdict"]
    for r in rows:
        verdict = {"slower": f"SLOWER {100 * (r['ratio'] - 1):+.1f}%", "faster": f"faster {100 * (r['ratio'] - 1):+.1f}%",
                   "same": "no change shown"}[r["verdict"]]
        lines.append(f"{r['benchmark']:42} {r['ratio']:6.3f} [{r['low']:.3f}, {r['high']:.3f}] "
                     f"{r['p_slower']:9.4f} {r['p_faster']:9.4f}  {verdict}")
    return "\n".join(lines)
