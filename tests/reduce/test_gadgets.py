"""Single monomials: the closed-form gadgets, and the auxiliary counts per method.

Peer-tool figures (benchmarks/README.md, reductions): one degree-6 binary monomial needs
10 variables with dimod, PyQUBO and qubovert (4 auxiliaries), 7 with Freedman's reduction
when negative; one degree-6 spin monomial 14 / 18 / 20 variables (dimod 8 auxiliaries).
"""

import dimod
import pytest

from qanneal.reduce import METHODS, to_bqm, verify
from qanneal.reduce.ishikawa import ishikawa_count
from qanneal.reduce.parity import parity_count

DEGREE_6 = tuple(range(6))


def monomial(degree, bias, vartype):
    return dimod.BinaryPolynomial({tuple(range(degree)): bias}, vartype)


@pytest.mark.parametrize("degree", range(3, 10))
@pytest.mark.parametrize("bias", [2.5, -0.75])
def test_ishikawa_and_freedman_closed_forms(degree, bias):
    poly = monomial(degree, bias, "BINARY")
    bqm, info = to_bqm(poly, "ishikawa")
    report = verify(poly, bqm, info)
    assert report.exact and report.auxiliaries_enumerated
    assert info.num_auxiliary == (ishikawa_count(degree) if bias > 0 else 1)
    assert {a.kind for a in info.auxiliaries} == {"ishikawa" if bias > 0 else "freedman"}
    assert not info.penalties


@pytest.mark.parametrize("degree", range(3, 10))
@pytest.mark.parametrize("bias", [1.0, -3.0])
def test_parity_gadget_keeps_a_spin_monomial_whole(degree, bias):
    poly = monomial(degree, bias, "SPIN")
    bqm, info = to_bqm(poly, "auto")
    assert info.reduced_as == "SPIN"
    assert info.num_auxiliary == parity_count(degree) == (degree - 1) // 2
    assert {a.kind for a in info.auxiliaries} == {"parity"}
    report = verify(poly, bqm, info)
    assert report.exact and report.ground_states_match


@pytest.mark.parametrize(
    ("vartype", "bias", "expected"),
    [
        # auto, rosenberg, freedman, ishikawa, dimod
        ("BINARY", 1.0, {"auto": 2, "rosenberg": 4, "freedman": 4, "ishikawa": 2, "dimod": 4}),
        ("BINARY", -1.0, {"auto": 1, "rosenberg": 4, "freedman": 1, "ishikawa": 1, "dimod": 4}),
        ("SPIN", 1.0, {"auto": 2, "dimod": 8}),
        ("SPIN", -1.0, {"auto": 2, "dimod": 8}),
    ],
)
def test_degree_6_monomial_counts(vartype, bias, expected):
    poly = dimod.BinaryPolynomial({DEGREE_6: bias}, vartype)
    counts = {}
    for method in METHODS:
        bqm, info = to_bqm(poly, method)
        assert verify(poly, bqm, info).exact
        counts[method] = info.num_auxiliary
        assert bqm.num_variables == 6 + info.num_auxiliary
    assert {m: counts[m] for m in expected} == expected
    assert counts["auto"] == min(counts.values())
    assert counts["auto"] <= 7  # the target; peers: dimod 10 (binary) / 14 (spin) variables


def test_spin_monomial_expanded_by_binary_methods_costs_more():
    poly = dimod.BinaryPolynomial({DEGREE_6: 1.0}, "SPIN")
    for method in ("rosenberg", "freedman", "ishikawa"):
        info = to_bqm(poly, method)[1]
        assert info.reduced_as == "BINARY"
        assert info.num_auxiliary > to_bqm(poly, "dimod")[1].num_auxiliary


def test_shared_pair_is_cheaper_than_one_gadget_per_term():
    terms = {(0, 1, k): 1.0 for k in range(2, 7)} | {(0, 1, 7, 8): -1.0}
    poly = dimod.BinaryPolynomial(terms, "BINARY")
    bqm, info = to_bqm(poly, "auto")
    assert info.num_auxiliary == 2  # y = x0 x1 in all six terms, then Freedman on (7, 8, y)
    assert to_bqm(poly, "ishikawa")[1].num_auxiliary == 6
    assert verify(poly, bqm, info).exact


def test_spin_polynomial_may_mix_expansion_and_whole_monomials():
    terms = {(0, 1, 2): 1.0, (0, 1, 3): -1.0, (0, 1, 4): 1.0, (0, 1, 5): 2.0, DEGREE_6: -1.0}
    poly = dimod.BinaryPolynomial(terms, "SPIN")
    bqm, info = to_bqm(poly, "auto")
    report = verify(poly, bqm, info)
    assert report.exact
    assert info.reduced_as in ("SPIN", "MIXED")
    assert info.num_auxiliary < to_bqm(poly, "dimod")[1].num_auxiliary
