"""Back-end for a HUBO in SPIN form, E(s) = Σ_t c_t Π_{i∈t} s_i, sampled natively.

The cache row of a slice holds the product Π_{i∈t} s_i of every term t. A flip of spin
i changes only the terms that contain it, each by −2 c_t Π_t; committing it negates
their products. This is what lets PIMC sample a polynomial without reducing it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qanneal.samplers.pimc._kernel_cache import kernel


class Polynomial(NamedTuple):
    """Term biases and the term–variable incidence, both ways, as CSR arrays."""

    term_biases: np.ndarray  # (T,) float64: c_t
    variable_term_starts: np.ndarray  # (n + 1,) int64: terms of spin i are [starts[i], [i+1])
    variable_terms: np.ndarray  # int64: the terms containing each spin
    term_variable_starts: np.ndarray  # (T + 1,) int64: spins of term t are [starts[t], [t+1])
    term_variables: np.ndarray  # int64: the spins of each term


@kernel()
def fill_cache(backend, spins, cache):
    for t in range(cache.shape[0]):
        product = 1.0
        for p in range(backend.term_variable_starts[t], backend.term_variable_starts[t + 1]):
            product *= spins[backend.term_variables[p]]
        cache[t] = product


@kernel()
def flip_energy(backend, spins, i, cache, work):
    total = 0.0
    for p in range(backend.variable_term_starts[i], backend.variable_term_starts[i + 1]):
        term = backend.variable_terms[p]
        total += backend.term_biases[term] * cache[term]
    return -2.0 * total


@kernel()
def commit_flip(backend, spins, i, cache, work):
    for p in range(backend.variable_term_starts[i], backend.variable_term_starts[i + 1]):
        term = backend.variable_terms[p]
        cache[term] = -cache[term]


@kernel()
def slice_energy(backend, spins, cache):
    total = 0.0
    for t in range(cache.shape[0]):
        total += backend.term_biases[t] * cache[t]
    return total
