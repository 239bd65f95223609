"""Reduced models on disk: the BQM (dimod's serialisation) and what each auxiliary is.

Example:
    >>> import dimod, pathlib, tempfile
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({(0, 1, 2): -1.0}, dimod.BINARY)
    >>> bqm, info = to_bqm(poly)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bqm.json"
    >>> save_reduction(bqm, info, path)
    >>> loaded, document = load_reduction(path)
    >>> loaded == bqm, document["reduction"]["auxiliaries"][0]["kind"]
    (True, 'freedman')
"""

from __future__ import annotations

import json
import os
from typing import Any

import dimod

from qanneal.errors import ProblemFileError
from qanneal.files import write_new_file
from qanneal.reduce.info import ReductionInfo

FORMAT = "qanneal-bqm"


def save_reduction(
    bqm: dimod.BinaryQuadraticModel, info: ReductionInfo, path: str | os.PathLike[str]
) -> None:
    """Write the BQM and its auxiliaries as JSON, atomically; never replaces a file."""
    auxiliaries = [
        {
            "label": aux.label,
            "kind": aux.kind,
            "stands_for": aux.stands_for,
            "penalty": aux.penalty,
        }
        for aux in info.auxiliaries
    ]
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "bqm": bqm.to_serializable(),
        "reduction": {
            "method": info.method,
            "vartype": info.vartype.name,
            "variables": list(info.variables),
            "auxiliaries": auxiliaries,
        },
    }
    write_new_file(path, json.dumps(document, indent=1, default=str))


def load_reduction(path: str | os.PathLike[str]) -> tuple[dimod.BinaryQuadraticModel, dict]:
    """The BQM of a file written by :func:`save_reduction`, and the whole document."""
    try:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream)
        if document.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        return dimod.BinaryQuadraticModel.from_serializable(document["bqm"]), document
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ProblemFileError(f"{path}: cannot read a reduced BQM ({error})") from None
