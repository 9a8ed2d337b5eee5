"""Where a running plan stands (make progress): each run's epoch and minutes left, from the files
the runs write, and the plan's time left."""

import os
import sys
import time
from pathlib import Path

from rnnbench import files
from rnnbench.training.plan import _clock, _minutes, makespan

STATE = ".resume/epochs.json"  # the epochs a run has finished so far (rnnbench/train.py)


def _name(job):
    trial = f" trial {job['trial']}" if job.get("trial") is not None else ""
    size = f" n={job['size']}" if job.get("size") else ""
    return f"{job['model']}@{job['maxlen']}{size} seed {job['seed']}{trial}"


def progress(plan, now=None):
    """Where the plan stands, from the files the runs write: each run in progress with its epoch and
    the time left for it (its measured epochs' median times the epochs left), and the whole plan's
    time left (the runs in progress, then the rest longest first). Returns (lines, seconds left)."""
    now = now or time.time()
    running, waiting, lines, done = [], [], [], 0
    for job in plan["jobs"]:
        folder = Path(job["folder"])
        if (folder / "metrics.json").exists():
            done += 1
            continue
        state = folder / STATE
        epochs = files.read_json(state) if state.exists() else []
        if not epochs:
            if state.parent.exists():  # started: its resume state is made first (rnnbench/train.py)
                running.append(job["expected_seconds"])
                lines.append(f"  {_name(job):<32} epoch 1/{job['epochs']} starting  "
                             f"{_minutes(job['expected_seconds'])} left (expected)")
            else:
                waiting.append(job["expected_seconds"])
            continue
        seconds = sorted(row["seconds"] for row in epochs[1:]) or [epochs[0]["seconds"]]
        per_epoch = seconds[len(seconds) // 2]
        left = max(0, job["epochs"] - len(epochs)) * per_epoch
        evaluate = job["expected_seconds"] - plan["startup_seconds"] - job["epochs"] * per_epoch
        left += max(0.0, min(evaluate, per_epoch))  # the test set's passes, at most an epoch's time
        running.append(left)
        lines.append(f"  {_name(job):<32} epoch {len(epochs)}/{job['epochs']}  {_minutes(left)} left")
    wall = makespan(waiting, plan["slots"], running)
    about = "at most" if plan["bound"] else "about"
    head = f"{len(plan['jobs'])} runs: {done} done, {len(running)} in progress, {len(waiting)} to start"
    tail = (f"left: {about} {_minutes(wall)} on {plan['slots']} slot{'s' * (plan['slots'] > 1)}, "
            f"done near {_clock(now + wall)}" if running or waiting else "all runs done")
    return [head] + lines + [tail], wall


def update(plan, now=None):
    """The plan as it stands now: the runs finished since marked done, the time left from progress()."""
    now = now or time.time()
    _, wall = progress(plan, now)
    jobs = [dict(job, done=(Path(job["folder"]) / "metrics.json").exists()) for job in plan["jobs"]]
    return dict(plan, jobs=jobs, wall_seconds=wall, done_near=now + wall)


def main(argv=None):
    """make progress: python -m rnnbench.training.progress [results folder, default results]."""
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0] if argv else "results")
    path = folder / "plan.json"
    if not path.exists():
        print(f"no plan at {path}: it is made when the workflow starts (snakemake), or give the results "
              "folder of another config, e.g. make progress RESULTS=results/budget", file=sys.stderr)
        return 1
    lines, _ = progress(files.read_json(path))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.exit(main())
