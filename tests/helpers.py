"""Small real-layout data and fixture results that the tests write for themselves."""

import random
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = ROOT.parent / "shared" / "data" / "aclImdb-labeled.tar.gz"
POSITIVE = "great excellent wonderful love superb moving".split()
NEGATIVE = "bad awful boring waste terrible dull".split()
FILLER = "the a film movie plot actor scene story it was and of to is".split()


def write_aclimdb(root, per_class=12, seed=0):
    """A tiny aclImdb tree: aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt, words tied to labels."""
    rng = random.Random(seed)
    base = Path(root) / "aclImdb"
    for split in ("train", "test"):
        for cls, words in (("pos", POSITIVE), ("neg", NEGATIVE)):
            folder = base / split / cls
            folder.mkdir(parents=True)
            for i in range(per_class):
                tokens = [rng.choice(FILLER + words) for _ in range(rng.randint(5, 60))]
                text = " ".join(tokens[:3]) + "<br /><br />" + " ".join(tokens[3:])
                (folder / f"{i}_{8 if cls == 'pos' else 2}.txt").write_text(text, encoding="utf-8")
    return base


def write_table(path, labels=("good", "bad", "so-so"), per_label=40, seed=0):
    """A tiny CSV of labelled texts of one's own (text, label, split), words tied to the labels, a
    quarter of each label for testing."""
    import pandas as pd

    rng = random.Random(seed)
    words = {"good": POSITIVE, "bad": NEGATIVE, "so-so": "fine okay average mixed fair".split()}
    rows = [{"text": " ".join(rng.choice(FILLER + words[label]) for _ in range(rng.randint(5, 40))),
             "label": label, "split": "test" if i % 4 == 0 else "train"}
            for label, n in zip(labels, per_label if isinstance(per_label, list) else [per_label] * len(labels))
            for i in range(n)]
    pd.DataFrame(rng.sample(rows, len(rows))).to_csv(path, index=False)
    return path


def write_archive(tree, path):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(tree, arcname="aclImdb")
    return path


ARTICLE = ("bow", "simple_rnn", "lstm", "gru")
ACCURACY = {"bow": 0.87, "simple_rnn": 0.84, "lstm": 0.88, "gru": 0.885,
            "bigram_bag": 0.892, "cnn": 0.876, "bilstm": 0.884, "transformer": 0.875, "tfidf_lr": 0.895, "nbsvm": 0.905}
EPOCH_SECONDS = {"bow": 1.0, "simple_rnn": 10.0, "lstm": 20.0, "gru": 24.0,
                 "bigram_bag": 2.0, "cnn": 3.0, "bilstm": 40.0, "transformer": 15.0, "tfidf_lr": 6.0, "nbsvm": 9.0}


