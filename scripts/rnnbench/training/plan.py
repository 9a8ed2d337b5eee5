"""How long the training runs of a config will take on this machine, before they start (while they
run: rnnbench/training/progress.py; afterwards, how far the estimate was off:
rnnbench/results/estimate.py).

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
import time
from pathlib import Path

from rnnbench import files, models

FORWARD_SHARE = 1 / 3  # a review's forward pass against its share of a training step


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
        keras = models.keras(job["model"])
        if job.get("trial") is not None and keras:
            step = trial_step(step, cfg, run, job["model"], cfg["num_words"], job["maxlen"])
        pool = math.floor(reviews["train"] * (1 - run["validation_split"]))
        train = run.get("train_size") or pool  # a point of a learning curve trains on a subset
        test = run.get("test_reviews") or reviews["test"]  # learning curves above the split test on fewer
        if keras:
            seconds = job_seconds(step, run["batch_size"], train, reviews["train"] - pool, test,
                                  run["epochs"], startup + graph)
        else:  # a linear model: its seconds per training review, timed on a sample (rnnbench/training/linear.py)
            seconds = startup + step * train * (1 if job.get("trial") is None else 1 / len(linear_grid(job["model"])))
        done = (Path(job["folder"]) / "metrics.json").exists()
        rows.append({key: job.get(key) for key in ("model", "maxlen", "seed", "trial", "size", "folder")} | {
            "epochs": run["epochs"] if keras else 1, "step_seconds": step, "step_from": source,
            "expected_seconds": round(seconds, 1), "done": done})
    left = [row["expected_seconds"] for row in rows if not row["done"]]
    wall = makespan(left, slots)
    return {"made": now, "cpu": cpu, "slots": slots, "threads": cfg["threads"], "startup_seconds": startup,
            "bound": any(job["config"].get("schedule") == "converge" for job in jobs), "jobs": rows,
            "job_seconds": sum(left), "wall_seconds": wall, "done_near": now + wall}


def linear_grid(model):
    from rnnbench.training import linear

    return linear.C_GRID[model]


def measure_steps(shapes, probes, cfg, threads, started, padded=None):
    """Step seconds and the first step's extra seconds per (model, maxlen) of `shapes`: from the XLA
    probe where `probes` has one (named model-maxlenN), else timed here, on the cores and threads a
    run gets; for a linear model, its seconds per training review, timed on the padded data of
    `padded` (maxlen -> path). Returns (steps, startup): steps maps (model, maxlen) to (step, source,
    build), and startup is this job's own seconds from its process's start to TensorFlow ready."""
    from rnnbench.training import cores, linear, measure, probe

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
            if not models.keras(model):
                step = linear.seconds_per_review(padded[maxlen], model, cfg)
                steps[(model, maxlen)] = (step, "timed", 0.0)
                print(f"{model}@{maxlen}: {1000 * step:.2f} ms a training review, timed here", flush=True)
                continue
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
