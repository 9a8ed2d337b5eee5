"""The strongest cheap models: linear classifiers on the n-grams of the project's tokens (scikit-learn).

What a practitioner tries first on IMDB, and strong there: Wang & Manning 2012 ("Baselines and
bigrams") give NBSVM with bigrams 91.2% and an SVM on bigrams 89.2% on the full 25,000 training
reviews; the Keras example for the IMDB LSTM says the data is too small for an LSTM to beat TF-IDF
with logistic regression. Two of them, trained on exactly what the Keras models see:

- Features: the unigrams and bigrams of a run's padded ids (rnnbench/data/padding.py: the last
  `maxlen` tokens of each review, ids below num_words, out-of-vocabulary words as id 2; padding and
  the start mark left out), counted in a sparse matrix whose columns are the n-grams seen in the
  run's training reviews (exact, no hashing); an n-gram seen only elsewhere is dropped.
- `tfidf_lr`: TF-IDF of those counts (sublinear tf, smooth idf, rows L2-normalised) and logistic
  regression (liblinear for two classes, multinomial lbfgs for more).
- `nbsvm`: Wang & Manning's NBSVM: binarised counts scaled by the naive-Bayes log-count ratio
  r = log((p/|p|) / (q/|q|)), p and q the smoothed (alpha 1) feature counts of the class and of the
  rest, a linear SVM (L2-regularised squared hinge, liblinear) on them, its weights interpolated
  towards their mean magnitude with beta 0.25; one classifier per class against the rest beyond two.

The regularisation strength C is the one of a small grid (C_GRID) with the best validation accuracy,
each fitted on the run's training reviews and scored on its validation reviews (the same last
validation_split of the training arrays as every Keras run; a search trial draws its C instead).
Its test accuracy is that of the chosen C. The run's seed seeds the solver. A run's fit time is all
of it: the features, every fit of the grid and its validation; "epochs" is 1.
"""

import time
from pathlib import Path

import numpy as np

from rnnbench.data import padding, subsets
from rnnbench.training import measure

C_GRID = {"tfidf_lr": [1.0, 4.0, 16.0, 64.0, 256.0], "nbsvm": [0.01, 0.1, 1.0]}
NB_ALPHA, NB_BETA = 1.0, 0.25  # Wang & Manning's smoothing and interpolation


def ngram_codes(x, num_words):
    """(row, code) of every unigram and bigram of padded ids x: a unigram's code is its id, a
    bigram's num_words + first * num_words + second. Ids 0 (padding) and 1 (start) are left out."""
    x = np.asarray(x, dtype=np.int64)
    kept = x > 1
    rows, _ = np.nonzero(kept)
    pairs = kept[:, :-1] & kept[:, 1:]
    pair_rows, _ = np.nonzero(pairs)
    bigrams = num_words + x[:, :-1][pairs] * num_words + x[:, 1:][pairs]
    return np.concatenate([rows, pair_rows]), np.concatenate([x[kept], bigrams])


def counts(x, num_words, vocabulary=None):
    """(sparse n-gram counts of x, the vocabulary): its columns are `vocabulary` (sorted codes),
    by default the codes x holds."""
    from scipy import sparse

    rows, codes = ngram_codes(x, num_words)
    if vocabulary is None:
        vocabulary = np.unique(codes)
    column = np.searchsorted(vocabulary, codes)
    known = column < len(vocabulary)
    known[known] = vocabulary[column[known]] == codes[known]
    matrix = sparse.csr_matrix((np.ones(int(known.sum()), dtype=np.float64), (rows[known], column[known])),
                               shape=(len(x), len(vocabulary)))
    matrix.sum_duplicates()
    return matrix, vocabulary


