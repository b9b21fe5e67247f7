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


def test_dc_work_and_segments_by_hand():
    # 100 MW under construction last year and this, 2-year lead: 50 MW/yr of work
    work = economics.dc_work_mw(
        np.array([[100.0, 100.0]]), np.array([[0.0, 30.0]]), np.array([2.0])
    )
    np.testing.assert_allclose(work[0, 1], 50.0)
    seg = economics.segment_map()
    np.testing.assert_allclose(seg.sum(axis=1), 1.0)  # every item in exactly one segment


def test_revenue_pools_and_capex_per_xpu_by_hand():
    from types import SimpleNamespace

    n_items = len(economics.CAPEX_ITEMS)
    items = np.zeros((1, 2, n_items))
    items[..., economics.CAPEX_ITEMS.index("transceivers")] = 1000.0
    p = SimpleNamespace(
        hbm_usd_per_gb=np.array([10.0]),
        cowos_usd_per_wafer=np.array([5000.0]),
        euv_tool_usd=np.array([2e8]),
    )
    pools = economics.revenue_pools(
        items=items,
        logic_wafer_cost=np.zeros((1, 2)),
        hbm_bits=np.full((1, 2), 8e9 * 100),  # 100 GB
        cowos_wafers=np.full((1, 2), 2.0),
        wfe_usd=np.zeros((1, 2)),
        euv_installed=np.array([[10.0, 13.0]]),
        p=p,
    )
    get = dict(zip(economics.POOLS, pools[0, 1], strict=True))
    assert get["hbm"] == 1000.0 and get["cowos"] == 10000.0
    assert get["euv_tools"] == 3 * 2e8 and get["transceivers"] == 1000.0
    capex = economics.capex_per_xpu(
        items=items,
        shipments=np.full((1, 2, 1), 10.0),
        asp_usd=np.array([25000.0]),
        host_server_share=np.array([0.2]),
        mw_per_unit=np.full((1, 2, 1), 0.002),
        dc_capex_usd_per_mw=np.array([1e7]),
    )
    # 25,000 x 1.2 + 1,000 / 10 + 0.002 MW x 10 M USD/MW = 50,100 USD
    np.testing.assert_allclose(capex, 50100.0)
