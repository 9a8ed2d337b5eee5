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


def fingerprint(threads):
    """What a timing depends on, taken at the start of a run (TensorFlow must be importable)."""
    import keras
    import tensorflow as tf

    return {
        "hostname": socket.gethostname(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "threads": threads,
        "gpu": [d.name for d in tf.config.list_physical_devices("GPU")],
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_start": load_average(),
    }


def cpu_times():
    """(busy, steal) seconds of the whole machine so far, summed over its cores, from /proc/stat."""
    with open("/proc/stat") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / hz, steal / hz


# An interval is disturbed when other processes used more than this many cores on average (as
# bench-ab's pairs), and at least DISTURBED_MIN_SECONDS of CPU in all (the clock ticks of
# /proc/stat, 10 ms, make sub-second shares coarse), or when steal took more than DISTURBED_STEAL.
DISTURBED_CORES, DISTURBED_MIN_SECONDS, DISTURBED_STEAL = 0.25, 0.2, 0.05


class Usage:
    """What the machine did while this process worked: started at creation, read by figures().
    Off Linux (no /proc/stat) figures() is empty."""

    def __init__(self):
        self.start = self._now()

    @staticmethod
    def _now():
        try:
            busy, steal = cpu_times()
        except OSError:
            return None
        return time.perf_counter(), time.process_time(), busy, steal

    def figures(self):
        """{cpu_seconds: this process's, other_cores: other processes' CPU in cores on average,
        steal: the hypervisor's share of the wall time, disturbed: bool}."""
        end = self._now()
        if self.start is None or end is None:
            return {}
        wall, own, busy, steal = (b - a for a, b in zip(self.start, end))
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
    """TensorFlow's intra- and inter-op thread pools, both to `threads`; raises RuntimeError once
    TensorFlow has started in this process."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


def float32_peak(threads, size=2048, repeats=10):
    """This machine's float32 matrix-multiply throughput in GFLOP/s: the best of `repeats`
    size x size products in TensorFlow with `threads` threads, the ceiling training can approach."""
    import tensorflow as tf

    set_threads(threads)
    a = tf.random.stateless_normal((size, size), seed=(1, 2))
    b = tf.random.stateless_normal((size, size), seed=(3, 4))
    tf.linalg.matmul(a, b).numpy()  # warm-up: kernels chosen, memory allocated
    best = float("inf")
    for _ in range(repeats):
        clock = Clock()
        tf.linalg.matmul(a, b).numpy()
        best = min(best, clock.seconds())
    return {"gflops_per_second": 2 * size ** 3 / best / 1e9, "size": size, "repeats": repeats,
            "best_seconds": best, "threads": threads, "cpu": cpu_model(), "cores": os.cpu_count(),
            "tensorflow": tf.__version__, "hostname": socket.gethostname(), "load": load_average()}
