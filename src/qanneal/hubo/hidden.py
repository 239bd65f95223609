"""A BiNN as a spin polynomial with auxiliary hidden-unit spins (``formulation = "hidden"``).

For a network with one hidden layer, every training sample μ and hidden unit j get an
auxiliary spin h[j,μ] that must equal the unit's activation, and every sample's output
must be right. Both are integer inequalities, written as squared equalities with
bounded-binary slack integers (as in :mod:`qanneal.hubo.slack`):

* hidden unit: a = Σ_i W[j,i] x_i (+ b[j]) is an integer of the fan-in's parity; with
  a' = a for an odd fan-in and a' = 2a + 1 for an even one (so that a tie a = 0 asks for
  h = +1, the network's rule sign(0) = +1), h·a' ≥ 1 ⇔ h = sign(a). Penalty
  (h·a' − 1 − 2u)², u ∈ [0, (max|a'| − 1)/2].
* output: y·(Σ_j V[j] h[j,μ] (+ c)) ≥ κ' with κ' from :func:`slack_parameters` (a tie
  is an error). Penalty (y·o − κ' − 2v)².

With ``model.choices`` ``"dropout"`` / ``"width"`` the output is Σ_j V[j]·g_j·h[j,μ] (+ c)
with 0/1 gates g_j = Π (1 + bit)/2 of the mask and width spins (see
:class:`~qanneal.models.BinaryNeuralNetwork`), so a removed unit drops out of the sum.
Its parity then varies with the gates, so the output slack counts in steps of one:
(y·o − κ − v)², v ∈ [0, fan_in − κ], κ = max(1, ⌈margin⌉); the gate products raise the
degree to at most 8. (``"activation"`` is refused: the zero-error condition does not
depend on it except at ties; use ``walsh``.)

Slack bits are spins too: bit = (1 + z)/2. Because h² = 1, the hidden penalty has
degree 3 (h·W·z) and the output penalty degree 4 (V_j h_j V_k h_k). Every penalty is
≥ 0, so the polynomial's minimum is 0 exactly for networks with zero training errors,
whose hidden spins are their activations.

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryNeuralNetwork
    >>> x, y = np.array([[1.0, -1, 1]]), np.array([1])
    >>> net = BinaryNeuralNetwork(3, x, y, hidden=[1], bias=False)
    >>> poly = hidden_polynomial(net).polynomial
    >>> poly.degree, len(poly.variables)
    (3, 6)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import dimod
import numpy as np

from qanneal.errors import FormulationError
from qanneal.hubo.slack import bounded_code, slack_parameters
from qanneal.models import BinaryNeuralNetwork

Term = frozenset[Hashable]


def _add_square(
    terms: dict[Term, float], linear: list[tuple[Term, float]], constant: float
) -> None:
    """terms += (Σ_p g_p m_p + constant)² for spin monomials m_p (m² = 1)."""
    for a, (mono_a, coef_a) in enumerate(linear):
        terms[frozenset()] += coef_a * coef_a
        terms[mono_a] += 2.0 * constant * coef_a
        for mono_b, coef_b in linear[a + 1 :]:
            terms[mono_a ^ mono_b] += 2.0 * coef_a * coef_b
    terms[frozenset()] += constant * constant


def _slack_monomials(
    label: str, coefficients: np.ndarray
) -> tuple[list[tuple[Term, float]], float, list[str]]:
    """−2u = −Σ_k c_k (1 + z_k) as monomials, a constant, and the slack spin labels."""
    labels = [f"{label},{k}]" for k in range(len(coefficients))]
    monomials: list[tuple[Term, float]] = [
        (frozenset({name}), -float(c)) for name, c in zip(labels, coefficients, strict=True)
    ]
    return monomials, -float(coefficients.sum()), labels


def _gate_monomials(model: BinaryNeuralNetwork) -> list[list[tuple[Term, float]]] | None:
    """Per last-layer unit, its 0/1 gate as spin monomials: Π_b (1 + z_b)/2 expanded."""
    if "dropout" not in model.choices and "width" not in model.choices:
        return None
    width = model.hidden[-1]
    result = []
    for j in range(width):
        bits = [f"mask[{j}]"] if "dropout" in model.choices else []
        if "width" in model.choices and j == width - 1:
            bits.append("width")
        monomials: list[tuple[Term, float]] = [(frozenset(), 1.0)]
        for bit in bits:
            monomials = [
                (term | extra, coef / 2)
                for term, coef in monomials
                for extra in (frozenset(), frozenset({bit}))
            ]
        result.append(monomials)
    return result


@dataclass(frozen=True)
class HiddenPolynomial:
    """The polynomial and the labels needed to read its samples."""

    polynomial: dimod.BinaryPolynomial
    weight_labels: list[str]
    hidden_labels: list[str]
    slack_labels: list[str]

    def decode(self, sample: Mapping[Hashable, int]) -> np.ndarray:
        """±1 weights (model variable order) of a spin sample."""
        return np.array([sample[name] for name in self.weight_labels], dtype=np.int8)


def hidden_polynomial(model: BinaryNeuralNetwork) -> HiddenPolynomial:
    """Build the hidden-unit polynomial of a one-hidden-layer BiNN on ±1 inputs."""
    if not isinstance(model, BinaryNeuralNetwork) or len(model.hidden) != 1:
        raise FormulationError(
            "formulation 'hidden' needs model.type = 'binn' with one hidden layer "
            "(model.hidden = [H]); use formulation 'native' otherwise"
        )
    if model.loss not in ("errors", "hinge"):
        raise FormulationError(
            f"formulation 'hidden' encodes zero training errors (loss.type 'errors' or "
            f"'hinge'), not {model.loss!r}; use formulation 'native' for that loss"
        )
    if not np.isin(model.patterns, (-1.0, 1.0)).all():
        raise FormulationError(
            "formulation 'hidden' needs ±1 inputs (integer pre-activations); "
            "use formulation 'native' or binarised data"
        )
    if "activation" in model.choices:
        raise FormulationError(
            "formulation 'hidden' encodes zero training errors, which the output activation "
            "choice does not change; drop 'activation' from model.choices or use 'walsh'"
        )
    width, fan_in = model.hidden[0], model.num_inputs + int(model.bias)
    odd = fan_in % 2 == 1
    hidden_range = fan_in if odd else 2 * fan_in + 1
    hidden_coefficients = slack_parameters(hidden_range, 0.0)[2]
    out_fan_in = width + int(model.bias)
    margin = model.margin if model.loss == "hinge" else 0.0
    gates = _gate_monomials(model)
    if gates is None:
        kappa, _, out_coefficients = slack_parameters(out_fan_in, margin)
        step = 2.0
    else:  # parity varies with the gates: slack in steps of one
        kappa = max(1, math.ceil(margin))
        if kappa > out_fan_in:
            raise FormulationError(
                f"loss.margin = {margin} cannot be met by {out_fan_in} ±1 terms; "
                f"use a margin of at most {out_fan_in}"
            )
        out_coefficients = bounded_code(out_fan_in - kappa)
        step = 1.0
    names = model.variables
    terms: dict[Term, float] = defaultdict(float)
    hidden_labels, slack_labels = [], []
    scale, shift = (1.0, 0.0) if odd else (2.0, 1.0)
    for mu, (x, y) in enumerate(zip(model.patterns, model.labels, strict=True)):
        for j in range(width):
            h = f"h[{j},{mu}]"
            hidden_labels.append(h)
            linear: list[tuple[Term, float]] = [
                (frozenset({h, f"W1[{j},{i}]"}), scale * x[i]) for i in range(model.num_inputs)
            ]
            if model.bias:
                linear.append((frozenset({h, f"b1[{j}]"}), scale))
            if shift:
                linear.append((frozenset({h}), shift))
            slack, constant, labels = _slack_monomials(f"uh[{j},{mu}", hidden_coefficients)
            slack_labels += labels
            _add_square(terms, linear + slack, constant - 1.0)
        linear = []
        for j in range(width):
            unit: Term = frozenset({f"V[{j}]", f"h[{j},{mu}]"})
            for gate, coef in gates[j] if gates is not None else [(frozenset(), 1.0)]:
                linear.append((unit | gate, float(y) * coef))
        if model.bias:
            linear.append((frozenset({"c"}), float(y)))
        slack, constant, labels = _slack_monomials(f"uo[{mu}", out_coefficients * (step / 2))
        slack_labels += labels
        _add_square(terms, linear + slack, constant - kappa)
    kept = {term: bias for term, bias in terms.items() if bias != 0.0}
    polynomial = dimod.BinaryPolynomial(kept, dimod.SPIN)
    return HiddenPolynomial(polynomial, names, hidden_labels, slack_labels)
