"""A core of its own for each timed job.

With `threads` below the cores a job may run on (config `threads: 1` with `--cores 2`), Snakemake
runs several training jobs at once. Each one then claims that many cores nobody else holds (a lock
file per core, `fcntl.flock`, released by the kernel when the process ends, kill -9 included) and
pins every thread of its process to them, so that two runs side by side never share a core and
each run's disturbance check can read its own cores in /proc/stat.
"""

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path

# Machine-wide, so that two workflows (or a workflow and bench-ab) on one machine do not pin to the
# same core.
LOCKS = Path(tempfile.gettempdir()) / f"rnnbench-cores-{os.getuid()}"
_held = []  # the open lock files: kept for the life of the process
_before = []  # the cores the process could use before it claimed some


def pin(cpus):
    """Every thread of this process (os.sched_setaffinity alone moves only the calling thread)."""
    for task in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(task), cpus)
        except ProcessLookupError:  # a thread that has just ended
            pass


def _physical_first(cpus):
    """The cpus, first one of each physical core's hardware threads, then the others, so that on a
    machine with SMT two jobs get two physical cores before any shares one."""
    def rank(cpu):
        try:
            siblings = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list").read_text()
        except OSError:
            return 0, cpu
        first = int(siblings.replace("-", ",").split(",")[0])
        return (cpu != first), cpu
    return sorted(cpus, key=rank)


def claim(threads, locks=None):
    """Pin this process to `threads` free cores among those it may use. Returns the cores, or None
    where it stays unpinned: threads cover all its cores (nothing to share), or too few are free
    (another job holds them; the run then says so in its fingerprint)."""
    locks = Path(locks or LOCKS)
    allowed = sorted(os.sched_getaffinity(0))
    if not threads or threads >= len(allowed):
        return None
    locks.mkdir(parents=True, exist_ok=True)
    got = []
    for cpu in _physical_first(allowed):
        fh = open(locks / f"cpu{cpu}.lock", "w")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            continue
        got.append((cpu, fh))
        if len(got) == threads:
            break
    if len(got) < threads:
        for _, fh in got:
            fh.close()
        return None
    _held.extend(fh for _, fh in got)
    _before[:] = allowed
    cpus = [cpu for cpu, _ in got]
    pin(cpus)
    return cpus


def release():
    """Give the claimed cores back and run where the process could before."""
    for fh in _held:
        fh.close()
    _held.clear()
    if _before:
        pin(_before)
        _before.clear()


@contextlib.contextmanager
def claimed(threads, locks=None):
    """claim() for the life of a block (a training run, a measurement), released after it."""
    try:
        yield claim(threads, locks)
    finally:
        release()
