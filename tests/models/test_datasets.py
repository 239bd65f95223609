"""Tests for qanneal.models.datasets: reproducibility, shapes and file rejections."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qanneal.errors import DataError, QannealError
from qanneal.models.datasets import (
    Dataset,
    digits,
    from_file,
    held_out_count,
    random_patterns,
    synthetic2d,
    teacher_patterns,
)


def perceptron(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Sign of x @ w; never 0 for ±1 inputs with an odd number of inputs."""
    return np.sign(x @ w.astype(np.float64)).astype(np.int8)


def assert_same(a: Dataset, b: Dataset) -> None:
    for name in ("x_train", "y_train", "x_test", "y_test", "teacher"):
        left, right = getattr(a, name), getattr(b, name)
        if left is None or right is None:
            assert left is None and right is None, name
        else:
            np.testing.assert_array_equal(left, right, err_msg=name)


def assert_well_formed(d: Dataset, *, plus_minus_inputs: bool) -> None:
    assert d.x_train.dtype == np.float64 and d.x_train.ndim == 2
    assert d.y_train.dtype == np.int8 and d.y_train.shape == (d.num_patterns,)
    assert set(np.unique(d.y_train)) <= {-1, 1}
    if d.x_test is not None:
        assert d.y_test is not None
        assert d.x_test.dtype == np.float64 and d.x_test.shape == (d.num_test, d.num_inputs)
        assert d.y_test.dtype == np.int8 and d.y_test.shape == (d.num_test,)
        assert set(np.unique(d.y_test)) <= {-1, 1}
    assert d.binary_inputs is plus_minus_inputs
    if plus_minus_inputs:
        assert set(np.unique(d.x_train)) <= {-1.0, 1.0}
        if d.x_test is not None:
            assert set(np.unique(d.x_test)) <= {-1.0, 1.0}


# --- reproducibility -------------------------------------------------------------