class NBSVM:
    """Naive-Bayes features and a linear SVM (Wang & Manning 2012), one per class beyond two."""

    def __init__(self, C, seed):
        self.C, self.seed = C, seed

    def fit(self, X, y):
        from sklearn.svm import LinearSVC

        binary = (X > 0).astype(np.float64)
        self.classes_ = np.unique(y)
        targets = self.classes_[1:] if len(self.classes_) == 2 else self.classes_
        self.ratios_, self.weights_, self.bias_ = [], [], []
        for k in targets:
            p = NB_ALPHA + np.asarray(binary[y == k].sum(axis=0)).ravel()
            q = NB_ALPHA + np.asarray(binary[y != k].sum(axis=0)).ravel()
            r = np.log((p / p.sum()) / (q / q.sum()))
            svm = LinearSVC(C=self.C, random_state=self.seed, max_iter=5000).fit(binary.multiply(r).tocsr(), y == k)
            w = svm.coef_.ravel()
            self.ratios_.append(r)
            self.weights_.append((1 - NB_BETA) * np.abs(w).mean() + NB_BETA * w)
            self.bias_.append(float(svm.intercept_[0]))
        return self

    def decision_function(self, X):
        binary = (X > 0).astype(np.float64)
        scores = np.column_stack([binary.multiply(r) @ w + b
                                  for r, w, b in zip(self.ratios_, self.weights_, self.bias_)])
        return scores[:, 0] if len(self.classes_) == 2 else scores

    def predict(self, X):
        scores = self.decision_function(X)
        return self.classes_[(scores > 0).astype(int)] if scores.ndim == 1 else self.classes_[scores.argmax(axis=1)]

    @property
    def n_weights(self):
        return sum(len(w) + 1 for w in self.weights_)


def classifier(model, C, seed, classes):
    """The model's classifier at regularisation C, and the transform of counts it reads."""
    if model == "nbsvm":
        return NBSVM(C, seed), None
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    solver = "liblinear" if classes <= 2 else "lbfgs"
    return LogisticRegression(C=C, solver=solver, max_iter=1000, random_state=seed), TfidfTransformer(sublinear_tf=True)


def weights(fitted):
    return fitted.n_weights if isinstance(fitted, NBSVM) else int(fitted.coef_.size + fitted.intercept_.size)


def fit_and_score(model, C, seed, classes, train, validation):
    """Fit one C on the training counts; (fitted, transform, validation accuracy, fit seconds)."""
    clock = measure.Clock()
    fitted, transform = classifier(model, C, seed, classes)
    X = transform.fit_transform(train[0]) if transform else train[0]
    fitted.fit(X, train[1])
    seconds = clock.seconds()
    X_val = transform.transform(validation[0]) if transform else validation[0]
    return fitted, transform, float(np.mean(fitted.predict(X_val) == validation[1])), seconds


