"""Fit one model on padded IMDB data and measure what it achieved and what it cost."""

import statistics
from pathlib import Path

import numpy as np

from rnnbench import data, measure, models

JIT = {"off": False, "on": True, "auto": "auto"}


def _callbacks():
    import keras

    class EpochRecorder(keras.callbacks.Callback):
        """Times every epoch and keeps the weights of the best validation epoch in memory."""

        def __init__(self):
            super().__init__()
            self.seconds, self.best, self.best_epoch, self.best_weights = [], -1.0, None, None

        def on_epoch_begin(self, epoch, logs=None):
            self._clock = measure.Clock()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(self._clock.seconds())
            if logs["val_accuracy"] > self.best:
                self.best, self.best_epoch = logs["val_accuracy"], epoch + 1
                self.best_weights = self.model.get_weights()
            print(f"epoch {epoch + 1}: {self.seconds[-1]:.1f} s, val_accuracy {logs['val_accuracy']:.4f}", flush=True)

    return EpochRecorder()


def configure(seed, threads, deterministic=False):
    import keras
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def run(padded_path, model, maxlen, seed, cfg, threads):
    """Train and evaluate one run. Returns (history rows, metrics dict).

    cfg holds num_words, embedding, units, epochs, batch_size, optimizer, validation_split,
    jit_compile
    and deterministic, as in config/config.yaml.
    """
    import pandas as pd

    fingerprint = measure.fingerprint(threads)
    configure(seed, threads, cfg.get("deterministic", False))
    (x_train, y_train), (x_test, y_test) = data.load_padded(padded_path)
    shape = dict(num_words=cfg["num_words"], maxlen=maxlen, embedding=cfg["embedding"], units=cfg["units"])

    net = models.build(model, **shape)
    net.compile(optimizer=cfg["optimizer"], loss="binary_crossentropy", metrics=["accuracy"],
                jit_compile=JIT[cfg["jit_compile"]])
    recorder = _callbacks()
    fit_clock = measure.Clock()
    fit = net.fit(x_train, y_train, epochs=cfg["epochs"], batch_size=cfg["batch_size"],
                  validation_split=cfg["validation_split"], callbacks=[recorder], verbose=2)
    fit_seconds = fit_clock.seconds()

    eval_clock = measure.Clock()
    last_loss, last_acc = net.evaluate(x_test, y_test, batch_size=cfg["batch_size"], verbose=0)
    eval_seconds = eval_clock.seconds()
    net.set_weights(recorder.best_weights)
    best_loss, best_acc = net.evaluate(x_test, y_test, batch_size=cfg["batch_size"], verbose=0)

    history = pd.DataFrame(fit.history)
    history.insert(0, "epoch", np.arange(1, len(history) + 1))
    history["seconds"] = recorder.seconds
    train_samples = len(x_train) - int(len(x_train) * cfg["validation_split"])
    steady = recorder.seconds[1:] or recorder.seconds
    flops_epoch = models.training_flops_per_sample(model, **shape) * train_samples
    seconds_per_epoch = statistics.median(steady)
    fingerprint.update(load_end=measure.load_average(), xla=bool(net.jit_compile),
                       jit_compile_setting=cfg["jit_compile"])
    metrics = {
        "model": model, "maxlen": maxlen, "seed": seed,
        "test_accuracy": best_acc, "test_loss": best_loss,
        "test_accuracy_last": last_acc, "test_loss_last": last_loss,
        "best_val_accuracy": recorder.best, "best_epoch": recorder.best_epoch,
        "epochs": len(history),
        "fit_seconds": fit_seconds,
        "first_epoch_seconds": recorder.seconds[0],
        "seconds_per_epoch": seconds_per_epoch,
        "seconds_to_best": float(sum(recorder.seconds[:recorder.best_epoch])),
        "inference_per_second": len(x_test) / eval_seconds,
        "parameters": net.count_params(),
        "train_flops_per_epoch": flops_epoch,
        "gflops_per_second": flops_epoch / seconds_per_epoch / 1e9,
        "peak_rss_mb": measure.peak_rss_mb(),
        "train_samples": train_samples, "test_samples": len(x_test),
        "fingerprint": fingerprint,
        "config": dict(cfg, model=model, maxlen=maxlen, seed=seed, threads=threads),
    }
    return history, metrics


def run_to_files(padded_path, history_path, metrics_path, model, maxlen, seed, cfg, threads):
    """One run of the grid: train, then write history.csv and metrics.json atomically."""
    from rnnbench import files

    history, metrics = run(padded_path, model, maxlen, seed, cfg, threads)
    files.write_csv(history_path, history)
    files.write_json(metrics_path, metrics)
    print({k: v for k, v in metrics.items() if k not in ("fingerprint", "config")})
    return metrics
