"""Hypothesis strategies for tests/reduce: small random polynomials, binary and spin."""

import dimod
from hypothesis import strategies as st


@st.composite
def polynomials(draw, vartype=None, max_variables=12, max_degree=6, max_terms=6):
    """A BinaryPolynomial over integer labels 0..n−1 with up to ``max_terms`` terms.

    Biases are nonzero integers or floats; the empty term (an offset) may appear.
    """
    n = draw(st.integers(3, max_variables))
    chosen = draw(st.sampled_from(["BINARY", "SPIN"])) if vartype is None else vartype
    if draw(st.booleans()):
        bias = st.integers(-5, 5).filter(bool).map(float)
    else:
        bias = st.floats(-2.0, 2.0, allow_nan=False).filter(lambda b: abs(b) > 1e-3)
    term = st.lists(st.integers(0, n - 1), max_size=max_degree, unique=True).map(
        lambda t: tuple(sorted(t))
    )
    terms = draw(st.dictionaries(term, bias, min_size=1, max_size=max_terms))
    return dimod.BinaryPolynomial(terms, chosen)
