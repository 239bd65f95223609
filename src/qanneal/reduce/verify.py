"""Check a reduction: min over auxiliaries of the BQM equals the polynomial.

For each checked assignment x of the polynomial's variables (all 2^n when
n ≤ ``max_exhaustive``, else ``samples`` random ones), the BQM restricted to the
auxiliaries is a small QUBO. Its couplings split the auxiliaries into independent
blocks (a Freedman or Ishikawa auxiliary is a block of its own; products that feed
each other form larger ones), and min over auxiliaries is the sum of the blocks'
minima. A block of at most ``max_enumerated`` auxiliaries is minimised exactly by
enumerating its 2^s values for all x at once (numpy, rows in chunks). A larger
block starts from its intended values (every product equal to the product of its
factors, every gadget auxiliary at its optimum) and descends by single flips; that
minimum is an upper bound, and the report says so (``auxiliaries_enumerated``).

Example:
    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({"abc": 1.0, "abd": 1.0, "cd": -1.5}, dimod.BINARY)
    >>> report = verify(poly, *to_bqm(poly, method="rosenberg"))
    >>> report.exact, report.exhaustive, report.max_deviation
    (True, True, 0.0)
    >>> weak = verify(poly, *to_bqm(poly, method="rosenberg", strength=0.5))
    >>> weak.exact, weak.max_deviation, weak.worst
    (False, 1.5, {'a': 1, 'b': 1, 'c': 1, 'd': 1})
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import dataclass

import dimod
import numpy as np

from qanneal.reduce._polynomial import CHUNK_ENTRIES, polynomial_energies, read_polynomial
from qanneal.reduce.info import ReductionInfo, affine_value, product_value

TOLERANCE = 1e-9


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of :func:`verify`. ``exact``: max_deviation ≤ 1e-9 · max(1, max |P|)."""

    exact: bool
    max_deviation: float
    worst: dict[Hashable, int] | None
    assignments: int
    exhaustive: bool
    auxiliaries_enumerated: bool
    largest_block: int
    ground_energy: float
    bqm_ground_energy: float
    ground_states_match: bool


@dataclass
class _Split:
    """The BQM over (original values, auxiliaries) as numpy arrays."""

    offset: float
    linear_x: np.ndarray
    pairs_x: tuple[np.ndarray, np.ndarray, np.ndarray]
    linear_a: np.ndarray
    cross: np.ndarray  # (originals, auxiliaries)
    blocks: list[tuple[np.ndarray, np.ndarray]]  # (aux indices, s × s couplings)
    aux_labels: list[Hashable]


