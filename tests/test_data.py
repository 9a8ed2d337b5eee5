import numpy as np
import pytest

from helpers import write_archive
from rnnbench import RnnbenchError
from rnnbench.data import aclimdb, padding, sources, tokens


def test_tokenize_drops_html_breaks_and_case():
    assert tokens.tokenize("Great film.<br /><br />It's GOOD!") == ["great", "film", "it's", "good"]


def test_vocabulary_ranks_by_frequency_and_reserves_ids():
    vocab = tokens.build_vocabulary([["b", "a", "b"], ["c", "b", "a"]], num_words=6)
    assert vocab == {"b": 4, "a": 5}  # ids 0-3 reserved; id 6 ('c') is not below num_words
    assert tokens.encode(["a", "c", "b"], vocab) == [tokens.START, 5, tokens.OOV, 4]


def test_directory_and_archive_read_the_same(aclimdb_tree, aclimdb_archive):
    tree, _ = aclimdb.load_aclimdb(aclimdb_tree, num_words=20)
    archive, meta = aclimdb.load_aclimdb(aclimdb_archive, num_words=20)
    assert meta["invalid_utf8"] == 0
    for split in tokens.SPLITS:
        assert len(tree[split][0]) == 24
        assert [list(s) for s in tree[split][0]] == [list(s) for s in archive[split][0]]
        np.testing.assert_array_equal(tree[split][1], archive[split][1])


