"""Nothing lost under faults: the harness of tests/faults.py, short, and the pieces it relies on."""

import signal
import subprocess
import sys
import time

import pytest

import faults
from rnnbench import files


@pytest.mark.e2e
def test_each_kind_of_fault_loses_nothing(tmp_path, monkeypatch):
    """Four trials, one of each kind, each aimed at an event of the running DAG (--quick: a training
    job's saved epochs or a temporary file; the Ctrl-C beside a busy core), on the grid of one seed
    (LSTM and bag-of-words), with the peak and the probe given; the campaign of 100 is make faults.
    The Ctrl-C lands in the last epoch of a run that has saved the others, so that run resumes from
    its checkpoint and is counted once (what test_workflow's own Ctrl-C test checked before). The
    folder is given as make faults gives it, relative to where the harness was started."""
    monkeypatch.chdir(tmp_path)
    assert faults.main(["--trials", "1", "--seed", "9", "--quick", "--out", "faults"]) == 0
    trials = files.read_json(tmp_path / "faults" / "faults.json")["trials"]
    assert sorted(t["kind"] for t in trials) == sorted(faults.KINDS) and any(t["busy"] for t in trials)
    assert all(t["hit"] for t in trials), [(t["kind"], t["hit"]) for t in trials]
    ctrl_c = next(t for t in trials if t["kind"] == "ctrl-c")
    assert max(ctrl_c["interrupted"].values()) >= faults.EPOCHS - 1, ctrl_c  # so it resumed from a checkpoint


def test_temporary_files_left_by_a_kill_are_removed(tmp_path):
    with files.atomic_path(tmp_path / "runs" / "metrics.json") as tmp:
        tmp.write_text("{")
        left = tmp.with_name(tmp.name.replace(".tmp", "x.tmp"))  # another random name: what kill -9 leaves
        left.write_text("{")
    (tmp_path / "runs" / "history.csv").write_text("epoch\n1\n")
    other = tmp_path / "bench" / left.name  # not the pipeline's: another tool may be writing it
    other.parent.mkdir()
    other.write_text("{")
    assert files.remove_temporaries(tmp_path, ["runs"]) == [left]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["history.csv", "metrics.json"]
    assert other.exists()


JOB = """
import sys, time
from rnnbench import entry
assert entry.stop_with_snakemake(every=0.1), "no snakemake among the parents"
print("watching", flush=True)
try:
    time.sleep(60)
except KeyboardInterrupt:
    print("stopped", flush=True)
"""


@pytest.mark.parametrize("started", ["from a terminal", "in the background"])
def test_a_job_stops_when_its_snakemake_is_killed(tmp_path, started):
    """Also when Snakemake was started in the background, where its jobs inherit SIGINT ignored."""
    out = tmp_path / "job.out"
    ignore = signal.SIG_IGN if started == "in the background" else signal.SIG_DFL
    # A stand-in for Snakemake: a process whose command line names it, running the job as a child.
    owner = subprocess.Popen([sys.executable, "-c", "import subprocess, sys  # snakemake\n"
                              f"subprocess.run([sys.executable, '-c', {JOB!r}], stdout=open({str(out)!r}, 'w'))"],
                             preexec_fn=lambda: signal.signal(signal.SIGINT, ignore))
    deadline = time.time() + 60
    while time.time() < deadline and "watching" not in (out.read_text() if out.exists() else ""):
        time.sleep(0.05)
    owner.kill()
    owner.wait()
    deadline = time.time() + 60  # each phase its own minute: under load, start-up alone can be slow
    while time.time() < deadline and "stopped" not in out.read_text():
        time.sleep(0.05)
    assert out.read_text().split() == ["watching", "stopped"]
