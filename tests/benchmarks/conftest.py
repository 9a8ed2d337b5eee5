import contextlib
import itertools
import os
import time
from pathlib import Path

import numpy as np
import pytest

REFERENCE_N = 1024  # float32 matmul of two 1024 x 1024 matrices: 2.1 GFLOP
# The names rnnbench.timing.ab gives them, not imported from it: side A's rnnbench is an older revision's.
SLOWDOWN_ENV = "RNNBENCH_BENCH_SLOWDOWN"  # as rnnbench.timing.ab names it; calibration only
BARRIER_ENV, SIDE_ENV, CORES_ENV = "RNNBENCH_AB_BARRIER", "RNNBENCH_AB_SIDE", "RNNBENCH_AB_CORES"  # duet mode


def reference_matmul():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((REFERENCE_N, REFERENCE_N), dtype=np.float32)
    b = rng.standard_normal((REFERENCE_N, REFERENCE_N), dtype=np.float32)
    return lambda: a @ b


@pytest.fixture
def reference():
    return reference_matmul()


def slowdowns():
    """{benchmark name: fraction} from RNNBENCH_BENCH_SLOWDOWN="NAME=FRACTION,...", e.g.
    "test_train_step[lstm-article]=0.10"."""
    pairs = [item.rsplit("=", 1) for item in os.environ.get(SLOWDOWN_ENV, "").split(",") if item]
    return {name: float(fraction) for name, fraction in pairs}


def slowed(fn, fraction):
    """`fn` plus busy work of `fraction` times each call's own duration: a known, sleep-free
    slowdown that the A/B calibration must detect."""
    def call(*args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        end = time.perf_counter() + fraction * (time.perf_counter() - start)
        while time.perf_counter() < end:
            pass
        return result
    return call


def meet(name, timeout=120):
    """Duet mode: wait until the other side has reached the same benchmark, so that A and B time
    it at the same moments (and not one a compile while the other measures)."""
    folder = os.environ.get(BARRIER_ENV)
    if not folder:
        return
    side = os.environ[SIDE_ENV]
    Path(folder, f"{side}-{name}").touch()
    other = Path(folder, f"{'A' if side == 'B' else 'B'}-{name}")
    deadline = time.monotonic() + timeout
    while not other.exists() and time.monotonic() < deadline:
        time.sleep(0.001)


def move_to(core):
    """Pin every thread of this process (TensorFlow's pools included) to `core`."""
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):  # a thread that has just ended
            os.sched_setaffinity(int(tid), {core})


def lockstep(name):
    """Duet mode: a setup for pedantic that, before every round, meets the other side and swaps
    cores with it: the two time each round together, and each times half its rounds on each core,
    so that a slow spell of one core weighs on both alike."""
    cores = [int(c) for c in os.environ[CORES_ENV].split(",")]
    rounds = itertools.count()

    def setup():
        meet(f"{name}#{next(rounds)}")
        here = os.sched_getaffinity(0)
        move_to(next(c for c in cores if c not in here))
    return setup


@pytest.fixture
def benchmark(benchmark, request):
    """pytest-benchmark's fixture, with the A/B driver's two hooks: a benchmark named in
    RNNBENCH_BENCH_SLOWDOWN gets extra work, and in duet mode both sides start each benchmark
    together after its first warm-up round (the one that traces and compiles), then time its
    rounds in lockstep, swapping cores every round."""
    fraction = slowdowns().get(request.node.name)
    pedantic = benchmark.pedantic

    def timed(target, args=(), kwargs=None, **options):
        if fraction:
            target = slowed(target, fraction)
            benchmark.extra_info["injected_slowdown"] = fraction
        if os.environ.get(BARRIER_ENV):  # the first warm-up round, then the barrier
            target(*args, **(kwargs or {}))
            meet(request.node.name)
            options["warmup_rounds"] = max(0, options.get("warmup_rounds", 0) - 1)
            options["setup"] = lockstep(request.node.name)
        first = min(os.sched_getaffinity(0))
        result = pedantic(target, args=args, kwargs=kwargs, **options)
        benchmark.extra_info["cores"] = [first, min(os.sched_getaffinity(0))]
        return result

    benchmark.pedantic = timed
    return benchmark


def pytest_benchmark_update_machine_info(config, machine_info):
    """Where the code under test came from and what the process might use: the A/B driver checks
    that each side timed its own checkout."""
    import rnnbench

    machine_info["rnnbench"] = os.path.dirname(os.path.abspath(rnnbench.__file__))
    machine_info["affinity"] = sorted(os.sched_getaffinity(0))
    machine_info["threads"] = {k: os.environ.get(k) for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
