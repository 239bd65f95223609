"""What a D-Wave QPU does to a problem before it anneals it, as pure functions and a dimod
composite, so the offline mock has the hardware's limited precision.

Three effects, applied in this order to the *embedded* (physical) Ising problem:

1. **Auto-scaling** (:func:`auto_scale_factor`). With ``auto_scale`` on (the QPU default)
   every h and J is divided by r = max(max h/h_max, min h/h_min, max J/J_max, min J/J_min)
   (only the positive ratios) so that the problem fills the solver's ``h_range`` and
   ``j_range`` — up or down. Strong chains therefore shrink the problem's own couplings.
   The QPU's auto-scale uses ``j_range``; ``extended_j_range`` (e.g. [−2, 1] on Advantage,
   for strong ferromagnetic chains) applies when the scaling is done before submission with
   auto_scale off, as dwave-system's ``DWaveCliqueSampler`` does: J is scaled into the
   extended range and, where the solver has one, every qubit's summed coupling into
   ``per_qubit_coupling_range``.
2. **Integrated control errors** (:func:`control_errors`). The QPU realises h + δh and
   J + δJ. What is verified: D-Wave's model of them — the problem the QPU solves is
   E = Σ (h_i + δh_i) s_i + Σ (J_ij + δJ_ij) s_i s_j, with errors that depend on the
   neighbourhood and "data representative of D-Wave systems", e.g. (h₁, h₂, J₁₂) = (1, 1, −1)
   realised as (1.01, 0.99, −1.01) (Technical Description of the D-Wave QPU, "Error Sources
   for Problem Representation", https://docs.dwavesys.com/docs/latest/c_qpu_ice.html; the
   same chapter at https://docs.dwavequantum.com/en/latest/quantum_research/errors.html).
   Here δh and δJ are independent Gaussians, one draw per programming (per ``sample``
   call), on every programmed qubit and coupler. The default widths σ_h = 0.05 and
   σ_J = 0.035 (QPU units, J ∈ [−1, 1]) are *not* taken from a published table: they
   are this project's estimate of the order of magnitude (a few percent of the range,
   consistent with the example above). The chapter's tables of measured widths could not
   be read here (the copies of both pages available when this was written end before
   them), so set ``sigma_h`` / ``sigma_j`` to a particular QPU's calibration when it
   matters.
3. **Finite temperature** (:class:`ThermalSampler`). The annealer's output is close to a
   Boltzmann distribution of the programmed problem at an effective inverse temperature
   β = B(s*)/(2 k_B T) fixed at freeze-out. Default β = 6.1: D-Wave's published
   Advantage_system4.1 parameters, B(s* = 0.612) = 3.91 GHz and T = 15.4 mK
   (verified in dwave-system's ``dwave.system.temperatures.freezeout_effective_temperature``,
   whose docstring quotes them as published for that solver on 22 November 2021). The
   sampler is dwave-samplers' simulated annealing with a schedule that anneals to β and
   then holds β for as many sweeps again, so its reads are Boltzmann samples at β.

:class:`HardwareNoiseComposite` applies 1–2 and samples with a child (a
:class:`ThermalSampler` by default); energies are reported for the problem as given, as a
QPU reports them. It is also a valid ``substitute_sampler`` of dwave-system's
``MockDWaveSampler``. Everything is off unless asked for, so exact-precision results keep
their meaning: ``mock-qpu`` applies it with ``[solve.params] hardware_noise = true``
(:func:`emulator_settings` reads and checks those parameters).

Example:
    >>> import dimod
    >>> bqm = dimod.BQM({"a": 0.5}, {("a", "b"): -3.0}, 0.0, "SPIN")
    >>> auto_scale_factor([0.5, 0.0], [-3.0], (-4.0, 4.0), (-1.0, 1.0))
    3.0
    >>> composite = HardwareNoiseComposite(sigma_h=0.0, sigma_j=0.0)
    >>> sampleset = composite.sample(bqm, num_reads=20, seed=5, beta=20.0)
    >>> float(sampleset.first.energy), sampleset.info["hardware_noise"]["scale_divisor"]
    (-3.5, 3.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import dimod
import numpy as np

DEFAULT_SIGMA_H = 0.05  # an order-of-magnitude estimate, not published values (docstring, 2.)
DEFAULT_SIGMA_J = 0.035
ADVANTAGE_FREEZEOUT_B_GHZ = 3.91  # B(s*) at single-qubit freeze-out s* = 0.612
ADVANTAGE_TEMPERATURE_MK = 15.4
ADVANTAGE_RANGES = {
    "h_range": (-4.0, 4.0),
    "j_range": (-1.0, 1.0),
    "extended_j_range": (-2.0, 1.0),
    "per_qubit_coupling_range": (-18.0, 15.0),
}
"""An Advantage system's published ranges (as MockDWaveSampler's Pegasus solver has them)."""


EMULATOR_PARAMETERS = ("hardware_noise", "sigma_h", "sigma_j", "beta", "use_extended_j_range")
"""``mock-qpu``'s ``[solve.params]`` for the emulator (with the QPU's own ``auto_scale``)."""


def emulator_settings(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The emulator's settings from a sampler's parameters (None when ``hardware_noise`` is
    off), with Advantage's defaults; a ValueError names a bad or orphaned value.

    >>> emulator_settings({"hardware_noise": True, "sigma_j": 0.02})["sigma_j"]
    0.02
    >>> emulator_settings({}) is None
    True
    """
    switch = params.get("hardware_noise", False)
    if not isinstance(switch, bool):
        raise ValueError(f"hardware_noise = {switch!r} must be true or false")
    given = [k for k in EMULATOR_PARAMETERS[1:] if k in params]
    if not switch:
        if given:
            raise ValueError(f"{given[0]} applies with hardware_noise = true; set it too")
        return None
    settings = {
        "auto_scale": params.get("auto_scale", True),
        "sigma_h": params.get("sigma_h", DEFAULT_SIGMA_H),
        "sigma_j": params.get("sigma_j", DEFAULT_SIGMA_J),
        "beta": params.get("beta", round(advantage_beta(), 4)),
        "use_extended_j_range": params.get("use_extended_j_range", False),
    }
    for key in ("auto_scale", "use_extended_j_range"):
        if not isinstance(settings[key], bool):
            raise ValueError(f"{key} = {settings[key]!r} must be true or false")
    for key in ("sigma_h", "sigma_j"):
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise ValueError(f"{key} = {value!r} must be a number >= 0 (QPU units)")
    _check_beta(settings["beta"])
    return settings


