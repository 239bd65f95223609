"""The kernel driver called in chunks (same samples however a run is split, progress and
stop between chunks), and the kernel cache that notices edits to the modules it uses."""

import subprocess
import sys
import textwrap

import dimod
import numpy as np
import pytest

from qanneal.errors import SamplingStopped
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.samplers.base import Control, controlled
from qanneal.samplers.pimc import _kernels
from qanneal.samplers.pimc._kernel_cache import is_cached, reachable_modules, source_stamp
from qanneal.samplers.pimc.driver import anneal_in_chunks, make_schedule
from qanneal.samplers.pimc.packing import pack_bqm, pack_model, pack_polynomial

RNG = np.random.default_rng(3)
X = RNG.choice([-1.0, 1.0], (7, 5))
Y = RNG.choice([-1, 1], 7)
TARGETS = {
    "dense": lambda: pack_bqm(dimod.generators.ran_r(1, 6, seed=1)),
    "sparse": lambda: pack_bqm(dimod.generators.ran_r(1, 6, seed=1), dense=False),
    "polynomial": lambda: pack_polynomial(
        dimod.BinaryPolynomial({(0, 1, 2): 1.0, (2, 3): -0.5, (1,): 0.3, (3, 4, 5): 0.7}, "SPIN")
    ),
    "perceptron": lambda: pack_model(BinaryPerceptron(5, X, Y, loss="perclinear")),
    "binn": lambda: pack_model(BinaryNeuralNetwork(5, X, Y, hidden=[3], loss="hinge")),
}


def run_all_moves(packed, chunk):
    quantum = 12
    betas = np.concatenate([np.linspace(0.5, 2.0, quantum), np.full(3, 2.0)])
    jperps = np.linspace(0.1, 1.5, quantum)
    schedule = make_schedule(betas, jperps, _kernels.MOVES, trace_every=4)
    initial = np.random.default_rng(0).choice(
        np.array([-1, 1], dtype=np.int8), (3, 4, packed.num_variables)
    )
    return anneal_in_chunks(packed, schedule, initial, np.array([5, 6, 7]), chunk_sweeps=chunk)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_the_samples_do_not_depend_on_the_chunking(target):
    packed = TARGETS[target]()
    whole = run_all_moves(packed, chunk=None)
    for chunk in (1, 4, 100):
        part = run_all_moves(packed, chunk=chunk)
        assert (part.spins == whole.spins).all()
        assert (part.counts == whole.counts).all()
        assert part.clocks == pytest.approx(whole.clocks, rel=1e-12)
        assert part.traces == pytest.approx(whole.traces)
        assert part.slice_energies == pytest.approx(whole.slice_energies)
    assert run_all_moves(packed, chunk=1).chunks == 15


def test_progress_is_reported_and_a_stop_lands_between_chunks():
    packed = TARGETS["perceptron"]()
    seen = []
    with controlled(Control(on_progress=lambda done, total: seen.append((done, total)))):
        run_all_moves(packed, chunk=5)
    assert seen == [(15, 45), (30, 45), (45, 45)]
    control = Control(on_progress=lambda done, total: setattr(control, "stop_requested", True))
    with controlled(control), pytest.raises(SamplingStopped, match="15 of 45"):
        run_all_moves(packed, chunk=5)
    # a stop asked for during the last chunk comes too late: the finished run is returned
    late = Control(on_progress=lambda done, total: setattr(late, "stop_requested", done >= 45))
    with controlled(late):
        assert run_all_moves(packed, chunk=5).chunks == 3


def test_every_driver_kernel_has_the_dependency_keyed_cache():
    for name in ("prepare", "anneal", "slice_energies", "single_flip_energies"):
        assert is_cached(getattr(_kernels, name))
    names = {module.__name__ for module in reachable_modules(_kernels.anneal.py_func)}
    assert {"qanneal.samplers.pimc._perceptron", "qanneal.samplers.pimc._binn"} <= names
    assert {"qanneal._rng", "qanneal.models.losses"} <= names
    assert source_stamp(_kernels.anneal.py_func) == source_stamp(_kernels.prepare.py_func)


DRIVER = """
from qanneal.samplers.pimc._kernel_cache import kernel
from cachepkg.backend import energy

@kernel()
def total(n):
    return energy(n) + 1
"""
RUN = "import cachepkg.driver as d; print(d.total(3), sum(d.total.stats.cache_hits.values()))"


def test_editing_a_used_module_invalidates_the_cached_kernel(tmp_path):
    """The trap numba's own cache falls into: the driver is cached, the back-end it
    inlines is edited. With the dependency-keyed cache the next process recompiles."""
    package = tmp_path / "cachepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "driver.py").write_text(textwrap.dedent(DRIVER))
    backend = package / "backend.py"

    def write_backend(factor):
        backend.write_text(
            f"import numba\n\n@numba.njit\ndef energy(n):\n    return {factor} * n\n"
        )

    def run():
        env_path = f"{tmp_path}:{':'.join(sys.path)}"
        out = subprocess.run(
            [sys.executable, "-c", RUN],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        )
        value, hits = out.stdout.split()
        return int(value), int(hits)

    write_backend(2)
    assert run() == (7, 0)  # compiled and saved
    assert run() == (7, 1)  # loaded from the disk cache
    write_backend(5)
    assert run() == (16, 0)  # the edit is seen: recompiled, not the stale 7
