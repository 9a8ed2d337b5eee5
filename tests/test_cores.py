"""Cores of their own for runs side by side (threads below the cores), and disturbance read per core."""

import os
import subprocess
import sys
import time

import pytest

from rnnbench.training import cores, measure

pytestmark = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")

HOLD = "import sys, time; from pathlib import Path; from rnnbench.training import cores; " \
       "print(cores.claim(1, Path(sys.argv[1])), flush=True); time.sleep(60)"


def thread_affinities():
    return {task: os.sched_getaffinity(int(task)) for task in os.listdir("/proc/self/task")}


def test_two_jobs_get_cores_of_their_own_and_a_killed_job_frees_its_core(tmp_path):
    before = os.sched_getaffinity(0)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        theirs = eval(holder.stdout.readline())
        assert len(theirs) == 1
        with cores.claimed(1, tmp_path) as mine:
            assert len(mine) == 1 and mine != theirs
            assert all(cpus == set(mine) for cpus in thread_affinities().values())  # every thread moved
            assert cores.claim(1, tmp_path) is None or len(before) > 2  # none left on a 2-core machine
        assert os.sched_getaffinity(0) == before
    finally:
        holder.kill()
        holder.wait()
    with cores.claimed(1, tmp_path) as mine:  # the kernel dropped the killed holder's lock
        assert mine == [min(before)]
    with cores.claimed(len(before), tmp_path) as mine:
        assert mine is None and os.sched_getaffinity(0) == before  # all cores: nothing to pin


def test_usage_counts_only_the_cores_it_watches(monkeypatch):
    """A pinned run reads its own cores' lines of /proc/stat: CPU that a neighbour spends on another
    core is not counted as disturbance. (With the real /proc/stat this depends on where the machine's
    other processes happen to run, so the clock is faked here; the per-core lines are checked below.)"""
    ticks = {0: 0.0, 1: 0.0}

    def fake_cpu_times(cpus=None):
        cpus = sorted(ticks) if cpus is None else cpus
        return sum(ticks[c] for c in cpus), 0.0

    monkeypatch.setattr(measure, "cpu_times", fake_cpu_times)
    mine, everywhere = measure.Usage(cpus=[0]), measure.Usage(cpus=[0, 1])
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:  # this process's own work, on "core 0"
        pass
    own = time.process_time() - mine.start[1]
    ticks[0] += own
    ticks[1] += 0.3  # a neighbour keeps core 1 busy meanwhile
    here, whole = mine.figures(), everywhere.figures()
    assert here["other_cores"] < 0.1 and not here["disturbed"], here
    assert whole["other_cores"] > 0.6 and whole["disturbed"], whole


def test_per_core_lines_add_up_to_the_machine():
    everything = measure.cpu_times(range(os.cpu_count()))
    machine = measure.cpu_times()
    assert abs(everything[0] - machine[0]) < 0.1 * os.cpu_count() and everything[0] > 0
    assert measure.cpu_times([0])[0] < machine[0]
