"""Exact Walsh–Fourier expansion of any model's loss (``formulation.type = "walsh"``).

Every function of n spins has one expansion in parity monomials,

    f(s) = Σ_S f̂(S) Π_{i∈S} s_i,      f̂(S) = 2^{-n} Σ_s f(s) Π_{i∈S} s_i,

which is a HUBO (a ``dimod.BinaryPolynomial`` over SPIN variables). It is computed
from the truth table: the model's energy on all 2^n weight vectors, then a fast
Walsh–Hadamard transform (FWHT), O(n 2^n).

Index convention (the same as :func:`qanneal._states.enumerate_states`):
entry x of a truth table is the state whose spin i is s_i = +1 if bit i of x is 1 and
s_i = −1 if it is 0; entry S of a coefficient vector is the subset of the variables i
whose bit is set in S. With s_i = 2x_i − 1 (not the textbook (−1)^{x_i}) the butterfly
is (a, b) → (a + b, b − a): the coefficient of a subset containing i gets f(bit i = 1)
− f(bit i = 0).

Keeping only the monomials of degree ≤ k gives the orthogonal projection onto
polynomials of degree ≤ k: the best approximation in mean squared error over the
uniform distribution of states, whose error is the dropped weight Σ_{|S|>k} f̂(S)²
(Parseval). Coefficients with |f̂(S)| ≤ ``tolerance`` are dropped as well.

Example (majority of three spins = ½(s0 + s1 + s2) − ½ s0 s1 s2):
    >>> import numpy as np
    >>> from qanneal._states import enumerate_states
    >>> majority = np.sign(enumerate_states(0, 8, 3).sum(axis=1)).astype(float)
    >>> walsh_coefficients(majority).tolist()
    [0.0, 0.5, 0.5, 0.0, 0.5, 0.0, 0.0, -0.5]
"""

from __future__ import annotations

import contextlib
import functools
import gc
import operator
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import dimod
import numba
import numpy as np

from qanneal import _memory
from qanneal._states import enumerate_states
from qanneal.errors import ResourceError
from qanneal.models import BinaryModel

MAX_WALSH_VARIABLES = 24
"""Default limit on n: a float64 truth table of 2^24 entries is 128 MiB."""

_CHUNK_ENTRIES = 2**22  # states × max(patterns × widest layer, variables) per energy call
_TERM_CHUNK = 2**16  # monomials converted to frozensets at a time
_DICT_ENTRY_BYTES = 104  # the float bias (24) + a dict slot with growth slack (~80)
_FWHT_BLOCK = 2**12  # 32 KiB of float64: the low bits are transformed inside L1/L2


def walsh_polynomial(
    model: BinaryModel,
    *,
    max_degree: int | None = None,
    tolerance: float = 1e-12,
    max_variables: int = MAX_WALSH_VARIABLES,
) -> dimod.BinaryPolynomial:
    """The model's training loss as an exact SPIN polynomial over ``model.variables``.

    With ``max_degree = k`` the result is the best degree-≤k approximation of the loss
    in mean squared error over all 2^n states (uniform measure); that error equals the
    dropped spectral weight Σ_{|S|>k} f̂(S)². Coefficients with |f̂(S)| ≤ ``tolerance``
    are dropped (a variable whose terms all vanish does not appear); the constant is
    the empty-frozenset term. Refuses n > ``max_variables`` before allocating anything,
    and a polynomial that would not fit in the available memory.

    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, 1, 1]]), np.array([1]))
    >>> poly = walsh_polynomial(model)      # errors = Θ(−(w0 + w1 + w2))
    >>> for term, bias in sorted((sorted(term), bias) for term, bias in poly.items()):
    ...     print(term, bias)
    [] 0.5
    ['w[0]'] -0.25
    ['w[0]', 'w[1]', 'w[2]'] 0.25
    ['w[1]'] -0.25
    ['w[2]'] -0.25
    """
    _check_truncation(max_degree, tolerance)
    coefficients = truth_table(model, max_variables=max_variables)
    _fwht_inplace(coefficients)
    coefficients /= coefficients.size
    return coefficients_to_polynomial(
        coefficients, model.variables, max_degree=max_degree, tolerance=tolerance
    )


