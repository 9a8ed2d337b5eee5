"""The search's draws, the expected-best estimator against known answers, and the budget verdict."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from rnnbench import RnnbenchError
from rnnbench.results import budget
from rnnbench.training import search
from rnnbench import models
from rnnbench.models import MODELS

SPACE = search.DEFAULT_SPACE


@pytest.mark.parametrize("n, k", [(10, 1), (10, 3), (10, 10), (7, 4)])
def test_expected_best_of_k_uniform_draws_is_k_over_k_plus_one(n, k):
    """The expected order statistics of n uniform draws, i/(n+1): the best of k of them is exactly
    k/(k+1), the expected maximum of k uniform draws."""
    values = np.arange(1, n + 1) / (n + 1)
    mean, _, _ = budget.expected_best(np.random.default_rng(0).permutation(values), k)
    assert mean == pytest.approx(k / (k + 1))


def test_expected_best_equals_the_average_over_every_subset():
    val = np.array([0.81, 0.86, 0.84, 0.90, 0.79, 0.86])
    test = np.array([0.80, 0.85, 0.83, 0.88, 0.78, 0.84])
    for k in range(1, len(val) + 1):
        bests, selected = [], []
        for subset in itertools.combinations(range(len(val)), k):
            best = max(val[i] for i in subset)
            bests.append(best)
            selected.append(np.mean([test[i] for i in subset if val[i] == best]))  # ties: any of them
        mean, std, chosen = budget.expected_best(val, k, test)
        assert mean == pytest.approx(np.mean(bests)) and std == pytest.approx(np.std(bests), abs=1e-9)
        assert chosen == pytest.approx(np.mean(selected))
    assert budget.expected_best(val, 1)[0] == pytest.approx(val.mean())
    # Two trials tie on the best validation accuracy: at k = N the selected test accuracy is their mean.
    assert budget.expected_best(val, len(val), test)[2] == pytest.approx(0.88)
    tied = np.array([0.90, 0.90, 0.80])
    assert budget.expected_best(tied, 3, [0.70, 0.90, 0.60])[2] == pytest.approx(0.80)
    assert budget.expected_best(tied, 1, [0.70, 0.90, 0.60])[2] == pytest.approx(np.mean([0.70, 0.90, 0.60]))
    assert budget.expected_best(val, len(val)) == pytest.approx((val.max(), 0.0, math.nan), nan_ok=True)


def test_no_estimate_past_the_trials_measured():
    with pytest.raises(ValueError):
        budget.expected_best([0.8, 0.9], 3)


def test_draws_are_fixed_by_model_maxlen_trial_seed_and_follow_the_space():
    first = search.draw(SPACE, "lstm", 500, 1, 1)
    assert first == search.draw(SPACE, "lstm", 500, 1, 1)
    draws = [search.draw(SPACE, "lstm", 500, t, s) for t in range(1, 21) for s in (1, 2)]
    assert len({d["learning_rate"] for d in draws}) == len(draws), "every trial and seed draws anew"
    rates = np.log10([d["learning_rate"] for d in draws])
    assert rates.min() >= np.log10(0.0003) and rates.max() <= np.log10(0.003)
    assert rates.min() < -3.2 and rates.max() > -2.8, "spread over the log range"
    assert {d["batch_size"] for d in draws} == set(SPACE["batch_size"])
    assert {d["units"] for d in draws} == set(SPACE["units"])


@pytest.mark.parametrize("model, keys", [("bow", set()), ("bigram_bag", {"embedding"}), ("cnn", {"embedding"}),
                                         ("gru", {"embedding", "units"}), ("transformer", {"embedding"})])
def test_a_model_draws_only_the_settings_it_has(model, keys):
    assert set(search.draw(SPACE, model, 500, 3, 2)) == {"learning_rate", "batch_size"} | keys


def test_a_trial_trains_under_converge_with_its_draw_over_the_grid_settings():
    training = {"epochs": 30, "batch_size": 128, "embedding": 32, "units": 32, "optimizer": "rmsprop"}
    cfg = search.trial_config(training, SPACE, "simple_rnn", 500, 2, 1)
    assert cfg["schedule"] == "converge" and cfg["trial"] == 2 and cfg["epochs"] == 30
    assert {k: cfg[k] for k in models.trial_keys("simple_rnn")} == search.draw(SPACE, "simple_rnn", 500, 2, 1)


@pytest.mark.parametrize("space, patience, epochs, words", [
    ({"trials": 2, "learning_rate": [0.01, 0.001]}, 3, 30, "config search.learning_rate"),
    ({"trials": 2}, 30, 30, "config patience: 30 is not below epochs 30"),
])
def test_a_search_that_cannot_run_is_one_line(space, patience, epochs, words):
    with pytest.raises(RnnbenchError, match=words) as err:
        search.check(space, patience, epochs)
    assert "\n" not in str(err.value)


def test_the_space_defaults_where_the_config_gives_only_trials():
    assert search.check({"trials": 4, "units": [8]}, 3, 30) == dict(SPACE, trials=4, units=[8])


def trials_frame(spec):
    """Made-up trials: {model: (minutes per trial, [validation accuracies])}; test = val - 0.01."""
    rows = [{"model": model, "maxlen": 500, "seed": 1, "trial": t, "best_val_accuracy": v, "test_accuracy": v - 0.01,
             "fit_seconds": 60 * minutes} for model, (minutes, vals) in spec.items() for t, v in enumerate(vals, 1)]
    return pd.DataFrame(rows)


def test_the_best_choice_at_each_budget_and_the_sentence_follow_the_curves():
    # bag-of-words: 0.5 min a trial, 86-88%; LSTM: 4 min a trial, 83-91%.
    curve = budget.curves(trials_frame({"bow": (0.5, [0.86, 0.87, 0.88, 0.87]),
                                        "lstm": (4.0, [0.83, 0.87, 0.91, 0.90])}))
    assert list(curve[curve["model"] == "lstm"]["minutes"]) == [4, 8, 12, 16]
    table = budget.best_at(curve, [1, 5, 20])
    assert list(table["model"]) == ["bow", "bow", "lstm"]
    assert list(table["k"]) == [2, 4, 4]
    text = budget.sentence(curve, table)
    assert text.startswith("With a tuning budget of 1 min of training, bag-of-words@500 is the best choice")
    # the best of 2 of bag-of-words' 4 (at 1 min): (0.87 + 2 * 0.87 + 3 * 0.88) / 6 = 0.875
    assert "(expected best validation 87.5% of 2 trials)" in text
    assert "from 20 min, LSTM@500 (91.0%, +3.5 points)" in text and "No budget" not in text


def test_the_sentence_says_when_no_budget_makes_a_recurrent_model_worth_it():
    curve = budget.curves(trials_frame({"bow": (0.5, [0.86, 0.88]), "gru": (4.0, [0.84, 0.85])}))
    text = budget.sentence(curve, budget.best_at(curve, [1, 20]))
    assert ("No budget measured here makes a recurrent model worth it: the best, GRU@500, reaches 85.0% after 8.0 min "
            "of 2 trials, against bag-of-words@500's 88.0% after 1.0 min of 2.") in text


def test_a_budget_below_every_trial_names_no_model():
    curve = budget.curves(trials_frame({"lstm": (4.0, [0.85, 0.89])}))
    table = budget.best_at(curve, [1, 5])
    assert table["model"].isna().iloc[0] and table["model"].iloc[1] == "lstm"
    assert budget.sentence(curve, table).startswith("With a tuning budget of 5 min")


def test_every_model_of_the_registry_can_be_drawn():
    for model in MODELS:
        drawn = search.draw(SPACE, model, 500, 1, 1)
        assert list(drawn) == models.trial_keys(model)
        if "C" in drawn:  # a linear model: its regularisation strength, in the space's range
            assert SPACE["C"][0] <= drawn["C"] <= SPACE["C"][1]
        else:
            assert drawn["batch_size"] in SPACE["batch_size"]
