"""Training-set sizes: nested subsets, learning curves and the answer (rnnbench/results/curves.py)."""

import numpy as np
import pandas as pd
import pytest

from rnnbench import RnnbenchError
from rnnbench.data import subsets
from rnnbench.results import curves


def test_sizes_are_counts_or_fractions_of_the_pool():
    assert subsets.pool_size(25000, 0.2) == 20000
    assert subsets.resolve([5000, 1000, 0.5, 1.0], 20000, 128) == [1000, 5000, 10000, 20000]
    assert subsets.resolve([1000.0], 20000, 128) == [1000]  # --config hands numbers on as floats


@pytest.mark.parametrize("size, words", [
    (0, "0 is not a size"),
    (-5, "-5 is not a size"),
    (1.5, "1.5 is neither a count"),
    (25000, "25,000 is more than the 20,000 training reviews"),
    (100, "fewer than one batch of 128"),
    (0.001, "gives 20 training reviews, fewer than one batch"),
])
def test_a_size_that_cannot_be_drawn_is_one_line(size, words):
    with pytest.raises(RnnbenchError, match=words.replace("(", r"\(").replace(".", r"\.")) as err:
        subsets.resolve([size], 20000, 128)
    assert "\n" not in str(err.value)


def test_subsets_are_nested_and_share_the_validation_reviews():
    rng = np.random.default_rng(0)
    x = np.arange(1000)[:, None] * np.ones((1, 3), int)
    y = rng.integers(0, 2, 1000)
    for seed in (1, 2):
        picked, validation = [], []
        for size in (50, 200, 500, 800):
            (xs, ys), (xv, yv) = subsets.subset(x, y, size, seed, 0.2)
            assert len(xs) == size and np.array_equal(ys, y[xs[:, 0]])
            picked.append(set(xs[:, 0]))
            validation.append(xv[:, 0])
            assert 0.35 < ys.mean() < 0.65  # the subset's positive share (stated in the metrics)
        assert all(small < large for small, large in zip(picked, picked[1:]))
        assert all(np.array_equal(v, np.arange(800, 1000)) for v in validation)  # Keras's split, every size
        assert not picked[-1] & set(range(800, 1000))
    assert subsets.draw(800, 50, 1).tolist() != subsets.draw(800, 50, 2).tolist()
    assert subsets.draw(800, 800, 1).tolist() == list(range(800))  # the whole pool: the grid's own arrays


def test_sizes_above_the_training_split_take_all_of_it_and_then_moved_test_reviews():
    rng = np.random.default_rng(0)
    x_train, y_train = np.arange(1000)[:, None], rng.integers(0, 2, 1000)
    x_test, y_test = np.arange(1000, 1600)[:, None], np.repeat([0, 1], [360, 240])
    (x_held, y_held), moved = subsets.hold_out(x_test, y_test, 250)
    assert len(y_held) == 250 and y_held.sum() == 100  # stratified: 40% positive, as the split
    assert not set(x_held[:, 0]) & set(moved[0][:, 0]) and len(y_held) + len(moved[1]) == 600
    assert np.array_equal(subsets.hold_out(x_test, y_test, 250)[0][0], x_held)  # the same draw every time
    for seed in (1, 2):
        picked = []
        for size in (300, 800, 900, 1150):
            (xs, ys), (xv, _) = subsets.subset(x_train, y_train, size, seed, 0.2, moved)
            assert len(xs) == size and np.array_equal(xv[:, 0], np.arange(800, 1000))
            picked.append(set(xs[:, 0]))
        assert all(small < large for small, large in zip(picked, picked[1:]))
        assert max(picked[1]) < 800  # the clean pool: training reviews only
        assert picked[2] >= set(range(800)) and len(picked[2] - set(range(800))) == 100
        assert not picked[-1] & set(x_held[:, 0])  # nothing tested on is trained on
    assert subsets.moved_reviews(None, 600, 8, [100]) == 0
    assert subsets.moved_reviews(250, 600, 8, [100]) == 350


@pytest.mark.parametrize("test_reviews, train_sizes, words", [
    (600, [100], "600 must be at least a batch (8) and fewer than the 600 test reviews"),
    (4, [100], "4 must be at least a batch"),
    (250, None, "need train_sizes"),
])
def test_test_reviews_that_cannot_be_kept_are_one_line(test_reviews, train_sizes, words):
    with pytest.raises(RnnbenchError, match=words.replace("(", r"\(").replace(")", r"\)")) as err:
        subsets.moved_reviews(test_reviews, 600, 8, train_sizes)
    assert "\n" not in str(err.value)


