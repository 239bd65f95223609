"""Instances and solver calls of ``pimc_vs_peers.py``: qanneal's PIMCSampler, OpenJij's
SQASampler in each of its configurations, dwave-samplers' PathIntegralAnnealingSampler.

Every runner returns a :class:`Run`: the samples in the instance's variable order, the wall
time of the call(s) and the solver's own sampling time.
"""

from __future__ import annotations

import ctypes
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dimod
import numba
import numpy as np

from qanneal.hubo.slack import build_slack_qubo
from qanneal.models import BinaryPerceptron
from qanneal.models.datasets import random_patterns
from qanneal.samplers import PIMCSampler

try:
    import openjij
    from dwave.samplers import PathIntegralAnnealingSampler
except ImportError:  # reported by the script with an install hint
    openjij = PathIntegralAnnealingSampler = None


@dataclass
class Instance:
    name: str
    bqm: dimod.BinaryQuadraticModel
    description: str
    model: BinaryPerceptron | None = None  # zero training errors = success
    sparse: bool = False  # few couplings per variable: OpenJij's CSR graph applies
    order: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.order = list(self.bqm.variables)

    def energies(self, samples: np.ndarray) -> np.ndarray:
        return np.asarray(self.bqm.energies((samples, self.order)), dtype=np.float64)

    def errors(self, samples: np.ndarray) -> list[int]:
        """Training errors of the weights decoded from each sample (BINARY: w = 2x − 1)."""
        assert self.model is not None
        columns = [self.order.index(name) for name in self.model.variables]
        weights = samples[:, columns].astype(np.int64)
        if self.bqm.vartype is dimod.BINARY:
            weights = 2 * weights - 1
        return [int(self.model.errors(w.astype(np.int8))) for w in weights]

    def hits(self, samples: np.ndarray, lowest: float) -> list[bool]:
        """Success per read: zero training errors on a perceptron, else an energy within
        1e-6 of ``lowest`` (the best known energy)."""
        if self.model is not None:
            return [e == 0 for e in self.errors(samples)]
        return list(np.abs(self.energies(samples) - lowest) <= 1e-6)


def perceptron_instance(inputs: int, alpha: float, seed: int) -> Instance:
    data = random_patterns(inputs, round(alpha * inputs), seed=seed)
    model = BinaryPerceptron(inputs, data.x_train, data.y_train)
    bqm = build_slack_qubo(model).bqm
    return Instance(
        "perceptron",
        bqm,
        f"slack QUBO, N={inputs}, P={round(alpha * inputs)}, seed={seed}: "
        f"{bqm.num_variables} binary variables, {bqm.num_interactions} couplings",
        model,
    )


def spin_glass_instance(side: int, seed: int) -> Instance:
    """3-D ±J spin glass, periodic in every direction, J drawn uniformly from {−1, +1}."""
    rng = np.random.default_rng(seed)
    sites = np.arange(side**3).reshape(side, side, side)
    rows = np.concatenate([sites.ravel()] * 3)
    cols = np.concatenate([np.roll(sites, -1, axis=axis).ravel() for axis in range(3)])
    couplings = rng.choice(np.array([-1.0, 1.0]), size=rows.size)
    bqm = dimod.BinaryQuadraticModel.from_numpy_vectors(
        np.zeros(side**3), (rows, cols, couplings), 0.0, dimod.SPIN
    )
    return Instance(
        "spin_glass",
        bqm,
        f"3-D ±J, {side}x{side}x{side} periodic, seed={seed}: "
        f"{bqm.num_variables} spins, {bqm.num_interactions} couplings",
        sparse=True,
    )


@dataclass
class Run:
    samples: np.ndarray
    wall: float
    sampling: float
    extra: dict[str, Any]


def ordered(sampleset: Any, order: list[Any]) -> np.ndarray:
    columns = [sampleset.variables.index(v) for v in order]
    return np.asarray(sampleset.record.sample)[:, columns]


