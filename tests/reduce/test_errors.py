"""Bad input raises FormulationError with a one-line message that says what to do."""

import math

import dimod
import pytest

from qanneal.errors import FormulationError
from qanneal.reduce import METHODS, to_bqm

POLY = dimod.BinaryPolynomial({(0, 1, 2): 1.0}, "BINARY")


def one_line(error):
    message = str(error.value)
    assert "\n" not in message
    return message


def test_unknown_method_lists_the_methods():
    with pytest.raises(FormulationError) as error:
        to_bqm(POLY, "magic")
    message = one_line(error)
    assert "'magic'" in message
    assert all(method in message for method in METHODS)


@pytest.mark.parametrize("bias", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("method", METHODS)
def test_non_finite_biases(bias, method):
    poly = dimod.BinaryPolynomial({(0, 1, 2): 1.0, ("a", "b"): bias}, "BINARY")
    with pytest.raises(FormulationError, match="must be a finite number") as error:
        to_bqm(poly, method)
    one_line(error)


@pytest.mark.parametrize("strength", [0, -1.0, math.nan, math.inf, "strong"])
def test_bad_strength(strength):
    with pytest.raises(FormulationError, match="strength") as error:
        to_bqm(POLY, "rosenberg", strength=strength)
    one_line(error)


def test_not_a_binary_polynomial():
    with pytest.raises(FormulationError, match=r"dimod\.BinaryPolynomial") as error:
        to_bqm({(0, 1, 2): 1.0})
    one_line(error)


def test_spin_expansion_too_large_for_binary_methods():
    poly = dimod.BinaryPolynomial({tuple(range(18)): 1.0}, "SPIN")
    with pytest.raises(FormulationError, match="method 'auto'") as error:
        to_bqm(poly, "rosenberg")
    one_line(error)
    assert to_bqm(poly, "auto")[1].num_auxiliary == 8


def test_degree_beyond_the_tables():
    poly = dimod.BinaryPolynomial({tuple(range(70)): -1.0}, "BINARY")
    with pytest.raises(FormulationError, match="degree 70") as error:
        to_bqm(poly)
    one_line(error)


def test_zero_biases_and_empty_polynomials_are_fine():
    poly = dimod.BinaryPolynomial({(0, 1, 2): 0.0, (): 2.0, (3,): 0.0}, "BINARY")
    for method in METHODS:
        bqm, info = to_bqm(poly, method)
        assert info.num_auxiliary == 0 or method == "dimod"  # dimod reduces zero terms too
        assert set(bqm.variables) >= {0, 1, 2, 3}
        assert bqm.energy(dict.fromkeys(bqm.variables, 0)) == 2.0
