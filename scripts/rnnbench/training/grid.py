"""The training jobs a config asks for: every run's folder and the settings it depends on.

The workflow (workflow/rules/common.smk) turns these into wildcards and paths; the plan estimates
the same list. A run's settings are the params of its job, so a changed setting reruns exactly the
runs that depend on it (config/README.md, "a change reruns").
"""

from rnnbench.data import subsets
from rnnbench.training import search

# The settings every run depends on. The schedule's keys only under converge, so that runs of the
# article's schedule keep the settings they had before it existed (and are not trained again).
TRAINING_KEYS = ["num_words", "embedding", "units", "epochs", "batch_size", "optimizer",
                 "validation_split", "jit_compile", "deterministic"]

# A run's folder under the config's results folder, per kind of run.
RUN = "{out}/runs/{model}/maxlen{maxlen}/seed{seed}"
TRIAL = "{out}/search/{model}/maxlen{maxlen}/seed{seed}/trial{trial}"
SIZE_RUN = "{out}/sizes/{model}/maxlen{maxlen}/n{size}/seed{seed}"


def training_config(config):
    """The settings a run of the grid depends on: a change reruns it."""
    keys = TRAINING_KEYS + (["schedule", "patience"] if config["schedule"] == "converge" else [])
    return {key: config[key] for key in keys}


def trial_settings(config, model, maxlen, seed, trial):
    """A trial's settings: the grid's, under converge (with patience), with its draw from the search space."""
    return search.trial_config(dict(training_config(config), patience=config["patience"]), config["search"],
                               model, maxlen, trial, seed)


def size_settings(config, size):
    """A learning curve's run: the grid's settings, on `size` reviews of the pool (and, with
    test_reviews, tested on those test reviews held out)."""
    settings = dict(training_config(config), train_size=int(size))
    if config["test_reviews"]:
        settings["test_reviews"] = config["test_reviews"]
    return settings


def learning_curve_sizes(config, reviews):
    """The training-set sizes of a learning curve (config train_sizes, checked against the pool the
    data leaves, `reviews` per split), smaller than the whole pool: the whole pool is the grid's own
    run. With test_reviews the pool grows by the test reviews it moves, and every size is a run of
    its own. RnnbenchError, in one line, for sizes the data cannot give."""
    moved = subsets.moved_reviews(config["test_reviews"], reviews["test"], config["batch_size"],
                                  config["train_sizes"])
    if not config["train_sizes"]:
        return []
    pool = subsets.pool_size(reviews["train"], config["validation_split"])
    counts = subsets.resolve(config["train_sizes"], pool + moved, config["batch_size"])
    return counts if moved else [n for n in counts if n < pool]


def trial_numbers(config):
    """1..trials of the search, none without one."""
    return range(1, config["search"]["trials"] + 1) if config.get("search") else range(0)


def jobs(config, sizes):
    """Every training job of the config, its folder and settings: the grid's runs, the search's
    trials, the learning curves' runs, in that order. What the plan estimates."""
    out, models, maxlens, seeds = config["results"], config["models"], config["maxlens"], config["seeds"]
    grid = [dict(model=m, maxlen=int(n), seed=int(s), trial=None,
                 folder=RUN.format(out=out, model=m, maxlen=n, seed=s), config=training_config(config))
            for m in models for n in maxlens for s in seeds]
    trials = [dict(model=m, maxlen=int(n), seed=int(s), trial=t,
                   folder=TRIAL.format(out=out, model=m, maxlen=n, seed=s, trial=t),
                   config=trial_settings(config, m, int(n), int(s), t))
              for m in models for n in maxlens for s in seeds for t in trial_numbers(config)]
    curves = [dict(model=m, maxlen=int(n), seed=int(s), trial=None, size=size,
                   folder=SIZE_RUN.format(out=out, model=m, maxlen=n, size=size, seed=s),
                   config=size_settings(config, size))
              for m in models for n in maxlens for size in sizes for s in seeds]
    return grid + trials + curves
