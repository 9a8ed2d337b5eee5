"""The whole DAG through the real snakemake command line, on tiny generated data."""

import json
import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from helpers import ROOT, give_machine, write_aclimdb, write_archive, write_table
from rnnbench import files
from rnnbench.data import aclimdb
from rnnbench.results import estimate
from rnnbench.models import MODELS

pytestmark = pytest.mark.e2e

SNAKEMAKE = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile")]
TINY = ["source=aclimdb", "maxlens=[20,30]", "seeds=[1]", "epochs=1", "num_words=60", "batch_size=8"]
# The shared tiny DAG: both axes, for a bag and a recurrent model (every model goes through the rules
# in test_every_model_on_three_classes_of_ones_own_texts; two seeds, in test_faults.py's chain;
# the report's ladder, in test_report.py). With two seeds and both probes measured it took 126 s of
# make test beside a busy core, with one seed and one probe 67 s (fresh clones, AMD EPYC, 2026-12-02).
TINY_MODELS = ["bow", "lstm"]


def workdir(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(ROOT / "config", work / "config")
    return work


def snakemake(work, *args, check=True, env=None):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env or {}))
    proc = subprocess.run(SNAKEMAKE + ["-d", str(work), *args], capture_output=True, text=True, env=env)
    if check and proc.returncode:
        pytest.fail(f"snakemake failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def check_outputs(results, expected):
    """Every (model, maxlen, seed) has its files, and the summaries hold exactly those runs."""
    for model, maxlen, seed in expected:
        run = results / "runs" / model / f"maxlen{maxlen}" / f"seed{seed}"
        assert (run / "history.csv").exists() and (run / "metrics.json").exists()
        assert (results / "benchmarks" / "train" / f"{model}-maxlen{maxlen}-seed{seed}.tsv").exists()
        assert "epoch 1:" in (results / "logs" / "train" / f"{model}-maxlen{maxlen}-seed{seed}.log").read_text()
    summary = pd.read_csv(results / "summary.csv")
    assert set(zip(summary["model"], summary["maxlen"], summary["seed"])) == expected
    assert len(summary) == len(expected)
    assert len(pd.read_csv(results / "summary_by_config.csv")) == len({(m, n) for m, n, _ in expected})
    assert (results / "report.html").stat().st_size > 10_000
    assert not list(results.rglob("*.tmp*")), "no temporary file is left behind"


def job_counts(output):
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", output, re.M)}


def keras_home(tmp_path, cached):
    """A KERAS_HOME with or without imdb.npz, and no proxy: the keras source's view of the world."""
    home = tmp_path / "keras"
    (home / "datasets").mkdir(parents=True)
    if cached:
        (home / "datasets" / "imdb.npz").write_bytes(b"")
    return {"KERAS_HOME": str(home), "https_proxy": "", "HTTPS_PROXY": ""}


def test_default_plan_is_the_article_grid(tmp_path):
    counts = job_counts(snakemake(workdir(tmp_path), "-n", env=keras_home(tmp_path, cached=True)).stdout)
    assert counts["train"] == 36 and counts["pad"] == 2 and counts["prepare"] == 1 and counts["xla_probe"] == 6
    assert counts["history_figures"] == 1 and counts["report"] == 1


def test_lint_is_clean(tmp_path):
    proc = subprocess.run(SNAKEMAKE + ["--lint", "--nolock"], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, **keras_home(tmp_path, cached=True)))
    assert "Congratulations" in proc.stdout + proc.stderr, proc.stdout[-3000:]


@pytest.mark.parametrize("change, words", [
    (["models=[lstm,lstmm]"], "choose from bow, bigram_bag, tfidf_lr, nbsvm, cnn, simple_rnn, lstm, gru, bilstm, transformer"),
    (["epochs=0"], "config epochs"),
    (["modles=[lstm]"], "unknown config key 'modles'"),
    (["seeds=[]"], "config seeds is empty"),
    (["search={trials: 0}"], "config search.trials: 0 is invalid"),
    (["search={trials: 2, dropout: [0.1]}"], "unknown config search key 'dropout'"),
    (["source=aclimdb", "aclimdb_path=/nowhere/aclImdb.tar.gz"], "does not exist"),
])
def test_bad_config_stops_before_any_job(tmp_path, change, words):
    work = workdir(tmp_path)
    proc = snakemake(work, "-n", "--config", *change, check=False)
    assert proc.returncode != 0 and words in proc.stdout + proc.stderr
    assert not (work / "results").exists()


