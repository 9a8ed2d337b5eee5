"""The cost model, the schedule it asks for, the progress and the comparison (rnnbench/training/plan.py)."""

import json
import re
import time

import pytest

from rnnbench import files
from rnnbench.results import estimate
from rnnbench.training import plan, progress

GRID = {"num_words": 10000, "embedding": 32, "units": 32, "batch_size": 128, "optimizer": "rmsprop",
        "jit_compile": "auto", "threads": 1, "schedule": "article"}
RUN = {"batch_size": 128, "embedding": 32, "units": 32, "epochs": 10, "validation_split": 0.2}
REVIEWS = {"train": 25000, "test": 25000}


def jobs(tmp_path, shapes, seeds=(1, 2), config=RUN):
    return [dict(model=m, maxlen=n, seed=s, trial=None, folder=str(tmp_path / m / f"maxlen{n}" / f"seed{s}"),
                 config=config) for m, n in shapes for s in seeds]


def test_job_seconds_counts_steps_forward_passes_and_start():
    # 20,000 training reviews: 157 steps of 0.1 s; 5,000 validation and 25,000 test reviews at a third
    # of 0.1/128 s each (the test set twice), and 10 s to start.
    seconds = plan.job_seconds(0.1, 128, 20000, 5000, 25000, epochs=10, startup=10)
    assert seconds == pytest.approx(10 + 10 * (157 * 0.1 + 5000 * 0.1 / 128 / 3) + 2 * 25000 * 0.1 / 128 / 3)


def test_makespan_is_longest_first_list_scheduling():
    assert plan.makespan([2, 2, 2, 3, 3], slots=2) == 7  # 3+2+2 | 3+2: LPT, not the best split (6)
    assert plan.makespan([5, 1, 1], slots=2) == 5
    assert plan.makespan([4, 4], slots=1) == 8
    assert plan.makespan([], slots=2) == 0
    assert plan.makespan([1], slots=2, running=[6, 2]) == 6  # the job waits for the first free slot
    assert plan.makespan([], slots=2, running=[3]) == 3


def steps(shapes):
    # A step grows with the sequence for the cells, not for the bag.
    return {(m, n): (0.001 if m == "bow" else n / 1e4, "timed", 1.0) for m, n in shapes}


def test_the_longest_jobs_get_the_highest_priority_and_finished_runs_count_as_done(tmp_path):
    shapes = [("bow", 500), ("lstm", 500), ("lstm", 1000)]
    planned = jobs(tmp_path, shapes)
    files.write_json(planned[0]["folder"] + "/metrics.json", {})  # bow@500 seed 1 finished earlier
    made = plan.build(planned, steps(shapes), REVIEWS, GRID, slots=2, startup=5.0, cpu="AMD EPYC", now=1000.0)
    expected = {(j["model"], j["maxlen"], j["seed"]): j["expected_seconds"] for j in made["jobs"]}
    assert expected[("lstm", 1000, 1)] > expected[("lstm", 500, 1)] > expected[("bow", 500, 1)] > 5.0
    assert [j["done"] for j in made["jobs"]] == [True] + [False] * 5
    left = [j["expected_seconds"] for j in made["jobs"][1:]]
    assert made["job_seconds"] == pytest.approx(sum(left))
    assert made["wall_seconds"] == pytest.approx(plan.makespan(left, 2))
    assert made["done_near"] == pytest.approx(1000.0 + made["wall_seconds"])
    assert re.fullmatch(r"6 runs \(1 done\), about \d+ (min|s) on 2 cores of this AMD EPYC, done near \d\d:\d\d",
                        plan.line(made))


def test_a_trial_step_scales_with_its_batch_and_units(tmp_path):
    trial = dict(RUN, batch_size=256, units=64, trial=1)
    step = plan.trial_step(0.1, GRID, trial, "lstm", 10000, 500)
    assert step > 2 * 0.1  # twice the reviews a step, and more FLOPs for each
    assert plan.trial_step(0.1, GRID, dict(RUN, trial=1), "lstm", 10000, 500) == pytest.approx(0.1)


