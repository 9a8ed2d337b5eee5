"""The IMDB reviews from their two real sources: the aclImdb archive or directory as published
(by sentiment, or by star rating), and keras.datasets.imdb (the article's, downloaded once)."""

import collections
import os
import socket
import tarfile
from pathlib import Path

import numpy as np

from rnnbench import RnnbenchError
from rnnbench.data.tokens import CLASSES, INDEX_FROM, SPLITS, encode_texts


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


def load_aclimdb(path, num_words, labels="sentiment", unit="words"):
    """Sequences and labels for both splits, shuffled as keras.datasets.imdb shuffles them."""
    reviews, invalid = read_aclimdb(path, labels)
    data, meta = encode_texts(reviews, num_words, unit)
    return data, {"invalid_utf8": invalid, **meta}


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
