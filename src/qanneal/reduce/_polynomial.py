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
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import dimod
import numpy as np

from qanneal.errors import FormulationError

Term = tuple[int, ...]
CHUNK_ENTRIES = 1 << 22  # rows × columns per block when evaluating many samples
MAX_DEGREE = 64  # the reductions' score tables stop here
MAX_EXPANSION = 1 << 16  # binary monomials a spin polynomial may expand into
Parts = tuple[np.ndarray, np.ndarray]  # rows (m, size) of variable indices, biases (m,)


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


@dataclass
class Padded:
    """Terms as rows of an int array, ``index[t, :length[t]]`` (the rest is padding), for
    the kernels of :mod:`~qanneal.reduce._kernels`.

    >>> rows = Padded.of([(0, 1, 2), (3,)])
    >>> rows.index.tolist(), rows.length.tolist(), rows.terms()
    ([[0, 1, 2], [3, 0, 0]], [3, 1], [(0, 1, 2), (3,)])
    """

    index: np.ndarray
    length: np.ndarray

    @classmethod
    def of(cls, terms: Sequence[Term]) -> Padded:
        count = len(terms)
        length = np.fromiter(map(len, terms), dtype=np.int64, count=count)
        width = int(length.max(initial=0))
        index = np.zeros((count, width), dtype=np.int64)
        index[np.arange(width) < length[:, None]] = np.fromiter(
            itertools.chain.from_iterable(terms), dtype=np.int64, count=int(length.sum())
        )
        return cls(index, length)

    @classmethod
    def stack(cls, blocks: Sequence[np.ndarray]) -> Padded:
        """Rows of several (m_k, d_k) int arrays, one after the other."""
        width = max((block.shape[1] for block in blocks), default=0)
        count = sum(block.shape[0] for block in blocks)
        index = np.zeros((count, width), dtype=np.int64)
        length = np.zeros(count, dtype=np.int64)
        start = 0
        for block in blocks:
            stop = start + block.shape[0]
            index[start:stop, : block.shape[1]] = block
            length[start:stop] = block.shape[1]
            start = stop
        return cls(index, length)

    @classmethod
    def split(cls, biases: dict[Term, float]) -> tuple[Padded, np.ndarray]:
        """The terms of a {term: bias} dict as rows, and their biases."""
        values = np.fromiter(biases.values(), dtype=np.float64, count=len(biases))
        return cls.of(list(biases)), values

    def select(self, mask: np.ndarray) -> Padded:
        return Padded(self.index[mask], self.length[mask])

    def terms(self) -> list[Term]:
        rows, lengths = self.index.tolist(), self.length.tolist()
        return [tuple(row[:d]) for row, d in zip(rows, lengths, strict=True)]

    def copy(self) -> Padded:
        return Padded(self.index.copy(), self.length.copy())