def test_converge_is_a_bound(tmp_path):
    converge = jobs(tmp_path, [("bow", 500)], config=dict(RUN, schedule="converge"))
    made = plan.build(converge, steps([("bow", 500)]), REVIEWS, dict(GRID, schedule="converge"),
                      slots=1, startup=5.0, cpu="AMD EPYC")
    assert plan.line(made).startswith("2 runs, at most ") and "cap of epochs" in plan.line(made)


def test_progress_falls_as_epochs_complete(tmp_path):
    shapes = [("lstm", 500)]
    made = plan.build(jobs(tmp_path, shapes), steps(shapes), REVIEWS, GRID, slots=1, startup=5.0, cpu="x", now=0.0)
    first, second = made["jobs"]
    lines, before = progress.progress(made, now=0.0)
    assert lines[0] == "2 runs: 0 done, 0 in progress, 2 to start"
    assert before == pytest.approx(first["expected_seconds"] + second["expected_seconds"])
    (tmp_path / "lstm" / "maxlen500" / "seed1" / ".resume").mkdir(parents=True)  # the job has started
    lines, started = progress.progress(made, now=0.0)
    assert "1 in progress, 1 to start" in lines[0] and "starting" in lines[1] and started == before
    left = []
    for epoch in range(1, 4):
        files.write_json(first["folder"] + "/" + progress.STATE, [{"epoch": e, "seconds": 8.0} for e in range(1, epoch + 1)])
        lines, wall = progress.progress(made, now=0.0)
        assert f"epoch {epoch}/10" in lines[1] and "1 in progress" in lines[0]
        left.append(wall)
    assert left[0] > left[1] > left[2]
    assert left[0] - left[1] == pytest.approx(8.0)  # an epoch of the measured 8 s less
    files.write_json(first["folder"] + "/metrics.json", {})
    lines, wall = progress.progress(made, now=0.0)
    assert lines[0] == "2 runs: 1 done, 0 in progress, 1 to start"
    assert wall == pytest.approx(second["expected_seconds"])
    assert progress.update(made, now=0.0)["jobs"][0]["done"]


def test_expected_against_measured_from_the_benchmark_files(tmp_path):
    shapes = [("bow", 500), ("lstm", 500)]
    made = plan.build(jobs(tmp_path, shapes), steps(shapes), REVIEWS, GRID, slots=2, startup=5.0, cpu="x")
    out = tmp_path / "results"
    assert estimate.compare(made, estimate.measured(made, out)) is None
    for job in made["jobs"]:
        path = estimate.benchmark_path(out, job)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"s\th:m:s\n{2 * job['expected_seconds']}\t0:00:10\n")
    found = estimate.compare(made, estimate.measured(made, out))
    assert found["runs"] == found["planned"] == 4
    assert list(found["by_config"]["error"]) == pytest.approx([-0.5, -0.5])
    assert found["measured_jobs"] == pytest.approx(2 * found["expected_jobs"])


def test_steps_come_from_the_probe_where_there_is_one(tmp_path):
    probe = tmp_path / "lstm-maxlen500.json"
    probe.write_text(json.dumps({"xla": True, "step_seconds": {"xla": 0.09, "plain": 0.15},
                                 "first_step_seconds": {"xla": 10.09, "plain": 3.0}}))
    found, startup = plan.measure_steps([("lstm", 500)], {"lstm-maxlen500": str(probe)}, GRID, 1, started=time.time())
    assert found[("lstm", 500)] == (0.09, "probe", pytest.approx(10.0))
    assert 0 < startup < 60  # this process's TensorFlow import


def test_progress_without_a_plan_says_where_it_looks(tmp_path, capsys):
    assert progress.main([str(tmp_path)]) == 1
    assert f"no plan at {tmp_path}/plan.json" in capsys.readouterr().err
