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


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 300), st.integers(1, 13), st.integers(1, 40), st.integers(1, 7))
def test_per_year_contract_bits_do_not_depend_on_rows_or_layout(draws, years, t, k):
    # Monte Carlo chunks and workers must give the same bits: each row of the einsum is
    # the loop's sum in index order, for any number of rows, offset and memory layout
    from aiinfra.arrays import _per_year_loop

    rng = np.random.default_rng(draws + 1000 * t + 7 * k)
    x = rng.random((draws, years, t)) - 0.3
    table = rng.random((years, t, k)) * (rng.random((years, t, k)) > 0.4)
    full = per_year_contract(x, table)
    np.testing.assert_array_equal(full, _per_year_loop(x, table))
    half = draws // 2
    np.testing.assert_array_equal(per_year_contract(x[half:], table), full[half:])
    one = per_year_contract(np.ascontiguousarray(x[1:2]), table)
    np.testing.assert_array_equal(one, full[1:2])
    t_major = np.moveaxis(np.ascontiguousarray(np.moveaxis(x, -1, 0)), 0, -1)
    np.testing.assert_array_equal(per_year_contract(t_major, table), full)
