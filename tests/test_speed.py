import json

import pandas as pd
import pytest

from helpers import write_results
from rnnbench.timing import speed


def test_elapsed_reads_snakemake_logs():
    assert speed.elapsed("...\nElapsed time: 0:52:07.5\n") == pytest.approx(52 * 60 + 7.5)
    assert speed.elapsed("Elapsed time: 1 day, 2:00:00.000001") == pytest.approx(26 * 3600, abs=1e-3)
    assert speed.elapsed("Select jobs to execute...") is None


def test_speed_report_splits_training_from_everything_else(tmp_path, capsys, monkeypatch):
    results = tmp_path / "results"
    write_results(results, models=("bow", "lstm"), maxlens=(500,), seeds=(1, 2), epochs=4)
    bench = results / "benchmarks"
    (bench / "train").mkdir(parents=True)
    for model in ("bow", "lstm"):
        for seed in (1, 2):
            run = json.loads((results / "runs" / model / "maxlen500" / f"seed{seed}" / "metrics.json").read_text())
            pd.DataFrame({"s": [run["fit_seconds"] + 10]}).to_csv(
                bench / "train" / f"{model}-maxlen500-seed{seed}.tsv", sep="\t", index=False)
    pd.DataFrame({"s": [8.0]}).to_csv(bench / "prepare.tsv", sep="\t", index=False)
    (bench / "xla_probe").mkdir()
    pd.DataFrame({"s": [21.0]}).to_csv(bench / "xla_probe" / "lstm-maxlen500.tsv", sep="\t", index=False)
    log = tmp_path / "grid.snakemake.log"
    log.write_text("Elapsed time: 0:10:00.0\n")
    speed.main([str(results), "--log", str(log), "--compare", str(results)])
    out = capsys.readouterr().out
    train = sum(pd.read_csv(p, sep="\t")["s"].iloc[0] for p in (bench / "train").glob("*.tsv"))
    assert f"training jobs {train / 60:.1f} min of job time, {train / 600:.2f} running at once" in out
    assert "XLA probes 21 s of job time; other jobs 8 s" in out and "prepare: 8.0 s" in out
    assert "LSTM@500" in out and "1.00x" in out and "+0.0 [" in out


def test_plain_keras_yardstick_compares_only_runs_with_its_own_xla_choice(tmp_path):
    """scripts/rnnbench/timing/plain_keras.py trains the article's code on a padded file and sets the pipeline's
    runs of the same model and maxlen beside it, leaving out those trained with the other XLA choice."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import numpy as np

    from rnnbench.data import padding

    rng = np.random.default_rng(0)
    seqs = [list(rng.integers(1, 9999, rng.integers(3, 30))) for _ in range(64)]
    labels = (np.arange(64) % 2).astype(np.uint8)
    padded = tmp_path / "maxlen20.npz"
    padding.save_padded(padded, {"train": (seqs[:48], labels[:48]), "test": (seqs[48:], labels[48:])}, 20, "pre", "pre")
    runs = tmp_path / "runs"
    write_results(runs.parent, models=("lstm",), maxlens=(20,), seeds=(1, 2), epochs=2)
    on = runs / "lstm" / "maxlen20" / "seed2" / "metrics.json"
    on.write_text(on.read_text().replace('"xla": false', '"xla": true'))

    out = subprocess.run([sys.executable, "-m", "rnnbench.timing.plain_keras", str(padded), "--model", "lstm", "--epochs", "2",
                          "--jit", "off", "--runs", str(runs)], capture_output=True, text=True, check=True,
                         env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")).stdout
    assert "plain Keras lstm maxlen 20 jit off (XLA off): epochs" in out
    assert "seed2: " in out and "(other XLA choice: not compared)" in out
    ratio = json.loads((runs / "lstm" / "maxlen20" / "seed1" / "metrics.json").read_text())["seconds_per_epoch"]
    assert "pipeline / plain Keras, both XLA off: " in out and f"{ratio:.2f} s/epoch, XLA off" in out
