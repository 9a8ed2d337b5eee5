import copy
import re
from pathlib import Path

import pytest
import yaml

from rnnbench import RnnbenchError, config

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
DEFAULTS = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def test_defaults_are_the_article():
    assert config.check(copy.deepcopy(DEFAULTS), SCHEMA) == DEFAULTS
    assert DEFAULTS["models"] == ["bow", "simple_rnn", "lstm", "gru", "tfidf_lr", "nbsvm"] and DEFAULTS["maxlens"] == [500, 1000]
    assert (DEFAULTS["num_words"], DEFAULTS["embedding"], DEFAULTS["units"], DEFAULTS["epochs"],
            DEFAULTS["batch_size"], DEFAULTS["optimizer"], DEFAULTS["validation_split"],
            DEFAULTS["truncating"]) == (10000, 32, 32, 10, 128, "rmsprop", 0.2, "pre")


def test_integer_lists_given_on_the_command_line_are_read_as_integers():
    cfg = dict(DEFAULTS, maxlens=["100", "200"])
    assert config.check(cfg, SCHEMA)["maxlens"] == [100, 200]


def test_a_search_given_on_the_command_line_is_read_with_numbers_and_the_default_space():
    cfg = dict(copy.deepcopy(DEFAULTS), search={"trials": "3", "batch_size": ["64"], "learning_rate": ["1e-4", "0.01"]})
    search = config.check(cfg, SCHEMA)["search"]
    assert search["trials"] == 3 and search["batch_size"] == [64] and search["learning_rate"] == [0.0001, 0.01]
    assert search["units"] == [16, 32, 64]


@pytest.mark.parametrize("change, words", [
    ({"modles": ["lstm"]}, "unknown config key 'modles'"),
    ({"epochs": "ten"}, "config epochs"),
    ({"models": ["lstm", "lstmm"]}, "choose from bow, bigram_bag, tfidf_lr, nbsvm, cnn, simple_rnn, lstm, gru, bilstm, transformer"),
    ({"maxlens": [0]}, "config maxlens[0]"),
    ({"maxlens": [2.5]}, "config maxlens[0]"),
    ({"models": []}, "config models is empty"),
    ({"seeds": []}, "config seeds is empty"),
    ({"epochs": 0}, "config epochs"),
    ({"batch_size": 0}, "config batch_size"),
    ({"models": ["lstm", "cnn"], "maxlens": [500, 20]}, "config maxlens: 20 is too short for model cnn, which needs at least 41"),
    ({"schedule": "converge", "patience": 12}, "config patience: 12 is not below epochs 10, the cap of schedule converge"),
    ({"schedule": "early"}, "config schedule: 'early' is not allowed; choose from article, converge"),
    ({"patience": 0}, "config patience"),
    ({"search": {"trials": 3, "dropout": [0.1]}}, "unknown config search key 'dropout'; known keys: trials, learning_rate"),
    ({"search": {"trials": 3, "learning_rate": [-0.1, 0.01]}}, "config search.learning_rate[0]: -0.1 is invalid"),
    ({"search": {"trials": 3, "learning_rate": [0.01, 0.001]}}, "config search.learning_rate: [0.01, 0.001] is not a range"),
    ({"search": {"trials": 0}}, "config search.trials: 0 is invalid"),
    ({"search": {"trials": 3, "units": []}}, "config search.units is empty"),
    ({"search": {"trials": 3}, "patience": 10}, "config patience: 10 is not below epochs 10, the cap of the search's trials"),
])
def test_bad_config_is_one_line_naming_the_key(change, words):
    with pytest.raises(RnnbenchError) as err:
        config.check(dict(copy.deepcopy(DEFAULTS), **change), SCHEMA)
    assert words in str(err.value) and "\n" not in str(err.value)


def documented_keys():
    """{key: default as written} from the table of config/README.md (rows `| `key` | `default` | ...`)."""
    rows = re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", (ROOT / "config" / "README.md").read_text(), re.M)
    return dict(rows)


def test_every_key_of_the_schema_is_documented_with_its_default():
    schema = yaml.safe_load(SCHEMA.read_text())
    documented = documented_keys()
    assert sorted(documented) == sorted(schema["properties"]), "config/README.md's table and the schema differ"
    for key, default in documented.items():
        assert yaml.safe_load(default or '""') == DEFAULTS[key], f"config/README.md: default of {key}"
