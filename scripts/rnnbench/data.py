"""Labelled texts turned into Keras-style id sequences, then padded: IMDB reviews from two real
sources (keras, aclimdb: by sentiment or by star rating), or one's own texts (table, folders:
rnnbench/texts.py).

Ids follow `keras.datasets.imdb`: 0 padding, 1 start of review, 2 out of vocabulary, and the
word of frequency rank r (1 = most frequent in the training reviews) gets id r + 3; only ids
below `num_words` are kept, the rest become 2. Labels are ids 0..k-1 of the label names sorted
(numbers by value): neg 0 and pos 1 for IMDB, as keras.datasets.imdb has them.
"""

import collections
import hashlib
import os
import re
import socket
import tarfile
from pathlib import Path

import numpy as np

from rnnbench import RnnbenchError, files, measure, texts

START, OOV, INDEX_FROM = 1, 2, 3
SHUFFLE_SEED = 113  # the seed keras.datasets.imdb shuffles with
SPLITS = ("train", "test")
CLASSES = ("neg", "pos")  # label 0, label 1
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
OWN = ("table", "folders")  # sources of texts of one's own (rnnbench/texts.py)
# Settings of how texts become tokens and labels; any not at its default names the data folder.
DATA_OPTIONS = {"labels": "sentiment", "tokenize": "words", **texts.DEFAULTS}


def tokenize(text, unit="words"):
    """Lower-case words of a review, HTML line breaks removed; or (unit chars) its characters but
    white space, for languages written without spaces between words."""
    text = _BREAK.sub(" ", text).lower()
    if unit == "chars":
        return [c for c in text if not c.isspace()]
    return _WORD.findall(text)


# --- source: aclImdb (directory or .tar.gz) -------------------------------------------------

def _review_path(name):
    """('train', 'pos') for '.../aclImdb/train/pos/123_9.txt', else None."""
    parts = Path(name).parts
    if len(parts) >= 3 and parts[-3] in SPLITS and parts[-2] in CLASSES and parts[-1].endswith(".txt"):
        return parts[-3], parts[-2]
    return None


def _iter_archive(path):
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                key = _review_path(member.name) if member.isfile() else None
                if key:
                    yield key, member.name, tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as err:
        reason = str(err).splitlines()[0].rstrip(":")
        raise RnnbenchError(
            f"{path}: not a readable tar archive ({reason}); download aclImdb_v1.tar.gz again "
            "or point aclimdb_path at the unpacked aclImdb directory") from None


def _iter_directory(path):
    for file in sorted(Path(path).rglob("*.txt")):
        key = _review_path(file.relative_to(path))
        if key:
            yield key, str(file), file.read_bytes()


def _reviews(path):
    """(('train', 'pos'), name, raw bytes) of every labelled review in the directory or archive."""
    path = Path(path)
    if not path.exists():
        raise RnnbenchError(f"aclimdb_path {path} does not exist; download aclImdb_v1.tar.gz "
                            "and set aclimdb_path to it (or to its unpacked directory)")
    return _iter_directory(path) if path.is_dir() else _iter_archive(path)


def _check_layout(path, counts):
    for split in SPLITS:
        for cls in CLASSES:
            if not counts[split, cls]:
                raise RnnbenchError(f"{path}: no reviews in {split}/{cls}/; expected the aclImdb layout "
                                    "aclImdb/{train,test}/{pos,neg}/*.txt")


def check_aclimdb(path):
    """Read the archive or directory to its end and check its layout; raise RnnbenchError if broken."""
    counts = collections.Counter(key for key, _, _ in _reviews(path))
    _check_layout(path, counts)
    return dict(counts)


def _rating(name):
    """The stars of a review from its file name, <id>_<stars>.txt."""
    stars = Path(name).stem.rpartition("_")[2]
    if not stars.isdigit():
        raise RnnbenchError(f"{name}: no star rating in the file name (expected <id>_<stars>.txt); "
                            "use labels: sentiment for this data")
    return stars


def read_aclimdb(path, labels="sentiment"):
    """Read every labelled review. Returns ({split: (texts, label names)}, invalid_utf8_count): the
    names neg and pos, or (labels rating) the stars in each file's name, 1-4 and 7-10.

    Reviews come sorted by file name within each class, negative first, so the result does not
    depend on the order of the archive.
    """
    reviews = {(s, c): [] for s in SPLITS for c in CLASSES}
    invalid = 0
    for key, name, raw in _reviews(path):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text, invalid = raw.decode("utf-8", errors="replace"), invalid + 1
        reviews[key].append((name, text))
    _check_layout(path, {key: len(items) for key, items in reviews.items()})
    out = {}
    for split in SPLITS:
        ordered = [(name, text, cls) for cls in CLASSES for name, text in sorted(reviews[split, cls])]
        out[split] = ([text for _, text, _ in ordered],
                      [_rating(name) if labels == "rating" else cls for name, _, cls in ordered])
    return out, invalid


