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
