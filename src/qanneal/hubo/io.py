"""HUBO files: a ``dimod.BinaryPolynomial`` as JSON, written atomically, read back exactly.

Format (version 1)::

    {"format": "qanneal-hubo", "version": 1, "vartype": "SPIN" | "BINARY",
     "offset": 0.5,
     "terms": [[["w[0]", "w[2]"], -0.25], [[3], 1.5], ...],
     "metadata": {...}}

``terms`` lists every non-constant monomial once as [labels, bias]; the constant is
``offset`` (a zero constant is not stored, which dimod's polynomial equality ignores
anyway). Labels must be JSON scalars — str, int or float — and keep their JSON type
(``3`` and ``"3"`` are different variables); biases are floats written with ``repr``
precision, so a load returns bit-identical values. A file is written to a temporary
file in the same directory and then linked into place: a reader never sees half a
file, and an existing file is never overwritten.

Example:
    >>> import dimod, pathlib, tempfile
    >>> poly = dimod.BinaryPolynomial({(): 0.5, ("a",): -1.0, ("a", 2): 0.1}, dimod.SPIN)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "loss.hubo.json"
    >>> save_polynomial(poly, path, metadata={"problem": "demo"})
    >>> loaded, metadata = load_polynomial(path)
    >>> loaded == poly, loaded[("a", 2)], metadata
    (True, 0.1, {'problem': 'demo'})
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dimod

from qanneal.errors import OutputError, ProblemFileError
from qanneal.files import write_new_file

FORMAT = "qanneal-hubo"
VERSION = 1
_KEYS = {"format", "version", "vartype", "terms", "offset", "metadata"}


def save_polynomial(
    poly: dimod.BinaryPolynomial,
    path: str | os.PathLike[str],
    *,
    metadata: Mapping[str, Any] | None = None,
) -> None:
    """Write ``poly`` (and a JSON-serialisable ``metadata`` mapping) to a new file at ``path``.

    Raises OutputError if the file exists, its directory does not, a label is not a
    str/int/float, a bias or the metadata cannot be written as finite JSON.
    """
    path = Path(path)
    if path.exists():
        raise OutputError(f"{path} already exists; choose another name or remove it first")
    lines = [
        json.dumps(_term_entry(term, bias), allow_nan=False) for term, bias in poly.items() if term
    ]
    header = {
        "format": FORMAT,
        "version": VERSION,
        "vartype": poly.vartype.name,
        "offset": _finite(poly.get(frozenset(), 0.0), "the offset"),
    }
    try:
        tail = json.dumps(dict(metadata or {}), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise OutputError(f"cannot write {path}: metadata is not JSON ({error})") from None
    terms = "[\n  " + ",\n  ".join(lines) + "\n ]" if lines else "[]"
    head = json.dumps(header)[:-1]  # without the closing brace
    text = f'{head},\n "terms": {terms},\n "metadata": {tail}}}\n'
    write_new_file(path, text.encode("utf-8"))


def load_polynomial(path: str | os.PathLike[str]) -> tuple[dimod.BinaryPolynomial, dict[str, Any]]:
    """Read a file written by :func:`save_polynomial`: (polynomial, metadata).

    Raises ProblemFileError, with one line naming the file and the fault, for a file
    that cannot be read, is not JSON, or breaks the format.
    """
    path = Path(path)
    try:
        document = json.loads(path.read_bytes())
    except OSError as error:
        raise ProblemFileError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ProblemFileError(f"{path}: not valid JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise ProblemFileError(
            f"{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    vartype = _check_header(document, path)
    poly = dimod.BinaryPolynomial({}, vartype)
    if not isinstance(document["terms"], list):
        raise ProblemFileError(f"{path}: 'terms' must be a list of [labels, bias] pairs")
    for index, entry in enumerate(document["terms"]):
        term, bias = _read_term(entry, f"{path}: term {index}")
        if term in poly:
            raise ProblemFileError(
                f"{path}: term {index} repeats the monomial {sorted(map(str, term))}"
            )
        poly[term] = bias
    offset = _read_number(document.get("offset", 0.0), f"{path}: 'offset'")
    if offset != 0.0:
        poly[frozenset()] = offset
    return poly, document.get("metadata", {})


def _term_entry(term: frozenset[Any], bias: Any) -> list[Any]:
    for label in term:
        if not _is_label(label):
            raise OutputError(
                f"cannot write label {label!r} of type {type(label).__name__}: "
                "HUBO file labels must be str, int or finite float"
            )
    labels = sorted(term, key=lambda label: (isinstance(label, str), label))
    return [labels, _finite(bias, f"the bias of {labels}")]


def _is_label(label: Any) -> bool:
    if isinstance(label, float):
        return math.isfinite(label)
    return isinstance(label, str | int) and not isinstance(label, bool)


def _finite(value: Any, what: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise OutputError(f"cannot write {what} = {number}: HUBO files hold finite biases only")
    return number


def _check_header(document: Any, path: Path) -> dimod.Vartype:
    if not isinstance(document, dict):
        raise ProblemFileError(
            f"{path}: a HUBO file is a JSON object, not {type(document).__name__}"
        )
    if document.get("format") != FORMAT:
        raise ProblemFileError(
            f"{path}: 'format' is {document.get('format')!r}, not {FORMAT!r}: "
            "not a qanneal HUBO file"
        )
    if document.get("version") != VERSION:
        raise ProblemFileError(
            f"{path}: 'version' is {document.get('version')!r}; this qanneal reads "
            f"version {VERSION}"
        )
    unknown = sorted(set(document) - _KEYS)
    if unknown:
        raise ProblemFileError(f"{path}: unknown key {unknown[0]!r}; the keys are {sorted(_KEYS)}")
    missing = sorted({"vartype", "terms"} - set(document))
    if missing:
        raise ProblemFileError(f"{path}: missing key {missing[0]!r}")
    if document["vartype"] not in ("SPIN", "BINARY"):
        raise ProblemFileError(
            f"{path}: 'vartype' is {document['vartype']!r}; use 'SPIN' or 'BINARY'"
        )
    if not isinstance(document.get("metadata", {}), dict):
        raise ProblemFileError(f"{path}: 'metadata' must be a JSON object")
    return dimod.SPIN if document["vartype"] == "SPIN" else dimod.BINARY


def _read_term(entry: Any, where: str) -> tuple[frozenset[Any], float]:
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], list)):
        raise ProblemFileError(f"{where}: {_short(entry)} is not a [labels, bias] pair")
    labels, bias = entry
    for label in labels:
        if not _is_label(label):
            raise ProblemFileError(f"{where}: label {_short(label)} is not a string or number")
    term = frozenset(labels)
    if len(term) < len(labels):
        raise ProblemFileError(f"{where}: labels {_short(labels)} repeat a variable")
    if not term:
        raise ProblemFileError(f"{where}: an empty monomial; the constant belongs in 'offset'")
    return term, _read_number(bias, where + " bias")


def _read_number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProblemFileError(f"{where}: {_short(value)} is not a number")
    if not math.isfinite(value):
        raise ProblemFileError(f"{where}: {value} is not finite")
    return float(value)


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