def read_polynomial(poly: object) -> Terms:
    """Check a ``dimod.BinaryPolynomial`` and return it as :class:`Terms`."""
    if not isinstance(poly, dimod.BinaryPolynomial):
        raise FormulationError(
            f"expected a dimod.BinaryPolynomial, got {type(poly).__name__}; "
            "wrap it: dimod.BinaryPolynomial(terms, 'BINARY')"
        )
    labels = ordered_labels(poly.variables)
    position = {label: i for i, label in enumerate(labels)}.__getitem__
    items = list(poly.items())
    values = np.fromiter((raw for _, raw in items), dtype=np.float64, count=len(items))
    if not np.isfinite(values).all():
        term, raw = items[int(np.flatnonzero(~np.isfinite(values))[0])]
        raise FormulationError(
            f"term {tuple(term)!r} has bias {float(raw)}; every bias must be a finite number"
        )
    offset = 0.0
    biases: dict[Term, float] = {}
    for (term, _), bias in zip(items, values.tolist(), strict=True):
        if not term:
            offset += bias
        elif bias != 0.0:
            biases[tuple(sorted(map(position, term)))] = bias
    terms = Terms(labels, poly.vartype, offset, dict(sorted(biases.items())))
    if terms.degree > MAX_DEGREE:
        raise FormulationError(
            f"polynomial of degree {terms.degree}; the reductions handle degree ≤ {MAX_DEGREE}"
        )
    return terms


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

    Returns (offset, binary biases); exact cancellations are dropped. Every binary bias
    is summed over the spin terms in ``biases`` order (see :class:`SpinExpansion`).
    """
    return SpinExpansion(biases).monomials()


class SpinExpansion:
    """The binary expansion of spin monomials, for the monomials below any degree.

    The products of each spin term's factors are listed once per degree (vectorised per
    subset size); :meth:`binary` sums the ones of the terms below a degree.

    >>> expansion = SpinExpansion({(0, 1): 1.0, (0, 1, 2): 0.5})
    >>> offset, parts = expansion.binary(below=3)
    >>> offset, {size: (rows.tolist(), sums.tolist()) for size, (rows, sums) in parts.items()}
    (1.0, {1: ([[0], [1]], [-2.0, -2.0]), 2: ([[0, 1]], [4.0])})
    """

    def __init__(self, biases: dict[Term, float]) -> None:
        positions: dict[int, list[int]] = {}
        for position, term in enumerate(biases):
            positions.setdefault(len(term), []).append(position)
        values = np.fromiter(biases.values(), dtype=np.float64, count=len(biases))
        self.keys = list(biases)
        self.counts = {degree: len(where) for degree, where in positions.items()}
        self.offsets: dict[int, float] = {}
        self.groups: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # positions, biases
        for degree, where_list in positions.items():
            where = np.array(where_list, dtype=np.int64)
            self.offsets[degree] = float(values[where].sum()) * (-1.0) ** degree
            self.groups[degree] = (where, values[where])
        # degree → size → [(term positions, factor rows, coefficients)], made when needed
        self.parts: dict[int, dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]] = {}

    def _parts(self, degree: int) -> dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
        if degree not in self.parts:
            where, bias = self.groups[degree]
            index = np.array([self.keys[p] for p in where.tolist()], dtype=np.int64)
            index = index.reshape(-1, degree)
            by_size = self.parts[degree] = {}
            for size in range(1, degree + 1):
                coefficient = bias * (2.0**size * (-1.0) ** (degree - size))
                by_size[size] = [
                    (where, index[:, columns], coefficient)
                    for columns in itertools.combinations(range(degree), size)
                ]
        return self.parts[degree]

    def size(self, below: int = MAX_DEGREE + 1) -> int:
        """Binary monomials, before merging, of the spin terms of degree < ``below``."""
        return sum(count * 2**degree for degree, count in self.counts.items() if degree < below)

    def binary(self, below: int = MAX_DEGREE + 1) -> tuple[float, dict[int, Parts]]:
        """(offset, {size: (unique rows (m, size), biases (m,))}) of the expansion of the
        spin terms of degree < ``below``; exact cancellations dropped."""
        offset = sum(value for degree, value in self.offsets.items() if degree < below)
        collected: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
        for degree in self.groups:
            if 0 < degree < below:
                for size, parts in self._parts(degree).items():
                    collected.setdefault(size, []).extend(parts)
        out: dict[int, Parts] = {}
        for size in sorted(collected):
            parts = collected[size]
            where = np.concatenate([w for w, _, _ in parts])
            rows = np.concatenate([r for _, r, _ in parts])
            weights = np.concatenate([c for _, _, c in parts])
            key = _row_keys(rows)
            order = np.lexsort((where, key))  # equal rows together, in the order of the terms
            key, rows = key[order], rows[order]
            first = np.ones(len(key), dtype=np.bool_)
            first[1:] = key[1:] != key[:-1]
            sums = np.bincount(np.cumsum(first) - 1, weights=weights[order])
            keep = sums != 0.0
            out[size] = (rows[first][keep], sums[keep])
        return offset, out

    def monomials(self) -> tuple[float, dict[Term, float]]:
        """(offset, {binary monomial: bias}) of the whole expansion."""
        offset, parts = self.binary()
        out: dict[Term, float] = {}
        for rows, sums in parts.values():
            out.update(zip(map(tuple, rows.tolist()), sums.tolist(), strict=True))
        return offset, out


def _row_keys(rows: np.ndarray) -> np.ndarray:
    """An integer per row, equal iff the rows are (a mixed-radix number, or a rank)."""
    radix = int(rows.max(initial=0)) + 1
    if rows.shape[1] * math.log2(radix) < 62:
        weights = radix ** np.arange(rows.shape[1] - 1, -1, -1, dtype=np.int64)
        return rows @ weights
    return np.unique(rows, axis=0, return_inverse=True)[1].reshape(-1)


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
