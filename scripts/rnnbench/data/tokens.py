"""Texts turned into Keras-style id sequences, and the token file that holds them.

Ids follow `keras.datasets.imdb`: 0 padding, 1 start of review, 2 out of vocabulary, and the
word of frequency rank r (1 = most frequent in the training reviews) gets id r + 3; only ids
below `num_words` are kept, the rest become 2. Labels are ids 0..k-1 of the label names sorted
(numbers by value): neg 0 and pos 1 for IMDB, as keras.datasets.imdb has them.
"""

import collections
import re

import numpy as np

from rnnbench import RnnbenchError

START, OOV, INDEX_FROM = 1, 2, 3
SHUFFLE_SEED = 113  # the seed keras.datasets.imdb shuffles with
SPLITS = ("train", "test")
CLASSES = ("neg", "pos")  # label 0, label 1
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def tokenize(text, unit="words"):
    """Lower-case words of a review, HTML line breaks removed; or (unit chars) its characters but
    white space, for languages written without spaces between words."""
    text = _BREAK.sub(" ", text).lower()
    if unit == "chars":
        return [c for c in text if not c.isspace()]
    return _WORD.findall(text)


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


def duplicates(train, test):
    """Test texts whose tokens are those of a training text: what a model may have seen."""
    seen = {tuple(s) for s in train}
    return sum(tuple(s) in seen for s in test)


def words(tokens_path, split="train"):
    """Each text's words in a token file, less the start mark."""
    with np.load(tokens_path) as tokens:
        return np.diff(tokens[f"{split}_offsets"]) - 1
