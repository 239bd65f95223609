"""Energy back-ends shared by the PIMC and SA kernels: numba functions over flat arrays.

Every back-end answers the same four questions about one Trotter slice (a ±1 row
``s`` and its cache row ``cache``): fill the cache, the energy change of flipping
spin ``i``, commit that flip to the cache (called *before* ``s[i]`` changes), and the
slice energy. The back-end is chosen by an integer ``code`` and its data travel in
the same argument slots, so one driver kernel serves all of them:

==========  ================================  ===================================
code        data                              cache row (per slice)
==========  ================================  ===================================
BQM  (0)    f1 = h, f2 = J of CSR (i1, i2)    local field h_i + Σ_j J_ij s_j
HUBO (1)    f1 = term biases; i1/i2 variable  product Π_{i∈t} s_i of every term
            → terms CSR, i3/i4 term → vars
PERCEPTRON  f1 = columns y_μ ξ_μi, (n, P)     stability Δ_μ of every pattern
(2)         flattened; loss = (code, κ, fan)
BINN (3)    f1 = inputs (P, N) flattened,     pre-activations then activations of
            f2 = labels, i1 = layer sizes,    every unit and pattern (2·P·U); a
            i2/i3 = weight/bias offsets,      flip pushes a changed hidden sign
            i4 = (layer, unit, column) per    forward only for the patterns where
            variable                          it changed
==========  ================================  ===================================

The polynomial back-end is what lets PIMC sample a HUBO natively: a flip of spin i
changes only the terms containing i, each by −2 c_t Π_t.

Editing this file: numba's on-disk cache of the driver in ``_kernels.py`` (which
inlines these functions) is keyed on ``_kernels.py`` alone and does not notice changes
here. Delete ``src/qanneal/samplers/*/__pycache__/*.nb[ic]`` after editing, or the old
back-ends keep running.
"""

from __future__ import annotations

import numba
import numpy as np

from qanneal.models.losses import pattern_loss_scalar

BQM, HUBO, PERCEPTRON, BINN = 0, 1, 2, 3


@numba.njit(cache=True)
def _binn_offsets(sizes):
    """Start of each layer's units in a pattern's row of pre-activations (layer ≥ 1)."""
    offsets = np.zeros(sizes.shape[0] + 1, dtype=np.int64)
    for layer in range(1, sizes.shape[0]):
        offsets[layer + 1] = offsets[layer] + sizes[layer]
    return offsets


@numba.njit(cache=True)
def _binn_input(x, cache, base_act, offsets, num_inputs, layer, mu, col):
    """Value feeding column ``col`` (-1: bias) of ``layer`` for pattern ``mu``."""
    if col < 0:
        return 1.0
    if layer == 1:
        return x[mu * num_inputs + col]
    return cache[base_act + offsets[layer - 1] + col]


@numba.njit(cache=True)
def _binn_pattern(s, i, x, sizes, w_off, var, cache, mu, offsets, buf):
    """New output of pattern ``mu`` if s[i] flips; ``buf`` gets the pattern's new row of
    pre-activations and activations (2U values) when a hidden sign changes. Returns
    (new output, 0 no change / 1 pre-activation only / 2 row in buf)."""
    num_layers = sizes.shape[0] - 1
    num_units = offsets[num_layers + 1]
    num_patterns = cache.shape[0] // (2 * num_units)
    layer, row, col = var[3 * i], var[3 * i + 1], var[3 * i + 2]
    base_pre = mu * num_units
    base_act = num_patterns * num_units + mu * num_units
    unit = offsets[layer] + row
    d_pre = -2.0 * s[i] * _binn_input(x, cache, base_act, offsets, sizes[0], layer, mu, col)
    out = cache[base_pre + num_units - 1]
    if layer == num_layers:
        return out + d_pre, 1
    value = cache[base_pre + unit] + d_pre
    sign = 1.0 if value >= 0.0 else -1.0
    if sign == cache[base_act + unit]:
        return out, 1
    for u in range(num_units):
        buf[u] = cache[base_pre + u]
        buf[num_units + u] = cache[base_act + u]
    buf[unit] = value
    buf[num_units + unit] = sign
    for nxt in range(layer + 1, num_layers + 1):
        prev = offsets[nxt - 1]
        for j in range(sizes[nxt]):
            change = 0.0
            for c in range(sizes[nxt - 1]):
                diff = buf[num_units + prev + c] - cache[base_act + prev + c]
                if diff != 0.0:
                    change += s[w_off[nxt - 1] + j * sizes[nxt - 1] + c] * diff
            u = offsets[nxt] + j
            buf[u] = cache[base_pre + u] + change
            if nxt < num_layers:
                buf[num_units + u] = 1.0 if buf[u] >= 0.0 else -1.0
            else:
                buf[num_units + u] = buf[u]
    return buf[num_units - 1], 2


