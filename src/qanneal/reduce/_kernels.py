"""Internal: numba kernel of the greedy pair substitution (``rosenberg.substitute``).

The algorithm is documented there; this module only holds the loop, over arrays:

* terms: ``current[t, :length[t]]`` (a substitution removes a and b and appends y);
* pairs: an id per pair (a < b), found by open addressing on a hash of (a, b), and a
  row of the pair table: factors, score, count of holding terms, first link of its holders
  (a linked list of incidences, checked lazily: a listed term still holds the pair iff
  it has degree ≥ 3 and contains both factors — a term is never listed twice for one
  pair), and whether it was substituted;
* a lazy max-heap of (−score, rank, pair): an entry is stale when the pair's score
  has changed since it was pushed; a raised score pushes a fresh entry.

Tie-breaks (``mode``): 0 none; 1 fewest alternatives (rank measured on the initial
holders, pairs made later rank 0); 2 a seeded 64-bit mix of the pair.
"""

from __future__ import annotations

import heapq

import numba
import numpy as np

from qanneal._rng import seed_rng, uniform

NO_PRIORITY, FEWEST_ALTERNATIVES, RANDOM_PRIORITY = 0, 1, 2
_LOW = (1 << 32) - 1
_MIX = 0xBF58476D1CE4E5B9


@numba.njit(cache=True)
def _mix(seed, a, b):
    """The 64-bit mix of :func:`~qanneal.reduce._search.random_priority` as (high, low)."""
    x = np.uint64(a) * np.uint64(0x9E3779B97F4A7C15)
    x = x + np.uint64(b) * np.uint64(_MIX) + np.uint64(seed)
    x = x ^ (x >> np.uint64(31))
    x = x * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(29))
    return np.int64(x >> np.uint64(32)), np.int64(x & np.uint64(_LOW))


@numba.njit(cache=True)
def _grow(array: np.ndarray, size: int) -> np.ndarray:
    """``array`` if it has a row ``size``, else a copy with twice the rows (rest zero)."""
    if size < array.shape[0]:
        return array
    out = np.zeros((2 * array.shape[0] + 16,) + array.shape[1:], dtype=array.dtype)  # noqa: RUF005 (numba: no starred tuples)
    out[: array.shape[0]] = array
    return out


# columns of the pair table
_A, _B, _SCORE, _COUNT, _HEAD, _DONE = 0, 1, 2, 3, 4, 5


@numba.njit(cache=True)
def _slot(slots, table, a, b):
    """Where pair (a, b) sits in ``slots`` (open addressing over pair ids, −1 empty, size
    a power of two), or the empty slot where it would go."""
    mask = slots.shape[0] - 1
    h = (np.uint64(a) * np.uint64(0x9E3779B97F4A7C15)) ^ (np.uint64(b) * np.uint64(_MIX))
    i = np.int64(h >> np.uint64(32)) & mask
    while slots[i] >= 0 and (table[slots[i], _A] != a or table[slots[i], _B] != b):
        i = (i + 1) & mask
    return i


@numba.njit(cache=True)
def _pair_id(slots, table, size, a, b):
    """(id of pair (a, b), slots, table, pairs) — a new row (no holders) when first seen;
    the slots double when half full."""
    i = _slot(slots, table, a, b)
    if slots[i] >= 0:
        return slots[i], slots, table, size
    table = _grow(table, size)
    table[size, _A], table[size, _B], table[size, _HEAD] = a, b, -1
    slots[i] = size
    if 2 * (size + 1) > slots.shape[0]:
        slots = np.full(2 * slots.shape[0], -1, dtype=np.int64)
        for q in range(size + 1):
            slots[_slot(slots, table, table[q, _A], table[q, _B])] = q
    return size, slots, table, size + 1


@numba.njit(cache=True)
def _hold(table, links, size, q, t, value):
    """Term t holds pair q, worth ``value``: (links, incidences)."""
    links = _grow(links, size)
    links[size, 0], links[size, 1] = t, table[q, _HEAD]
    table[q, _HEAD] = size
    table[q, _SCORE] += value
    table[q, _COUNT] += 1
    return links, size + 1


