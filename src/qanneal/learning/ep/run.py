"""Run an ising-ep problem file end to end: train, save a run record and a learning curve.

The record follows :mod:`qanneal.results` (``<out>/<run_id>.json`` + the SQLite
index, never overwritten); its index columns mean: ``formulation`` = ``"ep-<rule>"``,
``num_reads`` = samples per phase and pattern, ``best.energy`` = final mean train
cost ⟨C⟩, ``best.train_errors`` = misclassified training patterns, ``success_rate`` =
1.0 when the trained network classifies every training pattern, else 0.0. The
learning curve (train/test accuracy and ⟨C⟩ per epoch) is ``<out>/<run_id>-curve.png``
(it needs the ``plot`` extra; ``plot=False`` goes without).

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "x.toml").write_text(
    ...     '[model]\\ntype = "ising-ep"\\nhidden = [4]\\n'
    ...     '[train]\\nrule = "covariance"\\nsampler = "exact"\\ntemperature = 0.5\\n'
    ...     'learning_rate = 0.5\\nepochs = 60\\nbatch_size = 4\\n')
    >>> record = run_ep_file(folder / "x.toml", out_dir=folder / "runs", plot=False)
    >>> record["best"]["train_accuracy"], record["model"]["spins"]
    (1.0, 7)
"""

from __future__ import annotations

import hashlib
import io
import time
from pathlib import Path
from typing import Any

from qanneal.errors import ProblemFileError
from qanneal.extras import require
from qanneal.files import write_new_file
from qanneal.learning.ep.config import (
    build_data,
    build_network,
    build_settings,
    is_ep_document,
    validate_ep,
)
from qanneal.learning.ep.quantum import QuantumNetwork
from qanneal.learning.ep.training import Progress, TrainResult, settings_dict, train
from qanneal.problem import read_problem_document
from qanneal.results import ensure_writable, new_run_id, save_record


def _document(path: Path) -> tuple[dict[str, Any], str]:
    hint = "shipped EP problems: ep-xor, ep-digits"
    document, text = read_problem_document(path, missing_hint=hint)
    if not is_ep_document(document):
        raise ProblemFileError(
            f"{path}: [model] type must be 'ising-ep' for `qanneal ep`; "
            "other problem files run with `qanneal solve`"
        )
    return document, text


def _override(document: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The document with [train] keys replaced; switching between a thermal and the
    quantum rule drops the file's keys that only the other kind uses."""
    train = {**document.get("train", {}), **given}
    model = dict(document.get("model", {}))
    if "rule" in given:
        if given["rule"] == "quantum":
            train.pop("temperature", None)
        else:
            for key in ("trotter", "pimc_beta"):
                train.pop(key, None)
            model.pop("transverse_field", None)
    return {**document, "model": model, "train": train}


def run_ep_file(
    path: str | Path,
    *,
    overrides: dict[str, Any] | None = None,
    out_dir: str | Path = "runs",
    save: bool = True,
    plot: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train the network of an ising-ep file and return (and save) its run record.

    ``overrides`` replace ``[train]`` keys (e.g. ``{"sampler": "exact", "epochs": 5}``)
    before validation, so a bad override is reported like a bad file value.
    """
    path = Path(path)
    document, text = _document(path)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    if given:
        document = _override(document, given)
    where = f"{path} (with overrides {given})" if given else str(path)
    spec = validate_ep(document, where)
    if save:
        ensure_writable(out_dir)
        if plot:  # before training, not after it
            require("plot", "the learning curve", "or pass --no-plot")
    data = build_data(spec)
    network = build_network(spec, data[0].shape[1])
    settings = build_settings(spec)
    result = train(network, data, settings, progress)
    record = _record(path, text, len(data[0]), settings_dict(settings), result)
    if save:
        if plot:
            title = f"{path.stem}: {settings.rule} EP, sampler {settings.sampler}"
            record["curve"] = save_curve(result.history, Path(out_dir), record["run_id"], title)
        save_record(record, out_dir)
    return record


def _record(
    path: Path, text: str, train_patterns: int, settings: dict[str, Any], result: TrainResult
) -> dict[str, Any]:
    final = result.final
    model = result.network
    network = model.network if isinstance(model, QuantumNetwork) else model
    errors = round((1.0 - final["train_accuracy"]) * train_patterns)
    parameters = {"couplings": network.couplings.tolist(), "fields": network.fields.tolist()}
    if isinstance(model, QuantumNetwork) and model.xx_couplings is not None:
        parameters["xx_couplings"] = model.xx_couplings.tolist()
    return {
        "run_id": new_run_id(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "problem": str(path),
        "problem_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "formulation": f"ep-{settings['rule']}",
        "sampler": settings["sampler"],
        "parameters": settings,
        "seed": settings["seed"],
        "num_variables": network.num_free,
        "num_reads": settings["num_reads"] if settings["sampler"] != "exact" else 1,
        "interrupted": False,
        "model": {
            "type": "ising-ep",
            "layers": list(network.layers),
            "spins": network.num_spins,
            "edges": network.edges.tolist(),
            "clamp": network.clamp,
            "cost": network.cost,
        },
        "best": {
            "energy": final["train_cost"],
            "train_errors": errors,
            "train_accuracy": final["train_accuracy"],
            "test_accuracy": final["test_accuracy"],
            "weights": parameters,
        },
        "success_rate": float(errors == 0),
        "evaluation": result.evaluation,
        "history": result.history,
        "timing": {"total_s": result.seconds},
        "curve": None,
        "record": None,
        "problem_text": text,
    }


def save_curve(history: list[dict[str, Any]], out_dir: Path, run_id: str, title: str) -> str:
    """Write the learning curve PNG next to the record (needs the ``plot`` extra)."""
    require("plot", "the learning curve", "or pass --no-plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = learning_curve_figure(plt, history, title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    target = out_dir / f"{run_id}-curve.png"
    ensure_writable(out_dir).mkdir(parents=True, exist_ok=True)  # made for what it holds
    write_new_file(target, buffer.getvalue())
    return str(target)


def learning_curve_figure(plt: Any, history: list[dict[str, Any]], title: str) -> Any:
    """Accuracy (left) and mean cost ⟨C⟩ (right) per epoch, train and test."""
    from matplotlib.ticker import MaxNLocator

    epochs = [row["epoch"] for row in history]
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    for split, style in (("train", "-"), ("test", "--")):
        accuracy = [row[f"{split}_accuracy"] for row in history]
        cost = [row[f"{split}_cost"] for row in history]
        if all(a is not None for a in accuracy):
            left.plot(epochs, accuracy, style, label=split)
            right.plot(epochs, cost, style, label=split)
    left.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02))
    right.set(xlabel="epoch", ylabel="mean cost ⟨C⟩")
    for axes in (left, right):  # epochs are whole numbers
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.legend()
    figure.suptitle(title)
    figure.tight_layout()
    return figure
