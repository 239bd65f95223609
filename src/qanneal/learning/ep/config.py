"""Problem files of ``model.type = "ising-ep"``: schema, validation, and what they build.

An EP file is TOML with three sections (every key optional except ``model.type``)::

    description = "XOR with thermal EP and SA samples"
    [model]
    type = "ising-ep"
    hidden = [4]                # hidden layer sizes of the layered network
    outputs = 1                 # output spins (each gets the label as target)
    clamp = "fixed"             # inputs as fixed spins, or "field" (strong fields)
    clamp_strength = 5.0        # λ of the input fields when clamp = "field"
    cost = "quadratic"          # ½‖s_out − y‖², or "linear" (−y·s_out)
    init_scale = 1.0            # couplings start ~ N(0, init_scale²/fan-in)
    transverse_field = 0.5      # Γ, quantum rule only
    [data]
    source = "xor"              # or "digits" (0-vs-1, 16 pooled ±1 features)
    seed = 0
    test_fraction = 0.2         # digits only (XOR tests on its 4 patterns)
    classes = [0, 1]            # digits only
    [train]
    rule = "nudged"             # "covariance" (no output clamping), "quantum"
    sampler = "sa"              # "exact", "sa", "pimc"
    temperature = 1.0           # T of the thermal rules
    beta = 0.5                  # nudging strength β
    learning_rate = 0.1
    epochs = 50
    batch_size = 16
    num_reads = 32              # samples per phase and pattern
    num_sweeps = 200            # sweeps at fixed temperature per sample
    trotter = 32                # quantum + pimc only: slices
    pimc_beta = 8.0             # quantum + pimc only: inverse temperature
    seed = 0

Validation reuses :mod:`qanneal.spec`'s checker: every failure is one
:class:`~qanneal.errors.ProblemFileError` line naming the file, ``[section] key`` and
the fix; unknown keys get the closest known key suggested.

Example:
    >>> spec = validate_ep({"model": {"type": "ising-ep", "hidden": [3]},
    ...                     "data": {"source": "xor"}}, "x.toml")
    >>> spec["train"]["rule"], spec["train"]["sampler"], spec["model"]["outputs"]
    ('nudged', 'sa', 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qanneal.learning.ep.network import CLAMPS, COSTS, IsingNetwork
from qanneal.learning.ep.thermal import THERMAL_SAMPLERS
from qanneal.learning.ep.training import RULES, TrainSettings
from qanneal.spec import Checker, check_keys

MODEL_TYPE = "ising-ep"
EP_SOURCES = ("xor", "digits")
SCHEMA: dict[str, dict[str, tuple[str, Any]]] = {
    "model": {
        "type": ("str", None),
        "hidden": ("int list", [4]),
        "outputs": ("int", 1),
        "clamp": ("str", "fixed"),
        "clamp_strength": ("float", 5.0),
        "cost": ("str", "quadratic"),
        "init_scale": ("float", 1.0),
        "transverse_field": ("float", None),
    },
    "data": {
        "source": ("str", "xor"),
        "seed": ("int", 0),
        "test_fraction": ("float", None),
        "classes": ("int list", None),
    },
    "train": {
        "rule": ("str", "nudged"),
        "sampler": ("str", "sa"),
        "temperature": ("float", None),
        "beta": ("float", 0.5),
        "learning_rate": ("float", 0.1),
        "epochs": ("int", 50),
        "batch_size": ("int", 16),
        "num_reads": ("int", 32),
        "num_sweeps": ("int", 200),
        "trotter": ("int", None),
        "pimc_beta": ("float", None),
        "seed": ("int", 0),
    },
}
QUANTUM_ONLY = (("model", "transverse_field"), ("train", "trotter"), ("train", "pimc_beta"))


def is_ep_document(document: dict[str, Any]) -> bool:
    """True when a parsed problem file declares ``model.type = "ising-ep"``.

    >>> is_ep_document({"model": {"type": "ising-ep"}}), is_ep_document({"model": {}})
    (True, False)
    """
    model = document.get("model")
    return isinstance(model, dict) and model.get("type") == MODEL_TYPE


def validate_ep(document: dict[str, Any], origin: str) -> dict[str, Any]:
    """Validate a parsed ising-ep file; returns the spec with every default filled in."""
    check = Checker(origin)
    spec: dict[str, Any] = check_keys(document, check, SCHEMA, kind="an ising-ep file")
    spec["description"] = document.get("description", "")
    model, data, train = spec["model"], spec["data"], spec["train"]
    if model["type"] != MODEL_TYPE:
        raise check.fail(f"[model] type = {model['type']!r}", f"must be {MODEL_TYPE!r} here")
    if any(width < 1 for width in model["hidden"]):
        raise check.fail(f"[model] hidden = {model['hidden']}", "widths must be >= 1, e.g. [4]")
    check.choice("model", "clamp", model["clamp"], CLAMPS)
    check.choice("model", "cost", model["cost"], COSTS)
    check.choice("data", "source", data["source"], EP_SOURCES)
    check.choice("train", "rule", train["rule"], RULES)
    samplers = ("exact", "pimc") if train["rule"] == "quantum" else THERMAL_SAMPLERS
    check.choice("train", "sampler", train["sampler"], samplers)
    for key in ("outputs", "clamp_strength", "init_scale"):
        check.positive("model", key, model[key])
    for key in ("beta", "learning_rate", "epochs", "batch_size", "num_reads", "num_sweeps"):
        check.positive("train", key, train[key])
    check.positive("train", "seed", train["seed"], strict=False)
    check.positive("data", "seed", data["seed"], strict=False)
    if train["num_reads"] < 2:
        raise check.fail(f"[train] num_reads = {train['num_reads']}", "must be >= 2 (covariances)")
    _check_rule_keys(spec, check)
    _check_data(data, check)
    return spec


def _check_rule_keys(spec: dict[str, Any], check: Checker) -> None:
    train, model = spec["train"], spec["model"]
    if train["rule"] == "quantum":
        if train["temperature"] is not None:
            raise check.fail(
                "[train] temperature",
                "is for the thermal rules; the quantum rule uses ground states (remove it)",
            )
        model["transverse_field"] = model["transverse_field"] or 0.5
        check.positive("model", "transverse_field", model["transverse_field"])
        if train["sampler"] == "exact":
            for key in ("trotter", "pimc_beta"):
                if train[key] is not None:
                    raise check.fail(f"[train] {key}", "is for sampler = 'pimc'; remove it")
        train["trotter"] = train["trotter"] or 32
        train["pimc_beta"] = train["pimc_beta"] or 8.0
        check.positive("train", "trotter", train["trotter"])
        check.positive("train", "pimc_beta", train["pimc_beta"])
        return
    for section, key in QUANTUM_ONLY:
        if spec[section][key] is not None:
            raise check.fail(
                f"[{section}] {key}", "is for rule = 'quantum'; remove it or set that rule"
            )
    train["temperature"] = 1.0 if train["temperature"] is None else train["temperature"]
    check.positive("train", "temperature", train["temperature"])


def _check_data(data: dict[str, Any], check: Checker) -> None:
    if data["source"] == "xor":
        for key in ("test_fraction", "classes"):
            if data[key] is not None:
                raise check.fail(
                    f"[data] {key}", "is for source 'digits' (XOR has its 4 patterns); remove it"
                )
        return
    data["test_fraction"] = 0.2 if data["test_fraction"] is None else data["test_fraction"]
    if not 0.0 < data["test_fraction"] < 1.0:
        raise check.fail(f"[data] test_fraction = {data['test_fraction']}", "must be in (0, 1)")
    data["classes"] = data["classes"] or [0, 1]
    classes = data["classes"]
    if len(classes) != 2 or len(set(classes)) != 2 or not all(0 <= c <= 9 for c in classes):
        raise check.fail(f"[data] classes = {classes}", "must be two different digits, e.g. [0, 1]")


XOR_INPUTS = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
XOR_LABELS = np.array([-1, 1, 1, -1], dtype=np.int8)


def build_data(
    spec: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(x_train, y_train, x_test, y_test) of the file's data source."""
    data = spec["data"]
    if data["source"] == "xor":
        return XOR_INPUTS, XOR_LABELS, XOR_INPUTS, XOR_LABELS
    from qanneal.models.datasets import digits

    dataset = digits(
        seed=data["seed"], test_fraction=data["test_fraction"], classes=tuple(data["classes"])
    )
    return dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test


