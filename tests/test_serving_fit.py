"""Production serving efficiency fitted to fleet-level observations."""

from __future__ import annotations

from importlib import resources

import pytest

from aiinfra import serving_fit
from aiinfra.quantity import point
from aiinfra.scenario import load_scenario


def test_observations_are_sourced_and_positive():
    rows = serving_fit.observations()
    assert len(rows) >= 3
    for r in rows:
        assert r["source"] and r["year_published"]
        for k in ("devices", "input_tokens_per_day", "output_tokens_per_day"):
            assert float(r[k]) > 0


def test_deepseek_observation_by_hand():
    # DeepSeek open-infra-index day 6: (608 + 168) B tokens/day on 1,814 GPUs in use
    row = next(r for r in serving_fit.observations() if r["observation"].startswith("deepseek"))
    e = serving_fit.efficiency_of(row)
    assert e["observed_tokens_per_s_per_device"] == pytest.approx(776e9 / 86400 / 1814)
    # the roofline under the same targets serves more per device than production does
    assert e["roofline_tokens_per_s_per_device"] > e["observed_tokens_per_s_per_device"]
    assert 0.05 < e["efficiency_at_year"] < 1.0


def test_base_scenario_uses_the_fit():
    f = serving_fit.fit()
    pe = load_scenario("base").compute.production_efficiency
    # the scenario states the fit's geometric mean (rounded) as the lognormal median
    assert point(pe) == pytest.approx(f["median"], rel=0.05)
    assert f["log_sd"] > 0  # the observations disagree: the spread is reported


def test_serving_fit_csv_in_sync():
    path = resources.files("aiinfra") / "data" / "serving_fit.csv"
    assert path.read_text(encoding="utf-8") == serving_fit.serving_fit_csv(), (
        "regenerate with: python -m aiinfra.serving_fit --write"
    )
