"""Leap's hybrid solvers for the three model kinds: a BQM (``hybrid``,
``LeapHybridSampler``), a constrained quadratic model (``hybrid-cqm``,
``LeapHybridCQMSampler``) and a nonlinear model (``hybrid-nl``, ``LeapHybridNLSampler``).

What is decided before anything is sent (:func:`plan_hybrid`):

- the solver's **limits**, read from its properties and checked with a one-line error
  naming the figure and what to change: variables and biases (BQM); variables,
  constraints, biases and *quadratic variables* (CQM); nodes, state size and decision
  state size (NL). Leap's CQM solvers take quadratic constraints over binary and integer
  variables — ``maximum_number_of_quadratic_variables`` counts, constraint by constraint,
  the variables that have an interaction, and ``maximum_number_of_quadratic_variables_real``
  (0 on Leap) is the number allowed for real-valued ones — so a BiNN's ``cqm``, whose
  hidden-unit and output constraints are quadratic in binaries, is accepted within that
  count (D-Wave, "CQM Solver Properties"; dwave-system's ``LeapHybridCQMSampler.sample_cqm``
  checks the same figures);
- ``time_limit``: by default the solver's own minimum for the model — dwave-system's
  ``LeapHybridSampler.min_time_limit`` (BQM: the ``minimum_time_limit`` curve over the
  number of variables), ``LeapHybridCQMSampler.min_time_limit`` (CQM: variables, biases of
  the serialized model and constraints, with the solver's multipliers) and
  ``LeapHybridNLSampler.estimated_min_time_limit`` (NL: nodes and state size), evaluated on
  the solver's properties. A smaller ``time_limit`` is refused for BQM and CQM (the solver
  would refuse it) and accepted for NL, whose minimum is an estimate — the estimated charge
  is then the larger of the two. Above ``maximum_time_limit_hrs`` is refused. The estimate
  recorded in the plan is the charged time, ``time_limit`` seconds.

Answers: a CQM answer is a dimod sample set (the CQM's variables, the objective as energy,
``is_satisfied`` and ``is_feasible``); an NL answer is a file of the model's states, loaded
into the problem's own model and read out as an NL sample set (:mod:`qanneal.hubo.nl`).

Example:
    >>> import dimod
    >>> x, y = dimod.Binaries(["x", "y"])
    >>> cqm = dimod.ConstrainedQuadraticModel()
    >>> _ = cqm.add_constraint(x * y >= 1, label="both")
    >>> properties = {"minimum_time_limit_s": 5, "maximum_number_of_constraints": 100,
    ...               "maximum_number_of_variables": 10, "maximum_number_of_biases": 100,
    ...               "maximum_number_of_quadratic_variables": 1}
    >>> minimum_time_limit(properties, "cqm", cqm)
    5.0
    >>> check_limits(properties, "cqm", cqm)
    Traceback (most recent call last):
    ...
    qanneal.leap.errors.EmbeddingError: the CQM has 2 variables with quadratic terms ...
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, BinaryIO, cast

import dimod
import numpy as np

from qanneal.errors import SamplerError
from qanneal.leap.errors import EmbeddingError, LeapError

PROBLEM_TYPES = {"hybrid": "bqm", "hybrid-cqm": "cqm", "hybrid-nl": "nl"}
"""The model kind each hybrid sampler submits."""
_HINTS = {
    "bqm": "use fewer patterns",
    "cqm": "use fewer patterns (one constraint per pattern, and per pattern and hidden unit "
    "for a BiNN)",
    "nl": "use fewer patterns or a smaller network",
}


@dataclass
class StatesAnswer:
    """A nonlinear solver's answer: the states file it returned, and Leap's problem info
    (``timing``, ``problem_id``, ``problem_label``)."""

    data: bytes
    info: dict[str, Any] = field(default_factory=dict)


def model_file(target: Any, kind: str) -> Any:
    """The file Leap's multipart upload sends for a model (dimod's or dwave-optimization's
    own serialization, the one dwave-system uploads; an NL model without its states)."""
    if kind == "nl":
        return target.to_file(max_num_states=0)
    return target.to_file()


def target_hash(target: Any, kind: str) -> str:
    """sha256 of what is submitted (checked when a later ``fetch`` rebuilds the problem).
    A CQM or NL file holds a zip archive whose entries carry the time they were written, so
    the hash covers the bytes before the archive and each entry's name and content."""
    if kind == "bqm":
        from qanneal.leap.embedding import bqm_hash

        return str(bqm_hash(target))
    with model_file(target, kind) as handle:
        data = handle.read()
    digest = hashlib.sha256()
    start = data.find(b"PK\x03\x04")
    digest.update(data if start < 0 else data[:start])
    if start >= 0:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in sorted(archive.namelist()):
                digest.update(name.encode())
                digest.update(archive.read(name))
    return digest.hexdigest()


def _serialized_biases(cqm: dimod.ConstrainedQuadraticModel) -> int:
    """Biases of the serialized CQM (what Leap counts; dwave-system reads its header too)."""
    from dimod.serialization.fileview import read_header

    magic: bytes = dimod.constrained.CQM_MAGIC_PREFIX  # type: ignore[attr-defined]
    with cqm.to_file() as data:
        return int(read_header(cast(BinaryIO, data), magic).data["num_biases"])


