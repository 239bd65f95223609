"""Every sampler by name, with the capabilities it declares.

A registry entry names one sampler class (:mod:`qanneal.samplers.base` is the contract it
follows) and declares what callers need to know without looking at names: the target
kinds it samples (``native``: a model's own energy; ``bqm``; ``polynomial``; ``cqm``: a
constrained quadratic model; ``nl``: a dwave-optimization nonlinear model), the native
model types it takes, its size limit per kind, whether ``num_sweeps`` is its budget and
what a sweep costs in single-spin updates, whether its reads are an exhaustive
enumeration, whether it goes through the Leap submissions ledger, whether it spends
billed QPU time, whether it returns exactly ``num_reads`` reads (a Leap hybrid solver
returns the samples it found) and whether a seed reproduces its samples (not on Leap).
``qanneal solve``, ``qanneal inspect`` and ``qanneal compare`` ask these; registering a
sampler here also puts it through the conformance suite
(``tests/samplers/test_conformance.py``).

A polynomial formulation given to a sampler that samples BQMs but not polynomials is
reduced to a BQM first (:func:`target_kind`); a ``cqm`` formulation goes to samplers that
take CQMs as it is, and to BQM samplers as its penalty form (dimod's ``cqm_to_bqm``), which
exists for perceptrons (linear constraints) only; an ``nl`` formulation goes only to
samplers that take nonlinear models.

Example:
    >>> get("sa").targets
    ('native', 'bqm')
    >>> sorted(names_for("native"))
    ['exact', 'pimc', 'sa', 'vqa']
    >>> get("exact").limit("polynomial"), get("pimc").sweep_cost
    (24, 'slices')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qanneal.errors import ResourceError, SamplerError
from qanneal.samplers.base import parameters_for
from qanneal.samplers.exact import MAX_EXACT_VARIABLES, ExactSampler
from qanneal.samplers.exact.models import MAX_NL_VARIABLES
from qanneal.samplers.ocean import OceanSampler
from qanneal.samplers.pimc import PIMCSampler
from qanneal.samplers.sa.sampler import AnnealingSampler
from qanneal.samplers.vqa.sampler import MAX_VQA_QUBITS, VQASampler
from qanneal.spec import suggest

PLAIN_MODELS = ("perceptron", "binn")
AUGMENTED_MODELS = (*PLAIN_MODELS, "augmented perceptron", "augmented binn")
"""Native model types: samplers that score with ``model.energy`` also take models with
``model.choices``; the numba kernels take plain perceptrons and BiNNs only."""

SWEEP_COSTS = ("spins", "slices", None)
"""What one sweep costs in single-spin updates: ``spins`` — one per variable;
``slices`` — one per variable and Trotter slice (``info["protocol"]["trotter"]``);
None — the sampler flips no spins (its sweeps are optimiser steps)."""


def _leap(name: str) -> Callable[[], Any]:
    def factory() -> Any:
        # lazy: imports dwave-system
        from qanneal.samplers.leap import LeapModelSampler, LeapSampler

        return LeapModelSampler(name) if name in LeapModelSampler.KINDS else LeapSampler(name)

    return factory


@dataclass(frozen=True)
class SamplerEntry:
    """One registry name: its class (``factory``) and its declared capabilities."""

    name: str
    description: str
    factory: Callable[[], Any]
    targets: tuple[str, ...]
    native_models: tuple[str, ...] = PLAIN_MODELS
    max_variables: Mapping[str, int] = field(default_factory=dict)
    has_sweeps: bool = True  # num_sweeps is its budget (compare varies it)
    sweep_cost: str | None = "spins"
    exhaustive: bool = False  # reads are the lowest states of an enumeration
    via_leap: bool = False  # submitted through the Leap ledger (qanneal.leap.run)
    consumes_qpu: bool = False  # spends billed QPU / hybrid solver time
    reads_as_asked: bool = True  # returns num_reads reads (a hybrid solver: what it found)
    reproducible: bool = True  # the same seed gives the same samples (not a real QPU's)

    def create(self) -> Any:
        return self.factory()

    def limit(self, kind: str) -> int | None:
        """Most variables it takes in a target of ``kind`` (None: no limit of its own)."""
        return self.max_variables.get(kind)

    def check_size(self, kind: str, size: int) -> None:
        """A ResourceError when a target of ``kind`` with ``size`` variables is too large."""
        limit = self.limit(kind)
        if limit is not None and size > limit:
            instead = {"cqm": "'hybrid-cqm'", "nl": "'hybrid-nl'"}.get(kind, "'sa' or 'pimc'")
            raise ResourceError(
                f"sampler {self.name!r} takes at most {limit} variables and this {kind} target "
                f"has {size}: use sampler {instead}, or a smaller model"
            )


def _kerberos(on_leap: bool) -> Callable[[], Any]:
    def factory() -> Any:
        from qanneal.samplers.kerberos import KerberosSampler  # lazy: imports dwave-hybrid

        if not on_leap:
            return KerberosSampler()
        from qanneal.leap.loop import CloudQPU

        return KerberosSampler(CloudQPU())

    return factory


def _entries() -> tuple[SamplerEntry, ...]:
    exact_limits = dict.fromkeys(("native", "bqm", "polynomial", "cqm"), MAX_EXACT_VARIABLES)
    exact_limits["nl"] = MAX_NL_VARIABLES
    leap = (  # name, description, target kind, billed
        ("qpu", "D-Wave QPU through Leap, minorminer embedding (needs a Leap token)", "bqm", True),
        ("qpu-clique", "D-Wave QPU through Leap, clique embedding (needs a token)", "bqm", True),
        ("hybrid", "Leap hybrid BQM solver (needs a Leap token)", "bqm", True),
        (
            "hybrid-cqm",
            "Leap hybrid CQM solver: constraints, no penalty strengths (needs a Leap token)",
            "cqm",
            True,
        ),
        ("hybrid-nl", "Leap hybrid nonlinear solver (needs a Leap token)", "nl", True),
        ("mock-qpu", "offline MockDWaveSampler (Pegasus P16), same path as qpu", "bqm", False),
    )
    return (
        SamplerEntry(
            "exact",
            "exhaustive enumeration of the target's own variables (BQM, polynomial, a "
            "model's weights, a CQM with feasibility, an NL model's binary decisions): ground "
            "energy and degeneracy",
            ExactSampler,
            ("native", "bqm", "polynomial", "cqm", "nl"),
            native_models=AUGMENTED_MODELS,
            max_variables=exact_limits,
            has_sweeps=False,
            sweep_cost=None,
            exhaustive=True,
        ),
        SamplerEntry(
            "sa",
            "simulated annealing: qanneal's numba Metropolis on native energies, "
            "dwave-samplers SimulatedAnnealingSampler on a BQM",
            AnnealingSampler,
            ("native", "bqm"),
        ),
        SamplerEntry(
            "pimc",
            "qanneal path-integral Monte Carlo (simulated quantum annealing): native "
            "perceptron/BiNN energy, BQM, or a HUBO natively (no reduction)",
            PIMCSampler,
            ("native", "bqm", "polynomial"),
            sweep_cost="slices",
        ),
        SamplerEntry(
            "vqa",
            "quantum hypernetwork: variational circuit trained on the loss (exact "
            "statevector or MPS), one optimisation run per read",
            VQASampler,
            ("native",),
            native_models=AUGMENTED_MODELS,
            max_variables={"native": MAX_VQA_QUBITS},
            sweep_cost=None,
        ),
        SamplerEntry(
            "tabu",
            "dwave-samplers TabuSampler",
            lambda: OceanSampler("TabuSampler"),
            ("bqm",),
            has_sweeps=False,
        ),
        SamplerEntry(
            "steepest",
            "dwave-samplers SteepestDescentSampler (greedy descent from random states)",
            lambda: OceanSampler("SteepestDescentSampler"),
            ("bqm",),
            has_sweeps=False,
        ),
        SamplerEntry(
            "pimc-dwave",
            "dwave-samplers PathIntegralAnnealingSampler (simulated quantum annealing; "
            "continuous imaginary time: a sweep is counted as one worldline update per spin)",
            lambda: OceanSampler("PathIntegralAnnealingSampler"),
            ("bqm",),
        ),
        SamplerEntry(
            "kerberos",
            "QPU in the loop: Kerberos-style dwave-hybrid decomposition (tabu, SA and "
            "energy-impact subproblems) with every QPU subproblem through the Leap ledger "
            "(needs a Leap token)",
            _kerberos(True),
            ("bqm",),
            has_sweeps=False,
            sweep_cost=None,
            via_leap=True,
            consumes_qpu=True,
            reproducible=False,
        ),
        SamplerEntry(
            "kerberos-mock",
            "QPU in the loop, offline: the same workflow and ledger path as kerberos, its "
            "subproblems on MockDWaveSampler (Pegasus P16)",
            _kerberos(False),
            ("bqm",),
            has_sweeps=False,
            sweep_cost=None,
            via_leap=True,
        ),
        *(
            SamplerEntry(
                name,
                description,
                _leap(name),
                (kind,),
                has_sweeps=name == "mock-qpu",
                via_leap=True,
                consumes_qpu=billed,
                reads_as_asked=not name.startswith("hybrid"),
                reproducible=not billed,
            )
            for name, description, kind, billed in leap
        ),
    )


REGISTRY: dict[str, SamplerEntry] = {entry.name: entry for entry in _entries()}


def get(name: str) -> SamplerEntry:
    """The registry entry of ``name``; an unknown name lists the known ones."""
    if name not in REGISTRY:
        raise SamplerError(
            f"unknown sampler {name!r}{suggest(name, REGISTRY)}; available: {', '.join(REGISTRY)}"
        )
    return REGISTRY[name]


def leap_names() -> list[str]:
    """Names of the samplers that go through the Leap submissions ledger."""
    return [name for name, entry in REGISTRY.items() if entry.via_leap]


def target_kind(entry: SamplerEntry, kind: str) -> str | None:
    """What the sampler is given for a formulation kind: the same kind, or for a
    polynomial that the sampler cannot take natively, its reduction to a 'bqm'."""
    if kind in entry.targets:
        return kind
    if kind in ("polynomial", "cqm") and "bqm" in entry.targets:
        return "bqm"
    return None


PENALTY_MODELS = ("perceptron",)
"""Model types whose ``cqm`` has a penalty BQM (a BiNN's has quadratic constraints)."""


def _fits(entry: SamplerEntry, kind: str, model: str | None) -> bool:
    target = target_kind(entry, kind)
    if target is None:
        return False
    if kind == "cqm" and target == "bqm":  # the penalty form
        return model is None or model in PENALTY_MODELS
    return kind != "native" or model is None or model in entry.native_models


def names_for(kind: str, model: str | None = None) -> list[str]:
    """Names of the samplers that accept a formulation kind ('native', 'bqm', 'polynomial',
    'cqm' or 'nl'), and for native energies and CQMs, a model type ('perceptron', 'binn',
    ...)."""
    return [name for name, entry in REGISTRY.items() if _fits(entry, kind, model)]


def resolve(name: str, kind: str, formulation: str, model: str | None = None) -> tuple[Any, str]:
    """(sampler object, the kind of target it takes) for this formulation, or a
    SamplerError listing the samplers that fit."""
    entry = get(name)
    target = target_kind(entry, kind)
    if target is None or not _fits(entry, kind, model):
        what = f"formulation {formulation!r}" + (
            f" of model type {model!r}" if kind in ("native", "cqm") and model else ""
        )
        raise SamplerError(
            f"sampler {name!r} cannot take {what}; "
            f"samplers that can: {', '.join(names_for(kind, model)) or 'none in this version'}"
        )
    return entry.create(), target


def accepted_parameters(sampler: Any, kind: str) -> set[str]:
    """Keyword arguments the sampler's entry point for ``kind`` takes."""
    return parameters_for(sampler, kind)
