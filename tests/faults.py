"""Fault injection: start the DAG on tiny data, interrupt it at a random moment with a random fault,
run the same command again until it completes, and check that nothing was lost.

    python tests/faults.py --trials 100 [--seed 1] [--out results/faults]
    python tests/faults.py --replay 17        # trial 17 again, alone (a failed trial prints its seed)
    python tests/faults.py --quick --trials 1    # make test: the four kinds one after another, one DAG
    python tests/faults.py --trials 8 --search 1                   # a search's trials in the grid too

--quick is what `make test` runs: a trial is a chain of the four kinds on one DAG (chain()), each
fault aimed at an event rather than a moment (the n-th of the first dozen temporary files; a training
job's saved epochs, Ctrl-C once a job has saved all but its last epoch, so that its run resumes from
a checkpoint); the float32 peak and the XLA probe are given made up (helpers.give_machine, as the
tiny runs of test_workflow get them), and no uninterrupted run comes first (it only measured the
span over which moments are drawn; the chain's last command completes the same grid). In make test
beside a busy core the chain took 120 s where the four single trials it replaced (the grid of one
seed, the peak and probe measured once, an uninterrupted run first) took 344 s (fresh clones, AMD
EPYC, 2026-12-02; docs/development.md). `make faults` keeps the whole campaign: one fault a trial,
at a moment drawn over the uninterrupted run's span, so that faults also land in the peak, the
probe, between jobs and in the report's jobs.

The faults (trial s gets KINDS[s % 4]; its moment and target are drawn from a generator seeded by s):
  ctrl-c          SIGINT to the process group, as a terminal's Ctrl-C does
  kill-job        kill -9 of the training job running at that moment
  kill-snakemake  kill -9 of Snakemake alone (its jobs stop with it: entry.stop_with_snakemake)
  kill-write      kill -9 of the whole group while an output's temporary file exists, found by
                  polling; RNNBENCH_HOLD_WRITES keeps each one there for a moment before its rename
Trials 4-7 of every 8 run beside a child process that keeps one core busy, so that every 8
consecutive trials hold each fault once quiet and once under load.

After the fault, the same command again until it exits 0 (after a kill -9 of Snakemake, with
`--unlock` first, as Snakemake's message asks), then the invariants:
  - every run of the grid has one row in summary.csv, and its history.csv holds epochs 1..N once;
  - a run finished before the fault (Snakemake had recorded it) was not trained again: its
    metrics.json is byte for byte the same;
  - a run interrupted after k saved epochs resumed at k or k-1 (the checkpoint being written may be
    lost), from scratch only when k <= 1, and its metrics.json says whether it resumed;
  - no temporary file and no resume state is left, the report is there, every JSON and CSV under
    results/ parses, and no process of the trial outlives it.
"""

import argparse
import base64
import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil

from helpers import ROOT, give_machine, write_aclimdb, write_archive
from rnnbench import files
from rnnbench.entry import hear_ctrl_c

KINDS = ["ctrl-c", "kill-job", "kill-snakemake", "kill-write"]
MODELS, MAXLENS, EPOCHS = ["lstm", "bow"], [20], 3
DEFAULT_SEEDS = (1, 2)
SEEDS = list(DEFAULT_SEEDS)  # the grid's seeds, set by main (--seeds 1 in make test: half the runs)
SEARCH = [0]  # trials of a search per model x maxlen x seed (--search; make faults: 1)
HOLD = 0.3  # seconds a temporary file waits for its rename in kill-write trials
QUICK_WRITES = 12  # --quick: kill-write aims at one of the first dozen temporary files (a grid writes 25 or more)


def fresh_work(work, machine=None):
    """An empty workdir with the project's config (and, given, a results/machine folder to start from)."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(ROOT / "config", work / "config")
    if machine:
        shutil.copytree(machine, work / "results" / "machine")
    return work


def grid():
    """The runs: (model, maxlen, seed), and (model, maxlen, seed, trial) for the search's trials."""
    runs = {(m, n, s) for m in MODELS for n in MAXLENS for s in SEEDS}
    return runs | {run + (t,) for run in runs for t in range(1, SEARCH[0] + 1)}


def command(work, archive, *options):
    """The user's command: the tiny grid, one-thread runs two at a time, epochs of about a second."""
    return [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(work), "--cores", "2",
            *options, "--config", "source=aclimdb", f"aclimdb_path={archive}", f"models=[{','.join(MODELS)}]",
            f"maxlens={MAXLENS}".replace(" ", ""), f"seeds={SEEDS}".replace(" ", ""), f"epochs={EPOCHS}",
            "batch_size=1", "num_words=60", "threads=1", *search_config()]


