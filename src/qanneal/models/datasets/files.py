"""Data from a user's CSV or NPZ file, with one-line errors for every bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from qanneal.errors import DataError
from qanneal.models.datasets.core import (
    Dataset,
    _check_fraction,
    _is_binary,
    _make_rng,
    _show_values,
    _shuffle_split,
)

# ---------------------------------------------------------------------------
# CSV / NPZ files


def from_file(
    path: str | Path,
    *,
    seed: int,
    test_fraction: float = 0.0,
    label_column: int | str | None = None,
    display_path: str | None = None,
) -> Dataset:
    """Patterns and labels from a CSV or NPZ file, shuffled and split with ``seed``.

    CSV (``.csv``): comma-separated numbers, one pattern per line, blank lines ignored.
    The first line is a header of names when none of its fields is a number. The label
    is the last column unless ``label_column`` gives an index (negative allowed) or a
    header name. NPZ (``.npz``, from ``numpy.savez``): array ``x`` of shape (P, N) and
    ``y`` of shape (P,); ``label_column`` must be None.

    Labels must be -1/+1 or 0/1 (0 becomes -1). Errors name ``display_path`` (default
    ``str(path)``), the line or row and the value at fault.

    Example:
        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     csv_path = pathlib.Path(tmp) / "toy.csv"
        ...     _ = csv_path.write_text("a,b,label\\n1,-1,1\\n-1,1,0\\n1,1,1\\n")
        ...     data = from_file(csv_path, seed=0)
        >>> data.num_patterns, data.num_inputs, data.binary_inputs, sorted(data.y_train.tolist())
        (3, 2, True, [-1, 1, 1])
    """
    file = Path(path)
    display = str(path) if display_path is None else display_path
    rng = _make_rng(seed)
    fraction = _check_fraction(test_fraction)
    if not file.exists():
        raise DataError(f"{display}: not found; data.path is relative to the problem file")
    if not file.is_file():
        raise DataError(f"{display}: is not a regular file; point data.path at a .csv or .npz")
    suffix = file.suffix.lower()
    if suffix == ".csv":
        x, y = _load_csv(file, display, label_column)
    elif suffix == ".npz":
        if label_column is not None:
            raise DataError(
                f"{display}: label_column = {label_column!r} applies to CSV files only; "
                "an NPZ file keeps its labels in array 'y'"
            )
        x, y = _load_npz(file, display)
    else:
        raise DataError(
            f"{display}: unknown extension {suffix or '(none)'!r}; use a .csv or .npz file"
        )
    if len(x) < 2:
        raise DataError(f"{display}: has {len(x)} pattern(s); a data set needs at least 2")
    x_train, y_train, x_test, y_test = _shuffle_split(x, y, rng, fraction, display)
    return Dataset(
        x_train, y_train, x_test, y_test, source="file", binary_inputs=_is_binary(x_train, x_test)
    )


def _first_non_finite(array: np.ndarray) -> tuple[int, int] | None:
    """(row, column) of the first NaN or inf in a 2-D array, or None."""
    bad = np.argwhere(~np.isfinite(array))
    return None if bad.size == 0 else (int(bad[0][0]), int(bad[0][1]))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "no details"
    return f"{type(exc).__name__}: {text}"


def _binary_labels(values: np.ndarray, display: str, where: str) -> np.ndarray:
    """Map a label column with values in {-1, 1} or {0, 1} to int8 ±1."""
    found = np.unique(values)
    if np.all(np.isin(found, (-1, 1))):
        return values.astype(np.int8)
    if np.all(np.isin(found, (0, 1))):
        return np.where(values == 0, -1, 1).astype(np.int8)
    raise DataError(
        f"{display}: {where} has values {_show_values(found)}; labels must be -1/+1 or 0/1, "
        "so fix them or choose another label_column"
    )


def _read_csv_rows(file: Path, display: str) -> list[tuple[int, list[str]]]:
    """Non-blank CSV rows as (line number, stripped fields)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(
            f"{display}: cannot read as UTF-8 text ({_one_line(exc)}); save it as a UTF-8 CSV"
        ) from exc
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for fields in reader:
            if fields and (len(fields) > 1 or fields[0].strip()):
                rows.append((reader.line_num, [f.strip() for f in fields]))
    except csv.Error as exc:
        raise DataError(
            f"{display}: line {reader.line_num}: malformed CSV ({_one_line(exc)}); "
            "write plain comma-separated numbers"
        ) from exc
    return rows


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_row(fields: list[str], line: int, display: str) -> list[float]:
    try:
        return [float(f) for f in fields]
    except ValueError:
        column, text = next((j, f) for j, f in enumerate(fields, 1) if not _is_number(f))
        raise DataError(
            f"{display}: line {line}, field {column}: {text!r} is not a number; fix the value "
            "(only the first line may be a header of names)"
        ) from None


