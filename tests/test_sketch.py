"""Streaming quantile sketches: exact for one chunk, close to exact when merged."""

from __future__ import annotations

import numpy as np
import pytest

from aiinfra.sketch import LEVELS, merge, sketch

Q = (0.05, 0.25, 0.5, 0.75, 0.95)


def test_one_chunk_is_exact():
    x = np.random.default_rng(1).lognormal(0.0, 1.0, (1999, 40))
    s = sketch(x)
    np.testing.assert_array_equal(s.knots, np.quantile(x, LEVELS, axis=0))
    mean, qs = merge([s], Q)
    np.testing.assert_array_equal(qs, np.quantile(x, Q, axis=0))
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-12)


@pytest.mark.parametrize("sigma", [0.3, 1.0])
def test_merged_chunks_are_within_a_fraction_of_the_monte_carlo_noise(sigma):
    rng = np.random.default_rng(2)
    x = rng.lognormal(0.0, sigma, (20_000, 200))
    parts = [sketch(x[a : a + 2000]) for a in range(0, 20_000, 2000)]
    mean, qs = merge(parts, Q)
    exact = np.quantile(x, Q, axis=0)
    iqr = exact[3] - exact[1]
    err = (np.abs(qs - exact) / iqr).max(axis=1)
    half = (np.abs(np.quantile(x[:10_000], Q, axis=0) - exact) / iqr).max(axis=1)
    assert np.all(err < 0.6 * half), (err, half)  # well inside the sampling noise
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-12)


def test_constant_and_discrete_cells():
    x = np.zeros((4000, 2))
    x[:, 0] = 5.0
    x[:, 1] = np.where(np.random.default_rng(3).random(4000) < 0.3, 0.0, 1.0)
    _, qs = merge([sketch(x[:2000]), sketch(x[2000:])], Q)
    np.testing.assert_array_equal(qs[:, 0], 5.0)
    assert qs[0, 1] == 0.0 and qs[-1, 1] == 1.0
