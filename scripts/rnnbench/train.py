"""Fit one model on padded IMDB data and measure what it achieved and what it cost.

A run can be stopped at any moment and resumed. After every epoch the recorder saves, under the
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
import math
import os
import shutil
import signal
import statistics
from pathlib import Path

import numpy as np

from rnnbench import RnnbenchError, cores, data, files, measure, models, probe, sizes

RESUME_DIR = ".resume"
# Columns of history.csv that are measurements of time and of the machine, not of learning.
TIMING_COLUMNS = ["seconds", "cpu_seconds", "other_cores", "steal", "disturbed"]


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


def configure(seed, threads, deterministic=False):
    import keras
    import tensorflow as tf

    if not measure.set_threads(threads):
        print(f"TensorFlow already running with {tf.config.threading.get_intra_op_parallelism_threads()} "
              f"threads; {threads} asked", flush=True)
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def validation_arrays(x_train, y_train, validation_split):
    """(training arrays), (validation arrays), split as Keras's validation_split splits: the last
    fraction of the training arrays, before shuffling."""
    split = int(math.floor(len(x_train) * (1.0 - validation_split)))
    if split in (0, len(x_train)):
        raise RnnbenchError(f"validation_split {validation_split} of {len(x_train)} training reviews leaves "
                            "none to train or to validate on; use a fraction such as 0.2")
    return (x_train[:split], y_train[:split]), (x_train[split:], y_train[split:])


def datasets(train, validation, test, batch_size):
    """Training, validation and test batches, each an (x, y) pair, as tf.data pipelines.

    Why not hand Keras the arrays: its array adapter maps batches with tf.data autotuning, which on
    this 2-core machine left the whole process asleep for 5 to 17 s in some epochs (every thread in
    a futex wait, no CPU used); with autotuning off, epochs stayed even (README, Speed).
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False

    def batches(x, y, shuffle=False):
        ds = tf.data.Dataset.from_tensor_slices((x, y))
        if shuffle:  # a new order every epoch, drawn from the run's seed
            ds = ds.shuffle(len(x), reshuffle_each_iteration=True)
        return ds.batch(batch_size).with_options(options)

    return batches(*train, shuffle=True), batches(*validation), batches(*test)


def optimizer(cfg):
    """The optimizer's name, as the article gives it to Keras (its default rate), or, for a trial of
    the search, the optimizer at the trial's learning rate."""
    if "learning_rate" not in cfg:
        return cfg["optimizer"]
    import keras

    return keras.optimizers.get({"class_name": cfg["optimizer"], "config": {"learning_rate": cfg["learning_rate"]}})


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


def macro_f1(net, test, y_test, classes):
    """Keras's F1Score, averaged over the classes with equal weight, of the model's most likely
    class for each test text."""
    import keras

    score = keras.metrics.F1Score(average="macro")
    score.update_state(keras.ops.one_hot(y_test, classes), net.predict(test, verbose=0))
    return float(score.result())