@numba.njit(cache=True)
def fill_cache(code, s, f1, f2, i1, i2, i3, i4, loss, cache):
    """Compute the cache row of slice ``s`` from scratch."""
    n = s.shape[0]
    if code == BQM:
        for i in range(n):
            total = f1[i]
            for p in range(i1[i], i1[i + 1]):
                total += f2[p] * s[i2[p]]
            cache[i] = total
    elif code == HUBO:
        for t in range(cache.shape[0]):
            product = 1.0
            for p in range(i3[t], i3[t + 1]):
                product *= s[i4[p]]
            cache[t] = product
    elif code == PERCEPTRON:
        num_patterns = cache.shape[0]
        for mu in range(num_patterns):
            cache[mu] = 0.0
        for i in range(n):
            for mu in range(num_patterns):
                cache[mu] += s[i] * f1[i * num_patterns + mu]
    else:
        _binn_forward(s, f1, i1, i2, i3, cache)


@numba.njit(cache=True)
def _binn_forward(s, x, sizes, w_off, b_off, cache):
    """Pre-activations and activations of every unit for every pattern of a BiNN slice."""
    offsets = _binn_offsets(sizes)
    num_layers = sizes.shape[0] - 1
    num_units = offsets[num_layers + 1]
    num_patterns = cache.shape[0] // (2 * num_units)
    for mu in range(num_patterns):
        base_pre = mu * num_units
        base_act = num_patterns * num_units + base_pre
        for layer in range(1, num_layers + 1):
            for j in range(sizes[layer]):
                total = s[b_off[layer - 1] + j] if b_off[layer - 1] >= 0 else 0.0
                for c in range(sizes[layer - 1]):
                    weight = s[w_off[layer - 1] + j * sizes[layer - 1] + c]
                    total += weight * _binn_input(
                        x, cache, base_act, offsets, sizes[0], layer, mu, c
                    )
                u = offsets[layer] + j
                cache[base_pre + u] = total
                if layer < num_layers:
                    cache[base_act + u] = 1.0 if total >= 0.0 else -1.0
                else:
                    cache[base_act + u] = total


@numba.njit(cache=True)
def _binn_flip_energy(s, i, x, y, sizes, w_off, var, loss, cache, commit):
    """ΔE of flipping s[i] in a BiNN slice; with ``commit`` also update the cache."""
    offsets = _binn_offsets(sizes)
    num_units = offsets[sizes.shape[0]]
    num_patterns = y.shape[0]
    layer, row = var[3 * i], var[3 * i + 1]
    unit = offsets[layer] + row
    buf = np.empty(2 * num_units)
    code_loss, margin, fan_in = int(loss[0]), loss[1], loss[2]
    total = 0.0
    for mu in range(num_patterns):
        base_pre = mu * num_units
        old = cache[base_pre + num_units - 1]
        new, how = _binn_pattern(s, i, x, sizes, w_off, var, cache, mu, offsets, buf)
        if commit:
            if how == 2:
                base_act = num_patterns * num_units + base_pre
                for u in range(num_units):
                    cache[base_pre + u] = buf[u]
                    cache[base_act + u] = buf[num_units + u]
            else:  # only this unit's pre-activation (and the output's, if it is the output)
                base_act = num_patterns * num_units + base_pre
                col = var[3 * i + 2]
                cache[base_pre + unit] += (
                    -2.0 * s[i] * _binn_input(x, cache, base_act, offsets, sizes[0], layer, mu, col)
                )
                if unit == num_units - 1:
                    cache[base_act + unit] = cache[base_pre + unit]
        else:
            total += pattern_loss_scalar(code_loss, y[mu] * new, margin, fan_in)
            total -= pattern_loss_scalar(code_loss, y[mu] * old, margin, fan_in)
    return total


