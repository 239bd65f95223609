"""Pack a BQM, a HUBO or a native model into the flat arrays of the back-ends.

Labels are sorted (when sortable) before packing so that a seed gives the same
samples whatever order the variables were added in.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import dimod
import numpy as np

from qanneal.models import BinaryModel, BinaryNeuralNetwork, BinaryPerceptron
from qanneal.models.losses import loss_code
from qanneal.samplers.pimc._backends import BINN, BQM, DENSE, HUBO, PERCEPTRON

_EMPTY_INT = np.zeros(1, dtype=np.int64)
_EMPTY_FLOAT = np.zeros(0)


@dataclass(frozen=True)
class Packed:
    """A back-end's arrays (argument slots of the kernels) and what to decode with."""

    code: int
    labels: list[Hashable]
    f1: np.ndarray
    f2: np.ndarray
    i1: np.ndarray
    i2: np.ndarray
    i3: np.ndarray
    i4: np.ndarray
    loss: np.ndarray
    offset: float
    cache_width: int

    @property
    def arrays(
        self,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return (self.f1, self.f2, self.i1, self.i2, self.i3, self.i4, self.loss)


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


def pack_bqm(bqm: dimod.BinaryQuadraticModel, dense: bool | None = None) -> Packed:
    """SPIN view of a BQM as fields h and a symmetric coupling matrix: CSR, or dense rows
    when ``dense`` (by default when at least a tenth of all pairs are coupled and
    n ≤ 2048; an accepted flip then updates the fields with one vectorised row)."""
    labels = sorted_labels(list(bqm.variables))
    spin = bqm.spin
    vectors = spin.to_numpy_vectors(labels)
    h, (row, col, quad), offset = vectors.linear_biases, vectors.quadratic, vectors.offset
    n = len(labels)
    if dense is None:
        dense = n <= DENSE_MAX_VARIABLES and 2 * len(quad) >= DENSE_MIN_DENSITY * n * n
    if dense:
        matrix = np.zeros((n, n))
        np.add.at(matrix, (row, col), quad)
        np.add.at(matrix, (col, row), quad)
        return Packed(
            DENSE,
            labels,
            np.asarray(h, dtype=np.float64),
            matrix.ravel(),
            _EMPTY_INT,
            _EMPTY_INT,
            _EMPTY_INT,
            _EMPTY_INT,
            _EMPTY_FLOAT,
            float(offset),
            n,
        )
    rows = np.concatenate([row, col]).astype(np.int64)
    cols = np.concatenate([col, row]).astype(np.int64)
    indptr, indices, order = _csr(rows, cols, n)
    data = np.concatenate([quad, quad]).astype(np.float64)[order]
    return Packed(
        BQM,
        labels,
        np.asarray(h, dtype=np.float64),
        data,
        indptr,
        indices,
        _EMPTY_INT,
        _EMPTY_INT,
        _EMPTY_FLOAT,
        float(offset),
        n,
    )


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
    return Packed(
        HUBO,
        labels,
        np.array(biases, dtype=np.float64),
        _EMPTY_FLOAT,
        var_ptr,
        var_terms,
        term_ptr,
        flat_vars,
        _EMPTY_FLOAT,
        offset,
        len(term_vars),
    )


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
    loss = np.array([loss_code(model.loss), model.margin, float(model.fan_in)])
    if isinstance(model, BinaryPerceptron):
        columns = (model.labels[:, None] * model.augmented()).T
        columns = np.ascontiguousarray(columns, dtype=np.float64)
        return Packed(
            PERCEPTRON,
            list(model.variables),
            columns.ravel(),
            _EMPTY_FLOAT,
            _EMPTY_INT,
            _EMPTY_INT,
            _EMPTY_INT,
            _EMPTY_INT,
            loss,
            0.0,
            model.num_patterns,
        )
    if isinstance(model, BinaryNeuralNetwork):
        sizes, w_off, b_off, var_layer, var_row, var_col = binn_layout(model)
        variables = np.stack([var_layer, var_row, var_col], axis=1).ravel().astype(np.int64)
        units = int(sizes[1:].sum())
        # start of each layer's units in a pattern's row (layer >= 1), after the bias offsets
        unit_offsets = np.concatenate([[0, 0], np.cumsum(sizes[1:])]).astype(np.int64)
        return Packed(
            BINN,
            list(model.variables),
            np.ascontiguousarray(model.patterns).ravel(),
            model.labels.astype(np.float64),
            sizes,
            w_off,
            np.concatenate([b_off, unit_offsets]).astype(np.int64),
            variables,
            loss,
            0.0,
            2 * model.num_patterns * units,
        )
    raise TypeError(f"no PIMC back-end for the native energy of {type(model).__name__}")