def verify(
    poly: dimod.BinaryPolynomial,
    bqm: dimod.BinaryQuadraticModel,
    info: ReductionInfo,
    *,
    max_exhaustive: int = 20,
    samples: int = 2000,
    seed: int = 0,
    max_enumerated: int = 16,
) -> VerifyReport:
    """Compare min over auxiliaries of ``bqm`` with ``poly`` (see the module docstring)."""
    terms = read_polynomial(poly)
    n = len(terms.labels)
    exhaustive = n <= max_exhaustive
    assignments = _assignments(n, exhaustive, samples, seed, terms.vartype)
    split = _split(bqm, terms.labels)
    enumerated = all(len(block) <= max_enumerated for block, _ in split.blocks)
    poly_energy = np.empty(len(assignments))
    bqm_energy = np.empty(len(assignments))
    step = max(1, CHUNK_ENTRIES // max(1, n + len(split.aux_labels)))
    for start in range(0, len(assignments), step):
        chunk = assignments[start : start + step]
        poly_energy[start : start + step] = polynomial_energies(terms, chunk)
        values = _to_vartype(chunk, terms.vartype, bqm.vartype)
        bqm_energy[start : start + step] = _min_over_auxiliaries(
            split, values, bqm.vartype, info, terms.labels, max_enumerated
        )
    return _report(
        terms.labels, assignments, poly_energy, bqm_energy, exhaustive, enumerated, split
    )


def _report(
    labels: tuple[Hashable, ...],
    assignments: np.ndarray,
    poly_energy: np.ndarray,
    bqm_energy: np.ndarray,
    exhaustive: bool,
    enumerated: bool,
    split: _Split,
) -> VerifyReport:
    scale = max(1.0, float(np.abs(poly_energy).max(initial=0.0)))
    deviation = np.abs(bqm_energy - poly_energy)
    worst_row = int(deviation.argmax()) if len(deviation) else 0
    max_deviation = float(deviation.max(initial=0.0))
    worst = None
    if max_deviation > TOLERANCE * scale:
        worst = {v: int(x) for v, x in zip(labels, assignments[worst_row], strict=True)}
    ground_poly = poly_energy <= poly_energy.min() + TOLERANCE * scale
    ground_bqm = bqm_energy <= bqm_energy.min() + TOLERANCE * scale
    return VerifyReport(
        exact=max_deviation <= TOLERANCE * scale,
        max_deviation=max_deviation,
        worst=worst,
        assignments=len(assignments),
        exhaustive=exhaustive,
        auxiliaries_enumerated=enumerated,
        largest_block=max((len(b) for b, _ in split.blocks), default=0),
        ground_energy=float(poly_energy.min()),
        bqm_ground_energy=float(bqm_energy.min()),
        ground_states_match=bool((ground_poly == ground_bqm).all()),
    )


def _assignments(
    n: int, exhaustive: bool, samples: int, seed: int, vartype: dimod.Vartype
) -> np.ndarray:
    if exhaustive:
        rows = np.arange(2**n, dtype=np.int64)[:, None]
        binary = ((rows >> np.arange(n)) & 1).astype(np.int8)
    else:
        rng = np.random.default_rng(seed)
        binary = np.unique(rng.integers(0, 2, size=(samples, n), dtype=np.int8), axis=0)
    return binary if vartype is dimod.BINARY else (2 * binary - 1).astype(np.int8)


def _to_vartype(values: np.ndarray, source: dimod.Vartype, target: dimod.Vartype) -> np.ndarray:
    values = values.astype(np.float64)
    if source is target:
        return values
    return 2 * values - 1 if target is dimod.SPIN else (values + 1) / 2


def _split(bqm: dimod.BinaryQuadraticModel, labels: tuple[Hashable, ...]) -> _Split:
    """Arrays of the BQM with originals first (missing ones count as absent)."""
    present = [v for v in labels if v in bqm.variables]
    position = {v: i for i, v in enumerate(labels)}
    originals = set(present)
    aux_labels = [v for v in bqm.variables if v not in originals]
    vectors = bqm.to_numpy_vectors(variable_order=present + aux_labels)
    linear, (row, col, quad), offset = vectors[0], vectors[1], vectors[2]
    to_full = np.array([position[v] for v in present] + list(range(len(aux_labels))), dtype=int)
    n, k = len(present), len(aux_labels)
    linear_x = np.zeros(len(labels))
    linear_x[to_full[:n]] = linear[:n]
    row, col = np.minimum(row, col), np.maximum(row, col)
    xx, xa, aa = col < n, (row < n) & (col >= n), row >= n
    cross = np.zeros((len(labels), k))
    np.add.at(cross, (to_full[row[xa]], col[xa] - n), quad[xa])
    pairs_x = (to_full[row[xx]], to_full[col[xx]], quad[xx])
    blocks = _blocks(k, row[aa] - n, col[aa] - n, quad[aa])
    return _Split(float(offset), linear_x, pairs_x, linear[n:], cross, blocks, aux_labels)


def _blocks(
    k: int, row: np.ndarray, col: np.ndarray, quad: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Connected groups of auxiliaries, each with its dense coupling matrix."""
    parent = list(range(k))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(row.tolist(), col.tolist(), strict=True):
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(k):
        groups.setdefault(find(i), []).append(i)
    position = {m: p for members in groups.values() for p, m in enumerate(members)}
    couplings = {root: np.zeros((len(m), len(m))) for root, m in groups.items()}
    for i, j, q in zip(row.tolist(), col.tolist(), quad.tolist(), strict=True):
        couplings[find(i)][position[i], position[j]] += q
    return [(np.array(m, dtype=int), couplings[root]) for root, m in groups.items()]


def _min_over_auxiliaries(
    split: _Split,
    values: np.ndarray,
    vartype: dimod.Vartype,
    info: ReductionInfo,
    labels: tuple[Hashable, ...],
    max_enumerated: int,
) -> np.ndarray:
    """min over auxiliaries of the BQM for every row of original ``values`` (BQM vartype)."""
    rows, cols, quad = split.pairs_x
    energy = split.offset + values @ split.linear_x + (values[:, rows] * values[:, cols]) @ quad
    field = split.linear_a + values @ split.cross
    start = None
    for index, couplings in split.blocks:
        local = field[:, index]
        if len(index) == 1:
            energy += (
                np.minimum(0.0, local[:, 0]) if vartype is dimod.BINARY else -np.abs(local[:, 0])
            )
        elif len(index) <= max_enumerated:
            energy += _enumerate(local, couplings, vartype)
        else:
            if start is None:
                start = _intended(info, values, vartype, labels, split.aux_labels)
            energy += _descend(local, couplings, start[:, index], vartype)
    return energy


def _enumerate(field: np.ndarray, couplings: np.ndarray, vartype: dimod.Vartype) -> np.ndarray:
    size = field.shape[1]
    low = 0 if vartype is dimod.BINARY else -1
    configs = np.array(list(itertools.product((low, 1), repeat=size)), dtype=np.float64)
    constant = np.einsum("ci,ij,cj->c", configs, couplings, configs)  # couplings: i < j only
    out = np.empty(field.shape[0])
    step = max(1, CHUNK_ENTRIES // len(configs))
    for begin in range(0, field.shape[0], step):
        block = field[begin : begin + step] @ configs.T + constant
        out[begin : begin + step] = block.min(axis=1)
    return out


def _descend(
    field: np.ndarray, couplings: np.ndarray, start: np.ndarray, vartype: dimod.Vartype
) -> np.ndarray:
    """Single-flip descent from ``start`` (rows × s); returns the block energies reached."""
    symmetric = couplings + couplings.T
    state = start.astype(np.float64)
    low = 0.0 if vartype is dimod.BINARY else -1.0
    for _ in range(8 * state.shape[1] + 8):
        local = field + state @ symmetric
        flipped = low + 1.0 - state
        gain = (flipped - state) * local
        best = gain.argmin(axis=1)
        rows = np.flatnonzero(gain[np.arange(len(best)), best] < -TOLERANCE)
        if not len(rows):
            break
        state[rows, best[rows]] = low + 1.0 - state[rows, best[rows]]
    return (state * field).sum(axis=1) + np.einsum("ri,ij,rj->r", state, couplings, state)


def _intended(
    info: ReductionInfo,
    values: np.ndarray,
    vartype: dimod.Vartype,
    labels: tuple[Hashable, ...],
    aux_labels: list[Hashable],
) -> np.ndarray:
    """Every auxiliary at its intended value (products, gadget optima), in ``vartype``."""
    binary = values if vartype is dimod.BINARY else (values + 1) / 2
    columns: dict[Hashable, int] = {v: i for i, v in enumerate(labels)}
    matrix = np.zeros((binary.shape[0], len(labels) + len(aux_labels)), dtype=np.int64)
    matrix[:, : len(labels)] = np.rint(binary).astype(np.int64)
    columns.update((v, len(labels) + i) for i, v in enumerate(aux_labels))
    for aux in info.auxiliaries:
        if aux.label not in columns:
            continue
        if aux.factors is not None:
            value = product_value(aux.kind, matrix, columns, aux.factors)
        elif aux.coefficient is not None:
            value = (affine_value(aux.coefficient, matrix, columns) < 0).astype(np.int64)
        else:
            continue
        matrix[:, columns[aux.label]] = value
    aux_values = matrix[:, len(labels) :].astype(np.float64)
    return aux_values if vartype is dimod.BINARY else 2 * aux_values - 1
