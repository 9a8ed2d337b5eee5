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
