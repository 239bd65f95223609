"""Rosenberg's pair substitution with a penalty per substitution (``method="rosenberg"``).

A pair product x_a x_b is replaced by a new binary y in every higher-order term that
contains both, and the penalty

    M · R(x_a, x_b, y),   R = x_a x_b − 2 x_a y − 2 x_b y + 3 y,

is added. R = 0 when y = x_a x_b and R ≥ 1 otherwise. Pairs are chosen greedily:
the pair found in the most remaining terms of degree ≥ 3 first (ties: smallest
indices), until every term is quadratic. Factors may be earlier auxiliaries.

**Penalty of one substitution.** Let Q be the energy after all substitutions
(without penalties; a term that a gadget reduces counts as its monomial, since the
gadget's minimum over its own auxiliary equals that monomial for every input). For
auxiliary y_j let D_j be the auxiliaries built from it (directly or through other
auxiliaries), T_j the final terms that contain y_j or a member of D_j, and

    P_j = Σ_{T ∈ T_j, c_T > 0} c_T,   N_j = Σ_{T ∈ T_j, c_T < 0} |c_T|,   M_j = max(P_j, N_j).

*Claim:* with M_j ≥ max(P_j, N_j) for every j, min_y E(x, y) = P(x) for every x.
*Proof:* setting every y to the product it stands for gives E = P(x), so min ≤ P(x).
Take any y and fix the auxiliaries from the last to the first: when y_j disagrees
with the product of its factors' current values, set it to that product and reset
every member of D_j to the product of its factors (all later auxiliaries already
agree, so this keeps them agreeing and their penalties at 0). R_j drops by at least
1, so the penalties fall by ≥ M_j. Each member of D_j is a product that includes
y_j, so all the flipped variables move the same way as y_j: if y_j goes 1 → 0,
terms can only go from 1 to 0, and Q rises by at most N_j; if 0 → 1, by at most
P_j. So E does not increase; after the last step every y agrees and E = P(x).
Hence E(x, y) ≥ P(x). The bound is attained (−x_1 x_2 x_3 with y = x_1 x_2 needs
M ≥ 1 at x = (1, 0, 1), y = 1), so it is the smallest penalty this argument
certifies. ``strength=`` replaces every M_j by one global value.

Example:
    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({"abc": 2.0, "abd": -1.0}, dimod.BINARY)
    >>> bqm, info = to_bqm(poly, method="rosenberg")
    >>> [(aux.stands_for, aux.penalty) for aux in info.auxiliaries]
    [('a * b', 2.0)]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qanneal.reduce import _kernels
from qanneal.reduce._builder import QuadraticBuilder, quadratic_start
from qanneal.reduce._polynomial import MAX_DEGREE, Padded, Term, Terms

Pair = tuple[int, int]
Priority = tuple[int, int]  # (tie-break mode of :mod:`~qanneal.reduce._kernels`, seed)
SCALE = 840  # score unit: an auxiliary; 1/2, 1/3, ..., 1/8 of it are whole numbers
MAX_DEGREE_TABLE = MAX_DEGREE
NO_PRIORITY: Priority = (_kernels.NO_PRIORITY, 0)
FEWEST_ALTERNATIVES: Priority = (_kernels.FEWEST_ALTERNATIVES, 0)


def random_priority(seed: int) -> Priority:
    """Tie-break by a seeded pseudo-random (reproducible) order of pairs."""
    return (_kernels.RANDOM_PRIORITY, seed)


def count_values() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Score tables (positive, negative) that count terms of degree ≥ 3 (Rosenberg)."""
    row = tuple(0 if d < 3 else SCALE for d in range(MAX_DEGREE_TABLE + 1))
    return row, row


def substitute(
    terms: Padded,
    negative: np.ndarray,
    first_aux: int,
    values: tuple[tuple[int, ...], tuple[int, ...]],
    threshold: int,
    priority: Priority = NO_PRIORITY,
) -> tuple[Padded, np.ndarray]:
    """Greedy pair substitution; returns (final terms, pairs (k, 2)), pair k → first_aux + k.

    A pair's score is the sum of ``values[negative][degree]`` over the terms of degree
    ≥ 3 that contain it; the best pair is replaced by a new variable in every term
    holding it while its score is > threshold. Ties go to the lowest ``priority`` rank,
    then the smallest pair: :data:`NO_PRIORITY` ranks all pairs alike;
    :data:`FEWEST_ALTERNATIVES` ranks first the pairs whose terms have the weakest other
    options (the mean, over the terms holding the pair, of the largest holder count among
    their other pairs, measured once at the start; pairs made later rank 0);
    :func:`random_priority` ranks by a seeded hash. The loop is
    :func:`qanneal.reduce._kernels.greedy_substitute`; a substituted term keeps its other
    factors in order and gets the new variable last. ``terms`` is not modified.

    >>> terms = Padded.of([(0, 1, 2), (0, 1, 3), (1, 2, 3)])
    >>> final, pairs = substitute(terms, np.zeros(3, bool), 4, count_values(), 0)
    >>> final.terms(), pairs.tolist()
    ([(2, 4), (3, 4), (3, 5)], [[0, 1], [1, 2]])
    """
    final = terms.copy()
    mode, seed = priority
    table = np.array(values, dtype=np.int64)
    pairs = _kernels.greedy_substitute(
        final.index, final.length, negative, first_aux, table, threshold, mode, seed
    )
    return final, pairs


def product_penalties(
    final: Padded | Sequence[Term],
    biases: Sequence[float] | np.ndarray,
    pairs: Sequence[Pair] | np.ndarray,
    first_aux: int,
    spin: bool = False,
) -> list[float]:
    """M_j = max(P_j, N_j) for every substitution (see the module docstring); for spin
    products (:mod:`~qanneal.reduce.spin`) M_j = 2 (P_j + N_j)."""
    rows = final if isinstance(final, Padded) else Padded.of(final)
    positive, negative = _kernels.product_penalties(
        rows.index,
        rows.length,
        np.asarray(biases, dtype=np.float64),
        np.asarray(pairs, dtype=np.int64).reshape(-1, 2),
        first_aux,
    )
    penalty = 2.0 * (positive + negative) if spin else np.maximum(positive, negative)
    return penalty.tolist()


def add_substitutions(
    builder: QuadraticBuilder,
    final: Padded,
    biases: np.ndarray,
    pairs: np.ndarray,
    strength: float | None,
) -> None:
    """Register the product auxiliaries (in order) with their penalties."""
    first_aux = builder.num_variables
    penalties = product_penalties(final, biases, pairs, first_aux)
    for k, (a, b) in enumerate(pairs.tolist()):
        y = builder.add_product(a, b, penalties[k] if strength is None else strength)
        assert y == first_aux + k


def reduce_rosenberg(terms: Terms, strength: float | None) -> tuple[QuadraticBuilder, str]:
    """Every monomial of degree ≥ 3 by pair substitution (spin polynomials expanded)."""
    builder, high = quadratic_start(terms)
    substitute_into(builder, high, strength)
    return builder, "BINARY"


def substitute_into(
    builder: QuadraticBuilder, high: dict[Term, float], strength: float | None
) -> None:
    """Substitute pairs (most common first) until every term of ``high`` is quadratic,
    and add the products and the reduced terms to ``builder``."""
    biases = np.fromiter(high.values(), dtype=np.float64, count=len(high))
    terms = Padded.of(list(high))
    final, pairs = substitute(terms, biases < 0, builder.num_variables, count_values(), 0)
    add_substitutions(builder, final, biases, pairs, strength)
    builder.add_terms(final, biases)
