"""Back-end for a binary neural network's native energy, E(w) = Σ_μ loss(y_μ · output_μ).

Hidden units are sign(W h_prev + b) with sign(0) = +1; the output unit is linear.
The cache row of a slice holds, for every pattern μ, the pre-activations of all U units
(``cache[μU + u]``) and then their activations (``cache[PU + μU + u]``).

Scratch (``work``, cache width + P values): the energy change of a flip writes, for every
pattern whose hidden sign changes, the pattern's new pre-activation and activation rows
(same layout as the cache) and a flag per pattern at ``work[2PU + μ]`` (0 untouched, 1
only the fed unit's pre-activation changes, 2 new rows in ``work``); the commit applies
them, so no flip allocates or recomputes anything. Caches are updated by adding
differences: with ±1 inputs every sum is exact; with real inputs a pre-activation that is
0 up to rounding may get a different sign (sign(0) = +1) than a fresh evaluation — an
event of measure zero for continuous data, harmless for sampling.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qanneal.models.losses import pattern_loss_scalar
from qanneal.samplers.pimc._kernel_cache import kernel


class BinaryNetwork(NamedTuple):
    """Data, layer layout and loss of a BiNN; variables are the model's weights in order."""

    inputs: np.ndarray  # (P, N0) float64
    labels: np.ndarray  # (P,) float64, ±1
    layer_sizes: np.ndarray  # (L + 1,) int64: inputs, hidden widths, 1 output
    weight_starts: np.ndarray  # (L,) int64: variable index of layer l's first weight
    bias_starts: np.ndarray  # (L,) int64: variable index of layer l's first bias, -1: none
    unit_starts: np.ndarray  # (L + 2,) int64: first unit of layer l >= 1; [L + 1] = U
    variable_layer: np.ndarray  # (n,) int64: layer (1..L) a variable feeds
    variable_unit: np.ndarray  # (n,) int64: unit of that layer it feeds
    variable_input: np.ndarray  # (n,) int64: its input column, -1 for a bias
    loss: int  # qanneal.models.losses.loss_code
    margin: float
    fan_in: float


@kernel(inline="always")
def _unit_input(inputs, unit_starts, cache, base_act, layer, mu, column):
    """Value feeding ``column`` (-1: bias) of ``layer`` for pattern ``mu``."""
    if column < 0:
        return 1.0
    if layer == 1:
        return inputs[mu, column]
    return cache[base_act + unit_starts[layer - 1] + column]


@kernel()
def fill_cache(net, spins, cache):
    """Pre-activations and activations of every unit for every pattern of a slice."""
    sizes, unit_starts, inputs = net.layer_sizes, net.unit_starts, net.inputs
    num_layers = sizes.shape[0] - 1
    num_units = unit_starts[num_layers + 1]
    num_patterns = net.labels.shape[0]
    for mu in range(num_patterns):
        base_pre = mu * num_units
        base_act = num_patterns * num_units + base_pre
        for layer in range(1, num_layers + 1):
            bias = net.bias_starts[layer - 1]
            for j in range(sizes[layer]):
                total = spins[bias + j] if bias >= 0 else 0.0
                weights = net.weight_starts[layer - 1] + j * sizes[layer - 1]
                for c in range(sizes[layer - 1]):
                    value = _unit_input(inputs, unit_starts, cache, base_act, layer, mu, c)
                    total += spins[weights + c] * value
                u = unit_starts[layer] + j
                cache[base_pre + u] = total
                if layer < num_layers:
                    cache[base_act + u] = 1.0 if total >= 0.0 else -1.0
                else:
                    cache[base_act + u] = total


