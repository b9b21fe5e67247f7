"""Growth, lag and bottleneck kernels on hand-computable cases."""

import numpy as np
import pytest

from aiinfra.kernels import compound, deploy, lag_weights, shift_earlier


def test_compound_growth_by_hand():
    out = compound(np.array([100.0, 10.0]), np.array([0.1, -0.5]), np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(out, [[100.0, 110.0, 121.0], [10.0, 5.0, 2.5]])


def test_lag_weights_split_fractional_leads():
    w = lag_weights(np.array([2.3, 0.0, 9.0]), 5)
    np.testing.assert_allclose(w[0], [0, 0, 0.7, 0.3, 0, 0])
    np.testing.assert_allclose(w[1], [1, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(w[2], [0, 0, 0, 0, 0, 1])  # clipped to max_lag
    np.testing.assert_allclose(w.sum(axis=1), 1.0)


def test_shift_earlier_interpolates_and_pads_with_zero():
    x = np.array([[1.0, 2.0, 4.0]])
    np.testing.assert_allclose(shift_earlier(x, np.array([1.0])), [[2.0, 4.0, 0.0]])
    np.testing.assert_allclose(shift_earlier(x, np.array([0.5])), [[1.5, 3.0, 2.0]])


def test_deploy_is_the_min_and_names_the_binding_layer():
    x, b = deploy(np.array([10.0, 1.0]), np.array([[5.0, 7.0], [5.0, 7.0]]))
    np.testing.assert_allclose(x, [5.0, 1.0])
    np.testing.assert_array_equal(b, [0, 2])  # layer 0 binds, then demand (index 2)


def test_phase_weights_spread_a_start_evenly_around_its_lead():
    from aiinfra.kernels import phase_weights

    # no spread: the point lead of lag_weights
    lead = np.array([2.0, 2.3])
    np.testing.assert_allclose(phase_weights(lead, np.zeros(2), 8), lag_weights(lead, 8))
    # lead 2, spread 0.5: delays uniform on [1, 3] years, each shared linearly between
    # its two whole years: lag 1 gets int_1^2 (2 - d)/2 dd = 1/4, lag 2 1/2, lag 3 1/4
    w = phase_weights(np.array([2.0]), np.array([0.5]), 8, points=400)[0]
    np.testing.assert_allclose(w[:4], [0.0, 0.25, 0.5, 0.25], atol=1e-4)
    assert w.sum() == pytest.approx(1.0)
    assert (np.arange(9) * w).sum() == pytest.approx(2.0)  # mean lag is the lead
