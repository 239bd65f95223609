"""scikit-learn's bundled 8x8 digits, two classes, reduced and binarised to ±1."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qanneal.errors import DataError
from qanneal.models.datasets.core import (
    Dataset,
    _check_fraction,
    _check_int,
    _make_rng,
    _shuffle_split,
)

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
