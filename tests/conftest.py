import pytest

from helpers import write_aclimdb, write_archive
from rnnbench.entry import hear_ctrl_c

hear_ctrl_c()  # started in the background, the tests that press Ctrl-C would see runs that never stop


@pytest.fixture
def aclimdb_tree(tmp_path):
    return write_aclimdb(tmp_path / "tree")


@pytest.fixture
def aclimdb_archive(tmp_path, aclimdb_tree):
    return write_archive(aclimdb_tree, tmp_path / "aclImdb_v1.tar.gz")


def pytest_collection_finish(session):
    """The SLURM test's workflow, mostly waiting on the cluster's status checks, starts in the
    background as soon as it is selected (tests/test_slurm.py)."""
    for item in session.items:
        module = getattr(item, "module", None)
        if module is not None and module.__name__ == "test_slurm" and module.up:
            session.config.stash[module.STARTED] = module.start()
            return
