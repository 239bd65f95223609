"""Every sampler by name, and which formulation kinds it accepts.

A formulation is of one *kind*: ``native`` (the sampler gets the model and its own
energy), ``bqm`` (a ``dimod.BinaryQuadraticModel``) or ``polynomial`` (a
``dimod.BinaryPolynomial``; a sampler without a polynomial factory gets its
reduction to a BQM). A registry entry maps each kind it accepts to a factory of a
sampler object with dimod's ``sample(target, **params)`` / ``parameters`` conventions.

Example:
    >>> get("sa").accepts
    ('native', 'bqm')
    >>> sorted(names_for("native"))
    ['exact', 'pimc', 'sa', 'vqa']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dimod

from qanneal.errors import SamplerError
from qanneal.samplers.exact import NativeExactSolver
from qanneal.samplers.pimc import PIMCSampler
from qanneal.samplers.sa.sampler import NativeAnnealingSampler
from qanneal.spec import suggest

MAX_EXACT_BQM_VARIABLES = 22


class PolynomialAdapter:
    """Presents a PolySampler's ``sample_poly`` as ``sample(polynomial)``."""

    def __init__(self, sampler: Any) -> None:
        self.sampler = sampler
        self.parameters = sampler.parameters
        self.properties = sampler.properties

    def sample(self, polynomial: Any, **parameters: Any) -> dimod.SampleSet:
        return self.sampler.sample_poly(polynomial, **parameters)


class NativeModelAdapter:
    """Presents a sampler's ``sample_model`` as ``sample(model)``, as the registry calls it."""

    def __init__(self, sampler: Any) -> None:
        self.sampler = sampler
        self.parameters = sampler.parameters
        self.properties = sampler.properties

    def sample(self, model: Any, **parameters: Any) -> dimod.SampleSet:
        try:
            return self.sampler.sample_model(model, **parameters)
        except TypeError as error:
            if "no PIMC back-end" in str(error):
                raise SamplerError(str(error)) from None
            raise


def _dwave(name: str) -> Callable[[], Any]:
    def factory() -> Any:
        import dwave.samplers

        return getattr(dwave.samplers, name)()

    return factory


AUGMENTED_MODELS = ("perceptron", "binn", "augmented perceptron", "augmented binn")
"""Native model types of samplers that score with ``model.energy`` (and so also take
models with ``model.choices``); the numba kernels take plain perceptrons and BiNNs."""


def _vqa() -> Any:
    from qanneal.samplers.vqa.sampler import VQASampler  # lazy: numpy-only, but not needed here

    return NativeModelAdapter(VQASampler())


def _leap(name: str) -> Callable[[], Any]:
    def factory() -> Any:
        from qanneal.leap.samplers import LeapSampler  # lazy: imports dwave-system

        return LeapSampler(name)

    return factory


@dataclass(frozen=True)
class SamplerEntry:
    """One registry name: a description and a factory per accepted formulation kind."""

    name: str
    description: str
    factories: dict[str, Callable[[], Any]]
    max_variables: int | None = None
    native_models: tuple[str, ...] = ("perceptron", "binn")

    @property
    def accepts(self) -> tuple[str, ...]:
        return tuple(self.factories)

    def create(self, kind: str) -> Any:
        return self.factories[kind]()


