"""Contraction and back-cast helpers agree with plain numpy on small cases."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.arrays import contract, dot_last, next_year, per_year_contract, previous_year, sum_last


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.integers(1, 6), st.integers(1, 3))
def test_contractions_match_numpy(draws, years, t, k):
    rng = np.random.default_rng(draws * 100 + years * 10 + t)
    x = rng.random((draws, years, t))
    m = rng.random((t, k))
    np.testing.assert_allclose(contract(x, m), x @ m, rtol=1e-12)
    np.testing.assert_allclose(contract(x, m[:, 0]), x @ m[:, 0], rtol=1e-12)
    np.testing.assert_allclose(sum_last(x), x.sum(-1), rtol=1e-12)
    w = rng.random(t)
    np.testing.assert_allclose(dot_last(x, w), x @ w, rtol=1e-12)
    table = rng.random((years, t, k))
    np.testing.assert_allclose(
        per_year_contract(x, table), np.einsum("dyt,ytk->dyk", x, table), rtol=1e-12
    )


def test_back_cast_at_first_growth_and_extrapolate_at_last():
    x = np.array([[2.0, 4.0, 8.0]])
    np.testing.assert_allclose(previous_year(x), [[1.0, 2.0, 4.0]])  # 2² / 4 = 1
    np.testing.assert_allclose(next_year(x), [[4.0, 8.0, 16.0]])  # 8² / 4 = 16
    np.testing.assert_array_equal(previous_year(np.array([[3.0]])), [[3.0]])
