"""Energy back-ends shared by the PIMC and SA kernels: numba functions over flat arrays.

Every back-end answers the same questions about one Trotter slice (a ±1 row ``s``,
its cache row ``cache`` and a scratch row ``work``): fill the cache, the energy change
of flipping spin ``i`` (which may leave what it computed in ``work``), commit that flip
to the cache (called *before* ``s[i]`` changes, right after the energy change of the
same flip on the same slice), and the slice energy. The back-end is chosen by an
integer ``code`` and its data travel in the same argument slots, so one driver kernel
serves all of them:

==========  ================================  ===================================
code        data                              cache row (per slice)
==========  ================================  ===================================
BQM  (0)    f1 = h, f2 = J of CSR (i1, i2)    local field h_i + Σ_j J_ij s_j
DENSE (4)   f1 = h, f2 = J as n x n rows      local field (as BQM); an accepted
                                              flip adds a contiguous row
HUBO (1)    f1 = term biases; i1/i2 variable  product Π_{i∈t} s_i of every term
            → terms CSR, i3/i4 term → vars
PERCEPTRON  f1 = columns y_μ ξ_μi, (n, P)     stability Δ_μ of every pattern
(2)         flattened; loss = (code, κ, fan)
BINN (3)    f1 = inputs (P, N) flattened,     pre-activations then activations of
            f2 = labels, i1 = layer sizes,    every unit and pattern (2·P·U); a
            i2 = weight offsets, i3 = bias    flip pushes a changed hidden sign
            offsets then unit offsets, i4 =   forward only for the patterns where
            (layer, unit, column) per var     it changed
==========  ================================  ===================================

The polynomial back-end is what lets PIMC sample a HUBO natively: a flip of spin i
changes only the terms containing i, each by −2 c_t Π_t.

BiNN scratch (``work``, ``cache width + P`` values): the energy change of a flip
writes, for every pattern whose hidden sign changes, the pattern's new rows of
pre-activations and activations (same layout as the cache) and a flag per pattern
(0 untouched, 1 only the fed unit's pre-activation changes, 2 new rows in ``work``);
the commit applies them, so no flip allocates or recomputes anything. Caches are
updated by adding differences: with ±1 inputs every sum is exact; with real inputs a
pre-activation that is 0 up to rounding may get a different sign (sign(0) = +1) than a
fresh evaluation — an event of measure zero for continuous data, harmless for sampling.

Editing this file: numba's on-disk cache of the driver in ``_kernels.py`` (which
inlines these functions) is keyed on ``_kernels.py`` alone and does not notice changes
here. Delete ``src/qanneal/samplers/*/__pycache__/*.nb[ic]`` after editing, or the old
back-ends keep running.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from qanneal.models.losses import pattern_loss_scalar

BQM, HUBO, PERCEPTRON, BINN, DENSE = 0, 1, 2, 3, 4
PERCLINEAR = 1  # qanneal.models.losses.loss_code("perclinear")


def work_width(code: int, cache_width: int, num_patterns: int) -> int:
    """Length of a slice's scratch row (only the BiNN back-end uses it)."""
    return cache_width + num_patterns if code == BINN else 1


@numba.njit(cache=True, inline="always")
def _binn_input(x, cache, base_act, offsets, num_inputs, layer, mu, col):
    """Value feeding column ``col`` (-1: bias) of ``layer`` for pattern ``mu``."""
    if col < 0:
        return 1.0
    if layer == 1:
        return x[mu * num_inputs + col]
    return cache[base_act + offsets[layer - 1] + col]


@numba.njit(cache=True)
def _binn_forward(s, x, sizes, w_off, i3, cache):
    """Pre-activations and activations of every unit for every pattern of a BiNN slice."""
    num_layers = sizes.shape[0] - 1
    b_off, offsets = i3[:num_layers], i3[num_layers:]
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
def _binn_delta(s, i, x, y, sizes, w_off, i3, var, loss, cache, work):
    """ΔE of flipping s[i] in a BiNN slice; leaves the new rows and flags in ``work``."""
    num_layers = sizes.shape[0] - 1
    offsets = i3[num_layers:]
    num_units = offsets[num_layers + 1]
    num_patterns = y.shape[0]
    flags = cache.shape[0]
    layer, row, col = var[3 * i], var[3 * i + 1], var[3 * i + 2]
    unit = offsets[layer] + row
    step = -2.0 * s[i]
    code_loss, margin, fan_in = int(loss[0]), loss[1], loss[2]
    total = 0.0
    for mu in range(num_patterns):
        base_pre = mu * num_units
        base_act = num_patterns * num_units + base_pre
        d_pre = step * _binn_input(x, cache, base_act, offsets, sizes[0], layer, mu, col)
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
            for nxt in range(layer + 1, num_layers + 1):
                prev = offsets[nxt - 1]
                width = sizes[nxt - 1]
                for j in range(sizes[nxt]):
                    change = 0.0
                    weights = w_off[nxt - 1] + j * width
                    for c in range(width):
                        diff = work[base_act + prev + c] - cache[base_act + prev + c]
                        if diff != 0.0:
                            change += s[weights + c] * diff
                    u = offsets[nxt] + j
                    work[base_pre + u] = cache[base_pre + u] + change
                    if nxt < num_layers:
                        work[base_act + u] = 1.0 if work[base_pre + u] >= 0.0 else -1.0
                    else:
                        work[base_act + u] = work[base_pre + u]
            new = work[base_pre + num_units - 1]
        total += pattern_loss_scalar(code_loss, y[mu] * new, margin, fan_in)
        total -= pattern_loss_scalar(code_loss, y[mu] * old, margin, fan_in)
    return total


