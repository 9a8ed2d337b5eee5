"""A tuning budget's trials: random-search draws of settings, one training run each.

Each trial of the search is one training run, trained under `converge`, with settings drawn from the
config's `search` space: the learning rate log-uniform in [low, high], the batch size, the embedding
size and the units from lists, the last two only for models that have them (models.hyperparameters).
The draw depends only on (model, maxlen, trial, seed), so a trial is the same on every machine and
on every rerun. Every (trial, seed) pair is an independent draw: a model's N = trials x seeds runs are
a sample of what one random trial gives.

What k trials buy: rnnbench/results/budget.py.
"""

import hashlib

import numpy as np

from rnnbench import RnnbenchError, models

# The space where config's search gives only trials: half a decade either side of rmsprop's default
# rate, and half and twice the article's batch, embedding and units; for a linear model, two decades
# either side of C = 1.
DEFAULT_SPACE = {"learning_rate": [0.0003, 0.003], "batch_size": [64, 128, 256], "embedding": [16, 32, 64],
                 "units": [16, 32, 64], "C": [0.01, 100.0]}


def check(space, patience, epochs):
    """The search with DEFAULT_SPACE under what it leaves out; RnnbenchError, in one line, for one
    that the schema lets through but that cannot run."""
    space = dict(DEFAULT_SPACE, **space)
    low, high = space["learning_rate"]
    if not 0 < low <= high:
        raise RnnbenchError(f"config search.learning_rate: [{low}, {high}] is not a range of positive rates; "
                            "give [low, high] with 0 < low <= high, e.g. [0.0003, 0.003]")
    if patience >= epochs:
        raise RnnbenchError(f"config patience: {patience} is not below epochs {epochs}, the cap of the search's "
                            "trials (trained under converge); lower patience or raise epochs (e.g. epochs=30)")
    return space


def _rng(model, maxlen, trial, seed):
    key = hashlib.sha256(f"{model}/{maxlen}/{trial}/{seed}".encode()).digest()
    return np.random.default_rng(int.from_bytes(key[:8], "little"))


def draw(space, model, maxlen, trial, seed):
    """The settings of one trial: {learning_rate, batch_size[, embedding][, units]}, or {C}."""
    rng = _rng(model, maxlen, trial, seed)
    if not models.keras(model):  # a linear model: its regularisation strength, log-uniform
        low, high = space["C"]
        return {"C": float(np.exp(rng.uniform(np.log(low), np.log(high))))}
    low, high = space["learning_rate"]
    drawn = {"learning_rate": float(np.exp(rng.uniform(np.log(low), np.log(high)))),
             "batch_size": int(rng.choice(space["batch_size"]))}
    for key in ("embedding", "units"):
        choice = int(rng.choice(space[key]))  # drawn for every model, so the draws stay aligned
        if key in models.hyperparameters(model):
            drawn[key] = choice
    return drawn


def trial_config(training, space, model, maxlen, trial, seed):
    """A trial's training settings: the grid's, trained under converge, with its draw over them."""
    return dict(training, schedule="converge", trial=trial, **draw(space, model, maxlen, trial, seed))