@kernel()
def _propagate(sizes, weight_starts, unit_starts, spins, cache, work, base_pre, base_act, layer):
    """Push the changed activations of ``layer`` (rows already in ``work``) forward."""
    num_layers = sizes.shape[0] - 1
    for nxt in range(layer + 1, num_layers + 1):
        previous = unit_starts[nxt - 1]
        width = sizes[nxt - 1]
        for j in range(sizes[nxt]):
            change = 0.0
            weights = weight_starts[nxt - 1] + j * width
            for c in range(width):
                diff = work[base_act + previous + c] - cache[base_act + previous + c]
                if diff != 0.0:
                    change += spins[weights + c] * diff
            u = unit_starts[nxt] + j
            work[base_pre + u] = cache[base_pre + u] + change
            if nxt < num_layers:
                work[base_act + u] = 1.0 if work[base_pre + u] >= 0.0 else -1.0
            else:
                work[base_act + u] = work[base_pre + u]


@kernel()
def flip_energy(net, spins, i, cache, work):
    """ΔE of flipping spins[i]; leaves the new rows and the flags in ``work``."""
    sizes, unit_starts, inputs, labels = net.layer_sizes, net.unit_starts, net.inputs, net.labels
    loss, margin, fan_in = net.loss, net.margin, net.fan_in
    num_layers = sizes.shape[0] - 1
    num_units = unit_starts[num_layers + 1]
    num_patterns = labels.shape[0]
    flags = cache.shape[0]
    layer, column = net.variable_layer[i], net.variable_input[i]
    unit = unit_starts[layer] + net.variable_unit[i]
    step = -2.0 * spins[i]
    total = 0.0
    for mu in range(num_patterns):
        base_pre = mu * num_units
        base_act = num_patterns * num_units + base_pre
        d_pre = step * _unit_input(inputs, unit_starts, cache, base_act, layer, mu, column)
        if d_pre == 0.0:
            work[flags + mu] = 0.0
            continue
        old = cache[base_pre + num_units - 1]
        if layer == num_layers:
            new = old + d_pre
            work[flags + mu] = 1.0
        else:
            value = cache[base_pre + unit] + d_pre
            sign = 1.0 if value >= 0.0 else -1.0
            if sign == cache[base_act + unit]:
                work[flags + mu] = 1.0
                continue
            work[flags + mu] = 2.0
            for u in range(num_units):
                work[base_pre + u] = cache[base_pre + u]
                work[base_act + u] = cache[base_act + u]
            work[base_pre + unit] = value
            work[base_act + unit] = sign
            _propagate(
                sizes, net.weight_starts, unit_starts, spins, cache, work, base_pre, base_act, layer
            )
            new = work[base_pre + num_units - 1]
        total += pattern_loss_scalar(loss, labels[mu] * new, margin, fan_in)
        total -= pattern_loss_scalar(loss, labels[mu] * old, margin, fan_in)
    return total


@kernel()
def commit_flip(net, spins, i, cache, work):
    """Apply the flip of spins[i] whose ΔE (just computed by flip_energy) is in ``work``."""
    unit_starts, inputs = net.unit_starts, net.inputs
    num_layers = net.layer_sizes.shape[0] - 1
    num_units = unit_starts[num_layers + 1]
    num_patterns = net.labels.shape[0]
    flags = cache.shape[0]
    layer, column = net.variable_layer[i], net.variable_input[i]
    unit = unit_starts[layer] + net.variable_unit[i]
    step = -2.0 * spins[i]
    for mu in range(num_patterns):
        how = work[flags + mu]
        base_pre = mu * num_units
        base_act = num_patterns * num_units + base_pre
        if how == 2.0:
            for u in range(num_units):
                cache[base_pre + u] = work[base_pre + u]
                cache[base_act + u] = work[base_act + u]
        elif how == 1.0:
            value = _unit_input(inputs, unit_starts, cache, base_act, layer, mu, column)
            cache[base_pre + unit] += step * value
            if unit == num_units - 1:
                cache[base_act + unit] = cache[base_pre + unit]


@kernel()
def slice_energy(net, spins, cache):
    num_patterns = net.labels.shape[0]
    num_units = cache.shape[0] // (2 * num_patterns)
    total = 0.0
    for mu in range(num_patterns):
        output = cache[mu * num_units + num_units - 1]
        total += pattern_loss_scalar(net.loss, net.labels[mu] * output, net.margin, net.fan_in)
    return total
