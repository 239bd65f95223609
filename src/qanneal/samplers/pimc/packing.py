"""Pack a BQM, a HUBO or a native model into a back-end of the kernels (``_backends``).

Labels are sorted (when sortable) before packing so that a seed gives the same
samples whatever order the variables were added in.

Example:
    >>> import dimod
    >>> packed = pack_bqm(dimod.BQM({"a": 1.0}, {("a", "b"): -2.0}, 0.5, "SPIN"))
    >>> type(packed.backend).__name__, packed.labels, packed.cache_width
    ('DenseBQM', ['a', 'b'], 2)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import dimod
import numpy as np

from qanneal.models import BinaryModel, BinaryNeuralNetwork, BinaryPerceptron
from qanneal.models.losses import loss_code
from qanneal.samplers.pimc._binn import BinaryNetwork
from qanneal.samplers.pimc._bqm import DenseBQM, SparseBQM
from qanneal.samplers.pimc._perceptron import Perceptron
from qanneal.samplers.pimc._polynomial import Polynomial


@dataclass(frozen=True)
class Packed:
    """A back-end for the kernels, and what the sampler needs around it."""

    backend: SparseBQM | DenseBQM | Polynomial | Perceptron | BinaryNetwork
    labels: list[Hashable]  # variable of each spin column
    offset: float  # constant energy the back-end leaves out
    cache_width: int  # values in one slice's cache row
    work_width: int = 1  # values in one slice's scratch row (the BiNN back-end uses it)

    @property
    def num_variables(self) -> int:
        return len(self.labels)


def sorted_labels(labels: Sequence[Hashable]) -> list[Hashable]:
    try:
        return sorted(labels)  # type: ignore[type-var]
    except TypeError:
        return sorted(labels, key=repr)


def _csr(
    rows: np.ndarray, cols: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row pointer, column indices and the order that sorts (rows, cols) by row."""
    order = np.lexsort((cols, rows))
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=size), out=indptr[1:])
    return indptr, cols[order].astype(np.int64), order


DENSE_MIN_DENSITY = 0.1  # couplings per variable / n at which dense rows beat CSR
DENSE_MAX_VARIABLES = 2048  # dense J: n² float64 = 32 MiB at most


