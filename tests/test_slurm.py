"""The tiny DAG through a real SLURM cluster (.ci/slurm-up.sh starts a one-node one on 127.0.0.1)."""

import os
import re
import shutil
import subprocess

import pytest

from helpers import ROOT, write_aclimdb, write_archive
from test_workflow import SNAKEMAKE, check_outputs, workdir

up = bool(os.environ.get("SLURM_CONF")) and shutil.which("sinfo") is not None \
    and subprocess.run(["sinfo"], capture_output=True).returncode == 0
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not up and not os.environ.get("CI"),
                                                  reason="no SLURM cluster: source .ci/slurm-up.sh first")]


def test_tiny_dag_on_slurm(tmp_path):
    archive = write_archive(write_aclimdb(tmp_path / "src"), tmp_path / "aclImdb.tar.gz")
    work = workdir(tmp_path)
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
    proc = subprocess.run(SNAKEMAKE + ["-d", str(work), *args], capture_output=True, text=True,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"), timeout=1500)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "sbatch" in proc.stdout + proc.stderr or "SLURM" in proc.stdout + proc.stderr
    check_outputs(work / "results", {(m, 20, 1) for m in ("bow", "lstm")})
    log = proc.stdout + proc.stderr
    assert set(re.findall(r"^rule (\w+):", log, re.M)) == {"prepare", "pad", "machine_peak", "xla_probe", "train"}
    assert {"plan", "aggregate", "history_figure", "report"} <= set(re.findall(r"^local(?:rule|checkpoint) (\w+):", log, re.M))