def write_results(root, models=ARTICLE, maxlens=(500, 1000), seeds=(1, 2, 3), epochs=4, test_samples=25000):
    """Run files as the train rule writes them, with plausible made-up figures, for report tests."""
    import json

    import pandas as pd

    from rnnbench import models as registry

    epochs_of_networks = epochs

    rng = random.Random(42)
    metrics_paths, history_paths = [], []
    for model in models:
        linear = not registry.keras(model)  # one fit, no epochs, no analytic FLOPs
        for maxlen in maxlens:
            for seed in seeds:
                epochs = 1 if linear else epochs_of_networks
                run = Path(root) / "runs" / model / f"maxlen{maxlen}" / f"seed{seed}"
                run.mkdir(parents=True)
                scale = maxlen / 500 if model not in ("bow", "bigram_bag") else 1
                seconds = [EPOCH_SECONDS[model] * scale * (1.3 if e == 0 else rng.uniform(0.95, 1.05))
                           for e in range(epochs)]
                acc = ACCURACY[model] + 0.01 * (maxlen == 1000) + rng.uniform(-0.006, 0.006)
                history = pd.DataFrame({
                    "epoch": range(1, epochs + 1),
                    "accuracy": [0.7 + 0.07 * e for e in range(epochs)],
                    "loss": [0.6 - 0.1 * e for e in range(epochs)],
                    "val_accuracy": [acc - 0.02 + 0.01 * rng.uniform(-1, 1) for _ in range(epochs)],
                    "val_loss": [0.4 + 0.02 * e for e in range(epochs)],
                    "seconds": seconds,
                })
                history.to_csv(run / "history.csv", index=False)
                metrics = {
                    "model": model, "maxlen": maxlen, "seed": seed, "test_accuracy": acc, "test_loss": 0.3,
                    "test_accuracy_last": acc - 0.02, "test_loss_last": 0.4, "best_val_accuracy": acc + 0.005,
                    "best_epoch": min(2, epochs), "epochs": epochs, "fit_seconds": sum(seconds),
                    "first_epoch_seconds": seconds[0], "seconds_per_epoch": (sorted(seconds[1:]) or seconds)[max(0, len(seconds) // 2 - 1)],
                    "seconds_to_best": sum(seconds[:2]), "inference_per_second": 5000 / scale,
                    "parameters": 328353, "train_flops_per_epoch": None if linear else 4.9e11 * scale,
                    "gflops_per_second": None if linear else 20.0,
                    "peak_rss_mb": 1200.0, "test_samples": test_samples,
                    "fingerprint": {"hostname": "vm", "cpu": "AMD EPYC", "cores": 2, "threads": 2, "gpu": [],
                                    "python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1", "xla": False,
                                    "started": f"2026-11-27T{len(metrics_paths) // 6:02d}:{len(metrics_paths) % 6 * 10:02d}:00+00:00",
                                    "load_start": 1.0, "load_end": 2.0},
                    "config": {"num_words": 10000, "epochs": epochs, "batch_size": 128,
                               "model": model, "maxlen": maxlen, "seed": seed},
                }
                (run / "metrics.json").write_text(json.dumps(metrics))
                metrics_paths.append(run / "metrics.json")
                history_paths.append(run / "history.csv")
    return metrics_paths, history_paths


def write_trials(root, spec):
    """Trial metrics as the train_trial rule writes them, two seeds a trial:
    {model: (minutes a trial, [validation accuracies])}; test accuracy = validation - 0.01."""
    import json

    paths = []
    for model, (minutes, vals) in spec.items():
        for i, val in enumerate(vals):
            trial, seed = i // 2 + 1, i % 2 + 1
            folder = Path(root) / "search" / model / "maxlen500" / f"seed{seed}" / f"trial{trial}"
            folder.mkdir(parents=True)
            cfg = {"trial": trial, "learning_rate": 0.001 * (i + 1), "batch_size": 64, "embedding": 16}
            if model != "bow":
                cfg["units"] = 32
            (folder / "metrics.json").write_text(json.dumps({
                "model": model, "maxlen": 500, "seed": seed, "config": cfg, "best_val_accuracy": val,
                "test_accuracy": val - 0.01, "best_epoch": 3, "epochs": 6, "stopped": "patience",
                "fit_seconds": 60 * minutes, "seconds_to_best": 30 * minutes}))
            paths.append(folder / "metrics.json")
    return paths


def build_report(root, trials=None, **grid):
    """Summaries, figures and the page from fixture results under root (and a search's trials, given
    as write_trials takes them); returns (html, by_config)."""
    from rnnbench import files, models as registry
    from rnnbench.report import figures, render
    from rnnbench.results import budget, summary

    metrics, histories = write_results(root, **grid)
    runs = summary.collect(metrics)
    by_config = summary.by_config(runs)
    files.write_csv(root / "summary.csv", runs)
    files.write_csv(root / "by_config.csv", by_config)
    figures.compute_figure(by_config, 4, root / "compute.svg")
    images = {"compute": root / "compute.svg"}
    frame = render.load_histories(histories)
    for model, maxlen in zip(by_config["model"], by_config["maxlen"]):
        if not registry.keras(model):  # a linear model: one fit, no training curves
            continue
        path = root / f"history-{model}-{maxlen}.svg"
        figures.history_figure(frame, model, maxlen, path)
        images[f"history-{model}-{maxlen}"] = path
    tables = {}
    if trials:
        found = budget.collect(write_trials(root, trials))
        curve = budget.curves(found)
        files.write_csv(root / "search.csv", found)
        files.write_csv(root / "budget.csv", curve)
        figures.budget_figure(curve, runs, "converge", root / "budget.svg")
        images["budget"] = root / "budget.svg"
        tables = {"search_csv": root / "search.csv", "budget_csv": root / "budget.csv"}
    html = render.render(root / "summary.csv", root / "by_config.csv", metrics, histories, images,
                         ROOT / "report" / "report.html.j2", ROOT / "report" / "style.css", root / "report.html",
                         **tables)
    return html, by_config


def give_machine(work, models, maxlens, threads=1, xla=False, peak=True):
    """Write the outputs of the rules machine_peak and xla_probe into work/results/machine, so that a
    tiny Snakemake run that does not test them skips them (Snakemake takes existing outputs as done).
    The whole-DAG test (one probe of two, and the peak: peak=False) and the fault harness's
    uninterrupted run measure them for real."""
    import json

    from rnnbench.training import probe

    machine = Path(work) / "results" / "machine"
    folder = machine / f"xla-{probe.machine_key(threads)}"
    folder.mkdir(parents=True, exist_ok=True)
    if peak:
        (machine / "float32_peak.json").write_text(json.dumps({
            "gflops_per_second": 100.0, "size": 2048, "repeats": 10, "best_seconds": 0.17, "threads": threads,
            "cpu": "given by the test", "cores": 2, "cpus": "0", "hostname": "test", "attempts": 1, "given": True}))
    for model in models:
        for maxlen in maxlens:
            if probe.wanted(model, "auto"):
                (folder / f"{model}-maxlen{maxlen}.json").write_text(json.dumps({
                    "model": model, "maxlen": maxlen, "threads": threads, "xla": xla, "given": True,
                    "step_seconds": {"xla": 0.01, "plain": 0.01}}))
