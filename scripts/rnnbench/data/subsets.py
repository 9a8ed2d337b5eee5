"""The training reviews of a learning curve: nested subsets of the pool.

The subsets. Validation and test reviews stay those of every run of the grid (the last
validation_split of the training arrays, as Keras's validation_split takes them, and the whole test
split), so every point of a curve is measured on the same held-out reviews. The training pool is
what is left (20,000 of the article's 25,000); a run on n reviews takes the first n of a permutation
of the pool drawn from its seed: the same for every model, and each size contains the smaller ones.
The whole pool is the grid's own run (same arrays, same seed), so the curve ends on the grid.

Above the training split (config test_reviews): a stratified draw of test_reviews test reviews, the
same for every size, model and seed, is the test set of every point, and the rest of the test split
joins the end of the pool (permuted from the seed), so a size up to the clean pool trains on training
reviews only and a larger one holds them all plus the first of the moved reviews. The published
split keeps each movie's reviews on one side (Maas et al. 2011); the archive names no movies, so the
moved reviews may share movies with the test reviews: those points may read optimistic, and are
marked. Every size is then a run of its own (the grid's runs test on the whole test split).
"""

import math

import numpy as np

from rnnbench import RnnbenchError


def pool_size(train_reviews, validation_split):
    """Training reviews left for the subsets once Keras's validation_split has taken its share."""
    return int(math.floor(train_reviews * (1.0 - validation_split)))


def moved_reviews(test_reviews, test_split, batch_size, train_sizes):
    """Test reviews moved into the pool by config test_reviews (0 without it). One-line errors for
    a count that leaves too few to test on or moves none."""
    if not test_reviews:
        return 0
    if not train_sizes:
        raise RnnbenchError("config test_reviews: moves test reviews into the pool of the learning curves, which "
                            "need train_sizes; add train_sizes or set test_reviews to null")
    if not batch_size <= test_reviews < test_split:
        raise RnnbenchError(f"config test_reviews: {test_reviews:,} must be at least a batch ({batch_size}) and fewer "
                            f"than the {test_split:,} test reviews, so that some move into the pool (e.g. 10000)")
    return test_split - test_reviews


def hold_out(x_test, y_test, test_reviews):
    """(the test reviews held out), (the rest, moved into the pool): a draw stratified by label from
    a fixed seed, so the same for every size, model and seed."""
    rng = np.random.default_rng(20151)
    order = rng.permutation(len(y_test))
    labels, counts = np.unique(y_test, return_counts=True)
    share = counts / counts.sum() * test_reviews
    take = np.floor(share).astype(int)
    take[np.argsort(take - share)[: test_reviews - take.sum()]] += 1  # largest remainders first
    keep = np.concatenate([order[y_test[order] == label][:k] for label, k in zip(labels, take)])
    keep.sort()
    moved = np.setdiff1d(np.arange(len(y_test)), keep)
    return (x_test[keep], y_test[keep]), (x_test[moved], y_test[moved])


def resolve(train_sizes, pool, batch_size):
    """Counts of training reviews, smallest first, from `train_sizes` (counts, or fractions of the
    pool: a number up to 1). One-line errors for a size that cannot be drawn."""
    counts = []
    for size in train_sizes or []:
        if size <= 0:
            raise RnnbenchError(f"config train_sizes: {size} is not a size; give counts of training reviews "
                                f"(e.g. 1000) or fractions of the {pool:,} in the pool (e.g. 0.25)")
        if size <= 1 and isinstance(size, float):
            n = int(math.floor(size * pool))
        elif float(size).is_integer():
            n = int(size)
        else:
            raise RnnbenchError(f"config train_sizes: {size} is neither a count (a whole number) nor a fraction "
                                f"(at most 1) of the {pool:,} training reviews in the pool")
        if n > pool:
            raise RnnbenchError(f"config train_sizes: {n:,} is more than the {pool:,} training reviews left after "
                                "validation_split; give at most that many (or 1.0 for all)")
        if n < batch_size:
            raise RnnbenchError(f"config train_sizes: {size} gives {n} training reviews, fewer than one batch of "
                                f"{batch_size}; give at least {batch_size} or lower batch_size")
        counts.append(n)
    return sorted(set(counts))


def draw(pool, size, seed):
    """Indices into the pool of a run on `size` reviews: the first `size` of a permutation drawn from
    the seed (nested: a larger size holds the smaller). The whole pool, in its own order."""
    if size >= pool:
        return np.arange(pool)
    return np.random.default_rng([seed, 20150]).permutation(pool)[:size]


def subset(x_train, y_train, size, seed, validation_split, moved=None):
    """(training arrays of `size` reviews), (validation arrays), the validation being those of the
    grid's runs. Above the pool, all of it and the first of the `moved` test reviews (hold_out)."""
    pool = pool_size(len(x_train), validation_split)
    validation = (x_train[pool:], y_train[pool:])
    if size <= pool:
        pick = draw(pool, size, seed)
        return (x_train[pick], y_train[pick]), validation
    x_moved, y_moved = moved
    extra = draw(len(y_moved), size - pool, seed)
    return ((np.concatenate([x_train[:pool], x_moved[extra]]), np.concatenate([y_train[:pool], y_moved[extra]])),
            validation)


def validation_arrays(x_train, y_train, validation_split):
    """(training arrays), (validation arrays), split as Keras's validation_split splits: the last
    fraction of the training arrays, before shuffling."""
    split = int(math.floor(len(x_train) * (1.0 - validation_split)))
    if split in (0, len(x_train)):
        raise RnnbenchError(f"validation_split {validation_split} of {len(x_train)} training reviews leaves "
                            "none to train or to validate on; use a fraction such as 0.2")
    return (x_train[:split], y_train[:split]), (x_train[split:], y_train[split:])



def split(x_train, y_train, x_test, y_test, seed, cfg):
    """A run's (training arrays), (validation arrays), (test arrays) and the reviews moved from the
    test split (None without): the grid's validation split, or a point of a learning curve (a
    subset of the pool; with test_reviews, part of the test split joins the pool)."""
    moved = None
    if cfg.get("train_size"):
        if cfg.get("test_reviews"):
            (x_test, y_test), moved = hold_out(x_test, y_test, cfg["test_reviews"])
        arrays, held_out = subset(x_train, y_train, cfg["train_size"], seed, cfg["validation_split"], moved)
    else:
        arrays, held_out = validation_arrays(x_train, y_train, cfg["validation_split"])
    return arrays, held_out, (x_test, y_test), moved
