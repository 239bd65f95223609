"""The problem-file schema: every key, its type, its default, and the checks that
turn a TOML document into a validated, defaults-filled spec (a plain dict).

Every failure raises :class:`~qanneal.errors.ProblemFileError` with one line naming
the file, the ``[section] key`` and what to write instead; unknown keys get the
closest known key suggested.

Example:
    >>> spec = validate({"model": {"type": "perceptron", "inputs": 11},
    ...                  "data": {"source": "random", "alpha": 0.5}}, "p.toml")
    >>> spec["data"]["patterns"], spec["solve"]["sampler"], spec["formulation"]["type"]
    (6, 'sa', 'native')
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable
from typing import Any

from qanneal.errors import ProblemFileError
from qanneal.models.losses import LOSSES

MODELS = ("perceptron", "binn")
CHOICES = {"perceptron": ("activation",), "binn": ("activation", "dropout", "width")}
"""Augmented choice variables (``model.choices``) each model type supports."""
CHOICE_FORMULATIONS = ("native", "walsh", "hidden")
"""Formulations that encode choice variables ('hidden': dropout and width only)."""
SOURCES = ("random", "teacher", "synthetic2d", "digits", "file")
FORMULATIONS = ("native", "slack", "walsh", "symmetric", "hidden", "cqm", "nl")
REDUCTIONS = ("auto", "rosenberg", "freedman", "ishikawa", "dimod")
DIGIT_FEATURES = ("pool", "pca")

# key -> (type name, default); None default = optional with no value
SCHEMA: dict[str, dict[str, tuple[str, Any]]] = {
    "model": {
        "type": ("str", None),
        "inputs": ("int", None),
        "bias": ("bool", None),
        "hidden": ("int list", None),
        "choices": ("str list", None),
    },
    "data": {
        "source": ("str", None),
        "alpha": ("float", None),
        "patterns": ("int", None),
        "seed": ("int", 0),
        "test_fraction": ("float", None),
        "path": ("str", None),
        "label_column": ("int or str", None),
        "features": ("str", "pool"),
        "separation": ("float", 1.0),
    },
    "loss": {"type": ("str", "errors"), "margin": ("float", 0.0)},
    "formulation": {
        "type": ("str", "native"),
        "max_degree": ("int", None),
        "reduction": ("str", None),
    },
    "solve": {
        "sampler": ("str", "sa"),
        "num_reads": ("int", 10),
        "num_sweeps": ("int", None),  # None: the sampler's own default rule
        "seed": ("int", None),
        "params": ("table", None),
    },
}
TOP_LEVEL = {"description": "str"}

CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "int list": lambda v: isinstance(v, list) and all(CHECKS["int"](x) for x in v),
    "str list": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "int or str": lambda v: CHECKS["int"](v) or isinstance(v, str),
    "table": lambda v: isinstance(v, dict),
}
_SIZED_BY_DATA = {"synthetic2d": 2, "digits": 16}


def suggest(word: str, choices: Any) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Checker:
    """Raises ProblemFileError messages that all start with the file name."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, where: str, message: str) -> ProblemFileError:
        return ProblemFileError(f"{self.origin}: {where} {message}")

    def choice(self, section: str, key: str, value: str, choices: tuple[str, ...]) -> None:
        if value not in choices:
            raise self.fail(
                f"[{section}] {key} = {value!r}",
                f"is not one of {', '.join(choices)}{suggest(value, choices)}",
            )

    def positive(self, section: str, key: str, value: float | None, strict: bool = True) -> None:
        if value is None:
            return
        bound = "> 0" if strict else ">= 0"
        if not math.isfinite(value):
            raise self.fail(f"[{section}] {key} = {value}", f"must be a finite number {bound}")
        if value <= 0 if strict else value < 0:
            raise self.fail(f"[{section}] {key} = {value}", f"must be {bound}")


