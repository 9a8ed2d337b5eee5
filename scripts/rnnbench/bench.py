"""Compare a pytest-benchmark JSON run with the committed baseline, robustly.

Shared machines speed up and slow down as a whole, and a neighbour's load only ever adds time; so
each benchmark's minimum over its rounds (the least disturbed one) is divided by the minimum of the
reference matmul timed in the same session, and the ratio, not the raw time, is compared. A
benchmark whose ratio grew by more than the threshold is a regression.

    python -m rnnbench.bench BASELINE.json NEW.json [--threshold 0.75]
    python -m rnnbench.bench --spread RUN1.json RUN2.json [RUN3.json ...]

The second form measures the run-to-run spread of unchanged code: for each benchmark, the largest
ratio of its ratios across runs, minus one. The threshold should sit above the largest of them.
"""

import argparse
import json
import sys

REFERENCE = "test_reference_matmul"
STAT = "min"


def ratios(path):
    """{benchmark name: minimum / reference minimum} of one pytest-benchmark JSON file."""
    with open(path) as fh:
        benches = {b["name"]: b["stats"][STAT] for b in json.load(fh)["benchmarks"]}
    if REFERENCE not in benches:
        raise SystemExit(f"{path}: no {REFERENCE} in it; run the whole suite (make bench)")
    ref = benches.pop(REFERENCE)
    return {name: value / ref for name, value in benches.items()}


def compare(baseline, new, threshold):
    """Rows (name, baseline ratio, new ratio, change) and the names that regressed."""
    rows, slower = [], []
    for name, new_ratio in sorted(new.items()):
        if name not in baseline:
            rows.append((name, None, new_ratio, None))
            continue
        change = new_ratio / baseline[name] - 1
        rows.append((name, baseline[name], new_ratio, change))
        if change > threshold:
            slower.append(name)
    return rows, slower


def spread(runs):
    """{benchmark: max ratio / min ratio - 1} over runs of the same code."""
    names = set.intersection(*(set(r) for r in runs))
    return {name: max(r[name] for r in runs) / min(r[name] for r in runs) - 1 for name in sorted(names)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="JSON", help="BASELINE NEW, or with --spread two or more runs")
    parser.add_argument("--threshold", type=float, default=0.75, help="allowed growth of the ratio (0.75 = 75%%, above the largest spread measured)")
    parser.add_argument("--spread", action="store_true", help="report the run-to-run spread of the given runs")
    args = parser.parse_args(argv)
    if args.spread:
        if len(args.files) < 2:
            parser.error("--spread needs two or more runs")
        spreads = spread([ratios(f) for f in args.files])
        for name, value in spreads.items():
            print(f"{name:58} {100 * value:6.1f}%")
        worst = max(spreads, key=spreads.get)
        print(f"largest spread over {len(args.files)} runs: {100 * spreads[worst]:.1f}% ({worst}); "
              f"median {100 * sorted(spreads.values())[len(spreads) // 2]:.1f}%")
        return 0
    if len(args.files) != 2:
        parser.error("give BASELINE and NEW")
    args.baseline, args.new = args.files
    rows, slower = compare(ratios(args.baseline), ratios(args.new), args.threshold)
    print(f"{'benchmark':58} {'baseline':>9} {'now':>9} {'change':>8}   (x reference matmul)")
    for name, old, now, change in rows:
        old_s = "new" if old is None else f"{old:9.3f}"
        change_s = "" if change is None else f"{100 * change:+7.1f}%"
        flag = "  SLOWER" if name in slower else ""
        print(f"{name:58} {old_s:>9} {now:9.3f} {change_s:>8}{flag}")
    if slower:
        print(f"{len(slower)} of {len(rows)} benchmarks slower than the baseline by more than "
              f"{100 * args.threshold:.0f}%: {', '.join(slower)}")
        return 1
    print(f"no regression past {100 * args.threshold:.0f}% in {len(rows)} benchmarks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