SOURCES = {
    "random": lambda seed: random_patterns(9, 40, seed=seed, test_fraction=0.25),
    "teacher": lambda seed: teacher_patterns(9, 40, perceptron, 9, seed=seed, test_fraction=0.25),
    "synthetic2d": lambda seed: synthetic2d(50, seed=seed),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_sources_reproducible_from_seed(name: str) -> None:
    make = SOURCES[name]
    assert_same(make(7), make(7))
    other = make(8)
    assert not np.array_equal(make(7).x_train, other.x_train)


@pytest.mark.parametrize("features", ["pool", "pca"])
def test_digits_reproducible_from_seed(features: str) -> None:
    pytest.importorskip("sklearn")
    k = 16 if features == "pool" else 8
    a = digits(seed=3, features=features, num_features=k)
    assert_same(a, digits(seed=3, features=features, num_features=k))
    b = digits(seed=4, features=features, num_features=k)
    assert not np.array_equal(a.y_train, b.y_train)


def test_from_file_reproducible_from_seed(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    rows = "\n".join(f"{i},{-i},{i % 2}" for i in range(30))
    path.write_text(rows + "\n")
    a = from_file(path, seed=1, test_fraction=0.2)
    assert_same(a, from_file(path, seed=1, test_fraction=0.2))
    assert not np.array_equal(a.x_train, from_file(path, seed=2, test_fraction=0.2).x_train)


# --- random and teacher -------------------------------------------------------------


def test_random_patterns_shapes() -> None:
    d = random_patterns(11, 30, seed=0)
    assert d.source == "random" and d.teacher is None
    assert (d.num_patterns, d.num_inputs, d.num_test) == (30, 11, 0)
    assert d.x_test is None and d.y_test is None
    assert_well_formed(d, plus_minus_inputs=True)


def test_random_patterns_held_out() -> None:
    d = random_patterns(5, 80, seed=2, test_fraction=0.2)
    assert d.num_test == 20
    assert_well_formed(d, plus_minus_inputs=True)
    # The training set for a seed does not depend on test_fraction.
    np.testing.assert_array_equal(d.x_train, random_patterns(5, 80, seed=2).x_train)


def test_random_patterns_roughly_balanced() -> None:
    d = random_patterns(50, 400, seed=5)
    assert abs(d.x_train.mean()) < 0.05
    assert abs(d.y_train.astype(float).mean()) < 0.15


def test_teacher_labels_match_label_fn() -> None:
    d = teacher_patterns(15, 60, perceptron, 15, seed=4, test_fraction=0.5)
    assert d.source == "teacher"
    assert d.teacher is not None
    assert d.teacher.dtype == np.int8 and d.teacher.shape == (15,)
    assert set(np.unique(d.teacher)) <= {-1, 1}
    assert d.num_test == 60
    assert_well_formed(d, plus_minus_inputs=True)
    assert d.x_test is not None
    np.testing.assert_array_equal(d.y_train, perceptron(d.teacher, d.x_train))
    np.testing.assert_array_equal(d.y_test, perceptron(d.teacher, d.x_test))


def test_teacher_drawn_first() -> None:
    # The teacher does not depend on the number of patterns, only on the seed.
    a = teacher_patterns(7, 10, perceptron, 7, seed=9)
    b = teacher_patterns(7, 100, perceptron, 7, seed=9)
    assert a.teacher is not None and b.teacher is not None
    np.testing.assert_array_equal(a.teacher, b.teacher)


def test_teacher_num_weights_independent_of_inputs() -> None:
    def two_layer(w: np.ndarray, x: np.ndarray) -> np.ndarray:
        hidden = np.sign(x @ w[:9].reshape(3, 3).T.astype(float))
        return np.sign(hidden @ w[9:].astype(float)).astype(np.int8)

    d = teacher_patterns(3, 20, two_layer, 12, seed=0)
    assert d.teacher is not None and d.teacher.shape == (12,)
    np.testing.assert_array_equal(d.y_train, two_layer(d.teacher, d.x_train))


@pytest.mark.parametrize(
    ("label_fn", "fragment"),
    [
        (lambda w, x: np.zeros(len(x)), "label_fn returned labels [0]"),
        (lambda w, x: np.ones((len(x), 1)), "label_fn returned shape"),
        (lambda w, x: np.array(["a"] * len(x)), "label_fn returned labels"),
    ],
)
def test_teacher_rejects_bad_label_fn(label_fn, fragment: str) -> None:
    with pytest.raises(DataError) as info:
        teacher_patterns(4, 5, label_fn, 4, seed=0)
    assert fragment in str(info.value)


def test_teacher_rejects_non_callable() -> None:
    with pytest.raises(DataError, match="label_fn"):
        teacher_patterns(4, 5, "sign", 4, seed=0)  # type: ignore[arg-type]


# --- held_out_count and argument validation -----------------------------------------


@pytest.mark.parametrize(
    ("num_train", "fraction", "expected"),
    [(80, 0.2, 20), (100, 0.0, 0), (1, 0.1, 1), (0, 0.0, 0), (75, 0.25, 25), (10, 0.5, 10)],
)
def test_held_out_count(num_train: int, fraction: float, expected: int) -> None:
    assert held_out_count(num_train, fraction) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10_000), st.floats(0.01, 0.9))