def build_network(spec: dict[str, Any], num_inputs: int) -> IsingNetwork:
    """The layered network the file describes, initialised from ``train.seed``."""
    model = spec["model"]
    return IsingNetwork.layered(
        num_inputs,
        model["hidden"],
        model["outputs"],
        seed=spec["train"]["seed"],
        scale=model["init_scale"],
        clamp=model["clamp"],
        clamp_strength=model["clamp_strength"],
        cost=model["cost"],
    )


def build_settings(spec: dict[str, Any], **overrides: Any) -> TrainSettings:
    """TrainSettings from the [train] section (and Γ), with ``overrides`` not None."""
    train = dict(spec["train"])
    quantum = train["rule"] == "quantum"
    values = {
        "rule": train["rule"],
        "sampler": train["sampler"],
        "temperature": 1.0 if quantum else train["temperature"],
        "beta": train["beta"],
        "learning_rate": train["learning_rate"],
        "epochs": train["epochs"],
        "batch_size": train["batch_size"],
        "num_reads": train["num_reads"],
        "num_sweeps": train["num_sweeps"],
        "seed": train["seed"],
    }
    if quantum:
        values["transverse_field"] = spec["model"]["transverse_field"]
        values["trotter"] = train["trotter"]
        values["pimc_beta"] = train["pimc_beta"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return TrainSettings(**values)
