"""How long the training runs of a config will take on this machine: before they start, while they
run, and, afterwards, how far the estimate was off.

The cost model. A run's seconds are its steps times the seconds of one training step, measured on
this machine at the run's shape: the XLA probe's step (rnnbench/probe.py) for the models it probes,
a few steps timed by the plan job itself for the others (bag-of-words, or any model when jit_compile
is "on" or "off"). To the steps add the forward passes (validation every epoch, the test set once or
twice), each review counted at FORWARD_SHARE of a training step's per-review cost (a backward pass
costs about two forward ones), and the start of the job (Python, TensorFlow, the data, the first
step's graph), measured in the plan job. Under `converge` the cap is counted: the estimate is then a
bound ("at most"), and the progress narrows it as runs stop.

The sum is what it gets right, single runs less: on the default grid of 2026-12-02 (AMD EPYC, 2
cores, the real archive) the plan's 60.4 min of job time were 6% under the 64.2 measured, its wall
time 6% under the training's; per configuration from -51% (bag-of-words, whose 20 s are mostly a
job's start, which the plan counts as its own 3.8 s) to +18% (GRU@1000). docs/estimate.md.

Longest job first. The plan's wall time is that of the schedule it asks Snakemake for: each job's
priority is its expected seconds, so the longest start first and the short ones fill the cores at
the end (longest-processing-time-first list scheduling, at most 4/3 of the best schedule). makespan()
simulates it on the slots Snakemake has (cores // threads).
"""

import datetime
import heapq
import math
import os
import sys
import time
from pathlib import Path

from rnnbench import files, models

FORWARD_SHARE = 1 / 3  # a review's forward pass against its share of a training step
STATE = ".resume/epochs.json"  # the epochs a run has finished so far (rnnbench/train.py)


def job_seconds(step, batch_size, train, validation, test, epochs, startup):
    """Expected seconds of one training job: `epochs` of ceil(train / batch_size) steps of `step`
    seconds, the validation and the test reviews' forward passes (the test twice: the last epoch's
    weights and the best's), and the job's start."""
    per_review = step / batch_size
    epoch = math.ceil(train / batch_size) * step + FORWARD_SHARE * validation * per_review
    return startup + epochs * epoch + 2 * FORWARD_SHARE * test * per_review


def makespan(seconds, slots, running=()):
    """Wall seconds of list scheduling, longest job first, on `slots` parallel slots, `running`
    giving the seconds left of the jobs already on them."""
    ends = sorted(running)[:slots] + [0.0] * max(0, slots - len(running))
    heapq.heapify(ends)
    for job in sorted(seconds, reverse=True):
        heapq.heappush(ends, heapq.heappop(ends) + job)
    return max(ends) if ends else 0.0


def trial_step(step, grid, trial, model, num_words, maxlen):
    """A trial's step seconds from the grid shape's: a step's cost grows with its reviews and with
    the training FLOPs of one review at the trial's embedding and units."""
    def flops(cfg):
        return models.training_flops_per_sample(model, num_words, maxlen, cfg["embedding"], cfg["units"])
    ratio = flops(trial) / flops(grid) if flops(grid) > 0 else 1.0
    return step * trial["batch_size"] / grid["batch_size"] * ratio


def build(jobs, steps, reviews, cfg, slots, startup, cpu, now=None):
    """The plan: `jobs` are dicts with model, maxlen, seed, trial (None for the grid), folder and the
    run's settings (`config`: batch_size, embedding, units, epochs, schedule, validation_split);
    `steps` maps (model, maxlen) to (step seconds at the grid's shape, where it was measured);
    `reviews` the data's training and test counts. Runs already finished count as done."""
    now = now or time.time()
    rows = []
    for job in jobs:
        run = job["config"]
        step, source, graph = steps[(job["model"], job["maxlen"])]
        if job.get("trial") is not None:
            step = trial_step(step, cfg, run, job["model"], cfg["num_words"], job["maxlen"])
        pool = math.floor(reviews["train"] * (1 - run["validation_split"]))
        train = run.get("train_size") or pool  # a point of a learning curve trains on a subset
        test = run.get("test_reviews") or reviews["test"]  # learning curves above the split test on fewer
        seconds = job_seconds(step, run["batch_size"], train, reviews["train"] - pool, test,
                              run["epochs"], startup + graph)
        done = (Path(job["folder"]) / "metrics.json").exists()
        rows.append({key: job.get(key) for key in ("model", "maxlen", "seed", "trial", "size", "folder")} | {
            "epochs": run["epochs"], "step_seconds": step, "step_from": source,
            "expected_seconds": round(seconds, 1), "done": done})
    left = [row["expected_seconds"] for row in rows if not row["done"]]
    wall = makespan(left, slots)
    return {"made": now, "cpu": cpu, "slots": slots, "threads": cfg["threads"], "startup_seconds": startup,
            "bound": any(job["config"].get("schedule") == "converge" for job in jobs), "jobs": rows,
            "job_seconds": sum(left), "wall_seconds": wall, "done_near": now + wall}


