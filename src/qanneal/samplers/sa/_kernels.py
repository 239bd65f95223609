"""Numba Metropolis kernel on a BiNN's native energy: flat arrays and a seed in,
arrays out; it validates nothing (the sampler class does). The perceptron, BQM and
HUBO back-ends live with the PIMC driver (``samplers/pimc``), which is SA when M = 1.

BiNN: the state caches every unit's pre-activation and ±1 activation per pattern.
Flipping a weight of layer l changes one unit's pre-activation for every pattern; only
for the patterns where that unit's sign flips is the change pushed forward, one layer
at a time, touching only the units whose input changed.

Caches are updated by adding differences. With integer (±1) inputs every sum is
exact; with real inputs a pre-activation that is 0 up to rounding may get a
different sign (the tie rule sign(0) = +1) than a fresh evaluation — an event of
measure zero for continuous data, and harmless for the sampling.
"""

from __future__ import annotations

import numba
import numpy as np

from qanneal.models.losses import pattern_loss_scalar


@numba.njit(cache=True, inline="always")
def _layer_input(x, act, unit_off, layer, mu, col):
    """Value feeding column ``col`` of layer ``layer`` (1-based); col = -1 is a bias."""
    if col < 0:
        return 1.0
    if layer == 1:
        return x[mu, col]
    return act[mu, unit_off[layer - 1] + col]


@numba.njit(cache=True)
def _forward(x, s, sizes, w_off, b_off, unit_off, pre, act):
    """Fill pre-activations and activations of every unit for every pattern."""
    num_layers = sizes.shape[0] - 1
    for mu in range(x.shape[0]):
        for layer in range(1, num_layers + 1):
            for j in range(sizes[layer]):
                total = 0.0
                for i in range(sizes[layer - 1]):
                    weight = s[w_off[layer - 1] + j * sizes[layer - 1] + i]
                    total += weight * _layer_input(x, act, unit_off, layer, mu, i)
                if b_off[layer - 1] >= 0:
                    total += s[b_off[layer - 1] + j]
                unit = unit_off[layer] + j
                pre[mu, unit] = total
                if layer < num_layers:
                    act[mu, unit] = 1.0 if total >= 0.0 else -1.0
                else:
                    act[mu, unit] = total


@numba.njit(cache=True)
def _push_forward(s, sizes, w_off, unit_off, start_layer, mu, pre, act, new_pre, new_act):
    """Propagate changed activations of ``start_layer`` (already in new_act) to the output."""
    num_layers = sizes.shape[0] - 1
    for layer in range(start_layer + 1, num_layers + 1):
        prev = unit_off[layer - 1]
        for j in range(sizes[layer]):
            change = 0.0
            for i in range(sizes[layer - 1]):
                diff = new_act[mu, prev + i] - act[mu, prev + i]
                if diff != 0.0:
                    change += s[w_off[layer - 1] + j * sizes[layer - 1] + i] * diff
            unit = unit_off[layer] + j
            value = pre[mu, unit] + change
            new_pre[mu, unit] = value
            if layer < num_layers:
                new_act[mu, unit] = 1.0 if value >= 0.0 else -1.0
            else:
                new_act[mu, unit] = value


@numba.njit(cache=True)
def anneal_binn(
    x: np.ndarray,  # (P, N) float64 inputs
    y: np.ndarray,  # (P,) float64 labels ±1
    sizes: np.ndarray,  # (L+2,) int64: N, H_1..H_L, 1
    w_off: np.ndarray,  # (L+1,) start of each layer's weight matrix in the spin vector
    b_off: np.ndarray,  # (L+1,) start of each layer's biases, -1 without bias
    var_layer: np.ndarray,  # (n,) layer (1-based) of each variable
    var_row: np.ndarray,  # (n,) unit fed by the variable
    var_col: np.ndarray,  # (n,) input column of the variable, -1 for a bias
    loss: int,
    margin: float,
    fan_in: float,
    betas: np.ndarray,
    initial: np.ndarray,  # (R, n) int8
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    np.random.seed(seed)
    num_reads, n = initial.shape
    num_patterns = x.shape[0]
    num_layers = sizes.shape[0] - 1
    unit_off = np.zeros(num_layers + 2, dtype=np.int64)
    for layer in range(1, num_layers + 1):
        unit_off[layer + 1] = unit_off[layer] + sizes[layer]
    num_units = unit_off[num_layers + 1]
    out_unit = num_units - 1
    pre = np.zeros((num_patterns, num_units))
    act = np.zeros((num_patterns, num_units))
    new_pre = np.zeros((num_patterns, num_units))
    new_act = np.zeros((num_patterns, num_units))
    flipped = np.zeros(num_patterns, dtype=np.bool_)
    spins = initial.copy()
    energies = np.zeros(num_reads)
    for read in range(num_reads):
        s = spins[read]
        _forward(x, s, sizes, w_off, b_off, unit_off, pre, act)
        for beta in betas:
            for k in range(n):
                layer, row, col = var_layer[k], var_row[k], var_col[k]
                unit = unit_off[layer] + row
                step = -2.0 * s[k]
                d_energy = 0.0
                for mu in range(num_patterns):
                    flipped[mu] = False
                    d_pre = step * _layer_input(x, act, unit_off, layer, mu, col)
                    if d_pre == 0.0:
                        continue
                    old_out = pre[mu, out_unit]
                    if layer == num_layers:
                        new_out = old_out + d_pre
                    else:
                        value = pre[mu, unit] + d_pre
                        sign = 1.0 if value >= 0.0 else -1.0
                        if sign == act[mu, unit]:
                            continue
                        flipped[mu] = True
                        new_pre[mu] = pre[mu]
                        new_act[mu] = act[mu]
                        new_pre[mu, unit] = value
                        new_act[mu, unit] = sign
                        _push_forward(
                            s, sizes, w_off, unit_off, layer, mu, pre, act, new_pre, new_act
                        )
                        new_out = new_pre[mu, out_unit]
                    d_energy += pattern_loss_scalar(loss, y[mu] * new_out, margin, fan_in)
                    d_energy -= pattern_loss_scalar(loss, y[mu] * old_out, margin, fan_in)
                if d_energy <= 0.0 or np.random.random() < np.exp(-beta * d_energy):
                    for mu in range(num_patterns):
                        if flipped[mu]:
                            pre[mu] = new_pre[mu]
                            act[mu] = new_act[mu]
                        else:
                            d_pre = step * _layer_input(x, act, unit_off, layer, mu, col)
                            pre[mu, unit] += d_pre
                            if layer == num_layers:
                                act[mu, unit] = pre[mu, unit]
                    s[k] = -s[k]
        total = 0.0
        for mu in range(num_patterns):
            total += pattern_loss_scalar(loss, y[mu] * pre[mu, out_unit], margin, fan_in)
        energies[read] = total
    return spins, energies
