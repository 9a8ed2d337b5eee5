"""One's own labelled texts: tables and class folders (rnnbench/data/texts.py), their labels and tokens
(rnnbench/data/), and the broken inputs that stop before any job."""

import json

import numpy as np
import pandas as pd
import pytest

from helpers import write_aclimdb
from rnnbench import RnnbenchError
from rnnbench.data import aclimdb, sources, texts, tokens

ROWS = [("a fine warm film", "pos", "train"), ("dull and long", "neg", "train"), ("warm and fine", "pos", "train"),
        ("long dull plot", "neg", "train"), ("so so", "meh", "train"), ("so so so", "meh", "train"),
        ("fine", "pos", "test"), ("dull", "neg", "test"), ("so", "meh", "test")]


def frame():
    return pd.DataFrame(ROWS, columns=["text", "label", "split"])


def write(frame, path):
    """The table in the format its extension names."""
    kind = texts.FORMATS[path.suffix]
    if kind == "CSV":
        frame.to_csv(path, index=False)
    elif kind == "TSV":
        frame.to_csv(path, sep="\t", index=False)
    elif kind == "JSON lines":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_parquet(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_every_table_format_reads_the_same_texts(tmp_path, suffix):
    reviews, invalid = texts.read_table(write(frame(), tmp_path / f"t{suffix}"), split_column="split")
    assert invalid == 0
    assert reviews["train"] == ([r[0] for r in ROWS[:6]], [r[1] for r in ROWS[:6]])
    assert reviews["test"] == ([r[0] for r in ROWS[6:]], [r[1] for r in ROWS[6:]])
    loaded, meta = tokens.encode_texts(reviews, num_words=50)
    assert meta["classes"] == ["meh", "neg", "pos"]  # sorted names: ids 0, 1, 2
    assert sorted(loaded["test"][1].tolist()) == [0, 1, 2]


def test_the_aclimdb_archive_as_a_table_gives_the_same_tokens(tmp_path, aclimdb_tree):
    for labels in ("sentiment", "rating"):
        table = tmp_path / f"imdb-{labels}.csv"
        assert sources.export(aclimdb_tree, table, labels) == 48
        reviews, _ = texts.read_table(table, split_column="split")
        from_table, meta_table = tokens.encode_texts(reviews, num_words=20)
        from_archive, meta = aclimdb.load_aclimdb(aclimdb_tree, num_words=20, labels=labels)
        assert meta["classes"] == meta_table["classes"] == (["neg", "pos"] if labels == "sentiment" else ["2", "8"])
        for split in tokens.SPLITS:
            assert [list(s) for s in from_table[split][0]] == [list(s) for s in from_archive[split][0]]
            np.testing.assert_array_equal(from_table[split][1], from_archive[split][1])


def test_star_ratings_are_eight_classes_in_order_of_stars(tmp_path):
    tree = write_aclimdb(tmp_path / "src", per_class=4)
    for split in tokens.SPLITS:
        for cls, stars in (("neg", [1, 2, 3, 4]), ("pos", [7, 8, 9, 10])):
            for i, path in enumerate(sorted((tree / split / cls).glob("*.txt"))):
                path.rename(path.with_name(f"{i}_{stars[i]}.txt"))
    loaded, meta = aclimdb.load_aclimdb(tree, num_words=30, labels="rating")
    assert meta["classes"] == ["1", "2", "3", "4", "7", "8", "9", "10"]  # by value: 10 last
    assert sorted(loaded["train"][1].tolist()) == list(range(8))
    (tree / "train" / "pos" / "0_7.txt").rename(tree / "train" / "pos" / "unrated.txt")
    with pytest.raises(RnnbenchError, match="no star rating in the file name"):
        aclimdb.load_aclimdb(tree, num_words=30, labels="rating")


def test_class_folders_with_and_without_a_split(tmp_path):
    for name, text in [("train/pos/1.txt", "fine film"), ("train/neg/1.txt", "dull"), ("test/pos/2.txt", "fine"),
                       ("test/neg/2.txt", "dull dull")]:
        (tmp_path / "split" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "split" / name).write_text(text)
    reviews, _ = texts.read_folders(tmp_path / "split")
    assert reviews["train"] == (["dull", "fine film"], ["neg", "pos"])
    assert reviews["test"] == (["dull dull", "fine"], ["neg", "pos"])
    for label in ("a", "b", "c"):
        (tmp_path / "flat" / label).mkdir(parents=True)
        for i in range(10):
            (tmp_path / "flat" / label / f"{i}.txt").write_text(f"{label} text {i}")
    reviews, _ = texts.read_folders(tmp_path / "flat", test_fraction=0.3)
    assert sorted(reviews["test"][1]) == ["a"] * 3 + ["b"] * 3 + ["c"] * 3  # 30% of each label
    assert len(reviews["train"][0]) == 21


def test_a_stratified_split_holds_out_each_labels_share_from_a_seed():
    labels = ["x"] * 90 + ["y"] * 10
    split = texts.stratified_split(labels, 0.2)
    assert list(split).count("test") == 20 and sum(s == "test" for s, v in zip(split, labels) if v == "y") == 2
    assert list(texts.stratified_split(labels, 0.2)) == list(split)
    assert "train" in texts.stratified_split(["z"], 0.9)  # a label of one text stays in training


def test_chinese_text_as_characters(tmp_path):
    rows = pd.DataFrame({"text": ["这部电影很好看", "太无聊了", "很好看的电影", "无聊的故事"],
                         "label": ["好", "差", "好", "差"], "split": ["train", "train", "test", "test"]})
    reviews, _ = texts.read_table(write(rows, tmp_path / "zh.csv"), split_column="split")
    assert tokens.tokenize("很好 看", "chars") == ["很", "好", "看"]
    assert tokens.tokenize("很好看", "words") == []  # why chars: words of a-z and digits only
    loaded, meta = tokens.encode_texts(reviews, num_words=40, unit="chars")
    assert meta["classes"] == ["好", "差"] and meta["vocabulary_size"] == 11  # by code point; 11 characters
    assert all(len(s) > 1 for s in loaded["test"][0])  # every character known or out of vocabulary


def test_prepare_records_classes_counts_and_test_texts_seen_in_training(tmp_path):
    rows = pd.concat([frame(), pd.DataFrame([("dull and long", "neg", "test")], columns=["text", "label", "split"])])
    table = write(rows, tmp_path / "t.csv")
    meta = sources.prepare("table", table, 50, tmp_path / "tokens.npz", tmp_path / "tokens.json", {"split_column": "split"})
    assert meta["classes"] == ["meh", "neg", "pos"] and meta["test"]["counts"] == [1, 2, 1]
    assert meta["test"]["in_train"] == 1 and "positive" not in meta["test"]
    assert json.loads((tmp_path / "tokens.json").read_text())["options"] == {"split_column": "split"}
    assert sources.data_name("table", table, 50, {"split_column": "split"}) != sources.data_name("table", table, 50)
    assert sources.data_name("aclimdb", table, 50, {"labels": "rating"}).endswith("-w50-rating")


def test_invalid_utf8_is_replaced_and_counted(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"text,label\nfine \xff film,pos\ndull,neg\nwarm,pos\nlong,neg\n")
    reviews, invalid = texts.read_table(path)
    assert invalid == 1 and "\ufffd" in "".join(reviews["train"][0] + reviews["test"][0])


@pytest.mark.parametrize("change, words", [
    (lambda f: f.rename(columns={"text": "body"}), "no column 'text' (config text_column); its columns are body, label"),
    (lambda f: f.assign(label="pos"), "one label only ('pos')"),
    (lambda f: f.assign(text=["  "] + list(f["text"][1:])), "1 rows with an empty 'text' (first: row 1"),
    (lambda f: f.assign(label=list(f["label"][:-1]) + ["new"]), "label 'new' is in the test split only"),
    (lambda f: f.assign(split=["train"] * len(f)), "no test texts"),
    (lambda f: f.assign(split=["train"] * (len(f) - 1) + ["dev"]), "split value 'dev' is neither train nor test"),
])
def test_a_broken_table_is_one_line(tmp_path, change, words):
    path = write(change(frame()), tmp_path / "t.csv")
    with pytest.raises(RnnbenchError, match=words.replace("(", r"\(").replace(")", r"\)")) as err:
        sources.check_source("table", path, {"split_column": "split"})
    assert "\n" not in str(err.value) and str(path) in str(err.value) or "label" in str(err.value)


@pytest.mark.parametrize("name, content, words", [
    ("t.parquet", b"text,label\na,b\n", "not a readable Parquet file"),
    ("t.jsonl", b"text,label\na,b\n", "not a readable JSON lines file"),
    ("t.xlsx", b"", "unknown table format '.xlsx'"),
])
def test_a_file_that_is_not_what_its_extension_says_is_one_line(tmp_path, name, content, words):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(RnnbenchError, match=words) as err:
        sources.check_source("table", tmp_path / name)
    assert "\n" not in str(err.value) and name in str(err.value)
