"""What a reduction did, and how to read samples of the reduced BQM back.

:class:`ReductionInfo` lists every auxiliary variable (:class:`Auxiliary`) with what
it stands for, and :meth:`ReductionInfo.decode` maps samples of the reduced BQM to
samples of the polynomial's own variables, with two flags per sample:

* ``violated``: some *product* auxiliary (Rosenberg's y = x_a x_b, or dimod's spin
  product) differs from the product of its two factors in that sample;
* ``auxiliaries_optimal``: every *gadget* auxiliary (Freedman, Ishikawa, parity, or
  dimod's spin-product helper) sits at a value that minimises the BQM given the other
  variables of the sample. Gadget auxiliaries are free minimisers, never "violated".

For an exact reduction, a sample with ``violated`` False and ``auxiliaries_optimal``
True has a BQM energy equal to the polynomial energy of its decoded sample.

Example:
    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({("a", "b", "c"): -1.0}, dimod.BINARY)
    >>> bqm, info = to_bqm(poly, method="freedman")
    >>> [(aux.label, aux.kind, aux.stands_for) for aux in info.auxiliaries]
    [('freedman[0]', 'freedman', "freedman aux of term ('a', 'b', 'c')")]
    >>> decoded = info.decode({"a": 1, "b": 1, "c": 1, "freedman[0]": 0})
    >>> {v: int(x) for v, x in decoded.first.sample.items()}, float(decoded.first.energy)
    ({'a': 1, 'b': 1, 'c': 1}, -1.0)
    >>> bool(decoded.record.violated[0]), bool(decoded.record.auxiliaries_optimal[0])
    (False, False)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dimod
import numpy as np

from qanneal.errors import FormulationError
from qanneal.reduce._polynomial import polynomial_energies, read_polynomial

PRODUCT_KINDS = ("product", "spin-product")
GADGET_KINDS = ("freedman", "ishikawa", "parity", "spin-product-helper")
TOLERANCE = 1e-9

Affine = tuple[float, tuple[tuple[Hashable, float], ...]]


@dataclass(frozen=True)
class Auxiliary:
    """One auxiliary variable of a reduced BQM.

    ``kind`` is one of ``product`` (binary y = a·b, with a Rosenberg ``penalty``),
    ``spin-product`` (dimod's spin p = u·v), ``freedman``, ``ishikawa``, ``parity``
    or ``spin-product-helper`` (dimod's extra spin per product). ``factors`` are the
    two labels a product stands for (either may itself be an auxiliary); ``term`` is
    the monomial a gadget reduces (after any substitutions). ``coefficient`` is, for
    gadgets, the BQM's coefficient of this auxiliary written in binary variables
    (x = (1 + s)/2 for spins) as ``(constant, ((label, weight), ...))``: the optimal
    value is 1 where it is negative and 0 where it is positive.
    """

    label: Hashable
    kind: str
    stands_for: str
    factors: tuple[Hashable, Hashable] | None = None
    term: tuple[Hashable, ...] | None = None
    penalty: float | None = None
    coefficient: Affine | None = None


@dataclass(frozen=True)
class ReductionInfo:
    """The record of one HUBO → BQM reduction (see the module docstring).

    ``vartype`` is the vartype of both the polynomial and the returned BQM.
    ``reduced_as`` says how the monomials were reduced: ``BINARY`` (as binary
    monomials; spin polynomials expanded with s = 2x − 1), ``SPIN`` (every spin
    monomial of degree ≥ 3 kept whole) or ``MIXED``. ``strength`` is the global
    penalty when one was used (``strength=`` or method ``dimod``), else None.
    """

    method: str
    variables: tuple[Hashable, ...]
    vartype: dimod.Vartype
    reduced_as: str
    auxiliaries: tuple[Auxiliary, ...]
    num_couplings: int
    strength: float | None
    polynomial: dimod.BinaryPolynomial = field(repr=False, compare=False)

    @property
    def num_auxiliary(self) -> int:
        return len(self.auxiliaries)

    @property
    def num_variables(self) -> int:
        return len(self.variables) + len(self.auxiliaries)

    @property
    def penalties(self) -> dict[Hashable, float]:
        """Penalty of each product auxiliary, by label."""
        return {a.label: a.penalty for a in self.auxiliaries if a.penalty is not None}

    def decode(self, samples: Any) -> dimod.SampleSet:
        """Samples of the original variables (``vartype``), with per-sample flags.

        ``samples`` is a ``dimod.SampleSet`` of the reduced BQM, one sample (a mapping)
        or anything ``dimod.as_samples`` reads. The result's ``energy`` is the
        polynomial's energy; vectors ``violated`` and ``auxiliaries_optimal`` are the
        flags of the module docstring, and ``num_occurrences`` and the reduced BQM's
        ``bqm_energy`` are carried over from a SampleSet.
        """
        matrix, labels, vectors = _as_matrix(samples, self.vartype)
        column = {label: i for i, label in enumerate(labels)}
        needed = [*self.variables, *(a.label for a in self.auxiliaries)]
        missing = [label for label in needed if label not in column]
        if missing:
            raise FormulationError(
                f"samples lack {len(missing)} variable(s) of the reduced BQM, e.g. "
                f"{missing[0]!r}; decode needs full samples of that BQM"
            )
        binary = matrix if self.vartype is dimod.BINARY else (matrix + 1) // 2
        violated, optimal = auxiliary_flags(self.auxiliaries, binary, column)
        original = matrix[:, [column[v] for v in self.variables]]
        energies = polynomial_energies(read_polynomial(self.polynomial), original)
        return dimod.SampleSet.from_samples(
            (original, list(self.variables)),
            self.vartype,
            energies,
            sort_labels=False,
            violated=violated,
            auxiliaries_optimal=optimal,
            **vectors,
        )


def auxiliary_flags(
    auxiliaries: tuple[Auxiliary, ...], binary: np.ndarray, column: Mapping[Hashable, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(violated, auxiliaries_optimal) per row of a 0/1 matrix (see the module docstring)."""
    rows = binary.shape[0]
    violated = np.zeros(rows, dtype=bool)
    optimal = np.ones(rows, dtype=bool)
    for aux in auxiliaries:
        value = binary[:, column[aux.label]]
        if aux.kind in PRODUCT_KINDS and aux.factors is not None:
            expected = product_value(aux.kind, binary, column, aux.factors)
            violated |= value != expected
        elif aux.coefficient is not None:
            coefficient = affine_value(aux.coefficient, binary, column)
            optimal &= np.where(value == 1, coefficient <= TOLERANCE, coefficient >= -TOLERANCE)
    return violated, optimal


def product_value(
    kind: str, binary: np.ndarray, column: Mapping[Hashable, int], factors: tuple[Hashable, ...]
) -> np.ndarray:
    """The 0/1 value a product auxiliary should take: AND of its factors, or for a spin
    product (s_p = s_u s_v) the XNOR of their binary encodings."""
    first, second = (binary[:, column[f]] for f in factors)
    if kind == "product":
        return first & second
    return 1 - (first ^ second)


def affine_value(form: Affine, binary: np.ndarray, column: Mapping[Hashable, int]) -> np.ndarray:
    constant, weights = form
    out = np.full(binary.shape[0], constant)
    for label, weight in weights:
        out += weight * binary[:, column[label]]
    return out


def _as_matrix(samples: Any, vartype: dimod.Vartype) -> tuple[np.ndarray, list, dict[str, Any]]:
    """(int matrix in ``vartype``, labels, vectors to carry) from samples of a BQM."""
    vectors: dict[str, Any] = {}
    if isinstance(samples, dimod.SampleSet):
        if samples.vartype is not vartype:
            samples = samples.change_vartype(vartype, inplace=False)
        vectors["num_occurrences"] = samples.record.num_occurrences
        vectors["bqm_energy"] = samples.record.energy
        matrix, labels = samples.record.sample, list(samples.variables)
    else:
        try:
            matrix, labels = dimod.as_samples(samples)
        except (TypeError, ValueError) as error:
            raise FormulationError(f"cannot read samples to decode: {error}") from None
    matrix = np.asarray(matrix, dtype=np.int64)
    allowed = (0, 1) if vartype is dimod.BINARY else (-1, 1)
    if matrix.size and not np.isin(matrix, allowed).all():
        raise FormulationError(
            f"sample values must be {allowed[0]} or {allowed[1]} for a {vartype.name} BQM"
        )
    return matrix, list(labels), vectors
