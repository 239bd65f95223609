"""The perceptron as a QUBO with slack bits (``formulation.type = "slack"``).

Each constraint Δ_μ ≥ κ' becomes a squared equality with a bounded integer slack
u_μ ∈ {0, …, u_max}:

    E(x, z) = Σ_μ (Δ_μ − κ' − 2 u_μ)²,   w_i = 2 x_i − 1,   u_μ = Σ_k c_k z_μk.

With ±1 patterns every stability Δ_μ has the parity of the fan-in n_w (N, plus one
with a bias), so κ' is the smallest integer ≥ max(κ, 1) of that parity (Δ_μ = 0 is a
tie and counts as an error) and u_max = (n_w − κ')/2. The slack code is *bounded
binary*: c = (1, 2, …, 2^(K−2), u_max − 2^(K−1) + 1), which reaches every value in
[0, u_max] and none above it. Hence E ≥ 0, and min_z E = 0 ⇔ every pattern is
stored with Δ_μ ≥ κ'; for weights that violate pattern μ its best slack is 0, so
min_z E = Σ_μ max(0, κ' − Δ_μ)².

Writing L_μ = g_μ·v + d_μ over all binary variables v, E = Σ_μ (g_μ·v + d_μ)² is
assembled block by block with numpy (AᵀA for weight pairs, outer products for the
weight–slack and slack–slack blocks): no Python loop over couplings.

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, 1, -1], [1, -1, 1]]), np.array([1, 1]))
    >>> qubo = build_slack_qubo(model)
    >>> qubo.kappa, qubo.u_max, qubo.bqm.num_variables
    (1, 1, 5)
    >>> float(qubo.bqm.energy(qubo.complete(np.array([1, 1, 1]))))
    0.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import dimod
import numpy as np

from qanneal.errors import FormulationError
from qanneal.models import BinaryPerceptron

SLACK_LOSSES = ("errors", "hinge")
BYTES_PER_INTERACTION = 64  # dimod's adjacency stores each coupling twice, plus numpy temporaries


def slack_parameters(fan_in: int, margin: float) -> tuple[int, int, np.ndarray]:
    """(κ', u_max, slack coefficients) for a perceptron of this fan-in and margin.

    >>> kappa, u_max, coefficients = slack_parameters(301, 0.0)
    >>> kappa, u_max, coefficients.tolist()
    (1, 150, [1, 2, 4, 8, 16, 32, 64, 23])
    """
    kappa = max(1, math.ceil(margin))
    if (kappa - fan_in) % 2:
        kappa += 1
    if kappa > fan_in:
        raise FormulationError(
            f"loss.margin = {margin} cannot be met by {fan_in} ±1 terms; "
            f"use a margin of at most {fan_in}"
        )
    u_max = (fan_in - kappa) // 2
    return kappa, u_max, bounded_code(u_max)


def bounded_code(u_max: int) -> np.ndarray:
    """Coefficients 1, 2, 4, …, remainder whose 0/1 combinations are exactly 0 … u_max
    (no value above u_max is representable).

    >>> bounded_code(5).tolist(), bounded_code(0).tolist()
    ([1, 2, 2], [])
    """
    bits = math.ceil(math.log2(u_max + 1)) if u_max > 0 else 0
    coefficients = np.array([2**k for k in range(bits - 1)], dtype=np.int64)
    if bits:
        coefficients = np.append(coefficients, u_max - 2 ** (bits - 1) + 1)
    return coefficients


def slack_size(num_inputs: int, num_patterns: int, *, bias: bool, margin: float) -> tuple[int, int]:
    """(variables, interactions) of the slack QUBO without building it (dense upper bound).

    >>> slack_size(301, 150, bias=False, margin=0.0)
    (1501, 410550)
    """
    fan_in = num_inputs + int(bias)
    bits = len(slack_parameters(fan_in, margin)[2])
    variables = fan_in + num_patterns * bits
    interactions = (
        fan_in * (fan_in - 1) // 2
        + fan_in * num_patterns * bits
        + num_patterns * bits * (bits - 1) // 2
    )
    return variables, interactions


@dataclass(frozen=True)
class SlackQubo:
    """The slack QUBO of a perceptron and what is needed to decode its samples."""

    bqm: dimod.BinaryQuadraticModel
    weight_labels: list[str]
    slack_labels: list[str]
    kappa: int
    u_max: int
    coefficients: np.ndarray
    columns: np.ndarray  # (P, n_w): y_μ·ξ_μi with the bias column

    def decode(self, sample: Mapping[str, int]) -> np.ndarray:
        """±1 weights (int8, in the model's variable order) of a binary sample."""
        return np.array([2 * sample[name] - 1 for name in self.weight_labels], dtype=np.int8)

    def slack_values(self, weights: np.ndarray) -> np.ndarray:
        """Best slack integers u_μ for these weights: clip((Δ_μ − κ')/2, 0, u_max)."""
        stabilities = self.columns @ np.asarray(weights, dtype=np.float64)
        return np.clip((stabilities - self.kappa) // 2, 0, self.u_max).astype(np.int64)

    def complete(self, weights: np.ndarray) -> dict[str, int]:
        """A full binary sample: these weights plus the slack bits that minimise E."""
        sample = {name: int(w > 0) for name, w in zip(self.weight_labels, weights, strict=True)}
        bits = encode_bounded(self.slack_values(weights), self.coefficients)
        sample.update(zip(self.slack_labels, bits.ravel().tolist(), strict=True))
        return sample


def encode_bounded(values: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """Bounded-binary bits (rows) of integers 0 ≤ v ≤ Σ coefficients.

    >>> encode_bounded(np.array([0, 23, 150]), np.array([1, 2, 4, 8, 16, 32, 64, 23])).tolist()
    [[0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]]
    """
    bits = len(coefficients)
    out = np.zeros((len(values), bits), dtype=np.int64)
    if bits == 0:
        return out
    rest = np.asarray(values, dtype=np.int64).copy()
    top = rest > 2 ** (bits - 1) - 1
    out[top, bits - 1] = 1
    rest[top] -= coefficients[-1]
    for k in range(bits - 1):
        out[:, k] = (rest >> k) & 1
    return out


def build_slack_qubo(model: BinaryPerceptron) -> SlackQubo:
    """Build the slack QUBO of a perceptron on ±1 patterns (see the module docstring)."""
    if not isinstance(model, BinaryPerceptron):
        raise FormulationError("formulation 'slack' needs model.type = 'perceptron'; use 'native'")
    if model.loss not in SLACK_LOSSES:
        raise FormulationError(
            f"formulation 'slack' encodes Δ ≥ κ and takes loss.type 'errors' or 'hinge', "
            f"not {model.loss!r}; use formulation 'native' for that loss"
        )
    if not np.isin(model.patterns, (-1.0, 1.0)).all():
        raise FormulationError(
            "formulation 'slack' needs ±1 patterns (integer stabilities); "
            "use formulation 'native' for real-valued data"
        )
    margin = model.margin if model.loss == "hinge" else 0.0
    kappa, u_max, coefficients = slack_parameters(model.fan_in, margin)
    columns = model.labels[:, None].astype(np.float64) * model.augmented()
    num_patterns, n_w = columns.shape
    bits = len(coefficients)
    c = coefficients.astype(np.float64)
    d = -columns.sum(axis=1) - kappa  # constant part of L_μ

    linear = np.concatenate(
        [
            4.0 * (columns**2).sum(axis=0) + 4.0 * (d @ columns),
            (4.0 * c[None, :] ** 2 - 4.0 * d[:, None] * c[None, :]).ravel(),
        ]
    )
    rows_ww, cols_ww = np.triu_indices(n_w, 1)
    gram = 8.0 * (columns.T @ columns)
    values_ww = gram[rows_ww, cols_ww]
    keep = values_ww != 0
    slack_index = n_w + np.arange(num_patterns * bits).reshape(num_patterns, bits)
    rows_ws = np.broadcast_to(np.arange(n_w)[None, :, None], (num_patterns, n_w, bits))
    cols_ws = np.broadcast_to(slack_index[:, None, :], (num_patterns, n_w, bits))
    values_ws = -8.0 * columns[:, :, None] * c[None, None, :]
    pair_a, pair_b = np.triu_indices(bits, 1)
    rows_ss = slack_index[:, pair_a].ravel()
    cols_ss = slack_index[:, pair_b].ravel()
    values_ss = np.tile(8.0 * c[pair_a] * c[pair_b], num_patterns)

    row = np.concatenate([rows_ww[keep], rows_ws.ravel(), rows_ss])
    col = np.concatenate([cols_ww[keep], cols_ws.ravel(), cols_ss])
    quad = np.concatenate([values_ww[keep], values_ws.ravel(), values_ss])
    weight_labels = model.variables
    slack_labels = [f"u[{mu},{k}]" for mu in range(num_patterns) for k in range(bits)]
    bqm = dimod.BinaryQuadraticModel.from_numpy_vectors(
        linear,
        (row, col, quad),
        float(d @ d),
        dimod.BINARY,
        variable_order=weight_labels + slack_labels,
    )
    return SlackQubo(bqm, weight_labels, slack_labels, kappa, u_max, coefficients, columns)
