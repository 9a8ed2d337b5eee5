import json

import pytest

from rnnbench.timing import bench


def write(path, medians):
    path.write_text(json.dumps({"benchmarks": [{"name": n, "stats": {"min": m}} for n, m in medians.items()]}))
    return path


def test_ratios_cancel_a_machine_that_is_slower_as_a_whole(tmp_path):
    base = write(tmp_path / "a.json", {bench.REFERENCE: 0.01, "test_train_step[lstm]": 0.2, "test_x": 0.05})
    slow_machine = write(tmp_path / "b.json", {bench.REFERENCE: 0.02, "test_train_step[lstm]": 0.4, "test_x": 0.1})
    assert bench.main([str(base), str(slow_machine)]) == 0


def test_a_slower_model_fails_the_comparison(tmp_path, capsys):
    base = write(tmp_path / "a.json", {bench.REFERENCE: 0.01, "test_train_step[lstm]": 0.2, "test_x": 0.05})
    slower = write(tmp_path / "b.json", {bench.REFERENCE: 0.01, "test_train_step[lstm]": 0.3, "test_x": 0.05})
    assert bench.main([str(base), str(slower), "--floor", "0.25"]) == 1
    out = capsys.readouterr().out
    assert "test_train_step[lstm]" in out and "+50.0%" in out and "SLOWER" in out


def test_each_benchmark_is_held_to_its_own_measured_spread(tmp_path, capsys):
    base = write(tmp_path / "a.json", {bench.REFERENCE: 0.01, "test_steady": 0.2, "test_noisy": 0.05})
    new = write(tmp_path / "b.json", {bench.REFERENCE: 0.01, "test_steady": 0.27, "test_noisy": 0.08})
    spread = tmp_path / "spread.json"
    spread.write_text(json.dumps({"spread": {"test_steady": 0.03, "test_noisy": 0.5}}))
    # steady: +35% against max(25%, 1.5 x 3%); noisy: +60% against 1.5 x 50% = 75%
    assert bench.main([str(base), str(new), "--spread-file", str(spread)]) == 1
    out = capsys.readouterr().out
    assert "benchmarks slower than the baseline by more than their threshold: test_steady" in out
    assert "test_noisy" not in out.splitlines()[-1]
    # a benchmark with no measured spread gets the widest band of those measured
    assert bench.thresholds({"test_steady": 0.03, "test_noisy": 0.5})("test_new") == pytest.approx(0.75)


def test_spread_is_the_largest_ratio_between_runs(tmp_path, capsys):
    runs = [write(tmp_path / f"{i}.json", {bench.REFERENCE: ref, "test_a": a, "test_b": 0.05})
            for i, (ref, a) in enumerate([(0.01, 0.2), (0.02, 0.44), (0.01, 0.21)])]
    spreads = bench.spread([bench.ratios(r) for r in runs])
    assert spreads["test_a"] == pytest.approx(0.10) and spreads["test_b"] == pytest.approx(1.0)
    saved = tmp_path / "spread.json"
    assert bench.main(["--spread", *map(str, runs), "--save", str(saved)]) == 0
    assert "largest spread over 3 runs: 100.0% (test_b)" in capsys.readouterr().out
    assert json.loads(saved.read_text())["spread"] == pytest.approx(spreads)


def test_a_regression_must_show_in_every_new_run(tmp_path, capsys):
    base = write(tmp_path / "a.json", {bench.REFERENCE: 0.01, "test_x": 0.2})
    disturbed = write(tmp_path / "b.json", {bench.REFERENCE: 0.01, "test_x": 0.4})  # a slow moment
    calm = write(tmp_path / "c.json", {bench.REFERENCE: 0.01, "test_x": 0.21})
    slower = write(tmp_path / "d.json", {bench.REFERENCE: 0.01, "test_x": 0.3})
    assert bench.main([str(base), str(disturbed)]) == 1
    assert bench.main([str(base), str(disturbed), str(calm)]) == 0
    assert bench.main([str(base), str(disturbed), str(slower)]) == 1
    assert "each benchmark's least ratio of 2 runs" in capsys.readouterr().out
