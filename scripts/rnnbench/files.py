"""Atomic file output: a reader never sees half a file, a failed job leaves none behind."""

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path


_UMASK = os.umask(0)
os.umask(_UMASK)
TEMPORARY = ".*.tmp*"  # the names atomic_path gives: .<name>.<random>.tmp<suffixes>
# Fault-injection knob (tests/faults.py): seconds each complete temporary file waits before its
# rename, so that a kill can be aimed at the moment an output is being written. Unset: no wait.
HOLD_SECONDS = float(os.environ.get("RNNBENCH_HOLD_WRITES") or 0)


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + "".join(path.suffixes), dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; the result is an ordinary file
    try:
        yield Path(tmp)
        if HOLD_SECONDS:
            time.sleep(HOLD_SECONDS)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def remove_temporaries(root, folders=()):
    """Delete what killed jobs left of their temporary files, directly in root and anywhere below
    root's given folders (kill -9 skips atomic_path's cleanup). Only while nothing can be writing
    there: Snakemake calls it at its start, under its lock, for the folders its jobs write."""
    left = list(Path(root).glob(TEMPORARY))
    for folder in folders:
        left += Path(root, folder).rglob(TEMPORARY)
    for path in left:
        path.unlink(missing_ok=True)
    return left


def write_text(path, text):
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path, obj):
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def write_csv(path, frame):
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def sha256(path, chunk=1 << 20):
    """Hash of a file, or of every file below a directory (names and contents)."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            digest.update(str(f.relative_to(path)).encode())
        with open(f, "rb") as fh:
            while block := fh.read(chunk):
                digest.update(block)
    return digest.hexdigest()
