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

    python -m rnnbench.timing.bench ab [--ref REV] [--set quick|all] [--pairs N] [--mode duet|sequential]

Everything lands in results/bench/ab/<time>/: each block's pytest-benchmark JSON and ab.json (the
blocks, their disturbance, the ratios and the verdicts).
"""

import argparse
import contextlib
import datetime
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from rnnbench import RnnbenchError, files
# ab.decide, ab.min_pairs, ab.paired_ratios, ab.STAT: the names the calibration and the tests use.
from rnnbench.timing.abstats import ALPHA, MIN_EFFECT, decide, min_pairs, table  # noqa: F401
from rnnbench.timing.pairs import (MAX_OTHER, MAX_STEAL, SLOWDOWN_ENV, STAT, THREAD_ENV,  # noqa: F401
                                   measure, paired_ratios)

SUITE = "tests/benchmarks"
QUICK = [f"{SUITE}/test_timing.py::test_train_step[{m}-article]" for m in ("lstm", "gru", "bow")] + [
    f"{SUITE}/test_timing.py::test_data_preparation"]
SETS = {"quick": QUICK, "all": [SUITE]}

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


def _positive(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of pairs, 1 or more")
    return int(text)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnnbench.timing.bench ab", description=__doc__.splitlines()[0])
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
