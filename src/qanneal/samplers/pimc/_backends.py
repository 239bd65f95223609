"""Energy back-ends shared by the PIMC and SA kernels: numba functions over flat arrays.

Every back-end answers the same four questions about one Trotter slice (a ±1 row
``s`` and its cache row ``cache``): fill the cache, the energy change of flipping
spin ``i``, commit that flip to the cache (called *before* ``s[i]`` changes), and the
slice energy. The back-end is chosen by an integer ``code`` and its data travel in
the same argument slots, so one driver kernel serves all of them:

==========  ================================  ===================================
code        data                              cache row (per slice)
==========  ================================  ===================================
BQM  (0)    f1 = h, f2 = J of CSR (i1, i2)    local field h_i + Σ_j J_ij s_j
HUBO (1)    f1 = term biases; i1/i2 variable  product Π_{i∈t} s_i of every term
            → terms CSR, i3/i4 term → vars
PERCEPTRON  f1 = columns y_μ ξ_μi, (n, P)     stability Δ_μ of every pattern
(2)         flattened; loss = (code, κ, fan)
==========  ================================  ===================================

The polynomial back-end is what lets PIMC sample a HUBO natively: a flip of spin i
changes only the terms containing i, each by −2 c_t Π_t.
"""

from __future__ import annotations

import numba
import numpy as np

from qanneal.models.losses import pattern_loss_scalar

BQM, HUBO, PERCEPTRON = 0, 1, 2


@numba.njit(cache=True)
def fill_cache(code, s, f1, f2, i1, i2, i3, i4, loss, cache):
    """Compute the cache row of slice ``s`` from scratch."""
    n = s.shape[0]
    if code == BQM:
        for i in range(n):
            total = f1[i]
            for p in range(i1[i], i1[i + 1]):
                total += f2[p] * s[i2[p]]
            cache[i] = total
    elif code == HUBO:
        for t in range(cache.shape[0]):
            product = 1.0
            for p in range(i3[t], i3[t + 1]):
                product *= s[i4[p]]
            cache[t] = product
    else:
        num_patterns = cache.shape[0]
        for mu in range(num_patterns):
            cache[mu] = 0.0
        for i in range(n):
            for mu in range(num_patterns):
                cache[mu] += s[i] * f1[i * num_patterns + mu]


@numba.njit(cache=True, inline="always")
def flip_energy(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache):
    """Energy change of flipping s[i] in one slice."""
    if code == BQM:
        return -2.0 * s[i] * cache[i]
    if code == HUBO:
        total = 0.0
        for p in range(i1[i], i1[i + 1]):
            t = i2[p]
            total += f1[t] * cache[t]
        return -2.0 * total
    num_patterns = cache.shape[0]
    step = -2.0 * s[i]
    code_loss, margin, fan_in = int(loss[0]), loss[1], loss[2]
    total = 0.0
    base = i * num_patterns
    for mu in range(num_patterns):
        new = cache[mu] + step * f1[base + mu]
        total += pattern_loss_scalar(code_loss, new, margin, fan_in)
        total -= pattern_loss_scalar(code_loss, cache[mu], margin, fan_in)
    return total


@numba.njit(cache=True, inline="always")
def commit_flip(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache):
    """Update the cache for the flip of s[i]; call before changing s[i]."""
    if code == BQM:
        change = -2.0 * s[i]
        for p in range(i1[i], i1[i + 1]):
            cache[i2[p]] += f2[p] * change
    elif code == HUBO:
        for p in range(i1[i], i1[i + 1]):
            cache[i2[p]] = -cache[i2[p]]
    else:
        num_patterns = cache.shape[0]
        step = -2.0 * s[i]
        base = i * num_patterns
        for mu in range(num_patterns):
            cache[mu] += step * f1[base + mu]


@numba.njit(cache=True)
def slice_energy(code, s, f1, f2, i1, i2, i3, i4, loss, cache):
    """Energy of one slice from its cache (no offset)."""
    total = 0.0
    if code == BQM:
        for i in range(s.shape[0]):
            total += s[i] * (f1[i] + 0.5 * (cache[i] - f1[i]))
    elif code == HUBO:
        for t in range(cache.shape[0]):
            total += f1[t] * cache[t]
    else:
        code_loss, margin, fan_in = int(loss[0]), loss[1], loss[2]
        for mu in range(cache.shape[0]):
            total += pattern_loss_scalar(code_loss, cache[mu], margin, fan_in)
    return total


def cache_width(code: int, num_variables: int, f1: np.ndarray, i3: np.ndarray) -> int:
    """Length of one slice's cache row for a back-end."""
    if code == BQM:
        return num_variables
    if code == HUBO:
        return len(i3) - 1
    return len(f1) // max(1, num_variables)


@numba.njit(cache=True)
def single_flip_energies(code, s, f1, f2, i1, i2, i3, i4, loss, cache_width):
    """ΔE of flipping each spin of state ``s`` (for default temperature scales)."""
    cache = np.zeros(cache_width)
    fill_cache(code, s, f1, f2, i1, i2, i3, i4, loss, cache)
    changes = np.zeros(s.shape[0])
    for i in range(s.shape[0]):
        changes[i] = flip_energy(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache)
    return changes
