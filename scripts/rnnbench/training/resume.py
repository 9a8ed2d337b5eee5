"""A run can be stopped at any moment and resumed. After every epoch the recorder saves, under the
run's `.resume/` folder, the epochs so far (their logs and wall seconds), the best validation
epoch's weights, and, through Keras's BackupAndRestore, the model and optimizer. A rerun starts
after the last saved epoch; the time of an epoch cut short is lost, not counted.

The state outlives the run's own files: it goes only when the workflow has succeeded (drop_state,
from Snakemake's onsuccess). Snakemake records a job as done only after the job's process has
exited; killed in between (the fault harness hit that gap, tests/faults.py seed 2: a run's files
written, its process shutting down TensorFlow), it trains the run again, and the state turns that
into an evaluation of the saved weights instead of ten epochs from scratch.
"""

import contextlib
import shutil
import signal
from pathlib import Path

import numpy as np

from rnnbench import files
from rnnbench.training import measure

RESUME_DIR = ".resume"


@contextlib.contextmanager
def _ctrl_c_deferred():
    """Ctrl-C while a checkpoint is being written takes effect once it is complete."""
    caught = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    except ValueError:  # not the main thread: nothing to defer
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt


def stop_epoch(val_accuracy, patience):
    """The epoch after which `converge` stops: the first at which `patience` epochs have passed since
    the best validation accuracy so far (the first of equal bests counts, as Keras's EarlyStopping
    with its default min_delta of 0). None while training goes on.

    The recorder decides from the epochs it has kept rather than from Keras's EarlyStopping, whose
    count of epochs without improvement lives only in memory: a run resumed after an interruption
    decides from the same epochs, so it stops where an uninterrupted run stops."""
    best = -np.inf
    best_epoch = 0
    for epoch, value in enumerate(val_accuracy, 1):
        if value > best:
            best, best_epoch = value, epoch
        elif epoch - best_epoch >= patience:
            return epoch
    return None


def _recorder(state_dir, patience=None):
    import keras

    class EpochRecorder(keras.callbacks.BackupAndRestore):
        """Times every epoch and keeps the best validation epoch's weights; all of it survives a restart."""

        def __init__(self):
            super().__init__(str(state_dir), save_freq="epoch", delete_checkpoint=False, double_checkpoint=True)
            self.rows, self.best_weights, self.resumed_at = [], None, 0

        def _best_path(self, epoch):
            return state_dir / f"best-{epoch}.npz"  # model weights only, never the optimizer's

        @property
        def seconds(self):
            return [row["seconds"] for row in self.rows]

        @property
        def best_epoch(self):
            val = [row["val_accuracy"] for row in self.rows]
            return int(np.argmax(val)) + 1 if val else None

        @property
        def best(self):
            return self.rows[self.best_epoch - 1]["val_accuracy"] if self.rows else -1.0

        def on_train_begin(self, logs=None):
            try:
                super().on_train_begin(logs)  # restores model, optimizer and the epoch to start from
            except (OSError, ValueError):
                # The last checkpoint was cut short (Keras falls back to the one before only on
                # OSError; a half-written weights file raises ValueError): use the one before.
                if Path(self._prev_weights_path).exists() and Path(self._prev_training_metadata_path).exists():
                    shutil.copy(self._prev_weights_path, self._weights_path)
                    shutil.copy(self._prev_training_metadata_path, self._training_metadata_path)
                    self._load_model()
                else:  # the first checkpoint itself: start again from epoch 1
                    Path(self._weights_path).unlink(missing_ok=True)
                    Path(self._training_metadata_path).unlink(missing_ok=True)
            self.resumed_at = self.model._initial_epoch or 0
            if self.resumed_at:
                # Epochs past the checkpoint were cut short: they are trained again.
                self.rows = files.read_json(state_dir / "epochs.json")[:self.resumed_at]
                with np.load(self._best_path(self.best_epoch)) as saved:
                    self.best_weights = [saved[f"arr_{i}"] for i in range(len(saved.files))]
                print(f"resumed after epoch {self.resumed_at}", flush=True)

        def on_epoch_begin(self, epoch, logs=None):
            self._clock, self._usage = measure.Clock(), measure.Usage()

        def on_epoch_end(self, epoch, logs=None):
            row = {key: float(value) for key, value in logs.items()}
            seconds = self._clock.seconds()
            self.rows.append(dict(row, epoch=epoch + 1, seconds=seconds, **self._usage.figures()))
            if self.best_epoch == epoch + 1:
                self.best_weights = self.model.get_weights()
                with files.atomic_path(self._best_path(epoch + 1)) as tmp:
                    np.savez(tmp, *self.best_weights)
            files.write_json(state_dir / "epochs.json", self.rows)
            with _ctrl_c_deferred():
                super().on_epoch_end(epoch, logs)  # the checkpoint: from here on this epoch is done
            # Earlier best-*.npz stay (a few MB, gone with the run's state): a resume that falls back
            # to the checkpoint before this one still finds its best weights.
            print(f"epoch {epoch + 1}: {self.rows[-1]['seconds']:.1f} s, val_accuracy {logs['val_accuracy']:.4f}",
                  flush=True)
            if patience and stop_epoch([row["val_accuracy"] for row in self.rows], patience):
                print(f"no better validation accuracy for {patience} epochs since epoch {self.best_epoch}: "
                      "stopping", flush=True)
                self.model.stop_training = True

    return EpochRecorder()


def _epochs_left_to(state_dir, cap, patience):
    """The `epochs` to give fit: the cap, or, for a converge run whose saved epochs already meet its
    stopping rule (stopped, then interrupted before its files were written), the epochs saved, so
    that the resumed fit restores them and trains none."""
    saved = Path(state_dir) / "epochs.json"
    checkpoint = Path(state_dir) / "training_metadata.json"  # Keras's BackupAndRestore: epochs completed
    if not patience or not saved.exists() or not checkpoint.exists():
        return cap
    done = files.read_json(checkpoint)["epoch"]
    stopped = stop_epoch([row["val_accuracy"] for row in files.read_json(saved)[:done]], patience)
    return min(cap, stopped) if stopped else cap


def drop_state(run_folders):
    """Remove the resume state of the finished runs among run_folders (those with a metrics.json;
    an interrupted run keeps its state). Call it once the workflow has succeeded, when Snakemake
    has recorded them. Returns the folders removed."""
    gone = [Path(f) / RESUME_DIR for f in run_folders
            if (Path(f) / RESUME_DIR).exists() and (Path(f) / "metrics.json").exists()]
    for state in gone:
        shutil.rmtree(state, ignore_errors=True)
    return gone