def test_held_out_count_fraction_of_total(num_train: int, fraction: float) -> None:
    held = held_out_count(num_train, fraction)
    assert held >= 1
    # Rounding moves the count by at most half a pattern from the exact value.
    assert abs(held - num_train * fraction / (1 - fraction)) <= 0.5 or held == 1


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: random_patterns(0, 5, seed=0), "num_inputs = 0 must be >= 1"),
        (lambda: random_patterns(5, 0, seed=0), "num_patterns = 0 must be >= 1"),
        (
            lambda: random_patterns(2.5, 5, seed=0),  # type: ignore[arg-type]
            "num_inputs = 2.5 must be an integer",
        ),
        (lambda: random_patterns(True, 5, seed=0), "num_inputs = True must be an integer"),
        (lambda: random_patterns(5, 5, seed=-1), "seed = -1 must be >= 0"),
        (
            lambda: random_patterns(5, 5, seed=None),  # type: ignore[arg-type]
            "seed = None must be an integer",
        ),
        (lambda: random_patterns(5, 5, seed=0, test_fraction=1.0), "test_fraction = 1.0"),
        (lambda: random_patterns(5, 5, seed=0, test_fraction=-0.1), "test_fraction = -0.1"),
        (lambda: random_patterns(5, 5, seed=0, test_fraction=float("nan")), "test_fraction"),
        (
            lambda: random_patterns(5, 5, seed=0, test_fraction="0.2"),  # type: ignore[arg-type]
            "test_fraction = '0.2'",
        ),
        (lambda: teacher_patterns(5, 5, perceptron, 0, seed=0), "num_weights = 0"),
        (lambda: held_out_count(-1, 0.2), "num_train = -1"),
        (lambda: synthetic2d(0, seed=0), "num_points = 0"),
        (lambda: synthetic2d(1, seed=0), "too few to hold out test_fraction = 0.2"),
        (lambda: synthetic2d(10, seed=0, separation=-1.0), "separation = -1.0"),
        (lambda: synthetic2d(10, seed=0, separation=float("inf")), "separation = inf"),
    ],
)
def test_bad_arguments(call, fragment: str) -> None:
    with pytest.raises(DataError) as info:
        call()
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_data_error_is_qanneal_error() -> None:
    with pytest.raises(QannealError):
        random_patterns(0, 1, seed=0)


def test_dataset_validates_shapes() -> None:
    with pytest.raises(DataError, match="x must be"):
        Dataset(np.ones((3, 2)), np.ones(2, dtype=np.int8), None, None, "file", True)
    with pytest.raises(DataError, match="both be arrays or both None"):
        Dataset(np.ones((3, 2)), np.ones(3, dtype=np.int8), np.ones((1, 2)), None, "file", True)
    with pytest.raises(DataError, match="not all ±1"):
        Dataset(np.ones((3, 2)), np.zeros(3, dtype=np.int8), None, None, "file", True)
    with pytest.raises(DataError, match="x_test has 3 inputs"):
        ones = np.ones(1, dtype=np.int8)
        Dataset(np.ones((3, 2)), np.ones(3, dtype=np.int8), np.ones((1, 3)), ones, "file", True)


# --- synthetic2d ----------------------------------------------------------------------


def test_synthetic2d_split_and_means() -> None:
    d = synthetic2d(1000, seed=0, separation=1.5)
    assert d.source == "synthetic2d"
    assert (d.num_patterns, d.num_test, d.num_inputs) == (800, 200, 2)
    assert_well_formed(d, plus_minus_inputs=False)
    assert d.x_test is not None and d.y_test is not None
    x = np.vstack([d.x_train, d.x_test])
    y = np.concatenate([d.y_train, d.y_test])
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [1.5, 1.5], atol=0.15)
    np.testing.assert_allclose(x[y == -1].mean(axis=0), [-1.5, -1.5], atol=0.15)
    assert 400 < (y == 1).sum() < 600
    # Unit covariance within each class.
    np.testing.assert_allclose(np.cov(x[y == 1].T), np.eye(2), atol=0.2)


def test_synthetic2d_without_test_set() -> None:
    d = synthetic2d(20, seed=1, test_fraction=0.0)
    assert d.num_patterns == 20 and d.x_test is None and d.num_test == 0


# --- digits ----------------------------------------------------------------------------


def test_digits_pool() -> None:
    pytest.importorskip("sklearn")
    d = digits(seed=0)
    assert d.source == "digits"
    assert (d.num_patterns, d.num_test, d.num_inputs) == (288, 72, 16)  # 360 zeros and ones
    assert_well_formed(d, plus_minus_inputs=True)
    means = [d.x_train[d.y_train == label].mean(axis=0) for label in (-1, 1)]
    assert np.abs(means[0] - means[1]).max() > 0.5


def test_digits_pca_separable_by_sign() -> None:
    pytest.importorskip("sklearn")
    d = digits(seed=1, features="pca", num_features=4, classes=(3, 7), test_fraction=0.25)
    assert (d.num_inputs, d.num_patterns + d.num_test) == (4, 183 + 179)
    assert_well_formed(d, plus_minus_inputs=True)
    means = [d.x_train[d.y_train == label].mean(axis=0) for label in (-1, 1)]
    assert np.abs(means[0] - means[1]).max() > 0.5
    # The first principal direction alone classifies well above chance.
    assert d.x_test is not None and d.y_test is not None
    sign = 1 if means[1][0] > means[0][0] else -1
    assert np.mean(sign * d.x_test[:, 0] == d.y_test) > 0.8


