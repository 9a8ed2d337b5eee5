import signal

import pytest

from helpers import write_aclimdb, write_archive

# Ctrl-C as a terminal gives it: started in the background (`make test &`, nohup, a CI runner), this
# process and every Snakemake the tests start would inherit SIGINT ignored, and the tests that press
# Ctrl-C would see a run that never stops.
signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def aclimdb_tree(tmp_path):
    return write_aclimdb(tmp_path / "tree")


@pytest.fixture
def aclimdb_archive(tmp_path, aclimdb_tree):
    return write_archive(aclimdb_tree, tmp_path / "aclImdb_v1.tar.gz")
