"""Statistics shared by the tests (importable as `helpers`: tests/ is on sys.path via conftest)."""

import numpy as np
from scipy import stats


def pooled_chisquare(observed: np.ndarray, expected: np.ndarray) -> float:
    """Chi-square p-value with every state of expected count < 5 pooled into one bin."""
    small = expected < 5
    if small.any():
        observed = np.append(observed[~small], observed[small].sum())
        expected = np.append(expected[~small], expected[small].sum())
    return float(stats.chisquare(observed, expected).pvalue)
