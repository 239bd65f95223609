"""How the local SAPI service (sapi_service.py, which routes the requests) describes its
solvers and answers their problems, in the wire formats the real client reads.

- QPU (``qp`` problems, ``ising`` or ``qubo``): the embedded problem is decoded from the
  solver's qubit and coupler lists and sampled with dwave-samplers' simulated annealing,
  honouring ``num_reads`` and ``answer_mode``; the answer is the ``qp`` format.
- hybrid BQM (by reference to an uploaded BQM): the same sampler, a ``bq`` answer.

The hybrid CQM and NL solvers take their problem by reference to a multipart upload, as the
real client sends it
(``dwave/cloud/solver.py``: ``CQMSolver`` uploads ``cqm.to_file()``, ``NLSolver`` uploads
``model.to_file()``), and answer as Leap does:

- CQM: the ``bq`` format, a serialized dimod sample set over the CQM's variables with the
  objective as energy and ``is_satisfied`` / ``is_feasible`` (what
  ``LeapHybridCQMSampler`` returns). The service enumerates every state (dimod's
  ``ExactCQMSolver``, up to :data:`MAX_CQM_VARIABLES`) and returns the best few, feasible
  first.
- NL: the ``binary-ref`` format, a URL the client downloads the states file from
  (``Model.states.into_file``, what ``LeapHybridNLSampler`` loads into the model). The
  service loads the uploaded model with dwave-optimization and searches its binary
  decision states: every state up to :data:`MAX_NL_BITS` bits, otherwise a seeded
  single-flip descent from random states, with a bounded number of evaluations.

Anything larger is answered FAILED, as a solver that cannot take a problem answers.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import dimod
import numpy as np

QPU_PARAMETERS = (
    "annealing_time",
    "anneal_offsets",
    "anneal_schedule",
    "answer_mode",
    "auto_scale",
    "flux_biases",
    "h_gain_schedule",
    "initial_state",
    "label",
    "num_reads",
    "programming_thermalization",
    "readout_thermalization",
    "reinitialize_state",
)
MAX_CQM_VARIABLES = 18
MAX_NL_BITS = 12
NL_EVALUATIONS = 4000  # objective evaluations of the descent (bounded work)
ANSWER_ROWS = 10  # samples of a CQM answer


def qpu_solver(pegasus_size: int = 6, name: str | None = None) -> dict[str, Any]:
    """A Pegasus QPU as Leap describes it (dwave-cloud-client's own mock data), with the
    parameters and timing model qanneal uses."""
    from dwave.cloud.testing import mocks

    extra = {"name": name} if name else {}
    data = mocks.qpu_pegasus_solver_data(
        pegasus_size, problem_timing_data=mocks.qpu_problem_timing_data("advantage"), **extra
    )
    data["properties"]["parameters"] = {key: f"{key} (mock)" for key in QPU_PARAMETERS}
    data["properties"].update(
        default_annealing_time=20.0,
        max_anneal_schedule_points=12,
        max_h_gain_schedule_points=20,
        annealing_time_range=[0.5, 2000.0],
        problem_run_duration_range=[0.0, 1000000.0],
        default_programming_thermalization=1000.0,
        default_readout_thermalization=0.0,
        chip_id=data["identity"]["name"],
    )
    return data


def hybrid_solver() -> dict[str, Any]:
    """A hybrid BQM solver as Leap describes it."""
    from dwave.cloud.testing import mocks

    data = mocks.hybrid_bqm_solver_data(
        name="hybrid_binary_quadratic_model_version2",
        minimum_time_limit=[[1, 3.0], [1024, 3.0], [4096, 10.0]],
    )
    data["properties"]["parameters"]["label"] = "Problem label."
    return data


class TooLarge(Exception):
    """The local service does not solve problems this large (answered FAILED)."""


def cqm_solver() -> dict[str, Any]:
    """A hybrid CQM solver as Leap describes it (dwave-cloud-client's own mock data, with
    the name, minimum time and parameters of Leap's)."""
    from dwave.cloud.testing import mocks

    data = mocks.hybrid_cqm_solver_data(
        name="hybrid_constrained_quadratic_model_version1", minimum_time_limit_s=5
    )
    data["properties"]["parameters"]["label"] = "Problem label."
    return data


def nl_solver() -> dict[str, Any]:
    """A hybrid nonlinear solver as Leap describes it (the client's mock data)."""
    from dwave.cloud.testing import mocks

    data = mocks.hybrid_nl_solver_data(
        name="hybrid_nonlinear_program_version1", maximum_number_of_states=3
    )
    data["properties"]["parameters"]["label"] = "Problem label."
    return data


def hybrid_timing(params: dict[str, Any]) -> dict[str, float]:
    """Leap's timing of a hybrid answer (µs): the time limit is what is charged."""
    limit = float(params.get("time_limit", 5.0)) * 1e6
    return {"qpu_access_time": 30000.0, "charge_time": limit, "run_time": limit}


def answer_cqm(data: bytes, params: dict[str, Any]) -> dict[str, Any]:
    """The ``bq`` answer of an uploaded CQM: its best states, feasible first."""
    cqm = dimod.ConstrainedQuadraticModel.from_file(io.BytesIO(data))
    if len(cqm.variables) > MAX_CQM_VARIABLES:
        raise TooLarge(f"the local service enumerates at most {MAX_CQM_VARIABLES} variables")
    every = dimod.ExactCQMSolver().sample_cqm(cqm)
    order = np.lexsort((every.record.energy, ~every.record.is_feasible))[:ANSWER_ROWS]
    best = dimod.SampleSet(every.record[order], every.variables, {}, every.vartype)
    best.info.update(constraint_labels=list(cqm.constraints), **hybrid_timing(params))
    return {"format": "bq", "data": best.to_serializable(use_bytes=False)}


def _set(model: Any, decisions: list[Any], rows: np.ndarray) -> np.ndarray:
    """Make ``rows`` (0/1, decisions flattened one after the other) the model's states and
    return their objective values."""
    model.states.resize(0)
    model.states.resize(len(rows))
    start = 0
    for decision in decisions:
        shape = decision.shape()
        size = int(np.prod(shape)) if shape else 1
        for k, row in enumerate(rows):
            block = row[start : start + size].astype(float)
            decision.set_state(k, block.reshape(shape) if shape else block[0])
        start += size
    return np.array([float(model.objective.state(k)) for k in range(len(rows))])


def _search(model: Any, decisions: list[Any], bits: int, seed: int) -> np.ndarray:
    """Candidate 0/1 states: all of them for few bits, else the states a seeded single-flip
    descent from random starts visits."""
    if bits <= MAX_NL_BITS:
        codes = np.arange(2**bits)[:, None] >> np.arange(bits)[None, :]
        return (codes & 1).astype(np.int8)
    rng = np.random.default_rng(seed)
    found, evaluations = [], 0
    while evaluations < NL_EVALUATIONS:
        state = rng.integers(0, 2, bits).astype(np.int8)
        value = _set(model, decisions, state[None, :])[0]
        improved = True
        while improved and evaluations < NL_EVALUATIONS:
            flips = np.tile(state, (bits, 1))
            flips[np.arange(bits), np.arange(bits)] ^= 1
            values = _set(model, decisions, flips)
            evaluations += bits
            improved = bool(values.min() < value)
            if improved:
                state, value = flips[int(values.argmin())], float(values.min())
        found.append(state)
    return np.array(found)


def answer_nl(data: bytes, params: dict[str, Any], seed: int, keep: int) -> bytes:
    """The states file of an uploaded nonlinear model: its ``keep`` best states found."""
    from dwave.optimization import Model
    from dwave.optimization.symbols import BinaryVariable

    model = Model.from_file(io.BytesIO(data))
    decisions = list(model.iter_decisions())
    if not all(isinstance(d, BinaryVariable) for d in decisions):
        raise TooLarge("the local service searches binary decision variables only")
    bits = sum(int(np.prod(d.shape())) if d.shape() else 1 for d in decisions)
    model.lock()
    candidates = _search(model, decisions, bits, seed)
    values = _set(model, decisions, candidates)
    best = candidates[np.argsort(values, kind="stable")[:keep]]
    _set(model, decisions, best)
    out = io.BytesIO()
    model.states.into_file(out)
    return out.getvalue()


def _decode_qp(problem: Any, properties: dict[str, Any]) -> tuple[dimod.BQM, list[int]]:
    """The embedded BQM of a ``qp`` problem and its active qubits."""
    qubits = properties["qubits"]
    linear = np.frombuffer(base64.b64decode(problem.data["lin"]), dtype="<f8")
    active = [q for q, h in zip(qubits, linear, strict=True) if not np.isnan(h)]
    present = set(active)
    couplers = [tuple(c) for c in properties["couplers"] if c[0] in present and c[1] in present]
    quad = np.frombuffer(base64.b64decode(problem.data["quad"]), dtype="<f8")
    bqm = dimod.BQM(dimod.SPIN if problem.type == "ising" else dimod.BINARY)
    bqm.add_variables_from((q, h) for q, h in zip(qubits, linear, strict=True) if q in present)
    bqm.add_interactions_from((u, v, j) for (u, v), j in zip(couplers, quad, strict=True) if j != 0)
    return bqm, active


def answer_qpu(problem: Any, properties: dict[str, Any], num_sweeps: int) -> dict[str, Any]:
    """The ``qp`` answer of a QPU problem (a sapi_service.Problem): SA on the embedded
    problem, ``num_reads`` reads, aggregated unless ``answer_mode`` is ``raw``."""
    from dwave.samplers import SimulatedAnnealingSampler

    bqm, active = _decode_qp(problem, properties)
    reads = int(problem.params.get("num_reads", 1))
    answer = SimulatedAnnealingSampler().sample(
        bqm, num_reads=reads, seed=problem.seed, num_sweeps=num_sweeps
    )
    if problem.params.get("answer_mode", "histogram") == "histogram":
        answer = answer.aggregate()
    samples = answer.record.sample[:, [answer.variables.index(q) for q in active]]
    bits = (samples > 0).astype(np.uint8)
    occurrences = answer.record.num_occurrences.astype("<i4")
    reads = int(occurrences.sum())
    anneal = float(problem.params.get("annealing_time", 20.0))
    timing = {
        "qpu_sampling_time": reads * (anneal + 100.0),
        "qpu_anneal_time_per_sample": anneal,
        "qpu_readout_time_per_sample": 80.0,
        "qpu_access_time": 15000.0 + reads * (anneal + 100.0),
        "qpu_access_overhead_time": 1000.0,
        "qpu_programming_time": 15000.0,
        "qpu_delay_time_per_sample": 20.54,
        "total_post_processing_time": 100.0,
        "post_processing_overhead_time": 100.0,
    }
    return {
        "format": "qp",
        "num_variables": int(properties["num_qubits"]),
        "active_variables": base64.b64encode(np.asarray(active, "<i4").tobytes()).decode(),
        "energies": base64.b64encode(answer.record.energy.astype("<f8").tobytes()).decode(),
        "solutions": base64.b64encode(np.packbits(bits, axis=1).tobytes()).decode(),
        "num_occurrences": base64.b64encode(occurrences.tobytes()).decode(),
        "timing": timing,
    }


def answer_bqm(data: bytes, params: dict[str, Any], seed: int, num_sweeps: int) -> dict[str, Any]:
    """The ``bq`` answer of an uploaded BQM: five reads of SA, Leap's hybrid timing."""
    from dwave.samplers import SimulatedAnnealingSampler

    bqm = dimod.BQM.from_file(io.BytesIO(data))
    answer = SimulatedAnnealingSampler().sample(bqm, num_reads=5, seed=seed, num_sweeps=num_sweeps)
    answer.info.update(hybrid_timing(params))
    return {"format": "bq", "data": answer.to_serializable(use_bytes=False)}
