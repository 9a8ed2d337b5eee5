import json
import math

import pytest

from rnnbench.results import summary


def write_run(folder, model, maxlen, seed, acc, fit, spe):
    path = folder / f"{model}-{maxlen}-{seed}.json"
    metrics = {key: 1.0 for key in summary.RUN_COLUMNS}
    metrics.update(model=model, maxlen=maxlen, seed=seed, test_accuracy=acc, fit_seconds=fit, seconds_per_epoch=spe)
    metrics["fingerprint"] = {key: "x" for key in summary.FINGERPRINT_COLUMNS}
    path.write_text(json.dumps(metrics))
    return path


def test_collect_and_interval(tmp_path):
    paths = [write_run(tmp_path, "lstm", 500, s, acc, 100 + s, 10.0) for s, acc in [(1, 0.86), (2, 0.88), (3, 0.90)]]
    paths.append(write_run(tmp_path, "bow", 500, 1, 0.87, 5, 0.5))
    runs = summary.collect(paths)
    assert list(runs["model"]) == ["bow", "lstm", "lstm", "lstm"]  # registry order
    table = summary.by_config(runs)
    lstm = table.set_index("model").loc["lstm"]
    assert lstm["n"] == 3
    assert lstm["test_accuracy_mean"] == pytest.approx(0.88)
    assert lstm["test_accuracy_std"] == pytest.approx(0.02)
    # t(0.975, 2 dof) = 4.3027; 4.3027 * 0.02 / sqrt(3)
    assert lstm["test_accuracy_ci95"] == pytest.approx(4.302653 * 0.02 / math.sqrt(3), rel=1e-5)
    assert lstm["fit_seconds_mean"] == pytest.approx(102)
    bow = table.set_index("model").loc["bow"]
    assert bow["n"] == 1 and math.isnan(bow["test_accuracy_ci95"]) and math.isnan(bow["test_accuracy_std"])


def test_interval_needs_two_values():
    assert math.isnan(summary.interval([0.9]))
    assert summary.interval([1.0, 1.0, 1.0]) == 0


def test_markdown_table_for_the_readme(tmp_path):
    paths = [write_run(tmp_path, "gru", 1000, s, acc, 700, 70.0) for s, acc in [(1, 0.86), (2, 0.87)]]
    table = summary.markdown(summary.by_config(summary.collect(paths)))
    assert "| GRU | 1000 | 2 | 86.5 ± " in table and "| 70.0 | 11.7 min |" in table