def run_qanneal(
    inst: Instance, reads: int, seed: int, threads: int | None = None, **params: Any
) -> Run:
    """PIMCSampler().sample(bqm, num_reads, seed, **params) on ``threads`` numba threads."""
    previous = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(threads)
    try:
        start = time.perf_counter()
        sampleset = PIMCSampler().sample(inst.bqm, num_reads=reads, seed=seed, **params)
        wall = time.perf_counter() - start
    finally:
        numba.set_num_threads(previous)
    info = sampleset.info
    return Run(
        ordered(sampleset, inst.order),
        wall,
        info["timing"]["sampling_ns"] * 1e-9,
        {
            "acceptance": info["pimc"]["acceptance"],
            "protocol": {k: v for k, v in info["protocol"].items() if k != "seed"},
            "spin_updates_per_read": info["pimc"]["spin_updates"],
            "threads": threads or previous,
        },
    )


def openmp_runtime() -> ctypes.CDLL | None:
    """The OpenMP runtime OpenJij's extension loaded (a wheel-bundled libiomp5), if found."""
    if openjij is None:
        return None
    bundled = sorted(Path(openjij.__file__).resolve().parent.parent.glob("openjij.libs/*omp*.so*"))
    for path in bundled:
        try:
            library = ctypes.CDLL(str(path))
            library.omp_get_max_threads.restype = ctypes.c_int
            return library
        except (OSError, AttributeError):
            continue
    return None


def openjij_model(inst: Instance, sparse: bool) -> Any:
    """OpenJij's own model of the BQM, on its dense or its CSR (``sparse``) graph; a dimod
    BQM handed to SQASampler is converted to the dense graph."""
    bqm = inst.bqm
    return openjij.BinaryQuadraticModel(
        dict(bqm.linear), dict(bqm.quadratic), bqm.offset, bqm.vartype, sparse=sparse
    )


def run_openjij(
    inst: Instance, model: Any, reads: int, seed: int, threads: int | None, **params: Any
) -> Run:
    """SQASampler, one read per call (it gives every read of one seeded call the same
    stream), seeds seed, seed+1, …; times summed over the calls."""
    omp = openmp_runtime()
    previous = omp.omp_get_max_threads() if omp is not None else None
    if threads is not None and omp is not None:
        omp.omp_set_num_threads(threads)
    rows, wall, sampling = [], 0.0, 0.0
    try:
        for r in range(reads):
            start = time.perf_counter()
            response = openjij.SQASampler().sample(model, num_reads=1, seed=seed + r, **params)
            wall += time.perf_counter() - start
            sampling += sum(response.info["list_exec_times"]) * 1e-6
            rows.append(ordered(response, inst.order)[0])
    finally:
        if omp is not None and previous is not None:
            omp.omp_set_num_threads(previous)
    return Run(np.array(rows), wall, sampling, {"threads": threads or previous})


def openjij_schedule(beta: float, gammas: np.ndarray) -> tuple[float, list]:
    """(Γ_oj, [(s, β_oj, 1), ...]) giving OpenJij exactly our fixed β and Γ(t): its
    H = s·H_p − Γ_oj(1 − s)Σσˣ at β_oj becomes ours with Γ_oj = Γ(0), s = Γ_oj/(Γ_oj + Γ)
    and β_oj = β/s."""
    gamma_oj = float(gammas[0])
    s = gamma_oj / (gamma_oj + gammas)
    return gamma_oj, [(float(si), float(beta / si), 1) for si in s]


def run_dwave(inst: Instance, reads: int, seed: int, beta: float, gammas: np.ndarray) -> Run:
    """Continuous-time PIMC with our β and Γ(t); seed + 1 (its core reads 0 as random)."""
    start = time.perf_counter()
    sampleset = PathIntegralAnnealingSampler().sample(
        inst.bqm,
        num_reads=reads,
        beta_schedule_type="custom",
        num_sweeps_per_beta=1,
        Hp_field=np.full(len(gammas), beta),
        Hd_field=beta * gammas,
        seed=seed + 1,
    )
    wall = time.perf_counter() - start
    return Run(
        ordered(sampleset, inst.order),
        wall,
        sampleset.info["timing"]["sampling_ns"] * 1e-9,
        {"threads": 1},
    )
