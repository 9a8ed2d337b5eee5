"""One training run on tiny data: what it records, how it resumes, and that it is repeatable."""

import json

import numpy as np
import pandas as pd
import pytest

from rnnbench.data import padding
from rnnbench.training import cores, resume, train

CFG = dict(num_words=60, embedding=8, units=8, epochs=4, batch_size=8, validation_split=0.2,
           jit_compile="auto", optimizer="rmsprop", deterministic=False)


@pytest.fixture
def padded(tmp_path):
    rng = np.random.default_rng(0)
    seqs = [list(rng.integers(1, 60, rng.integers(3, 30))) for _ in range(80)]
    labels = (np.arange(80) % 2).astype(np.uint8)
    path = tmp_path / "maxlen20.npz"
    padding.save_padded(path, {"train": (seqs[:40], labels[:40]), "test": (seqs[40:], labels[40:])}, 20, "pre", "pre")
    return path


def fit(padded, out, model="lstm", seed=1, threads=2, **change):
    return train.run_to_files(padded, out / "history.csv", out / "metrics.json", model, 20, seed,
                              dict(CFG, **change), threads)


def test_a_run_records_its_figures(padded, tmp_path):
    metrics = fit(padded, tmp_path / "run")
    history = pd.read_csv(tmp_path / "run" / "history.csv")
    assert list(history.columns) == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds",
                                      "cpu_seconds", "other_cores", "steal", "disturbed"]
    assert list(history["epoch"]) == [1, 2, 3, 4]
    assert metrics["best_epoch"] == int(history["val_accuracy"].idxmax()) + 1
    assert metrics["best_val_accuracy"] == pytest.approx(history["val_accuracy"].max())
    steady = history[1:][~history["disturbed"][1:]]  # epochs that another process slowed are left out,
    assert metrics["seconds_per_epoch"] == pytest.approx((steady if len(steady) else history[1:])["seconds"].median())
    assert metrics["fit_seconds"] >= history["seconds"].sum()
    assert metrics["train_samples"] == 32 and metrics["test_samples"] == 40
    assert metrics["resumed"] is False and metrics["fingerprint"]["threads"] == 2
    assert "schedule" not in metrics and "stopped" not in metrics  # the article's schedule: as before
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["parameters"] == metrics["parameters"]
    state = tmp_path / "run" / resume.RESUME_DIR
    assert [p.name for p in state.glob("best-*.npz")] == [f"best-{metrics['best_epoch']}.npz"]

    # Run again before the state is dropped (Snakemake killed before it recorded the run): the
    # saved epochs stand and the same weights are evaluated again; nothing is trained.
    again = fit(padded, tmp_path / "run")
    assert again["resumed"] is True and again["resumed_at_epoch"] == 4
    assert again["test_accuracy"] == metrics["test_accuracy"] and again["best_epoch"] == metrics["best_epoch"]
    assert pd.read_csv(tmp_path / "run" / "history.csv").equals(history)
    assert resume.drop_state([tmp_path / "run"]) == [state] and not state.exists()