def run(padded_path, model, maxlen, seed, cfg, threads, state_dir, probe_path=None):
    """Train and evaluate one run, resuming from state_dir if an earlier try left one there.

    cfg holds num_words, embedding, units, epochs, batch_size, optimizer, validation_split,
    jit_compile and deterministic (a trial of the search also learning_rate and trial), as in config/config.yaml; probe_path, the XLA probe of this model
    and maxlen on this machine (jit_compile "auto"). Returns (history, metrics).
    """
    import pandas as pd

    fingerprint = measure.fingerprint(threads)
    configure(seed, threads, cfg.get("deterministic", False))
    (x_train, y_train), (x_test, y_test) = data.load_padded(padded_path)
    shape = dict(num_words=cfg["num_words"], maxlen=maxlen, embedding=cfg["embedding"], units=cfg["units"])
    classes = max(2, int(max(y_train.max(), y_test.max())) + 1)  # labels are ids 0..k-1 (rnnbench/data.py)
    if classes > 2:
        shape["classes"] = classes

    net = models.build(model, **shape)
    net.compile(optimizer=optimizer(cfg), loss=models.loss(classes), metrics=["accuracy"],
                jit_compile=probe.choice(model, cfg["jit_compile"], probe_path))
    moved = None
    if cfg.get("train_size"):  # a point of a learning curve: a subset of the pool, the grid's validation
        if cfg.get("test_reviews"):  # a pool beyond the training split: part of the test split joins it
            (x_test, y_test), moved = sizes.hold_out(x_test, y_test, cfg["test_reviews"])
        arrays, held_out = sizes.subset(x_train, y_train, cfg["train_size"], seed, cfg["validation_split"], moved)
    else:
        arrays, held_out = validation_arrays(x_train, y_train, cfg["validation_split"])
    train, validation, test = datasets(arrays, held_out, (x_test, y_test), cfg["batch_size"])
    patience = cfg["patience"] if cfg.get("schedule") == "converge" else None
    recorder = _recorder(state_dir, patience)
    fit_clock = measure.Clock()
    net.fit(train, validation_data=validation, epochs=_epochs_left_to(state_dir, cfg["epochs"], patience),
            shuffle=False, callbacks=[recorder], verbose=2)
    # Only time actually spent: this fit, plus the epochs finished before an interruption.
    fit_seconds = fit_clock.seconds() + sum(recorder.seconds[:recorder.resumed_at])

    eval_clock = measure.Clock()
    last_loss, last_acc = net.evaluate(test, verbose=0)
    eval_seconds = eval_clock.seconds()
    best_loss, best_acc = last_loss, last_acc
    if recorder.best_epoch != len(recorder.rows):  # else the last epoch is the best: same weights
        net.set_weights(recorder.best_weights)
        best_loss, best_acc = net.evaluate(test, verbose=0)
    f1 = macro_f1(net, test, y_test, classes) if classes > 2 else None

    history = pd.DataFrame(recorder.rows)
    first = [c for c in ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"] + TIMING_COLUMNS if c in history]
    history = history[first + sorted(c for c in history if c not in first)]
    train_samples = len(arrays[0])
    # Seconds per epoch: the median of the epochs after the first (which builds the graph), leaving
    # out those that other processes disturbed, unless all were.
    disturbed = [row["epoch"] for row in recorder.rows if row.get("disturbed")]
    steady = ([row["seconds"] for row in recorder.rows[1:] if not row.get("disturbed")]
              or recorder.seconds[1:] or recorder.seconds)
    flops_epoch = models.training_flops_per_sample(model, **shape) * train_samples
    seconds_per_epoch = statistics.median(steady)
    fingerprint.update(load_end=measure.load_average(), xla=bool(net.jit_compile),
                       jit_compile_setting=cfg["jit_compile"],
                       xla_probe=files.read_json(probe_path)["step_seconds"] if probe_path else None)
    metrics = {
        "model": model, "maxlen": maxlen, "seed": seed,
        "test_accuracy": best_acc, "test_loss": best_loss,
        "test_accuracy_last": last_acc, "test_loss_last": last_loss,
        "best_val_accuracy": recorder.best, "best_epoch": recorder.best_epoch,
        "epochs": len(history),
        "resumed": bool(recorder.resumed_at), "resumed_at_epoch": recorder.resumed_at or None,
        "fit_seconds": fit_seconds,
        "first_epoch_seconds": recorder.seconds[0],
        "seconds_per_epoch": seconds_per_epoch,
        "disturbed_epochs": disturbed,
        "seconds_to_best": float(sum(recorder.seconds[:recorder.best_epoch])),
        "inference_per_second": len(x_test) / eval_seconds,
        "parameters": net.count_params(),
        "train_flops_per_epoch": flops_epoch,
        "gflops_per_second": flops_epoch / seconds_per_epoch / 1e9,
        "peak_rss_mb": measure.peak_rss_mb(),
        "train_samples": train_samples, "test_samples": len(x_test),
        "train_positive_share": float(np.mean(arrays[1])),
        "data": Path(padded_path).parent.name,
        "fingerprint": fingerprint,
        "config": dict(cfg, model=model, maxlen=maxlen, seed=seed, threads=threads),
    }
    if f1 is not None:  # more than two classes: accuracy alone hides the small ones
        metrics.update(classes=classes, macro_f1=f1)
    if moved is not None:  # how many of its training reviews came from the test split
        metrics["train_from_test"] = max(0, train_samples - sizes.pool_size(len(x_train), cfg["validation_split"]))
    if patience:  # converge: why and when it stopped (the article's schedule records nothing new)
        metrics.update(schedule="converge", patience=patience, epochs_cap=cfg["epochs"],
                       stopped="patience" if stop_epoch(history["val_accuracy"], patience) else "cap")
    return history, metrics


def run_to_files(padded_path, history_path, metrics_path, model, maxlen, seed, cfg, threads, probe_path=None):
    """One run of the grid: train (or resume) and write history.csv and metrics.json atomically.
    The resume state stays, trimmed, until drop_state."""
    state_dir = Path(metrics_path).parent / RESUME_DIR
    stat = Path(padded_path).stat()
    signature = {"config": dict(cfg, model=model, maxlen=maxlen, seed=seed, threads=threads),
                 "data": [str(padded_path), stat.st_size, stat.st_mtime_ns]}
    if state_dir.exists() and (not (state_dir / "run.json").exists()
                               or files.read_json(state_dir / "run.json") != signature):
        print("discarding the resume state of a run with other settings or data", flush=True)
        shutil.rmtree(state_dir)
    files.write_json(state_dir / "run.json", signature)
    with cores.claimed(threads) as pinned:
        if pinned is None and 0 < threads < len(os.sched_getaffinity(0)):
            print(f"no free core to pin {threads} thread(s) to (another job holds them): running unpinned", flush=True)
        history, metrics = run(padded_path, model, maxlen, seed, cfg, threads, state_dir, probe_path)
    files.write_csv(history_path, history)
    files.write_json(metrics_path, metrics)
    for stale in state_dir.glob("best-*.npz"):  # kept: the checkpoint and the best epoch's weights
        if stale.name != f"best-{metrics['best_epoch']}.npz":
            stale.unlink()
    print({k: v for k, v in metrics.items() if k not in ("fingerprint", "config")})
    return metrics


def drop_state(run_folders):
    """Remove the resume state of the finished runs among run_folders (those with a metrics.json;
    an interrupted run keeps its state). Call it once the workflow has succeeded, when Snakemake
    has recorded them. Returns the folders removed."""
    gone = [Path(f) / RESUME_DIR for f in run_folders
            if (Path(f) / RESUME_DIR).exists() and (Path(f) / "metrics.json").exists()]
    for state in gone:
        shutil.rmtree(state, ignore_errors=True)
    return gone
