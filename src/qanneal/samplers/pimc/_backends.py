"""The energy back-ends of the PIMC and SA kernels, and one generic interface to them.

A back-end is a small ``NamedTuple`` of arrays whose fields say what they hold; its
class picks the numba functions that answer the same four questions about one Trotter
slice (a ±1 row ``spins``, its cache row ``cache`` and a scratch row ``work``):

====================  ==========================================================
``fill_cache``        the cache row of ``spins`` from scratch
``flip_energy``       energy change of flipping ``spins[i]`` (may leave what it
                      computed in ``work``)
``commit_flip``       update the cache for that flip; called *before* ``spins[i]``
                      changes, right after ``flip_energy`` of the same flip
``slice_energy``      the slice's energy from its cache (no offset)
====================  ==========================================================

==================  ===========================  ==================================
back-end            holds                        cache row
==================  ===========================  ==================================
``SparseBQM``       h, J as CSR rows             local fields h_i + Σ_j J_ij s_j
``DenseBQM``        h, J as an n x n matrix      local fields
``Polynomial``      term biases, incidence       product of every term
``Perceptron``      columns y_μ ξ_μi, loss       stability Δ_μ of every pattern
``BinaryNetwork``   inputs, labels, layout, loss pre-activations, activations
==================  ===========================  ==================================

The generic functions below are resolved by numba at compile time from the back-end's
type (``numba.extending.overload``), so a driver written once against them is compiled
per back-end with only that back-end's code in it: a perceptron run never compiles the
BiNN or polynomial paths. They exist only inside numba-compiled code.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from numba.extending import overload

from qanneal.samplers.pimc import _binn, _bqm, _perceptron, _polynomial
from qanneal.samplers.pimc._binn import BinaryNetwork
from qanneal.samplers.pimc._bqm import DenseBQM, SparseBQM
from qanneal.samplers.pimc._perceptron import Perceptron
from qanneal.samplers.pimc._polynomial import Polynomial


class Functions(NamedTuple):
    fill_cache: Any
    flip_energy: Any
    commit_flip: Any
    slice_energy: Any


FUNCTIONS: dict[type, Functions] = {
    SparseBQM: Functions(
        _bqm.sparse_fill_cache, _bqm.flip_energy, _bqm.sparse_commit_flip, _bqm.slice_energy
    ),
    DenseBQM: Functions(
        _bqm.dense_fill_cache, _bqm.flip_energy, _bqm.dense_commit_flip, _bqm.slice_energy
    ),
    Polynomial: Functions(
        _polynomial.fill_cache,
        _polynomial.flip_energy,
        _polynomial.commit_flip,
        _polynomial.slice_energy,
    ),
    Perceptron: Functions(
        _perceptron.fill_cache,
        _perceptron.flip_energy,
        _perceptron.commit_flip,
        _perceptron.slice_energy,
    ),
    BinaryNetwork: Functions(
        _binn.fill_cache, _binn.flip_energy, _binn.commit_flip, _binn.slice_energy
    ),
}
BACKENDS = tuple(FUNCTIONS)


def implementation(backend_type: Any, name: str) -> Any:
    """The numba function ``name`` of the back-end whose numba type is ``backend_type``."""
    cls = getattr(backend_type, "instance_class", None)
    if cls not in FUNCTIONS:
        raise TypeError(f"{backend_type} is not a PIMC back-end ({', '.join(map(str, BACKENDS))})")
    return getattr(FUNCTIONS[cls], name)


def _numba_only(*args: Any) -> Any:
    raise TypeError("back-end functions run inside numba-compiled kernels only")


def fill_cache(backend, spins, cache):
    """Compute the cache row of ``spins`` from scratch (numba only)."""
    return _numba_only()


def flip_energy(backend, spins, i, cache, work):
    """Energy change of flipping ``spins[i]`` in one slice (numba only)."""
    return _numba_only()


def commit_flip(backend, spins, i, cache, work):
    """Update ``cache`` for the flip of ``spins[i]``, before it changes (numba only)."""
    return _numba_only()


def slice_energy(backend, spins, cache):
    """Energy of one slice from its cache, without offset (numba only)."""
    return _numba_only()


@overload(fill_cache, inline="always")
def _fill_cache(backend, spins, cache):
    impl = implementation(backend, "fill_cache")
    return lambda backend, spins, cache: impl(backend, spins, cache)


@overload(slice_energy, inline="always")
def _slice_energy(backend, spins, cache):
    impl = implementation(backend, "slice_energy")
    return lambda backend, spins, cache: impl(backend, spins, cache)


@overload(flip_energy, inline="always")
def _flip_energy(backend, spins, i, cache, work):
    impl = implementation(backend, "flip_energy")
    return lambda backend, spins, i, cache, work: impl(backend, spins, i, cache, work)


@overload(commit_flip, inline="always")
def _commit_flip(backend, spins, i, cache, work):
    impl = implementation(backend, "commit_flip")
    return lambda backend, spins, i, cache, work: impl(backend, spins, i, cache, work)
