"""What every rule's entry script shares: output to the rule's log, one-line errors."""

import contextlib
import os
import signal
import sys
import threading

from rnnbench import RnnbenchError


def hear_ctrl_c():
    """Ctrl-C as a terminal gives it: a process started in the background (`nohup ... &`, `&` in a
    script, many CI runners) inherits SIGINT ignored, and so does every process it starts."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@contextlib.contextmanager
def logged(log_path):
    """Send this process's output (Python's and TensorFlow's) to log_path.

    An RnnbenchError becomes one line, in the log and on the original stderr, and exit 1.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    stop_with_snakemake()
    sys.stdout.flush(), sys.stderr.flush()
    original = os.dup(2)
    with open(log_path, "w") as log:
        os.dup2(log.fileno(), 1), os.dup2(log.fileno(), 2)
        try:
            yield
        except RnnbenchError as err:
            line = f"rnnbench: {err}\n"
            sys.stderr.write(line), sys.stderr.flush()
            os.write(original, line.encode())
            raise SystemExit(1) from None
        finally:
            sys.stdout.flush(), sys.stderr.flush()


def stop_with_snakemake(every=0.5):
    """Stop this job, as Ctrl-C would, once the Snakemake that started it is gone.

    `kill -9` of Snakemake leaves its jobs running, untracked: the next Snakemake would start the
    same job beside the orphan, both writing one run's files. A job stopped by Ctrl-C ends at a safe
    point (a checkpoint being written is completed first, temporary files are removed).

    A Snakemake started in the background (`nohup snakemake &`, `&` in a script, many CI runners)
    passes SIGINT on as ignored, and Python then raises no KeyboardInterrupt: the watch's SIGINT
    did nothing and the orphan trained on. So a job that SIGINT would not stop gets Python's handler.
    """
    import psutil

    hear_ctrl_c()

    try:
        owner = next(p for p in psutil.Process().parents()
                     if "snakemake" in " ".join(p.cmdline()) and ".snakemake/scripts/" not in " ".join(p.cmdline()))
    except (StopIteration, psutil.Error):
        return None  # not started by Snakemake (a test calling the entry directly)

    def watch():
        while owner.is_running():  # checks the pid and its start time: a reused pid is not the owner
            threading.Event().wait(every)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, daemon=True, name="stop-with-snakemake").start()
    return owner