def test_digits_first_class_is_minus_one() -> None:
    pytest.importorskip("sklearn")
    a = digits(seed=0, classes=(0, 1), test_fraction=0.0)
    b = digits(seed=0, classes=(1, 0), test_fraction=0.0)
    np.testing.assert_array_equal(a.y_train, -b.y_train)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"features": "raw"}, "features = 'raw' is unknown"),
        ({"features": "pool", "num_features": 8}, "num_features = 8 does not fit"),
        ({"features": "pca", "num_features": 65}, "num_features = 65 is more than"),
        ({"classes": (0, 0)}, "names one digit twice"),
        ({"classes": (0, 10)}, "10 is not a digit"),
        ({"classes": (0,)}, "must be two digits"),
    ],
)
def test_digits_bad_arguments(kwargs: dict, fragment: str) -> None:
    pytest.importorskip("sklearn")
    with pytest.raises(DataError, match=fragment):
        digits(seed=0, **kwargs)


def test_digits_without_sklearn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(DataError, match=r"needs scikit-learn: pip install 'qanneal\[data\]'"):
        digits(seed=0)


# --- from_file: good inputs ------------------------------------------------------------

TABLE = np.array(
    [[1, -1, 1, 1], [-1, 1, 1, -1], [1, 1, -1, 1], [-1, -1, -1, -1], [1, -1, -1, 1]],
    dtype=float,
)


def rows_of(d: Dataset) -> set[tuple[float, ...]]:
    """The (inputs..., label) rows of train and test, order-free."""
    parts = [np.column_stack([d.x_train, d.y_train])]
    if d.x_test is not None and d.y_test is not None:
        parts.append(np.column_stack([d.x_test, d.y_test]))
    return {tuple(r) for r in np.vstack(parts).tolist()}


def write_csv(path: Path, table: np.ndarray, header: str | None = None) -> Path:
    lines = [header] if header else []
    lines += [",".join(f"{v:g}" for v in row) for row in table]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_without_header(tmp_path: Path) -> None:
    d = from_file(write_csv(tmp_path / "d.csv", TABLE), seed=0)
    assert d.source == "file" and d.teacher is None
    assert (d.num_patterns, d.num_inputs, d.num_test) == (5, 3, 0)
    assert_well_formed(d, plus_minus_inputs=True)
    assert rows_of(d) == {tuple(r) for r in TABLE.tolist()}


def test_csv_with_header_and_label_by_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", TABLE, header="a, label ,b,c")
    d = from_file(path, seed=0, label_column="label")
    expected = {(r[0], r[2], r[3], r[1]) for r in TABLE.tolist()}
    assert rows_of(d) == expected


@pytest.mark.parametrize("index", [1, -3])
def test_csv_label_by_index(tmp_path: Path, index: int) -> None:
    d = from_file(write_csv(tmp_path / "d.csv", TABLE), seed=0, label_column=index)
    assert rows_of(d) == {(r[0], r[2], r[3], r[1]) for r in TABLE.tolist()}