def build_vocabulary(token_lists, num_words):
    """Word -> id for the words whose id stays below num_words, most frequent first (ties by word)."""
    counts = collections.Counter(word for tokens in token_lists for word in tokens)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {word: rank + INDEX_FROM for rank, (word, _) in enumerate(ranked, start=1)
            if rank + INDEX_FROM < num_words}


def encode(tokens, vocabulary):
    return [START] + [vocabulary.get(word, OOV) for word in tokens]


def _shuffled(sequences, labels, rng):
    order = np.arange(len(sequences))
    rng.shuffle(order)
    return [sequences[i] for i in order], labels[order]


def _label_order(name):
    return (0, float(name), name) if re.fullmatch(r"-?\d+(\.\d+)?", name) else (1, 0.0, name)


def label_ids(names):
    """(the label names in id order, {split: ids}); a label seen only in the test split, or one label
    alone, is a one-line error."""
    classes = sorted(set(names["train"]), key=_label_order)
    unseen = sorted(set(names["test"]) - set(classes), key=_label_order)
    if unseen:
        raise RnnbenchError(f"label {unseen[0]!r} is in the test split only ({sum(n == unseen[0] for n in names['test'])} "
                            "texts): the models cannot learn it; add training texts with it or remove it")
    if len(classes) < 2:
        raise RnnbenchError(f"one label only ({classes[0]!r}) among the training texts: nothing to classify; "
                            "give texts of at least two labels")
    index = {name: i for i, name in enumerate(classes)}
    dtype = np.uint8 if len(classes) <= 256 else np.int32
    return classes, {split: np.array([index[n] for n in names[split]], dtype=dtype) for split in SPLITS}


def encode_texts(reviews, num_words, unit="words"):
    """Sequences and label ids for both splits from {split: (texts, label names)}, the vocabulary
    taken from the training texts, shuffled as keras.datasets.imdb shuffles them."""
    classes, labels = label_ids({split: reviews[split][1] for split in SPLITS})
    tokens = {split: [tokenize(t, unit) for t in reviews[split][0]] for split in SPLITS}
    vocabulary = build_vocabulary(tokens["train"], num_words)
    rng = np.random.RandomState(SHUFFLE_SEED)
    data = {}
    for split in SPLITS:
        sequences = [encode(t, vocabulary) for t in tokens[split]]
        data[split] = _shuffled(sequences, labels[split], rng)
    return data, {"vocabulary_size": len(vocabulary), "classes": classes}


def load_aclimdb(path, num_words, labels="sentiment", unit="words"):
    """Sequences and labels for both splits, shuffled as keras.datasets.imdb shuffles them."""
    reviews, invalid = read_aclimdb(path, labels)
    data, meta = encode_texts(reviews, num_words, unit)
    return data, {"invalid_utf8": invalid, **meta}


# --- source: keras.datasets.imdb ------------------------------------------------------------

def load_keras(num_words):
    """The article's data: keras.datasets.imdb, downloaded once into $KERAS_HOME/datasets."""
    from keras.datasets import imdb

    try:
        (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=num_words)
    except Exception as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        if "fetch failure" in first or isinstance(err, OSError):  # how keras.utils.get_file fails offline
            raise RnnbenchError(
                f"source 'keras': could not download imdb.npz ({first}); offline, use "
                "--config source=aclimdb aclimdb_path=/path/to/aclImdb_v1.tar.gz") from None
        raise RnnbenchError(f"source 'keras': imdb.npz could not be read ({first}); delete it from "
                            "$KERAS_HOME/datasets (default ~/.keras/datasets) and run again") from None
    data = {"train": ([list(s) for s in x_train], np.asarray(y_train, dtype=np.uint8)),
            "test": ([list(s) for s in x_test], np.asarray(y_test, dtype=np.uint8))}
    return data, {"invalid_utf8": 0, "vocabulary_size": num_words - INDEX_FROM - 1, "classes": list(CLASSES)}


KERAS_URL = ("storage.googleapis.com", 443)  # where keras.datasets.imdb downloads imdb.npz from


def check_keras():
    """Raise RnnbenchError if imdb.npz is neither cached nor downloadable."""
    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"), "datasets", "imdb.npz")
    if cache.exists() or os.environ.get("https_proxy") or os.environ.get("HTTPS_PROXY"):
        return  # behind a proxy only the download itself can tell
    try:
        socket.create_connection(KERAS_URL, timeout=5).close()
    except OSError as err:
        raise RnnbenchError(
            f"source 'keras': imdb.npz is not in {cache.parent} and {KERAS_URL[0]} cannot be reached ({err}); "
            "offline, use --config source=aclimdb aclimdb_path=/path/to/aclImdb_v1.tar.gz") from None