def test_keras_source_offline_stops_before_any_job(tmp_path):
    import socket

    try:
        socket.create_connection(aclimdb.KERAS_URL, timeout=5).close()
        pytest.skip(f"{aclimdb.KERAS_URL[0]} is reachable from here: not offline")
    except OSError:
        pass
    work = workdir(tmp_path)
    proc = snakemake(work, check=False, env=keras_home(tmp_path, cached=False))
    assert proc.returncode != 0 and "source=aclimdb" in proc.stdout + proc.stderr
    assert not (work / "results").exists()


def test_a_size_beyond_the_pool_stops_before_any_job(tmp_path, aclimdb_archive):
    work = workdir(tmp_path)
    proc = snakemake(work, "-n", "--config", "source=aclimdb", f"aclimdb_path={aclimdb_archive}",
                     "train_sizes=[8, 100000]", "batch_size=8", check=False)
    assert proc.returncode != 0 and "train_sizes: 100,000 is more than the" in proc.stdout + proc.stderr
    assert not (work / "results").exists()


@pytest.fixture(scope="module")
def tiny_dag(tmp_path_factory):
    """Two models x two maxlens on tiny data, run once for the tests that read it: the only tiny run
    that measures the float32 peak and an XLA probe (LSTM at maxlen 20; the one at 30 is given)."""
    tmp = tmp_path_factory.mktemp("tiny-dag")
    archive = write_archive(write_aclimdb(tmp / "src"), tmp / "aclImdb.tar.gz")
    work = workdir(tmp)
    give_machine(work, ["lstm"], [30], peak=False)
    args = ["--config", *TINY, f"models=[{','.join(TINY_MODELS)}]", f"aclimdb_path={archive}"]
    proc = snakemake(work, *args)
    return work, args, proc.stdout


def test_whole_dag_on_tiny_data(tiny_dag):
    work, _, _ = tiny_dag
    results = work / "results"
    check_outputs(results, {(m, n, 1) for m in TINY_MODELS for n in (20, 30)})
    assert not files.read_json(results / "machine" / "float32_peak.json").get("given")
    probes = {p.stem: files.read_json(p).get("given") for p in (results / "machine").glob("xla-*/*.json")}
    assert probes == {"lstm-maxlen20": None, "lstm-maxlen30": True}  # measured, given (never bow)


def test_the_plan_comes_before_training_and_the_longest_job_first(tiny_dag):
    """The estimate is printed and written before any training job starts; the jobs start longest
    expected first (each job's start: its benchmark file's time less its seconds); the report sets
    expected against measured."""
    work, _, stdout = tiny_dag
    results = work / "results"
    made = files.read_json(results / "plan.json")
    assert re.search(r"rnnbench plan: 4 runs, about \d+ (s|min) on \d cores? of this .+, done near \d\d:\d\d", stdout)
    assert {job["step_from"] for job in made["jobs"]} == {"probe", "timed"}  # lstm probed, bow timed
    started = {job["folder"]: end - seconds for job in made["jobs"]
               for seconds, end in [estimate.measured(made, results)[job["folder"]]]}
    assert (results / "plan.json").stat().st_mtime <= min(started.values())
    by_start = sorted(made["jobs"], key=lambda job: started[job["folder"]])
    first = [job["expected_seconds"] for job in by_start[:2]]
    assert min(first) >= max(job["expected_seconds"] for job in by_start[2:])
    assert "Time, expected and measured" in (results / "report.html").read_text()


def test_snakemake_report_of_the_same_figures(tiny_dag):
    work, args, _ = tiny_dag
    snakemake(work, *args, "--report", "results/snakemake-report.html")
    assert (work / "results" / "snakemake-report.html").stat().st_size > 100_000


def test_a_changed_training_setting_reruns_training_only(tiny_dag):
    work, args, _ = tiny_dag
    assert "Nothing to be done" in snakemake(work, "-n", *args).stdout
    counts = job_counts(snakemake(work, "-n", *args, "epochs=2").stdout)
    assert counts["train"] == 4 and "prepare" not in counts and "pad" not in counts


