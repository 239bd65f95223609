"""``method="auto"``: the cheapest exact reduction we find, counted in auxiliaries.

A binary monomial of degree d ≥ 3 costs, on its own, 1 auxiliary if negative
(Freedman) and ⌊(d − 1)/2⌋ if positive (Ishikawa), with no penalty. A Rosenberg
product y = x_a x_b costs 1 but serves every term holding the pair, so a pair shared
by several terms can be cheaper. A spin monomial kept whole costs ⌊(d − 1)/2⌋
(parity gadget) and a spin product 2. The search (:mod:`~qanneal.reduce._search`):

1. Greedy substitution (engine of :mod:`~qanneal.reduce.rosenberg`): a pair's score
   is Σ over the terms holding it of what one substitution saves on that term's
   stand-alone cost, plus a fraction of an auxiliary for terms where it saves
   nothing yet; substitute while the best score exceeds the cost of a product.
2. Pruning: from the last product back, undo a product that nothing builds on when
   its terms would cost no more without it (a tie removes a penalty).
3. Annealing (terms of degree ≤ 6, at most 600 distinct pairs): simulated annealing
   over which pairs of variables become products, each term substituting a largest
   matching of its pairs among them, started from the greedy's products. The greedy
   commits to the most useful pair first and can be trapped; the annealed plan is
   kept when it needs fewer auxiliaries.
4. Every term still of degree ≥ 3 gets its gadget; products get the penalties of
   :mod:`~qanneal.reduce.rosenberg` (binary) or :mod:`~qanneal.reduce.spin`.

Small polynomials also try dimod's rule (most common pair) and random tie-breaks.
Negative terms are not bound to Freedman: a product they share can be cheaper. The
loops are numba kernels (:mod:`~qanneal.reduce._kernels`); every seed is fixed, so a
polynomial always gets the same reduction.

Spin polynomials: for a degree threshold t, monomials of degree ≥ t are kept in spin
(spin products + parity gadgets) and the others are expanded into binary monomials
(s = 2x − 1). t = 3 (all kept) is always counted; larger t only when two spin
monomials share a pair of variables (alone, a degree-d expansion holds all C(d, 3)
cubic monomials of its variables and costs more than its ⌊(d − 1)/2⌋ parity
auxiliaries). The split with the fewest auxiliaries is built (ties keep monomials
whole), and the BQM is returned in SPIN.

Example:
    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({"abc": 1, "abd": 1, "abe": -1, "cdefgh": 1}, "BINARY")
    >>> bqm, info = to_bqm(poly)
    >>> sorted(aux.kind for aux in info.auxiliaries)
    ['ishikawa', 'ishikawa', 'product']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qanneal.reduce._builder import QuadraticBuilder, split_by_degree
from qanneal.reduce._polynomial import (
    MAX_EXPANSION,
    Padded,
    SpinExpansion,
    Term,
    Terms,
    spin_to_binary,
)
from qanneal.reduce._search import BINARY_COSTS, SPIN_COSTS, Plan, has_shared_pair, plan_terms
from qanneal.reduce.freedman import add_freedman
from qanneal.reduce.ishikawa import add_ishikawa
from qanneal.reduce.parity import add_parity
from qanneal.reduce.rosenberg import product_penalties
from qanneal.reduce.spin import add_spin_product


def reduce_auto(terms: Terms, strength: float | None) -> tuple[QuadraticBuilder, str]:
    """Build the cheapest plan (see the module docstring)."""
    builder = QuadraticBuilder(terms.labels)
    builder.offset += terms.offset
    first_aux = len(terms.labels)
    if terms.vartype.name == "BINARY":
        low, high = split_by_degree(terms.biases)
        for term, bias in low.items():
            builder.add_term(term, bias)
        build_plan(builder, plan_terms(*Padded.split(high), first_aux, BINARY_COSTS), strength)
        return builder, "BINARY"
    split = cheapest_spin_split(terms)
    builder.offset += split.offset
    builder.add_terms(*split.low)
    build_plan(builder, split.binary_plan, strength)
    build_plan(builder, split.spin_plan, strength)
    kept = any(len(t) >= split.threshold for t in terms.biases)
    expanded = any(2 < len(t) < split.threshold for t in terms.biases)
    if kept:
        return builder, "MIXED" if expanded else "SPIN"
    return builder, "BINARY" if expanded else "SPIN"


@dataclass
class SpinSplit:
    """Spin monomials of degree ≥ ``threshold`` kept whole, the others expanded."""

    threshold: int
    binary_plan: Plan
    spin_plan: Plan
    offset: float  # of the expansion
    low: tuple[Padded, np.ndarray]  # the expansion's terms of degree ≤ 2, and biases

    @property
    def num_auxiliary(self) -> int:
        return self.binary_plan.num_auxiliary + self.spin_plan.num_auxiliary


def cheapest_spin_split(terms: Terms) -> SpinSplit:
    """The split with the fewest auxiliaries (ties keep monomials whole)."""
    first_aux = len(terms.labels)
    degrees = {len(t) for t in terms.biases}
    shared = has_shared_pair([t for t in terms.biases if len(t) > 2])
    rows, biases = Padded.split(terms.biases)
    expansion = SpinExpansion(terms.biases)
    best: SpinSplit | None = None
    for threshold in range(3, max(terms.degree, 2) + 2):
        if threshold > 3 and (not shared or threshold - 1 not in degrees):
            continue  # nothing new to expand at this threshold
        if expansion.size(threshold) > MAX_EXPANSION:
            break
        offset, parts = expansion.binary(below=threshold)
        low = Padded.stack([parts[s][0] for s in parts if s <= 2])
        low_biases = np.concatenate([parts[s][1] for s in parts if s <= 2] + [np.zeros(0)])
        high = Padded.stack([parts[s][0] for s in parts if s > 2])
        high_biases = np.concatenate([parts[s][1] for s in parts if s > 2] + [np.zeros(0)])
        whole = rows.length >= threshold
        split = SpinSplit(
            threshold,
            plan_terms(high, high_biases, first_aux, BINARY_COSTS),
            plan_terms(rows.select(whole), biases[whole], first_aux, SPIN_COSTS),
            offset,
            (low, low_biases),
        )
        if best is None or split.num_auxiliary < best.num_auxiliary:
            best = split
    assert best is not None
    return best


def build_plan(builder: QuadraticBuilder, plan: Plan, strength: float | None) -> None:
    """Products with their penalties, then the leftover terms (quadratic or gadget).

    Plans number their products first_aux, first_aux + 1, ...; the builder's indices
    may differ (other auxiliaries came first, a spin product also has a helper).
    """
    spin = plan.costs.spin
    first_aux = plan.first_aux
    penalties = (
        product_penalties(plan.final, plan.biases, plan.pairs, first_aux, spin)
        if len(plan.pairs)
        else []
    )
    index = np.arange(first_aux + len(plan.pairs), dtype=np.int64)
    for j, (a, b) in enumerate(plan.pairs.tolist()):
        penalty = penalties[j] if strength is None else strength
        a, b = int(index[a]), int(index[b])
        if spin:
            index[first_aux + j] = add_spin_product(builder, a, b, penalty)
        else:
            index[first_aux + j] = builder.add_product(a, b, penalty)
    index_of, length = index[plan.final.index], plan.final.length
    low = length <= 2
    if spin and low.any():
        quadratic: dict[Term, float] = {}
        for term, bias in zip(
            Padded(index_of[low], length[low]).terms(), plan.biases[low].tolist(), strict=True
        ):
            quadratic[term] = quadratic.get(term, 0.0) + bias
        expanded_offset, expanded = spin_to_binary(quadratic)
        builder.offset += expanded_offset
        for sub, sub_bias in expanded.items():
            builder.add_term(sub, sub_bias)
    elif not spin and low.any():
        builder.add_terms(Padded(index_of[low], length[low]), plan.biases[low])
    high = ~low
    for term, bias in zip(
        Padded(index_of[high], length[high]).terms(), plan.biases[high].tolist(), strict=True
    ):
        if spin:
            add_parity(builder, term, bias)
        elif bias < 0:
            add_freedman(builder, term, bias)
        else:
            add_ishikawa(builder, term, bias)