# --- provenance: what the prepared data was made from ---------------------------------------

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
        check_keras()
        return {"train": 25000, "test": 25000}  # keras.datasets.imdb: the published split
    if source in OWN:
        reviews, _ = texts.read(source, path, options)
        label_ids({split: reviews[split][1] for split in SPLITS})
        return {split: len(reviews[split][0]) for split in SPLITS}
    if options.get("labels") == "rating":
        reviews, _ = read_aclimdb(path, "rating")
        return {split: len(reviews[split][0]) for split in SPLITS}
    counts = check_aclimdb(path)
    return {split: sum(n for (s, _), n in counts.items() if s == split) for split in SPLITS}


# --- files: tokens once per (source, num_words), padded once per maxlen --------------------

def save_tokens(path, data):
    """Ragged sequences as flat values + offsets, with labels, in one .npz."""
    arrays = {}
    for split, (sequences, labels) in data.items():
        lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
        arrays[f"{split}_offsets"] = np.concatenate([[0], np.cumsum(lengths)])
        arrays[f"{split}_values"] = np.fromiter(
            (i for s in sequences for i in s), dtype=np.int32, count=int(lengths.sum()))
        arrays[f"{split}_labels"] = labels
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def load_tokens(path):
    with np.load(path) as f:
        return {split: (np.split(f[f"{split}_values"], f[f"{split}_offsets"][1:-1]), f[f"{split}_labels"])
                for split in SPLITS}


def pad(sequences, maxlen, padding="pre", truncating="pre"):
    """Keras's pad_sequences (int32, zeros), in NumPy: 'pre' truncation keeps the last maxlen
    tokens. Calling Keras's own cost each pad job an import of Keras, about 5 s of its 6 (AMD EPYC,
    2026-12-02); the arrays are the same (tests/test_data.py compares them)."""
    padded = np.zeros((len(sequences), maxlen), dtype="int32")
    for row, sequence in enumerate(sequences):
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        if len(kept):
            if padding == "pre":
                padded[row, maxlen - len(kept):] = kept
            else:
                padded[row, :len(kept)] = kept
    return padded


def save_padded(path, tokens, maxlen, padding, truncating):
    arrays = {}
    for split, (sequences, labels) in tokens.items():
        arrays[f"x_{split}"] = pad(sequences, maxlen, padding, truncating)
        arrays[f"y_{split}"] = labels
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def load_padded(path):
    with np.load(path) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def prepare(source, path, num_words, tokens_out, meta_out, options=None):
    """Read and tokenise the texts once; write the token file and what it was made from."""
    clock = measure.Clock()
    settings = dict(DATA_OPTIONS, **(options or {}))
    if source == "aclimdb":
        loaded, meta = load_aclimdb(path, num_words, settings["labels"], settings["tokenize"])
    elif source in OWN:
        reviews, invalid = texts.read(source, path, settings)
        loaded, meta = encode_texts(reviews, num_words, settings["tokenize"])
        meta["invalid_utf8"] = invalid
    else:
        loaded, meta = load_keras(num_words)
    if source != "keras":
        meta.update(source_sha256=source_digest(source, path), options=options or {})
    with files.atomic_path(tokens_out) as tmp:
        save_tokens(tmp, loaded)
    meta.update(source=source, path=str(path or ""), num_words=num_words, seconds=round(clock.seconds(), 2))
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


def duplicates(train, test):
    """Test texts whose tokens are those of a training text: what a model may have seen."""
    seen = {tuple(s) for s in train}
    return sum(tuple(s) in seen for s in test)


def export(path, out, labels="sentiment"):
    """The aclImdb archive as a table (text, label, split), its rows in the reader's order: the same
    texts, labels and tokens through source table as through source aclimdb."""
    import pandas as pd

    reviews, _ = read_aclimdb(path, labels)
    frame = pd.concat([pd.DataFrame({"text": reviews[split][0], "label": reviews[split][1], "split": split})
                       for split in SPLITS], ignore_index=True)
    with files.atomic_path(out) as tmp:
        frame.to_csv(tmp, index=False)
    return len(frame)


def words(tokens_path, split="train"):
    """Each text's words in a token file, less the start mark."""
    with np.load(tokens_path) as tokens:
        return np.diff(tokens[f"{split}_offsets"]) - 1


def pad_file(tokens_path, out, maxlen, padding, truncating):
    with files.atomic_path(out) as tmp:
        save_padded(tmp, load_tokens(tokens_path), maxlen, padding, truncating)


if __name__ == "__main__":  # python -m rnnbench.data export aclImdb_v1.tar.gz imdb.csv [rating]
    import sys

    if len(sys.argv) not in (4, 5) or sys.argv[1] != "export":
        sys.exit("usage: python -m rnnbench.data export ARCHIVE OUT.csv [sentiment|rating]")
    print(f"{export(sys.argv[2], sys.argv[3], *sys.argv[4:]):,} texts written to {sys.argv[3]}")