def test_a_newer_rule_script_retrains_nothing(tiny_dag):
    """A git pull that changes a rule's script makes it newer than every run: the profile's rerun
    triggers leave Snakemake's code trigger out, so nothing is trained again (docs/running.md)."""
    work, args, _ = tiny_dag
    script = ROOT / "scripts" / "train_run.py"
    stat = script.stat()
    try:
        os.utime(script)  # as a checkout leaves a changed file: its mtime now
        assert "Nothing to be done" in snakemake(work, "-n", *args).stdout
    finally:
        os.utime(script, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_every_model_on_three_classes_of_ones_own_texts(tmp_path):
    """config/extended.yaml end to end on a CSV of one's own with three labels: every model of the
    registry trains through the same rules with a softmax over the three, the runs record macro-F1,
    and the report describes the data, shows every model and measures chance from the common label."""
    table = write_table(tmp_path / "texts.csv", per_label=[40, 30, 30])
    work = workdir(tmp_path)
    give_machine(work, MODELS, [48])
    tiny = [t for t in TINY if not t.startswith(("maxlens", "seeds", "source"))]
    snakemake(work, "--configfile", str(work / "config" / "extended.yaml"), "--config", *tiny, "maxlens=[48]",
              "seeds=[1]", "source=table", f"data_path={table}", "split_column=split")
    check_outputs(work / "results", {(m, 48, 1) for m in MODELS})
    runs = pd.read_csv(work / "results" / "summary.csv")
    assert runs["macro_f1"].between(0, 1).all() and len(runs) == len(MODELS)
    html = " ".join((work / "results" / "report.html").read_text().split())
    assert all(spec.label in html for spec in MODELS.values())
    assert "3 labels of the texts in texts.csv" in html and "macro-F1 %" in html
    assert "(74 for training and validation, 26 for testing), 3 classes: bad: 30%, good: 41%, so-so: 30%" in html
    assert "points above chance (38%, the most common label)" in html  # 10 of the 26 test texts are good


def snapshot(folder):
    """Every file under folder with its size, modification time and bytes."""
    return {p.relative_to(folder): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_bad_data_changes_nothing_and_a_changed_archive_prepares_again(tmp_path):
    tree = write_aclimdb(tmp_path / "src")
    archive = write_archive(tree, tmp_path / "aclImdb.tar.gz")
    work = workdir(tmp_path)
    args = ["source=aclimdb", "models=[bow]", "maxlens=[20]", "seeds=[1]", "epochs=1", "num_words=60"]
    give_machine(work, ["bow"], [20])
    snakemake(work, "--config", *args, f"aclimdb_path={archive}")
    results = work / "results"
    before = snapshot(results)

    good = archive.read_bytes()
    broken = {"truncated": good[:len(good) // 2], "not a tar": b"<html>404</html>"}
    shutil.rmtree(tree / "test")
    broken["no test/"] = write_archive(tree, tmp_path / "notest.tar.gz").read_bytes()
    for what, content in broken.items():
        archive.write_bytes(content)  # the same path, other bytes
        proc = snakemake(work, "--config", *args, f"aclimdb_path={archive}", check=False)
        errors = [line for line in (proc.stdout + proc.stderr).splitlines() if str(archive) in line]
        assert proc.returncode != 0 and errors, what
        assert snapshot(results) == before, f"{what}: results/ changed"

    archive.write_bytes(good)
    assert "Nothing to be done" in snakemake(work, "-n", "--config", *args, f"aclimdb_path={archive}").stdout
    # A changed archive at the same path is noticed: new data folder, prepared again, run again on it
    # (the run's input is the new folder: the plan says so; prepared for real up to the padding).
    old = {p.name for p in (results / "data").iterdir()}
    tree = write_aclimdb(tmp_path / "src2", per_class=14)
    write_archive(tree, archive)
    planned = snakemake(work, "-n", "--config", *args, f"aclimdb_path={archive}").stdout
    counts = job_counts(planned)
    assert counts["prepare"] == 1 and counts["pad"] == 1 and counts["train"] == 1
    snakemake(work, "--until", "pad", "--config", *args, f"aclimdb_path={archive}")
    (new,) = {p.name for p in (results / "data").iterdir()} - old  # the data made from the old archive is kept
    meta = json.loads((results / "data" / new / "tokens.json").read_text())
    assert meta["train"]["reviews"] == 28 and meta["source_sha256"][:12] in new
    train = planned[planned.index("rule train:"):]
    assert f"results/data/{new}/maxlen20.npz" in train[:train.index("\n\n")]


def test_a_search_resumes_a_killed_trial_and_reports_budgets_and_learning_curves(tmp_path):
    """A search of two trials and a learning curve of three sizes on tiny data, given on the
    command line: one trial's job is killed (kill -9) in the middle of an epoch; the same command
    again resumes it from its checkpoint, and the report gains its sections on budgets and on
    training-set sizes. (Ctrl-C in the middle of a run's epoch: test_faults.py's chain.)"""
    import time

    import psutil

    EPOCHS = 5
    archive = write_archive(write_aclimdb(tmp_path / "src", per_class=120), tmp_path / "aclImdb.tar.gz")
    work = workdir(tmp_path)
    # patience 4 of a cap of 5: every trial trains to the cap, three epochs of about a second after the
    # two that mark it ready to be killed (converge is tested in test_train).
    args = ["--config", "source=aclimdb", f"aclimdb_path={archive}", "models=[lstm]", "maxlens=[20]", "seeds=[1]",
            f"epochs={EPOCHS}", "patience=4", "batch_size=1", "num_words=60",
            "search={trials: 2, batch_size: [1], embedding: [8], units: [4, 8], learning_rate: [0.0005, 0.005]}",
            "train_sizes=[40, 0.375]"]
    give_machine(work, ["lstm"], [20])
    search = work / "results" / "search" / "lstm" / "maxlen20" / "seed1"
    proc = subprocess.Popen(SNAKEMAKE + ["-d", str(work), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))

    def saved():
        return {p.parent.parent.name: len(json.loads(p.read_text() or "[]"))
                for p in search.glob("trial*/.resume/epochs.json")}

    deadline = time.time() + 300
    while time.time() < deadline and not any(n >= 2 for n in saved().values()):
        time.sleep(0.05)
    jobs = [p for p in psutil.Process(proc.pid).children(recursive=True) if "train_run" in " ".join(p.cmdline())]
    assert jobs, "no training job was found running"
    for job in jobs:
        job.kill()
    assert proc.wait(timeout=120) != 0
    psutil.wait_procs(jobs, timeout=60)
    killed = {t: n for t, n in saved().items() if n and not (search / t / "metrics.json").exists()}
    assert killed, "a trial was interrupted after saving epochs"

    snakemake(work, *args)
    for t, n in killed.items():
        metrics = json.loads((search / t / "metrics.json").read_text())
        assert metrics["resumed"] and n - 1 <= metrics["resumed_at_epoch"] <= n
        assert list(pd.read_csv(search / t / "history.csv")["epoch"]) == list(range(1, metrics["epochs"] + 1))
    trials = pd.read_csv(work / "results" / "search.csv")
    assert sorted(trials["trial"]) == [1, 2] and set(trials["batch_size"]) == {1}
    assert len(set(trials["learning_rate"])) == 2 and set(trials["units"]) <= {4, 8}
    assert list(pd.read_csv(work / "results" / "budget.csv")["k"]) == [1, 2]
    html = (work / "results" / "report.html").read_text()
    assert "Accuracy at every budget" in html and "With a tuning budget of" in html
    runs = pd.read_csv(work / "results" / "sizes.csv")
    assert sorted(runs["train_samples"]) == [40, 72, 192]  # 0.375 of the pool of 192, and the grid's run
    assert files.read_json(work / "results" / "curves.json")["fits"][0]["sizes"] == 3
    assert "Accuracy against training reviews" in html
    assert len(files.read_json(work / "results" / "plan.json")["jobs"]) == 1 + 2 + 2
    assert not list((work / "results").rglob(".resume"))
    assert "Nothing to be done" in snakemake(work, "-n", *args).stdout
    # Sizes above the training split: 180 of the 240 test reviews held out, 60 moved into the pool.
    moved = [*args[:-1], "train_sizes=[40, 252]", "test_reviews=180", "results=results/moved", "epochs=2",
             "patience=1"]
    snakemake(work, "results/moved/curves.json", *moved)
    runs = pd.read_csv(work / "results" / "moved" / "sizes.csv")
    assert sorted(runs["train_samples"]) == [40, 252] and set(runs["test_samples"]) == {180}
    assert runs.set_index("train_samples")["train_from_test"].to_dict() == {40: 0, 252: 60}
