"""What a trained quantum hypernetwork holds: the networks it samples and how good they are.

After training, measuring |ψ(θ)⟩ N_s times gives N_s networks. :func:`summarise_networks`
groups them into distinct networks with their share of the shots, training loss, errors
and train/test accuracy; picks the best (lowest loss, then most frequent); and measures
the mutual Hamming distances among the *good* networks (accuracy ≥ a threshold on the
test split, or on the training split without test data). The Torta talk reports ≈ 22
among the networks above 90% test accuracy on MNIST 0-vs-1 with 66 qubits: the state
holds a spread-out family of solutions, not one.

Example (two shots of the same network and one other):
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1.0, 1.0, 1.0]]), np.array([1]))
    >>> bits = np.array([[0, 0, 0], [0, 0, 0], [1, 1, 0]], dtype=np.uint8)
    >>> summary = summarise_networks(model, bits)
    >>> summary["distinct"], summary["best"]["spins"], summary["best"]["share"]
    (2, '+++', 0.6666666666666666)
    >>> summary["good"]["count"], summary["good"]["hamming_mean"]
    (1, None)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qanneal.models import BinaryModel
from qanneal.samplers.vqa.cost import bits_to_spins

MAX_HAMMING_NETWORKS = 2000  # distinct good networks compared pairwise (most frequent first)


def spin_string(spins: np.ndarray) -> str:
    """'+−' text of a spin vector, '+' for +1 and '-' for −1.

    >>> spin_string(np.array([1, -1, 1]))
    '+-+'
    """
    return "".join("+" if s > 0 else "-" for s in spins)


def summarise_networks(
    model: BinaryModel,
    bits: np.ndarray,
    *,
    test: tuple[np.ndarray, np.ndarray] | None = None,
    good_accuracy: float = 0.9,
    top: int = 10,
) -> dict[str, Any]:
    """Distribution, best network and mutual Hamming distances of sampled networks.

    ``bits``: (S, n) measurement bits (or any (..., n), flattened). ``test``: held-out
    (patterns, labels) for test accuracies. Returns a JSON-ready dict.
    """
    flat = np.asarray(bits, dtype=np.uint8).reshape(-1, model.num_variables)
    unique, counts = np.unique(flat, axis=0, return_counts=True)
    spins = bits_to_spins(unique)
    losses = np.atleast_1d(np.asarray(model.energy(spins), dtype=np.float64))
    errors = np.atleast_1d(model.errors(spins))
    train_acc = np.atleast_1d(model.accuracy(spins))
    test_acc = None if test is None else np.atleast_1d(model.accuracy(spins, *test))
    order = np.lexsort((-counts, losses))
    shares = counts / flat.shape[0]

    def describe(i: int) -> dict[str, Any]:
        return {
            "spins": spin_string(spins[i]),
            "share": float(shares[i]),
            "loss": float(losses[i]),
            "train_errors": int(errors[i]),
            "train_accuracy": float(train_acc[i]),
            "test_accuracy": None if test_acc is None else float(test_acc[i]),
        }

    judged = train_acc if test_acc is None else test_acc
    good = np.flatnonzero(judged >= good_accuracy)
    return {
        "shots": int(flat.shape[0]),
        "distinct": int(unique.shape[0]),
        "best": describe(int(order[0])),
        "most_likely": [describe(int(i)) for i in np.argsort(-counts, kind="stable")[:top]],
        "zero_error_share": float(shares[errors == 0].sum()),
        "mean_loss": float(shares @ losses),
        "good": {
            "split": "train" if test_acc is None else "test",
            "threshold": good_accuracy,
            "count": int(good.size),
            "share": float(shares[good].sum()),
            **hamming_statistics(spins[good], counts[good]),
        },
    }


def hamming_statistics(spins: np.ndarray, counts: np.ndarray) -> dict[str, Any]:
    """Mean / min / max Hamming distance over pairs of distinct networks, and the mean
    over pairs of shots (weighted by counts, pairs of one shot with itself excluded).

    >>> stats = hamming_statistics(np.array([[1, 1], [-1, 1]]), np.array([1, 3]))
    >>> stats["hamming_mean"], stats["hamming_shot_mean"]
    (1.0, 0.5)
    """
    if len(spins) > MAX_HAMMING_NETWORKS:
        keep = np.argsort(-counts, kind="stable")[:MAX_HAMMING_NETWORKS]
        spins, counts = spins[keep], counts[keep]
    empty = {"hamming_mean": None, "hamming_min": None, "hamming_max": None}
    if len(spins) < 2:
        return {**empty, "hamming_shot_mean": None if counts.sum() < 2 else 0.0}
    as_float = np.asarray(spins, dtype=np.float64)
    n = as_float.shape[1]
    distances = 0.5 * (n - as_float @ as_float.T)
    pairs = np.triu_indices(len(spins), k=1)
    values = distances[pairs]
    weights = np.outer(counts, counts).astype(np.float64)
    total = counts.sum()
    shot_pairs = total * (total - 1)
    return {
        "hamming_mean": float(values.mean()),
        "hamming_min": float(values.min()),
        "hamming_max": float(values.max()),
        "hamming_shot_mean": float((weights * distances).sum() / shot_pairs),
    }


__all__ = ["hamming_statistics", "spin_string", "summarise_networks"]
