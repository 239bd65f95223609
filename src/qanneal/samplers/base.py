"""The sampler contract, written once: what every registry sampler takes and returns.

A qanneal sampler is a dimod sampler with up to five entry points, one per *target kind*
it declares in the registry (:mod:`qanneal.samplers.registry`):

==============  ============================  =====================================
kind            entry point                   base class / what the target is
==============  ============================  =====================================
``bqm``         ``sample(bqm, **kw)``         :class:`dimod.Sampler`
``polynomial``  ``sample_poly(poly, **kw)``   :class:`dimod.PolySampler`
``native``      ``sample_model(model, **kw)``  :class:`NativeSampler` (a model's own
                                              energy: perceptron, BiNN)
``cqm``         ``sample_cqm(cqm, **kw)``     a :class:`dimod.ConstrainedQuadraticModel`
``nl``          ``sample_nlm(model, **kw)``   a dwave-optimization ``Model``
==============  ============================  =====================================

``sample_cqm`` is the name dimod's CQM samplers (``ExactCQMSolver``) and dwave-system's
``LeapHybridCQMSampler`` give it. A nonlinear model has no dimod entry point:
``sample_nlm`` is dwave-cloud-client's name for it (``NLSolver.sample_nlm``), since
``sample`` is the BQM entry point here and dwave-system's ``LeapHybridNLSampler.sample``
returns a future of the model, not a sample set. A CQM sample set has the CQM's variables,
its objective as energy and dimod's ``is_feasible`` / ``is_satisfied`` fields; an NL sample
set has one BINARY variable per element of the model's binary decision arrays, labelled
0…n−1 in ``iter_decisions()`` order (each array flattened row-major), and the objective as
energy (:func:`qanneal.hubo.nl.read_states` and :func:`~qanneal.hubo.nl.write_states`).

Every entry point takes keyword-only arguments, among them ``num_reads`` and ``seed``
(an integer in [0, MAX_SEED], or None to draw one), and returns a
:class:`dimod.SampleSet` whose ``info`` has one schema:

- ``info["timing"]``: integer nanoseconds under keys from :data:`TIMING_KEYS`; always
  ``total_ns`` (the whole call) and ``sampling_ns``; ``compile_ns`` (numba compilation
  in this call), ``embedding_ns``, ``preprocessing_ns``, ``postprocessing_ns`` where
  they apply;
- ``info["protocol"]``: the schedule or protocol actually used, JSON-ready, so a run can
  be repeated from its record (β and Γ schedules, moves, Trotter slices, ...);
- ``info[<sampler's own key>]``: the sampler's extras (``"pimc"``: acceptance rates and
  traces; ``"qpu"``: qubits and chains; ``"exact"``: ground energy and degeneracy; ...).

:func:`check_info` checks that schema; the conformance suite
(``tests/samplers/test_conformance.py``) runs it and dimod's own sampler tests on every
registry sampler.

Long runs are steered from outside through :func:`current_control`: a sampler that
works in chunks (of sweeps, of reads, of optimiser steps) reports progress after each
chunk and, when a stop was requested (Ctrl-C in ``qanneal solve``), raises
:class:`~qanneal.errors.SamplingStopped` between chunks — never inside compiled code.

Example:
    >>> import dimod
    >>> from qanneal.samplers.base import check_seed, sample_target
    >>> check_seed(7)
    7
    >>> sampleset = sample_target(dimod.ExactSolver(), "bqm", dimod.BQM({"a": 1.0}, {}, 0.0,
    ...                           "SPIN"))
    >>> int(sampleset.first.sample["a"])
    -1
"""

from __future__ import annotations

import abc
import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal.errors import SamplingStopped

MAX_SEED = 2**31 - 1
"""Seeds are integers in [0, MAX_SEED] for every sampler: the range that every Ocean sampler
qanneal wraps accepts (dwave-samplers' SA and PIMC refuse seeds from 2**31 on), so a seed
reaches a wrapped sampler unchanged."""

TIMING_KEYS = (
    "compile_ns",
    "preprocessing_ns",
    "embedding_ns",
    "sampling_ns",
    "postprocessing_ns",
    "total_ns",
)
TARGET_KINDS = ("native", "bqm", "polynomial", "cqm", "nl")
ENTRY_POINTS = {
    "native": "sample_model",
    "bqm": "sample",
    "polynomial": "sample_poly",
    "cqm": "sample_cqm",
    "nl": "sample_nlm",
}
PARAMETER_TABLES = {"native": "model_parameters", "cqm": "cqm_parameters", "nl": "nl_parameters"}
"""Where a sampler declares the keyword arguments of an entry point (dimod's ``parameters``
convention): ``parameters`` for ``bqm`` and ``polynomial``, these for the others, so that a
class with several entry points can take other arguments in each."""
TARGET_ARGUMENTS = frozenset({"bqm", "polynomial", "poly", "model", "cqm", "self"})


class NativeSampler(abc.ABC):
    """A sampler of a model's native energy: one entry point, ``sample_model(model, **kw)``.

    ``model_parameters`` names its keyword arguments (dimod's ``parameters`` convention,
    kept apart because a class that also samples BQMs may take other ones there).
    """

    model_parameters: ClassVar[dict[str, list[str]]] = {}

    @abc.abstractmethod
    def sample_model(self, *args: Any, **kwargs: Any) -> dimod.SampleSet:
        """Sample the model's own energy over its weights (``model.variables``): called as
        ``sample_model(model, **parameters)``, parameters keyword-only."""