def synthetic(a, b, c, ns, seeds=3, noise=0.003, model="bow", maxlen=500, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame([{"model": model, "maxlen": maxlen, "seed": s, "train_samples": n,
                          "test_accuracy": 1 - curves.power_law(n, a, b, c) + rng.normal(0, noise)}
                         for n in ns for s in range(1, seeds + 1)])


def test_the_fit_recovers_a_known_curve_from_noisy_points():
    ns = [500, 1000, 2000, 5000, 10000, 20000]
    fits = curves.curves(synthetic(3.0, 0.5, 0.08, ns), boot=100)
    f = fits[("bow", 500)]
    a, b, c = f["params"]
    assert b == pytest.approx(0.5, abs=0.15) and c == pytest.approx(0.08, abs=0.02)
    assert not f["flags"]
    grid, low, high = f["band"]
    truth = curves.power_law(grid, 3.0, 0.5, 0.08)
    inside = (grid <= 20000)
    assert np.mean((low[inside] <= truth[inside] + 0.004) & (truth[inside] - 0.004 <= high[inside])) > 0.9


def test_an_ill_behaved_curve_is_flagged():
    ns = [500, 1000, 2000, 5000]
    rising = pd.concat([synthetic(3.0, 0.5, 0.08, [n], seed=i).assign(test_accuracy=lambda d, i=i: 0.9 - 0.02 * i)
                        for i, n in enumerate(ns)])
    f = curves.curves(rising, boot=0)[("bow", 500)]
    assert f["flags"]
    assert curves.ill_behaved(None, ns, [0.1] * 4) == ["the fit did not converge"]
    assert any("floor at zero" in r for r in curves.ill_behaved((2.0, 0.5, 0.0), ns, [0.2, 0.15, 0.1, 0.08]))
    capped = synthetic(3.0, 0.5, 0.08, [500, 1000, 2000]).assign(stopped="cap", best_epoch=40, epochs=40)
    assert "9 of 9 runs still improving at the cap" in curves.curves(capped, boot=0)[("bow", 500)]["flags"][-1]
    assert curves.curves(synthetic(3.0, 0.5, 0.08, [500, 1000]), boot=0)[("bow", 500)]["params"] is None


def test_the_sentence_answers_the_article():
    ns = [1000, 2000, 5000, 10000, 20000]
    # A bag that reaches at 5,000 reviews what the cell reaches at 20,000.
    bag = synthetic(2.0, 0.5, 0.08, ns)
    cell = synthetic(4.0, 0.5, 0.08, ns, model="lstm")
    runs = pd.concat([bag, cell])
    text = curves.sentence(runs, curves.curves(runs, boot=50))
    assert text.startswith("At 20,000 training reviews LSTM@500 is") and "behind bag-of-words@500" in text
    assert "fewer reviews" in text and "matches LSTM@500 trained on all 20,000" in text
    assert "does not overtake below 100 million reviews" in text  # the same exponent and floor: never
    # A cell behind at every size measured whose curve flattens more slowly: where it would overtake.
    runs = pd.concat([synthetic(2.5, 0.5, 0.10, ns), synthetic(1.0, 0.22, 0.012, ns, model="lstm")])
    text = curves.sentence(runs, curves.curves(runs, boot=50))
    assert "behind bag-of-words@500" in text and "it would overtake at about" in text and "95% interval" in text
    # A cell ahead at every size whose curve is steeper: no crossing, its lead grows.
    steep = synthetic(20.0, 0.8, 0.05, ns, model="lstm")
    runs = pd.concat([synthetic(1.0, 0.3, 0.09, ns), steep])
    text = curves.sentence(runs, curves.curves(runs, boot=0))
    assert "ahead of bag-of-words@500" in text and "do not cross" in text and "lead grows" in text
    # Level at the largest size within the seeds' noise: who pulls ahead, extrapolated.
    level = pd.concat([synthetic(1.0, 0.3, 0.09, ns, noise=0.01, seed=1), synthetic(8.6, 0.5, 0.08, ns, model="lstm",
                                                                                 noise=0.01, seed=2)])
    text = curves.sentence(level, curves.curves(level, boot=0))
    assert "LSTM@500 and bag-of-words@500 are level" in text and "LSTM@500's curve pulls ahead" in text
    moved = runs.assign(train_from_test=lambda d: np.where(d["train_samples"] == 20000, 5000, 0))
    assert "At 20,000 training reviews (5,000 of them moved from the test split: may read optimistic) LSTM@500" in (
        curves.sentence(moved, curves.curves(moved, boot=0)))
    assert curves.sentence(bag, curves.curves(bag, boot=0)) is None  # no recurrent model to set it against


def test_google_ratio_advises_from_samples_per_median_words():
    ratio, advice = curves.google_ratio(25000, 174)
    assert ratio == pytest.approx(143.7, abs=0.1) and "n-gram" in advice
    assert "sequence" in curves.google_ratio(2_000_000, 100)[1]


def test_the_report_marks_points_trained_on_moved_test_reviews(tmp_path):
    from rnnbench import files
    from rnnbench.report import figures, questions

    ns = [1000, 2000, 5000, 10000, 20000, 35000]
    runs = pd.concat([synthetic(2.0, 0.5, 0.08, ns), synthetic(4.0, 0.5, 0.08, ns, model="lstm")]).assign(
        train_positive_share=0.5, test_samples=10000, fit_seconds=60.0,
        train_from_test=lambda d: np.maximum(d["train_samples"] - 20000, 0))
    runs.to_csv(tmp_path / "sizes.csv", index=False)
    fits, found = curves.summarise(runs, [170, 180])
    files.write_json(tmp_path / "curves.json", found)
    section = questions.learning_curves(tmp_path / "sizes.csv", tmp_path / "curves.json")
    assert section["columns"][-2:] == ["20,000", "35,000†"] and section["optimistic"]
    assert section["test_samples"] == 10000 and "may read optimistic" in section["sentence"]
    figures.sizes_figure(runs, fits, tmp_path / "sizes.svg")
    assert "may read optimistic" in (tmp_path / "sizes.svg").read_text()
    clean = runs.assign(train_from_test=0)
    clean.to_csv(tmp_path / "sizes.csv", index=False)
    assert not questions.learning_curves(tmp_path / "sizes.csv", tmp_path / "curves.json")["optimistic"]
