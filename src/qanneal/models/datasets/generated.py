"""Generated data: random storage patterns, teacher-student patterns, synthetic 2-D data."""

from __future__ import annotations

import math

import numpy as np

from qanneal.errors import DataError
from qanneal.models.datasets.core import (
    Dataset,
    LabelFn,
    _check_fraction,
    _check_int,
    _make_rng,
    _plus_minus_one,
    _show_values,
    _shuffle_split,
)

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
