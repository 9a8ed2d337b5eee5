"""The tiny DAG through a real SLURM cluster (.ci/slurm-up.sh starts a one-node one on 127.0.0.1).

Most of its time is waiting for the plugin's status checks (docs/clusters.md): 86 s alone, of which
its processes used 20 s of CPU (AMD EPYC, 2026-12-02). So the workflow starts in the background as
soon as the tests are collected (conftest.py calls start()), and the test only waits for it and
reads what it left: by the time the test's turn comes, it has long finished."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from helpers import ROOT, write_aclimdb, write_archive
from test_workflow import SNAKEMAKE, check_outputs, workdir

up = bool(os.environ.get("SLURM_CONF")) and shutil.which("sinfo") is not None \
    and subprocess.run(["sinfo"], capture_output=True).returncode == 0
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not up and not os.environ.get("CI"),
                                                  reason="no SLURM cluster: source .ci/slurm-up.sh first")]
STARTED = pytest.StashKey()


def start(tmp=None):
    """Start the tiny DAG on SLURM in the background; (process, workdir, log file)."""
    tmp = Path(tmp or tempfile.mkdtemp(prefix="rnnbench-slurm-"))
    archive = write_archive(write_aclimdb(tmp / "src"), tmp / "aclImdb.tar.gz")
    work = workdir(tmp)
    # The plugin asks SLURM about its jobs 2 s (here; 40 s by default) after submitting them or after
    # an answer that saw one finish, and 10 s later each time than the time before while none does:
    # each round of cluster jobs waits for that. The profile keeps the plugin's default for real
    # clusters. Jobs of one thread each, so that the one node's two cores run two at once, and the
    # small jobs run where Snakemake runs (the Snakefile's localrules).
    args = ["--workflow-profile", str(ROOT / "profiles" / "slurm"), "--slurm-status-command", "squeue",
            "--slurm-init-seconds-before-status-checks", "2",
            "--set-threads", "train=1", "machine_peak=1", "--set-resources", "train:mem_mb=2000",
            "--config", "source=aclimdb", f"aclimdb_path={archive}", "models=[bow,lstm]", "maxlens=[20]",
            "seeds=[1]", "epochs=1", "num_words=60", "batch_size=8"]
    log = tmp / "snakemake.log"
    proc = subprocess.Popen(SNAKEMAKE + ["-d", str(work), *args], stdout=log.open("w"), stderr=subprocess.STDOUT,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    return proc, work, log


def test_tiny_dag_on_slurm(request):
    proc, work, log = request.config.stash.get(STARTED, None) or start()
    code = proc.wait(timeout=1500)
    out = log.read_text()
    assert code == 0, out[-8000:]
    assert "sbatch" in out or "SLURM" in out
    check_outputs(work / "results", {(m, 20, 1) for m in ("bow", "lstm")})
    assert set(re.findall(r"^rule (\w+):", out, re.M)) == {"prepare", "pad", "machine_peak", "xla_probe", "train"}
    assert {"plan", "aggregate", "history_figures", "report"} <= set(re.findall(r"^local(?:rule|checkpoint) (\w+):", out, re.M))
    shutil.rmtree(work.parent, ignore_errors=True)