@numba.njit(cache=True)
def _binn_commit(s, i, x, y, sizes, i3, var, cache, work):
    """Apply the flip of s[i] whose ΔE (just computed by ``_binn_delta``) is in ``work``."""
    num_layers = sizes.shape[0] - 1
    offsets = i3[num_layers:]
    num_units = offsets[num_layers + 1]
    num_patterns = y.shape[0]
    flags = cache.shape[0]
    layer, row, col = var[3 * i], var[3 * i + 1], var[3 * i + 2]
    unit = offsets[layer] + row
    step = -2.0 * s[i]
    for mu in range(num_patterns):
        how = work[flags + mu]
        base_pre = mu * num_units
        base_act = num_patterns * num_units + base_pre
        if how == 2.0:
            for u in range(num_units):
                cache[base_pre + u] = work[base_pre + u]
                cache[base_act + u] = work[base_act + u]
        elif how == 1.0:
            cache[base_pre + unit] += step * _binn_input(
                x, cache, base_act, offsets, sizes[0], layer, mu, col
            )
            if unit == num_units - 1:
                cache[base_act + unit] = cache[base_pre + unit]


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
    elif code == DENSE:
        for i in range(n):
            total = f1[i]
            for j in range(n):
                total += f2[i * n + j] * s[j]
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


@numba.njit(cache=True, inline="always")
def add_row(fields, matrix, i, change):
    """fields += change · row i of the flat n x n ``matrix`` (a contiguous, vectorised loop)."""
    n = fields.shape[0]
    row = matrix[i * n : (i + 1) * n]
    for j in range(n):
        fields[j] += change * row[j]


@numba.njit(cache=True, fastmath=True)
def _perclinear_delta(stab, column, step):
    """Σ_μ of Θ(−Δ)(1 − Δ) after minus before Δ_μ += step·column_μ (vectorisable)."""
    total = 0.0
    for mu in range(stab.shape[0]):
        old = stab[mu]
        new = old + step * column[mu]
        total += (1.0 - new if new <= 0.0 else 0.0) - (1.0 - old if old <= 0.0 else 0.0)
    return total


@numba.njit(cache=True, inline="always")
def flip_energy(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache, work):
    """Energy change of flipping s[i] in one slice."""
    if code == BQM or code == DENSE:
        return -2.0 * s[i] * cache[i]
    if code == HUBO:
        total = 0.0
        for p in range(i1[i], i1[i + 1]):
            t = i2[p]
            total += f1[t] * cache[t]
        return -2.0 * total
    if code == BINN:
        return _binn_delta(s, i, f1, f2, i1, i2, i3, i4, loss, cache, work)
    num_patterns = cache.shape[0]
    step = -2.0 * s[i]
    code_loss, margin, fan_in = int(loss[0]), loss[1], loss[2]
    base = i * num_patterns
    if code_loss == PERCLINEAR:
        column = f1[base : base + num_patterns]
        return _perclinear_delta(cache, column, step) / math.sqrt(fan_in)
    total = 0.0
    for mu in range(num_patterns):
        new = cache[mu] + step * f1[base + mu]
        total += pattern_loss_scalar(code_loss, new, margin, fan_in)
        total -= pattern_loss_scalar(code_loss, cache[mu], margin, fan_in)
    return total


@numba.njit(cache=True, inline="always")
def commit_flip(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache, work):
    """Update the cache for the flip of s[i]; call before changing s[i] and right after
    ``flip_energy`` of the same flip with the same ``work`` row."""
    if code == BQM:
        change = -2.0 * s[i]
        for p in range(i1[i], i1[i + 1]):
            cache[i2[p]] += f2[p] * change
    elif code == DENSE:
        add_row(cache, f2, i, -2.0 * s[i])
    elif code == HUBO:
        for p in range(i1[i], i1[i + 1]):
            cache[i2[p]] = -cache[i2[p]]
    elif code == BINN:
        _binn_commit(s, i, f1, f2, i1, i3, i4, cache, work)
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
    if code == BQM or code == DENSE:
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
    work = np.zeros(cache_width + f2.shape[0] if code == BINN else 1)
    fill_cache(code, s, f1, f2, i1, i2, i3, i4, loss, cache)
    changes = np.zeros(s.shape[0])
    for i in range(s.shape[0]):
        changes[i] = flip_energy(code, s, i, f1, f2, i1, i2, i3, i4, loss, cache, work)
    return changes