def check_seed(seed: Any) -> int | None:
    """``seed`` as an int in [0, MAX_SEED] (None stays None), else a ValueError."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed = {seed!r} must be an integer in [0, {MAX_SEED}]")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"seed = {seed} must be in [0, {MAX_SEED}]")
    return int(seed)


def draw_seed(seed: int | None) -> int:
    """The checked seed, or a fresh one drawn from the operating system."""
    checked = check_seed(seed)
    if checked is None:
        return int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0] >> 1)
    return checked


def check_num_reads(num_reads: Any) -> int:
    """``num_reads`` as an int ≥ 1, else a ValueError."""
    if isinstance(num_reads, bool) or not isinstance(num_reads, int | np.integer):
        raise ValueError(f"num_reads = {num_reads!r} must be an integer >= 1")
    if num_reads < 1:
        raise ValueError(f"num_reads = {num_reads} must be >= 1")
    return int(num_reads)


def entry_point(sampler: Any, kind: str) -> Callable[..., dimod.SampleSet]:
    """The method of ``sampler`` that takes a target of ``kind``."""
    if kind not in ENTRY_POINTS:
        raise ValueError(f"unknown target kind {kind!r}; kinds: {', '.join(ENTRY_POINTS)}")
    method = getattr(sampler, ENTRY_POINTS[kind], None)
    if method is None:
        raise TypeError(f"{type(sampler).__name__} has no {ENTRY_POINTS[kind]}() for {kind}")
    return method


def sample_target(sampler: Any, kind: str, target: Any, **parameters: Any) -> dimod.SampleSet:
    """Call the entry point of ``sampler`` for a target of ``kind`` (see the table above)."""
    return entry_point(sampler, kind)(target, **parameters)


def parameters_for(sampler: Any, kind: str) -> set[str]:
    """Keyword arguments the entry point for ``kind`` takes (declared and in its signature)."""
    import inspect

    table = PARAMETER_TABLES.get(kind, "parameters")
    names = set(getattr(sampler, table, {}) or {})
    signature = inspect.signature(entry_point(sampler, kind))
    names.update(
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    )
    return names - TARGET_ARGUMENTS


class Stopwatch:
    """Collects the ``*_ns`` timing of one call: ``lap(key)`` adds the time since the
    previous lap under ``key``; ``timing()`` adds ``total_ns``.

    >>> watch = Stopwatch()
    >>> watch.lap("sampling_ns") >= 0, sorted(watch.timing())
    (True, ['sampling_ns', 'total_ns'])
    """

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter_ns()
        self.laps: dict[str, int] = {}

    def lap(self, key: str) -> int:
        if key not in TIMING_KEYS or key == "total_ns":
            raise ValueError(f"unknown timing key {key!r}; keys: {', '.join(TIMING_KEYS)}")
        now = time.perf_counter_ns()
        self.laps[key] = self.laps.get(key, 0) + now - self.last
        self.last = now
        return self.laps[key]

    def add(self, key: str, nanoseconds: int) -> None:
        """Account ``nanoseconds`` spent inside an earlier lap to ``key`` instead."""
        self.laps[key] = self.laps.get(key, 0) + int(nanoseconds)

    def timing(self) -> dict[str, int]:
        return {**self.laps, "total_ns": time.perf_counter_ns() - self.start}


def sampler_info(
    watch: Stopwatch, protocol: Mapping[str, Any], key: str, extras: Mapping[str, Any]
) -> dict[str, Any]:
    """An ``info`` dict in the contract's schema (timing, protocol, extras under ``key``)."""
    if key in ("timing", "protocol"):
        raise ValueError(f"extras key {key!r} is reserved")
    return {"timing": watch.timing(), "protocol": dict(protocol), key: dict(extras)}


def check_info(info: Mapping[str, Any]) -> list[str]:
    """What is wrong with an ``info`` dict against the contract (empty when it conforms)."""
    problems = []
    timing = info.get("timing")
    if not isinstance(timing, Mapping):
        return ["info has no 'timing' dict"]
    unknown = set(timing) - set(TIMING_KEYS)
    if unknown:
        problems.append(f"timing keys {sorted(unknown)} are not among {list(TIMING_KEYS)}")
    for needed in ("sampling_ns", "total_ns"):
        if needed not in timing:
            problems.append(f"timing has no {needed!r}")
    for name, value in timing.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            problems.append(f"timing[{name!r}] = {value!r} is not a non-negative integer")
    if not isinstance(info.get("protocol"), Mapping):
        problems.append("info has no 'protocol' dict")
    return problems


@dataclass
class Control:
    """Steers a long run from outside: progress after each chunk, a stop between chunks.

    ``report(done, total)`` is called by the sampler after each chunk of work (units are
    the sampler's: sweeps × reads, steps, ...); ``stop_requested`` is set by whoever runs
    the sampler (``qanneal solve`` sets it on Ctrl-C) and honoured by the sampler after
    the current chunk with :class:`~qanneal.errors.SamplingStopped`.
    """

    on_progress: Callable[[int, int], None] | None = None
    stop_requested: bool = False
    notes: list[str] = field(default_factory=list)

    def report(self, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(int(done), int(total))

    def checkpoint(self, done: int, total: int) -> None:
        """Report progress, then stop here if a stop was requested."""
        self.report(done, total)
        if self.stop_requested:
            raise SamplingStopped(f"stopped after {done} of {total}")


_CONTROL: contextvars.ContextVar[Control | None] = contextvars.ContextVar(
    "qanneal_sampler_control", default=None
)


def current_control() -> Control:
    """The :class:`Control` of the run in progress, or an inert one (no progress, no stop)."""
    return _CONTROL.get() or Control()


@contextlib.contextmanager
def controlled(control: Control) -> Iterator[Control]:
    """Run the samplers called inside the block under ``control``."""
    token = _CONTROL.set(control)
    try:
        yield control
    finally:
        _CONTROL.reset(token)
