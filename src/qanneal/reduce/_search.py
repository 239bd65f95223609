"""Internal: the plan search of ``method="auto"`` (see :mod:`~qanneal.reduce.plan`).

A :class:`Plan` holds the final terms (after substitutions, products numbered
``first_aux + j``) and the product pairs. Its cost counts a product as
``costs.product`` auxiliaries and a leftover term of degree ≥ 3 as its gadget.

Example:
    >>> terms = Padded.of([(0, 1, 2), (0, 1, 3), (0, 1, 4)])
    >>> plan = plan_terms(terms, np.array([1.0, 1.0, -1.0]), 5, BINARY_COSTS)
    >>> plan.pairs.tolist(), plan.final.terms(), plan.num_auxiliary
    ([[0, 1]], [(2, 5), (3, 5), (4, 5)], 1)
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qanneal.reduce import _kernels
from qanneal.reduce._polynomial import Padded, Term
from qanneal.reduce.ishikawa import ishikawa_count
from qanneal.reduce.parity import parity_count
from qanneal.reduce.rosenberg import (
    FEWEST_ALTERNATIVES,
    MAX_DEGREE_TABLE,
    SCALE,
    Priority,
    count_values,
    random_priority,
    substitute,
)

POTENTIAL = 0.5
SMALL_PLAN = 150  # pair incidences up to which the extra candidate plans are tried
RESTART_BUDGET = 1200  # pair incidences spent on random restarts (at most 32 of them)
SEARCH_DEGREE = 6  # anneal_plan: the matching tables hold 2^C(d, 2) entries per degree d
SEARCH_SWEEPS = 100  # anneal_plan: moves per candidate pair
SEARCH_MOVES = 60_000  # anneal_plan: polynomials with more than 600 pairs keep the greedy
SEARCH_TEMPERATURES = (0.4, 0.1)  # anneal_plan: first and last, in auxiliaries
Tables = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Costs:
    """Auxiliaries per product, and per monomial left to its gadget (binary or spin)."""

    product: int
    spin: bool

    def gadget(self, degree: int, negative: bool) -> int:
        """Freedman (1) or Ishikawa (⌊(d−1)/2⌋) for binary; parity (⌊(d−1)/2⌋) for spin.

        >>> BINARY_COSTS.gadget(6, True), BINARY_COSTS.gadget(6, False), SPIN_COSTS.gadget(6, True)
        (1, 2, 2)
        """
        if degree <= 2:
            return 0
        if self.spin:
            return parity_count(degree)
        return 1 if negative else ishikawa_count(degree)


BINARY_COSTS = Costs(product=1, spin=False)
SPIN_COSTS = Costs(product=2, spin=True)


@functools.cache
def gadget_table(costs: Costs) -> np.ndarray:
    """``costs.gadget(degree, negative)`` as an array indexed [negative, degree]."""
    degrees = range(MAX_DEGREE_TABLE + 2)
    return np.array(
        [[costs.gadget(d, negative) for d in degrees] for negative in (False, True)],
        dtype=np.int64,
    )


@dataclass
class Plan:
    """Final terms and products of one candidate (see the module docstring)."""

    final: Padded
    biases: np.ndarray
    pairs: np.ndarray
    first_aux: int
    costs: Costs

    @property
    def num_auxiliary(self) -> int:
        table = gadget_table(self.costs)
        gadgets = int(table[(self.biases < 0).astype(np.int64), self.final.length].sum())
        return self.costs.product * len(self.pairs) + gadgets


@functools.cache
def score_tables(costs: Costs, potential: float = POTENTIAL) -> Tables:
    """Score of a term of each degree for one substitution (positive row, negative row):
    its saving in auxiliaries, or else ``potential`` spread over the substitutions
    still needed before a saving (d − 2 for a negative binary term, else 2)."""
    rows = []
    for negative in (False, True):
        row = []
        for degree in range(MAX_DEGREE_TABLE + 1):
            saving = costs.gadget(degree, negative) - costs.gadget(degree - 1, negative)
            if degree < 3:
                row.append(0)
            elif saving:
                row.append(SCALE * saving)
            else:
                steps = degree - 2 if negative and not costs.spin else 2
                row.append(round(SCALE * potential / steps))
        rows.append(tuple(row))
    return rows[0], rows[1]


def plan_terms(terms: Padded, biases: np.ndarray, first_aux: int, costs: Costs) -> Plan:
    """The cheapest of the candidate plans for monomials of degree ≥ 3.

    Always the scored greedy. When the polynomial is small (≤ ``SMALL_PLAN`` pair
    incidences) and some pair is shared (otherwise a product serves one term and costs
    at least its gadget, so the greedy's gadgets are optimal), also dimod's rule (most
    common pair), a doubled potential, and random tie-breaks of both rules
    (``RESTART_BUDGET`` / incidences of them, at most 32).
    """
    negative = biases < 0
    threshold = SCALE * costs.product
    settings: list[tuple[Tables, int, Priority]] = [
        (score_tables(costs), threshold, FEWEST_ALTERNATIVES)
    ]
    incidences = int((terms.length * (terms.length - 1) // 2).sum())
    small = incidences <= SMALL_PLAN
    if small and not has_shared_pair(terms.terms()):
        # A product would serve one term and save at most its cost: the greedy keeps none.
        no_pairs = np.zeros((0, 2), dtype=np.int64)
        return Plan(terms.copy(), biases, no_pairs, first_aux, costs)
    if small:
        settings.append((count_values(), 0, FEWEST_ALTERNATIVES))
        settings.append((score_tables(costs, 2 * POTENTIAL), threshold, FEWEST_ALTERNATIVES))
        for seed in range(min(32, RESTART_BUDGET // max(1, incidences))):
            settings.append((score_tables(costs), threshold, random_priority(seed)))
            settings.append((count_values(), 0, random_priority(seed)))
    best: Plan | None = None
    for values, limit, priority in settings:
        final, pairs = substitute(terms, negative, first_aux, values, limit, priority)
        final, pairs = prune(final, negative, pairs, first_aux, costs)
        plan = Plan(final, biases, pairs, first_aux, costs)
        if best is None or plan.num_auxiliary < best.num_auxiliary:
            best = plan
    assert best is not None
    annealed = anneal_plan(terms, biases, first_aux, costs, best)
    if annealed is not None and annealed.num_auxiliary < best.num_auxiliary:
        return annealed
    return best


@functools.cache
def _matching_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return _kernels.matching_tables(SEARCH_DEGREE)


def anneal_plan(
    terms: Padded, biases: np.ndarray, first_aux: int, costs: Costs, start: Plan
) -> Plan | None:
    """Simulated annealing over which pairs of variables become products.

    The greedy commits to a pair for good; this search revisits the choice. A set of
    pairs costs a product each, and every term its gadget after substituting a largest
    matching of its pairs in the set (:func:`qanneal.reduce._kernels.anneal_pairs`,
    ``SEARCH_SWEEPS`` moves per pair from the products of ``start`` that are pairs of
    variables, fixed seed). Products of products are not searched. None when a term has
    degree > ``SEARCH_DEGREE`` or the search would take more than ``SEARCH_MOVES`` moves.

    >>> terms = Padded.of([(0, 1, 2), (0, 1, 3), (2, 3, 4), (2, 3, 5)])
    >>> biases = -np.ones(4)
    >>> empty = Plan(terms, biases, np.zeros((0, 2), np.int64), 6, BINARY_COSTS)
    >>> plan = anneal_plan(terms, biases, 6, BINARY_COSTS, empty)
    >>> plan.pairs.tolist(), plan.final.terms(), plan.num_auxiliary
    ([[0, 1], [2, 3]], [(2, 6), (3, 6), (4, 7), (5, 7)], 2)
    """
    length = terms.length
    if not len(length) or int(length.max()) > SEARCH_DEGREE:
        return None
    n = first_aux  # the terms hold variables only
    keys, holders, slots = [], [], []
    for degree in np.unique(length).tolist():
        (rows,) = np.nonzero(length == degree)
        index = terms.index[rows, :degree]
        for k, (i, j) in enumerate(itertools.combinations(range(degree), 2)):
            low, high = np.minimum(index[:, i], index[:, j]), np.maximum(index[:, i], index[:, j])
            keys.append(low * n + high)
            holders.append(rows)
            slots.append(np.full(len(rows), k, dtype=np.int64))
    unique, pair_id = np.unique(np.concatenate(keys), return_inverse=True)
    if len(unique) * SEARCH_SWEEPS > SEARCH_MOVES:
        return None
    pair_id = pair_id.reshape(-1)
    holder, slot = np.concatenate(holders), np.concatenate(slots)
    term_pairs = np.full((len(length), SEARCH_DEGREE * (SEARCH_DEGREE - 1) // 2), -1)
    term_pairs[holder, slot] = pair_id
    order = np.argsort(pair_id, kind="stable")
    pointer = np.zeros(len(unique) + 1, dtype=np.int64)
    pointer[1:] = np.cumsum(np.bincount(pair_id, minlength=len(unique)))
    flat = start.pairs[(start.pairs < first_aux).all(axis=1)]
    begin = np.zeros(len(unique), dtype=np.bool_)
    wanted = flat.min(axis=1) * n + flat.max(axis=1)
    where = np.minimum(np.searchsorted(unique, wanted), len(unique) - 1)
    begin[where[unique[where] == wanted]] = True
    offsets, size, matching = _matching_tables()
    negative = biases < 0
    hot, cold = SEARCH_TEMPERATURES
    chosen = _kernels.anneal_pairs(
        length, negative.astype(np.int64), pointer, holder[order], slot[order], offsets, size,
        gadget_table(costs), costs.product, SEARCH_SWEEPS, hot, cold, 0, begin,
    )  # fmt: skip
    index, final_length, used = _kernels.matched_terms(
        terms.index, length, term_pairs, chosen, offsets, matching, first_aux
    )
    pairs = np.stack((unique[used] // n, unique[used] % n), axis=1)
    final, pairs = prune(Padded(index, final_length), negative, pairs, first_aux, costs)
    return Plan(final, biases, pairs, first_aux, costs)


def has_shared_pair(terms: Sequence[Term]) -> bool:
    """Whether two terms of degree ≥ 3 hold a common pair of variables.

    >>> has_shared_pair([(0, 1, 2), (1, 2, 3)]), has_shared_pair([(0, 1, 2), (2, 3, 4)])
    (True, False)
    """
    seen: set[tuple[int, int]] = set()
    for term in terms:
        if len(term) > 2:
            pairs = set(itertools.combinations(term, 2))
            if seen & pairs:
                return True
            seen |= pairs
    return False


def prune(
    final: Padded, negative: np.ndarray, pairs: np.ndarray, first_aux: int, costs: Costs
) -> tuple[Padded, np.ndarray]:
    """Undo, last first, products nothing builds on whose terms cost no more without them
    (an undone term gets its factors back, sorted), and renumber the products kept.

    Rows keep the width the terms had before substitution (room for the factors undoing
    brings back), as :func:`~qanneal.reduce.rosenberg.substitute` returns them.

    >>> # (0, 1, 2) and (0, 2, 3) after products 4 = x0 x1 and 5 = x0 x2, one term each
    >>> final = Padded(np.array([[2, 4, 0], [3, 5, 0]]), np.array([2, 2]))
    >>> pruned, pairs = prune(final, np.array([True, True]), np.array([[0, 1], [0, 2]]), 4,
    ...                       BINARY_COSTS)
    >>> pruned.terms(), pairs.tolist()
    ([(0, 1, 2), (0, 2, 3)], [])
    """
    kept = _kernels.prune_products(
        final.index, final.length, negative, pairs, first_aux, gadget_table(costs), costs.product
    )
    new_index = np.arange(first_aux + len(pairs), dtype=np.int64)
    (survivors,) = np.nonzero(kept)
    new_index[first_aux + survivors] = first_aux + np.arange(len(survivors))
    return Padded(new_index[final.index], final.length), new_index[pairs[kept]]
