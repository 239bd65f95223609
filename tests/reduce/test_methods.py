"""Every method is exact on random polynomials; auto never needs more auxiliaries than dimod."""

import dimod
import numpy as np
import pytest
from hypothesis import given, settings
from reduce_strategies import polynomials

from qanneal.reduce import METHODS, to_bqm, verify


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=40)
@given(poly=polynomials())
def test_every_method_is_exact(method, poly):
    bqm, info = to_bqm(poly, method)
    report = verify(poly, bqm, info)
    assert report.exhaustive
    assert report.exact, (report.max_deviation, report.worst)
    assert report.ground_states_match
    assert set(bqm.variables) == {*poly.variables, *(a.label for a in info.auxiliaries)}
    assert bqm.vartype is poly.vartype
    assert info.num_couplings == bqm.num_interactions


@settings(max_examples=150)
@given(poly=polynomials(max_terms=8))
def test_auto_never_needs_more_auxiliaries_than_dimod(poly):
    auto = to_bqm(poly, "auto")[1].num_auxiliary
    reference = to_bqm(poly, "dimod")[1].num_auxiliary
    assert auto <= reference


@pytest.mark.parametrize("method", ["auto", "rosenberg", "freedman", "ishikawa"])
@pytest.mark.parametrize("vartype", ["BINARY", "SPIN"])
def test_quadratic_terms_pass_through(method, vartype):
    terms = {(0, 1): 1.5, (1, 2): -2.0, (0,): 0.25, (2,): -1.0, (): 3.0}
    poly = dimod.BinaryPolynomial(terms, vartype)
    bqm, info = to_bqm(poly, method)
    assert info.num_auxiliary == 0
    reference = dimod.make_quadratic(poly, 1.0, vartype)
    for u, v in reference.quadratic:
        assert bqm.quadratic[u, v] == pytest.approx(reference.quadratic[u, v])
    for v in reference.linear:
        assert bqm.linear[v] == pytest.approx(reference.linear[v])
    assert bqm.offset == pytest.approx(reference.offset)


@pytest.mark.parametrize("method", METHODS)
def test_labels_of_any_hashable_type(method):
    poly = dimod.BinaryPolynomial({("x", 1, (2, 3)): -1.0, (1, "y", (2, 3), "x"): 2.0}, "BINARY")
    bqm, info = to_bqm(poly, method)
    assert verify(poly, bqm, info).exact
    assert len(set(bqm.variables)) == bqm.num_variables


def test_auxiliary_labels_never_collide_with_the_polynomial():
    poly = dimod.BinaryPolynomial(
        {("a", "b", "c"): -1.0, ("a*b", "freedman[0]", "c"): 1.0}, "BINARY"
    )
    for method in METHODS:
        bqm, info = to_bqm(poly, method)
        assert bqm.num_variables == 5 + info.num_auxiliary
        assert verify(poly, bqm, info).exact


def test_auto_is_deterministic_with_string_labels():
    rng = np.random.default_rng(3)
    terms = {tuple(f"v{i}" for i in rng.choice(12, 4, replace=False)): 1.0 for _ in range(30)}
    poly = dimod.BinaryPolynomial(terms, "BINARY")
    first, info = to_bqm(poly)
    again, _ = to_bqm(dimod.BinaryPolynomial(dict(reversed(list(terms.items()))), "BINARY"))
    assert first == again
    assert [a.label for a in info.auxiliaries] == [a.label for a in to_bqm(poly)[1].auxiliaries]
