"""The catalogs read sourced tables into typed records."""

import numpy as np
import pytest

from aiinfra.catalogs import (
    accelerators,
    capacity_base,
    capacity_series,
    get_accelerator,
    installed_2022,
    shipments_history,
)
from aiinfra.errors import AiinfraError


def test_h100_datasheet_values():
    # NVIDIA H100 SXM datasheet: 700 W, 80 GB HBM3, ~1,979 dense FP8 TFLOP/s
    h = get_accelerator("H100-SXM")
    assert h.tdp_w == 700
    assert h.hbm_bytes == pytest.approx(80e9, rel=0.01)
    assert h.peak("fp8") == pytest.approx(1.979e15, rel=0.02)


def test_unknown_accelerator_is_a_clear_error():
    with pytest.raises(AiinfraError, match="H100"):
        get_accelerator("H100-SXMX")


def test_capacity_series_compounds_after_the_data():
    years = np.arange(2023, 2036)
    base, after = capacity_base("cowos", years)
    assert np.all(base > 0) and after[0] == 0 and np.all(np.diff(after) >= 0)
    s = capacity_series("cowos", years, np.array([0.0, 0.1]))
    np.testing.assert_allclose(s[0], base)
    np.testing.assert_allclose(s[1], base * 1.1**after)


def test_history_tables_cover_known_types():
    names = tuple(accelerators())
    hist = shipments_history(names, np.arange(2023, 2027))
    assert np.all(hist[0] >= 0) and np.isnan(hist[-1]).all()  # 2026 is modelled
    assert installed_2022(names).sum() > 0