def check_keys(
    document: dict[str, Any],
    check: Checker,
    schema: dict[str, dict[str, tuple[str, Any]]] = SCHEMA,
    *,
    kind: str = "a problem file",
) -> dict[str, dict[str, Any]]:
    """Unknown sections/keys and wrong types (against ``schema``: section -> key ->
    (type name, default)); returns the sections with defaults filled."""
    spec: dict[str, dict[str, Any]] = {}
    for name, value in document.items():
        if name in TOP_LEVEL:
            if not isinstance(value, str):
                raise check.fail(f"{name} =", "must be a string")
            continue
        if name not in schema:
            raise check.fail(
                f"unknown section [{name}]{suggest(name, schema)};",
                f"{kind} has {', '.join(f'[{s}]' for s in schema)}",
            )
        if not isinstance(value, dict):
            raise check.fail(f"{name} =", f"must be a table: write [{name}] on its own line")
    for section, keys in schema.items():
        given = document.get(section, {})
        for key, value in given.items():
            if key not in keys:
                raise check.fail(
                    f"[{section}] unknown key {key!r}{suggest(key, keys)};",
                    f"known keys: {', '.join(keys)}",
                )
            kind_name = keys[key][0]
            if not CHECKS[kind_name](value):
                raise check.fail(f"[{section}] {key} = {value!r}", f"must be of type {kind_name}")
        spec[section] = {key: given.get(key, default) for key, (_, default) in keys.items()}
    return spec


def validate(document: dict[str, Any], origin: str) -> dict[str, Any]:
    """Validate a parsed problem file; returns the spec with every default filled in."""
    check = Checker(origin)
    model_section = document.get("model")
    if isinstance(model_section, dict) and model_section.get("type") == "ising-ep":
        raise check.fail(
            "[model] type = 'ising-ep'",
            f"is an equilibrium-propagation network, trained rather than solved: "
            f"run `qanneal ep {origin}`",
        )
    spec: dict[str, Any] = check_keys(document, check)
    spec["description"] = document.get("description", "")
    for section, key in (("model", "type"), ("data", "source")):
        if spec[section][key] is None:
            raise check.fail(f"[{section}] {key}", "is required")
    model, data, loss = spec["model"], spec["data"], spec["loss"]
    check.choice("model", "type", model["type"], MODELS)
    check.choice("data", "source", data["source"], SOURCES)
    check.choice("loss", "type", loss["type"], LOSSES)
    formulation = spec["formulation"]
    check.choice("formulation", "type", formulation["type"], FORMULATIONS)
    check.positive("formulation", "max_degree", formulation["max_degree"])
    if formulation["reduction"] is not None:
        check.choice("formulation", "reduction", formulation["reduction"], REDUCTIONS)
    if formulation["type"] in ("native", "slack", "cqm", "nl"):
        for key in ("max_degree", "reduction"):
            if formulation[key] is not None:
                raise check.fail(
                    f"[formulation] {key}",
                    "applies to polynomial formulations (walsh, symmetric, hidden); remove it",
                )
    _check_model(model, data, check)
    _check_data(model, data, check)
    check.positive("loss", "margin", loss["margin"], strict=False)
    for key in ("num_reads", "num_sweeps"):
        check.positive("solve", key, spec["solve"][key])
    check.positive("solve", "seed", spec["solve"]["seed"], strict=False)
    spec["solve"]["params"] = spec["solve"]["params"] or {}
    return spec


