"""Where the texts come from, checked before any job and prepared once per source x num_words:
IMDB (keras, aclimdb: rnnbench/data/aclimdb.py) or one's own texts (table, folders:
rnnbench/data/texts.py), each returning the same tokenised arrays, so that nothing after `prepare`
knows where the texts came from."""

import hashlib
import os
import time
from pathlib import Path

import numpy as np

from rnnbench import RnnbenchError, files
from rnnbench.data import aclimdb, texts
from rnnbench.data.tokens import SPLITS, duplicates, encode_texts, label_ids, save_tokens

OWN = ("table", "folders")  # sources of texts of one's own (rnnbench/data/texts.py)
# Settings of how texts become tokens and labels; any not at its default names the data folder.
DATA_OPTIONS = {"labels": "sentiment", "tokenize": "words", **texts.DEFAULTS}


def source_digest(source, path):
    """sha256 of what the reviews come from: the archive's bytes, or a directory's listing of
    (name, size, mtime); for the keras source its fixed download."""
    if source == "keras":
        return "keras"
    path = Path(path)
    if path.is_dir():
        digest = hashlib.sha256()
        for file in sorted(path.rglob("*.txt")):
            stat = file.stat()
            digest.update(f"{file.relative_to(path)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()
    return files.sha256(path)


def options_of(config):
    """The config's data settings that are not at their defaults (DATA_OPTIONS)."""
    return {key: config[key] for key, default in DATA_OPTIONS.items() if config.get(key, default) != default}


def data_name(source, path, num_words, options=None):
    """The folder name of prepared data: a changed archive, or changed data settings, get a new
    folder and never overwrite the data (or the runs) made from the old one."""
    digest = source_digest(source, path)
    name = f"{source}-w{num_words}" if source == "keras" else f"{source}-{digest[:12]}-w{num_words}"
    if options:
        settings = hashlib.sha256(repr(sorted(options.items())).encode()).hexdigest()[:8]
        name += f"-{options['labels']}" if list(options) == ["labels"] else f"-o{settings}"
    return name


def check_source(source, path, options=None):
    """Fail early, with one line, on data that cannot be prepared. Returns its texts per split."""
    options = options or {}
    if source == "keras":
        aclimdb.check_keras()
        return {"train": 25000, "test": 25000}  # keras.datasets.imdb: the published split
    if source in OWN:
        reviews, _ = texts.read(source, path, options)
        label_ids({split: reviews[split][1] for split in SPLITS})
        return {split: len(reviews[split][0]) for split in SPLITS}
    if options.get("labels") == "rating":
        reviews, _ = aclimdb.read_aclimdb(path, "rating")
        return {split: len(reviews[split][0]) for split in SPLITS}
    counts = aclimdb.check_aclimdb(path)
    return {split: sum(n for (s, _), n in counts.items() if s == split) for split in SPLITS}


def data_path(config):
    """Where the texts are: aclimdb_path for source aclimdb, data_path for a table or folders."""
    if config["source"] == "aclimdb":
        return config["aclimdb_path"]
    return config["data_path"] if config["source"] in OWN else ""


def locate(config):
    """results/data/<source>-<sha256 of the archive, 12 digits>-w<num_words>[-<settings>], and its
    texts per split. Data not prepared yet is checked here (and its texts counted in that one
    read), so that broken data stops the workflow before any job touches results/. RnnbenchError,
    in one line, for data that cannot be prepared."""
    source, path, options = config["source"], data_path(config), options_of(config)
    key = "aclimdb_path" if source == "aclimdb" else "data_path"
    if source != "keras":
        if not path:
            example = "aclImdb_v1.tar.gz" if source == "aclimdb" else "texts.csv"
            raise RnnbenchError(f"source {source} needs {key}; add --config {key}={example}")
        if not os.path.exists(path):
            raise RnnbenchError(f"{key} {path} does not exist; point {key} at the "
                                + ("downloaded aclImdb_v1.tar.gz" if source == "aclimdb" else "texts"))
    if options.get("labels", "sentiment") != "sentiment" and source != "aclimdb":
        raise RnnbenchError(f"config labels: {options['labels']} is a setting of source aclimdb; "
                            f"a {source} source takes its labels from label_column or its folders")
    folder = f"results/data/{data_name(source, path, config['num_words'], options)}"
    meta = f"{folder}/tokens.json"
    reviews = ({split: counts["reviews"] for split, counts in files.read_json(meta).items() if split in SPLITS}
               if os.path.exists(meta) else check_source(source, path, options))
    return folder, reviews


def prepare(source, path, num_words, tokens_out, meta_out, options=None):
    """Read and tokenise the texts once; write the token file and what it was made from."""
    started = time.perf_counter()
    settings = dict(DATA_OPTIONS, **(options or {}))
    if source == "aclimdb":
        loaded, meta = aclimdb.load_aclimdb(path, num_words, settings["labels"], settings["tokenize"])
    elif source in OWN:
        reviews, invalid = texts.read(source, path, settings)
        loaded, meta = encode_texts(reviews, num_words, settings["tokenize"])
        meta["invalid_utf8"] = invalid
    else:
        loaded, meta = aclimdb.load_keras(num_words)
    if source != "keras":
        meta.update(source_sha256=source_digest(source, path), options=options or {})
    with files.atomic_path(tokens_out) as tmp:
        save_tokens(tmp, loaded)
    meta.update(source=source, path=str(path or ""), num_words=num_words, seconds=round(time.perf_counter() - started, 2))
    for split, (sequences, labels) in loaded.items():
        meta[split] = {"reviews": len(labels), "counts": np.bincount(labels, minlength=len(meta["classes"])).tolist(),
                       "empty": sum(len(s) <= 1 for s in sequences),
                       "mean_tokens": round(float(np.mean([len(s) for s in sequences])), 1)}
        if len(meta["classes"]) == 2:
            meta[split]["positive"] = int(labels.sum())
    meta["test"]["in_train"] = duplicates(loaded["train"][0], loaded["test"][0])
    files.write_json(meta_out, meta)
    print(f"prepared {meta['train']['reviews']} training and {meta['test']['reviews']} test reviews "
          f"from {source} in {meta['seconds']} s; {meta['invalid_utf8']} not valid UTF-8 (decoded with replacement)")
    return meta


def export(path, out, labels="sentiment"):
    """The aclImdb archive as a table (text, label, split), its rows in the reader's order: the same
    texts, labels and tokens through source table as through source aclimdb."""
    import pandas as pd

    reviews, _ = aclimdb.read_aclimdb(path, labels)
    frame = pd.concat([pd.DataFrame({"text": reviews[split][0], "label": reviews[split][1], "split": split})
                       for split in SPLITS], ignore_index=True)
    with files.atomic_path(out) as tmp:
        frame.to_csv(tmp, index=False)
    return len(frame)


if __name__ == "__main__":  # python -m rnnbench.data.sources export aclImdb_v1.tar.gz imdb.csv [rating]
    import sys

    if len(sys.argv) not in (4, 5) or sys.argv[1] != "export":
        sys.exit("usage: python -m rnnbench.data.sources export ARCHIVE OUT.csv [sentiment|rating]")
    print(f"{export(sys.argv[2], sys.argv[3], *sys.argv[4:]):,} texts written to {sys.argv[3]}")