@numba.njit(cache=True)
def _holds(current: np.ndarray, length: np.ndarray, t: int, a: int, b: int) -> bool:
    if length[t] < 3:
        return False
    found = 0
    for k in range(length[t]):
        v = current[t, k]
        if v == a or v == b:
            found += 1
    return found == 2


@numba.njit(cache=True)
def _ordered_id(slots, table, u, v):
    """Id of an existing pair {u, v}."""
    return slots[_slot(slots, table, min(u, v), max(u, v))]


@numba.njit(cache=True)
def _entry(table, frank, seed, mode, q):
    """Heap entry of pair q: (−score, rank, mix high, mix low, a, b)."""
    a, b = table[q, _A], table[q, _B]
    hi, lo = _mix(seed, a, b) if mode == RANDOM_PRIORITY else (0, 0)
    rank = frank[q] if q < frank.shape[0] else 0.0
    return (-table[q, _SCORE], rank, hi, lo, a, b)


@numba.njit(cache=True)
def greedy_substitute(
    current: np.ndarray,
    length: np.ndarray,
    negative: np.ndarray,
    first_aux: int,
    values: np.ndarray,
    threshold: int,
    mode: int,
    seed: int,
) -> np.ndarray:
    """Substitute in place (``current``, ``length``); returns the pairs, shape (k, 2).

    ``values[negative, degree]`` is a term's score per pair it holds.
    """
    num_terms = current.shape[0]
    slots = np.full(1024, -1, dtype=np.int64)
    table = np.zeros((64, 6), dtype=np.int64)
    links = np.zeros((64, 2), dtype=np.int64)  # (term, next incidence of the same pair)
    num_pairs = num_links = 0
    for t in range(num_terms):
        d = length[t]
        if d < 3:
            continue
        value = values[np.int64(negative[t]), d]
        for i in range(d):
            for j in range(i + 1, d):
                a, b = min(current[t, i], current[t, j]), max(current[t, i], current[t, j])
                q, slots, table, num_pairs = _pair_id(slots, table, num_pairs, a, b)
                links, num_links = _hold(table, links, num_links, q, t, value)

    frank = np.zeros(num_pairs if mode == FEWEST_ALTERNATIVES else 0)
    if mode == FEWEST_ALTERNATIVES:
        total = np.zeros(num_pairs, dtype=np.int64)
        for t in range(num_terms):
            d = length[t]
            if d < 3:
                continue
            top = second = 0
            for i in range(d):
                for j in range(i + 1, d):
                    c = table[_ordered_id(slots, table, current[t, i], current[t, j]), _COUNT]
                    if c > top:
                        top, second = c, top
                    elif c > second:
                        second = c
            for i in range(d):
                for j in range(i + 1, d):
                    q = _ordered_id(slots, table, current[t, i], current[t, j])
                    total[q] += second if table[q, _COUNT] == top else top
        frank[:] = total / table[:num_pairs, _COUNT]

    heap = [_entry(table, frank, seed, mode, 0)] if num_pairs else [(0, 0.0, 0, 0, 0, 0)]
    heap.pop()
    for q in range(num_pairs):
        heap.append(_entry(table, frank, seed, mode, q))
    heapq.heapify(heap)

    out = np.zeros((16, 2), dtype=np.int64)
    num_out = 0
    raised = np.zeros(64, dtype=np.int64)
    rest = np.zeros(current.shape[1], dtype=np.int64)
    while heap:
        key, _, _, _, a, b = heapq.heappop(heap)
        q = _ordered_id(slots, table, a, b)
        now = table[q, _SCORE]
        if table[q, _DONE] or now > -key:
            continue  # gone, or a fresher entry with the higher score is queued
        if now < -key:
            heapq.heappush(heap, _entry(table, frank, seed, mode, q))
            continue
        if now <= threshold:
            break
        y = first_aux + num_out
        out = _grow(out, num_out)
        out[num_out, 0], out[num_out, 1] = a, b
        num_out += 1
        table[q, _DONE] = 1
        num_raised = 0
        k = table[q, _HEAD]
        while k >= 0:
            t, k = links[k, 0], links[k, 1]
            if not _holds(current, length, t, a, b):
                continue
            old = length[t]
            before = values[np.int64(negative[t]), old]
            r = 0
            for i in range(old):
                v = current[t, i]
                if v != a and v != b:
                    rest[r] = v
                    r += 1
            after = values[np.int64(negative[t]), r + 1]
            current[t, :r] = rest[:r]
            current[t, r] = y
            length[t] = r + 1
            for i in range(r):
                for f in (a, b):
                    p = _ordered_id(slots, table, f, rest[i])
                    table[p, _COUNT] -= 1
                    table[p, _SCORE] -= before
            if r < 2:
                continue  # now quadratic: it holds no pair of interest any more
            if after != before:
                for i in range(r):
                    for j in range(i + 1, r):
                        p = _ordered_id(slots, table, rest[i], rest[j])
                        table[p, _SCORE] += after - before
                        if after > before:
                            raised = _grow(raised, num_raised)
                            raised[num_raised] = p
                            num_raised += 1
            for i in range(r):  # rest[i] < y: y is the newest index
                p, slots, table, num_pairs = _pair_id(slots, table, num_pairs, rest[i], y)
                links, num_links = _hold(table, links, num_links, p, t, after)
                raised = _grow(raised, num_raised)
                raised[num_raised] = p
                num_raised += 1
        for i in range(num_raised):
            heapq.heappush(heap, _entry(table, frank, seed, mode, raised[i]))
    return out[:num_out].copy()