def _check_model(model: dict[str, Any], data: dict[str, Any], check: Checker) -> None:
    source = data["source"]
    if model["bias"] is None:
        model["bias"] = model["type"] == "binn"
    if model["type"] == "binn":
        hidden = model["hidden"]
        if not hidden or min(hidden) < 1:
            raise check.fail(
                f"[model] hidden = {hidden!r}", "must list at least one width >= 1, e.g. [3]"
            )
    elif model["hidden"] is not None:
        raise check.fail("[model] hidden", "is only for model.type = 'binn'; remove it")
    _check_choices(model, check)
    inputs = model["inputs"]
    if inputs is None:
        if source in _SIZED_BY_DATA:
            model["inputs"] = _SIZED_BY_DATA[source]
        elif source != "file":
            raise check.fail("[model] inputs", f"is required for data.source = {source!r}")
        return
    if inputs <= 0:
        raise check.fail(f"[model] inputs = {inputs}", "must be >= 1")
    if source in _SIZED_BY_DATA and inputs != _SIZED_BY_DATA[source]:
        raise check.fail(
            f"[model] inputs = {inputs}",
            f"but data.source = {source!r} has {_SIZED_BY_DATA[source]} features; "
            "remove model.inputs or set it to that",
        )
    if source not in ("random", "teacher"):
        return
    if model["type"] == "perceptron" and (inputs + int(model["bias"])) % 2 == 0:
        hint = f"use {inputs + 1}" if not model["bias"] else f"use {inputs - 1} or bias = false"
        raise check.fail(
            f"[model] inputs = {inputs}",
            f"must make the fan-in (inputs{' + bias' if model['bias'] else ''}) odd on ±1 "
            f"patterns, or stabilities can be 0 (ties); {hint}",
        )
    last = model["hidden"][-1] if model["type"] == "binn" else 1
    if model["type"] == "binn" and (last + int(model["bias"])) % 2 == 0:
        raise check.fail(
            f"[model] hidden = {model['hidden']}",
            f"must make the output fan-in (last width{' + bias' if model['bias'] else ''}) "
            f"odd on ±1 patterns, or the output can be 0 (a tie, counted as an error even "
            f"for the teacher); use a last width of {last + 1}",
        )


def _check_choices(model: dict[str, Any], check: Checker) -> None:
    choices = model["choices"] or []
    allowed = CHOICES[model["type"]]
    for name in choices:
        if name not in allowed:
            other = " (only 'activation' for a perceptron)" if name in CHOICES["binn"] else ""
            raise check.fail(
                f"[model] choices: {name!r}",
                f"is not one of {', '.join(allowed)}{other}{suggest(name, allowed)}",
            )
    if len(set(choices)) != len(choices):
        raise check.fail(f"[model] choices = {choices}", "lists a name twice; list each once")
    model["choices"] = choices


def _check_data(model: dict[str, Any], data: dict[str, Any], check: Checker) -> None:
    source = data["source"]
    check.positive("data", "alpha", data["alpha"])
    check.positive("data", "patterns", data["patterns"])
    check.positive("data", "seed", data["seed"], strict=False)
    check.positive("data", "separation", data["separation"])
    if data["alpha"] is not None and data["patterns"] is not None:
        raise check.fail("[data] alpha and patterns", "are both set; keep one (alpha = P/N)")
    counted = source in ("random", "teacher", "synthetic2d")
    if counted and data["alpha"] is None and data["patterns"] is None:
        raise check.fail("[data]", f"source {source!r} needs alpha (P/N) or patterns (P)")
    if not counted and (data["alpha"] is not None or data["patterns"] is not None):
        raise check.fail(
            "[data] alpha/patterns", f"are not used by source {source!r}: the data set decides"
        )
    if data["alpha"] is not None:
        data["patterns"] = max(1, round(data["alpha"] * model["inputs"]))
    if data["test_fraction"] is None:
        data["test_fraction"] = 0.2 if source in ("synthetic2d", "digits") else 0.0
    fraction = data["test_fraction"]
    if not 0.0 <= fraction < 1.0:
        raise check.fail(f"[data] test_fraction = {fraction}", "must be in [0, 1)")
    if source == "file" and data["path"] is None:
        raise check.fail("[data] path", "is required for source 'file' (CSV or NPZ)")
    if source != "file" and data["path"] is not None:
        raise check.fail("[data] path", f"is only for source 'file', not {source!r}")
    check.choice("data", "features", data["features"], DIGIT_FEATURES)


def parse_param(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from the command line; VALUE is read as a TOML value (number, bool,
    array, quoted string) and otherwise taken as a bare string.

    >>> parse_param("trotter=32"), parse_param("gamma_schedule=[2.5, 0.01]")
    (('trotter', 32), ('gamma_schedule', [2.5, 0.01]))
    >>> parse_param("moves=local")
    ('moves', 'local')
    """
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise ProblemFileError(f"--param {text!r}: write KEY=VALUE, e.g. --param trotter=32")
    try:
        return key, tomllib.loads(f"value = {value.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        return key, value.strip()
