"""Walsh weight spectrum of a polynomial: how a loss spreads over interaction orders.

For a SPIN polynomial f(s) = Σ_S f̂(S) Π_{i∈S} s_i the weight of degree k is

    W(k) = Σ_{|S|=k} f̂(S)²,      Σ_k W(k) = mean of f² over all states (Parseval),

so W(k)/Σ_{k≥1} W(k) is the share of the loss's variance carried by k-body
interactions: what a degree-k truncation keeps, and how far the landscape is from
an Ising (k ≤ 2) model. A BINARY polynomial is converted to SPIN first (x = (1+s)/2).

Example (majority of three spins: all weight on degrees 1 and 3):
    >>> import dimod
    >>> majority = dimod.BinaryPolynomial(
    ...     {"a": 0.5, "b": 0.5, "c": 0.5, "abc": -0.5}, dimod.SPIN)
    >>> spectrum(majority).tolist()
    [0.0, 0.75, 0.0, 0.25]
    >>> print(format_spectrum(spectrum(majority)))
    degree  weight        share
         0  0             -
         1  0.75          75.00%
         2  0             0.00%
         3  0.25          25.00%
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import dimod
import numpy as np

from qanneal.errors import OutputError
from qanneal.extras import require
from qanneal.files import write_new_file


def spectrum(poly: dimod.BinaryPolynomial, *, num_variables: int | None = None) -> np.ndarray:
    """W(k) for k = 0 … n, as float64; n = ``num_variables`` or the polynomial's variables.

    Pass ``num_variables`` (e.g. ``model.num_variables``) to get the same length for
    every polynomial of a model, even when some variables dropped out.

    >>> spectrum(dimod.BinaryPolynomial({(): 1.0, "ab": 2.0}, dimod.SPIN)).tolist()
    [1.0, 0.0, 4.0]
    >>> spectrum(dimod.BinaryPolynomial({"x": 1.0}, dimod.BINARY)).tolist()   # x = (1 + s)/2
    [0.25, 0.25]
    """
    spin = poly.to_spin() if poly.vartype is dimod.BINARY else poly
    n = len(spin.variables) if num_variables is None else int(num_variables)
    if spin.degree > n:
        raise ValueError(f"the polynomial has degree {spin.degree} > num_variables = {n}")
    degrees = np.fromiter((len(term) for term in spin), dtype=np.int64, count=len(spin))
    biases = np.fromiter(spin.values(), dtype=np.float64, count=len(spin))
    return np.bincount(degrees, weights=biases**2, minlength=n + 1).astype(np.float64)


def format_spectrum(weights: np.ndarray) -> str:
    """A text table: degree, W(k), and W(k) as a share of the non-constant weight Σ_{k≥1} W(k).

    The constant (k = 0) has no share; without non-constant weight every share is "-".

    >>> print(format_spectrum(np.array([4.0, 0.0])))
    degree  weight        share
         0  4             -
         1  0             -
    """
    weights = np.asarray(weights, dtype=np.float64)
    varying = float(weights[1:].sum())
    lines = ["degree  weight        share"]
    for degree, weight in enumerate(weights.tolist()):
        share = "-" if degree == 0 or varying <= 0 else f"{100 * weight / varying:.2f}%"
        lines.append(f"{degree:>6}  {weight:<12.6g}  {share}")
    return "\n".join(lines)


def spectrum_figure(weights: np.ndarray, title: str = "Walsh spectrum") -> Any:
    """A matplotlib Figure: bars of W(k), k ≥ 1 (log scale), titled ``title`` (say which
    problem it is) and the constant W(0); the degree axis has integer ticks only."""
    require("plot", "plotting a spectrum")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    weights = np.asarray(weights, dtype=np.float64)
    degrees = np.arange(1, weights.size)
    figure = Figure(figsize=(6.0, 3.5), layout="constrained")
    axes = figure.add_subplot()
    positive = weights[1:] > 0
    axes.bar(degrees[positive], weights[1:][positive], color="tab:blue")
    if positive.any():
        axes.set_yscale("log")
    axes.set_xlim(0.4, max(1, weights.size - 1) + 0.6)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("degree k (interaction order)")
    axes.set_ylabel("Walsh weight W(k)")
    axes.set_title(f"{title} (constant W(0) = {weights[0]:.4g})")
    return figure


def plot_spectrum(
    weights: np.ndarray, path: str | os.PathLike[str], title: str = "Walsh spectrum"
) -> None:
    """Write :func:`spectrum_figure` as a new PNG at ``path``.

    Needs matplotlib (``pip install 'qanneal[plot]'``). The file is written atomically
    and an existing file is never overwritten (OutputError).
    """
    path = Path(path)
    if path.exists():
        raise OutputError(f"{path} already exists; choose another name or remove it first")
    figure = spectrum_figure(weights, title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120)
    write_new_file(path, buffer.getvalue())