def _spin_vectors(
    bqm: dimod.BinaryQuadraticModel, labels: list[Hashable]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """(h, rows, cols, J, offset) of the SPIN form, converted in numpy: x = (s + 1)/2 turns
    a x_i + b x_i x_j into a/2 s_i + b/4 (s_i + s_j + s_i s_j) + (a/2 + b/4) (dimod's
    SPIN view of a BINARY BQM would walk every coupling in Python)."""
    vectors = bqm.to_numpy_vectors(labels)
    a, (row, col, b), offset = vectors.linear_biases, vectors.quadratic, vectors.offset
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if bqm.vartype is dimod.SPIN:
        return a, row, col, b, float(offset)
    h = a / 2 + (np.bincount(row, b, len(a)) + np.bincount(col, b, len(a))) / 4
    return h, row, col, b / 4, float(offset + a.sum() / 2 + b.sum() / 4)


def pack_bqm(bqm: dimod.BinaryQuadraticModel, dense: bool | None = None) -> Packed:
    """SPIN view of a BQM as fields h and a symmetric coupling matrix: CSR, or dense rows
    when ``dense`` (by default when at least a tenth of all pairs are coupled and
    n ≤ 2048; an accepted flip then updates the fields with one vectorised row)."""
    labels = sorted_labels(list(bqm.variables))
    h, row, col, quad, offset = _spin_vectors(bqm, labels)
    n = len(labels)
    if dense is None:
        dense = n <= DENSE_MAX_VARIABLES and 2 * len(quad) >= DENSE_MIN_DENSITY * n * n
    fields = np.ascontiguousarray(h, dtype=np.float64)
    if dense:
        matrix = np.zeros((n, n))
        np.add.at(matrix, (row, col), quad)
        np.add.at(matrix, (col, row), quad)
        return Packed(DenseBQM(fields, matrix), labels, float(offset), n)
    rows = np.concatenate([row, col]).astype(np.int64)
    cols = np.concatenate([col, row]).astype(np.int64)
    row_starts, neighbours, order = _csr(rows, cols, n)
    couplings = np.concatenate([quad, quad]).astype(np.float64)[order]
    return Packed(SparseBQM(fields, row_starts, neighbours, couplings), labels, float(offset), n)


def pack_polynomial(poly: dimod.BinaryPolynomial) -> Packed:
    """SPIN polynomial as term biases plus variable→term and term→variable incidence."""
    spin = poly if poly.vartype is dimod.SPIN else poly.to_spin(copy=True)
    labels = sorted_labels(list(spin.variables))
    index = {label: i for i, label in enumerate(labels)}
    offset = 0.0
    biases, term_vars = [], []
    for term, bias in spin.items():
        if not term:
            offset += float(bias)
        elif bias != 0:
            biases.append(float(bias))
            term_vars.append(sorted(index[v] for v in term))
    sizes = np.array([len(t) for t in term_vars], dtype=np.int64)
    term_ptr = np.zeros(len(term_vars) + 1, dtype=np.int64)
    np.cumsum(sizes, out=term_ptr[1:])
    flat_vars = np.array([v for t in term_vars for v in t], dtype=np.int64)
    term_ids = np.repeat(np.arange(len(term_vars), dtype=np.int64), sizes)
    var_ptr, var_terms, _ = _csr(flat_vars, term_ids, len(labels))
    backend = Polynomial(
        np.array(biases, dtype=np.float64), var_ptr, var_terms, term_ptr, flat_vars
    )
    return Packed(backend, labels, offset, len(term_vars))


def binn_layout(
    model: BinaryNeuralNetwork,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flat description of a BiNN for the kernel: sizes, weight/bias offsets, and for
    each variable its layer, the unit it feeds and its input column (-1: bias)."""
    sizes = model.layer_sizes.astype(np.int64)
    w_off, b_off = [], []
    var_layer = np.zeros(model.num_variables, dtype=np.int64)
    var_row = np.zeros_like(var_layer)
    var_col = np.zeros_like(var_layer)
    for layer, (w_slice, b_slice) in enumerate(model.blocks, start=1):
        cols = int(sizes[layer - 1])
        index = np.arange(w_slice.start, w_slice.stop)
        w_off.append(w_slice.start)
        var_layer[index] = layer
        var_row[index] = (index - w_slice.start) // cols
        var_col[index] = (index - w_slice.start) % cols
        if b_slice is None:
            b_off.append(-1)
            continue
        index = np.arange(b_slice.start, b_slice.stop)
        b_off.append(b_slice.start)
        var_layer[index] = layer
        var_row[index] = index - b_slice.start
        var_col[index] = -1
    return (
        sizes,
        np.array(w_off, dtype=np.int64),
        np.array(b_off, dtype=np.int64),
        var_layer,
        var_row,
        var_col,
    )


def pack_model(model: BinaryModel) -> Packed:
    """A model's native energy: a perceptron's columns y_μ ξ_μi (bias column included), or
    a BiNN's inputs, labels and layer layout; and the loss."""
    loss = (loss_code(model.loss), float(model.margin), float(model.fan_in))
    if isinstance(model, BinaryPerceptron):
        columns = np.ascontiguousarray((model.labels[:, None] * model.augmented()).T, np.float64)
        return Packed(Perceptron(columns, *loss), list(model.variables), 0.0, model.num_patterns)
    if isinstance(model, BinaryNeuralNetwork):
        sizes, w_off, b_off, var_layer, var_row, var_col = binn_layout(model)
        # first unit of each layer in a pattern's row (layer >= 1), then the unit count
        unit_starts = np.concatenate([[0, 0], np.cumsum(sizes[1:])]).astype(np.int64)
        backend = BinaryNetwork(
            np.ascontiguousarray(model.patterns, dtype=np.float64),
            model.labels.astype(np.float64),
            sizes,
            w_off,
            b_off,
            unit_starts,
            var_layer,
            var_row,
            var_col,
            *loss,
        )
        cache_width = 2 * model.num_patterns * int(sizes[1:].sum())
        work_width = cache_width + model.num_patterns
        return Packed(backend, list(model.variables), 0.0, cache_width, work_width)
    raise TypeError(f"no PIMC back-end for the native energy of {type(model).__name__}")
