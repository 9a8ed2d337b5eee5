"""Timing regression suite (pytest-benchmark). In CI it runs once as plain tests (--benchmark-disable);
`make bench-compare` times it and compares each benchmark, relative to a float32 matmul timed in the
same session, with the committed baseline of this machine kind."""

import numpy as np
import pytest

from rnnbench import models

try:  # the package's stages as folders
    from rnnbench.data import aclimdb, padding
    from rnnbench.training import networks
except ImportError:  # side A of bench-ab at a revision before them (one flat package)
    from rnnbench import data as aclimdb, data as padding, models as networks

SHAPES = {"article": (128, 500), "small": (32, 50)}
# The Keras networks (the linear models have no training step); by family, which side A of bench-ab
# has at any revision.
NETWORKS = [name for name, spec in models.MODELS.items() if spec.family != "linear"]
ROUNDS = {"article": 15, "small": 60}  # more rounds where one takes milliseconds: the minimum settles


def test_reference_matmul(benchmark, reference):
    benchmark.pedantic(reference, rounds=60, warmup_rounds=3)


def _model(name, maxlen):
    import keras

    keras.utils.set_random_seed(1)
    net = networks.build(name, num_words=10000, maxlen=maxlen, embedding=32, units=32)
    net.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"],
                jit_compile=models.jit_compile(name, "auto"))  # as the pipeline trains it
    return net


def _batch(batch, maxlen):
    rng = np.random.default_rng(0)
    return rng.integers(1, 10000, (batch, maxlen), dtype=np.int32), (np.arange(batch) % 2).astype(np.float32)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", NETWORKS)
def test_train_step(benchmark, name, shape):
    batch, maxlen = SHAPES[shape]
    net, (x, y) = _model(name, maxlen), _batch(batch, maxlen)
    benchmark.pedantic(net.train_on_batch, args=(x, y), rounds=ROUNDS[shape], warmup_rounds=3)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", NETWORKS)
def test_inference_step(benchmark, name, shape):
    batch, maxlen = SHAPES[shape]
    net, (x, _) = _model(name, maxlen), _batch(batch, maxlen)
    benchmark.pedantic(net.predict_on_batch, args=(x,), rounds=ROUNDS[shape], warmup_rounds=3)


def test_data_preparation(benchmark, tmp_path):
    from helpers import write_aclimdb

    tree = write_aclimdb(tmp_path, per_class=250)

    def prepare():
        loaded, _ = aclimdb.load_aclimdb(tree, num_words=10000)
        return padding.pad(loaded["train"][0], 500)

    benchmark.pedantic(prepare, rounds=8, warmup_rounds=1)


def test_report_rendering(benchmark, tmp_path):
    from helpers import build_report

    counter = iter(range(1000))
    benchmark.pedantic(lambda: build_report(tmp_path / f"r{next(counter)}"), rounds=6, warmup_rounds=1)