@numba.njit(cache=True)
def _append(
    head: np.ndarray,
    tail: np.ndarray,
    node_term: np.ndarray,
    node_next: np.ndarray,
    size: int,
    j: int,
    t: int,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Append term t to the linked list j (node pool grown when full)."""
    if size >= node_term.shape[0]:
        node_term, node_next = _grow(node_term, size), _grow(node_next, size)
    node_term[size] = t
    node_next[size] = -1
    if head[j] < 0:
        head[j] = size
    else:
        node_next[tail[j]] = size
    tail[j] = size
    return node_term, node_next, size + 1


@numba.njit(cache=True)
def prune_products(
    current: np.ndarray,
    length: np.ndarray,
    negative: np.ndarray,
    pairs: np.ndarray,
    first_aux: int,
    gadget: np.ndarray,
    product: int,
) -> np.ndarray:
    """Undo products in place, last first (see ``_search.prune``); returns which are kept.

    ``gadget[negative, degree]`` is a leftover term's cost, ``product`` a product's. An
    undone term regains a factor, so rows as wide as the terms were before substitution
    (what ``greedy_substitute`` and ``matched_terms`` return) always have room; a row
    too narrow raises ValueError.
    """
    k = pairs.shape[0]
    children = np.zeros(k, dtype=np.int64)
    for j in range(k):
        for f in (pairs[j, 0], pairs[j, 1]):
            if f >= first_aux:
                children[f - first_aux] += 1
    head = np.full(k, -1, dtype=np.int64)
    tail = np.full(k, -1, dtype=np.int64)
    node_term = np.zeros(64, dtype=np.int64)
    node_next = np.zeros(64, dtype=np.int64)
    size = 0
    for t in range(current.shape[0]):
        for i in range(length[t]):
            v = current[t, i]
            if v >= first_aux:
                node_term, node_next, size = _append(
                    head, tail, node_term, node_next, size, v - first_aux, t
                )
    kept = np.ones(k, dtype=np.bool_)
    for j in range(k - 1, -1, -1):
        if children[j]:
            continue
        extra = 0
        node = head[j]
        while node >= 0:
            t = node_term[node]
            row = np.int64(negative[t])
            extra += gadget[row, length[t] + 1] - gadget[row, length[t]]
            node = node_next[node]
        if extra > product:
            continue
        kept[j] = False
        y = first_aux + j
        a, b = pairs[j, 0], pairs[j, 1]
        node = head[j]
        while node >= 0:
            t = node_term[node]
            d = 0
            for i in range(length[t]):
                if current[t, i] != y:
                    current[t, d] = current[t, i]
                    d += 1
            if d + 2 > current.shape[1]:
                raise ValueError("prune_products: a row is narrower than its undone term")
            current[t, d] = a
            current[t, d + 1] = b
            length[t] = d + 2
            current[t, : d + 2].sort()
            node = node_next[node]
        for f in (a, b):
            if f >= first_aux:
                children[f - first_aux] -= 1
                node = head[j]
                while node >= 0:
                    node_term, node_next, size = _append(
                        head, tail, node_term, node_next, size, f - first_aux, node_term[node]
                    )
                    node = node_next[node]
    return kept


@numba.njit(cache=True)
def product_penalties(
    current: np.ndarray,
    length: np.ndarray,
    biases: np.ndarray,
    pairs: np.ndarray,
    first_aux: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(P_j, N_j): the positive and negative bias mass of the final terms that hold
    product j or a product built from it (see :mod:`~qanneal.reduce.rosenberg`)."""
    k = pairs.shape[0]
    positive = np.zeros(k)
    negative = np.zeros(k)
    stamp = np.full(k, -1, dtype=np.int64)
    stack = np.empty(current.shape[1] + 2 * k + 1, dtype=np.int64)
    for t in range(current.shape[0]):
        top = 0
        for i in range(length[t]):
            if current[t, i] >= first_aux:
                stack[top] = current[t, i] - first_aux
                top += 1
        while top:
            top -= 1
            j = stack[top]
            if stamp[j] == t:
                continue
            stamp[j] = t
            if biases[t] > 0:
                positive[j] += biases[t]
            else:
                negative[j] -= biases[t]
            for f in (pairs[j, 0], pairs[j, 1]):
                if f >= first_aux:
                    stack[top] = f - first_aux
                    top += 1
    return positive, negative


@numba.njit(cache=True)
def _edges(degree: int) -> tuple[np.ndarray, np.ndarray]:
    """Endpoints (positions in a term) of its pairs, in ``itertools.combinations`` order."""
    count = degree * (degree - 1) // 2
    first = np.zeros(count, dtype=np.int64)
    second = np.zeros(count, dtype=np.int64)
    k = 0
    for a in range(degree):
        for b in range(a + 1, degree):
            first[k], second[k] = a, b
            k += 1
    return first, second


@numba.njit(cache=True)
def matching_tables(max_degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offsets, size, chosen): for a term of degree d ≤ ``max_degree`` whose pairs in a
    set are the bits of ``mask`` (pair k = the k-th of ``_edges(d)``), the largest
    matching among them has ``size[offsets[d] + mask]`` pairs, and ``chosen[...]`` is one
    (a mask). By the lowest pair of the mask: leave it out, or take it and drop the
    pairs that touch it."""
    offsets = np.zeros(max_degree + 2, dtype=np.int64)
    total = 0
    for d in range(3, max_degree + 1):
        offsets[d] = total
        total += 1 << (d * (d - 1) // 2)
    offsets[max_degree + 1] = total
    size = np.zeros(total, dtype=np.int64)
    chosen = np.zeros(total, dtype=np.int64)
    for d in range(3, max_degree + 1):
        first, second = _edges(d)
        count = first.shape[0]
        disjoint = np.zeros(count, dtype=np.int64)
        for k in range(count):
            for m in range(count):
                a, b = first[m], second[m]
                if first[k] != a and first[k] != b and second[k] != a and second[k] != b:
                    disjoint[k] |= 1 << m
        base = offsets[d]
        for mask in range(1, 1 << count):
            k = 0
            while not (mask >> k) & 1:
                k += 1
            without = mask & ~(1 << k)
            taken = mask & disjoint[k]
            if 1 + size[base + taken] > size[base + without]:
                size[base + mask] = 1 + size[base + taken]
                chosen[base + mask] = (1 << k) | chosen[base + taken]
            else:
                size[base + mask] = size[base + without]
                chosen[base + mask] = chosen[base + without]
    return offsets, size, chosen


@numba.njit(cache=True)
def anneal_pairs(
    degree: np.ndarray,
    negative: np.ndarray,
    pointer: np.ndarray,
    holder: np.ndarray,
    slot: np.ndarray,
    offsets: np.ndarray,
    size: np.ndarray,
    gadget: np.ndarray,
    product: int,
    sweeps: int,
    hot: float,
    cold: float,
    seed: int,
    start: np.ndarray,
) -> np.ndarray:
    """Simulated annealing over sets of pairs; returns the cheapest set seen (bool per pair).

    Cost of a set: ``product`` per pair plus, per term, ``gadget[negative, d − ν]``
    where ν is the largest matching of the term's pairs in the set. Pair p is held by
    terms ``holder[pointer[p]:pointer[p + 1]]`` as their pair number ``slot[...]``. A
    move toggles a random pair (Metropolis, integer cost changes); the temperature
    falls geometrically from ``hot`` to ``cold`` over ``sweeps`` × pairs moves.
    """
    num_pairs = pointer.shape[0] - 1
    num_terms = degree.shape[0]
    chosen = start.copy()
    mask = np.zeros(num_terms, dtype=np.int64)
    for p in range(num_pairs):
        if chosen[p]:
            for k in range(pointer[p], pointer[p + 1]):
                mask[holder[k]] |= 1 << slot[k]
    cost = np.zeros(num_terms, dtype=np.int64)
    total = product * int(chosen.sum())
    for t in range(num_terms):
        d = degree[t]
        cost[t] = gadget[negative[t], d - size[offsets[d] + mask[t]]]
        total += cost[t]
    best, best_total = chosen.copy(), total
    state = np.zeros(4, dtype=np.uint64)
    seed_rng(seed, state)
    accept = np.zeros(32)
    for sweep in range(sweeps):
        temperature = hot * (cold / hot) ** (sweep / max(1, sweeps - 1))
        for delta in range(32):
            accept[delta] = np.exp(-delta / temperature)
        for _ in range(num_pairs):
            p = min(int(uniform(state) * num_pairs), num_pairs - 1)
            delta = -product if chosen[p] else product
            for k in range(pointer[p], pointer[p + 1]):
                t = holder[k]
                d = degree[t]
                nu = size[offsets[d] + (mask[t] ^ (1 << slot[k]))]
                delta += gadget[negative[t], d - nu] - cost[t]
            if delta > 0 and (delta >= 32 or uniform(state) >= accept[delta]):
                continue
            chosen[p] = not chosen[p]
            for k in range(pointer[p], pointer[p + 1]):
                t = holder[k]
                d = degree[t]
                mask[t] ^= 1 << slot[k]
                cost[t] = gadget[negative[t], d - size[offsets[d] + mask[t]]]
            total += delta
            if total < best_total:
                best_total = total
                best[:] = chosen
    return best


@numba.njit(cache=True)
def matched_terms(
    current: np.ndarray,
    length: np.ndarray,
    term_pairs: np.ndarray,
    chosen: np.ndarray,
    offsets: np.ndarray,
    matching: np.ndarray,
    first_aux: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Substitute in every term one largest matching of its pairs in the set ``chosen``.

    ``term_pairs[t, k]`` is the id of the k-th pair of term t. Products are the pairs
    some term uses, numbered ``first_aux`` + their rank by id. Returns (terms, lengths,
    used: bool per pair id); a term lists its unmatched factors, then its products.
    """
    num_terms, width = current.shape
    used = np.zeros(chosen.shape[0], dtype=np.bool_)
    picks = np.zeros(num_terms, dtype=np.int64)
    for t in range(num_terms):
        d = length[t]
        mask = 0
        for k in range(d * (d - 1) // 2):
            if chosen[term_pairs[t, k]]:
                mask |= 1 << k
        picks[t] = matching[offsets[d] + mask]
        for k in range(d * (d - 1) // 2):
            if (picks[t] >> k) & 1:
                used[term_pairs[t, k]] = True
    number = np.cumsum(used) - 1 + first_aux
    out = np.zeros((num_terms, width), dtype=np.int64)
    out_length = np.zeros(num_terms, dtype=np.int64)
    for t in range(num_terms):
        d = length[t]
        first, second = _edges(d)
        covered = 0
        for k in range(first.shape[0]):
            if (picks[t] >> k) & 1:
                covered |= (1 << first[k]) | (1 << second[k])
        r = 0
        for i in range(d):
            if not (covered >> i) & 1:
                out[t, r] = current[t, i]
                r += 1
        for k in range(first.shape[0]):
            if (picks[t] >> k) & 1:
                out[t, r] = number[term_pairs[t, k]]
                r += 1
        out_length[t] = r
    return out, out_length, used
