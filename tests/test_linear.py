"""The linear n-gram classifiers: their features, NBSVM, and a run as the train rule makes it."""

import json

import numpy as np
import pytest

from rnnbench import models
from rnnbench.data import padding
from rnnbench.results import summary
from rnnbench.training import linear, train


def test_ngrams_are_the_unigrams_and_bigrams_of_the_kept_tokens():
    # Padding (0) and the start mark (1) are no tokens; 2 (out of vocabulary) is one.
    x = np.array([[0, 0, 1, 5, 6, 5], [1, 2, 6, 6, 7, 7]])
    matrix, vocabulary = linear.counts(x, num_words=10)
    codes = {int(c): i for i, c in enumerate(vocabulary)}
    first = matrix[0].toarray().ravel()
    assert first[codes[5]] == 2 and first[codes[6]] == 1
    assert first[codes[10 + 5 * 10 + 6]] == 1 and first[codes[10 + 6 * 10 + 5]] == 1  # bigrams (5, 6), (6, 5)
    assert 10 + 1 * 10 + 5 not in codes and 1 not in codes and 0 not in codes  # never the start or padding
    assert matrix[1].sum() == 5 + 4 and matrix[0].sum() == 3 + 2
    # Columns are the training reviews' n-grams: one seen only elsewhere is dropped.
    other, _ = linear.counts(np.array([[9, 9, 5]]), 10, vocabulary)
    assert other.shape[1] == len(vocabulary) and other.sum() == 1  # only the unigram 5 is known


def reviews(n, maxlen=20, classes=2, seed=0):
    """Padded ids whose label shows in a word and a bigram of its own, after shared noise words."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = np.zeros((n, maxlen), dtype="int32")
    for i, label in enumerate(y):
        words = [1, *rng.integers(10, 40, maxlen - 4), 40 + label, 44 + label, 48 + label]
        x[i, :len(words)] = words
    return x, y.astype("uint8")


@pytest.mark.parametrize("model", ["tfidf_lr", "nbsvm"])
def test_a_run_chooses_C_on_validation_and_records_what_every_run_records(tmp_path, model):
    (x, y), (xt, yt) = reviews(600), reviews(300, seed=1)
    path = tmp_path / "maxlen20.npz"
    np.savez(path, x_train=x, y_train=y, x_test=xt, y_test=yt)
    cfg = {"num_words": 50, "validation_split": 0.2, "jit_compile": "auto", "epochs": 10}
    history, metrics = linear.run(str(path), model, 20, 1, cfg, threads=1)
    assert set(summary.RUN_COLUMNS) <= set(metrics) and metrics["epochs"] == 1
    assert metrics["test_accuracy"] > 0.9 and metrics["train_samples"] == 480 and metrics["test_samples"] == 300
    tried = metrics["regularisation"]
    assert [t["C"] for t in tried] == linear.C_GRID[model]
    best = max(t["val_accuracy"] for t in tried)
    assert metrics["chosen_C"] == next(t["C"] for t in tried if t["val_accuracy"] == best)  # the first best
    assert metrics["best_val_accuracy"] == best and metrics["train_flops_per_epoch"] is None
    assert metrics["fingerprint"]["scikit_learn"] and "tensorflow" not in metrics["fingerprint"]
    assert history[0]["epoch"] == 1 and history[0]["val_accuracy"] == best
    assert (metrics["test_loss"] is None) == (model == "nbsvm")  # an SVM gives no probabilities


def test_a_trial_fits_its_drawn_C_alone(tmp_path):
    (x, y), (xt, yt) = reviews(400), reviews(100, seed=1)
    path = tmp_path / "maxlen20.npz"
    np.savez(path, x_train=x, y_train=y, x_test=xt, y_test=yt)
    cfg = {"num_words": 50, "validation_split": 0.2, "jit_compile": "auto", "epochs": 10, "C": 0.5,
           "schedule": "converge", "patience": 2, "trial": 1}
    _, metrics = linear.run(str(path), "tfidf_lr", 20, 1, cfg, threads=1)
    assert [t["C"] for t in metrics["regularisation"]] == [0.5] and metrics["stopped"] == "patience"


@pytest.mark.parametrize("model", ["tfidf_lr", "nbsvm"])
def test_more_than_two_classes_give_macro_f1(tmp_path, model):
    (x, y), (xt, yt) = reviews(600, classes=3), reviews(300, classes=3, seed=1)
    path = tmp_path / "maxlen20.npz"
    np.savez(path, x_train=x, y_train=y, x_test=xt, y_test=yt)
    cfg = {"num_words": 50, "validation_split": 0.2, "jit_compile": "auto", "epochs": 10}
    _, metrics = linear.run(str(path), model, 20, 1, cfg, threads=1)
    assert metrics["classes"] == 3 and 0.8 < metrics["macro_f1"] <= 1 and metrics["test_accuracy"] > 0.8


def test_the_train_rule_writes_a_linear_run_without_resume_state(tmp_path):
    (x, y), (xt, yt) = reviews(300), reviews(100, seed=1)
    padded = tmp_path / "maxlen20.npz"
    np.savez(padded, x_train=x, y_train=y, x_test=xt, y_test=yt)
    run = tmp_path / "runs" / "nbsvm" / "maxlen20" / "seed1"
    cfg = {"num_words": 50, "validation_split": 0.2, "jit_compile": "auto", "epochs": 10}
    train.run_to_files(str(padded), run / "history.csv", run / "metrics.json", "nbsvm", 20, 1, cfg, 1)
    assert json.loads((run / "metrics.json").read_text())["model"] == "nbsvm"
    assert (run / "history.csv").read_text().startswith("epoch,accuracy,val_accuracy,seconds")
    assert not (run / ".resume").exists()
    assert padding.load_padded(padded)[0][0].shape == (300, 20)


def test_the_registry_knows_them_as_linear():
    for model in ("tfidf_lr", "nbsvm"):
        assert not models.keras(model) and models.hyperparameters(model) == set()
        assert models.trial_keys(model) == ["C"] and models.parameter_count(model, 10000, 500, 32, 32) == 0


def test_a_gain_of_seeds_that_agree_to_the_digit_is_no_reason_for_longer_reviews(tmp_path):
    """Linear runs of three seeds agree to the digit, so the interval of 500 -> 1000 collapses onto a
    gain of 0.04 points: the verdict must not call the longer reviews worth it for that."""
    from helpers import write_results
    from rnnbench.results import verdict

    runs = summary.collect(write_results(tmp_path, models=("tfidf_lr", "lstm"), maxlens=(500, 1000))[0])
    tfidf = runs["model"] == "tfidf_lr"
    runs.loc[tfidf & (runs["maxlen"] == 500), "test_accuracy"] = 0.9048
    runs.loc[tfidf & (runs["maxlen"] == 1000), "test_accuracy"] = 0.9052
    said = " ".join(verdict.verdict(runs, summary.by_config(runs)))
    assert "TF-IDF + LR is as accurate (under 0.05 points apart)" in said
    assert "beyond seed noise only for TF-IDF" not in said
