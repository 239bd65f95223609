"""QPU in the loop through the submissions ledger: the Kerberos-style workflow
(:mod:`qanneal.leap.kerberos`) whose every QPU subproblem is a ledger submission —
``kerberos`` on the Leap QPU, ``kerberos-mock`` on the offline mock QPU.

The plan holds the workflow's settings and the run's seed; nothing is embedded up front
(each subproblem size gets its embedding when it first occurs). While the loop runs,
:class:`LedgerQPU` stands in for the QPU: its k-th ``sample`` call is submission
``RUN.subk`` of the ledger, written before it is sent, with its Leap problem id as soon as
Leap returns it and the hash of the embedded subproblem (``detail.target_sha256``).

A killed run is finished by ``qanneal leap fetch``, which runs the loop again from the
same seed: tabu, simulated annealing, the decomposition and the embeddings are seeded, so
every subproblem comes out as before, and the ledger gives it the answer Leap already has
(retrieved, never sent again — one that may be on Leap but cannot be found waits for
``--resubmit``); if a rebuilt subproblem differed from the one recorded, the replay stops
with a one-line error instead of using a stranger's answer. Subproblems the killed
process never sent are sent then. So a billed subproblem is neither lost nor paid twice.
dwave-hybrid's racing branches (``race``) depend on thread timing and cannot be replayed:
these samplers run the branches to completion.

The access-time estimate is an upper bound: ``num_reads × max_iter`` subproblems, each
estimated by the solver's timing model for ``qpu_reads`` reads on all its qubits.

Example (offline, on the mock QPU):
    >>> sorted(set(PARAMETERS) - {"label"})[:3]
    ['convergence', 'decomposer', 'embedding']
    >>> kerberos_settings({"max_iter": 5})["max_iter"], kerberos_settings({})["race"]
    (5, False)
"""

from __future__ import annotations

from typing import Any

import dimod

from qanneal.errors import SamplerError
from qanneal.leap import embedding as emb
from qanneal.leap.kerberos import DECOMPOSERS
from qanneal.leap.subproblems import EMBEDDINGS

NAMES = ("kerberos", "kerberos-mock")
DEFAULTS: dict[str, Any] = {
    "max_iter": 100,
    "convergence": 3,
    "energy_threshold": None,
    "max_subproblem_size": 50,
    "qpu_reads": 100,
    "qpu_params": None,
    "sa_sweeps": 10_000,
    "tabu_restarts": 100,
    "tabu_timeout": 500,
    "race": False,
    "embedding": "clique",
    "decomposer": "bfs",
}
"""The workflow's settings and their defaults (dwave-hybrid Kerberos's own, and tabu
restarts in place of its timeout, so that a seed reproduces a run)."""
PARAMETERS = (*(k for k in DEFAULTS if k not in ("race", "tabu_timeout")), "label")
"""``[solve.params]`` of ``kerberos`` (``kerberos-mock`` also takes the mock's); racing
branches (``race``, ``tabu_timeout``) depend on thread timing and cannot be replayed."""
_QPU_PARAMETERS = (
    "annealing_time",
    "anneal_schedule",
    "auto_scale",
    "h_gain_schedule",
    "programming_thermalization",
    "readout_thermalization",
)


def check_settings(settings: dict[str, Any]) -> None:
    """A SamplerError naming the first setting out of range (one line)."""
    for key in (
        "max_iter",
        "convergence",
        "max_subproblem_size",
        "qpu_reads",
        "sa_sweeps",
        "tabu_restarts",
        "tabu_timeout",
    ):
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SamplerError(f"{key} = {value!r} must be a whole number >= 1")
    if settings["embedding"] not in EMBEDDINGS:
        raise SamplerError(
            f"embedding = {settings['embedding']!r} is not one of {', '.join(EMBEDDINGS)}"
        )
    if settings.get("decomposer", "bfs") not in DECOMPOSERS:
        raise SamplerError(
            f"decomposer = {settings['decomposer']!r} is not one of {', '.join(DECOMPOSERS)}"
        )


def kerberos_settings(params: dict[str, Any]) -> dict[str, Any]:
    """The workflow's settings: its defaults overridden by ``params`` (checked, one line)."""
    settings = {**DEFAULTS, **{k: v for k, v in params.items() if k in DEFAULTS}}
    check_settings(settings)
    extra = settings["qpu_params"] or {}
    if not isinstance(extra, dict) or set(extra) - set(_QPU_PARAMETERS):
        raise SamplerError(
            f"[solve.params] qpu_params must be a table of QPU parameters among "
            f"{', '.join(_QPU_PARAMETERS)}"
        )
    return settings


def plan_kerberos(
    plan: dict[str, Any], connection: Any, params: dict[str, Any], num_reads: int
) -> dict[str, Any]:
    """The plan of a QPU-in-the-loop run: the settings, and at most how much QPU time."""
    settings = kerberos_settings(params)
    most = num_reads * settings["max_iter"]
    try:
        each = connection.estimate_us(len(connection.nodelist), settings["qpu_reads"], {})
        estimate: float | None = float(each * most)
    except (KeyError, ValueError, AttributeError):
        estimate = None  # the solver publishes no timing model
    plan.update(
        workflow="kerberos",
        settings=settings,
        max_subproblems=most,
        estimated_access_time_us=estimate,
    )
    return plan


class LedgerQPU:
    """A structured sampler whose k-th ``sample`` call is ledger submission ``subk`` of a
    session (the graph and properties are the connection's)."""

    def __init__(self, session: Any) -> None:
        connection = session.connection
        self.session = session
        self.nodelist = list(connection.nodelist)
        self.edgelist = list(connection.edgelist)
        self.properties = connection.properties
        self.parameters: dict[str, list[str]] = {"num_reads": []}
        self._connection = connection
        self.position = 0
        self.infos: list[dict[str, Any]] = []  # each answer's info (problem id, timing)

    def to_networkx_graph(self) -> Any:
        return emb.qpu_graph(self._connection)

    def sample(self, bqm: dimod.BQM, **params: Any) -> dimod.SampleSet:
        position, self.position = self.position, self.position + 1
        fingerprint = emb.content_hash(bqm)
        answer = self.session.obtain(position, "sub", bqm, params, fingerprint=fingerprint)
        if not isinstance(answer, dimod.SampleSet):
            raise SamplerError(f"the QPU answered a {type(answer).__name__}, not samples")
        self.infos.append(dict(answer.info))
        return answer


class CloudQPU:
    """Factory ``seed -> the Leap QPU`` (dwave-system's ``DWaveSampler``, the solver the
    Ocean configuration picks) for a direct :class:`~qanneal.samplers.KerberosSampler`
    call, without the ledger; ``close()`` closes what it opened."""

    def __init__(self) -> None:
        self.connections: list[Any] = []

    def __call__(self, seed: int) -> Any:
        from qanneal.leap.client import CloudConnection

        self.connections.append(CloudConnection("qpu"))
        return self.connections[-1].sampler

    def close(self) -> None:
        while self.connections:
            self.connections.pop().close()
