"""jit_compile "auto", measured on this machine: a few training steps of a model at a run's shape,
with XLA on and off, and the faster one chosen.

The choice in the registry (models.Model.xla) was measured on one CPU; another CPU, thread count or
TensorFlow version can reverse it. The probe runs once per model x maxlen and machine (the
Snakemake rule xla_probe writes results/machine/xla-<key>/<model>-maxlen<N>.json, key =
machine_key()), and a run with jit_compile "auto" reads its choice from there.

Only for the models whose registry entry allows XLA (the recurrent cells). Bag-of-words with XLA is
slow inside Keras's fit and evaluate in ways a few steps do not show: the probe timed it at 3.4 ms a
step with XLA against 2.5 without (maxlen 500) and 0.7 against 0.7 at maxlen 20, where it chose XLA;
that tiny run then trained its three epochs in a second each and spent over five minutes of CPU
after them, before writing its results (2026-11-28, AMD EPYC), and a full run with XLA took 210 s an epoch
against 0.7. So bag-of-words stays off, as measured earlier (README, Speed).
"""

import hashlib
import importlib.metadata
import json
import os
import platform
import statistics
import time

from rnnbench import models
from rnnbench.training import cores, measure, networks

STEPS, WARMUP = 7, 2  # timed steps per setting, after WARMUP untimed ones (the compile, caches); WARMUP >= 1


def machine_key(threads):
    """What an XLA choice depends on, hashed to 12 hex digits: CPU model, cores, threads, Python,
    TensorFlow and Keras versions. Computed without importing TensorFlow (Snakemake calls it)."""
    parts = [measure.cpu_model(), os.cpu_count(), threads, platform.python_version()]
    parts += [importlib.metadata.version(p) for p in ("tensorflow", "keras")]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:12]


def step_seconds(model, maxlen, cfg, jit, steps=STEPS, warmup=WARMUP):
    """Median seconds of one training step (timed_steps)."""
    return timed_steps(model, maxlen, cfg, jit, steps, warmup)[1]


def timed_steps(model, maxlen, cfg, jit, steps=STEPS, warmup=WARMUP):
    """(seconds to the end of the first step, which builds the graph; median seconds of one training step inside `fit` (batch_size reviews of maxlen random word
    ids, fed by tf.data as train.datasets feeds a run), from the time between the ends of
    consecutive steps. Inside fit, as a run trains; it still does not reproduce everything of a
    run: bag-of-words with XLA measured 3.4 ms a step here and took 210 s an epoch in the run
    (2026-11-28, AMD EPYC), hence recurrent cells only (module docstring)."""
    import keras
    import numpy as np
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    shape = dict(num_words=cfg["num_words"], maxlen=maxlen, embedding=cfg["embedding"], units=cfg["units"])
    net = networks.build(model, **shape)
    net.compile(optimizer=cfg["optimizer"], loss="binary_crossentropy", metrics=["accuracy"], jit_compile=jit)
    rng = np.random.default_rng(0)
    x = rng.integers(1, cfg["num_words"], size=(cfg["batch_size"], maxlen)).astype("int32")
    y = rng.integers(0, 2, size=(cfg["batch_size"], 1)).astype("float32")
    options = tf.data.Options()
    options.autotune.enabled = False
    batches = tf.data.Dataset.from_tensors((x, y)).repeat().with_options(options)
    ends = [time.perf_counter()]
    stamp = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: ends.append(time.perf_counter()))
    net.fit(batches, steps_per_epoch=warmup + steps, epochs=1, verbose=0, shuffle=False, callbacks=[stamp])
    return float(ends[1] - ends[0]), float(statistics.median(np.diff(ends)[warmup:]))


def probe(model, maxlen, cfg, threads):
    """Both settings, each timed in its turn, on the cores and threads a run gets; the record the
    rule writes."""
    with cores.claimed(threads):
        measure.set_threads(threads)
        usage = measure.Usage()
        timed = {"xla": timed_steps(model, maxlen, cfg, True), "plain": timed_steps(model, maxlen, cfg, False)}
    seconds = {key: step for key, (first, step) in timed.items()}
    return {"model": model, "maxlen": maxlen, "threads": threads, "key": machine_key(threads),
            "step_seconds": seconds, "first_step_seconds": {key: first for key, (first, step) in timed.items()}, "xla": bool(seconds["xla"] < seconds["plain"]), "steps": STEPS,
            "cpu": measure.cpu_model(), "machine": usage.figures()}


def wanted(model, setting):
    """Whether a run of `model` under jit_compile `setting` takes its XLA choice from a probe: "auto"
    and a registry entry that lets XLA be tried (module docstring: why not bag-of-words)."""
    return setting == "auto" and models.spec(model).xla


def choice(model, setting, probe_path=None):
    """Keras's jit_compile for a run: "on"/"off" as set; "auto" the probe's choice, or the
    registry's where there is no probe (a run outside Snakemake)."""
    if probe_path and wanted(model, setting):
        with open(probe_path) as fh:
            return bool(json.load(fh)["xla"])
    return models.jit_compile(model, setting)
