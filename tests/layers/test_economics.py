import json

import numpy as np
import pytest
from typer.testing import CliRunner

import aiinfra
from aiinfra.cli import app
from aiinfra.layers import economics


@pytest.fixture(scope="module")
def base():
    return aiinfra.run("base")


def test_segments_add_up_and_nonnegative(base):
    np.testing.assert_allclose(
        base.capex_segment_usd.sum("segment").values, base.capex_total_usd.values, rtol=1e-12
    )
    np.testing.assert_allclose(
        base.capex_usd.sum("item").values, base.capex_total_usd.values, rtol=1e-12
    )
    assert np.all(base.capex_usd.values >= 0)
    assert np.all(np.diff(base.capex_cumulative_usd.values, axis=1) >= 0)


def test_2025_capex_within_sourced_bands(base):
    seg = base.capex_segment_usd.sel(year=2025)[0] / 1e9
    total = float(base.capex_total_usd.sel(year=2025)[0]) / 1e9
    # Hyperscaler capex 2025 (Microsoft, Alphabet, Amazon, Meta guidance) ~400 bn USD, most
    # of it AI; with Oracle, neoclouds, labs and China global AI capex is ~450-650 bn USD.
    assert 300 <= total <= 800
    # NVIDIA data-center revenue ~190 bn USD in CY2025 plus AMD/Broadcom/Marvell AI silicon
    # (~35 bn USD) and host servers: semis 200-450 bn USD.
    assert 200 <= float(seg.sel(segment="semis")) <= 450
    # AI networking: NVIDIA networking ~25-30 bn USD run rate, Arista ~9 bn, optics ~15 bn.
    assert 30 <= float(seg.sel(segment="networking")) <= 100
    # Data-centre construction and power: US data-centre construction ~40 bn USD in 2025
    # (US Census), global AI share 1.5-4x that.
    assert 40 <= float(seg.sel(segment="dc_power")) <= 200
    # WFE 2025 (SEMI forecast ~111 bn USD) is a nested pool
    assert float(base.revenue_pool_usd.sel(year=2025, pool="wfe")[0]) == pytest.approx(111e9)


def test_cost_per_mtok_falls_with_newer_hardware(base):
    c = base.cost_per_mtok.sel(year=2027)[0]
    assert float(c.sel(accelerator="B200")) < float(c.sel(accelerator="H100-SXM"))
    assert float(c.sel(accelerator="H100-SXM")) < float(c.sel(accelerator="A100-SXM"))
    assert np.all(c.values > 0)


def test_cost_per_mtok_hand_value():
    p = type("P", (), {"opex_share": np.array([0.05]), "electricity_usd_per_kwh": np.array([0.1])})
    out = economics.cost_per_mtok(
        capex_per_xpu_usd=np.array([[[50_000.0]]]),
        facility_kw=np.array([[[2.0]]]),
        tokens_per_s=np.array([[[1000.0]]]),
        lifetime=np.array([5.0]),
        p=p,
        load_factor=np.array([0.5]),
    )
    annual = 50_000 / 5 + 50_000 * 0.05 + 2.0 * 0.5 * 8760 * 0.1
    assert out[0, 0, 0] == pytest.approx(annual / (1000 * 365.25 * 86400) * 1e6)


def test_economics_cli():
    runner = CliRunner()
    res = runner.invoke(app, ["economics", "--by", "company", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert "NVIDIA" in out["rows"] and "TSMC" in out["rows"]
    res = runner.invoke(app, ["economics", "--by", "planet"])
    assert res.exit_code == 2 and "--by" in res.stderr