@numba.njit(cache=True, inline="always")
def flip_energy(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache):
    """Energy change of flipping s[i] in one slice."""
    if code == BQM:
        return -2.0 * s[i] * cache[i]
    if code == HUBO:
        total = 0.0
        for p in range(i1[i], i1[i + 1]):
            t = i2[p]
            total += f1[t] * cache[t]
        return -2.0 * total
    if code == BINN:
        return _binn_flip_energy(s, i, f1, f2, i1, i2, i4, loss, cache, False)
    num_patterns = cache.shape[0]
    step = -2.0 * s[i]
    code_loss, margin, fan_in = int(loss[0]), loss[1], loss[2]
    total = 0.0
    base = i * num_patterns
    for mu in range(num_patterns):
        new = cache[mu] + step * f1[base + mu]
        total += pattern_loss_scalar(code_loss, new, margin, fan_in)
        total -= pattern_loss_scalar(code_loss, cache[mu], margin, fan_in)
    return total


@numba.njit(cache=True, inline="always")
def commit_flip(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache):
    """Update the cache for the flip of s[i]; call before changing s[i]."""
    if code == BQM:
        change = -2.0 * s[i]
        for p in range(i1[i], i1[i + 1]):
            cache[i2[p]] += f2[p] * change
    elif code == HUBO:
        for p in range(i1[i], i1[i + 1]):
            cache[i2[p]] = -cache[i2[p]]
    elif code == BINN:
        _binn_flip_energy(s, i, f1, f2, i1, i2, i4, loss, cache, True)
    else:
        num_patterns = cache.shape[0]
        step = -2.0 * s[i]
        base = i * num_patterns
        for mu in range(num_patterns):
            cache[mu] += step * f1[base + mu]


@numba.njit(cache=True)
def slice_energy(code, s, f1, f2, i1, i2, i3, i4, loss, cache):
    """Energy of one slice from its cache (no offset)."""
    total = 0.0
    if code == BQM:
        for i in range(s.shape[0]):
            total += s[i] * (f1[i] + 0.5 * (cache[i] - f1[i]))
    elif code == HUBO:
        for t in range(cache.shape[0]):
            total += f1[t] * cache[t]
    elif code == PERCEPTRON:
        code_loss, margin, fan_in = int(loss[0]), loss[1], loss[2]
        for mu in range(cache.shape[0]):
            total += pattern_loss_scalar(code_loss, cache[mu], margin, fan_in)
    else:
        code_loss, margin, fan_in = int(loss[0]), loss[1], loss[2]
        num_patterns = f2.shape[0]
        num_units = cache.shape[0] // (2 * num_patterns)
        for mu in range(num_patterns):
            out = cache[mu * num_units + num_units - 1]
            total += pattern_loss_scalar(code_loss, f2[mu] * out, margin, fan_in)
    return total


@numba.njit(cache=True)
def single_flip_energies(code, s, f1, f2, i1, i2, i3, i4, loss, cache_width):
    """ΔE of flipping each spin of state ``s`` (for default temperature scales)."""
    cache = np.zeros(cache_width)
    fill_cache(code, s, f1, f2, i1, i2, i3, i4, loss, cache)
    changes = np.zeros(s.shape[0])
    for i in range(s.shape[0]):
        changes[i] = flip_energy(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache)
    return changes
