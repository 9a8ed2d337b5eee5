"""Token files padded to one maxlen: the arrays every training run reads."""

import numpy as np

from rnnbench import files
from rnnbench.data.tokens import load_tokens


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


def pad_file(tokens_path, out, maxlen, padding, truncating):
    with files.atomic_path(out) as tmp:
        save_padded(tmp, load_tokens(tokens_path), maxlen, padding, truncating)
