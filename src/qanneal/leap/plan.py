"""What a Leap run will send: parameters checked, embedding found (or reused), chain strength
chosen, spin-reversal transforms drawn, QPU access time estimated — all before anything
is submitted, and all stored in the ledger so that a later ``fetch`` can finish the run.

Parameters a Leap sampler takes in ``[solve.params]``:

- QPU (``qpu``, ``qpu-clique``, ``mock-qpu``): ``annealing_time``, ``anneal_schedule``
  (checked with the solver's ``validate_anneal_schedule``), ``initial_state`` and
  ``reinitialize_state`` (reverse annealing; ``initial_state`` maps logical variables to
  values, set on every qubit of the chain), ``h_gain_schedule``, ``auto_scale``,
  ``programming_thermalization``, ``readout_thermalization``, ``label``,
  ``num_spin_reversal_transforms`` (dwave-preprocessing's SpinReversalTransformComposite:
  one submission per transform, reads split between them);
- embedding: ``chain_strength``, ``chain_break_method``, ``chain_break_threshold`` and
  ``scan_reads`` (for ``chain_strength = "auto"``), ``embedding_tries`` and
  ``embedding_timeout`` (minorminer restarts and seconds, default 10 and 120);
- ``mock-qpu`` only: ``pegasus_size`` (default 16), and the hardware emulator
  (:mod:`qanneal.leap.noise`, off by default): ``hardware_noise = true`` turns on
  auto-scaling into the mock's ranges (``auto_scale = false`` turns it off again),
  Gaussian control errors ``sigma_h`` / ``sigma_j`` (default 0.05 / 0.035) and Boltzmann
  sampling at ``beta`` (default 6.1, Advantage's), with ``use_extended_j_range``;
- ``kerberos``, ``kerberos-mock``: the workflow's settings (:mod:`qanneal.leap.loop`), and
  for the mock its ``pegasus_size`` and emulator;
- ``hybrid``, ``hybrid-cqm``, ``hybrid-nl``: ``time_limit`` (seconds; default the solver's
  minimum for the model, :mod:`qanneal.leap.hybrid`), ``label``.

Example:
    >>> sorted(parameter_names("hybrid"))
    ['label', 'time_limit']
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import dimod
import numpy as np

from qanneal.errors import SamplerError
from qanneal.leap import chains as chain_tools
from qanneal.leap import embedding as emb
from qanneal.leap import loop
from qanneal.leap.errors import translate
from qanneal.leap.hybrid import PROBLEM_TYPES, plan_hybrid
from qanneal.leap.noise import EMULATOR_PARAMETERS, emulator_settings

QPU_PARAMETERS = (
    "annealing_time",
    "anneal_schedule",
    "initial_state",
    "reinitialize_state",
    "h_gain_schedule",
    "auto_scale",
    "programming_thermalization",
    "readout_thermalization",
    "label",
    "num_spin_reversal_transforms",
)
EMBEDDING_PARAMETERS = (
    "chain_strength",
    "chain_break_method",
    "chain_break_threshold",
    "scan_reads",
    "embedding_tries",
    "embedding_timeout",
)
SCAN_READS = 50


def parameter_names(name: str) -> tuple[str, ...]:
    """The ``[solve.params]`` keys sampler ``name`` accepts."""
    if name in PROBLEM_TYPES:  # the hybrid solvers
        return ("time_limit", "label")
    if name in loop.NAMES:  # QPU in the loop
        mock = ("pegasus_size", *EMULATOR_PARAMETERS) if name == "kerberos-mock" else ()
        return (*loop.PARAMETERS, *mock)
    extra = ("pegasus_size", *EMULATOR_PARAMETERS) if name == "mock-qpu" else ()
    return QPU_PARAMETERS + EMBEDDING_PARAMETERS + extra


def check_parameters(params: dict[str, Any], name: str) -> None:
    """A SamplerError naming the key for an unknown or invalid ``[solve.params]`` entry."""
    accepted = parameter_names(name)
    for key in params:
        if key not in accepted:
            raise SamplerError(
                f"[solve.params] {key!r} is not a parameter of sampler {name!r}; its "
                f"parameters: {', '.join(sorted(accepted))}"
            )
    chain_tools.check_chain_strength(params.get("chain_strength", "uniform_torque_compensation"))
    chain_tools.check_break_method(params.get("chain_break_method", "majority_vote"))
    timeout = params.get("embedding_timeout", 120.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise SamplerError(f"[solve.params] embedding_timeout = {timeout!r} must be > 0 seconds")
    threshold = params.get("chain_break_threshold", 0.05)
    if not isinstance(threshold, int | float) or not 0 <= threshold < 1:
        raise SamplerError(
            f"[solve.params] chain_break_threshold = {threshold!r} must be in [0, 1)"
        )
    for key in ("num_spin_reversal_transforms", "scan_reads", "embedding_tries", "pegasus_size"):
        value = params.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SamplerError(f"[solve.params] {key} = {value!r} must be a whole number >= 0")
    if params.get("pegasus_size", 16) < 2:
        raise SamplerError("[solve.params] pegasus_size must be >= 2 (16: an Advantage system)")
    try:
        emulator_settings(params)
    except ValueError as error:
        raise SamplerError(f"[solve.params] {error}") from None
    if name in loop.NAMES:
        loop.kerberos_settings(params)
    if params.get("num_spin_reversal_transforms") and "initial_state" in params:
        raise SamplerError(
            "[solve.params] num_spin_reversal_transforms cannot be combined with initial_state "
            "(a transform would flip the reverse-anneal state); drop one of them"
        )


def check_initial_state(state: Any, bqm: dimod.BQM) -> None:
    """A SamplerError unless ``state`` (reverse annealing) gives every variable a value:
    a list in BQM variable order, or a table keyed by variable name; values ±1 or 0/1."""
    if state is None:
        return
    names = [str(v) for v in bqm.variables]
    if isinstance(state, list):
        values = state
        ok = len(state) == len(names)
    elif isinstance(state, dict):
        values = list(state.values())
        ok = set(map(str, state)) == set(names)
    else:
        values, ok = [], False
    if not ok or any(v not in (-1, 0, 1) or isinstance(v, bool) for v in values):
        raise SamplerError(
            f"[solve.params] initial_state must give each of the {len(names)} variables "
            f"(e.g. {names[0]!r}) a value -1/+1 or 0/1, as a list in variable order or a table"
        )


def solver_parameters(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters that go to the solver itself (not embedding or transform options)."""
    skip = {
        *EMBEDDING_PARAMETERS,
        *EMULATOR_PARAMETERS,
        "num_spin_reversal_transforms",
        "pegasus_size",
        "label",
    }
    return {k: v for k, v in params.items() if k not in skip}


