"""Calibrate the A/B driver (rnnbench.timing.ab) on this machine: false alarms and power.

    python scripts/rnnbench/timing/calibration.py run OUT [--plan aa:20,lstm10:20,lstm5:10,lstm20:10] [--set quick]
    python scripts/rnnbench/timing/calibration.py summary OUT

`run` times the same revision on both sides (HEAD against the working tree, which must not differ
from it in scripts/) again and again: "aa" as it is ("aaseq" in sequential mode), "lstmP" with P% extra work in B's LSTM
training step at the article's shape (the benchmark-only knob RNNBENCH_BENCH_SLOWDOWN). The plan's
kinds are interleaved, so that a calibration cut short still has some of each; a run already in
OUT is skipped, and while a file OUT/PAUSE exists no new run starts. `summary` recomputes each run's verdicts from its blocks' pytest-benchmark JSON
(`--stat`: each block's figure, min or median) and prints, per kind: runs, runs with any benchmark flagged slower or
faster, the LSTM step's detections and its median ratio, and the other benchmarks' false alarms;
then each benchmark's paired ratios, pooled over a kind's runs: their 5th to 95th percentile.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rnnbench.timing import ab

LSTM = "test_train_step[lstm-article]"


def schedule(plan):
    """"aa:2,lstm10:1" -> ["aa-1", "lstm10-1", "aa-2"]: round robin over the kinds."""
    counts = {kind: int(n) for kind, n in (item.split(":") for item in plan.split(","))}
    order = []
    for i in range(1, max(counts.values()) + 1):
        order += [f"{kind}-{i}" for kind, n in counts.items() if i <= n]
    return order


def run(out, plan, which):
    changed = subprocess.run(["git", "status", "--porcelain", "--", "scripts", "tests"], capture_output=True, text=True)
    if changed.returncode or changed.stdout.strip():
        raise SystemExit("calibration needs the same code on both sides: commit or stash the changes under "
                         "scripts/ and tests/ first (git status)")
    for name in schedule(plan):
        if (out / name / "ab.json").exists():
            continue
        while (out / "PAUSE").exists():  # touch OUT/PAUSE to keep the machine free for a while
            time.sleep(5)
        kind = name.split("-")[0]
        cmd = [sys.executable, "-m", "rnnbench.timing.bench", "ab", "--ref", "HEAD", "--set", which, "--out", str(out / name)]
        if kind == "aaseq":
            cmd += ["--mode", "sequential"]
        elif kind != "aa":
            cmd += ["--slow-b", f"{LSTM}={int(kind[4:]) / 100}"]
        with open(out / f"{name}.log", "w") as log:
            code = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT).returncode
        print(f"{name}: exit {code}", flush=True)


def load(out, stat):
    """{kind: [ab.json of each run]}, verdicts recomputed from the blocks' own pytest-benchmark
    JSON with `stat` as each block's figure (the measurement does not depend on it)."""
    kinds = {}
    for path in sorted(out.glob("*/ab.json")):
        record = json.loads(path.read_text())
        if len(record["pairs"]) < 2:
            continue
        record["ratios"] = ab.paired_ratios(record["pairs"], path.parent, stat)
        record["verdicts"] = ab.decide(record["ratios"], record["alpha"], record["min_effect"])
        kinds.setdefault(path.parent.name.split("-")[0], []).append(record)
    return kinds


def summary(kinds):
    print(f"{'kind':7} {'runs':>4} {'any flag':>8} {'LSTM slower':>11} {'LSTM ratio (median, range)':>27} "
          f"{'others flagged':>14} {'pairs repeated':>14} {'minutes/run':>11}")
    for kind, runs in sorted(kinds.items()):
        flagged = sum(any(v["verdict"] != "same" for v in r["verdicts"]) for r in runs)
        lstm = [next(v for v in r["verdicts"] if v["benchmark"] == LSTM) for r in runs]
        detected = sum(v["verdict"] == "slower" for v in lstm)
        others = sum(v["verdict"] != "same" for r in runs for v in r["verdicts"] if v["benchmark"] != LSTM)
        n_others = sum(v["benchmark"] != LSTM for r in runs for v in r["verdicts"])
        ratios = [v["ratio"] for v in lstm]
        repeated = sum(r["attempts"] - len(r["pairs"]) for r in runs)
        minutes = statistics.median(sum(p["wall"] for p in r["pairs"]) for r in runs) / 60
        print(f"{kind:7} {len(runs):4} {flagged:8} {detected:7} / {len(runs):<2} "
              f"{statistics.median(ratios):9.3f} [{min(ratios):.3f}, {max(ratios):.3f}] "
              f"{others:6} / {n_others:<6} {repeated:14} {minutes:11.1f}")


def spreads(kinds):
    """Per kind and benchmark: the pooled paired ratios' 5th-95th percentiles (the noise of a pair)."""
    pooled = {}
    for kind, runs in kinds.items():
        for record in runs:
            for name, values in record["ratios"].items():
                pooled.setdefault((kind, name), []).extend(values)
    print(f"\n{'kind':7} {'benchmark':32} {'pairs':>5} {'ratio 5%-95%':>15}")
    for (kind, name), values in sorted(pooled.items()):
        q = statistics.quantiles(values, n=20, method="inclusive")
        print(f"{kind:7} {name:32} {len(values):5} [{q[0]:.3f}, {q[-1]:.3f}]")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("run", "summary"))
    parser.add_argument("out", type=Path)
    parser.add_argument("--plan", default="aa:20,lstm10:20,lstm5:10,lstm20:10")
    parser.add_argument("--set", default="quick")
    parser.add_argument("--stat", default=ab.STAT, choices=("min", "median"), help="each block's figure")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.action == "run":
        run(args.out, args.plan, args.set)
    kinds = load(args.out, args.stat)
    summary(kinds)
    spreads(kinds)


if __name__ == "__main__":
    main()
