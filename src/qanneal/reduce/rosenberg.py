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

import heapq
import itertools
from collections.abc import Callable, Sequence

from qanneal.reduce._builder import QuadraticBuilder, binary_biases, split_by_degree
from qanneal.reduce._polynomial import MAX_DEGREE, Term, Terms

Pair = tuple[int, int]
Priority = Callable[[list[Term], dict[Pair, set[int]]], Callable[[Pair], float]]
SCALE = 840  # score unit: an auxiliary; 1/2, 1/3, ..., 1/8 of it are whole numbers
MAX_DEGREE_TABLE = MAX_DEGREE


def count_values() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Score tables (positive, negative) that count terms of degree ≥ 3 (Rosenberg)."""
    row = tuple(0 if d < 3 else SCALE for d in range(MAX_DEGREE_TABLE + 1))
    return row, row


def substitute(
    terms: Sequence[Term],
    negative: Sequence[bool],
    first_aux: int,
    values: tuple[tuple[int, ...], tuple[int, ...]],
    threshold: int,
    priority: Priority | None = None,
) -> tuple[list[Term], list[Pair]]:
    """Greedy pair substitution; returns (final terms, pairs) with pair k → first_aux + k.

    A pair's score is the sum of ``values[negative][degree]`` over the terms of degree
    ≥ 3 that contain it; the best pair is substituted while its score is > threshold.
    Ties go to the lowest ``priority(terms, holders)(pair)`` (default 0), then the
    smallest pair.
    """
    current = list(terms)
    holders: dict[Pair, set[int]] = {}
    score: dict[Pair, int] = {}
    for t, term in enumerate(current):
        if len(term) > 2:
            value = values[negative[t]][len(term)]
            for pair in itertools.combinations(term, 2):
                holders.setdefault(pair, set()).add(t)
                score[pair] = score.get(pair, 0) + value
    rank = priority(current, holders) if priority is not None else _no_priority
    heap = [(-s, rank(pair), pair) for pair, s in score.items()]
    heapq.heapify(heap)
    pairs: list[Pair] = []
    while heap:
        key, _, pair = heapq.heappop(heap)
        now = score.get(pair)
        if now is None or now > -key:
            continue  # gone, or a fresher entry with the higher score is queued
        if now < -key:
            heapq.heappush(heap, (-now, rank(pair), pair))
            continue
        if now <= threshold:
            break
        y = first_aux + len(pairs)
        pairs.append(pair)
        raised = _apply(pair, y, current, negative, holders, score, values)
        for q in raised:
            heapq.heappush(heap, (-score[q], rank(q), q))
    return current, pairs


def _no_priority(pair: Pair) -> float:
    return 0.0


def _apply(
    pair: Pair,
    y: int,
    current: list[Term],
    negative: Sequence[bool],
    holders: dict[Pair, set[int]],
    score: dict[Pair, int],
    values: tuple[tuple[int, ...], tuple[int, ...]],
) -> set[Pair]:
    """Replace x_a x_b by y in every term holding the pair; returns pairs whose score rose."""
    a, b = pair
    raised: set[Pair] = set()
    members = holders.pop(pair)
    del score[pair]
    for t in sorted(members):
        old = current[t]
        rest = tuple(v for v in old if v != a and v != b)
        current[t] = (*rest, y)
        table = values[negative[t]]
        before, after = table[len(old)], table[len(rest) + 1]
        for c in rest:
            for q in ((a, c) if a < c else (c, a), (b, c) if b < c else (c, b)):
                members_q = holders[q]
                members_q.discard(t)
                if members_q:
                    score[q] -= before
                else:
                    del holders[q], score[q]
        if len(rest) < 2:
            continue  # now quadratic: it holds no pair of interest any more
        if after != before:
            for q in itertools.combinations(rest, 2):
                score[q] += after - before
                if after > before:
                    raised.add(q)
        for c in rest:
            q = (c, y)
            holders.setdefault(q, set()).add(t)
            score[q] = score.get(q, 0) + after
            raised.add(q)
    return raised


def product_penalties(
    final: Sequence[Term],
    biases: Sequence[float],
    pairs: Sequence[Pair],
    first_aux: int,
    spin: bool = False,
) -> list[float]:
    """M_j = max(P_j, N_j) for every substitution (see the module docstring); for spin
    products (:mod:`~qanneal.reduce.spin`) M_j = 2 (P_j + N_j)."""
    positive = [0.0] * len(pairs)
    negative = [0.0] * len(pairs)
    for term, bias in zip(final, biases, strict=True):
        touched: set[int] = set()
        stack = [v - first_aux for v in term if v >= first_aux]
        while stack:
            j = stack.pop()
            if j not in touched:
                touched.add(j)
                stack.extend(f - first_aux for f in pairs[j] if f >= first_aux)
        for j in touched:
            if bias > 0:
                positive[j] += bias
            else:
                negative[j] -= bias
    if spin:
        return [2.0 * (p + n) for p, n in zip(positive, negative, strict=True)]
    return [max(p, n) for p, n in zip(positive, negative, strict=True)]


def add_substitutions(
    builder: QuadraticBuilder,
    final: Sequence[Term],
    biases: Sequence[float],
    pairs: Sequence[Pair],
    strength: float | None,
) -> None:
    """Register the product auxiliaries (in order) with their penalties."""
    first_aux = builder.num_variables
    penalties = product_penalties(final, biases, pairs, first_aux)
    for k, (a, b) in enumerate(pairs):
        y = builder.add_product(a, b, penalties[k] if strength is None else strength)
        assert y == first_aux + k


def reduce_rosenberg(terms: Terms, strength: float | None) -> tuple[QuadraticBuilder, str]:
    """Every monomial of degree ≥ 3 by pair substitution (spin polynomials expanded)."""
    builder = QuadraticBuilder(terms.labels)
    offset, biases = binary_biases(terms.vartype, terms.biases)
    builder.offset += terms.offset + offset
    low, high = split_by_degree(biases)
    for term, bias in low.items():
        builder.add_term(term, bias)
    substitute_into(builder, high, strength)
    return builder, "BINARY"


def substitute_into(
    builder: QuadraticBuilder, high: dict[Term, float], strength: float | None
) -> None:
    """Substitute pairs (most common first) until every term of ``high`` is quadratic,
    and add the products and the reduced terms to ``builder``."""
    order = list(high)
    biases = [high[t] for t in order]
    negative = [b < 0 for b in biases]
    final, pairs = substitute(order, negative, builder.num_variables, count_values(), 0)
    add_substitutions(builder, final, biases, pairs, strength)
    for term, bias in zip(final, biases, strict=True):
        builder.add_term(term, bias)
