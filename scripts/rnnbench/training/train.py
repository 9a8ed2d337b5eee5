"""Fit one model on padded IMDB data and measure what it achieved and what it cost.

Every run can be stopped at any moment and resumed: rnnbench/training/resume.py.
"""

import os
import shutil
import statistics
from pathlib import Path

import numpy as np
import pandas as pd

from rnnbench import files, models
from rnnbench.data import padding, subsets
from rnnbench.training import cores, linear, measure, networks, probe
from rnnbench.training.resume import RESUME_DIR, _epochs_left_to, _recorder, stop_epoch

# Columns of history.csv that are measurements of time and of the machine, not of learning.
TIMING_COLUMNS = ["seconds", "cpu_seconds", "other_cores", "steal", "disturbed"]


def configure(seed, threads, deterministic=False):
    import keras
    import tensorflow as tf

    if not measure.set_threads(threads):
        print(f"TensorFlow already running with {tf.config.threading.get_intra_op_parallelism_threads()} "
              f"threads; {threads} asked", flush=True)
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


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
    fingerprint = measure.fingerprint(threads)
    configure(seed, threads, cfg.get("deterministic", False))
    (x_train, y_train), (x_test, y_test) = padding.load_padded(padded_path)
    shape = dict(num_words=cfg["num_words"], maxlen=maxlen, embedding=cfg["embedding"], units=cfg["units"])
    classes = max(2, int(max(y_train.max(), y_test.max())) + 1)  # labels are ids 0..k-1 (rnnbench/data.py)
    if classes > 2:
        shape["classes"] = classes

    net = networks.build(model, **shape)
    net.compile(optimizer=optimizer(cfg), loss=models.loss(classes), metrics=["accuracy"],
                jit_compile=probe.choice(model, cfg["jit_compile"], probe_path))
    arrays, held_out, (x_test, y_test), moved = subsets.split(x_train, y_train, x_test, y_test, seed, cfg)
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
        metrics["train_from_test"] = max(0, train_samples - subsets.pool_size(len(x_train), cfg["validation_split"]))
    if patience:  # converge: why and when it stopped (the article's schedule records nothing new)
        metrics.update(schedule="converge", patience=patience, epochs_cap=cfg["epochs"],
                       stopped="patience" if stop_epoch(history["val_accuracy"], patience) else "cap")
    return history, metrics


def run_to_files(padded_path, history_path, metrics_path, model, maxlen, seed, cfg, threads, probe_path=None):
    """One run of the grid: train (or resume) and write history.csv and metrics.json atomically.
    The resume state stays, trimmed, until drop_state."""
    if not models.keras(model):  # a linear model: seconds of fitting, nothing to resume
        with cores.claimed(threads):
            rows, metrics = linear.run(padded_path, model, maxlen, seed, cfg, threads)
        return _write(history_path, metrics_path, pd.DataFrame(rows), metrics)
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
    _write(history_path, metrics_path, history, metrics)
    for stale in state_dir.glob("best-*.npz"):  # kept: the checkpoint and the best epoch's weights
        if stale.name != f"best-{metrics['best_epoch']}.npz":
            stale.unlink()
    return metrics


def _write(history_path, metrics_path, history, metrics):
    files.write_csv(history_path, history)
    files.write_json(metrics_path, metrics)
    print({k: v for k, v in metrics.items() if k not in ("fingerprint", "config")})
    return metrics
