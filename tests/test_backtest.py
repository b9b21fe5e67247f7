"""Backtest: calibration on history, scores on what came after."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from aiinfra.backtest import (
    ESS_FLOOR,
    backtest,
    calibration_weights,
    crps_weighted,
    load_observations,
)
from aiinfra.cli import app


def test_observations_file_is_sourced_and_broad():
    obs = load_observations()
    assert len(obs) >= 40
    assert len({o["layer"] for o in obs}) >= 7
    assert all(o["source"] and 2022 <= o["year"] <= 2026 for o in obs)
    # 2026 is not over: its values are guidance, or estimates from part of the year that
    # were published in 2026 (NVIDIA Q1 FY2027, Google I/O 2026), never "observed"
    y26 = [o for o in obs if o["year"] == 2026]
    assert all(o["status"] in ("guidance", "estimate") for o in y26)
    assert all(o["year_published"] == 2026 for o in y26 if o["status"] == "estimate")


def test_crps_hand_cases():
    # a point forecast: CRPS = |x - y|
    assert crps_weighted(np.array([2.0]), np.array([1.0]), 5.0) == pytest.approx(3.0)
    # standard normal at its mean: 2 phi(0) - 1/sqrt(pi) = 0.2337 (Gneiting & Raftery 2007)
    x = np.random.default_rng(0).standard_normal(200_000)
    assert crps_weighted(x, np.ones_like(x), 0.0) == pytest.approx(0.2337, abs=3e-3)


def test_tempering_keeps_the_effective_sample_size():
    rng = np.random.default_rng(1)
    values = np.exp(rng.normal(0.0, 0.5, size=(1, 2000)))
    w, beta = calibration_weights(values, np.array([1.3]), np.array([0.001]))
    ess = 1.0 / np.sum(w**2)
    assert beta < 1.0 and ess == pytest.approx(ESS_FLOOR * 2000, rel=0.05)
    w1, beta1 = calibration_weights(values, np.array([1.3]), np.array([0.5]))
    assert beta1 == 1.0 and 1.0 / np.sum(w1**2) > ESS_FLOOR * 2000


KS = {f"v{i}": 1.0 + i for i in range(10)}  # ten observed quantities, two layers


def _synthetic(theta: np.ndarray) -> xr.Dataset:
    years = np.arange(2022, 2027)
    growth = 2.0 ** (years - 2022)
    v = theta[:, None] * growth[None, :]
    return xr.Dataset(
        {name: (("draw", "year"), k * v) for name, k in KS.items()},
        coords={"draw": np.arange(len(theta)), "year": years},
    )


def test_synthetic_truth_is_recovered_and_later_years_covered():
    rng = np.random.default_rng(2)
    theta = np.exp(rng.normal(0.0, 0.5, 4000))  # prior: median 1, factor ~1.65 per sigma
    truth = 1.5
    obs = []
    for year in range(2022, 2027):
        for i, (var, k) in enumerate(KS.items()):
            layer = "a" if i % 2 else "b"
            value = truth * k * 2.0 ** (year - 2022) * np.exp(0.05 * rng.standard_normal())
            obs.append(
                {
                    "variable": var,
                    "year": year,
                    "category": None,
                    "value": float(value),
                    "rel_sigma": 0.05,
                    "status": "observed",
                    "layer": layer,
                    "source": "synthetic",
                }
            )
    r = backtest(_synthetic(theta), 2024, obs, seed=3)
    assert r["calibrated_on"] == 30 and r["observations"] == 20
    assert r["ess_posterior"] < 0.5 * r["ess_prior"]  # the history is informative
    # the posterior median of the scored variables sits on the truth
    for row in r["rows"]:
        k = KS[row["variable"]]
        assert row["model_p50"] == pytest.approx(truth * k * 2.0 ** (row["year"] - 2022), rel=0.1)
    # a right model with honest noise covers about 90 % and 50 % of the later values
    assert r["coverage_90"] >= 0.8 and 0.3 <= r["coverage_50"] <= 0.8
    assert set(r["by_layer"]) == {"a", "b"}
    # a prior that excludes the truth is caught: the later years fall outside the bands
    bad = backtest(_synthetic(np.full(100, 0.5)), 2024, obs, seed=3)
    assert bad["coverage_90"] == 0.0


def test_backtest_cli_json():
    res = CliRunner().invoke(app, ["backtest", "--cutoff", "2024", "--draws", "200", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    for key in ("cutoff", "observations", "coverage_90", "coverage_50", "crps", "by_layer", "rows"):
        assert key in d
    assert d["cutoff"] == 2024 and d["observations"] >= 15 and len(d["by_layer"]) >= 5
    assert all(r["year"] > 2024 for r in d["rows"])
    late = CliRunner().invoke(app, ["backtest", "--cutoff", "2025", "--draws", "200", "--json"])
    assert {r["year"] for r in json.loads(late.output)["rows"]} == {2026}
    bad = CliRunner().invoke(app, ["backtest", "--cutoff", "2031"])
    assert bad.exit_code == 2 and "--cutoff: 2031 is not allowed" in bad.output


@pytest.mark.slow
def test_base_scenario_meets_the_track_record_targets():
    # Issue targets: cutoff 2024 scores >= 15 later observations in >= 5 layers, >= 80 % in
    # their 90 % bands and no layer below 60 %; calibrated on everything to 2025, >= 90 %
    # of the history inside its posterior 90 % bands. 1,000 draws as the CLI default.
    import aiinfra
    from aiinfra.backtest import backtest

    ds = aiinfra.run("base", draws=1000, seed=0)
    early = backtest(ds, 2024)
    assert early["observations"] >= 15 and len(early["by_layer"]) >= 5
    assert early["coverage_90"] >= 0.8
    assert min(v["coverage_90"] for v in early["by_layer"].values()) >= 0.6
    assert early["median_band90_rel_width"] < 1.5  # bands not widened into meaninglessness
    late = backtest(ds, 2025)
    assert late["observations"] >= 8  # the 2026 guidance rows
    assert late["history"]["summary"]["coverage_90"] >= 0.9