REGISTRY: dict[str, SamplerEntry] = {
    entry.name: entry
    for entry in (
        SamplerEntry(
            "exact",
            "exhaustive enumeration: dimod ExactSolver on a BQM, numpy on native energies",
            {"native": NativeExactSolver, "bqm": dimod.ExactSolver},
            max_variables=MAX_EXACT_BQM_VARIABLES,
            native_models=AUGMENTED_MODELS,
        ),
        SamplerEntry(
            "sa",
            "simulated annealing: qanneal's numba Metropolis on native energies, "
            "dwave-samplers SimulatedAnnealingSampler on a BQM",
            {"native": NativeAnnealingSampler, "bqm": _dwave("SimulatedAnnealingSampler")},
        ),
        SamplerEntry(
            "pimc",
            "qanneal path-integral Monte Carlo (simulated quantum annealing): native "
            "perceptron/BiNN energy, BQM, or a HUBO natively (no reduction)",
            {
                "native": lambda: NativeModelAdapter(PIMCSampler()),
                "bqm": PIMCSampler,
                "polynomial": lambda: PolynomialAdapter(PIMCSampler()),
            },
        ),
        SamplerEntry(
            "vqa",
            "quantum hypernetwork: variational circuit trained on the loss (exact "
            "statevector or MPS), one optimisation run per read",
            {"native": _vqa},
            max_variables=128,  # qanneal.samplers.vqa.sampler.MAX_VQA_QUBITS
            native_models=AUGMENTED_MODELS,
        ),
        SamplerEntry("tabu", "dwave-samplers TabuSampler", {"bqm": _dwave("TabuSampler")}),
        SamplerEntry(
            "steepest",
            "dwave-samplers SteepestDescentSampler (greedy descent from random states)",
            {"bqm": _dwave("SteepestDescentSampler")},
        ),
        SamplerEntry(
            "pimc-dwave",
            "dwave-samplers PathIntegralAnnealingSampler (simulated quantum annealing)",
            {"bqm": _dwave("PathIntegralAnnealingSampler")},
        ),
        *(
            SamplerEntry(name, description, {"bqm": _leap(name)})
            for name, description in (
                ("qpu", "D-Wave QPU through Leap, minorminer embedding (needs a Leap token)"),
                ("qpu-clique", "D-Wave QPU through Leap, clique embedding (needs a token)"),
                ("hybrid", "Leap hybrid BQM solver (needs a Leap token)"),
                ("mock-qpu", "offline MockDWaveSampler (Pegasus P16), same path as qpu"),
            )
        ),
    )
}


def get(name: str) -> SamplerEntry:
    """The registry entry of ``name``; an unknown name lists the known ones."""
    if name not in REGISTRY:
        raise SamplerError(
            f"unknown sampler {name!r}{suggest(name, REGISTRY)}; available: {', '.join(REGISTRY)}"
        )
    return REGISTRY[name]


def target_kind(entry: SamplerEntry, kind: str) -> str | None:
    """What the sampler is given for a formulation kind: the same kind, or for a
    polynomial that the sampler cannot take natively, its reduction to a 'bqm'."""
    if kind in entry.factories:
        return kind
    if kind == "polynomial" and "bqm" in entry.factories:
        return "bqm"
    return None


def _fits(entry: SamplerEntry, kind: str, model: str | None) -> bool:
    if target_kind(entry, kind) is None:
        return False
    return kind != "native" or model is None or model in entry.native_models


def names_for(kind: str, model: str | None = None) -> list[str]:
    """Names of the samplers that accept a formulation kind ('native' or 'bqm'), and for
    native energies, a model type ('perceptron' or 'binn')."""
    return [name for name, entry in REGISTRY.items() if _fits(entry, kind, model)]


def sampler_for(
    name: str, kind: str, formulation: str, model: str | None = None
) -> tuple[Any, str]:
    """(sampler object, the kind of target it takes) for this formulation, or a
    SamplerError listing the samplers that fit."""
    entry = get(name)
    target = target_kind(entry, kind)
    if target is None or not _fits(entry, kind, model):
        what = f"formulation {formulation!r}" + (
            f" of model type {model!r}" if kind == "native" and model else ""
        )
        raise SamplerError(
            f"sampler {name!r} cannot take {what}; "
            f"samplers that can: {', '.join(names_for(kind, model))}"
        )
    return entry.create(target), target


def accepted_parameters(sampler: Any) -> set[str]:
    """Keyword arguments a sampler's ``sample`` takes: its ``parameters`` and signature."""
    names = set(getattr(sampler, "parameters", {}))
    signature = inspect.signature(sampler.sample)
    names.update(
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"
    )
    return names - {"bqm", "model", "polynomial"}
