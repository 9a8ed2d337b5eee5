"""Paired A/B timing: did *this change* make a benchmark slower?

A stored baseline cannot answer that on machines whose CPU changes from session to session, so
this times both versions in the same job, as asv's `continuous` and pyperf's `compare_to` do:

- A is a git revision (default: the merge-base of HEAD with main), checked out beside the working
  tree with `git worktree`; B is the working tree. Both run the working tree's benchmark suite
  (`tests/benchmarks`, pytest-benchmark) with the same virtual environment; only the package code
  they import (`scripts/`, first on PYTHONPATH) differs. `--python-a` gives A another interpreter
  (e.g. a virtual environment with the previous TensorFlow).
- Each block is one fresh pytest process, pinned to one core (`os.sched_setaffinity`), with
  TensorFlow's intra- and inter-op pools at one thread. A pair is one A block and one B block:
  in `duet` mode (the default) both at once, one per core; in `sequential` mode one after the
  other on the same core, in ABBA order. Warm-up rounds are discarded (pytest-benchmark's
  pedantic mode), and each block's figure for a benchmark is its fastest round.
- In duet mode the two processes run in lockstep (tests/benchmarks/conftest.py): they meet at a
  barrier after each benchmark's first (compiling) call and before every round, and swap cores
  at each round, all threads included. So both time every round at the same moment, and each
  times half its rounds on each core.
- Around each pair, /proc/stat gives the machine's busy and steal time; the blocks' own CPU time
  comes from wait4. A pair where other processes used more than `--max-other` cores on average,
  or steal exceeded `--max-steal` of the wall time, is repeated, not counted.
- Per benchmark, the paired ratios B/A give the verdict (`decide`): "slower" only when a one-sided
  Wilcoxon signed-rank test on the log ratios rejects "no slowdown" at level alpha after Holm's
  correction for the number of benchmarks, *and* the median ratio is at least 1 + min_effect.
  "faster" the same way the other side. The printed table gives the median ratio, its 95%
  distribution-free interval (order statistics of the binomial), the Holm-adjusted p-values and
  the verdict; the exit status is 1 when any benchmark is slower.

Why lockstep, from the calibration on this project's AMD EPYC machine (2026-11-28, quick set, A
and B the same commit; "pairs" are the paired ratios B/A, given as 5th-95th percentiles):
a core of this virtual machine now and then runs 15-25% slower for a second or more, which shows
neither as steal nor as other processes' CPU (within one block, LSTM rounds of 87-92 ms turned
into 103-115 ms for ten rounds), most likely the host's other tenants on the same physical core.
Timed side by side, each on its own core, pairs took such spells unevenly. Unsynchronised, in the
one run tried with a 10% slower LSTM step, the GRU's paired ratios went from 0.76 to 1.23.
Meeting once per benchmark, 9 A/A runs gave LSTM pairs of 0.949-1.043 and GRU pairs of
0.961-1.132, and 8 of 9 runs with a 10% slower LSTM step flagged it. Swapping cores halfway
through each benchmark flagged it in 2 of 4 runs, while the whole machine ran about 10% slower
(inconclusive). In lockstep with a core swap every round (three sessions, 2026-11-27/28), 20 A/A
runs gave LSTM pairs of 0.981-1.017 and GRU pairs of 0.985-1.017 and flagged nothing; all 20 runs
with the 10% slower LSTM step flagged it (its 160 pairs read 1.091-1.122), 9 of 10 at 5% (the
tenth: median 1.048, under the 1.05 required), 10 of 10 at 20%, and none flagged another benchmark.

The fastest round is a block's figure because the median of 15 rounds follows a slow spell and
the minimum does not (Chen and Revels, "Robust benchmarking in noisy environments", 2016): on the
9 + 9 once-per-benchmark runs above, the 10% slowdown was flagged in 8 of 9 runs with the minimum
and in 5 of 9 with the median, which also flagged 2 unchanged benchmarks in those runs.

    python -m rnnbench.bench ab [--ref REV] [--set quick|all] [--pairs N] [--mode duet|sequential]

Everything lands in results/bench/ab/<time>/: each block's pytest-benchmark JSON and ab.json (the
blocks, their disturbance, the ratios and the verdicts).
"""

import argparse
import contextlib
import datetime
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rnnbench import RnnbenchError, files
from rnnbench.measure import Usage

SUITE = "tests/benchmarks"
QUICK = [f"{SUITE}/test_timing.py::test_train_step[{m}-article]" for m in ("lstm", "gru", "bow")] + [
    f"{SUITE}/test_timing.py::test_data_preparation"]
