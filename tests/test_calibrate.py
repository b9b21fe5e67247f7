"""Importance weights, effective sample size and its warning."""

import numpy as np
import pytest

from aiinfra.calibrate import effective_sample_size, ess_warning, importance_weights, load_history


def test_weights_are_normalised_and_stable():
    w = importance_weights(np.array([-1000.0, -1000.0, -1001.0]))
    assert w.sum() == pytest.approx(1.0)
    assert w[0] == pytest.approx(w[1]) and w[2] == pytest.approx(w[0] / np.e)


def test_kish_ess_by_hand():
    assert effective_sample_size(np.full(4, 0.25)) == pytest.approx(4.0)
    assert effective_sample_size(np.array([1.0, 0.0])) == pytest.approx(1.0)
    assert ess_warning(2.0, 1000) is not None
    assert ess_warning(900.0, 1000) is None


def test_history_rows_have_sources():
    rows = load_history()
    assert rows and all(r.get("source") for r in rows)
