"""Cores of their own for runs side by side (threads below the cores), and disturbance read per core."""

import os
import subprocess
import sys

import pytest

from rnnbench import cores, measure

pytestmark = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")

HOLD = "import sys, time; from pathlib import Path; from rnnbench import cores; " \
       "print(cores.claim(1, Path(sys.argv[1])), flush=True); time.sleep(60)"
SPIN = "import os, sys, time; os.sched_setaffinity(0, {int(sys.argv[1])}); end = time.time() + 3\nwhile time.time() < end: pass"


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


def test_a_busy_neighbour_on_another_core_is_no_disturbance(tmp_path):
    with cores.claimed(1, tmp_path) as mine:
        other = min(set(range(os.cpu_count())) - set(mine))
        pinned = measure.Usage()
        cores.pin(range(os.cpu_count()))
        whole = measure.Usage()
        cores.pin(mine)
        subprocess.run([sys.executable, "-c", SPIN, str(other)], check=True)
        here, everywhere = pinned.figures(), whole.figures()
    assert here["other_cores"] < 0.25 and not here["disturbed"], here
    assert everywhere["other_cores"] > 0.5 and everywhere["disturbed"], everywhere
