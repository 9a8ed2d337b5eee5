import numpy as np
import pytest

REFERENCE_N = 1024  # float32 matmul of two 1024 x 1024 matrices: 2.1 GFLOP


def reference_matmul():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((REFERENCE_N, REFERENCE_N), dtype=np.float32)
    b = rng.standard_normal((REFERENCE_N, REFERENCE_N), dtype=np.float32)
    return lambda: a @ b


@pytest.fixture
def reference():
    return reference_matmul()
