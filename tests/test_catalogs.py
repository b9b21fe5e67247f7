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

    h100 = get_accelerator("H100-SXM")
    assert software_factor(h100, 2024.6) == pytest.approx(1.0)
    assert at_software_year(h100, None) is h100
    # MLPerf Llama-2-70B Offline, 8 x H100: 21,806 (v4.0) against 24,525 (v4.1)
    assert software_factor(h100, 2024.2) == pytest.approx(21806 / 24525, rel=0.01)
    # v5.0: the geometric mean of the same-hardware gains of H100, H200 and B200
    gains = (31307 / 24525) * (34988 / 31303) * (98858 / 8 / 11264)
    assert software_factor(h100, 2025.3) == pytest.approx(gains ** (1 / 3), rel=0.01)
    # log-linear between rounds, flat outside them; every part of a stack alike
    mid = software_factor(h100, 2024.95)
    assert mid == pytest.approx(
        (software_factor(h100, 2024.6) * software_factor(h100, 2025.3)) ** 0.5
    )
    assert software_factor(h100, 2030.0) == software_factor(h100, 2025.7)
    assert software_factor(h100, 2010.0) == software_factor(h100, 2024.2)
    assert software_factor(get_accelerator("B200"), 2025.3) == software_factor(h100, 2025.3)
    # AMD: 8 x MI300X 27,804 tokens/s in v5.1 against 23,515 in v4.1
    mi = get_accelerator("MI300X")
    assert software_factor(mi, 2025.7) == pytest.approx(27804 / 23515, rel=0.01)


def test_serving_stack_overheads():
    from aiinfra.catalogs import step_overhead_factor

    assert step_overhead_factor(get_accelerator("H100-SXM")) == 1.0
    assert step_overhead_factor(get_accelerator("MI300X")) > 1.0  # vLLM without HIP graphs


def test_validation_follows_the_software_of_each_round():
    from aiinfra import validation

    rows = {r["case"]: r for r in validation.residuals()}
    # the same hardware across rounds: the stack trend follows each part within 12 %
    # (H100 gained 28 % v4.1 -> v5.0, H200 12 %, B200 10 %; the trend is their mean, and
    # compute-bound parts stop gaining at the MFU ceiling)
    for case in (
        "mlperf40-h100-offline",
        "mlperf41-h100-offline",
        "mlperf50-h100-offline",
        "mlperf41-h200-offline",
        "mlperf50-h200-offline",
        "mlperf50-b200x8-offline",
        "mlperf51-b200x8-offline",
        "mlperf41-mi300x-offline",
        "mlperf51-mi300x-offline",
    ):
        assert abs(rows[case]["rel_error"]) < 0.12, case
