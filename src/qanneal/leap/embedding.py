"""Minor embedding of a logical BQM on a QPU graph, cached on disk, with chain statistics.

An embedding maps each logical variable to a *chain* of physical qubits. It is found by
minorminer's heuristic search (seeded, so reproducible) or, for dense problems, by
busclique's clique embedding (``qpu-clique``), and kept in ``<out>/embeddings/`` under
the sha256 of the problem's interaction graph and of the QPU's working graph, so the same
problem structure reuses it.

Embeddings are stored as *chains in the BQM's variable order* (JSON lists), so that labels
of any type survive the round trip.

Example:
    >>> import dimod, dwave.graphs
    >>> bqm = dimod.BQM({"a": 1.0, "b": 0.0, "c": 0.0},
    ...                 {("a", "b"): 1.0, ("b", "c"): 1.0, ("a", "c"): 1.0}, 0.0, "SPIN")
    >>> target = dwave.graphs.chimera_graph(1)
    >>> chains = find_chains(bqm, list(target.edges), seed=1)
    >>> stats = chain_statistics(chains)
    >>> stats["logical_qubits"], stats["physical_qubits"] >= 3
    (3, True)
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import dimod
import numpy as np

from qanneal.errors import OutputError
from qanneal.files import write_new_file
from qanneal.leap.errors import EmbeddingError

Chains = list[list[int]]


def bqm_hash(bqm: dimod.BQM) -> str:
    """sha256 of a BQM's variables, vartype, biases and offset (order included)."""
    order = list(bqm.variables)
    vectors: Any = bqm.to_numpy_vectors(variable_order=order)
    linear, (rows, cols, quadratic), offset = vectors
    digest = hashlib.sha256(repr((order, bqm.vartype.name, float(offset))).encode())
    for array in (linear, rows, cols, quadratic):
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    return digest.hexdigest()


def content_hash(bqm: dimod.BQM) -> str:
    """sha256 of a BQM whatever the order its variables and interactions were added in
    (sortable labels, e.g. the qubits of an embedded problem): two BQMs with the same
    biases get the same hash.

    >>> a = dimod.BQM({2: 1.0, 1: 0.5}, {(2, 1): -1.0}, 0.0, "SPIN")
    >>> content_hash(a) == content_hash(dimod.BQM({1: 0.5, 2: 1.0}, {(1, 2): -1.0}, 0.0, "SPIN"))
    True
    """
    labels: list[Any] = list(bqm.variables)
    order = sorted(labels)
    vectors: Any = bqm.to_numpy_vectors(variable_order=order, sort_indices=True)
    linear, (rows, cols, quadratic), offset = vectors
    digest = hashlib.sha256(repr((order, bqm.vartype.name, float(offset))).encode())
    for array in (linear, rows, cols, quadratic):
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    return digest.hexdigest()


