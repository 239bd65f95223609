"""A learning problem read from a problem file: model + data + loss + formulation.

:func:`load_problem` reads and validates the TOML file (see :mod:`qanneal.spec`),
refuses what would not fit in memory *before* allocating, draws the data and builds
the model. The formulation's energy is built lazily (:meth:`Problem.bqm`).

Example:
    >>> problem = problem_from_dict({
    ...     "model": {"type": "perceptron", "inputs": 11},
    ...     "data": {"source": "teacher", "alpha": 1.0, "seed": 3}})
    >>> problem.model.num_patterns, problem.num_variables, problem.formulation
    (11, 11, 'native')
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dimod
import numpy as np

from qanneal import _memory
from qanneal.errors import FormulationError, ProblemFileError, ResourceError
from qanneal.hubo import POLYNOMIAL_FORMULATIONS, expand
from qanneal.hubo.hybrid import HybridFormulations
from qanneal.hubo.slack import BYTES_PER_INTERACTION, SlackQubo, build_slack_qubo, slack_size
from qanneal.models import BinaryModel, BinaryNeuralNetwork, BinaryPerceptron, datasets
from qanneal.spec import CHOICE_FORMULATIONS, validate


def _build_model(spec: dict[str, Any], inputs: int, data: datasets.Dataset | None) -> BinaryModel:
    model, loss = spec["model"], spec["loss"]
    x = None if data is None else data.x_train
    y = None if data is None else data.y_train
    common = {
        "bias": model["bias"],
        "loss": loss["type"],
        "margin": loss["margin"],
        "choices": model["choices"] or (),
    }
    if model["type"] == "perceptron":
        return BinaryPerceptron(inputs, x, y, **common)
    return BinaryNeuralNetwork(inputs, x, y, hidden=model["hidden"], **common)


def _draw_data(spec: dict[str, Any], base: Path, origin: str) -> datasets.Dataset:
    data, inputs = spec["data"], spec["model"]["inputs"]
    seed, fraction, source = data["seed"], data["test_fraction"], data["source"]
    if source == "random":
        return datasets.random_patterns(inputs, data["patterns"], seed=seed, test_fraction=fraction)
    if source == "teacher":  # a plain network: the choice variables are the student's
        plain = {**spec, "model": {**spec["model"], "choices": None}}
        teacher = _build_model(plain, inputs, None)
        return datasets.teacher_patterns(
            inputs,
            data["patterns"],
            teacher.predict,
            teacher.num_variables,
            seed=seed,
            test_fraction=fraction,
        )
    if source == "synthetic2d":
        total = data["patterns"] + datasets.held_out_count(data["patterns"], fraction)
        return datasets.synthetic2d(
            total, seed=seed, test_fraction=fraction, separation=data["separation"]
        )
    if source == "digits":
        return datasets.digits(seed=seed, features=data["features"], test_fraction=fraction)
    path = base / data["path"]
    return datasets.from_file(
        path,
        seed=seed,
        test_fraction=fraction,
        label_column=data["label_column"],
        display_path=f"{origin}: [data] path {data['path']!r}",
    )


def memory_estimate(spec: Mapping[str, Any]) -> int:
    """Bytes the problem needs (data, model caches, formulation), from the spec alone."""
    model, data = spec["model"], spec["data"]
    inputs = model["inputs"] or 1
    patterns = data["patterns"] or 1
    total_patterns = patterns + datasets.held_out_count(patterns, data["test_fraction"])
    units = sum(model["hidden"] or []) + 1
    native = 8 * total_patterns * (2 * inputs + 4 * units)
    if spec["formulation"]["type"] != "slack" or model["type"] != "perceptron":
        return native
    margin = spec["loss"]["margin"] if spec["loss"]["type"] == "hinge" else 0.0
    _, interactions = slack_size(inputs, patterns, bias=model["bias"], margin=margin)
    return native + BYTES_PER_INTERACTION * interactions


class Problem(HybridFormulations):
    """A validated problem: ``model`` (with its training data), ``data``, ``formulation``."""

    def __init__(self, spec: dict[str, Any], *, text: str = "", path: Path | None = None) -> None:
        self.spec = spec
        self.text = text
        self.path = path
        self.name = path.stem if path is not None else "problem"
        origin = str(path) if path is not None else "<problem>"
        try:
            needed, have = memory_estimate(spec), _memory.available_memory()
        except FormulationError as error:
            raise FormulationError(f"{origin}: {error}") from None
        if needed > have:
            raise ResourceError(
                f"{origin}: this problem needs about {needed / 2**30:.1f} GiB but "
                f"{have / 2**30:.1f} GiB is available; lower data.alpha / data.patterns "
                "or model.inputs, or use formulation 'native'"
            )
        self.formulation: str = spec["formulation"]["type"]
        if spec["model"]["choices"] and self.formulation not in CHOICE_FORMULATIONS:
            raise FormulationError(
                f"{origin}: formulation {self.formulation!r} cannot encode model.choices; "
                f"use formulation {' or '.join(repr(f) for f in CHOICE_FORMULATIONS)}"
            )
        base = path.parent if path is not None else Path.cwd()
        self.data = _draw_data(spec, base, origin)
        if spec["model"]["inputs"] is None:
            spec["model"]["inputs"] = self.data.num_inputs
        elif spec["model"]["inputs"] != self.data.num_inputs:
            raise ProblemFileError(
                f"{origin}: [model] inputs = {spec['model']['inputs']} but the data has "
                f"{self.data.num_inputs} features; set model.inputs = {self.data.num_inputs}"
            )
        self.model = _build_model(spec, self.data.num_inputs, self.data)
        if self.kind != "native":
            try:  # build now, so that a formulation that cannot work fails before sampling
                self._build()
            except (FormulationError, ResourceError) as error:
                raise type(error)(f"{origin}: {error}") from None

    @property
    def hash(self) -> str:
        """sha256 of the problem file text (or of the spec for in-memory problems)."""
        return hashlib.sha256((self.text or repr(self.spec)).encode()).hexdigest()

    @cached_property
    def slack(self) -> SlackQubo:
        if not isinstance(self.model, BinaryPerceptron):
            raise FormulationError("formulation 'slack' needs model.type = 'perceptron'")
        return build_slack_qubo(self.model)

    @property
    def model_type(self) -> str:
        """The model type samplers of native energies are matched on: 'perceptron',
        'binn', or with ``model.choices`` 'augmented perceptron' / 'augmented binn'."""
        kind = self.spec["model"]["type"]
        return f"augmented {kind}" if self.spec["model"]["choices"] else kind

    @property
    def kind(self) -> str:
        """What samplers must accept: 'native' (a model), 'bqm', 'polynomial', 'cqm' (a
        dimod ConstrainedQuadraticModel) or 'nl' (a dwave-optimization model)."""
        if self.formulation in ("native", "cqm", "nl"):
            return self.formulation
        return "bqm" if self.formulation == "slack" else "polynomial"

    def _build(self) -> Any:
        builders = {
            "bqm": lambda: self.slack,
            "polynomial": self.polynomial,
            "cqm": lambda: self.constrained,
            "nl": lambda: self.nonlinear,
        }
        return builders[self.kind]()

    @property
    def num_variables(self) -> int:
        """Variables of the formulation (weights, plus slack bits or auxiliary spins)."""
        if self.kind == "native":
            return self.model.num_variables
        if self.kind == "bqm":
            return self.bqm().num_variables
        if self.kind in ("cqm", "nl"):  # cqm: weights + hidden-unit auxiliaries
            return len(self.cqm().variables) if self.kind == "cqm" else len(self.model.variables)
        return len(self.polynomial().variables)

    @cached_property
    def _polynomial(self) -> dimod.BinaryPolynomial:
        return expand(
            self.model, self.formulation, max_degree=self.spec["formulation"]["max_degree"]
        )

    def polynomial(self) -> dimod.BinaryPolynomial:
        """The HUBO (SPIN) of a polynomial formulation: walsh, symmetric or hidden."""
        if self.kind != "polynomial":
            raise FormulationError(
                f"formulation {self.formulation!r} is not a polynomial; "
                f"use one of {', '.join(POLYNOMIAL_FORMULATIONS)}"
            )
        return self._polynomial

    @cached_property
    def reduction(self) -> tuple[dimod.BinaryQuadraticModel, Any]:
        """(BQM, reduction info) of the polynomial, by ``formulation.reduction``."""
        from qanneal.reduce import to_bqm

        return to_bqm(self.polynomial(), method=self.spec["formulation"]["reduction"] or "auto")

    def bqm(self) -> dimod.BinaryQuadraticModel:
        """The QUBO/BQM: the slack QUBO, the reduced polynomial or the CQM's penalty form."""
        if self.kind in ("native", "nl"):
            raise FormulationError(
                f"formulation {self.formulation!r} has no BQM; use formulation 'slack', "
                "'cqm' or a polynomial one"
            )
        if self.kind == "cqm":
            return self.cqm_penalty
        return self.slack.bqm if self.kind == "bqm" else self.reduction[0]

    def target(self, kind: str) -> Any:
        """What a sampler given ``kind`` samples: the model ('native'), the BQM ('bqm',
        reduced if polynomial), the polynomial, the CQM ('cqm') or the NL model ('nl')."""
        if kind == "native":
            return self.model
        if kind in ("cqm", "nl"):
            return self.cqm() if kind == "cqm" else self.nl_model()
        return self.bqm() if kind == "bqm" else self.polynomial()

    def decode(self, sample: Mapping[Any, int]) -> np.ndarray:
        """±1 weights (int8, model variable order) of one sample of the formulation (for a
        polynomial: a sample over its own variables, or of its reduction). A weight the
        polynomial does not contain does not change the loss; it is decoded as +1.

        Any Ocean sampler's samples will do, e.g. dimod's exact solver on a slack QUBO
        (its slack bits are dropped):

        >>> import dimod
        >>> problem = problem_from_dict({
        ...     "model": {"type": "perceptron", "inputs": 3},
        ...     "data": {"source": "teacher", "patterns": 3, "seed": 1},
        ...     "formulation": {"type": "slack"}})
        >>> ground = dimod.ExactSolver().sample(problem.bqm()).first
        >>> weights = problem.decode(ground.sample)
        >>> weights.tolist(), float(ground.energy), problem.errors(weights)
        ([-1, 1, 1], 0.0, 0)
        """
        if self.formulation == "slack":
            return self.slack.decode(sample)
        if self.kind == "cqm":  # 0/1 variables standing for w = 2x − 1
            return np.array([2 * int(sample[v]) - 1 for v in self.model.variables], dtype=np.int8)
        if self.kind == "nl":  # variable k of an NL sample set is weight k (0/1 for ±1)
            return np.array([2 * int(sample[k]) - 1 for k in range(len(sample))], dtype=np.int8)
        if self.kind == "polynomial":
            return np.array([sample.get(v, 1) for v in self.model.variables], dtype=np.int8)
        return self.model.weights_from_sample(sample)

    def weights_of(self, samples: np.ndarray, labels: Sequence[Any], vartype: Any) -> np.ndarray:
        """(reads, n) ±1 weights in model order from raw samples over ``labels``."""
        names = self.slack.weight_labels if self.formulation == "slack" else self.model.variables
        where = {label: k for k, label in enumerate(labels)}
        values = np.ones((len(samples), len(names)), dtype=np.int8)
        for column, name in enumerate(names):
            if name in where:  # absent from a polynomial: does not change the loss
                values[:, column] = samples[:, where[name]]
        if vartype is dimod.BINARY:
            values = np.where(values > 0, 1, -1).astype(np.int8)
        return values

    def readout(
        self, sampleset: dimod.SampleSet, target: str
    ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """(weights, energies, extra record fields) of a sample set the sampler returned
        for ``target`` ('native', 'bqm' or 'polynomial'). Samples of a reduced polynomial
        are decoded to the polynomial's variables and scored with the polynomial."""
        samples, labels = sampleset.record.sample, list(sampleset.variables)
        if self.kind == "cqm":  # per-constraint feasibility; a CQM read's energy is its violation
            binary = (samples + 1) // 2 if sampleset.vartype is dimod.SPIN else samples
            energies = sampleset.record.energy if target == "bqm" else None
            return self.constrained.readout(binary, labels, energies)
        if self.kind == "nl":  # column k of an NL sample set is weight k; energy: objective
            order = [labels.index(k) for k in range(len(self.model.variables))]
            bits = np.asarray(samples)[:, order]
            return (2 * bits - 1).astype(np.int8), sampleset.record.energy, {}
        if self.kind == "polynomial" and target == "bqm":
            bqm, info = self.reduction
            decoded = info.decode(sampleset)
            samples, labels = decoded.record.sample, list(decoded.variables)
            energies = np.asarray(self.polynomial().energies((samples, labels)), dtype=np.float64)
            weights = self.weights_of(samples, labels, decoded.vartype)
            violated = (
                decoded.record["violated"] if "violated" in decoded.record.dtype.names else None
            )
            extra = {
                "reduction": {
                    "method": info.method,
                    "auxiliaries": len(info.auxiliaries),
                    "bqm_variables": bqm.num_variables,
                    "violated_share": None if violated is None else float(np.mean(violated)),
                }
            }
            return weights, energies, extra
        weights = self.weights_of(samples, labels, sampleset.vartype)
        return weights, sampleset.record.energy, {}

    def errors(self, weights: np.ndarray) -> int:
        """Training patterns that ±1 ``weights`` (model order, e.g. from :meth:`decode`)
        get wrong; a tie (stability 0) counts as an error.

        >>> problem = problem_from_dict({
        ...     "model": {"type": "perceptron", "inputs": 3},
        ...     "data": {"source": "teacher", "patterns": 3, "seed": 1}})
        >>> problem.errors(np.array([-1, 1, 1])), problem.errors(np.array([1, -1, -1]))
        (0, 3)
        """
        return int(self.model.errors(weights))

    def accuracy(self, weights: np.ndarray, split: str = "train") -> float | None:
        """Accuracy on 'train' or 'test' (None when there is no test data)."""
        if split == "train":
            return float(self.model.accuracy(weights))
        if split != "test":
            raise ValueError(f"split must be 'train' or 'test', not {split!r}")
        if self.data.x_test is None or len(self.data.x_test) == 0:
            return None
        return float(self.model.accuracy(weights, self.data.x_test, self.data.y_test))


def problem_from_dict(
    document: dict[str, Any], *, text: str = "", path: Path | None = None
) -> Problem:
    """Validate a problem given as a dict (as parsed from TOML) and build it."""
    spec = validate(document, str(path) if path is not None else "<problem>")
    return Problem(spec, text=text, path=path)


def loss_polynomial(path: str | os.PathLike[str]) -> dimod.BinaryPolynomial:
    """The polynomial behind a file: a HUBO JSON as saved, or a problem file's loss —
    its own polynomial formulation, else the exact Walsh expansion of its model."""
    if Path(path).suffix.lower() == ".json":
        from qanneal.hubo.io import load_polynomial

        return load_polynomial(path)[0]
    problem = load_problem(path)
    if problem.kind == "polynomial":
        return problem.polynomial()
    return expand(problem.model, "walsh")


def read_problem_document(
    path: Path, *, missing_hint: str = "`qanneal problems` lists ours"
) -> tuple[dict[str, Any], str]:
    """(parsed TOML, text) of a problem file; one-line ProblemFileErrors for a missing,
    unreadable or malformed file (``missing_hint`` says where to look instead)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProblemFileError(f"{path}: no such problem file; {missing_hint}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemFileError(f"{path}: cannot read it ({error})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise ProblemFileError(f"{path}: not valid TOML: {error}") from None


def load_problem(path: str | os.PathLike[str]) -> Problem:
    """Read, validate and build the problem file at ``path``."""
    path = Path(path)
    document, text = read_problem_document(path)
    return problem_from_dict(document, text=text, path=path)