def _parse_csv(
    rows: list[tuple[int, list[str]]], display: str
) -> tuple[list[str] | None, np.ndarray, list[int]]:
    """Split off an optional header and parse the numeric rows (all checked)."""
    if not rows:
        raise DataError(
            f"{display}: the file is empty; write one comma-separated pattern per line "
            "with its label in the last column"
        )
    first_line, first = rows[0]
    header = None if any(_is_number(f) for f in first) else first
    body = rows[1:] if header is not None else rows
    if not body:
        raise DataError(f"{display}: has a header line but no data rows; add rows of numbers")
    if len(first) < 2:
        raise DataError(
            f"{display}: line {first_line} has {len(first)} field; each row needs at least "
            "one input column and a label column"
        )
    values = []
    for line, fields in body:
        if len(fields) != len(first):
            raise DataError(
                f"{display}: line {line} has {len(fields)} fields, expected {len(first)} "
                f"(as on line {first_line}); give every row the same number of fields"
            )
        values.append(_parse_row(fields, line, display))
    array = np.array(values, dtype=np.float64)
    lines = [line for line, _ in body]
    bad = _first_non_finite(array)
    if bad is not None:
        row, col = bad
        raise DataError(
            f"{display}: line {lines[row]}, field {col + 1}: {body[row][1][col]!r} is not a "
            "finite number; replace NaN/inf with a real value or drop the row"
        )
    return header, array, lines


def _label_index(
    label_column: int | str | None, header: list[str] | None, width: int, display: str
) -> int:
    if label_column is None:
        return width - 1
    if isinstance(label_column, str):
        if header is None:
            raise DataError(
                f"{display}: label_column = {label_column!r} is a name but the file has no "
                "header line; give a column index instead"
            )
        if header.count(label_column) != 1:
            problem = "is not in" if label_column not in header else "appears twice in"
            raise DataError(
                f"{display}: label_column = {label_column!r} {problem} the header {header}; "
                "use one of its names or a column index"
            )
        return header.index(label_column)
    if isinstance(label_column, bool) or not isinstance(label_column, int | np.integer):
        raise DataError(
            f"{display}: label_column = {label_column!r} must be a column index or header name"
        )
    if not -width <= label_column < width:
        raise DataError(
            f"{display}: label_column = {label_column} is out of range for {width} columns; "
            f"use 0..{width - 1} or -{width}..-1"
        )
    return int(label_column) % width


def _load_csv(
    file: Path, display: str, label_column: int | str | None
) -> tuple[np.ndarray, np.ndarray]:
    header, array, _ = _parse_csv(_read_csv_rows(file, display), display)
    index = _label_index(label_column, header, array.shape[1], display)
    name = f"label column {index}" if header is None else f"label column {header[index]!r}"
    y = _binary_labels(array[:, index], display, name)
    return np.delete(array, index, axis=1), y


def _load_npz(file: Path, display: str) -> tuple[np.ndarray, np.ndarray]:
    hint = "write it with numpy.savez(path, x=patterns, y=labels)"
    try:
        archive = np.load(file, allow_pickle=False)
    except Exception as exc:  # any failure to open is a bad file, never a crash
        raise DataError(f"{display}: cannot read as NPZ ({_one_line(exc)}); {hint}") from exc
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DataError(f"{display}: holds a single array, not an NPZ archive; {hint}")
    with archive:
        missing = [key for key in ("x", "y") if key not in archive.files]
        if missing:
            raise DataError(
                f"{display}: NPZ has no array {' or '.join(map(repr, missing))} "
                f"(found {sorted(archive.files)}); {hint}"
            )
        try:
            x, y = archive["x"], archive["y"]
        except Exception as exc:  # corrupt member, object arrays needing pickle, ...
            raise DataError(f"{display}: cannot read arrays ({_one_line(exc)}); {hint}") from exc
    return _check_npz_arrays(x, y, display)


def _check_npz_arrays(x: np.ndarray, y: np.ndarray, display: str) -> tuple[np.ndarray, np.ndarray]:
    for key, array, ndim in (("x", x, 2), ("y", y, 1)):
        if array.dtype.kind not in "biuf":
            raise DataError(f"{display}: array {key!r} has dtype {array.dtype}; it must be numeric")
        if array.ndim != ndim:
            shape = "(P, N)" if ndim == 2 else "(P,)"
            raise DataError(
                f"{display}: array {key!r} has shape {array.shape}; it must be {ndim}-D {shape}"
            )
    if len(y) != len(x):
        raise DataError(
            f"{display}: len(y) = {len(y)} but x has {len(x)} rows; give one label per pattern"
        )
    if x.shape[1] < 1:
        raise DataError(f"{display}: array 'x' has no columns; each pattern needs an input")
    x = x.astype(np.float64)
    bad = _first_non_finite(x)
    if bad is not None:
        row, col = bad
        raise DataError(
            f"{display}: array 'x' row {row}, column {col} is {x[row, col]}; "
            "replace NaN/inf with a real value or drop the row"
        )
    return x, _binary_labels(y, display, "array 'y'")