def structure_hash(bqm: dimod.BQM, edgelist: list[tuple[int, int]], method: str) -> str:
    """Key of an embedding: the logical interaction graph, the QPU graph and the method."""
    order = list(bqm.variables)
    vectors: Any = bqm.to_numpy_vectors(variable_order=order)
    rows, cols = vectors[1][0], vectors[1][1]
    digest = hashlib.sha256(repr((method, order)).encode())
    digest.update(np.ascontiguousarray(rows, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(cols, dtype=np.int64).tobytes())
    digest.update(np.asarray(sorted(edgelist), dtype=np.int64).tobytes())
    return digest.hexdigest()


def find_chains(
    bqm: dimod.BQM,
    edgelist: list[tuple[int, int]],
    *,
    seed: int,
    tries: int = 10,
    timeout: float = 120.0,
) -> Chains:
    """Chains (BQM variable order) from a seeded minorminer search; [] if none is found
    within ``tries`` restarts and ``timeout`` seconds."""
    import minorminer

    order = list(bqm.variables)
    index = {v: k for k, v in enumerate(order)}
    source = [(index[u], index[v]) for u, v in bqm.quadratic]
    found = minorminer.find_embedding(
        source, edgelist, random_seed=int(seed) % 2**31, tries=tries, timeout=timeout
    )
    if any(k not in found for edge in source for k in edge):
        return []
    # minorminer places only variables with interactions; the others get a free qubit each
    used = {q for chain in found.values() for q in chain}
    spare = (q for q in sorted({q for edge in edgelist for q in edge}) if q not in used)
    return [list(map(int, found[k])) if k in found else [next(spare)] for k in range(len(order))]


def clique_chains(bqm: dimod.BQM, graph: Any) -> Chains:
    """Chains of busclique's clique embedding on ``graph`` (a dwave.graphs QPU graph),
    or an EmbeddingError when the problem is larger than the largest clique."""
    from minorminer.busclique import busgraph_cache

    cache = busgraph_cache(graph)
    largest = len(cache.largest_clique())
    if bqm.num_variables > largest:
        raise EmbeddingError(
            f"the problem has {bqm.num_variables} variables but the largest clique this solver "
            f"holds has {largest}: use fewer patterns, sampler 'qpu' (sparse embedding) "
            "or 'hybrid'"
        )
    found = cache.find_clique_embedding(bqm.num_variables)
    return [list(map(int, found[k])) for k in range(bqm.num_variables)]


def largest_clique(graph: Any) -> int:
    """Size of the largest clique busclique embeds in a QPU graph."""
    from minorminer.busclique import busgraph_cache

    return len(busgraph_cache(graph).largest_clique())


def not_embeddable(bqm: dimod.BQM, graph: Any, solver: str) -> EmbeddingError:
    """The error for a problem minorminer could not embed: its size, the solver's largest
    clique and what to try."""
    try:
        clique = f"{largest_clique(graph)}"
    except Exception:  # the clique size only enriches the message
        clique = "unknown"
    return EmbeddingError(
        f"no embedding found for {bqm.num_variables} variables with {bqm.num_interactions} "
        f"couplings on {solver} (its largest clique holds {clique} variables): use fewer "
        "patterns or a smaller model, raise embedding_tries or embedding_timeout, or use "
        "sampler 'hybrid'"
    )


def chain_statistics(chains: Chains) -> dict[str, Any]:
    """Logical and physical qubit counts, max and mean chain length."""
    lengths = [len(chain) for chain in chains]
    return {
        "logical_qubits": len(chains),
        "physical_qubits": int(sum(lengths)),
        "max_chain_length": int(max(lengths, default=0)),
        "mean_chain_length": float(np.mean(lengths)) if lengths else 0.0,
    }


def as_embedding(bqm: dimod.BQM, chains: Chains) -> dict[Any, tuple[int, ...]]:
    """The ``{variable: chain}`` dict that dwave.embedding takes."""
    if len(chains) != bqm.num_variables:
        raise EmbeddingError(
            f"the stored embedding has {len(chains)} chains but the problem has "
            f"{bqm.num_variables} variables; the problem file changed since submission"
        )
    return {v: tuple(chain) for v, chain in zip(bqm.variables, chains, strict=True)}


class EmbeddingCache:
    """Embeddings on disk under ``directory``, one JSON file per structure hash."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def get(self, key: str) -> Chains | None:
        path = self.directory / f"{key}.json"
        if not path.exists():
            return None
        try:
            return [list(map(int, c)) for c in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError):
            return None  # a damaged cache entry is searched again

    def put(self, key: str, chains: Chains) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_new_file(self.directory / f"{key}.json", json.dumps(chains))
        except (OSError, OutputError):
            pass  # another process stored the same structure first, or no space: not needed


def qpu_graph(connection: Any) -> Any:
    """The solver's working graph as a dwave.graphs graph (for busclique)."""
    from dwave.system import qpu_graph as build

    topology = connection.properties["topology"]
    return build(topology["type"], topology["shape"], connection.nodelist, connection.edgelist)
