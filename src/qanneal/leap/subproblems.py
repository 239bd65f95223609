"""QPU subproblems for decomposition workflows (dwave-hybrid): embed a subproblem on the
QPU graph with an embedding found once and reused, sample it, unembed it, and count what
was sent.

Embeddings (``embedding``):

- ``"clique"`` (default): busclique's clique embedding of the subproblem's size, cached by
  minorminer for the QPU graph and kept here per size; subproblems are relabelled 0…n−1, so
  one embedding serves every subproblem of that size, whatever its variables. The right
  choice for dense problems such as slack QUBOs, whose subproblems are near-cliques.
- ``"minorminer"``: a seeded minorminer search per subproblem structure
  (:func:`qanneal.leap.embedding.find_chains`), cached by structure hash in memory and, with
  ``cache_dir``, on disk (:class:`~qanneal.leap.embedding.EmbeddingCache`).

Chain strength: uniform torque compensation of the subproblem (times
``chain_strength_factor``); chain breaks: majority vote.

:class:`MockQPU` builds the offline QPU: dwave-system's ``MockDWaveSampler`` on a Pegasus
graph (16: an Advantage system) whose substitute sampler (simulated annealing, or the
hardware emulation of :mod:`qanneal.leap.noise`) draws a fresh seed from one seeded stream
on every call, so a seeded run is reproducible.

Example:
    >>> import dimod
    >>> qpu = MockQPU(pegasus_size=2)(seed=1)
    >>> counter = SubproblemQPU(qpu, num_reads=5)
    >>> sub = dimod.BQM({"a": 1.0}, {("a", "b"): -1.0, ("b", "c"): -1.0}, 0.0, "SPIN")
    >>> {v: int(x) for v, x in counter.sample(sub).first.sample.items()}
    {'a': -1, 'b': -1, 'c': -1}
    >>> counter.calls[0]["size"], counter.calls[0]["embedding_source"]
    (3, 'search')
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import dimod
import numpy as np

from qanneal.errors import SamplerError
from qanneal.leap import chains as chain_tools
from qanneal.leap import embedding as emb

EMBEDDINGS = ("clique", "minorminer")


class _Reseeding(dimod.Sampler):
    """A sampler that gives its child a new seed, drawn from one stream, on every call."""

    def __init__(self, child: dimod.Sampler, seed: int) -> None:
        self.child = child
        self._rng = np.random.default_rng(seed)
        self._lock = threading.Lock()

    @property
    def parameters(self) -> dict[str, list[str]]:
        return dict(self.child.parameters)

    @property
    def properties(self) -> dict[str, Any]:
        return dict(self.child.properties)

    def sample(self, bqm: dimod.BQM, **params: Any) -> dimod.SampleSet:
        with self._lock:
            params["seed"] = int(self._rng.integers(2**31))
        return self.child.sample(bqm, **params)


class MockQPU:
    """Factory of seeded offline QPUs: ``MockQPU(...)(seed)`` is a ``MockDWaveSampler``.

    Args:
        pegasus_size: Pegasus P size (16: an Advantage system).
        num_sweeps: sweeps of the substitute annealer per read.
        noise: a :class:`~qanneal.leap.noise.HardwareNoiseComposite` to sample through
            (auto-scaling, control errors, finite temperature), or None for plain SA.
    """

    def __init__(self, *, pegasus_size: int = 16, num_sweeps: int = 1000, noise: Any = None):
        self.pegasus_size = pegasus_size
        self.num_sweeps = num_sweeps
        self.noise = noise

    def __call__(self, seed: int) -> Any:
        from dwave.samplers import SimulatedAnnealingSampler

        child = self.noise if self.noise is not None else SimulatedAnnealingSampler()
        mock = copy.copy(_structure(self.pegasus_size))  # shares the (read-only) graph
        mock.substitute_sampler = _Reseeding(child, seed)
        mock.substitute_kwargs = {"num_sweeps": self.num_sweeps}
        return mock


_STRUCTURES: dict[int, Any] = {}
_STRUCTURES_LOCK = threading.Lock()


def _structure(pegasus_size: int) -> Any:
    """A MockDWaveSampler of that Pegasus size, built once per process (building the P16
    graph takes about a second); callers sample only through shallow copies of it."""
    from dwave.system.testing import MockDWaveSampler

    with _STRUCTURES_LOCK:
        if pegasus_size not in _STRUCTURES:
            _STRUCTURES[pegasus_size] = MockDWaveSampler(
                topology_type="pegasus", topology_shape=[pegasus_size]
            )
        return _STRUCTURES[pegasus_size]


class SubproblemQPU:
    """Samples subproblems on a structured QPU sampler (``nodelist``, ``edgelist``,
    ``properties``) and records every call in :attr:`calls` (size, qubits, chains, chain
    breaks, embedding source and seconds). Not thread-safe: one instance per call."""

    def __init__(
        self,
        qpu: Any,
        *,
        num_reads: int = 100,
        embedding: str = "clique",
        qpu_params: dict[str, Any] | None = None,
        seed: int = 0,
        cache_dir: str | Path | None = None,
        chain_strength_factor: float = 1.0,
    ) -> None:
        if embedding not in EMBEDDINGS:
            raise SamplerError(f"embedding = {embedding!r} is not one of {', '.join(EMBEDDINGS)}")
        self.qpu = qpu
        self.num_reads = num_reads
        self.embedding = embedding
        self.qpu_params = dict(qpu_params or {})
        self.seed = seed
        self.cache = emb.EmbeddingCache(cache_dir) if cache_dir is not None else None
        self.chain_strength_factor = float(chain_strength_factor)
        self.edgelist = [(int(u), int(v)) for u, v in qpu.edgelist]
        self._chains: dict[Any, list[list[int]]] = {}
        self._structures: dict[Any, Any] = {}
        self.calls: list[dict[str, Any]] = []
        self._embedding_ns = 0
        self._graph: Any = None
        self._largest: int | None = None

    @property
    def graph(self) -> Any:
        """The QPU's working graph (networkx), built once."""
        if self._graph is None:
            self._graph = self.qpu.to_networkx_graph()
        return self._graph

    def largest_clique(self) -> int:
        """Variables of the largest clique the QPU graph embeds (busclique, cached)."""
        if self._largest is None:
            self._largest = emb.largest_clique(self.graph)
        return self._largest

    def _find(self, bqm: dimod.BQM) -> tuple[list[list[int]], str, Any]:
        """(chains, source, cache key) of a subproblem relabelled 0…n−1 (timed)."""
        start = time.perf_counter_ns()
        try:
            return self._lookup(bqm)
        finally:
            self._embedding_ns = time.perf_counter_ns() - start

    def _lookup(self, bqm: dimod.BQM) -> tuple[list[list[int]], str, Any]:
        if self.embedding == "clique":
            key: Any = bqm.num_variables
            if key not in self._chains:
                self._chains[key] = emb.clique_chains(bqm, self.graph)
                return self._chains[key], "search", key
            return self._chains[key], "cache", key
        key = emb.structure_hash(bqm, self.edgelist, "minorminer")
        if key in self._chains:
            return self._chains[key], "cache", key
        stored = self.cache.get(key) if self.cache is not None else None
        if stored is not None and len(stored) == bqm.num_variables:
            self._chains[key] = stored
            return stored, "cache", key
        found = emb.find_chains(bqm, self.edgelist, seed=self.seed)
        if not found and bqm.num_variables:
            raise emb.not_embeddable(bqm, self.graph, "the QPU")
        if self.cache is not None:
            self.cache.put(key, found)
        self._chains[key] = found
        return found, "search", key

    def sample(self, subproblem: dimod.BQM) -> dimod.SampleSet:
        """Embed, sample and unembed one subproblem (labels and vartype kept)."""
        from dwave.embedding import EmbeddedStructure, unembed_sampleset

        start = time.perf_counter()
        labels: list[Hashable] = list(subproblem.variables)
        relabelled = subproblem.spin.relabel_variables(  # a copy with variables 0…n−1
            {v: k for k, v in enumerate(labels)}, inplace=False
        )
        chains, source, key = self._find(relabelled)
        embedding = emb.as_embedding(relabelled, chains)
        if key not in self._structures:
            self._structures[key] = EmbeddedStructure(self.edgelist, embedding)
        strength = self.chain_strength_factor * chain_tools.chain_strength_value(
            "uniform_torque_compensation", relabelled
        )
        target = self._structures[key].embed_bqm(
            relabelled, chain_strength=strength, smear_vartype=dimod.SPIN
        )
        answer = self.qpu.sample(target, num_reads=self.num_reads, **self.qpu_params)
        logical = unembed_sampleset(answer, embedding, relabelled)
        logical = logical.relabel_variables(dict(enumerate(labels)), inplace=False)
        if subproblem.vartype is dimod.BINARY:
            logical = logical.change_vartype(dimod.BINARY, inplace=False)
        stats = emb.chain_statistics(chains)
        self.calls.append(
            {
                "size": subproblem.num_variables,
                "physical_qubits": stats["physical_qubits"],
                "max_chain_length": stats["max_chain_length"],
                "chain_break_fraction": chain_tools.broken_fraction(answer, chains),
                "embedding_source": source,
                "embedding_ns": self._embedding_ns,
                "seconds": time.perf_counter() - start,
            }
        )
        answer = dimod.SampleSet.from_samples_bqm(logical, subproblem)
        # lowest energy first, as a QPU returns them: composers take the leading rows
        return answer.truncate(len(answer))
