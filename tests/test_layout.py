"""The package's layout: its folders are the pipeline's stages, and imports point down the flow
(data -> training -> results -> report), never back; the timing tools stay outside the pipeline."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "rnnbench"
STAGES = ["data", "training", "results", "report"]
# What each stage may not load: the stages after it, the timing tools, and (results and report,
# whose work is pandas on the run files) TensorFlow and Keras.
FORBIDDEN = {
    "data": ["rnnbench.training", "rnnbench.results", "rnnbench.report", "rnnbench.timing", "tensorflow", "keras"],
    "training": ["rnnbench.results", "rnnbench.report", "rnnbench.timing"],
    "results": ["rnnbench.training", "rnnbench.report", "rnnbench.timing", "tensorflow", "keras"],
    "report": ["rnnbench.training", "rnnbench.timing", "tensorflow", "keras"],
}


def modules(stage):
    return sorted(f"rnnbench.{stage}.{p.stem}" for p in (PACKAGE / stage).glob("*.py") if p.stem != "__init__")


def loaded_by(names):
    """The modules a fresh interpreter holds after importing `names`."""
    code = f"import importlib, json, sys\nfor n in {names!r}: importlib.import_module(n)\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_loads_nothing_downstream_of_it(stage):
    loaded = loaded_by(modules(stage))
    wrong = sorted(m for m in loaded for bad in FORBIDDEN[stage] if m == bad or m.startswith(bad + "."))
    assert not wrong, f"importing rnnbench.{stage} loads {wrong[:5]}"


def test_a_report_rebuilds_without_tensorflow():
    """The report's entry script's imports (figures, rendering) and the summaries' load no TensorFlow."""
    loaded = loaded_by(["rnnbench.report.render", "rnnbench.report.figures", "rnnbench.results.summary"])
    assert "tensorflow" not in loaded and "keras" not in loaded


def test_every_module_is_one_room_of_at_most_300_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 300}
    assert not long, f"modules over 300 lines: {long}"


def test_the_top_level_holds_only_what_every_stage_shares():
    assert sorted(p.stem for p in PACKAGE.glob("*.py")) == ["__init__", "config", "entry", "files", "models"]
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(
        STAGES + ["timing"])


def test_rules_entry_scripts_stay_thin():
    scripts = [p for p in PACKAGE.parent.glob("*.py")]
    assert scripts and all(len(p.read_text().splitlines()) <= 30 for p in scripts), \
        {p.name: len(p.read_text().splitlines()) for p in scripts}
