"""The XLA probe behind jit_compile "auto": both settings timed, the faster one chosen and used."""

import json

from rnnbench.training import probe

CFG = dict(num_words=60, embedding=8, units=8, batch_size=8, optimizer="rmsprop")


def test_probe_times_both_settings_and_chooses_the_faster():
    record = probe.probe("lstm", 20, CFG, 1)
    s = record["step_seconds"]
    assert s["xla"] > 0 and s["plain"] > 0
    assert record["xla"] is (s["xla"] < s["plain"])  # a JSON boolean, not a string of one
    assert json.loads(json.dumps(record, default=str))["xla"] is record["xla"]
    assert record["key"] == probe.machine_key(1) != probe.machine_key(2)


def test_auto_follows_the_probe_and_on_off_override_it(tmp_path):
    path = tmp_path / "lstm-maxlen20.json"
    path.write_text(json.dumps({"xla": False, "step_seconds": {"xla": 0.2, "plain": 0.1}}))
    assert probe.choice("lstm", "auto", path) is False   # the registry says XLA for LSTM; this machine not
    assert probe.choice("lstm", "on", path) is True
    assert probe.choice("bow", "auto") is False          # no probe: the registry's choice
    path.write_text(json.dumps({"xla": True}))
    assert probe.choice("bow", "auto", path) is False    # never XLA for bag-of-words under auto