def test_training_set_is_shuffled_so_the_validation_split_holds_both_classes(aclimdb_tree):
    loaded, _ = aclimdb.load_aclimdb(aclimdb_tree, num_words=20)
    labels = loaded["train"][1]
    assert labels.mean() == 0.5
    tail = labels[-len(labels) // 5:]  # what validation_split=0.2 takes
    assert 0 < tail.mean() < 1
    assert all(s[0] == tokens.START and max(s) < 20 for s in loaded["train"][0])


def test_invalid_utf8_is_replaced_and_counted_and_empty_review_kept(aclimdb_tree):
    (aclimdb_tree / "train" / "pos" / "0_9.txt").write_bytes(b"great \xff\xfe movie")
    (aclimdb_tree / "test" / "neg" / "0_1.txt").write_bytes(b"")
    loaded, meta = aclimdb.load_aclimdb(aclimdb_tree, num_words=50)
    assert meta["invalid_utf8"] == 1
    assert [tokens.START] in [list(s) for s in loaded["test"][0]]


def test_token_file_round_trip(tmp_path, aclimdb_tree):
    loaded, _ = aclimdb.load_aclimdb(aclimdb_tree, num_words=20)
    tokens.save_tokens(tmp_path / "t.npz", loaded)
    back = tokens.load_tokens(tmp_path / "t.npz")
    for split in tokens.SPLITS:
        assert [list(s) for s in back[split][0]] == [list(s) for s in loaded[split][0]]
        np.testing.assert_array_equal(back[split][1], loaded[split][1])


def test_pre_truncation_keeps_the_last_tokens_and_pads_in_front():
    padded = padding.pad([[1, 2, 3, 4, 5], [7, 8]], maxlen=3)
    np.testing.assert_array_equal(padded, [[3, 4, 5], [0, 7, 8]])
    np.testing.assert_array_equal(padding.pad([[1, 2, 3, 4, 5], [7, 8]], 3, "post", "post"), [[1, 2, 3], [7, 8, 0]])
    assert padding.pad([[]], maxlen=2).tolist() == [[0, 0]]


@pytest.mark.parametrize("side", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_padding_is_keras_pad_sequences(side, truncating):
    from keras.utils import pad_sequences

    rng = np.random.default_rng(0)
    sequences = [rng.integers(1, 10000, size=n).astype("int32") for n in [0, 1, 7, 20, 21, 500, 3]]
    for maxlen in (1, 20, 600):
        expected = pad_sequences(sequences, maxlen=maxlen, padding=side, truncating=truncating, dtype="int32")
        got = padding.pad(sequences, maxlen, side, truncating)
        assert got.dtype == expected.dtype and np.array_equal(got, expected)


@pytest.mark.parametrize("layout", ["missing", "not_tar", "truncated", "no_test", "empty_class"])
def test_bad_sources_fail_with_one_line(tmp_path, aclimdb_tree, aclimdb_archive, layout):
    import shutil

    path = {"missing": tmp_path / "nope.tar.gz", "not_tar": tmp_path / "x.tar.gz"}.get(layout, aclimdb_tree)
    if layout == "not_tar":
        path.write_text("not an archive")
    if layout == "truncated":
        path = tmp_path / "cut.tar.gz"
        path.write_bytes(aclimdb_archive.read_bytes()[:2000])
    if layout == "no_test":
        shutil.rmtree(aclimdb_tree / "test")
    if layout == "empty_class":
        shutil.rmtree(aclimdb_tree / "train" / "neg")
        (aclimdb_tree / "train" / "neg").mkdir()
    for check in (lambda: aclimdb.load_aclimdb(path, num_words=20), lambda: aclimdb.check_aclimdb(path)):
        with pytest.raises(RnnbenchError) as err:
            check()
        assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_prepared_data_is_named_by_the_content_it_was_made_from(tmp_path, aclimdb_tree, aclimdb_archive):
    name = sources.data_name("aclimdb", aclimdb_archive, 100)
    assert name == f"aclimdb-{sources.source_digest('aclimdb', aclimdb_archive)[:12]}-w100"
    assert sources.data_name("aclimdb", aclimdb_archive, 100) == name, "same bytes, same name"
    (aclimdb_tree / "test" / "pos" / "0_8.txt").write_text("changed review")
    write_archive(aclimdb_tree, aclimdb_archive)
    assert sources.data_name("aclimdb", aclimdb_archive, 100) != name, "changed archive at the same path"
    tree_name = sources.data_name("aclimdb", aclimdb_tree, 100)
    assert tree_name == sources.data_name("aclimdb", aclimdb_tree, 100) != sources.data_name("aclimdb", aclimdb_tree, 200)
    (aclimdb_tree / "test" / "pos" / "0_8.txt").write_text("changed again, longer")
    assert sources.data_name("aclimdb", aclimdb_tree, 100) != tree_name, "changed directory"
    assert aclimdb.check_aclimdb(aclimdb_archive)[("train", "pos")] == 12


def test_keras_source_offline_is_noticed_before_any_job(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    for proxy in ("https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setattr(aclimdb, "KERAS_URL", ("127.0.0.1", 9))  # nothing listens: as offline
    with pytest.raises(RnnbenchError, match="cannot be reached.*source=aclimdb") as err:
        aclimdb.check_keras()
    assert "\n" not in str(err.value)
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "imdb.npz").write_bytes(b"")
    aclimdb.check_keras()  # cached: no network needed


def test_keras_source_through_its_real_loader(tmp_path, monkeypatch):
    """keras.datasets.imdb.load_data runs for real; only the download returns a file we wrote."""
    import keras.src.datasets.imdb as keras_imdb

    rng = np.random.default_rng(0)
    seqs = lambda n: np.array([[int(i) for i in rng.integers(1, 40, rng.integers(3, 9))] for _ in range(n)], dtype=object)
    npz = tmp_path / "imdb.npz"
    np.savez(npz, x_train=seqs(10), y_train=np.arange(10) % 2, x_test=seqs(6), y_test=np.arange(6) % 2)
    monkeypatch.setattr(keras_imdb, "get_file", lambda *a, **k: str(npz))
    loaded, _ = aclimdb.load_keras(num_words=20)
    assert len(loaded["train"][0]) == 10 and len(loaded["test"][0]) == 6
    assert all(s[0] == tokens.START and max(s) < 20 for s in loaded["train"][0])


def test_keras_source_offline_says_how_to_use_aclimdb(monkeypatch):
    import keras.src.datasets.imdb as keras_imdb

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://example.invalid/imdb.npz: None -- [Errno -3]")

    monkeypatch.setattr(keras_imdb, "get_file", offline)
    with pytest.raises(RnnbenchError, match="source=aclimdb"):
        aclimdb.load_keras(num_words=20)


def test_atomic_write_leaves_nothing_when_it_fails(tmp_path):
    from rnnbench import files

    target = tmp_path / "out" / "metrics.json"
    files.write_json(target, {"a": 1})
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as tmp:
            tmp.write_text("{half")
            raise RuntimeError("killed mid-write")
    assert files.read_json(target) == {"a": 1}
    assert [p.name for p in target.parent.iterdir()] == ["metrics.json"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)
