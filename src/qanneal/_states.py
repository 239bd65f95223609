"""Enumeration of ±1 states: the one bit convention every exact computation shares.

Integer k stands for the state whose variable i is +1 when bit i of k is set and −1
otherwise (variable 0 is the least significant bit). The exact solvers, the Walsh
expansion, exact quantum annealing and the exact equilibrium-propagation phases all
enumerate with this module, so their truth tables line up index for index.

Example:
    >>> all_states(2).tolist()
    [[-1, -1], [1, -1], [-1, 1], [1, 1]]
"""

from __future__ import annotations

import numpy as np


def enumerate_states(start: int, stop: int, num_variables: int) -> np.ndarray:
    """±1 rows (int8) for the integers in [start, stop): bit i of the integer → variable i.

    >>> enumerate_states(2, 4, 2).tolist()
    [[-1, 1], [1, 1]]
    """
    integers = np.arange(start, stop, dtype=np.int64)[:, None]
    bits = (integers >> np.arange(num_variables, dtype=np.int64)[None, :]) & 1
    return (2 * bits - 1).astype(np.int8)


def all_states(num_variables: int) -> np.ndarray:
    """Every ±1 state of ``num_variables`` variables, a (2^n, n) int8 array in integer order."""
    return enumerate_states(0, 2**num_variables, num_variables)
