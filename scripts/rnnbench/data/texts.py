"""Labelled texts of one's own: a table (CSV, TSV, JSON lines, Parquet) or a folder of class folders.

Both give what the aclImdb reader gives, {split: (texts, label names)}, for rnnbench/data/ to
tokenise, count and encode like the IMDB reviews. A table names its text and label columns and,
optionally, a split column (train/test); a folder is `<root>/<label>/*.txt`, optionally under
`train/` and `test/` (the aclImdb layout, generalised). Without a split, a seeded split stratified
by label holds out `test_fraction` of each class. Bytes that are not UTF-8 are decoded with
replacement and counted, as for the reviews. Every broken input is one line naming the file and
the fix, raised before any job (the workflow reads the data once to check it).
"""

import io
from pathlib import Path

import numpy as np

from rnnbench import RnnbenchError

SPLITS = ("train", "test")
SPLIT_SEED = 20231
FORMATS = {".csv": "CSV", ".tsv": "TSV", ".tab": "TSV", ".jsonl": "JSON lines", ".ndjson": "JSON lines",
           ".parquet": "Parquet", ".pq": "Parquet"}
DEFAULTS = {"text_column": "text", "label_column": "label", "split_column": None, "test_fraction": 0.2}


def _decoded(raw):
    """The text of bytes read as UTF-8, and how many lines were not (decoded with replacement)."""
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        bad = 0
        for line in raw.split(b"\n"):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad += 1
        return raw.decode("utf-8", errors="replace"), bad


def read_frame(path):
    """The table at `path` as a DataFrame of strings, read by its extension, and the lines that were
    not UTF-8."""
    import pandas as pd

    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise RnnbenchError(f"data_path {path}: unknown table format {path.suffix!r}; name it .csv, .tsv, "
                            ".jsonl or .parquet (or use source folders for a folder of class folders)")
    invalid = 0
    try:
        if kind == "Parquet":
            frame = pd.read_parquet(path)
        else:
            text, invalid = _decoded(path.read_bytes())
            if kind == "JSON lines":
                frame = pd.read_json(io.StringIO(text), lines=True, dtype=False)
            else:
                frame = pd.read_csv(io.StringIO(text), sep="\t" if kind == "TSV" else ",", dtype=str,
                                    keep_default_na=False)
    except Exception as err:  # pandas and pyarrow raise many kinds; each is the same fault here
        reason = (str(err).splitlines() or [type(err).__name__])[0][:160]
        raise RnnbenchError(f"data_path {path}: not a readable {kind} file ({reason}); "
                            f"check the file or give it the extension of its format") from None
    return frame, invalid


def _column(frame, path, setting, name):
    if name not in frame.columns:
        raise RnnbenchError(f"data_path {path}: no column {name!r} (config {setting}); its columns are "
                            f"{', '.join(map(str, frame.columns))}; set {setting} to one of them")
    return frame[name]


def stratified_split(labels, test_fraction, seed=SPLIT_SEED):
    """'train' or 'test' per item: round(test_fraction x n) of each label's items to test, drawn
    from the seed; a label of two texts or more has at least one in each split."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    split = np.full(len(labels), "train", dtype=object)
    for label in sorted(set(labels.tolist())):
        where = np.flatnonzero(labels == label)
        k = min(max(1, int(round(test_fraction * len(where)))), len(where) - 1)
        split[rng.permutation(where)[:k]] = "test"
    return split


def _splits(texts, labels, split, test_fraction, where):
    """{split: (texts, labels)} from per-item lists and a split per item (None: stratified)."""
    texts, labels = list(texts), [str(v) for v in labels]
    if split is None:
        split = stratified_split(labels, test_fraction)
    else:
        split = [str(s).strip().lower() for s in split]
        odd = sorted(set(split) - set(SPLITS))
        if odd:
            raise RnnbenchError(f"{where}: split value {odd[0]!r} is neither train nor test; use train and test "
                                "(or leave split_column out for a stratified split)")
    out = {s: ([t for t, k in zip(texts, split) if k == s], [v for v, k in zip(labels, split) if k == s])
           for s in SPLITS}
    for s in SPLITS:
        if not out[s][0]:
            raise RnnbenchError(f"{where}: no {s} texts; give both splits, or leave split_column out")
    return out


def read_table(path, text_column="text", label_column="label", split_column=None, test_fraction=0.2):
    """({split: (texts, label names)}, lines not UTF-8) of a table of labelled texts."""
    frame, invalid = read_frame(path)
    texts = _column(frame, path, "text_column", text_column)
    labels = _column(frame, path, "label_column", label_column)
    split = None if split_column is None else _column(frame, path, "split_column", split_column)
    empty = [i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()]
    if empty:
        raise RnnbenchError(f"data_path {path}: {len(empty)} rows with an empty {text_column!r} (first: row "
                            f"{empty[0] + 1} of the data); remove them or fill them in")
    missing = [i for i, v in enumerate(labels) if v is None or (isinstance(v, float) and np.isnan(v)) or str(v) == ""]
    if missing:
        raise RnnbenchError(f"data_path {path}: {len(missing)} rows without a {label_column!r} (first: row "
                            f"{missing[0] + 1} of the data); label them or remove them")
    return _splits(texts, labels, split, test_fraction, f"data_path {path}"), invalid


def read_folders(path, test_fraction=0.2):
    """({split: (texts, label names)}, files not UTF-8) of `<root>/<label>/*.txt`, or of
    `<root>/{train,test}/<label>/*.txt`; files sorted by name within each label."""
    root = Path(path)
    if not root.is_dir():
        raise RnnbenchError(f"data_path {root}: not a folder; source folders reads <folder>/<label>/*.txt "
                            "(or <folder>/train/<label>/*.txt and test/)")
    split_dirs = [root / s for s in SPLITS]
    tops = split_dirs if all(d.is_dir() for d in split_dirs) else [root]
    texts, labels, split, invalid = [], [], [], 0
    for top in tops:
        for folder in sorted(p for p in top.iterdir() if p.is_dir()):
            for file in sorted(folder.glob("*.txt")):
                text, bad = _decoded(file.read_bytes())
                invalid += bool(bad)
                if not text.strip():
                    raise RnnbenchError(f"data_path {file}: an empty text; remove the file or fill it in")
                texts.append(text)
                labels.append(folder.name)
                split.append(top.name if top is not root else None)
    if not texts:
        raise RnnbenchError(f"data_path {root}: no .txt files in label folders; expected <folder>/<label>/*.txt "
                            "(or <folder>/train/<label>/*.txt and test/)")
    return _splits(texts, labels, None if tops == [root] else split, test_fraction, f"data_path {root}"), invalid


def read(source, path, options):
    """What a table or folders source holds: ({split: (texts, label names)}, not UTF-8)."""
    settings = {key: options.get(key, default) for key, default in DEFAULTS.items()}
    if source == "folders":
        return read_folders(path, settings["test_fraction"])
    return read_table(path, **settings)