def emulator(properties: Mapping[str, Any], settings: Mapping[str, Any]) -> HardwareNoiseComposite:
    """The composite a mock QPU with these ranges samples through, for ``settings``."""
    return HardwareNoiseComposite.from_properties(
        properties,
        ThermalSampler(settings["beta"]),
        auto_scale=settings["auto_scale"],
        use_extended_j_range=settings["use_extended_j_range"],
        sigma_h=settings["sigma_h"],
        sigma_j=settings["sigma_j"],
    )


def advantage_beta() -> float:
    """Effective inverse temperature of an Advantage QPU at single-qubit freeze-out,
    1 / (2 k_B T / B(s*)), from D-Wave's published B(s*) and T (≈ 6.1)."""
    from dwave.system.temperatures import freezeout_effective_temperature

    return 1.0 / freezeout_effective_temperature(
        ADVANTAGE_FREEZEOUT_B_GHZ, ADVANTAGE_TEMPERATURE_MK
    )


def auto_scale_factor(
    linear: Sequence[float] | np.ndarray,
    quadratic: Sequence[float] | np.ndarray,
    h_range: Sequence[float],
    j_range: Sequence[float],
) -> float:
    """The divisor r of the QPU's auto-scale: the largest of max h/h_max, min h/h_min,
    max J/J_max, min J/J_min that is positive (1 for an empty problem).

    >>> auto_scale_factor([0.1], [-0.2], (-4, 4), (-1, 1))  # small problems are scaled up
    0.2
    """
    ratios = [0.0]
    for values, (low, high) in ((linear, h_range), (quadratic, j_range)):
        array = np.asarray(values, dtype=np.float64)
        if array.size:
            ratios += [array.max() / high, array.min() / low]
    largest = max(ratios)
    return float(largest) if largest > 0 else 1.0


