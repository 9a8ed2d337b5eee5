"""The article's plain Keras code, timed: the yardstick for the pipeline's own epochs.

Trains one model the way Deep Learning with Python 6.2 does (Sequential, Embedding(10000, 32),
a 32-unit cell, Dense(1, sigmoid), rmsprop, 10 epochs, batch 128, validation_split 0.2) on a
padded file the pipeline made, prints each epoch's wall seconds and their median over epochs
2..n, and, where the pipeline has runs of the same model and maxlen, their s/epoch beside it.

    python scripts/rnnbench/timing/plain_keras.py results/data/<data>/maxlen500.npz --model lstm [--jit auto|off|on]

--jit auto (the default) compiles as the article's code does, with no jit_compile argument: Keras
then picks XLA itself (off on any machine without a GPU). Pipeline runs are compared only with
those trained with the same XLA choice.

Nothing else may run on the machine meanwhile: two trainings at once distort both timings.
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

CELLS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("padded", help="a maxlen*.npz the pipeline's pad rule wrote")
    parser.add_argument("--model", choices=CELLS, default="lstm")
    parser.add_argument("--jit", choices=["auto", "off", "on"], default="auto")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow threads, 0 = TensorFlow's default")
    parser.add_argument("--runs", default="results/runs", help="the pipeline's runs, to compare with")
    args = parser.parse_args()

    import numpy as np
    import tensorflow as tf
    from tensorflow import keras
    from tensorflow.keras import layers

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    with np.load(args.padded) as saved:
        x_train, y_train = saved["x_train"], saved["y_train"]
    maxlen = x_train.shape[1]

    # The article's model and training, line for line.
    model = keras.Sequential([
        keras.Input(shape=(maxlen,), dtype="int32"),
        layers.Embedding(10000, 32),
        getattr(layers, CELLS[args.model])(32),
        layers.Dense(1, activation="sigmoid"),
    ])
    jit = {} if args.jit == "auto" else {"jit_compile": args.jit == "on"}
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"], **jit)

    seconds, cpu = [], []  # wall and process CPU seconds of each epoch

    def cpu_now():
        times = os.times()
        return times.user + times.system

    def begin(epoch, logs):
        seconds.append(time.perf_counter())
        cpu.append(cpu_now())

    def end(epoch, logs):
        seconds[-1] = time.perf_counter() - seconds[-1]
        cpu[-1] = cpu_now() - cpu[-1]

    timer = keras.callbacks.LambdaCallback(on_epoch_begin=begin, on_epoch_end=end)
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, validation_split=0.2,
                        callbacks=[timer], verbose=2)

    steady = statistics.median(seconds[1:] or seconds)
    xla = bool(model.jit_compile)
    print(f"plain Keras {args.model} maxlen {maxlen} jit {args.jit} (XLA {'on' if xla else 'off'}): epochs "
          + " ".join(f"{s:.1f}" for s in seconds) + f" s; median of epochs 2..n {steady:.2f} s; "
          f"best val_acc {max(history.history['val_acc']):.4f}")
    print("  CPU seconds per wall second of each epoch (2 = both cores busy throughout): "
          + " ".join(f"{c / s:.2f}" for c, s in zip(cpu, seconds)))
    pipeline = []
    for path in sorted(Path(args.runs, args.model, f"maxlen{maxlen}").glob("seed*/metrics.json")):
        metrics = json.loads(path.read_text())
        same = metrics["fingerprint"]["xla"] == xla
        if same:
            pipeline.append(metrics["seconds_per_epoch"])
        print(f"pipeline {path.parent}: {metrics['seconds_per_epoch']:.2f} s/epoch, "
              f"XLA {'on' if metrics['fingerprint']['xla'] else 'off'}, threads {metrics['fingerprint']['threads']}"
              + ("" if same else " (other XLA choice: not compared)"))
    if pipeline:
        mean = statistics.mean(pipeline)
        print(f"pipeline / plain Keras, both XLA {'on' if xla else 'off'}: {mean / steady:.3f} "
              f"({'no slower' if mean <= steady * 1.02 else 'SLOWER'})")


if __name__ == "__main__":
    main()