def test_csv_zero_one_labels_and_real_inputs(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("x1,x2,y\n0.5,2,0\n\n1.5,-3,1\n  2.5 , 4e0 , 1\n")
    d = from_file(path, seed=0)
    assert_well_formed(d, plus_minus_inputs=False)
    assert rows_of(d) == {(0.5, 2.0, -1.0), (1.5, -3.0, 1.0), (2.5, 4.0, 1.0)}


def test_csv_test_split(tmp_path: Path) -> None:
    table = np.tile(TABLE, (4, 1))  # 20 rows
    d = from_file(write_csv(tmp_path / "d.csv", table), seed=3, test_fraction=0.25)
    assert (d.num_patterns, d.num_test) == (15, 5)
    assert_well_formed(d, plus_minus_inputs=True)


def test_npz(tmp_path: Path) -> None:
    path = tmp_path / "d.npz"
    np.savez(path, x=TABLE[:, :3], y=TABLE[:, 3].astype(int))
    d = from_file(path, seed=0, test_fraction=0.2)
    assert (d.num_patterns, d.num_test, d.num_inputs) == (4, 1, 3)
    assert_well_formed(d, plus_minus_inputs=True)
    assert rows_of(d) == {tuple(r) for r in TABLE.tolist()}


def test_npz_zero_one_labels(tmp_path: Path) -> None:
    path = tmp_path / "d.npz"
    np.savez(path, x=np.arange(6.0).reshape(3, 2), y=np.array([True, False, True]))
    d = from_file(path, seed=0)
    assert sorted(d.y_train.tolist()) == [-1, 1, 1]
    assert not d.binary_inputs


def test_display_path_in_messages(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^data/train\.csv: not found; data\.path is relative"):
        from_file(tmp_path / "train.csv", seed=0, display_path="data/train.csv")


# --- from_file: rejections -------------------------------------------------------------


def _npz(**arrays: np.ndarray):
    def write(path: Path) -> None:
        with path.open("wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]  # no allow_pickle key

    return write


def _text(text: str):
    return lambda path: path.write_text(text)


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


BAD_FILES = [
    # (file name, writer, label_column, message fragment)
    ("d.csv", None, None, "not found; data.path is relative to the problem file"),
    ("d.txt", _text("1,2,1\n"), None, "unknown extension '.txt'; use a .csv or .npz"),
    ("data", _text("1,2,1\n"), None, "unknown extension '(none)'"),
    ("d.csv", _text(""), None, "the file is empty"),
    ("d.csv", _text("\n  \n"), None, "the file is empty"),
    ("d.csv", _text("a,b,y\n"), None, "has a header line but no data rows"),
    ("d.csv", _text("1,2,1\n1,2\n"), None, "line 2 has 2 fields, expected 3 (as on line 1)"),
    ("d.csv", _text("a,b,y\n1,2,1\n\n1,2,1,4\n"), None, "line 4 has 4 fields, expected 3"),
    ("d.csv", _text("1,2,1\n1,abc,-1\n"), None, "line 2, field 2: 'abc' is not a number"),
    ("d.csv", _text("1,2,1\n1,,-1\n"), None, "line 2, field 2: '' is not a number"),
    ("d.csv", _text("x,1,1\n1,1,-1\n"), None, "line 1, field 1: 'x' is not a number"),
    ("d.csv", _text("1,2,1\n1,nan,-1\n"), None, "line 2, field 2: 'nan' is not a finite"),
    ("d.csv", _text("1,2,1\n1,2,1\n-inf,3,1\n"), None, "line 3, field 1: '-inf' is not a finite"),
    ("d.csv", _text("1,2,1\n1,3,2\n"), None, "label column 2 has values [1, 2]"),
    ("d.csv", _text("a,y\n1,0.5\n2,1\n"), None, "label column 'y' has values [0.5, 1]"),
    ("d.csv", _text("1,2,-1\n1,3,0\n1,3,1\n"), None, "has values [-1, 0, 1]; labels must be"),
    ("d.csv", _text("a,b,y\n1,2,1\n1,3,1\n"), "z", "label_column = 'z' is not in the header"),
    ("d.csv", _text("a,y,y\n1,2,1\n1,3,1\n"), "y", "label_column = 'y' appears twice"),
    ("d.csv", _text("1,2,1\n1,3,1\n"), "y", "label_column = 'y' is a name but the file has no"),
    ("d.csv", _text("1,2,1\n1,3,1\n"), 3, "label_column = 3 is out of range for 3 columns"),
    ("d.csv", _text("1,2,1\n1,3,1\n"), -4, "label_column = -4 is out of range"),
    ("d.csv", _text("1,2,1\n1,3,1\n"), 1.0, "label_column = 1.0 must be a column index"),
    ("d.csv", _text("1\n-1\n"), None, "line 1 has 1 field; each row needs at least one input"),
    ("d.csv", _text("1,2,1\n"), None, "has 1 pattern(s); a data set needs at least 2"),
    ("d.csv", _bytes(b"1,2,1\n\xff\xfe,1,1\n"), None, "cannot read as UTF-8 text"),
    ("d.csv", _bytes(b"1,2,1\n1,\x002,1\n"), None, "line 2, field 2"),
    ("d.npz", _bytes(b"not a zip file"), None, "cannot read as NPZ"),
    ("d.npz", _bytes(b""), None, "cannot read as NPZ"),
    ("d.npz", _npz(x=np.ones((3, 2))), None, "NPZ has no array 'y' (found ['x'])"),
    ("d.npz", _npz(a=np.ones(3)), None, "NPZ has no array 'x' or 'y'"),
    ("d.npz", _npz(x=np.ones(3), y=np.ones(3)), None, "array 'x' has shape (3,); it must be 2-D"),
    ("d.npz", _npz(x=np.ones((3, 2)), y=np.ones((3, 1))), None, "array 'y' has shape (3, 1)"),
    ("d.npz", _npz(x=np.ones((3, 2)), y=np.ones(4)), None, "len(y) = 4 but x has 3 rows"),
    ("d.npz", _npz(x=np.ones((1, 2)), y=np.ones(1)), None, "has 1 pattern(s)"),
    ("d.npz", _npz(x=np.ones((0, 2)), y=np.ones(0)), None, "has 0 pattern(s)"),
    ("d.npz", _npz(x=np.ones((3, 0)), y=np.ones(3)), None, "array 'x' has no columns"),
    ("d.npz", _npz(x=np.array([["a"]] * 3), y=np.ones(3)), None, "array 'x' has dtype <U1"),
    ("d.npz", _npz(x=np.ones((3, 2)), y=np.array([1, 2, 1])), None, "array 'y' has values [1, 2]"),
    ("d.npz", _npz(x=np.ones((3, 2)), y=np.array([1.0, np.nan, 1])), None, "values [1, nan]"),
    (
        "d.npz",
        _npz(x=np.array([[1.0, 2.0], [3.0, np.inf], [1, 1]]), y=np.ones(3)),
        None,
        "array 'x' row 1, column 1 is inf",
    ),
    ("d.npz", _npz(x=np.ones((3, 2)), y=np.ones(3)), "y", "applies to CSV files only"),
]


@pytest.mark.parametrize(
    ("name", "write", "label_column", "fragment"),
    BAD_FILES,
    ids=[f"{i}-{case[3][:30]}" for i, case in enumerate(BAD_FILES)],
)
def test_from_file_rejects(tmp_path: Path, name: str, write, label_column, fragment: str) -> None:
    path = tmp_path / name
    if write is not None:
        write(path)
    with pytest.raises(DataError) as info:
        from_file(path, seed=0, label_column=label_column)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert fragment in message, message
    assert "\n" not in message


def test_from_file_rejects_directory(tmp_path: Path) -> None:
    folder = tmp_path / "d.csv"
    folder.mkdir()
    with pytest.raises(DataError, match="is not a regular file"):
        from_file(folder, seed=0)


def test_from_file_rejects_single_npy_array(tmp_path: Path) -> None:
    path = tmp_path / "d.npz"
    with path.open("wb") as handle:
        np.save(handle, np.ones((3, 2)))
    with pytest.raises(DataError, match="holds a single array, not an NPZ archive"):
        from_file(path, seed=0)


def test_from_file_rejects_pickled_npz_member(tmp_path: Path) -> None:
    path = tmp_path / "d.npz"
    np.savez(path, x=np.array([[1, "a"]], dtype=object), y=np.ones(1))
    with pytest.raises(DataError, match="cannot read arrays"):
        from_file(path, seed=0)


def test_from_file_too_small_to_split(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("1,1\n2,-1\n")
    d = from_file(path, seed=0, test_fraction=0.1)  # rounds to 0, but at least one held out
    assert (d.num_patterns, d.num_test) == (1, 1)
    with pytest.raises(DataError, match=r"too few to hold out test_fraction = 0\.9"):
        from_file(path, seed=0, test_fraction=0.9)