def run(padded_path, model, maxlen, seed, cfg, threads):
    """Choose C on the validation reviews, test the chosen fit; (history rows, metrics) as a Keras
    run writes them (rnnbench/training/train.py), plus the grid of C and its validation accuracies."""
    fingerprint = measure.fingerprint(threads, tensorflow=False)
    (x_train, y_train), (x_test, y_test) = padding.load_padded(padded_path)
    classes = max(2, int(max(y_train.max(), y_test.max())) + 1)
    (xa, ya), (xv, yv), (xt, yt), moved = subsets.split(x_train, y_train, x_test, y_test, seed, cfg)
    usage, fit_clock = measure.Usage(), measure.Clock()
    train_counts, vocabulary = counts(xa, cfg["num_words"])
    val_counts, _ = counts(xv, cfg["num_words"], vocabulary)
    grid = [cfg["C"]] if "C" in cfg else C_GRID[model]
    tried = [fit_and_score(model, C, seed, classes, (train_counts, ya), (val_counts, yv)) for C in grid]
    best = int(np.argmax([val for _, _, val, _ in tried]))  # the first of equal bests
    fitted, transform, best_val, _ = tried[best]
    fit_seconds = fit_clock.seconds()
    for C, (_, _, val, seconds) in zip(grid, tried):
        print(f"C {C:g}: val_accuracy {val:.4f} ({seconds:.1f} s)", flush=True)
    print(f"epoch 1: {fit_seconds:.1f} s, val_accuracy {best_val:.4f} (C {grid[best]:g}, the best of {len(grid)})", flush=True)
    eval_clock = measure.Clock()
    X_test = counts(xt, cfg["num_words"], vocabulary)[0]
    predicted = fitted.predict(transform.transform(X_test) if transform else X_test)
    eval_seconds = eval_clock.seconds()
    accuracy = float(np.mean(predicted == yt))
    loss = None
    if hasattr(fitted, "predict_proba"):
        from sklearn.metrics import log_loss

        loss = float(log_loss(yt, fitted.predict_proba(transform.transform(X_test)), labels=fitted.classes_))
    timing = usage.figures()
    X_train = transform.transform(train_counts) if transform else train_counts
    history = [{"epoch": 1, "accuracy": float(np.mean(fitted.predict(X_train) == ya)), "val_accuracy": best_val,
                "seconds": fit_seconds, **timing}]
    fingerprint.update(load_end=measure.load_average(), xla=False, jit_compile_setting=cfg["jit_compile"], xla_probe=None)
    metrics = {
        "model": model, "maxlen": maxlen, "seed": seed,
        "test_accuracy": accuracy, "test_loss": loss, "test_accuracy_last": accuracy, "test_loss_last": loss,
        "best_val_accuracy": best_val, "best_epoch": 1, "epochs": 1, "resumed": False, "resumed_at_epoch": None,
        "fit_seconds": fit_seconds, "first_epoch_seconds": fit_seconds, "seconds_per_epoch": fit_seconds,
        "disturbed_epochs": [1] if timing.get("disturbed") else [], "seconds_to_best": fit_seconds,
        "inference_per_second": len(xt) / eval_seconds, "parameters": weights(fitted),
        "train_flops_per_epoch": None, "gflops_per_second": None,  # a solver's work: not counted analytically
        "peak_rss_mb": measure.peak_rss_mb(), "train_samples": len(xa), "test_samples": len(xt),
        "train_positive_share": float(np.mean(ya)), "data": Path(padded_path).parent.name,
        "regularisation": [{"C": C, "val_accuracy": val, "seconds": s} for C, (_, _, val, s) in zip(grid, tried)],
        "chosen_C": grid[best], "features": len(vocabulary),
        "fingerprint": fingerprint, "config": dict(cfg, model=model, maxlen=maxlen, seed=seed, threads=threads),
    }
    if classes > 2:
        from sklearn.metrics import f1_score

        metrics.update(classes=classes, macro_f1=float(f1_score(yt, predicted, average="macro")))
    if moved is not None:
        metrics["train_from_test"] = max(0, len(xa) - subsets.pool_size(len(x_train), cfg["validation_split"]))
    if cfg.get("schedule") == "converge":  # a linear fit has no epochs to stop: it always ends at its one
        metrics.update(schedule="converge", patience=cfg.get("patience"), epochs_cap=cfg["epochs"], stopped="patience")
    return history, metrics


def seconds_per_review(padded_path, model, cfg, reviews=2000, validation_split=0.2):
    """The plan's cost of a linear run: wall seconds per training review of features, the whole grid
    of C and the validation, timed here (on the cores the caller claimed) on the first `reviews`
    training reviews of the padded data."""
    (x, y), _ = padding.load_padded(padded_path)
    x, y = x[:reviews], y[:reviews]
    n = int(len(x) * (1 - validation_split))
    classes = max(2, int(y.max()) + 1)
    started = time.perf_counter()
    train_counts, vocabulary = counts(x[:n], cfg["num_words"])
    val_counts, _ = counts(x[n:], cfg["num_words"], vocabulary)
    for C in C_GRID[model]:
        fit_and_score(model, C, 0, classes, (train_counts, y[:n]), (val_counts, y[n:]))
    return (time.perf_counter() - started) / max(n, 1)
