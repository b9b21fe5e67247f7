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


def test_software_maturity_by_hand_and_against_mlperf_rounds():
    from aiinfra.catalogs import at_software_year, software_factor

    h100 = get_accelerator("H100-SXM")  # launched 2022; NVIDIA stack +39 %/yr for 4 years
    assert software_factor(h100, 2024.6) == pytest.approx(1.0)
    assert software_factor(h100, 2025.6) == pytest.approx(1.39)
    assert software_factor(h100, 2030.0) == pytest.approx(1.39 ** (4 - 2.6))  # gains end
    assert software_factor(h100, 2010.0) == pytest.approx(1.39 ** (0 - 2.6))
    assert at_software_year(h100, None) is h100
    # MLPerf Llama-2-70B Offline, 8 x H100: 21,806 (v4.0) / 24,525 (v4.1) / 31,307 (v5.0)
    assert software_factor(h100, 2024.2) == pytest.approx(21806 / 24525, rel=0.03)
    assert software_factor(h100, 2025.3) == pytest.approx(31307 / 24525, rel=0.03)


def test_validation_follows_the_software_of_each_round():
    from aiinfra import validation

    rows = {r["case"]: r for r in validation.residuals()}
    for case in ("mlperf40-h100-offline", "mlperf41-h100-offline", "mlperf50-h100-offline"):
        assert abs(rows[case]["rel_error"]) < 0.05, case