def minimum_time_limit(properties: Mapping[str, Any], kind: str, target: Any) -> float:
    """The solver's minimum (estimated, for NL) ``time_limit`` for ``target``, in seconds."""
    from dwave.system import LeapHybridCQMSampler, LeapHybridNLSampler

    solver = SimpleNamespace(properties=dict(properties))
    if kind == "cqm":
        biases = _serialized_biases(target)
        shim = SimpleNamespace(
            variables=target.variables, constraints=target.constraints, num_biases=lambda: biases
        )
        return float(LeapHybridCQMSampler.min_time_limit(solver, shim))
    if kind == "nl":
        return float(LeapHybridNLSampler.estimated_min_time_limit(solver, target))
    points = np.asarray(properties.get("minimum_time_limit", [[1, 3.0]]), dtype=float)
    return float(np.interp(target.num_variables, points[:, 0], points[:, 1]))


def _figures(kind: str, target: Any) -> dict[str, tuple[str, int]]:
    """{solver property: (what it counts, the model's figure)}."""
    if kind == "bqm":
        return {
            "maximum_number_of_variables": ("variables", target.num_variables),
            "maximum_number_of_biases": (
                "biases",
                target.num_variables + target.num_interactions,
            ),
        }
    if kind == "cqm":
        return {
            "maximum_number_of_variables": ("variables", len(target.variables)),
            "maximum_number_of_constraints": ("constraints", len(target.constraints)),
            "maximum_number_of_biases": ("biases", _serialized_biases(target)),
            "maximum_number_of_quadratic_variables": (
                "variables with quadratic terms (counted per constraint)",
                target.num_quadratic_variables(include_objective=False),
            ),
        }
    return {
        "maximum_number_of_nodes": ("nodes", target.num_nodes()),
        "maximum_state_size": ("bytes of state", target.state_size()),
        "maximum_decision_state_size": ("bytes of decision state", target.decision_state_size()),
    }


def check_limits(properties: Mapping[str, Any], kind: str, target: Any) -> None:
    """An EmbeddingError (one line) when the model exceeds one of the solver's limits."""
    for key, (what, figure) in _figures(kind, target).items():
        limit = properties.get(key)
        if limit is not None and figure > limit:
            raise EmbeddingError(
                f"the {kind.upper()} has {figure} {what} but the solver takes at most "
                f"{limit} ({key}): {_HINTS[kind]}"
            )


def plan_hybrid(
    plan: dict[str, Any], target: Any, properties: Mapping[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """The plan of a hybrid submission: limits checked, ``time_limit`` and the charge."""
    kind = plan["target"]
    check_limits(properties, kind, target)
    minimum = minimum_time_limit(properties, kind, target)
    time_limit = params.get("time_limit", minimum)
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or time_limit <= 0:
        raise SamplerError(f"[solve.params] time_limit = {time_limit!r} must be seconds > 0")
    if kind != "nl" and time_limit < minimum:
        raise SamplerError(
            f"[solve.params] time_limit = {time_limit!r} is below the solver's minimum "
            f"{minimum:g} s for this {kind.upper()}; raise it or leave it out"
        )
    hours = properties.get("maximum_time_limit_hrs")
    if hours is not None and time_limit > 3600 * float(hours):
        raise SamplerError(
            f"[solve.params] time_limit = {time_limit!r} exceeds the solver's maximum of "
            f"{hours} hours"
        )
    charged = max(float(time_limit), minimum)
    plan.update(
        time_limit=float(time_limit),
        minimum_time_limit=minimum,
        estimated_access_time_us=charged * 1e6,
    )
    return plan


def sample_hybrid_plan(target: Any, plan: dict[str, Any], session: Any) -> dimod.SampleSet:
    """Send (or retrieve) the one submission of a hybrid plan: the answer as a sample set
    (an NL answer's states are loaded into ``target``, the model, and read out)."""
    answer = session.obtain(0, "run", target, {"time_limit": plan["time_limit"]})
    if plan["target"] != "nl":
        return answer
    if not isinstance(answer, StatesAnswer):
        raise LeapError(f"the nonlinear solver answered a {type(answer).__name__}, not states")
    return states_sampleset(answer, target)


def states_sampleset(answer: StatesAnswer, model: Any) -> dimod.SampleSet:
    """An NL answer as an NL sample set of ``model`` (its states are loaded, read and
    cleared), with Leap's problem info in ``info``."""
    from qanneal.hubo.nl import read_states

    model.states.clear()
    try:
        # as dwave-system's LeapHybridNLSampler reads it (the header is not checked)
        model.states.from_file(io.BytesIO(answer.data), check_header=False)
        bits, objectives = read_states(model)
    finally:
        model.states.clear()
    labels = list(range(bits.shape[1]))
    info = dict(answer.info)  # Leap's timing (µs) stays under "timing", as on a QPU answer
    return dimod.SampleSet.from_samples((bits, labels), dimod.BINARY, energy=objectives, info=info)
