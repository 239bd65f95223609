"""Internal: accumulate a QUBO over indices in plain dicts, build the dimod BQM once.

Indices 0..n−1 are the polynomial's variables, n, n+1, ... the auxiliaries in the
order they were created. Every gadget auxiliary enters the energy as
``w · (constant + Σ weight_i x_i)`` (:meth:`QuadraticBuilder.add_gadget`), which is
also what :class:`~qanneal.reduce.info.Auxiliary` records for decoding.

Example:
    >>> import dimod
    >>> builder = QuadraticBuilder(["a", "b", "c"])
    >>> w = builder.add_gadget("freedman", (0, 1, 2), 0, 2.0, [(0, -1.0), (1, -1.0), (2, -1.0)])
    >>> bqm = builder.to_bqm(dimod.BINARY)
    >>> float(bqm.energy({"a": 1, "b": 1, "c": 1, "freedman[0]": 1}))
    -1.0
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import dimod
import numpy as np

from qanneal.errors import FormulationError
from qanneal.reduce._polynomial import (
    MAX_EXPANSION,
    Padded,
    SpinExpansion,
    Term,
    Terms,
)
from qanneal.reduce.info import Auxiliary

HELPER = "spin-product-helper"
SMALL_MODEL = 256  # interactions up to which to_bqm builds from dicts (faster when small)


@dataclass
class AuxRecord:
    """An auxiliary over indices (converted to an :class:`Auxiliary` at the end)."""

    kind: str
    factors: tuple[int, int] | None = None
    term: Term | None = None
    group: int = 0
    rank: int = 0
    penalty: float | None = None
    coefficient: tuple[float, tuple[tuple[int, float], ...]] | None = None


class QuadraticBuilder:
    """Linear and quadratic biases and an offset over indices, plus auxiliary records."""

    def __init__(self, labels: Iterable[Hashable]) -> None:
        self.labels = list(labels)
        self.num_original = len(self.labels)
        self.linear: dict[int, float] = {}
        self.quadratic: dict[tuple[int, int], float] = {}
        self.offset = 0.0
        self.records: list[AuxRecord] = []
        self.gadget_terms = 0
        self.chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (i, j, bias)
        self._labels: list[Hashable] | None = None

    @property
    def num_variables(self) -> int:
        return self.num_original + len(self.records)

    def add_linear(self, i: int, bias: float) -> None:
        self.linear[i] = self.linear.get(i, 0.0) + bias

    def add_quadratic(self, i: int, j: int, bias: float) -> None:
        key = (i, j) if i < j else (j, i)
        self.quadratic[key] = self.quadratic.get(key, 0.0) + bias

    def add_term(self, term: Term, bias: float) -> None:
        """A term of degree 0, 1 or 2."""
        if len(term) == 2:
            self.add_quadratic(term[0], term[1], bias)
        elif len(term) == 1:
            self.add_linear(term[0], bias)
        elif not term:
            self.offset += bias
        else:
            raise AssertionError(f"term {term} of degree {len(term)} reached the builder")

    def add_terms(self, rows: Padded, biases: np.ndarray) -> None:
        """Terms of degree 0, 1 or 2 in bulk (rows of ``rows``; summed in :meth:`to_bqm`)."""
        length = rows.length
        if not len(length):
            return
        if int(length.max()) > 2:
            raise AssertionError("a term of degree ≥ 3 reached the builder")
        self.offset += float(biases[length == 0].sum())
        index = rows.index
        linear, quadratic = length == 1, length == 2
        if linear.any():
            i = index[linear, 0]
            self.chunks.append((i, i, biases[linear]))
        if quadratic.any():
            i, j = index[quadratic, 0], index[quadratic, 1]
            self.chunks.append((np.minimum(i, j), np.maximum(i, j), biases[quadratic]))

    def add_product(self, a: int, b: int, penalty: float) -> int:
        """A Rosenberg product y = x_a x_b: penalty · (x_a x_b − 2 x_a y − 2 x_b y + 3 y)."""
        y = self.new_auxiliary(AuxRecord("product", factors=(a, b), penalty=penalty))
        self.add_quadratic(a, b, penalty)
        self.add_quadratic(a, y, -2.0 * penalty)
        self.add_quadratic(b, y, -2.0 * penalty)
        self.add_linear(y, 3.0 * penalty)
        return y

    def add_gadget(
        self,
        kind: str,
        term: Term,
        rank: int,
        constant: float,
        weights: Sequence[tuple[int, float]],
    ) -> int:
        """An auxiliary w entering as w · (constant + Σ weight_i x_i); rank ≤ 1 starts a term."""
        if rank <= 1 and kind != HELPER:
            self.gadget_terms += 1
        record = AuxRecord(kind, term=term, group=self.gadget_terms - 1, rank=rank)
        record.coefficient = (constant, tuple(weights))
        w = self.new_auxiliary(record)
        self.add_linear(w, constant)
        quadratic = self.quadratic
        for i, weight in weights:  # i < w: the auxiliary is the newest index
            quadratic[i, w] = quadratic.get((i, w), 0.0) + weight
        return w

    def new_auxiliary(self, record: AuxRecord) -> int:
        """Register an auxiliary; returns its index."""
        self._labels = None
        self.records.append(record)
        return self.num_variables - 1

    def all_labels(self) -> list[Hashable]:
        """Original labels, then a fresh label for every auxiliary."""
        if self._labels is not None:
            return self._labels
        labels = list(self.labels)
        taken = set(labels)
        for record in self.records:
            if record.factors is not None:
                a, b = record.factors
                name = f"{labels[a]}*{labels[b]}"
            elif record.kind == HELPER and record.term is not None:
                name = f"helper[{labels[record.term[-1]]}]"
            elif record.rank:
                name = f"{record.kind}[{record.group},{record.rank}]"
            else:
                name = f"{record.kind}[{record.group}]"
            while name in taken:
                name = "_" + name
            taken.add(name)
            labels.append(name)
        self._labels = labels
        return labels

    def to_bqm(self, vartype: dimod.Vartype) -> dimod.BinaryQuadraticModel:
        """The BQM in ``vartype`` (built in BINARY, then converted if SPIN).

        Biases added more than once are summed; interactions that sum to 0 are left out.
        """
        labels = self.all_labels()
        if not self.chunks and len(self.quadratic) <= SMALL_MODEL:  # dicts: less overhead
            bqm = dimod.BinaryQuadraticModel(
                {label: self.linear.get(v, 0.0) for v, label in enumerate(labels)},
                {(labels[u], labels[v]): b for (u, v), b in self.quadratic.items() if b != 0.0},
                self.offset,
                dimod.BINARY,
            )
        else:
            bqm = self._vector_bqm(labels)
        if vartype is dimod.SPIN:
            bqm.change_vartype(dimod.SPIN, inplace=True)
        return bqm

    def _vector_bqm(self, labels: list[Hashable]) -> dimod.BinaryQuadraticModel:
        n = len(labels)
        linear = np.zeros(n)
        if self.linear:
            keys = np.fromiter(self.linear.keys(), dtype=np.int64, count=len(self.linear))
            linear[keys] = np.fromiter(self.linear.values(), dtype=np.float64)
        count = len(self.quadratic)
        pairs = np.fromiter(
            (i for pair in self.quadratic for i in pair), dtype=np.int64, count=2 * count
        ).reshape(count, 2)
        i, j = pairs[:, 0], pairs[:, 1]
        values = np.fromiter(self.quadratic.values(), dtype=np.float64, count=count)
        if self.chunks:  # bulk terms: the same pair may have been added in several places
            ci, cj, cv = (np.concatenate(column) for column in zip(*self.chunks, strict=True))
            diagonal = ci == cj
            np.add.at(linear, ci[diagonal], cv[diagonal])
            off = ~diagonal
            unique, inverse = np.unique(
                np.concatenate((i * n + j, ci[off] * n + cj[off])), return_inverse=True
            )
            weights = np.concatenate((values, cv[off]))
            values = np.bincount(inverse.reshape(-1), weights, len(unique)).astype(
                np.float64, copy=False
            )
            i, j = unique // n, unique % n
        keep = values != 0.0
        return dimod.BinaryQuadraticModel.from_numpy_vectors(
            linear,
            (i[keep], j[keep], values[keep]),
            self.offset,
            dimod.BINARY,
            variable_order=labels,
        )

    def auxiliaries(self) -> tuple[Auxiliary, ...]:
        labels = self.all_labels()
        out = []
        for index, record in enumerate(self.records, start=self.num_original):
            term = None if record.term is None else tuple(labels[i] for i in record.term)
            factors = None
            coefficient = None
            if record.factors is not None:
                factors = (labels[record.factors[0]], labels[record.factors[1]])
                stands_for = f"{factors[0]} * {factors[1]}"
            elif record.kind == HELPER and term is not None:
                stands_for = f"helper of spin product {term[-1]}"
            elif record.rank:
                stands_for = f"{record.kind} aux {record.rank} of term {term}"
            else:
                stands_for = f"{record.kind} aux of term {term}"
            if record.coefficient is not None:
                constant, weights = record.coefficient
                coefficient = (constant, tuple((labels[i], w) for i, w in weights))
            out.append(
                Auxiliary(
                    labels[index],
                    record.kind,
                    stands_for,
                    factors,
                    term,
                    record.penalty,
                    coefficient,
                )
            )
        return tuple(out)


def binary_biases(vartype: dimod.Vartype, biases: dict[Term, float]) -> tuple[float, dict]:
    """(offset, binary monomials) of a polynomial: spin monomials expanded, binary copied."""
    if vartype is dimod.SPIN:
        expansion = SpinExpansion(biases)
        size = expansion.size()
        if size > MAX_EXPANSION:
            raise FormulationError(
                f"this spin polynomial expands into {size} binary monomials (more than "
                f"{MAX_EXPANSION}); use method 'auto', which keeps spin monomials whole"
            )
        return expansion.monomials()
    return 0.0, dict(biases)


def split_by_degree(biases: dict[Term, float]) -> tuple[dict[Term, float], dict[Term, float]]:
    """(terms of degree ≤ 2, terms of degree ≥ 3)."""
    low = {t: b for t, b in biases.items() if len(t) <= 2}
    high = {t: b for t, b in biases.items() if len(t) > 2}
    return low, high


def quadratic_start(terms: Terms) -> tuple[QuadraticBuilder, dict[Term, float]]:
    """The start of every single-gadget method: a builder holding the polynomial's offset and
    its binary terms of degree ≤ 2, and the binary monomials of degree ≥ 3 left to reduce."""
    builder = QuadraticBuilder(terms.labels)
    offset, biases = binary_biases(terms.vartype, terms.biases)
    builder.offset += terms.offset + offset
    low, high = split_by_degree(biases)
    for term, bias in low.items():
        builder.add_term(term, bias)
    return builder, high
