"""The real IMDB data, when ../shared/data/aclImdb-labeled.tar.gz is beside the project."""

import json

import pytest

from helpers import REAL_DATA
from rnnbench.data import sources, tokens

pytestmark = pytest.mark.skipif(not REAL_DATA.exists(), reason=f"{REAL_DATA} is not here")


def test_prepare_the_real_archive(tmp_path):
    meta = sources.prepare("aclimdb", REAL_DATA, 10000, tmp_path / "tokens.npz", tmp_path / "tokens.json")
    assert json.loads((tmp_path / "tokens.json").read_text()) == meta
    for split in tokens.SPLITS:
        assert meta[split]["reviews"] == 25000 and meta[split]["positive"] == 12500
    assert meta["vocabulary_size"] == 9996 and meta["invalid_utf8"] == 0
    assert meta["source_sha256"] == "7662598ed0b34375977d4bdc14cdd7fb158dd2be7b43b99dd1f985a23f868066"
    loaded = tokens.load_tokens(tmp_path / "tokens.npz")
    labels = loaded["train"][1]
    assert 0.45 < labels[-5000:].mean() < 0.55  # the validation split holds both classes
    assert 200 < meta["train"]["mean_tokens"] < 280  # keras.datasets.imdb: about 239
