"""Data sources for learning problems: each returns a :class:`Dataset`.

Sources (the ``source`` field of the result):

``random``
    The storage (capacity) problem: i.i.d. ±1 patterns with i.i.d. ±1 labels.
``teacher``
    The teacher-student problem: i.i.d. ±1 patterns labelled by a random ±1 teacher
    network, evaluated with a caller-supplied prediction function.
``synthetic2d``
    Two Gaussian clouds in the plane (the 2-D experiment of Kulikovskikh and Legović).
``digits``
    Two classes of scikit-learn's bundled 8x8 hand-written digits, reduced to a few
    features and binarised to ±1 (needs the optional extra ``qanneal[data]``).
``file``
    A user's CSV or NPZ file.

Every source takes a ``seed`` and is exactly reproducible from it: all randomness comes
from one ``numpy.random.default_rng(seed)``. Inputs are float64 arrays of shape (P, N),
labels int8 arrays of shape (P,) with values in {-1, +1}. A held-out test set is
present when ``test_fraction > 0``; any positive fraction holds out at least one pattern.
Bad arguments and bad files raise :class:`qanneal.errors.DataError` with a one-line
message naming the argument, file, line or value at fault.

Example:
    >>> data = random_patterns(5, 8, seed=1, test_fraction=0.2)
    >>> data.num_patterns, data.num_inputs, data.num_test, data.binary_inputs
    (8, 5, 2, True)
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qanneal.errors import DataError

__all__ = [
    "Dataset",
    "digits",
    "from_file",
    "held_out_count",
    "random_patterns",
    "synthetic2d",
    "teacher_patterns",
]

LabelFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A training set, an optional held-out test set and where they came from.

    ``eq=False``: datasets compare by identity (element-wise array equality has no
    single truth value); compare the arrays with ``numpy.array_equal`` instead.

    Example:
        >>> d = Dataset(np.ones((3, 2)), np.ones(3, dtype=np.int8), None, None, "file", True)
        >>> d.num_patterns, d.num_inputs, d.num_test
        (3, 2, 0)
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    source: str
    binary_inputs: bool
    teacher: np.ndarray | None = None

    def __post_init__(self) -> None:
        _check_split("train", self.x_train, self.y_train)
        if (self.x_test is None) != (self.y_test is None):
            raise DataError(
                f"{self.source} dataset: x_test and y_test must both be arrays or both None"
            )
        if self.x_test is not None and self.y_test is not None:
            _check_split("test", self.x_test, self.y_test)
            if self.x_test.shape[1] != self.x_train.shape[1]:
                raise DataError(
                    f"{self.source} dataset: x_test has {self.x_test.shape[1]} inputs but "
                    f"x_train has {self.x_train.shape[1]}; both need the same number of columns"
                )

    @property
    def num_patterns(self) -> int:
        """Number of training patterns P."""
        return int(self.x_train.shape[0])

    @property
    def num_inputs(self) -> int:
        """Number of inputs (features) N per pattern."""
        return int(self.x_train.shape[1])

    @property
    def num_test(self) -> int:
        """Number of held-out patterns (0 when there is no test set)."""
        return 0 if self.x_test is None else int(self.x_test.shape[0])


def _check_split(name: str, x: np.ndarray, y: np.ndarray) -> None:
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise DataError(
            f"dataset {name} split: x has shape {x.shape} and y has shape {y.shape}; "
            "x must be (P, N) and y must be (P,)"
        )
    if not np.all(np.isin(y, (-1, 1))):
        raise DataError(
            f"dataset {name} split: labels {_show_values(np.unique(y))} are not all ±1; "
            "map them to -1/+1"
        )


# ---------------------------------------------------------------------------
# argument checks and shared helpers


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise DataError(f"{name} = {value!r} must be an integer >= {minimum}; pass a whole number")
    if value < minimum:
        raise DataError(f"{name} = {value} must be >= {minimum}; pass a larger value")
    return int(value)


def _check_fraction(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise DataError(f"test_fraction = {value!r} must be a number in [0, 1); e.g. 0.2")
    fraction = float(value)
    if not (math.isfinite(fraction) and 0.0 <= fraction < 1.0):
        raise DataError(f"test_fraction = {value!r} must be in [0, 1); e.g. 0.2, or 0 for none")
    return fraction


def _make_rng(seed: object) -> np.random.Generator:
    return np.random.default_rng(_check_int("seed", seed, 0))


def _plus_minus_one(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform i.i.d. ±1 entries as float64."""
    return 2.0 * rng.integers(0, 2, size=shape).astype(np.float64) - 1.0


