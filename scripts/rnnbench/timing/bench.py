"""Compare a pytest-benchmark JSON run with the committed baseline, robustly.

Shared machines speed up and slow down as a whole, and a neighbour's load only ever adds time; so
each benchmark's minimum over its rounds (the least disturbed one) is divided by the minimum of the
reference matmul timed in the same session, and the ratio, not the raw time, is compared.

Each benchmark has its own threshold, set from the run-to-run spread of unchanged code measured on
this machine kind (committed beside the baseline): MARGIN times its spread, and never below the
floor. An LSTM step that varies by 3% between runs is flagged at +25%; a SimpleRNN step that
alternates between two speeds only past its own wider band.

    python -m rnnbench.timing.bench BASELINE.json NEW.json [NEW2.json ...] [--spread-file SPREAD.json] [--floor 0.25]
    python -m rnnbench.timing.bench --spread RUN1.json RUN2.json [RUN3.json ...] [--save SPREAD.json]
    python -m rnnbench.timing.bench ab [--ref REV] ...      (rnnbench.timing.ab: this change against a revision)

A stored baseline carries only within one CPU: divided by a matmul, unchanged code still read as
much slower in the recurrent steps on an Intel Xeon machine of this project's kind than on the
AMD EPYC the baseline was timed on. So when the baseline's CPU (pytest-benchmark's machine_info) is not this run's, the comparison says
so in one line and compares nothing; `rnnbench.timing.ab` answers the question there.

Given several new runs of the same code, each benchmark's least disturbed ratio among them counts:
`make bench-compare` times the suite a second time when the first comparison fails, so that a
regression must show in both runs, where a slow moment of a shared machine rarely does.

The second form measures the spread: for each benchmark, the largest ratio of its ratios across
runs, minus one; --save writes it for the first form to read.
"""

import argparse
import json
import sys

REFERENCE = "test_reference_matmul"
STAT = "min"
MARGIN = 1.5  # a threshold is this many times the spread measured in a few runs (it underestimates)
FLOOR = 0.25


def cpu(path):
    """The CPU a pytest-benchmark JSON file was timed on: brand, family, model, logical cores."""
    with open(path) as fh:
        info = json.load(fh).get("machine_info", {}).get("cpu", {})
    return tuple(info.get(k) for k in ("brand_raw", "family", "model", "count"))


def ratios(path):
    """{benchmark name: minimum / reference minimum} of one pytest-benchmark JSON file."""
    with open(path) as fh:
        benches = {b["name"]: b["stats"][STAT] for b in json.load(fh)["benchmarks"]}
    if REFERENCE not in benches:
        raise SystemExit(f"{path}: no {REFERENCE} in it; run the whole suite (make bench)")
    ref = benches.pop(REFERENCE)
    return {name: value / ref for name, value in benches.items()}


def least(runs):
    """{benchmark: its smallest ratio over several runs of the same code}."""
    names = set.intersection(*(set(r) for r in runs))
    return {name: min(r[name] for r in runs) for name in names}


def thresholds(spreads, floor=FLOOR):
    """{benchmark: allowed growth}; a benchmark without a measured spread gets the widest band."""
    bands = {name: max(floor, MARGIN * value) for name, value in spreads.items()}
    widest = max(bands.values(), default=floor)
    return lambda name: bands.get(name, widest)


def compare(baseline, new, threshold):
    """Rows (name, baseline ratio, new ratio, change, threshold) and the names that regressed."""
    rows, slower = [], []
    for name, new_ratio in sorted(new.items()):
        if name not in baseline:
            rows.append((name, None, new_ratio, None, None))
            continue
        change = new_ratio / baseline[name] - 1
        rows.append((name, baseline[name], new_ratio, change, threshold(name)))
        if change > threshold(name):
            slower.append(name)
    return rows, slower


def spread(runs):
    """{benchmark: max ratio / min ratio - 1} over runs of the same code."""
    low = least(runs)
    return {name: max(r[name] for r in runs) / low[name] - 1 for name in sorted(low)}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["ab"]:
        from rnnbench.timing import ab

        return ab.main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="JSON",
                        help="BASELINE NEW [NEW ...], or with --spread two or more runs")
    parser.add_argument("--spread-file", help="spreads saved by --spread --save; without it every "
                        "benchmark's threshold is the floor")
    parser.add_argument("--floor", type=float, default=FLOOR, help="smallest threshold (0.25 = 25%%)")
    parser.add_argument("--spread", action="store_true", help="report the run-to-run spread of the given runs")
    parser.add_argument("--save", help="with --spread: write the spreads to this file")
    args = parser.parse_args(argv)
    if args.spread:
        if len(args.files) < 2:
            parser.error("--spread needs two or more runs")
        spreads = spread([ratios(f) for f in args.files])
        band = thresholds(spreads, args.floor)
        print(f"{'benchmark':58} {'spread':>7} {'threshold':>9}")
        for name, value in spreads.items():
            print(f"{name:58} {100 * value:6.1f}% {100 * band(name):8.1f}%")
        worst = max(spreads, key=spreads.get)
        print(f"largest spread over {len(args.files)} runs: {100 * spreads[worst]:.1f}% ({worst}); "
              f"median {100 * sorted(spreads.values())[len(spreads) // 2]:.1f}%")
        if args.save:
            with open(args.save, "w") as fh:
                json.dump({"runs": args.files, "spread": spreads}, fh, indent=1)
            print(f"saved to {args.save}")
        return 0
    if len(args.files) < 2:
        parser.error("give BASELINE and one or more NEW runs")
    spreads = {}
    if args.spread_file:
        with open(args.spread_file) as fh:
            spreads = json.load(fh)["spread"]
    timed_on = {cpu(f) for f in args.files[1:]}
    if {cpu(args.files[0])} != timed_on:
        print(f"not compared: the baseline was timed on {_cpu_name(cpu(args.files[0]))} and this run on "
              f"{', '.join(map(_cpu_name, timed_on))}; a stored baseline holds only on its own CPU: "
              "use make bench-ab (this change against a revision, timed side by side)")
        return 0
    new = least([ratios(f) for f in args.files[1:]])
    rows, slower = compare(ratios(args.files[0]), new, thresholds(spreads, args.floor))
    if len(args.files) > 2:
        print(f"each benchmark's least ratio of {len(args.files) - 1} runs")
    print(f"{'benchmark':58} {'baseline':>9} {'now':>9} {'change':>8} {'allowed':>8}   (x reference matmul)")
    for name, old, now, change, allowed in rows:
        old_s = "new" if old is None else f"{old:9.3f}"
        change_s = "" if change is None else f"{100 * change:+7.1f}%"
        allowed_s = "" if allowed is None else f"{100 * allowed:+7.0f}%"
        flag = "  SLOWER" if name in slower else ""
        print(f"{name:58} {old_s:>9} {now:9.3f} {change_s:>8} {allowed_s:>8}{flag}")
    if slower:
        print(f"{len(slower)} of {len(rows)} benchmarks slower than the baseline by more than their "
              f"threshold: {', '.join(slower)}")
        return 1
    print(f"no regression past its threshold in {len(rows)} benchmarks")
    return 0


def _cpu_name(key):
    brand, family, model, count = key
    return f"{brand or 'an unknown CPU'} (family {family}, model {model}, {count} cores)"


if __name__ == "__main__":
    sys.exit(main())
