import json

from rnnbench import bench


def write(path, medians):
    path.write_text(json.dumps({"benchmarks": [{"name": n, "stats": {"median": m}} for n, m in medians.items()]}))
    return path


def test_ratios_cancel_a_machine_that_is_slower_as_a_whole(tmp_path):
    base = write(tmp_path / "a.json", {bench.REFERENCE: 0.01, "test_train_step[lstm]": 0.2, "test_x": 0.05})
    slow_machine = write(tmp_path / "b.json", {bench.REFERENCE: 0.02, "test_train_step[lstm]": 0.4, "test_x": 0.1})
    assert bench.main([str(base), str(slow_machine)]) == 0


def test_a_slower_model_fails_the_comparison(tmp_path, capsys):
    base = write(tmp_path / "a.json", {bench.REFERENCE: 0.01, "test_train_step[lstm]": 0.2, "test_x": 0.05})
    slower = write(tmp_path / "b.json", {bench.REFERENCE: 0.01, "test_train_step[lstm]": 0.3, "test_x": 0.05})
    assert bench.main([str(base), str(slower), "--threshold", "0.25"]) == 1
    out = capsys.readouterr().out
    assert "test_train_step[lstm]" in out and "+50.0%" in out and "SLOWER" in out