def embed_chains(
    bqm: dimod.BQM,
    connection: Any,
    *,
    method: str,
    seed: int,
    tries: int,
    cache_dir: Path | None,
    timeout: float = 120.0,
) -> tuple[list[list[int]], str]:
    """(chains, 'cache' | 'search' | 'clique') for ``bqm`` on the connection's QPU."""
    key = emb.structure_hash(bqm, connection.edgelist, method)
    cache = emb.EmbeddingCache(cache_dir) if cache_dir is not None else None
    stored = cache.get(key) if cache is not None else None
    if stored is not None and len(stored) == bqm.num_variables:
        return stored, "cache"
    if method == "clique":
        found, source = emb.clique_chains(bqm, emb.qpu_graph(connection)), "clique"
    else:
        found, source = (
            emb.find_chains(bqm, connection.edgelist, seed=seed, tries=tries, timeout=timeout),
            "search",
        )
        if not found and bqm.num_variables:
            raise emb.not_embeddable(bqm, emb.qpu_graph(connection), connection.solver_name)
    if cache is not None:
        cache.put(key, found)
    return found, source


def draw_transforms(qubits: list[int], count: int, seed: int) -> list[list[int]]:
    """``count`` spin-reversal transforms: for each, the qubits it flips (seeded)."""
    rng = np.random.default_rng([seed, 17])
    return [
        [q for q, f in zip(qubits, rng.random(len(qubits)) > 0.5, strict=True) if f]
        for _ in range(count)
    ]