def _vectors(bqm: dimod.BQM) -> tuple[list[Any], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    order = list(bqm.variables)
    vectors: Any = bqm.to_numpy_vectors(variable_order=order)
    linear, (rows, cols, quadratic), _ = vectors
    return order, np.asarray(linear, float), rows, cols, np.asarray(quadratic, float)


def coupling_scale_factor(bqm: dimod.BQM, per_qubit_coupling_range: Sequence[float]) -> float:
    """The divisor (≥ 1) that brings every qubit's summed coupling Σ_j J_ij into
    ``per_qubit_coupling_range`` (1 when it already is)."""
    order, _, rows, cols, quadratic = _vectors(bqm)
    totals = np.zeros(len(order))
    np.add.at(totals, rows, quadratic)
    np.add.at(totals, cols, quadratic)
    low, high = per_qubit_coupling_range
    return float(max(1.0, totals.max(initial=0.0) / high, totals.min(initial=0.0) / low))


def scale_into_ranges(
    bqm: dimod.BQM,
    h_range: Sequence[float],
    j_range: Sequence[float],
    per_qubit_coupling_range: Sequence[float] | None = None,
) -> tuple[dimod.BQM, float]:
    """(the SPIN problem divided by r, r): auto-scaling into the ranges (see the module)."""
    spin = bqm.spin.copy() if bqm.vartype is dimod.BINARY else bqm.copy()
    _, linear, _, _, quadratic = _vectors(spin)
    divisor = auto_scale_factor(linear, quadratic, h_range, j_range)
    if per_qubit_coupling_range is not None:
        scaled = spin.copy()
        scaled.scale(1.0 / divisor)
        divisor *= coupling_scale_factor(scaled, per_qubit_coupling_range)
    spin.scale(1.0 / divisor)
    return spin, divisor


def control_errors(
    bqm: dimod.BQM, sigma_h: float, sigma_j: float, rng: np.random.Generator
) -> dimod.BQM:
    """A SPIN copy with independent Gaussian errors N(0, σ_h²) on every h and N(0, σ_J²)
    on every J (integrated control errors; the offset is unchanged)."""
    spin = bqm.spin if bqm.vartype is dimod.BINARY else bqm
    order, linear, rows, cols, quadratic = _vectors(spin)
    linear = linear + rng.normal(0.0, sigma_h, linear.shape) if sigma_h > 0 else linear
    quadratic = quadratic + rng.normal(0.0, sigma_j, quadratic.shape) if sigma_j > 0 else quadratic
    return dimod.BQM.from_numpy_vectors(
        linear, (rows, cols, quadratic), float(spin.offset), dimod.SPIN, variable_order=order
    )


def freeze_out_schedule(bqm: dimod.BQM, beta: float, num_sweeps: int) -> np.ndarray:
    """β per sweep: geometric from a hot β (the largest single flip, ΔE_max, accepted with
    probability ½: ln 2/ΔE_max) up to ``beta`` over the first half of the sweeps, then
    ``beta`` held for the second half, so that the final state is a Boltzmann sample at β."""
    _, linear, rows, cols, quadratic = _vectors(bqm.spin)
    field = np.abs(linear)
    np.add.at(field, rows, np.abs(quadratic))
    np.add.at(field, cols, np.abs(quadratic))
    largest_flip = 2.0 * float(field.max(initial=0.0))
    hot = min(beta, math.log(2.0) / largest_flip) if largest_flip > 0 else beta
    ramp = max(1, num_sweeps // 2)
    held = max(1, num_sweeps - ramp)
    return np.concatenate([np.geomspace(hot, beta, ramp), np.full(held, float(beta))])


def _check_beta(beta: float) -> None:
    if isinstance(beta, bool) or not isinstance(beta, int | float) or not beta > 0:
        raise ValueError(f"beta = {beta!r} must be a number > 0 (an inverse temperature)")


class ThermalSampler(dimod.Sampler):
    """Boltzmann samples at inverse temperature ``beta`` (see :func:`freeze_out_schedule`)."""

    parameters: ClassVar[dict[str, list[str]]] = {
        "beta": [],
        "num_reads": [],
        "num_sweeps": [],
        "seed": [],
    }
    properties: ClassVar[dict[str, Any]] = {
        "description": "dwave-samplers SA annealed to and held at β"
    }

    def __init__(self, beta: float | None = None) -> None:
        self.beta = advantage_beta() if beta is None else float(beta)
        _check_beta(self.beta)

    def sample(
        self,
        bqm: dimod.BQM,
        *,
        beta: float | None = None,
        num_reads: int = 1,
        num_sweeps: int = 1000,
        seed: int | None = None,
    ) -> dimod.SampleSet:
        """``num_reads`` independent reads, each annealed over ``num_sweeps`` sweeps."""
        from dwave.samplers import SimulatedAnnealingSampler

        beta = self.beta if beta is None else beta
        _check_beta(beta)
        schedule = freeze_out_schedule(bqm, beta, num_sweeps)
        sampleset = SimulatedAnnealingSampler().sample(
            bqm,
            num_reads=num_reads,
            beta_schedule_type="custom",
            beta_schedule=schedule,
            seed=seed,
        )
        sampleset.info["beta"] = float(beta)
        return sampleset


class HardwareNoiseComposite(dimod.ComposedSampler):
    """Auto-scaling and integrated control errors applied to a problem before ``child``
    samples it (default child: :class:`ThermalSampler` at the Advantage β).

    Args:
        child: a dimod sampler of the noisy SPIN problem.
        h_range, j_range, extended_j_range, per_qubit_coupling_range: the solver's ranges
            (:meth:`from_properties` reads them from a solver's properties).
        auto_scale: divide by the auto-scale factor first (as the QPU does by default).
        use_extended_j_range: scale J into ``extended_j_range`` and the per-qubit coupling
            sums into ``per_qubit_coupling_range`` instead of J into ``j_range``.
        sigma_h, sigma_j: widths of the Gaussian control errors, QPU units.
    """

    def __init__(
        self,
        child: dimod.Sampler | None = None,
        *,
        h_range: Sequence[float] = ADVANTAGE_RANGES["h_range"],
        j_range: Sequence[float] = ADVANTAGE_RANGES["j_range"],
        extended_j_range: Sequence[float] | None = ADVANTAGE_RANGES["extended_j_range"],
        per_qubit_coupling_range: Sequence[float] | None = None,
        auto_scale: bool = True,
        use_extended_j_range: bool = False,
        sigma_h: float = DEFAULT_SIGMA_H,
        sigma_j: float = DEFAULT_SIGMA_J,
    ) -> None:
        for name, value in (("sigma_h", sigma_h), ("sigma_j", sigma_j)):
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} = {value!r} must be a finite number >= 0")
        if use_extended_j_range and extended_j_range is None:
            raise ValueError("use_extended_j_range needs the solver's extended_j_range")
        self._child = child if child is not None else ThermalSampler()
        self.h_range = tuple(h_range)
        chosen = extended_j_range if use_extended_j_range and extended_j_range else j_range
        self.j_range = tuple(chosen)
        self.coupling_range = per_qubit_coupling_range if use_extended_j_range else None
        self.auto_scale = auto_scale
        self.use_extended_j_range = use_extended_j_range
        self.sigma_h, self.sigma_j = float(sigma_h), float(sigma_j)

    @classmethod
    def from_properties(
        cls, properties: Mapping[str, Any], child: dimod.Sampler | None = None, **options: Any
    ) -> HardwareNoiseComposite:
        """The composite with a solver's own ranges (e.g. ``MockDWaveSampler().properties``)."""
        ranges = {
            key: properties[key]
            for key in ("h_range", "j_range", "extended_j_range", "per_qubit_coupling_range")
            if key in properties
        }
        ranges.setdefault("extended_j_range", None)
        return cls(child, **ranges, **options)

    @property
    def children(self) -> list[dimod.Sampler]:
        return [self._child]

    @property
    def parameters(self) -> dict[str, list[str]]:
        return {**self._child.parameters, "seed": []}

    @property
    def properties(self) -> dict[str, Any]:
        return {"child_properties": dict(self._child.properties)}

    def sample(self, bqm: dimod.BQM, *, seed: int | None = None, **params: Any) -> dimod.SampleSet:
        """Scale, perturb and sample ``bqm``; energies are those of ``bqm`` itself.
        ``info["hardware_noise"]`` records the divisor, the σ's and the seed."""
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        noise_stream, child_stream = np.random.SeedSequence(seed).spawn(2)
        divisor = 1.0
        programmed = bqm.spin.copy() if bqm.vartype is dimod.BINARY else bqm.copy()
        if self.auto_scale:
            programmed, divisor = scale_into_ranges(
                programmed, self.h_range, self.j_range, self.coupling_range
            )
        noisy = control_errors(
            programmed, self.sigma_h, self.sigma_j, np.random.default_rng(noise_stream)
        )
        if "seed" in self._child.parameters:
            params["seed"] = int(child_stream.generate_state(1)[0] % 2**31)
        answer = self._child.sample(noisy, **params)
        samples = answer.record.sample
        if bqm.vartype is dimod.BINARY:
            samples = (samples + 1) // 2
        result = dimod.SampleSet.from_samples_bqm((samples, list(answer.variables)), bqm)
        result.info.update(answer.info)
        result.info["hardware_noise"] = {
            "auto_scale": self.auto_scale,
            "scale_divisor": divisor,
            "j_range": list(self.j_range),
            "sigma_h": self.sigma_h,
            "sigma_j": self.sigma_j,
            "seed": seed,
        }
        return result
