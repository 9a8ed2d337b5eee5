"""Clocks, memory and the fingerprint of the machine a run trained on."""

import datetime
import os
import platform
import resource
import socket
import time


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def peak_rss_mb():
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def fingerprint(threads, tensorflow=True):
    """What a timing depends on, taken at the start of a run: TensorFlow's and Keras's versions and
    GPUs for a network's run, scikit-learn's for a linear model's (which never starts TensorFlow)."""
    record = {
        "hostname": socket.gethostname(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "threads": threads,
        "cpus": ",".join(map(str, sorted(os.sched_getaffinity(0)))),  # pinned (cores.py) if fewer than cores
        "gpu": [],
        "python": platform.python_version(),
    }
    if tensorflow:
        import keras
        import tensorflow as tf

        record.update(gpu=[d.name for d in tf.config.list_physical_devices("GPU")], tensorflow=tf.__version__,
                      keras=keras.__version__)
    else:
        import sklearn

        record["scikit_learn"] = sklearn.__version__
    return dict(record, started=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                load_start=load_average())


def cpu_times(cpus=None):
    """(busy, steal) seconds so far, from /proc/stat: of the whole machine, summed over its cores,
    or of the given cores only."""
    with open("/proc/stat") as fh:
        lines = [line.split() for line in fh if line.startswith("cpu")]
    if cpus is None:
        rows = [lines[0][1:]]
    else:
        wanted = {f"cpu{c}" for c in cpus}
        rows = [line[1:] for line in lines[1:] if line[0] in wanted]
    busy = steal = 0
    for row in rows:
        user, nice, system, _idle, _iowait, irq, softirq, stolen = ([int(v) for v in row] + [0] * 8)[:8]
        busy, steal = busy + user + nice + system + irq + softirq, steal + stolen
    hz = os.sysconf("SC_CLK_TCK")
    return busy / hz, steal / hz


# An interval is disturbed when other processes used more than this many cores on average (as
# bench-ab's pairs), and at least DISTURBED_MIN_SECONDS of CPU in all (the clock ticks of
# /proc/stat, 10 ms, make sub-second shares coarse), or when steal took more than DISTURBED_STEAL.
DISTURBED_CORES, DISTURBED_MIN_SECONDS, DISTURBED_STEAL = 0.25, 0.2, 0.05


class Usage:
    """What the cores this process may run on did while it worked: started at creation, read by
    figures(). A process pinned to one core (cores.claim) counts only that core, so a neighbour on
    the other core is no disturbance. Off Linux (no /proc/stat) figures() is empty."""

    def __init__(self, cpus=None):
        if cpus is None and hasattr(os, "sched_getaffinity"):
            cpus = sorted(os.sched_getaffinity(0))
        self.cpus = cpus
        self.start = self._now()

    def _now(self):
        try:
            busy, steal = cpu_times(self.cpus)
        except OSError:
            return None
        return time.perf_counter(), time.process_time(), busy, steal

    def figures(self, own=None):
        """{cpu_seconds: this process's (or `own`, the CPU seconds of the work measured, e.g. child
        processes), other_cores: other processes' CPU in cores on average, steal: the hypervisor's
        share of the wall time, disturbed: bool}."""
        end = self._now()
        if self.start is None or end is None:
            return {}
        wall, own_here, busy, steal = (b - a for a, b in zip(self.start, end))
        own = own_here if own is None else own
        others = max(0.0, busy - own)
        return {"cpu_seconds": own, "other_cores": others / wall, "steal": steal / wall,
                "disturbed": bool((others > DISTURBED_CORES * wall and others > DISTURBED_MIN_SECONDS)
                                  or steal > DISTURBED_STEAL * wall)}


class Clock:
    """Wall seconds since creation, by the monotonic performance counter."""

    def __init__(self):
        self.start = time.perf_counter()

    def seconds(self):
        return time.perf_counter() - self.start


def set_threads(threads):
    """TensorFlow's intra- and inter-op thread pools, both to `threads`. False, and nothing changed,
    once TensorFlow has started in this process (tests do; a pipeline job never has)."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        return False
    return True


def float32_peak(threads, size=2048, repeats=10):
    """This machine's float32 matrix-multiply throughput in GFLOP/s: the best of `repeats`
    size x size products in TensorFlow with `threads` threads, the ceiling training can approach.
    Records what other processes did on its cores meanwhile (Usage): a disturbed figure is low."""
    import tensorflow as tf

    set_threads(threads)
    a = tf.random.stateless_normal((size, size), seed=(1, 2))
    b = tf.random.stateless_normal((size, size), seed=(3, 4))
    tf.linalg.matmul(a, b).numpy()  # warm-up: kernels chosen, memory allocated
    usage, best = Usage(), float("inf")
    for _ in range(repeats):
        clock = Clock()
        tf.linalg.matmul(a, b).numpy()
        best = min(best, clock.seconds())
    return {"gflops_per_second": 2 * size ** 3 / best / 1e9, "size": size, "repeats": repeats,
            "best_seconds": best, "threads": threads, "cpu": cpu_model(), "cores": os.cpu_count(),
            "cpus": ",".join(map(str, sorted(os.sched_getaffinity(0)))),
            "tensorflow": tf.__version__, "hostname": socket.gethostname(), "load": load_average(),
            **usage.figures()}