def measure_steps(shapes, probes, cfg, threads, started):
    """Step seconds and the first step's extra seconds per (model, maxlen) of `shapes`: from the XLA
    probe where `probes` has one (named model-maxlenN), else timed here, on the cores and threads a
    run gets. Returns (steps, startup): steps maps (model, maxlen) to (step, source, build), and
    startup is this job's own seconds from its process's start to TensorFlow ready."""
    from rnnbench import cores, measure, probe

    steps, timed = {}, []
    for model, maxlen in shapes:
        path = probes.get(f"{model}-maxlen{maxlen}")
        if path:
            record = files.read_json(path)
            key = "xla" if record["xla"] else "plain"
            step = record["step_seconds"][key]
            first = record.get("first_step_seconds", {}).get(key, step)  # probes made before it was kept
            steps[(model, maxlen)] = (step, "probe", max(0.0, first - step))
        else:
            timed.append((model, maxlen))
    with cores.claimed(threads):
        measure.set_threads(threads)
        import keras  # noqa: F401  (the start of a training job, counted in `startup`)

        startup = time.time() - started
        for model, maxlen in timed:
            first, step = probe.timed_steps(model, maxlen, cfg, probe.choice(model, cfg["jit_compile"]))
            steps[(model, maxlen)] = (step, "timed", max(0.0, first - step))
            print(f"{model}@{maxlen}: {1000 * step:.1f} ms a step, timed here", flush=True)
    return steps, startup


def _clock(stamp):
    return datetime.datetime.fromtimestamp(stamp).strftime("%H:%M")


def _minutes(seconds):
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def line(plan):
    """The estimate in one line: '24 runs, about 34 min on 2 cores of this AMD EPYC, done near 16:01'."""
    jobs = plan["jobs"]
    done = sum(job["done"] for job in jobs)
    runs = f"{len(jobs)} runs" + (f" ({done} done)" if done else "")
    if done == len(jobs):
        return f"{runs}: nothing left to train"
    cores = plan["slots"] * max(plan["threads"], 1)
    about = "at most" if plan["bound"] else "about"
    cap = " (every run to its cap of epochs; converge stops most runs earlier)" if plan["bound"] else ""
    return (f"{runs}, {about} {_minutes(plan['wall_seconds'])} on {cores} core{'s' * (cores > 1)} of this "
            f"{plan['cpu']}, done near {_clock(plan['done_near'])}{cap}")


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


def benchmark_path(out, job):
    """The Snakemake benchmark file of a plan's job (its wall seconds, written when it ends)."""
    trial = f"-trial{job['trial']}" if job.get("trial") is not None else ""
    size = f"-n{job['size']}" if job.get("size") else ""
    return Path(out) / "benchmarks" / "train" / f"{job['model']}-maxlen{job['maxlen']}{size}-seed{job['seed']}{trial}.tsv"


def measured(plan, out):
    """folder -> (job seconds, end as a timestamp) of each job the plan expected (not done when it
    was made) whose benchmark file exists: what the estimate is set against."""
    import pandas as pd

    found = {}
    for job in plan["jobs"]:
        path = benchmark_path(out, job)
        if not job["done"] and path.exists():
            found[job["folder"]] = (float(pd.read_csv(path, sep="\t")["s"].iloc[0]), path.stat().st_mtime)
    return found


def compare(plan, found):
    """Expected against measured, per model x maxlen (mean seconds of a job) and for the whole plan:
    the job seconds summed, and the wall time (the plan's schedule against the span from the first
    job's start to the last one's end). None where no job of the plan has been measured."""
    import pandas as pd

    rows = [dict(model=job["model"], maxlen=job["maxlen"], expected=job["expected_seconds"],
                 measured=found[job["folder"]][0], end=found[job["folder"]][1])
            for job in plan["jobs"] if job["folder"] in found]
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    by_config = frame.groupby(["model", "maxlen"], sort=False)[["expected", "measured"]].mean().reset_index()
    by_config["error"] = by_config["expected"] / by_config["measured"] - 1
    span = frame["end"].max() - (frame["end"] - frame["measured"]).min()
    expected_jobs = sum(job["expected_seconds"] for job in plan["jobs"] if not job["done"])
    return {"by_config": by_config, "runs": len(frame), "planned": sum(not job["done"] for job in plan["jobs"]),
            "expected_jobs": expected_jobs, "measured_jobs": frame["measured"].sum(),
            "expected_wall": plan["wall_seconds"], "measured_wall": span, "slots": plan["slots"],
            "made": plan["made"], "bound": plan["bound"]}


def main(argv=None):
    """make progress: python -m rnnbench.plan [results folder, default results]."""
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