SETS = {"quick": QUICK, "all": [SUITE]}
STAT = "min"  # each block's figure for a benchmark: its fastest round (see the module's docstring)
ALPHA = 0.05
MIN_EFFECT = 0.05
MAX_OTHER = 0.25  # cores' worth of CPU used by other processes during a pair
MAX_STEAL = 0.05  # share of the pair's wall time stolen by the hypervisor, summed over cores
# Spelled out again in tests/benchmarks/conftest.py, which cannot import them: side A imports the
# package of an older revision, which may predate this module.
SLOWDOWN_ENV = "RNNBENCH_BENCH_SLOWDOWN"  # benchmark-only knob: "NAME=FRACTION,...", see conftest
# duet: both sides time each round together and swap cores every round (tests/benchmarks/conftest.py)
BARRIER_ENV, SIDE_ENV, CORES_ENV = "RNNBENCH_AB_BARRIER", "RNNBENCH_AB_SIDE", "RNNBENCH_AB_CORES"
THREAD_ENV = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1",
              "TF_CPP_MIN_LOG_LEVEL": "2"}


# --- statistics -------------------------------------------------------------------------------

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


# --- measurement ------------------------------------------------------------------------------

def git(repo, *args):
    out = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if out.returncode:
        raise RnnbenchError(f"git {' '.join(args)}: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else 'failed'}")
    return out.stdout.strip()


def resolve(repo, ref):
    """(commit, description) of REF; no REF: the merge-base of HEAD with main (or HEAD)."""
    if ref is None:
        try:
            return git(repo, "merge-base", "HEAD", "main"), "merge-base of HEAD and main"
        except RnnbenchError:
            ref = "HEAD"
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"), ref
    except RnnbenchError:
        raise RnnbenchError(f"--ref {ref!r} is not a commit of {repo}; give a branch, tag or commit "
                            "(git log --oneline shows them)") from None


