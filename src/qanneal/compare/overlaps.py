"""Solution geometry: overlaps between solutions, local entropy, and the capacity.

- Overlap of two ±1 weight vectors q = (1/n) Σ_i w_i w'_i; Hamming distance d = n(1 − q)/2.
- Local entropy (Baldassi, Ingrosso, Lucibello, Saglietti & Zecchina, PRL 115:128101,
  2015): around a solution w, the fraction φ(d) of the C(n, d) weight vectors at Hamming
  distance d that are also solutions, estimated by flipping d random weights many times;
  the local entropy per weight is s(d) = [ln C(n, d) + ln φ(d)]/n. Wide, dense minima
  (φ near 1 at larger d) generalise better than isolated ones.
- Existence of a solution for a random perceptron (capacity α_c ≈ 0.833, Krauth–Mézard
  1989): decided exactly for N ≤ 25 by enumerating all 2^N weight vectors in Gray-code
  order (one column update per step) until one stores every pattern.

Example:
    >>> import numpy as np
    >>> a = np.array([[1, 1, 1, 1], [1, 1, -1, -1]])
    >>> pairwise_overlaps(a).tolist()
    [0.0]
    >>> cross_overlaps(a, a[:1]).tolist()
    [1.0, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numba
import numpy as np

from qanneal.errors import ResourceError
from qanneal.models import BinaryModel
from qanneal.models.datasets.generated import random_patterns

MAX_EXISTENCE_INPUTS = 25
KRAUTH_MEZARD_CAPACITY = 0.833


def pairwise_overlaps(weights: np.ndarray) -> np.ndarray:
    """Overlaps q of every pair of distinct rows (i < j), flat."""
    w = np.asarray(weights, dtype=np.float64)
    if len(w) < 2:
        return np.empty(0)
    gram = w @ w.T / w.shape[1]
    upper = np.triu_indices(len(w), k=1)
    return gram[upper]


def cross_overlaps(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Overlaps q of every row of ``first`` with every row of ``second``, flat."""
    a = np.asarray(first, dtype=np.float64)
    b = np.asarray(second, dtype=np.float64)
    if len(a) == 0 or len(b) == 0:
        return np.empty(0)
    return (a @ b.T / a.shape[1]).ravel()


def hamming(overlaps: np.ndarray, n: int) -> np.ndarray:
    """Hamming distances d = n(1 − q)/2 of overlaps q.

    >>> hamming(np.array([1.0, 0.0, -1.0]), 4).tolist()
    [0, 2, 4]
    """
    return np.rint(n * (1.0 - np.asarray(overlaps)) / 2.0).astype(np.int64)


def local_entropy(
    model: BinaryModel,
    solution: np.ndarray,
    distances: Sequence[int],
    *,
    samples: int = 200,
    seed: int | None = 0,
) -> dict[str, list[Any]]:
    """φ(d), the share of weight vectors at Hamming distance d from ``solution`` that make
    no training error (``samples`` random ones per d), and s(d) = [ln C(n,d) + ln φ(d)]/n
    (−∞ → None when no sample was a solution).

    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1.0, 1.0, 1.0]]), np.array([1]))
    >>> local_entropy(model, np.array([1, 1, 1]), [1, 2], samples=50)["fraction"]
    [1.0, 0.0]
    """
    solution = np.asarray(solution, dtype=np.int8)
    n = solution.size
    rng = np.random.default_rng(seed)
    fractions: list[float] = []
    entropies: list[float | None] = []
    for d in distances:
        if not 0 <= d <= n:
            raise ValueError(f"distance {d} must be in [0, {n}]")
        keys = rng.random((samples, n))
        flip = np.argsort(keys, axis=1)[:, :d]  # d distinct random weights per sample
        neighbours = np.repeat(solution[None, :], samples, axis=0)
        np.put_along_axis(neighbours, flip, -np.take_along_axis(neighbours, flip, axis=1), 1)
        share = float(np.mean(np.atleast_1d(model.errors(neighbours)) == 0))
        fractions.append(share)
        log_count = math.lgamma(n + 1) - math.lgamma(d + 1) - math.lgamma(n - d + 1)
        entropies.append((log_count + math.log(share)) / n if share > 0 else None)
    return {"distance": [int(d) for d in distances], "fraction": fractions, "entropy": entropies}


@numba.njit(cache=True)
def _has_solution(fields_matrix: np.ndarray) -> bool:
    """Whether some w ∈ {±1}^N has every (y_μ ξ_μ)·w > 0; Gray-code enumeration from
    w = (−1, …, −1), flipping one weight per step and updating the P stabilities."""
    num_patterns, n = fields_matrix.shape
    w = -np.ones(n, dtype=np.int64)
    h = np.zeros(num_patterns, dtype=np.int64)
    for mu in range(num_patterns):
        for i in range(n):
            h[mu] += fields_matrix[mu, i] * w[i]
    positive = 0
    for mu in range(num_patterns):
        if h[mu] > 0:
            positive += 1
    if positive == num_patterns:
        return True
    for k in range(1, 1 << n):
        bit = 0
        while (k >> bit) & 1 == 0:
            bit += 1
        w[bit] = -w[bit]
        for mu in range(num_patterns):
            before = h[mu] > 0
            h[mu] += 2 * w[bit] * fields_matrix[mu, bit]
            after = h[mu] > 0
            if before != after:
                positive += 1 if after else -1
        if positive == num_patterns:
            return True
    return False


def has_solution(patterns: np.ndarray, labels: np.ndarray) -> bool:
    """Exact: does a ±1 perceptron without bias store every (pattern, label)?

    >>> has_solution(np.array([[1, 1, 1], [1, 1, -1]]), np.array([1, -1]))
    True
    """
    patterns = np.asarray(patterns)
    if patterns.shape[1] > MAX_EXISTENCE_INPUTS:
        raise ResourceError(
            f"exact existence enumerates 2^N weight vectors and takes N <= "
            f"{MAX_EXISTENCE_INPUTS}; got N = {patterns.shape[1]}"
        )
    fields_matrix = (np.asarray(labels)[:, None] * patterns).astype(np.int64)
    return bool(_has_solution(np.ascontiguousarray(fields_matrix)))


def existence_probability(
    num_inputs: int, alphas: Sequence[float], *, instances: int = 20, seed: int = 0
) -> list[dict[str, Any]]:
    """For each α: the share of random ±1 instances (N = ``num_inputs``, P = round(αN),
    data seeds seed, seed+1, …) that have a solution, decided by enumeration, and which
    ones (``solvable``, in seed order).

    >>> existence_probability(5, [0.2], instances=3)[0]["probability"]
    1.0
    """
    rows = []
    for alpha in alphas:
        patterns = max(1, round(alpha * num_inputs))
        found = [
            has_solution(data.x_train, data.y_train)
            for data in (
                random_patterns(num_inputs, patterns, seed=seed + k) for k in range(instances)
            )
        ]
        rows.append(
            {
                "alpha": float(alpha),
                "patterns": patterns,
                "instances": instances,
                "probability": float(np.mean(found)),
                "solvable": [bool(f) for f in found],
            }
        )
    return rows
