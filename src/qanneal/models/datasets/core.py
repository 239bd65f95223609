"""The Dataset type and the argument checks and helpers every source shares."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qanneal.errors import DataError

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