def search_config():
    """The search's trials, under converge with a patience of 2: each stops at the cap of EPOCHS at the
    latest, so that its history holds epochs 1..EPOCHS like the grid's runs, whether it stopped or not."""
    if not SEARCH[0]:
        return []
    return ["patience=2", f"search={{trials: {SEARCH[0]}, batch_size: [1], embedding: [8], units: [8]}}"]


def run_dir(work, run):
    model, maxlen, seed, *trial = run
    if trial:
        return work / "results" / "search" / model / f"maxlen{maxlen}" / f"seed{seed}" / f"trial{trial[0]}"
    return work / "results" / "runs" / model / f"maxlen{maxlen}" / f"seed{seed}"


@contextlib.contextmanager
def busy_core(busy=True):
    """A child process that keeps one core busy for the block (none when busy is false)."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        yield
    finally:
        if hog:
            hog.kill()
            hog.wait()


def jobs(proc):
    """[(process, log)] of the jobs running under proc, each known by the log it writes to
    (results/logs/<rule>/<name>.log or results/logs/<rule>.log)."""
    found = []
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        return found
    for p in children:
        try:
            logs = [Path(f.path) for f in p.open_files() if "logs" in Path(f.path).parts and f.path.endswith(".log")]
        except psutil.Error:  # ended meanwhile
            continue
        if logs:
            found.append((p, logs[0]))
    return found


def training_jobs(proc):
    """[(process, run)] of the training jobs running under proc (log
    results/logs/train/{model}-maxlen{N}-seed{S}[-trial{T}].log)."""
    found = []
    for p, log in jobs(proc):
        named = re.fullmatch(r"(.+)-maxlen(\d+)-seed(\d+)(?:-trial(\d+))?", log.stem)
        if log.parent.name == "train" and named:
            model, *numbers = named.groups()
            found.append((p, (model, *(int(n) for n in numbers if n is not None))))
    return found


def during(proc):
    """What was running, in words: the jobs by their logs (rule/name), or Snakemake alone."""
    names = sorted({f"{log.parent.name}/{log.stem}" if log.parent.name != "logs" else log.stem for _, log in jobs(proc)})
    return ", ".join(names) or "no job (Snakemake alone)"


def saved_epochs(work, run):
    try:
        return len(json.loads((run_dir(work, run) / ".resume" / "epochs.json").read_text()))
    except (OSError, ValueError):
        return 0


def deliver(kind, rng, proc, work, duration, writes, aim):
    """Wait for the fault's moment, call aim() (which notes the processes alive), deliver the fault;
    returns what was hit (None: the DAG ended first). duration None (--quick): Ctrl-C and kill -9 of
    Snakemake are aimed as kill-job is, Ctrl-C once a job has saved all but its last epoch."""
    start = time.monotonic()
    if kind == "kill-write":
        wanted, seen = rng.randint(1, max(writes, 1)), set()  # the n-th of the uninterrupted run's temporary files
        while proc.poll() is None:
            for path in (work / "results").rglob(files.TEMPORARY):
                seen.add(path)
                if len(seen) >= wanted:
                    aim()
                    os.killpg(proc.pid, signal.SIGKILL)
                    return f"{path.relative_to(work)} being written"
            time.sleep(0.01)
        return None
    if kind == "kill-job" or duration is None:
        # Aimed across the run: once some training job has saved `wanted` epochs, within the next one.
        wanted = EPOCHS - 1 if kind == "ctrl-c" and duration is None else rng.randint(0, EPOCHS - 1)
        while proc.poll() is None:
            ready = [(job, run) for job, run in training_jobs(proc) if saved_epochs(work, run) >= wanted]
            if ready:
                time.sleep(rng.uniform(0, 1 if kind == "kill-job" else 0.3))
                job, run = rng.choice(ready)
                if proc.poll() is not None or not job.is_running():
                    return None
                aim()
                what = f"the job of {'-'.join(map(str, run))} after {saved_epochs(work, run)} saved epochs"
                if kind == "kill-job":
                    job.kill()
                elif kind == "ctrl-c":
                    os.killpg(proc.pid, signal.SIGINT)
                else:
                    proc.kill()
                return what if kind == "kill-job" else f"during {what}"
            time.sleep(0.05)
        return None
    moment = rng.uniform(0.02, 0.95) * duration
    while proc.poll() is None and time.monotonic() - start < moment:
        time.sleep(0.02)
    if proc.poll() is not None:
        return None
    aim()
    what = during(proc)
    if kind == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.kill()
    return f"at {moment:.1f} s, during {what}"


def recorded(work, path):
    """Snakemake has recorded the job that wrote path as done: no incomplete marker for it (its file
    persistence keeps one per output of a running job, .snakemake/incomplete/<urlsafe base64 of it>)."""
    key = base64.urlsafe_b64encode(str(path.relative_to(work)).encode()).decode()
    return not (work / ".snakemake" / "incomplete" / key).exists()


def snapshot(work):
    """After the fault: finished runs (recorded by Snakemake; metrics.json's hash) and interrupted
    ones (resume state there; the epochs it saved)."""
    finished, interrupted = {}, {}
    for run in grid():
        folder = run_dir(work, run)
        state, metrics = folder / ".resume", folder / "metrics.json"
        if metrics.exists() and recorded(work, metrics):
            finished[run] = hashlib.sha256(metrics.read_bytes()).hexdigest()
        elif state.exists():
            saved = state / "epochs.json"
            interrupted[run] = len(json.loads(saved.read_text())) if saved.exists() else 0
    return finished, interrupted


def complete(cmd, env, log):
    """The same command again until it succeeds; returns (tries, unlocks) or raises after 4 tries."""
    tries = unlocks = 0
    while tries < 4:
        tries += 1
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        log.write(f"\n--- rerun {tries}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
        if proc.returncode == 0:
            return tries, unlocks
        if "cannot be locked" in proc.stdout + proc.stderr:
            unlocks += 1
            subprocess.run(cmd + ["--unlock"], env=env, capture_output=True)
    raise RuntimeError(f"the workflow did not complete in {tries} tries")


def violations(work, finished, interrupted):
    found, results = [], work / "results"
    summary = pd.read_csv(results / "summary.csv")
    rows = list(zip(summary["model"], summary["maxlen"], summary["seed"]))
    if sorted(rows) != sorted(run for run in grid() if len(run) == 3):
        found.append(f"summary.csv rows {sorted(rows)} are not the grid, once each")
    if SEARCH[0]:
        trials = pd.read_csv(results / "search.csv")
        rows = list(zip(trials["model"], trials["maxlen"], trials["seed"], trials["trial"]))
        if sorted(rows) != sorted(run for run in grid() if len(run) == 4):
            found.append(f"search.csv rows {sorted(rows)} are not the search's trials, once each")
    for run in sorted(grid()):
        folder = run_dir(work, run)
        epochs = list(pd.read_csv(folder / "history.csv")["epoch"])
        if epochs != list(range(1, EPOCHS + 1)):
            found.append(f"{run}: history.csv epochs {epochs}")
        metrics = json.loads((folder / "metrics.json").read_text())
        at = metrics.get("resumed_at_epoch") or 0
        if metrics["resumed"] != (at > 0):
            found.append(f"{run}: metrics.json says resumed={metrics['resumed']} at epoch {at}")
        if run in finished and hashlib.sha256((folder / "metrics.json").read_bytes()).hexdigest() != finished[run]:
            found.append(f"{run}: finished before the fault, but its metrics.json changed (trained again)")
        if run in interrupted and not interrupted[run] - 1 <= at <= interrupted[run]:
            found.append(f"{run}: interrupted after {interrupted[run]} saved epochs, resumed at {at}")
        if run not in finished and run not in interrupted and at:
            found.append(f"{run}: never started before the fault, yet resumed at {at}")
    left = [str(p.relative_to(work)) for p in results.rglob(files.TEMPORARY)]
    left += [str(p.relative_to(work)) for p in results.rglob(".resume")]
    if left:
        found.append(f"left behind: {left}")
    if not (results / "report.html").exists() or (results / "report.html").stat().st_size < 10_000:
        found.append("report.html missing or short")
    for path in results.rglob("*.json"):
        try:
            json.loads(path.read_text())
        except ValueError as err:
            found.append(f"{path.relative_to(work)} does not parse: {err}")
    for path in results.rglob("*.csv"):
        try:
            pd.read_csv(path)
        except (ValueError, pd.errors.ParserError) as err:
            found.append(f"{path.relative_to(work)} does not parse: {err}")
    return found


def fault(kind, rng, cmd, env, work, log, duration, writes):
    """Start the command in its own process group (as a shell gives a foreground command), deliver
    the fault, wait for Snakemake and its jobs; (what was hit, Snakemake's exit status, a violation
    or None). Jobs that outlive Snakemake by a minute are the violation, and are killed."""
    proc = subprocess.Popen(cmd, env=dict(env, RNNBENCH_HOLD_WRITES=str(HOLD)) if kind == "kill-write" else env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    family = []

    def remember():
        try:
            family.extend(psutil.Process(proc.pid).children(recursive=True))
        except psutil.Error:
            pass

    hit = deliver(kind, rng, proc, work, duration, writes, remember)
    code = proc.wait(timeout=300)
    _, alive = psutil.wait_procs(family, timeout=60)
    for p in alive:
        p.kill()
    return hit, code, f"{kind}: {len(alive)} job(s) outlived Snakemake by 60 s" if alive else None


def trial(seed, archive, root, duration, writes, machine=None):
    """One trial, all of it set by its seed; returns its record (violations empty when all held).
    machine: a results/machine folder to start from (--quick)."""
    rng = random.Random(seed)
    kind, busy = KINDS[seed % len(KINDS)], seed // len(KINDS) % 2 == 1
    work = fresh_work(root / f"trial-{seed}", machine)
    cmd = command(work, archive)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("RNNBENCH_HOLD_WRITES", None)
    record = {"seed": seed, "kind": kind, "busy": busy, "violations": []}
    started = time.monotonic()
    try:
        with busy_core(busy), open(work / "trial.log", "w") as log:
            record["hit"], record["first_exit"], outlived = fault(kind, rng, cmd, env, work, log, duration, writes)
            record["violations"] += [outlived] if outlived else []
            finished, interrupted = snapshot(work)
            record["finished_before"], record["interrupted"] = len(finished), {
                "-".join(map(str, run)): k for run, k in interrupted.items()}
            record["tries"], record["unlocks"] = complete(cmd, env, log)
        record["violations"] += violations(work, finished, interrupted)
    except Exception as err:  # a trial that breaks is a violation, with its cause
        record["violations"].append(f"{type(err).__name__}: {err}")
    record["seconds"] = round(time.monotonic() - started, 1)
    if not record["violations"]:
        shutil.rmtree(work, ignore_errors=True)  # a failed trial's folder stays for a look
    return record


CHAIN = ["kill-write", "ctrl-c", "kill-job", "kill-snakemake"]  # --quick: kill-write while the writes are many


def chain(seed, archive, root, machine):
    """--quick: the four kinds of fault in one trial, one after another on the same DAG: each stops
    the command it hits, the next is aimed at the same command started again, and after the last the
    command runs until it completes; the Ctrl-C beside a busy core. The checks hold across them: a
    run recorded as finished after any fault keeps that metrics.json; a run resumes at the epochs its
    last interruption left. Returns a record per fault (the trial's violations in each)."""
    rng = random.Random(seed)
    work = fresh_work(root / f"chain-{seed}", machine)
    cmd = command(work, archive)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("RNNBENCH_HOLD_WRITES", None)
    records, finished, interrupted, violated = [], {}, {}, []
    started = time.monotonic()
    try:
        with open(work / "trial.log", "w") as log:
            for kind in CHAIN:
                record = {"seed": seed, "kind": kind, "busy": kind == "ctrl-c", "violations": violated}
                if records and records[-1]["kind"] in ("kill-write", "kill-snakemake"):
                    subprocess.run(cmd + ["--unlock"], env=env, capture_output=True)  # its lock is left
                with busy_core(record["busy"]):
                    record["hit"], record["first_exit"], outlived = fault(kind, rng, cmd, env, work, log, None,
                                                                         QUICK_WRITES)
                violated += [outlived] if outlived else []
                now_finished, now_interrupted = snapshot(work)
                for run, digest in now_finished.items():
                    finished.setdefault(run, digest)
                interrupted.update(now_interrupted)  # a run's last interruption is the one it resumes from
                record["interrupted"] = {"-".join(map(str, run)): k for run, k in now_interrupted.items()}
                records.append(record)
            complete(cmd, env, log)
        violated += violations(work, finished, interrupted)
    except Exception as err:  # a trial that breaks is a violation, with its cause
        violated.append(f"{type(err).__name__}: {err}")
    for record in records:
        record["seconds"] = round(time.monotonic() - started, 1)
    if not violated:
        shutil.rmtree(work, ignore_errors=True)  # a failed trial's folder stays for a look
    return records


def uninterrupted(root, archive):
    """One uninterrupted run: the check that the grid completes at all, and the span faults are
    drawn over; (seconds, temporary files written)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    clean = fresh_work(root / "clean")
    t0 = time.monotonic()
    # Each temporary file held a moment, so that polling sees every one: the kill-write trials aim
    # at the n-th of them (25 on the one-seed grid with the machine given, 2026-12-01).
    with open(root / "clean.log", "w") as log:
        done = subprocess.Popen(command(clean, archive), env=dict(env, RNNBENCH_HOLD_WRITES="0.05"),
                                stdout=log, stderr=subprocess.STDOUT)
        seen = set()
        while done.poll() is None:
            seen.update((clean / "results").rglob(files.TEMPORARY))
            time.sleep(0.01)
    if done.returncode:
        sys.exit(f"faults.py: the uninterrupted run failed (exit {done.returncode}), so no trial can be judged; "
                 f"its last lines:\n{(root / 'clean.log').read_text()[-3000:]}")
    duration, writes = time.monotonic() - t0, len(seen)
    assert not violations(clean, {}, {}), violations(clean, {}, {})
    shutil.rmtree(clean)
    return duration, writes


def table(records):
    lines = [f"{'fault':16}{'trials':>7}{'busy':>6}{'hit':>6}{'violations':>12}  seeds that replay a failure"]
    for kind in KINDS + ["all"]:
        rs = [r for r in records if kind in (r["kind"], "all")]
        bad = [r["seed"] for r in rs if r["violations"]]
        lines.append(f"{kind:16}{len(rs):7}{sum(r['busy'] for r in rs):6}{sum(bool(r.get('hit')) for r in rs):6}"
                     f"{len(bad):12}  {' '.join(map(str, bad)) or '-'}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1, help="the first trial's seed; trial i has seed + i")
    parser.add_argument("--replay", type=int, help="run the trial of this seed alone")
    parser.add_argument("--out", type=Path, help="folder for faults.json and the failed trials' folders")
    parser.add_argument("--seeds", type=int, nargs="+", help="the tiny grid's seeds (default 1 2)")
    parser.add_argument("--search", type=int, default=0, help="trials of a search per model x maxlen x seed")
    parser.add_argument("--quick", action="store_true",
                        help="faults aimed at events, the peak and probe given, no uninterrupted run first (make test)")
    args = parser.parse_args(argv)
    SEEDS[:] = args.seeds or DEFAULT_SEEDS  # the grid of command(), grid() and the checks
    SEARCH[0] = args.search
    hear_ctrl_c()  # or every Snakemake it starts from the background would ignore its Ctrl-C faults
    root = (args.out or Path(tempfile.mkdtemp(prefix="rnnbench-faults-"))).resolve()  # Snakemake runs in -d
    root.mkdir(parents=True, exist_ok=True)
    archive = write_archive(write_aclimdb(Path(tempfile.mkdtemp()) / "src", per_class=200), root / "aclImdb.tar.gz")
    machine = None
    if args.quick:
        machine = Path(tempfile.mkdtemp()) / "given"
        give_machine(machine, MODELS, MAXLENS)  # machine/results/machine
        machine = machine / "results" / "machine"
        duration, writes = None, QUICK_WRITES
    else:
        duration, writes = uninterrupted(root, archive)
        print(f"uninterrupted run: {duration:.0f} s, {writes} files written", flush=True)

    seeds = [args.replay] if args.replay is not None else range(args.seed, args.seed + args.trials)
    records = []
    for seed in seeds:
        done = chain(seed, archive, root, machine) if args.quick else [trial(seed, archive, root, duration, writes, machine)]
        records += done
        for record in done:
            print(f"seed {seed}: {record['kind']}{' (busy core)' if record['busy'] else ''}, "
                  f"{record.get('hit') or 'the DAG ended first'}, first run exit {record.get('first_exit')}, "
                  f"{record['seconds']} s: "
                  f"{'; '.join(record['violations']) or 'ok'}", flush=True)
        files.write_json(root / "faults.json", {"duration": duration, "writes": writes, "trials": records})
    print(table(records))
    return 1 if any(r["violations"] for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
