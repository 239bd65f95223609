"""dwave-samplers' classical samplers behind qanneal's contract (a composite, not a fork).

:class:`OceanSampler` wraps one sampler of ``dwave.samplers`` (simulated annealing, tabu,
steepest descent, path-integral annealing) and changes only what the contract needs:
the seed is checked against qanneal's one range (and drawn when missing, so the run can
be repeated from its record), ``info`` gets the contract's schema (``timing`` with
``total_ns``, ``protocol`` with the parameters the child used, the child's own info under
``"dwave"``), and a stop requested through :func:`~qanneal.samplers.base.current_control`
reaches the child's ``interrupt_function`` between its reads where it has one.

Example:
    >>> import dimod
    >>> bqm = dimod.BQM({"a": 1.0, "b": -1.0}, {("a", "b"): -0.5}, 0.0, "SPIN")
    >>> sampleset = OceanSampler("SteepestDescentSampler").sample(bqm, num_reads=2, seed=3)
    >>> sampleset.first.sample == {"a": -1, "b": 1}, sampleset.info["protocol"]["seed"]
    (True, 3)
"""

from __future__ import annotations

import inspect
from typing import Any

import dimod
import numpy as np

from qanneal.samplers.base import Stopwatch, current_control, draw_seed

# the contract's Control drives interrupt_function; the others are the child's internal buffers
_HIDDEN = frozenset(
    {
        "interrupt_function",
        "num_breaks",
        "breaks_in",
        "breaks_buffer_out",
        "make_info_json_serializable",
    }
)


class OceanSampler(dimod.Sampler):
    """The ``dwave.samplers`` class ``class_name`` with qanneal's seed range and info."""

    def __init__(self, class_name: str) -> None:
        import dwave.samplers

        self.class_name = class_name
        self.child = getattr(dwave.samplers, class_name)()

    @property
    def parameters(self) -> dict[str, list[str]]:
        """The child's declared parameters and the keyword arguments of its ``sample``
        (dwave-samplers' PIMC takes ``Gamma`` without declaring it)."""
        declared = dict(self.child.parameters)
        signature = inspect.signature(self.child.sample).parameters.values()
        for p in signature:
            if p.kind is p.KEYWORD_ONLY and p.name not in declared:
                declared[p.name] = []
        return {k: v for k, v in declared.items() if k not in _HIDDEN}

    @property
    def properties(self) -> dict[str, Any]:
        return {**self.child.properties, "child": self.class_name}

    def sample(
        self, bqm: dimod.BinaryQuadraticModel, *, seed: int | None = None, **parameters: Any
    ) -> dimod.SampleSet:
        """Sample ``bqm`` with the child sampler; ``parameters`` are the child's."""
        unknown = set(parameters) - set(self.parameters)
        if unknown:
            raise TypeError(
                f"{self.class_name} takes no parameter(s) {', '.join(sorted(unknown))}; "
                f"its parameters: {', '.join(sorted(self.parameters))}"
            )
        seed = draw_seed(seed)
        watch = Stopwatch()
        control = current_control()
        call = dict(parameters)
        if parameters.get("initial_states") is not None:  # dwave-samplers wants int8 states
            states, labels = dimod.as_samples(parameters["initial_states"], dtype=np.int8)
            call["initial_states"] = (states, labels)
        if "interrupt_function" in self.child.parameters:
            call["interrupt_function"] = lambda: control.stop_requested
        result = self.child.sample(bqm, seed=seed, **call)
        child_info = dict(result.info)
        child_timing = child_info.pop("timing", {})
        timing = watch.timing()
        for key in ("preprocessing_ns", "sampling_ns", "postprocessing_ns"):
            if key in child_timing:
                timing[key] = int(child_timing[key])
        timing.setdefault("sampling_ns", timing["total_ns"])
        protocol: dict[str, Any] = {"sampler": f"dwave.samplers.{self.class_name}", "seed": seed}
        protocol.update({k: _jsonable(v) for k, v in parameters.items() if k != "initial_states"})
        for key in ("beta_range", "beta_schedule_type"):
            if key in child_info:
                protocol[key] = _jsonable(child_info[key])
        info = {"timing": timing, "protocol": protocol, "dwave": _jsonable(child_info)}
        return dimod.SampleSet(result.record, result.variables, info, result.vartype)


def _jsonable(value: Any) -> Any:
    """numpy scalars and arrays as plain Python values, containers converted throughout."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value
