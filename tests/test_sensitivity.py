"""Sobol indices of an additive toy model, checked against the analytic values."""

import numpy as np
import pytest

from aiinfra.errors import AiinfraError
from aiinfra.sensitivity import sobol_indices


def test_additive_model_indices_by_hand():
    # y = x1 + 2 x2 with U(0,1) inputs: Var = 1/12 + 4/12, S1 = (0.2, 0.8), ST = S1
    res = sobol_indices(lambda x: x[:, 0] + 2 * x[:, 1], ["a", "b"], n=1024, seed=1)
    np.testing.assert_allclose(res["S1"], [0.2, 0.8], atol=0.05)
    np.testing.assert_allclose(res["ST"], [0.2, 0.8], atol=0.05)


def test_no_inputs_is_a_clear_error():
    with pytest.raises(AiinfraError, match="no uncertain inputs"):
        sobol_indices(lambda x: x[:, 0], [], n=8)


def test_convergence_check_doubles_until_stable():
    from aiinfra.sensitivity import converged

    calls = []

    def at(n):
        calls.append(n)
        return sobol_indices(lambda x: x[:, 0] + 2 * x[:, 1], ["a", "b"], n=n, seed=3)

    res = converged(at, n_start=64, n_max=4096)
    assert calls[0] == 64 and calls == [64 * 2**k for k in range(len(calls))]
    assert res["converged"] and res["n"] == calls[-1] and res["s1_above_st"] == []
    np.testing.assert_allclose(res["ST"], [0.2, 0.8], atol=0.06)
    capped = converged(at, n_start=8, n_max=8)  # no room to double: not converged
    assert capped["converged"] is False and capped["n"] == 8


def test_first_order_above_total_is_reported():
    from aiinfra.sensitivity import _flag_s1_above_st

    res = {
        "names": ["a", "b"],
        "S1": np.array([0.5, 0.077]),
        "ST": np.array([0.55, 0.059]),
        "S1_conf": np.array([0.01, 0.005]),
        "ST_conf": np.array([0.01, 0.005]),
    }
    assert _flag_s1_above_st(res)["s1_above_st"] == ["b"]
