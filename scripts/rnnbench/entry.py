"""What every rule's entry script shares: output to the rule's log, one-line errors."""

import contextlib
import os
import sys

from rnnbench import RnnbenchError


@contextlib.contextmanager
def logged(log_path):
    """Send this process's output (Python's and TensorFlow's) to log_path.

    An RnnbenchError becomes one line, in the log and on the original stderr, and exit 1.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
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
