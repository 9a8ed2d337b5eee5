import random
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = ROOT.parent / "shared" / "data" / "aclImdb-labeled.tar.gz"
POSITIVE = "great excellent wonderful love superb moving".split()
NEGATIVE = "bad awful boring waste terrible dull".split()
FILLER = "the a film movie plot actor scene story it was and of to is".split()


def write_aclimdb(root, per_class=12, seed=0):
    """A tiny aclImdb tree: aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt, words tied to labels."""
    rng = random.Random(seed)
    base = Path(root) / "aclImdb"
    for split in ("train", "test"):
        for cls, words in (("pos", POSITIVE), ("neg", NEGATIVE)):
            folder = base / split / cls
            folder.mkdir(parents=True)
            for i in range(per_class):
                tokens = [rng.choice(FILLER + words) for _ in range(rng.randint(5, 60))]
                text = " ".join(tokens[:3]) + "<br /><br />" + " ".join(tokens[3:])
                (folder / f"{i}_{8 if cls == 'pos' else 2}.txt").write_text(text, encoding="utf-8")
    return base


def write_archive(tree, path):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(tree, arcname="aclImdb")
    return path


@pytest.fixture
def aclimdb_tree(tmp_path):
    return write_aclimdb(tmp_path / "tree")


@pytest.fixture
def aclimdb_archive(tmp_path, aclimdb_tree):
    return write_archive(aclimdb_tree, tmp_path / "aclImdb_v1.tar.gz")
