"""Closed-form Walsh expansion of a perceptron's loss (``formulation.type = "symmetric"``).

With ±1 data, pattern μ's stability is Δ_μ = Σ_i c_μi w_i with c_μi = y_μ ξ_μi (the
bias is an input fixed at 1, so its column is y_μ). In the spins t_i = c_μi w_i the
pattern loss g(Δ) = g(Σ_i t_i) is a symmetric function of n spins, so its Walsh
coefficient depends on |S| = k only. A state with m spins at −1 has Σ t = n − 2m, and
summing Π_{i∈S} t_i over those states (j of the m minus signs inside S) gives

    ĝ_k = 2^{-n} Σ_{m=0}^{n} g(n − 2m) K_m(k),   K_m(k) = Σ_j (−1)^j C(k, j) C(n−k, m−j),

where K_m(k) (a Krawtchouk polynomial; C(n,m) K_k(m) = C(n,k) K_m(k)) is the
coefficient of z^m in (1 − z)^k (1 + z)^{n−k}. Back in the weights,
Π_{i∈S} t_i = (Π_{i∈S} c_μi) Π_{i∈S} w_i, so the whole loss is

    E(w) = Σ_S ĝ_{|S|} (Σ_μ Π_{i∈S} c_μi) Π_{i∈S} w_i,

the same polynomial as :func:`qanneal.hubo.walsh.walsh_polynomial`, but computed
without the 2^n truth table: it scales to any n when truncated at a low degree.

Exactness: K_m(k) are Python integers, divided by 2^n with correctly rounded integer
division and summed against g with ``math.fsum``; pattern sums are integers.

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, 1, 1]]), np.array([1]))
    >>> symmetric_coefficients(model).tolist()      # errors = Θ(−Σ t)
    [0.5, -0.25, 0.0, 0.25]
    >>> symmetric_monomial_count(101, 30, max_degree=3)
    171802
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator
from typing import Any

import dimod
import numpy as np

from qanneal.errors import FormulationError, ResourceError
from qanneal.hubo.walsh import check_memory, gc_paused, monomial_bytes
from qanneal.models import BinaryModel, BinaryPerceptron, pattern_losses

_CHUNK_ENTRIES = 2**22  # patterns × subsets × degree gathered at a time


def symmetric_polynomial(
    model: BinaryModel,
    *,
    max_degree: int | None = None,
    tolerance: float = 1e-12,
    max_monomials: int | None = None,
) -> dimod.BinaryPolynomial:
    """The perceptron's training loss as a SPIN polynomial, from the closed form above.

    Equal to ``walsh_polynomial(model, max_degree=..., tolerance=...)`` (up to rounding):
    coefficients with |c| ≤ ``tolerance`` are dropped and ``max_degree = k`` keeps the
    best degree-≤k approximation in mean squared error over all states. Before building
    anything, refuses (ResourceError) more than ``max_monomials`` monomials (default: no
    limit) or more than fit in the available memory.

    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> x = np.array([[1, -1, 1], [-1, -1, 1]])
    >>> model = BinaryPerceptron(3, x, np.array([1, -1]), loss="hinge", margin=1.0)
    >>> poly = symmetric_polynomial(model)
    >>> float(poly.energy({"w[0]": 1, "w[1]": -1, "w[2]": 1})), model.energy(np.array([1, -1, 1]))
    (2.0, 2.0)
    """
    if max_degree is not None and max_degree < 0:
        raise ValueError(f"max_degree = {max_degree} must be >= 0 (or None for no limit)")
    if not tolerance >= 0:
        raise ValueError(f"tolerance = {tolerance} must be >= 0")
    perceptron = _perceptron(model)
    coefficients = symmetric_coefficients(perceptron, max_degree=max_degree)
    columns = np.asarray(perceptron.labels[:, None] * perceptron.augmented(), dtype=np.int8)
    num_patterns, n = columns.shape
    degrees = [k for k, g in enumerate(coefficients) if num_patterns * abs(g) > tolerance]
    count = symmetric_monomial_count(n, num_patterns, max_degree, degrees=degrees)
    if max_monomials is not None and count > max_monomials:
        raise ResourceError(
            f"the symmetric polynomial would have up to {count:,} monomials "
            f"(max_monomials = {max_monomials:,}); lower max_degree or use formulation 'native'"
        )
    needed = sum(math.comb(n, k) * monomial_bytes(k) for k in degrees)
    check_memory(
        needed,
        f"a symmetric polynomial of up to {count:,} monomials",
        "lower max_degree or use formulation 'native'",
    )
    labels = np.empty(n, dtype=object)
    labels[:] = model.variables
    terms = itertools.chain.from_iterable(
        _degree_terms(columns, labels, k, coefficients[k], tolerance) for k in degrees
    )
    with gc_paused():
        return dimod.BinaryPolynomial(terms, dimod.SPIN)


def symmetric_coefficients(model: BinaryModel, *, max_degree: int | None = None) -> np.ndarray:
    """ĝ_k for k = 0 … min(n, max_degree): one pattern's Walsh coefficient per |S|.

    Raises FormulationError unless the model is a BinaryPerceptron with ±1 patterns and
    labels (the loss must be a function of Σ_i t_i with t_i = ±1).
    """
    _perceptron(model)
    n = model.num_variables
    top = n if max_degree is None else min(n, max_degree)
    sums = np.arange(n, -n - 1, -2, dtype=np.float64)  # Σ t = n − 2m for m = 0 … n
    losses = pattern_losses(sums, model.loss, margin=model.margin, fan_in=model.fan_in).tolist()
    scale = 1 << n
    return np.array(
        [
            math.fsum(count / scale * loss for count, loss in zip(row, losses, strict=True))
            for row in krawtchouk_rows(n, top)
        ]
    )


def krawtchouk_rows(num_variables: int, max_degree: int) -> Iterator[list[int]]:
    """For k = 0 … max_degree, the integers K_m(k) for m = 0 … n: (1 − z)^k (1 + z)^{n−k}.

    Row k+1 is row k divided by (1 + z) and multiplied by (1 − z), exactly.

    >>> list(krawtchouk_rows(3, 3))
    [[1, 3, 3, 1], [1, 1, -1, -1], [1, -1, -1, 1], [1, -3, 3, -1]]
    """
    n = num_variables
    row = [math.comb(n, m) for m in range(n + 1)]
    for k in range(max_degree + 1):
        yield list(row)
        if k == n:
            return
        quotient = [0] * n  # row / (1 + z): q_m = p_m − q_{m−1}
        previous = 0
        for m in range(n):
            previous = row[m] - previous
            quotient[m] = previous
        row = [a - b for a, b in zip([*quotient, 0], [0, *quotient], strict=True)]


def symmetric_monomial_count(
    num_variables: int,
    num_patterns: int,
    max_degree: int | None = None,
    *,
    degrees: Iterable[int] | None = None,
) -> int:
    """Upper bound on the monomials of a symmetric polynomial: Σ_k C(n, k).

    The sum runs over k ≤ ``max_degree`` in ``degrees`` (the degrees whose coefficient
    ĝ_k is not zero — e.g. only odd k and 0 for the errors loss with odd n; default:
    every degree). It does not grow with the number of patterns: every pattern
    contributes to the same subsets. The built polynomial has exactly this many terms
    unless the pattern sums Σ_μ Π_{i∈S} c_μi cancel (never with one pattern) or
    fall under the tolerance; zero when there are no patterns.

    >>> symmetric_monomial_count(5, 3), symmetric_monomial_count(5, 3, degrees=[0, 1, 3, 5])
    (32, 17)
    """
    if num_patterns == 0:
        return 0
    top = num_variables if max_degree is None else min(num_variables, max_degree)
    wanted = range(top + 1) if degrees is None else sorted(set(degrees))
    return sum(math.comb(num_variables, k) for k in wanted if 0 <= k <= top)


def _perceptron(model: BinaryModel) -> BinaryPerceptron:
    """The model itself, if the symmetric closed form applies to it."""
    if not isinstance(model, BinaryPerceptron):
        raise FormulationError(
            "formulation 'symmetric' needs model.type = 'perceptron' (a BiNN's loss is not "
            "a function of Σ_i w_i ξ_i); use 'walsh' (up to 24 variables) or 'native'"
        )
    if not np.isin(model.patterns, (-1.0, 1.0)).all():
        raise FormulationError(
            "formulation 'symmetric' needs ±1 patterns; use 'walsh' (up to 24 variables) "
            "or 'native' for real-valued data"
        )
    if not np.isin(model.labels, (-1, 1)).all():
        raise FormulationError("formulation 'symmetric' needs labels of ±1")
    return model


def _degree_terms(
    columns: np.ndarray, labels: np.ndarray, degree: int, coefficient: float, tolerance: float
) -> Iterator[tuple[frozenset[Any], float]]:
    """(frozenset of labels, ĝ_k Σ_μ Π_{i∈S} c_μi) for the subsets S of this size."""
    num_patterns, n = columns.shape
    if degree == 0:
        yield frozenset(), coefficient * num_patterns
        return
    chunk = max(1, _CHUNK_ENTRIES // (num_patterns * degree))
    subsets = itertools.combinations(range(n), degree)
    while True:
        flat = np.fromiter(
            itertools.chain.from_iterable(itertools.islice(subsets, chunk)), dtype=np.int64
        )
        if flat.size == 0:
            return
        members = flat.reshape(-1, degree)
        pattern_sums = columns[:, members].prod(axis=-1, dtype=np.int64).sum(axis=0)
        biases = coefficient * pattern_sums.astype(np.float64)
        keep = np.abs(biases) > tolerance
        terms = map(frozenset, labels[members[keep]].tolist())
        yield from zip(terms, biases[keep].tolist(), strict=True)