@contextlib.contextmanager
def worktree(repo, commit):
    """A detached checkout of `commit` beside the repository, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=f"rnnbench-ab-{commit[:12]}-"))
    git(repo, "worktree", "add", "--detach", "--force", str(path), commit)
    try:
        yield path
    finally:
        subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(path)], capture_output=True)
        subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True)


def start_block(side, core, out_json, cwd, targets, log, barrier=None, cores=()):
    """One fresh pytest process timing `targets` with `side`'s code, pinned to `core`; with a
    barrier folder, it meets the other side's process there before each round of each benchmark,
    and the two swap `cores`."""
    env = dict(os.environ, **THREAD_ENV)
    for key in (BARRIER_ENV, SIDE_ENV, CORES_ENV):
        env.pop(key, None)
    if barrier:
        env.update({BARRIER_ENV: str(barrier), SIDE_ENV: side["name"], CORES_ENV: ",".join(map(str, cores))})
    env["PYTHONPATH"] = os.pathsep.join([str(side["src"]), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.pop(SLOWDOWN_ENV, None)
    if side.get("slowdown"):
        env[SLOWDOWN_ENV] = side["slowdown"]
    cmd = [side["python"], "-m", "pytest", "-q", "-p", "no:cacheprovider", "--benchmark-enable",
           f"--benchmark-json={out_json}", *targets]
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: os.sched_setaffinity(0, {core}))


def finish(proc):
    """Wait for a block; its exit status and CPU seconds (its own and its children's)."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def machine_info(path):
    with open(path) as fh:
        return json.load(fh).get("machine_info", {})


def figures(path, stat=STAT):
    """{benchmark: its `stat` ("min" or "median") over its rounds, seconds} of one block's
    pytest-benchmark JSON."""
    with open(path) as fh:
        return {b["name"]: b["stats"][stat] for b in json.load(fh)["benchmarks"]}


def run_blocks(blocks, outdir, index, cwd, targets, barrier=None):
    """Start blocks together ({side: (side, core)}), wait for all; {side: record}. Each record has
    the exit status, the core, and the disturbance of the window the blocks shared: wall seconds,
    the blocks' own CPU seconds, other processes' CPU in cores, steal as a share of the wall time."""
    usage = Usage()  # the driver runs unpinned: every core it may use
    clock = time.perf_counter()
    logs = {s: open(outdir / f"{s}-{index}.log", "w") for s in blocks}
    procs = {}
    try:
        for s, (side, core) in blocks.items():
            procs[s] = start_block(side, core, outdir / f"{s}-{index}.json", cwd, targets, logs[s], barrier,
                                   [c for _, c in blocks.values()])
        done = {s: finish(proc) for s, proc in procs.items()}
    except BaseException:  # Ctrl-C or SIGTERM: no block outlives the driver
        for proc in procs.values():
            if proc.returncode is None:
                proc.kill()
                proc.wait()
        raise
    finally:
        for fh in logs.values():
            fh.close()
    wall = time.perf_counter() - clock
    own = sum(cpu for _, cpu in done.values())
    machine = usage.figures(own=own)
    window = {"wall": wall, "own_cpu": own, "other_cores": machine["other_cores"], "steal": machine["steal"]}
    return {s: dict(window, exit=done[s][0], core=blocks[s][1]) for s in blocks}


def run_pair(index, sides, mode, cores, cwd, targets, outdir):
    """Time one A block and one B block: at once on two cores (duet, cores swapped every pair) or
    one after the other on one core, in ABBA order (sequential). The pair's record."""
    order = "AB" if index % 2 == 0 else "BA"
    if mode == "duet":
        barrier = Path(tempfile.mkdtemp(prefix=f"barrier-{index}-", dir=outdir))
        try:
            blocks = run_blocks({s: (sides[s], cores[slot]) for slot, s in enumerate(order)}, outdir, index, cwd,
                                targets, barrier)
        finally:
            shutil.rmtree(barrier, ignore_errors=True)
        wall = blocks["A"]["wall"]
    else:
        blocks = {}
        for s in order:
            blocks.update(run_blocks({s: (sides[s], cores[0])}, outdir, index, cwd, targets))
        wall = blocks["A"]["wall"] + blocks["B"]["wall"]
    return {"pair": index, "mode": mode, "order": order, "blocks": blocks, "wall": wall,
            "other_cores": max(b["other_cores"] for b in blocks.values()),
            "steal": max(b["steal"] for b in blocks.values())}


def measure(sides, pairs, mode, cwd, targets, outdir, alpha=ALPHA, max_other=MAX_OTHER, max_steal=MAX_STEAL,
            say=print):
    """Run `pairs` undisturbed pairs (None: as many as `min_pairs` asks for the benchmarks the
    first pair timed), repeating disturbed ones up to as many again; (counted records, attempts,
    pairs)."""
    cores = sorted(os.sched_getaffinity(0))
    if mode == "duet" and len(cores) < 2:
        raise RnnbenchError("--mode duet needs two cores; this process may use one: use --mode sequential")
    cores = cores[-2:] if mode == "duet" else cores[-1:]
    counted, attempts = [], 0
    while pairs is None or (len(counted) < pairs and attempts < 2 * pairs):
        record = run_pair(attempts, sides, mode, cores, cwd, targets, outdir)
        attempts += 1
        for s in "AB":
            if record["blocks"][s]["exit"] != 0:
                log = outdir / f"{s}-{record['pair']}.log"
                raise RnnbenchError(f"the benchmarks failed on side {s} ({sides[s]['label']}): see {log}")
            imported = machine_info(outdir / f"{s}-{record['pair']}.json").get("rnnbench")
            if imported and not Path(imported).resolve().is_relative_to(Path(sides[s]["src"]).resolve()):
                raise RnnbenchError(f"side {s} imported rnnbench from {imported}, not from {sides[s]['src']}: "
                                    "is the package installed without -e? reinstall with pip install -e .")
        if pairs is None:
            timed = len(figures(outdir / f"B-{record['pair']}.json"))
            pairs = min_pairs(timed, alpha)
            say(f"{pairs} pairs for {timed} benchmarks")
        record["counted"] = record["other_cores"] <= max_other and record["steal"] <= max_steal
        say(f"pair {record['pair'] + 1}: {record['order']}, {record['wall']:.0f} s, other processes "
            f"up to {record['other_cores']:.2f} cores, steal up to {100 * record['steal']:.1f}%"
            + ("" if record["counted"] else "  disturbed: repeated"))
        if record["counted"]:
            counted.append(record)
    return counted, attempts, pairs


def paired_ratios(records, outdir, stat=STAT):
    """{benchmark: [B/A of each counted pair]} for the benchmarks both sides timed."""
    ratios = {}
    for record in records:
        a = figures(outdir / f"A-{record['pair']}.json", stat)
        b = figures(outdir / f"B-{record['pair']}.json", stat)
        for name in sorted(set(a) & set(b)):
            ratios.setdefault(name, []).append(b[name] / a[name])
    return ratios


def table(rows):
    lines = [f"{'benchmark':42} {'B/A':>6} {'95% interval':>15} {'p slower':>9} {'p faster':>9}  verdict"]
    for r in rows:
        verdict = {"slower": f"SLOWER {100 * (r['ratio'] - 1):+.1f}%", "faster": f"faster {100 * (r['ratio'] - 1):+.1f}%",
                   "same": "no change shown"}[r["verdict"]]
        lines.append(f"{r['benchmark']:42} {r['ratio']:6.3f} [{r['low']:.3f}, {r['high']:.3f}] "
                     f"{r['p_slower']:9.4f} {r['p_faster']:9.4f}  {verdict}")
    return "\n".join(lines)


def _positive(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of pairs, 1 or more")
    return int(text)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnnbench.bench ab", description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="revision A (default: the merge-base of HEAD with main)")
    parser.add_argument("--set", choices=SETS, default="all", help="quick: the LSTM, GRU and bag-of-words "
                        "training steps at the article's shape and data preparation; all: tests/benchmarks")
    parser.add_argument("--pairs", type=_positive, help="counted A/B pairs (default: enough for Holm's correction)")
    parser.add_argument("--mode", choices=("duet", "sequential"), default="duet")
    parser.add_argument("--alpha", type=float, default=ALPHA)
    parser.add_argument("--min-effect", type=float, default=MIN_EFFECT, help="smallest change reported (0.05 = 5%%)")
    parser.add_argument("--max-other", type=float, default=MAX_OTHER, help="other processes' CPU, in cores, "
                        "beyond which a pair is repeated")
    parser.add_argument("--max-steal", type=float, default=MAX_STEAL)
    parser.add_argument("--python-a", default=sys.executable, help="interpreter for A (default: this one)")
    parser.add_argument("--python-b", default=sys.executable, help="interpreter for B (default: this one)")
    parser.add_argument("--repo", default=".", help="the git working tree (B)")
    parser.add_argument("--src", default="scripts", help="the package folder, relative to the repository")
    parser.add_argument("--slow-b", help=f"calibration only: NAME=FRACTION extra work in B's benchmark NAME ({SLOWDOWN_ENV})")
    parser.add_argument("--out", help="where the blocks' JSON go (default results/bench/ab/<time>)")
    parser.add_argument("targets", nargs="*", help="pytest targets instead of --set")
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C: the blocks are killed and the checkout of A removed
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        return compare(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def compare(args):
    """Time the pairs, print the table; the exit status (0, 1 on a regression, 2 on an error)."""
    try:
        for flag, python in (("--python-a", args.python_a), ("--python-b", args.python_b)):
            if not shutil.which(python):
                raise RnnbenchError(f"{flag} {python}: no such interpreter; give the python of a virtual "
                                    "environment with this project's requirements, e.g. old-venv/bin/python")
        repo = Path(git(args.repo, "rev-parse", "--show-toplevel"))
        commit, described = resolve(repo, args.ref)
        targets = args.targets or SETS[args.set]
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        outdir = Path(args.out or repo / "results" / "bench" / "ab" / stamp)
        outdir.mkdir(parents=True, exist_ok=True)
        with worktree(repo, commit) as tree:
            sides = {"A": {"name": "A", "label": f"{described} ({commit[:12]})", "src": tree / args.src,
                           "python": args.python_a},
                     "B": {"name": "B", "label": "working tree", "src": repo / args.src, "python": args.python_b,
                           "slowdown": args.slow_b}}
            print(f"A: {sides['A']['label']}\nB: {sides['B']['label']}" + (f" with {args.slow_b}" if args.slow_b else ""))
            print(f"{args.mode}, TensorFlow threads 1/1, one core per block; results in {outdir}")
            records, attempts, pairs = measure(sides, args.pairs, args.mode, repo, targets, outdir, args.alpha,
                                               args.max_other, args.max_steal)
    except RnnbenchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    complete = len(records) >= pairs
    ratios = paired_ratios(records, outdir) if complete else {}
    rows = decide(ratios, args.alpha, args.min_effect)
    files.write_json(outdir / "ab.json", {
        "A": sides["A"]["label"], "A_commit": commit, "B": "working tree", "slow_b": args.slow_b, "mode": args.mode,
        "targets": targets, "threads": THREAD_ENV, "alpha": args.alpha, "min_effect": args.min_effect,
        "max_other": args.max_other, "max_steal": args.max_steal, "attempts": attempts, "pairs": records,
        "ratios": ratios, "verdicts": rows})
    if not complete:
        print(f"only {len(records)} of {pairs} pairs were undisturbed in {attempts} tries: the machine is "
              "busy; no verdict. Stop the other work, or raise --max-other", file=sys.stderr)
        return 2
    print(table(rows))
    slower = [r["benchmark"] for r in rows if r["verdict"] == "slower"]
    faster = [r["benchmark"] for r in rows if r["verdict"] == "faster"]
    print(f"{len(records)} pairs counted of {attempts}; a verdict needs Holm-adjusted p < {args.alpha} "
          f"and a median change of at least {100 * args.min_effect:.0f}%")
    if slower:
        print(f"{len(slower)} slower in B than in A: {', '.join(slower)}")
        return 1
    print("no benchmark slower in B" + (f"; faster: {', '.join(faster)}" if faster else ""))
    return 0
