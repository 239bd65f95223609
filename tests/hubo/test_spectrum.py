"""Walsh weight spectra, their text table and their PNG plot."""

import sys

import dimod
import numpy as np
import pytest

from qanneal.errors import OutputError
from qanneal.extras import MissingExtraError
from qanneal.hubo.spectrum import format_spectrum, plot_spectrum, spectrum, spectrum_figure
from qanneal.hubo.walsh import truth_table, walsh_polynomial
from qanneal.models import BinaryPerceptron


def test_parity_has_all_weight_on_the_top_degree():
    parity = dimod.BinaryPolynomial({"abcd": 1.0}, dimod.SPIN)
    assert spectrum(parity).tolist() == [0, 0, 0, 0, 1]


def test_majority_of_three():
    majority = dimod.BinaryPolynomial({"a": 0.5, "b": 0.5, "c": 0.5, "abc": -0.5}, dimod.SPIN)
    assert spectrum(majority).tolist() == [0, 0.75, 0, 0.25]


def test_binary_polynomials_are_converted_to_spin():
    # AND = x_a x_b = (1 + s_a)(1 + s_b)/4: four coefficients of 1/4
    conjunction = dimod.BinaryPolynomial({"ab": 1.0}, dimod.BINARY)
    assert spectrum(conjunction).tolist() == [1 / 16, 2 / 16, 1 / 16]
    assert conjunction.vartype is dimod.BINARY  # not converted in place


def test_parseval_on_a_model_and_a_fixed_length():
    rng = np.random.default_rng(0)
    model = BinaryPerceptron(
        7, rng.choice([-1.0, 1.0], (5, 7)), rng.choice([-1, 1], 5), bias=True, loss="hinge"
    )
    weights = spectrum(walsh_polynomial(model), num_variables=model.num_variables)
    assert weights.shape == (9,)
    assert np.isclose(weights.sum(), np.mean(truth_table(model) ** 2))
    assert spectrum(dimod.BinaryPolynomial({"a": 1.0}, dimod.SPIN), num_variables=3).size == 4
    assert spectrum(dimod.BinaryPolynomial({}, dimod.SPIN)).tolist() == [0.0]
    with pytest.raises(ValueError, match="degree 2"):
        spectrum(dimod.BinaryPolynomial({"ab": 1.0}, dimod.SPIN), num_variables=1)


def test_format_spectrum_table():
    text = format_spectrum(np.array([1.0, 0.3, 0.0, 0.1]))
    lines = text.splitlines()
    assert lines[0].split() == ["degree", "weight", "share"]
    assert [line.split() for line in lines[1:]] == [
        ["0", "1", "-"],
        ["1", "0.3", "75.00%"],
        ["2", "0", "0.00%"],
        ["3", "0.1", "25.00%"],
    ]
    assert format_spectrum(np.array([2.0])).splitlines()[1].split() == ["0", "2", "-"]


def test_plot_writes_a_png_and_never_overwrites(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "spectrum.png"
    plot_spectrum(np.array([0.5, 0.25, 0.0, 0.125]), path)
    content = path.read_bytes()
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(OutputError, match="already exists"):
        plot_spectrum(np.array([1.0, 1.0]), path)
    assert path.read_bytes() == content
    plot_spectrum(np.array([3.0, 0.0]), tmp_path / "flat.png")  # no positive bar
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flat.png", "spectrum.png"]
    with pytest.raises(OutputError, match="does not exist"):
        plot_spectrum(np.array([1.0, 1.0]), tmp_path / "missing" / "s.png")


def test_plot_without_matplotlib_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    with pytest.raises(MissingExtraError, match=r"pip install 'qanneal\[plot\]'"):
        plot_spectrum(np.array([1.0, 1.0]), tmp_path / "s.png")
    assert not (tmp_path / "s.png").exists()


def test_plot_is_titled_with_the_problem_and_has_whole_degrees():
    pytest.importorskip("matplotlib")
    figure = spectrum_figure(np.array([1.0, 0.5, 0.25]), "binn-walsh: Walsh spectrum")
    axes = figure.axes[0]
    assert axes.get_title().startswith("binn-walsh: Walsh spectrum (constant W(0) = 1)")
    ticks = [t for t in axes.get_xticks() if 0.4 <= t <= 2.6]
    assert ticks == [1.0, 2.0]
