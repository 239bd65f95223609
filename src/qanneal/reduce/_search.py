"""Internal: the plan search of ``method="auto"`` (see :mod:`~qanneal.reduce.plan`).

A :class:`Plan` holds the final terms (after substitutions, products numbered
``first_aux + j``) and the product pairs. Its cost counts a product as
``costs.product`` auxiliaries and a leftover term of degree ≥ 3 as its gadget.

Example:
    >>> plan = plan_terms({(0, 1, 2): 1.0, (0, 1, 3): 1.0, (0, 1, 4): -1.0}, 5, BINARY_COSTS)
    >>> plan.pairs, plan.terms, plan.num_auxiliary
    ([(0, 1)], [(2, 5), (3, 5), (4, 5)], 1)
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qanneal.reduce._polynomial import Term
from qanneal.reduce.ishikawa import ishikawa_count
from qanneal.reduce.parity import parity_count
from qanneal.reduce.rosenberg import (
    MAX_DEGREE_TABLE,
    SCALE,
    Pair,
    Priority,
    count_values,
    substitute,
)

POTENTIAL = 0.5
SMALL_PLAN = 150  # pair incidences up to which the extra candidate plans are tried
RESTART_BUDGET = 1200  # pair incidences spent on random restarts (at most 32 of them)
Tables = tuple[tuple[int, ...], tuple[int, ...]]
MASK = (1 << 64) - 1


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


@dataclass
class Plan:
    """Final terms and products of one candidate (see the module docstring)."""

    terms: list[Term]
    biases: list[float]
    pairs: list[Pair]
    first_aux: int
    costs: Costs

    @property
    def num_auxiliary(self) -> int:
        gadgets = sum(
            self.costs.gadget(len(t), b < 0) for t, b in zip(self.terms, self.biases, strict=True)
        )
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


def plan_terms(high: dict[Term, float], first_aux: int, costs: Costs) -> Plan:
    """The cheapest of the candidate plans for monomials of degree ≥ 3.

    Always the scored greedy. When the polynomial is small (≤ ``SMALL_PLAN`` pair
    incidences) and some pair is shared (otherwise a product serves one term and costs
    at least its gadget, so the greedy's gadgets are optimal), also dimod's rule (most
    common pair), a doubled potential, and random tie-breaks of both rules
    (``RESTART_BUDGET`` / incidences of them, at most 32).
    """
    order = list(high)
    biases = [high[t] for t in order]
    negative = [b < 0 for b in biases]
    threshold = SCALE * costs.product
    settings: list[tuple[Tables, int, Priority]] = [
        (score_tables(costs), threshold, fewest_alternatives)
    ]
    incidences = sum(len(t) * (len(t) - 1) // 2 for t in order)
    if incidences <= SMALL_PLAN and has_shared_pair(order):
        settings.append((count_values(), 0, fewest_alternatives))
        settings.append((score_tables(costs, 2 * POTENTIAL), threshold, fewest_alternatives))
        for seed in range(min(32, RESTART_BUDGET // max(1, incidences))):
            settings.append((score_tables(costs), threshold, random_priority(seed)))
            settings.append((count_values(), 0, random_priority(seed)))
    best: Plan | None = None
    for values, limit, priority in settings:
        final, pairs = substitute(order, negative, first_aux, values, limit, priority)
        final, pairs = prune(final, negative, pairs, first_aux, costs)
        plan = Plan(final, biases, pairs, first_aux, costs)
        if best is None or plan.num_auxiliary < best.num_auxiliary:
            best = plan
    assert best is not None
    return best


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
    final: list[Term], negative: Sequence[bool], pairs: list[Pair], first_aux: int, costs: Costs
) -> tuple[list[Term], list[Pair]]:
    """Undo, last first, products nothing builds on whose terms cost no more without them."""
    children = [0] * len(pairs)
    holders: list[list[int]] = [[] for _ in pairs]
    for pair in pairs:
        for f in pair:
            if f >= first_aux:
                children[f - first_aux] += 1
    for t, term in enumerate(final):
        for v in term:
            if v >= first_aux:
                holders[v - first_aux].append(t)
    kept = [True] * len(pairs)
    for j in range(len(pairs) - 1, -1, -1):
        if children[j]:
            continue
        extra = sum(
            costs.gadget(len(final[t]) + 1, negative[t]) - costs.gadget(len(final[t]), negative[t])
            for t in holders[j]
        )
        if extra > costs.product:
            continue
        kept[j] = False
        y = first_aux + j
        for t in holders[j]:
            final[t] = tuple(sorted([v for v in final[t] if v != y] + list(pairs[j])))
        for f in pairs[j]:
            if f >= first_aux:
                children[f - first_aux] -= 1
                holders[f - first_aux].extend(holders[j])
    return _renumber(final, pairs, kept, first_aux)


def _renumber(
    final: list[Term], pairs: list[Pair], kept: list[bool], first_aux: int
) -> tuple[list[Term], list[Pair]]:
    new_index: dict[int, int] = {}
    for j, keep in enumerate(kept):
        if keep:
            new_index[first_aux + j] = first_aux + len(new_index)

    def relabel(term: Sequence[int]) -> tuple[int, ...]:
        return tuple(new_index.get(v, v) for v in term)

    pairs_out = [
        (new_index.get(a, a), new_index.get(b, b)) for j, (a, b) in enumerate(pairs) if kept[j]
    ]
    return [relabel(term) for term in final], pairs_out


def fewest_alternatives(
    current: list[Term], holders: dict[Pair, set[int]]
) -> Callable[[Pair], float]:
    """Tie-break: first the pairs whose terms have the weakest other options — the mean,
    over the terms holding the pair, of the largest holder count among their other
    pairs (measured once, at the start; pairs made later rank 0)."""
    top_two: dict[int, tuple[int, int]] = {}
    for t, term in enumerate(current):
        if len(term) > 2:
            top = second = 0
            for q in itertools.combinations(term, 2):
                count = len(holders[q])
                if count > top:
                    top, second = count, top
                elif count > second:
                    second = count
            top_two[t] = (top, second)
    rank: dict[Pair, float] = {}
    for pair, members in holders.items():
        own = len(members)
        total = 0
        for t in members:
            top, second = top_two[t]
            total += second if own == top else top
        rank[pair] = total / own
    return lambda pair: rank.get(pair, 0.0)


def _mix(seed: int, pair: Pair) -> int:
    """A cheap reproducible pseudo-random integer of (seed, pair) (64-bit mixing)."""
    x = (pair[0] * 0x9E3779B97F4A7C15 + pair[1] * 0xBF58476D1CE4E5B9 + seed) & MASK
    x ^= x >> 31
    x = (x * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 29)


def random_priority(seed: int) -> Priority:
    """Tie-break by a seeded pseudo-random order of pairs (reproducible)."""

    def rank(current: list[Term], holders: dict[Pair, set[int]]) -> Callable[[Pair], float]:
        del current, holders
        return lambda pair: _mix(seed, pair)

    return rank