EMBEDDING_REPORT_KEYS = (
    "logical_qubits",
    "physical_qubits",
    "max_chain_length",
    "mean_chain_length",
    "chain_strength",
    "chain_strength_method",
    "chain_break_method",
    "embedding_method",
    "embedding_source",
)
"""Keys of a plan that describe its embedding and chains (run records and dry runs)."""


def make_plan(
    target: Any,
    connection: Any,
    name: str,
    *,
    num_reads: int,
    seed: int,
    params: dict[str, Any],
    cache_dir: Path | None,
) -> dict[str, Any]:
    """Everything that decides what is submitted (JSON-ready, stored in the ledger):
    ``target`` is a BQM, or for ``hybrid-cqm`` / ``hybrid-nl`` a CQM / nonlinear model."""
    check_parameters(params, name)
    plan: dict[str, Any] = {
        "sampler": name,
        "solver": connection.solver_name,
        "graph_id": getattr(connection, "graph_id", None),
        "category": connection.category,
        "target": PROBLEM_TYPES.get(name, "bqm"),
        "num_reads": num_reads,
        "params": dict(params),
        "label": params.get("label"),
    }
    if connection.category == "hybrid":
        return plan_hybrid(plan, target, connection.properties, params)
    if name in loop.NAMES:
        plan["hardware_noise"] = emulator_settings(params)
        return loop.plan_kerberos(plan, connection, params, num_reads)
    bqm: dimod.BQM = target
    try:
        connection.validate(solver_parameters(params))
    except (ValueError, TypeError, RuntimeError) as error:
        raise SamplerError(
            f"[solve.params] rejected by solver {connection.solver_name}: {error}"
        ) from None
    check_initial_state(params.get("initial_state"), bqm)
    method = "clique" if name == "qpu-clique" else "minorminer"
    started = time.perf_counter_ns()
    chains, source = embed_chains(
        bqm,
        connection,
        method=method,
        seed=seed,
        tries=params.get("embedding_tries", 10),
        timeout=float(params.get("embedding_timeout", 120.0)),
        cache_dir=cache_dir,
    )
    plan["embedding_ns"] = time.perf_counter_ns() - started  # search, or loading the cache
    strength = params.get("chain_strength", "uniform_torque_compensation")
    transforms = params.get("num_spin_reversal_transforms", 0)
    stats = emb.chain_statistics(chains)
    qubits = sorted({q for chain in chains for q in chain})
    plan.update(
        chains=chains,
        embedding_method=method,
        embedding_source=source,
        chain_strength_method=strength if isinstance(strength, str) else "fixed",
        chain_strength=None
        if strength == "auto"
        else chain_tools.chain_strength_value(strength, bqm),
        chain_break_method=params.get("chain_break_method", "majority_vote"),
        chain_break_threshold=float(params.get("chain_break_threshold", 0.05)),
        scan_reads=int(params.get("scan_reads", SCAN_READS)),
        transforms=draw_transforms(qubits, transforms, seed),
        reads_per_submission=math.ceil(num_reads / max(transforms, 1)),
        **stats,
    )
    plan["estimated_access_time_us"] = estimate_us(connection, plan)
    if name == "mock-qpu":  # the hardware emulator's settings, when it is on
        plan["hardware_noise"] = emulator_settings(params)
    return plan


def estimate_us(connection: Any, plan: dict[str, Any]) -> float | None:
    """QPU access time (µs) the run will be charged, by the solver's timing model: one
    estimate per submission (each spin-reversal transform, each scan point)."""
    params = solver_parameters(plan["params"])
    submissions = max(len(plan["transforms"]), 1)
    try:
        each = connection.estimate_us(plan["physical_qubits"], plan["reads_per_submission"], params)
        scan = 0.0
        if plan["chain_strength_method"] == "auto":
            scan = len(chain_tools.AUTO_FACTORS) * connection.estimate_us(
                plan["physical_qubits"], plan["scan_reads"], params
            )
    except (KeyError, ValueError, AttributeError):
        return None  # the solver publishes no timing model
    except Exception as error:
        raise translate(error) from None
    return float(each * submissions + scan)
