import json

import pandas as pd
import pytest

from helpers import write_results
from rnnbench import speed


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
    log = tmp_path / "grid.snakemake.log"
    log.write_text("Elapsed time: 0:10:00.0\n")
    speed.main([str(results), "--log", str(log), "--compare", str(results)])
    out = capsys.readouterr().out
    train = sum(pd.read_csv(p, sep="\t")["s"].iloc[0] for p in (bench / "train").glob("*.tsv"))
    assert f"training jobs {train / 60:.1f} min = {100 * train / 600:.1f}%" in out
    assert f"everything else {600 - train:.0f} s" in out and "prepare: 8.0 s" in out
    assert "LSTM@500" in out and "1.00x" in out and "+0.0 [" in out