def truth_table(model: BinaryModel, *, max_variables: int = MAX_WALSH_VARIABLES) -> np.ndarray:
    """``model.energy`` on all 2^n states as float64, entry x ↔ state with s_i = 2·bit_i(x) − 1.

    States are scored in chunks, so memory beyond the table itself stays bounded.

    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(2, np.array([[1, -1]]), np.array([1]), loss="hinge", margin=1)
    >>> truth_table(model).tolist()     # Δ = w0 − w1 for (w0, w1) = (−,−), (+,−), (−,+), (+,+)
    [1.0, 0.0, 3.0, 1.0]
    """
    n = model.num_variables
    if n > max_variables:
        raise ResourceError(
            f"the Walsh expansion of {n} variables needs the loss on 2^{n} states "
            f"(limit max_variables = {max_variables}); use formulation 'symmetric' for a "
            "perceptron, 'hidden' for a BiNN, or 'native'"
        )
    # the table, then degrees, masks, indices and kept coefficients in coefficients_to_polynomial
    check_memory(32 * 2**n, f"the Walsh truth table of {n} variables", "use 'native'")
    size = 2**n
    width = max([model.num_inputs, *getattr(model, "hidden", [])])
    per_state = max(n, model.num_patterns * width, 1)
    chunk = 1 << max(0, (_CHUNK_ENTRIES // per_state).bit_length() - 1)
    table = np.empty(size, dtype=np.float64)
    for first in range(0, size, chunk):
        stop = min(first + chunk, size)
        energies = model.energy(enumerate_states(first, stop, n))
        table[first:stop] = np.asarray(energies, dtype=np.float64).reshape(-1)
    return table


def walsh_coefficients(values: np.ndarray) -> np.ndarray:
    """f̂ = FWHT(values)/2^n of a truth table of length 2^n (a new float64 array).

    Entry S of the result is the coefficient of Π_{i∈S} s_i (bit i of S set ↔ i ∈ S).

    >>> walsh_coefficients(np.array([0.0, 0.0, 0.0, 1.0])).tolist()   # AND of two spins
    [0.25, 0.25, 0.25, 0.25]
    """
    table = np.array(values, dtype=np.float64)  # always a copy
    if table.ndim != 1 or table.size == 0 or table.size & (table.size - 1):
        raise ValueError(f"a truth table has 2^n entries in one dimension, not {table.shape}")
    _fwht_inplace(table)
    table /= table.size
    return table


def coefficients_to_polynomial(
    coefficients: np.ndarray,
    labels: Sequence[Any],
    *,
    max_degree: int | None = None,
    tolerance: float = 1e-12,
) -> dimod.BinaryPolynomial:
    """SPIN polynomial of a coefficient vector indexed by subsets (bit i ↔ ``labels[i]``).

    Keeps |c| > ``tolerance`` and degree ≤ ``max_degree``; refuses (ResourceError) a
    polynomial that would not fit in the available memory.

    >>> poly = coefficients_to_polynomial(np.array([1.0, 0.0, 0.5, -2.0]), ["a", "b"])
    >>> sorted((sorted(term), bias) for term, bias in poly.items())
    [([], 1.0), (['a', 'b'], -2.0), (['b'], 0.5)]
    """
    _check_truncation(max_degree, tolerance)
    n = len(labels)
    if coefficients.shape != (2**n,):
        raise ValueError(f"{n} labels need 2^{n} coefficients, not {coefficients.shape}")
    degrees = subset_degrees(n)
    keep = (coefficients > tolerance) | (coefficients < -tolerance)  # no float temporary
    if max_degree is not None:
        keep &= degrees <= max_degree
    indices = np.flatnonzero(keep)
    counts = np.bincount(degrees[indices], minlength=n + 1)
    needed = sum(int(count) * monomial_bytes(k) for k, count in enumerate(counts))
    check_memory(
        needed,
        f"a Walsh polynomial of {indices.size:,} monomials",
        "lower max_degree, raise tolerance, or use formulation 'native'",
    )
    terms = _subset_terms(indices, coefficients[indices], list(labels))
    with gc_paused():
        return dimod.BinaryPolynomial(terms, dimod.SPIN)


def subset_degrees(num_variables: int) -> np.ndarray:
    """|S| (the popcount) of every subset index 0 … 2^n − 1, as uint8.

    >>> subset_degrees(3).tolist()
    [0, 1, 1, 2, 1, 2, 2, 3]
    """
    degrees = np.zeros(2**num_variables, dtype=np.uint8)
    for bit in range(num_variables):
        half = 1 << bit
        degrees[half : 2 * half] = degrees[:half] + 1
    return degrees


@functools.cache
def monomial_bytes(degree: int) -> int:
    """Estimated bytes of one monomial of this degree in a ``dimod.BinaryPolynomial``.

    The frozenset is measured on this interpreter (CPython: 216 bytes up to 4
    variables, 728 up to 18); the float bias and the dict slot add ~104.

    >>> monomial_bytes(3) < monomial_bytes(12)
    True
    """
    return sys.getsizeof(frozenset(range(degree))) + _DICT_ENTRY_BYTES


def check_memory(needed: int, what: str, hint: str) -> None:
    """Raise ResourceError when ``needed`` bytes exceed the available memory."""

    have = _memory.available_memory()
    if needed > have:
        raise ResourceError(
            f"{what}: about {needed / 2**30:.3g} GiB needed but {have / 2**30:.1f} GiB "
            f"available; {hint}"
        )


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of frozensets are created.

    None of them can form a cycle, but their allocation triggers collections whose
    cost grows with the heap: pausing halves the time to build a large polynomial.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_truncation(max_degree: int | None, tolerance: float) -> None:
    if max_degree is not None and max_degree < 0:
        raise ValueError(f"max_degree = {max_degree} must be >= 0 (or None for no limit)")
    if not tolerance >= 0:
        raise ValueError(f"tolerance = {tolerance} must be >= 0")


def _subset_terms(
    indices: np.ndarray, biases: np.ndarray, labels: list[Any]
) -> Iterator[tuple[frozenset[Any], float]]:
    """(frozenset of labels, float bias) per subset index, built chunk by chunk.

    Each index is split into a low and a high half whose label tuples are looked up
    in two tables of 2^(n/2) entries, so no Python loop runs over the bits.
    """
    split = len(labels) // 2
    low_table, high_table = _label_tuples(labels[:split]), _label_tuples(labels[split:])
    low_mask = (1 << split) - 1
    for start in range(0, indices.size, _TERM_CHUNK):
        chunk = indices[start : start + _TERM_CHUNK]
        lows = map(low_table.__getitem__, (chunk & low_mask).tolist())
        highs = map(high_table.__getitem__, (chunk >> split).tolist())
        terms = map(frozenset, map(operator.add, lows, highs))
        yield from zip(terms, biases[start : start + _TERM_CHUNK].tolist(), strict=True)


def _label_tuples(labels: list[Any]) -> list[tuple[Any, ...]]:
    """Entry x: the tuple of labels[i] for the bits i set in x."""
    table: list[tuple[Any, ...]] = [()]
    for label in labels:
        table += [(*subset, label) for subset in table]
    return table


def _fwht_inplace(values: np.ndarray) -> None:
    """Unnormalised FWHT of a float64 array of length 2^n, in place (see module docstring)."""
    _fwht_kernel(values, min(values.size, _FWHT_BLOCK))


@numba.njit(cache=True)
def _fwht_kernel(values: np.ndarray, block: int) -> None:  # pragma: no cover - compiled
    size = values.size
    # bits below log2(block): every butterfly of a block stays inside the block (cache)
    for base in range(0, size, block):
        half = 1
        while half < block:
            for start in range(base, base + block, 2 * half):
                for j in range(start, start + half):
                    a, b = values[j], values[j + half]
                    values[j], values[j + half] = a + b, b - a
            half *= 2
    # higher bits, two at a time (radix 4) while possible: half the passes over memory
    half = block
    while half < size:
        if 4 * half <= size:
            for start in range(0, size, 4 * half):
                for j in range(start, start + half):
                    a, b = values[j], values[j + half]
                    c, d = values[j + 2 * half], values[j + 3 * half]
                    low_sum, low_diff, high_sum, high_diff = a + b, b - a, c + d, d - c
                    values[j], values[j + half] = low_sum + high_sum, low_diff + high_diff
                    values[j + 2 * half] = high_sum - low_sum
                    values[j + 3 * half] = high_diff - low_diff
            half *= 4
        else:
            for start in range(0, size, 2 * half):
                for j in range(start, start + half):
                    a, b = values[j], values[j + half]
                    values[j], values[j + half] = a + b, b - a
            half *= 2


__all__ = [
    "MAX_WALSH_VARIABLES",
    "check_memory",
    "coefficients_to_polynomial",
    "gc_paused",
    "monomial_bytes",
    "subset_degrees",
    "truth_table",
    "walsh_coefficients",
    "walsh_polynomial",
]
