import pytest

from helpers import hear_ctrl_c, write_aclimdb, write_archive

hear_ctrl_c()


@pytest.fixture
def aclimdb_tree(tmp_path):
    return write_aclimdb(tmp_path / "tree")


@pytest.fixture
def aclimdb_archive(tmp_path, aclimdb_tree):
    return write_archive(aclimdb_tree, tmp_path / "aclImdb_v1.tar.gz")
