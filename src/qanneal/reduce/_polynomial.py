"""Internal: a ``dimod.BinaryPolynomial`` as plain Python data, checked once.

Labels become indices 0..n−1 (in ``poly.variables`` order) and every term a sorted
tuple of indices, so the reductions work on ints and tuples only and never compare
user labels (which may be of mixed, unorderable types).

Example:
    >>> import dimod
    >>> terms = read_polynomial(dimod.BinaryPolynomial({"ab": 2, "": 1, "abc": -1}, "SPIN"))
    >>> terms.labels, terms.offset, terms.biases
    (('a', 'b', 'c'), 1.0, {(0, 1): 2.0, (0, 1, 2): -1.0})
    >>> spin_to_binary({(0, 1): 1.0})
    (1.0, {(0,): -2.0, (1,): -2.0, (0, 1): 4.0})
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import dimod
import numpy as np

from qanneal.errors import FormulationError

Term = tuple[int, ...]
CHUNK_ENTRIES = 1 << 22  # rows × columns per block when evaluating many samples
MAX_DEGREE = 64  # the reductions' score tables stop here
MAX_EXPANSION = 1 << 16  # binary monomials a spin polynomial may expand into


@dataclass(frozen=True)
class Terms:
    """A polynomial over indices: ``offset + Σ bias · Π_{i ∈ term} v_i`` (nonzero biases,
    terms in sorted order so that nothing depends on the order of ``poly``'s items)."""

    labels: tuple[Hashable, ...]
    vartype: dimod.Vartype
    offset: float
    biases: dict[Term, float]

    @property
    def degree(self) -> int:
        return max((len(term) for term in self.biases), default=0)


def read_polynomial(poly: object) -> Terms:
    """Check a ``dimod.BinaryPolynomial`` and return it as :class:`Terms`."""
    if not isinstance(poly, dimod.BinaryPolynomial):
        raise FormulationError(
            f"expected a dimod.BinaryPolynomial, got {type(poly).__name__}; "
            "wrap it: dimod.BinaryPolynomial(terms, 'BINARY')"
        )
    labels = ordered_labels(poly.variables)
    index = {label: i for i, label in enumerate(labels)}
    offset = 0.0
    biases: dict[Term, float] = {}
    for term, raw in poly.items():
        bias = float(raw)
        if not math.isfinite(bias):
            raise FormulationError(
                f"term {tuple(term)!r} has bias {bias}; every bias must be a finite number"
            )
        if not term:
            offset += bias
        elif bias != 0.0:
            biases[tuple(sorted(index[v] for v in term))] = bias
    terms = Terms(labels, poly.vartype, offset, dict(sorted(biases.items())))
    if terms.degree > MAX_DEGREE:
        raise FormulationError(
            f"polynomial of degree {terms.degree}; the reductions handle degree ≤ {MAX_DEGREE}"
        )
    return terms


def expansion_size(biases: dict[Term, float]) -> int:
    """Binary monomials (before merging) that expanding these spin monomials gives."""
    return sum(2 ** len(term) for term in biases)


def ordered_labels(variables: Iterable[Hashable]) -> tuple[Hashable, ...]:
    """Labels in sorted order (by type name and repr when they do not compare), so that
    results never depend on set iteration order or hash seeds.

    >>> ordered_labels({"b", 2, "a", 1})
    (1, 2, 'a', 'b')
    """
    labels: list[Any] = list(variables)
    try:
        return tuple(sorted(labels))
    except TypeError:
        return tuple(sorted(labels, key=lambda v: (type(v).__name__, repr(v))))


def spin_to_binary(biases: dict[Term, float]) -> tuple[float, dict[Term, float]]:
    """Expand spin monomials with s = 2x − 1: b Π_S s = b Σ_{T ⊆ S} 2^|T| (−1)^(|S|−|T|) x_T.

    Returns (offset, binary biases); exact cancellations are dropped.
    """
    out: dict[Term, float] = {}
    offset = 0.0
    for term, bias in biases.items():
        degree = len(term)
        for size in range(degree + 1):
            coefficient = bias * 2.0**size * (-1.0) ** (degree - size)
            if size == 0:
                offset += coefficient
                continue
            for sub in itertools.combinations(term, size):
                out[sub] = out.get(sub, 0.0) + coefficient
    return offset, {term: bias for term, bias in out.items() if bias != 0.0}


def polynomial_energies(terms: Terms, values: np.ndarray) -> np.ndarray:
    """Energies of rows of ``values`` (columns in ``terms.labels`` order, poly's vartype)."""
    values = np.asarray(values, dtype=np.float64)
    energies = np.full(values.shape[0], terms.offset)
    by_degree: dict[int, list[tuple[Term, float]]] = {}
    for term, bias in terms.biases.items():
        by_degree.setdefault(len(term), []).append((term, bias))
    for degree, items in by_degree.items():
        index = np.array([term for term, _ in items], dtype=np.int64).reshape(len(items), degree)
        coefficients = np.array([bias for _, bias in items])
        step = max(1, CHUNK_ENTRIES // max(1, index.size))
        for start in range(0, values.shape[0], step):
            block = values[start : start + step]
            energies[start : start + step] += block[:, index].prod(axis=2) @ coefficients
    return energies