def _is_binary(*arrays: np.ndarray | None) -> bool:
    return all(a is None or bool(np.all(np.abs(a) == 1.0)) for a in arrays)


def _show_values(values: np.ndarray, limit: int = 6) -> str:
    shown = [f"{v:g}" if isinstance(v, int | float | np.number) else repr(v) for v in values]
    more = f", ... ({len(values)} distinct)" if len(shown) > limit else ""
    return "[" + ", ".join(shown[:limit]) + more + "]"


def _test_count(total: int, test_fraction: float, what: str) -> int:
    """Held-out count from a total: round(total * f), at least 1 when f > 0."""
    count = round(total * test_fraction)
    if test_fraction > 0.0:
        count = max(1, count)
    if total - count < 1:
        raise DataError(
            f"{what}: {total} pattern(s) are too few to hold out test_fraction = "
            f"{test_fraction:g} and keep one for training; lower test_fraction or add data"
        )
    return count


def _shuffle_split(
    x: np.ndarray, y: np.ndarray, rng: np.random.Generator, test_fraction: float, what: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Seeded permutation, then the first ``round(P * f)`` patterns are held out."""
    count = _test_count(len(x), test_fraction, what)
    order = rng.permutation(len(x))
    train, test = order[count:], order[:count]
    if count == 0:
        return x[train], y[train], None, None
    return x[train], y[train], x[test], y[test]


# ---------------------------------------------------------------------------
# random and teacher patterns


def held_out_count(num_train: int, test_fraction: float) -> int:
    """Number of extra held-out patterns so they are ``test_fraction`` of the total.

    This is ``round(P * f / (1 - f))`` for ``P = num_train``, and at least 1 when
    ``f > 0`` so that asking for a test set always gives one.

    Example:
        >>> held_out_count(80, 0.2), held_out_count(10, 0.0), held_out_count(1, 0.1)
        (20, 0, 1)
    """
    num_train = _check_int("num_train", num_train, 0)
    fraction = _check_fraction(test_fraction)
    if fraction == 0.0:
        return 0
    return max(1, round(num_train * fraction / (1.0 - fraction)))


def random_patterns(
    num_inputs: int, num_patterns: int, *, seed: int, test_fraction: float = 0.0
) -> Dataset:
    """The storage problem: i.i.d. uniform ±1 patterns with i.i.d. uniform ±1 labels.

    The training set is drawn first, then :func:`held_out_count` extra test patterns
    the same way, so the training set for a seed does not depend on ``test_fraction``.

    Example:
        >>> data = random_patterns(7, 10, seed=0)
        >>> data.x_train.shape, data.x_train.dtype, data.y_train.dtype, data.x_test
        ((10, 7), dtype('float64'), dtype('int8'), None)
    """
    n = _check_int("num_inputs", num_inputs, 1)
    p = _check_int("num_patterns", num_patterns, 1)
    rng = _make_rng(seed)
    p_test = held_out_count(p, test_fraction)
    x_train = _plus_minus_one(rng, (p, n))
    y_train = _plus_minus_one(rng, (p,)).astype(np.int8)
    x_test = y_test = None
    if p_test > 0:
        x_test = _plus_minus_one(rng, (p_test, n))
        y_test = _plus_minus_one(rng, (p_test,)).astype(np.int8)
    return Dataset(x_train, y_train, x_test, y_test, source="random", binary_inputs=True)


def teacher_patterns(
    num_inputs: int,
    num_patterns: int,
    label_fn: LabelFn,
    num_weights: int,
    *,
    seed: int,
    test_fraction: float = 0.0,
) -> Dataset:
    """The teacher-student problem: i.i.d. ±1 patterns labelled by a random teacher.

    The teacher (int8 ±1 weights, length ``num_weights``) is drawn first, then the
    training patterns, then :func:`held_out_count` test patterns. Labels are
    ``label_fn(teacher, x)``, which must return ±1 values of shape (P,); pass the
    model's prediction function (with a sign activation, use an odd fan-in so the
    sign is never 0).

    Example:
        >>> sign = lambda w, x: np.where(x @ w >= 0, 1, -1)
        >>> data = teacher_patterns(5, 6, sign, 5, seed=3, test_fraction=0.5)
        >>> data.teacher.shape, data.teacher.dtype, data.num_test
        ((5,), dtype('int8'), 6)
    """
    n = _check_int("num_inputs", num_inputs, 1)
    p = _check_int("num_patterns", num_patterns, 1)
    k = _check_int("num_weights", num_weights, 1)
    if not callable(label_fn):
        raise DataError(f"label_fn = {label_fn!r} is not callable; pass a predict(weights, x)")
    rng = _make_rng(seed)
    p_test = held_out_count(p, test_fraction)
    teacher = _plus_minus_one(rng, (k,)).astype(np.int8)
    x_train = _plus_minus_one(rng, (p, n))
    x_test = _plus_minus_one(rng, (p_test, n)) if p_test > 0 else None
    y_train = _teacher_labels(label_fn, teacher, x_train)
    y_test = None if x_test is None else _teacher_labels(label_fn, teacher, x_test)
    return Dataset(
        x_train, y_train, x_test, y_test, source="teacher", binary_inputs=True, teacher=teacher
    )


def _teacher_labels(label_fn: LabelFn, teacher: np.ndarray, x: np.ndarray) -> np.ndarray:
    labels = np.asarray(label_fn(teacher.copy(), x.copy()))
    if labels.shape != (len(x),):
        raise DataError(
            f"label_fn returned shape {labels.shape} for {len(x)} patterns; "
            f"it must return one ±1 label per pattern, shape ({len(x)},)"
        )
    if labels.dtype.kind not in "biuf" or not np.all(np.isin(labels, (-1, 1))):
        raise DataError(
            f"label_fn returned labels {_show_values(np.unique(labels))}; they must all be "
            "-1 or +1 (a sign activation needs an odd fan-in so it is never 0)"
        )
    return labels.astype(np.int8)


# ---------------------------------------------------------------------------
# synthetic 2-D data


def synthetic2d(
    num_points: int, *, seed: int, test_fraction: float = 0.2, separation: float = 1.0
) -> Dataset:
    """Two Gaussian classes in the plane, after the 2-D experiment of Kulikovskikh–Legović.

    The paper uses m points in 2-D, two classes and an 80/20 split, but does not say how
    its data was generated; this generator is our choice. Each point is in class +1 or
    -1 with probability 1/2; class +1 is drawn from a unit-covariance Gaussian centred at
    ``(+separation, +separation)``, class -1 at ``(-separation, -separation)``. A seeded
    random split then holds out ``round(num_points * test_fraction)`` points.

    Example:
        >>> data = synthetic2d(10, seed=0)
        >>> data.x_train.shape, data.x_test.shape, data.binary_inputs
        ((8, 2), (2, 2), False)
    """
    m = _check_int("num_points", num_points, 1)
    fraction = _check_fraction(test_fraction)
    if (
        isinstance(separation, bool)
        or not isinstance(separation, int | float | np.integer | np.floating)
        or not (math.isfinite(separation) and separation >= 0)
    ):
        raise DataError(f"separation = {separation!r} must be a finite number >= 0; e.g. 1.0")
    rng = _make_rng(seed)
    y = _plus_minus_one(rng, (m,))
    x = float(separation) * y[:, None] + rng.standard_normal((m, 2))
    x_train, y_train, x_test, y_test = _shuffle_split(
        x, y.astype(np.int8), rng, fraction, "synthetic2d"
    )
    return Dataset(x_train, y_train, x_test, y_test, source="synthetic2d", binary_inputs=False)


# ---------------------------------------------------------------------------
# scikit-learn digits


def digits(
    *,
    seed: int,
    features: str = "pool",
    num_features: int = 16,
    test_fraction: float = 0.2,
    classes: Sequence[int] = (0, 1),
) -> Dataset:
    """Two classes of scikit-learn's bundled 8x8 digits (no download), binarised to ±1.

    ``classes[0]`` gets label -1, ``classes[1]`` label +1. After a seeded shuffle and
    split (``round(P * test_fraction)`` held out), the 64 pixels are reduced to features:

    ``"pool"``
        2x2 average pooling to a 4x4 image (16 features; ``num_features`` must be 16).
        A feature is +1 where its value is strictly above its median over the training
        split, else -1 (ties go to -1, so an always-blank pixel is always -1).
    ``"pca"``
        Pixels centred by the training mean and projected on the top ``num_features``
        principal directions of the training split (numpy SVD; each direction's sign is
        fixed so its largest-magnitude loading is positive). A feature is the sign of
        the projection, with 0 mapped to +1.

    Only the training split is used to fit medians, means and directions.

    Example:
        >>> data = digits(seed=0, features="pca", num_features=6)
        >>> data.x_train.shape, data.num_test, data.binary_inputs
        ((288, 6), 72, True)
    """
    rng = _make_rng(seed)
    fraction = _check_fraction(test_fraction)
    first, second = _check_classes(classes)
    k = _check_int("num_features", num_features, 1)
    if features not in ("pool", "pca"):
        raise DataError(f"features = {features!r} is unknown; use 'pool' or 'pca'")
    if features == "pool" and k != 16:
        raise DataError(
            f"num_features = {k} does not fit features = 'pool', which always gives 16 "
            "(4x4); use num_features = 16 or features = 'pca'"
        )
    images, labels = _load_digits()
    keep = (labels == first) | (labels == second)
    y = np.where(labels[keep] == second, 1, -1).astype(np.int8)
    x_train, y_train, x_test, y_test = _shuffle_split(images[keep], y, rng, fraction, "digits")
    if features == "pool":
        x_train, x_test = _pool_features(x_train, x_test)
    else:
        x_train, x_test = _pca_features(x_train, x_test, k)
    return Dataset(x_train, y_train, x_test, y_test, source="digits", binary_inputs=True)


def _check_classes(classes: Sequence[int]) -> tuple[int, int]:
    try:
        first, second = classes
    except (TypeError, ValueError):
        raise DataError(f"classes = {classes!r} must be two digits, e.g. (0, 1)") from None
    for c in (first, second):
        if isinstance(c, bool) or not isinstance(c, int | np.integer) or not 0 <= c <= 9:
            raise DataError(f"classes = {classes!r}: {c!r} is not a digit 0-9; e.g. (0, 1)")
    if first == second:
        raise DataError(f"classes = {classes!r} names one digit twice; pick two different digits")
    return int(first), int(second)


def _load_digits() -> tuple[np.ndarray, np.ndarray]:
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise DataError(
            "the digits data set needs scikit-learn: pip install 'qanneal[data]'"
        ) from exc
    images, labels = load_digits(return_X_y=True)
    return np.asarray(images, dtype=np.float64), np.asarray(labels)


def _pool(x: np.ndarray) -> np.ndarray:
    """Average-pool (P, 64) 8x8 images in 2x2 blocks to (P, 16)."""
    return x.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16)


def _pool_features(
    x_train: np.ndarray, x_test: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    pooled = _pool(x_train)
    threshold = np.median(pooled, axis=0)

    def binarise(v: np.ndarray) -> np.ndarray:
        return np.where(v > threshold, 1.0, -1.0)

    return binarise(pooled), None if x_test is None else binarise(_pool(x_test))


def _pca_features(
    x_train: np.ndarray, x_test: np.ndarray | None, k: int
) -> tuple[np.ndarray, np.ndarray | None]:
    limit = min(x_train.shape)
    if k > limit:
        raise DataError(
            f"num_features = {k} is more than the {limit} principal components of the "
            f"training split; use num_features <= {limit}"
        )
    mean = x_train.mean(axis=0)
    _, _, vt = np.linalg.svd(x_train - mean, full_matrices=False)
    directions = vt[:k]
    peaks = directions[np.arange(k), np.argmax(np.abs(directions), axis=1)]
    directions = directions * np.where(peaks < 0, -1.0, 1.0)[:, None]

    def binarise(v: np.ndarray) -> np.ndarray:
        return np.where((v - mean) @ directions.T >= 0, 1.0, -1.0)

    return binarise(x_train), None if x_test is None else binarise(x_test)


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
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        row, col = (int(i) for i in bad[0])
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
    bad = np.argwhere(~np.isfinite(x))
    if bad.size:
        row, col = (int(i) for i in bad[0])
        raise DataError(
            f"{display}: array 'x' row {row}, column {col} is {x[row, col]}; "
            "replace NaN/inf with a real value or drop the row"
        )
    return x, _binary_labels(y, display, "array 'y'")