def fit_interrupted(padded, out, monkeypatch, epoch):
    """Ctrl-C at the start of the given (0-based) epoch, then the recorder as it is."""
    original = resume._recorder

    def interrupted(state_dir, patience=None):
        recorder = original(state_dir, patience)
        begin = recorder.on_epoch_begin

        def on_epoch_begin(e, logs=None):
            begin(e, logs)
            if e == epoch:
                raise KeyboardInterrupt
        recorder.on_epoch_begin = on_epoch_begin
        return recorder

    monkeypatch.setattr(train, "_recorder", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fit(padded, out)
    monkeypatch.setattr(train, "_recorder", original)


def test_an_interrupted_run_resumes_after_its_last_epoch(padded, tmp_path, monkeypatch):
    fit_interrupted(padded, tmp_path / "run", monkeypatch, epoch=2)  # in the middle of the third epoch
    assert not (tmp_path / "run" / "metrics.json").exists()
    assert resume.drop_state([tmp_path / "run"]) == [], "an interrupted run keeps its state"
    saved = json.loads((tmp_path / "run" / resume.RESUME_DIR / "epochs.json").read_text())
    assert [row["epoch"] for row in saved] == [1, 2]

    metrics = fit(padded, tmp_path / "run")
    history = pd.read_csv(tmp_path / "run" / "history.csv")
    assert metrics["resumed"] is True and metrics["resumed_at_epoch"] == 2
    assert list(history["epoch"]) == [1, 2, 3, 4]
    assert history["seconds"][:2].tolist() == pytest.approx([row["seconds"] for row in saved])
    assert metrics["fit_seconds"] >= history["seconds"].sum() - 1e-6


@pytest.mark.parametrize("accuracies, patience, stop", [
    ([0.5, 0.6, 0.6, 0.6], 2, 4),        # an equal accuracy is no improvement
    ([0.5, 0.6, 0.55, 0.7, 0.6], 2, None),
    ([0.5, 0.6, 0.55, 0.7, 0.6, 0.65], 2, 6),
    ([0.9, 0.8, 0.7], 1, 2),
    ([], 3, None),
])
def test_stop_epoch_counts_epochs_since_the_best(accuracies, patience, stop):
    assert resume.stop_epoch(accuracies, patience) == stop


def test_a_converge_run_stops_after_its_patience_and_a_rerun_stays_stopped(padded, tmp_path):
    """The stopping state survives a restart: run again from its kept state (a job killed after its
    files were written, before Snakemake recorded it), a stopped run trains no further epoch."""
    out = tmp_path / "run"
    metrics = fit(padded, out, epochs=40, schedule="converge", patience=2)
    history = pd.read_csv(out / "history.csv")
    assert metrics["schedule"] == "converge" and metrics["epochs_cap"] == 40 and metrics["stopped"] == "patience"
    assert len(history) == metrics["best_epoch"] + 2 < 40 and metrics["epochs"] == len(history)
    assert metrics["seconds_to_best"] <= metrics["fit_seconds"]
    again = fit(padded, out, epochs=40, schedule="converge", patience=2)
    assert again["resumed_at_epoch"] == len(history) and again["epochs"] == len(history)
    assert pd.read_csv(out / "history.csv")["val_accuracy"].tolist() == history["val_accuracy"].tolist()
    assert again["test_accuracy"] == metrics["test_accuracy"]


def test_a_checkpoint_cut_short_falls_back_to_the_one_before(padded, tmp_path, monkeypatch):
    """kill -9 while the weights file is being written: resume from the checkpoint before it."""
    fit_interrupted(padded, tmp_path / "run", monkeypatch, epoch=3)
    weights = next((tmp_path / "run" / resume.RESUME_DIR).glob("*.weights.h5"))
    weights.write_bytes(weights.read_bytes()[:300])  # the write of epoch 3's checkpoint cut short

    metrics = fit(padded, tmp_path / "run")
    assert metrics["resumed"] is True and metrics["resumed_at_epoch"] == 2
    assert list(pd.read_csv(tmp_path / "run" / "history.csv")["epoch"]) == [1, 2, 3, 4]


def test_ctrl_c_during_a_checkpoint_waits_for_it():
    import os
    import signal

    done = []
    with pytest.raises(KeyboardInterrupt):
        with resume._ctrl_c_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("checkpoint written")
    assert done == ["checkpoint written"]


@pytest.fixture
def op_determinism_undone():
    """deterministic: true switches TensorFlow's op determinism on for the whole process (a pipeline
    run has a process of its own); later tests must not inherit it, or Keras turns their XLA off."""
    yield
    from tensorflow.python.framework import config
    config.disable_op_determinism()


@pytest.mark.filterwarnings("ignore:Model doesn't support `jit_compile=True`")
def test_deterministic_turns_xla_off(padded, tmp_path, op_determinism_undone):
    metrics = fit(padded, tmp_path / "run", epochs=1, jit_compile="on", deterministic=True)
    assert metrics["fingerprint"]["xla"] is False and metrics["fingerprint"]["jit_compile_setting"] == "on"


@pytest.mark.parametrize("settings", [dict(jit_compile="auto"), dict(jit_compile="off", deterministic=True)],
                         ids=["xla-default", "xla-off-deterministic"])
def test_same_seed_same_history(padded, tmp_path, settings, op_determinism_undone):
    runs = [fit(padded, tmp_path / f"run{i}", **settings) for i in (1, 2)]
    histories = [pd.read_csv(tmp_path / f"run{i}" / "history.csv").drop(columns=train.TIMING_COLUMNS)
                 for i in (1, 2)]
    pd.testing.assert_frame_equal(*histories)
    assert runs[0]["test_accuracy"] == runs[1]["test_accuracy"]


def test_resume_state_of_other_settings_is_discarded(padded, tmp_path):
    state = tmp_path / "run" / resume.RESUME_DIR
    state.mkdir(parents=True)
    (state / "run.json").write_text('{"config": {"units": 64}}')
    (state / "epochs.json").write_text("[]")
    metrics = fit(padded, tmp_path / "run")
    assert metrics["resumed"] is False and metrics["epochs"] == 4


def test_disturbed_epochs_are_named(tmp_path, monkeypatch):
    """A child process holds a core busy during epochs 2 and 3: those epochs, and only those, are
    named in metrics.json and in the report's warnings, and left out of seconds per epoch."""
    import subprocess
    import sys

    import psutil

    from rnnbench.report import render

    from rnnbench.results import conditions

    rng = np.random.default_rng(1)
    seqs = [list(rng.integers(1, 60, 20)) for _ in range(1000)]
    labels = (np.arange(1000) % 2).astype(np.uint8)
    padded = tmp_path / "maxlen20.npz"  # 640 training steps of one review: epochs of about a second
    padding.save_padded(padded, {"train": (seqs[:800], labels[:800]), "test": (seqs[800:], labels[800:])}, 20, "pre", "pre")

    original, busy = resume._recorder, []

    def with_busy_core(state_dir, patience=None):
        recorder = original(state_dir, patience)
        begin, end = recorder.on_epoch_begin, recorder.on_epoch_end

        def on_epoch_begin(e, logs=None):
            if e == 1:
                busy.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
            begin(e, logs)

        def on_epoch_end(e, logs=None):
            end(e, logs)
            if e == 2:
                busy.pop().kill()
        recorder.on_epoch_begin, recorder.on_epoch_end = on_epoch_begin, on_epoch_end
        return recorder

    # The run pinned to a core of its own (threads 1; locks of its own, whatever else runs here): the
    # busy child inherits that core, and a process elsewhere on the machine is not counted.
    monkeypatch.setattr(cores, "LOCKS", tmp_path / "locks")
    monkeypatch.setattr(train, "_recorder", with_busy_core)
    runs = tmp_path / "runs" / "lstm" / "maxlen20"  # the layout load_histories reads
    others = psutil.cpu_percent(interval=1) / 100 * psutil.cpu_count()  # cores' worth; this test waits
    metrics = fit(padded, runs / "seed1", batch_size=1, threads=1)
    assert len(metrics["fingerprint"]["cpus"].split(",")) == 1
    monkeypatch.setattr(train, "_recorder", original)
    history = pd.read_csv(runs / "seed1" / "history.csv")
    shown = history[["epoch", "seconds", "other_cores"]]
    assert metrics["disturbed_epochs"] == history.loc[history["disturbed"], "epoch"].tolist()
    assert {2, 3} <= set(metrics["disturbed_epochs"]), shown
    assert history["other_cores"][3] < history["other_cores"][1:3].min(), shown  # the child's load ended
    # Only the child's epochs, where the machine had a core for this test: with two busy processes
    # beside make test, one of them took the run's core in epoch 1 as well (0.33 cores), rightly named.
    if others < 1.5:
        assert metrics["disturbed_epochs"] == [2, 3], shown
    if 4 not in metrics["disturbed_epochs"]:
        assert metrics["seconds_per_epoch"] == history["seconds"][3]  # the one quiet epoch after the first
    epochs = conditions._epochs(metrics["disturbed_epochs"])
    warnings = conditions.timing_warnings(pd.DataFrame([dict(metrics, **metrics["fingerprint"])]),
                                        render.load_histories([runs / "seed1" / "history.csv"]))
    assert any(f"during {epochs} of" in w for w in warnings), warnings

    # A run with no epoch disturbed has no such warning.
    quiet = render.load_histories([runs / "seed1" / "history.csv"]).assign(disturbed=False)
    warnings = conditions.timing_warnings(pd.DataFrame([dict(metrics, **metrics["fingerprint"], disturbed_epochs=[])]),
                                        quiet)
    assert not any("Other processes" in w for w in warnings), warnings
