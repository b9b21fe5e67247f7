import dataclasses
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

import aiinfra
from aiinfra.layers import fleet


def test_survival_mean_is_lifetime():
    assert fleet.survival(0.0, 5.0) == pytest.approx(1.0)
    mean, _ = quad(lambda a: float(fleet.survival(a, 5.0)), 0, 50)
    assert mean == pytest.approx(5.0, rel=1e-6)
    assert float(fleet.survival(20.0, 5.0)) < 1e-6


def _run(need, hist=None, lifetime=5.0, initial=0.0, tau=None):
    years = np.arange(2023, 2023 + need.shape[1])
    n_type = need.shape[2]
    return fleet.stock_flow(
        years=years,
        history=np.full((len(years), n_type), np.nan) if hist is None else hist,
        initial=np.full(n_type, initial),
        initial_age=2.0,
        need=need,
        mix=np.full((len(years), n_type), 1.0 / n_type),
        lifetime=np.full(need.shape[0], lifetime),
        order_cut_years=None if tau is None else np.full(need.shape[0], tau),
    )


def test_constant_need_is_met_exactly():
    need = np.full((1, 6, 1), 100.0)
    out = _run(need)
    np.testing.assert_allclose(out["installed"][0, :, 0], 100.0)
    np.testing.assert_allclose(out["coverage"][0], 1.0)
    # first year ships the whole fleet (grossed up for mid-year attrition), later years
    # replace what retired
    assert out["shipments"][0, 0, 0] == pytest.approx(100.0 / float(fleet.survival(0.5, 5.0)))
    assert np.all(out["shipments"][0, 1:, 0] < 100.0)
    np.testing.assert_allclose(
        out["installed_by_vintage" if "installed_by_vintage" in out else "vintage"][0].sum(-1),
        out["installed"][0].sum(-1),
    )


def test_history_is_kept_and_its_surplus_reported_not_fitted():
    need = np.full((1, 4, 1), 10.0)
    hist = np.array([[50.0], [np.nan], [np.nan], [np.nan]])
    out = _run(need, hist)
    assert out["shipments"][0, 0, 0] == 50.0
    # the history-built fleet covers ~5x the need: coverage says so, nothing is carried
    # forward as a residual, and no new units ship while the survivors suffice
    assert out["coverage"][0, 0] == pytest.approx(50 * float(fleet.survival(0.5, 5.0)) / 10)
    assert "gap" not in out
    assert out["shipments"][0, 1, 0] == 0.0


def test_smooth_cuts_hand_computed():
    # a cut closes 1 - exp(-1/tau) of the gap; a rise ships at once
    got = fleet.smooth_cuts(np.array([4.0, 12.0]), np.array([10.0, 10.0]), np.array([1.0, 1.0]))
    assert got[0] == pytest.approx(4.0 + 6.0 * np.exp(-1.0))
    assert got[1] == 12.0
    assert fleet.smooth_cuts(np.array([4.0]), np.array([10.0]), None)[0] == 4.0


def test_order_cuts_are_gradual_after_an_overbuilt_history():
    need = np.full((1, 5, 1), 10.0)
    hist = np.array([[30.0], [np.nan], [np.nan], [np.nan], [np.nan]])
    fast = _run(need, hist)
    slow = _run(need, hist, tau=1.0)
    # without smoothing shipments stop dead; with it they ease down and the surplus lasts
    assert fast["shipments"][0, 1, 0] == 0.0
    assert slow["shipments"][0, 1, 0] == pytest.approx(30.0 * np.exp(-1.0))
    assert slow["coverage"][0, 1] > fast["coverage"][0, 1]


@settings(max_examples=25, deadline=None)
@given(base=st.floats(1, 1e6), growth=st.floats(0, 2), extra=st.floats(1.0, 3.0))
def test_more_need_never_fewer_shipments(base, growth, extra):
    need = base * (1 + growth) ** np.arange(6.0)[None, :, None] * np.ones((1, 6, 2))
    a = _run(need)
    b = _run(need * extra)
    assert np.all(b["shipments"].sum(-1) >= a["shipments"].sum(-1) * (1 - 1e-9))
    for out in (a, b):
        assert np.all(out["installed"] >= 0) and np.all(out["shipments"] >= 0)
        assert np.all(out["retirements"] >= -1e-9)


@pytest.fixture(scope="module")
def base():
    return aiinfra.run("base")


@pytest.fixture(scope="module")
def seed():
    # the base scenario follows the physics and sources, not the seed; the seed-thesis
    # scenario states what it takes to reproduce the seed (reconcile judges the seed)
    return aiinfra.run("seed-thesis")


def test_seed_figure_2_shipments(seed):
    # Seed figure 2 (SemiAnalysis via WisdomTree, 2026): ~5 M XPUs (2023) -> >25 M (2027).
    # Issue bands: 2023 in [4, 6.5] M, 2027 in [20, 35] M. The seed forecasts orders, so
    # they are compared with the demand path (before the bottleneck solver).
    base = seed
    s = base.shipments_total_demand.values[0]
    years = list(base.year.values)
    assert 4e6 <= s[years.index(2023)] <= 6.5e6
    assert 20e6 <= s[years.index(2027)] <= 35e6
    # deployed shipments never exceed orders and match history in history years
    dep = base.shipments_total.values[0]
    assert np.all(dep <= s * (1 + 1e-9) + 1.0)
    from aiinfra.catalogs import read_csv

    hist_2025 = sum(
        float(r["units"]) for r in read_csv("shipments_history.csv") if r["year"] == "2025"
    )
    assert dep[years.index(2025)] == pytest.approx(hist_2025)
    by_vendor = base.shipments_by_vendor.sum("vendor").values
    np.testing.assert_allclose(by_vendor, base.shipments_total.values, rtol=1e-12)
    assert float(base.installed_h100e.sel(year=2025)[0]) > float(
        base.installed_h100e.sel(year=2023)[0]
    )


def test_seed_figure_4_cowos(seed, base):
    # Seed figure 4: CoWoS wafer shipments >10x from 2023 to 2027 (issue band: ratio > 8).
    c = seed.cowos_wafers_total_demand
    assert float(c.sel(year=2027)[0] / c.sel(year=2023)[0]) > 8
    assert float(c.sel(year=2027)[0] / c.sel(year=2023)[0]) > 2
    # 2023 CoWoS wafers consistent with ~15k wpm end-2023 capacity (TrendForce)
    assert 1.0e5 <= float(c.sel(year=2023)[0]) <= 2.2e5
    assert float(base.cowos_wafers_total.sel(year=2027)[0]) <= float(c.sel(year=2027)[0]) + 1
    assert set(base.company.values) == {"NVIDIA", "AMD", "Broadcom/Google", "AWS/Marvell", "Other"}


def test_seed_figure_3_wfe(seed, base):
    # Seed figure 3: WFE ~160 bn USD by 2027. SEMI history 96 bn USD (2023), ~111 (2025).
    # Even the seed-thesis falls short (~110 bn in 2027): AI logic and HBM are a minority
    # of WFE, so the seed's figure needs non-AI semiconductor growth the chain does not
    # model; reconcile reports the verdict.
    for ds in (seed, base):
        w = ds.wfe_total_usd_demand
        assert float(w.sel(year=2023)[0]) == pytest.approx(96e9)
        assert 95e9 <= float(w.sel(year=2027)[0]) <= 190e9
    assert float(seed.wfe_total_usd_demand.sel(year=2030)[0]) > 130e9


def test_supportable_layers_and_euv(base):
    sup = base.xpus_supportable.sel(year=2025)[0]
    assert {"logic", "cowos", "hbm", "euv"} <= set(base.layer.values)
    assert np.all(sup.sel(layer=["logic", "cowos", "hbm", "euv"]).values > 0)
    # CoWoS was the tightest manufacturing layer in 2023-2025 (the seed's named bottleneck)
    assert float(sup.sel(layer="cowos")) <= float(sup.sel(layer="logic"))
    assert float(base.euv_tools_installed.sel(year=2025)[0]) > 300  # ASML: ~330 by 2025


def test_fleet_and_fab_ten_thousand_draws_fast():
    from conftest import chain_upto_need

    draws = 10_000
    from aiinfra.pipeline.stages import fab_stage, fleet_stage

    static, p, c = chain_upto_need(draws, seed=3)
    times = []
    for _ in range(4):  # the first pass warms the allocator; the best of the rest counts
        t0 = time.perf_counter()
        f = fleet_stage(static, p, c.need_per_type)
        fab_stage(static, p, f.shipments)
        times.append(time.perf_counter() - t0)
    # fleet + fab, 10,000 draws x 13 years: linear in the catalog's types, ~30 ms per type
    # on a busy 2-worker CI (1.0 s at 34 types)
    assert min(times[1:]) < 0.03 * len(static.accelerators), times
    assert f.shipments.shape == (draws, 13, len(static.accelerators))


def _hand_supply(n_year: int, n_type: int = 1, **over) -> fleet.Supply:
    """One draw, one flow layer and two MW layers, unlimited unless overridden."""
    kw = {
        "flow": np.full((1, n_year, 1), 1e9),
        "mw": np.full((1, n_year, 2), 1e9),
        "mw_per_unit": np.ones((1, n_year, n_type)),
        "lead": np.ones((1, 3)),
        "response": np.zeros(1),
        "backlog_decay": np.zeros(1),
        "orders": np.zeros((1, n_year)),
        "inventory_target": np.zeros(1),
        "order_cut_years": np.ones(1),
    }
    return fleet.Supply(**{**kw, **over})


def _hand_run(supply: fleet.Supply, need: float) -> dict:
    """One type from 2025 on: no history shipments, no initial stock, no attrition."""
    n_year = supply.orders.shape[1]
    history = np.full((n_year, 1), np.nan)
    history[0] = 0.0
    return fleet.stock_flow(
        years=np.arange(2025.0, 2025.0 + n_year),
        history=history,
        initial=np.zeros(1),
        initial_age=2.0,
        need=np.full((1, n_year, 1), need),
        mix=np.ones((n_year, 1)),
        lifetime=np.array([1e6]),
        supply=supply,
    )


def test_excess_inventory_is_netted_out_of_next_orders_by_hand():
    # one type, 1 MW per unit; year 1 can energise 6 units, year 2 plenty. Orders 10/yr.
    # Year 1: ship 10, energise 6, 4 wait. Year 2 (normal stock 0, tau 1 yr): buyers net
    # 4 x (1 - e^-1) = 2.528 out of their orders and take 7.472.
    n_year = 3
    supply = _hand_supply(
        n_year,
        mw=np.array([[[1e9, 1e9], [6.0, 6.0], [1e9, 1e9]]]),
        orders=np.array([[0.0, 10.0, 10.0]]),
    )
    out = _hand_run(supply, need=100.0)
    np.testing.assert_allclose(out["shipments"][0, 1:, 0], [10.0, 10 - 4 * (1 - np.exp(-1))])
    np.testing.assert_allclose(out["deployments"][0, 1, 0], 6.0, rtol=1e-6)
    assert out["inventory"][0, 1] == pytest.approx(4.0, rel=1e-6)
    assert out["inventory"][0, 2] == pytest.approx(0.0, abs=1e-6)


def test_economic_retirement_frees_mw_by_hand():
    # two types: an old one doing 1 unit of work on 1 MW and a new one doing 10 on 2 MW
    # (5x the work per MW; retire_ratio 3). 4 old units survive into year 1, whose halls
    # hold 6 MW: the 2 MW left take one new unit, but buyers order 3. Retiring the old
    # units frees what the 2 missing new units need (4 MW): all 4 go, and their work
    # (4 units = 0.4 new units) is ordered again.
    n_year = 2
    supply = _hand_supply(
        n_year,
        2,
        mw=np.array([[[1e9, 1e9], [6.0, 6.0]]]),
        mw_per_unit=np.array([[[1.0, 2.0], [1.0, 2.0]]]),
        orders=np.array([[0.0, 3.0]]),
        work_per_unit=np.array([1.0, 10.0]),
        retire_ratio=np.array([3.0]),
    )
    kw = {
        "years": np.array([2025.0, 2026.0]),
        "history": np.array([[4.0, 0.0], [np.nan, np.nan]]),
        "initial": np.zeros(2),
        "initial_age": 2.0,
        "need": np.full((1, n_year, 2), 100.0),
        "mix": np.array([[1.0, 0.0], [0.0, 1.0]]),
        "lifetime": np.array([1e6]),
    }
    out = fleet.stock_flow(**kw, supply=supply)
    assert out["early_retirements"][0, 1] == pytest.approx(4.0, rel=1e-6)
    np.testing.assert_allclose(out["installed"][0, 1], [0.0, 3.0], rtol=1e-6, atol=1e-9)
    assert out["shipments"][0, 1, 1] == pytest.approx(3.4, rel=1e-6)
    assert out["inventory"][0, 1] == pytest.approx(0.4, rel=1e-6)  # 6 MW take 3 new units
    assert out["deployments"][0, 0, 0] == pytest.approx(4.0)  # history is not rewritten
    # no retirement without the ratio
    kept = fleet.stock_flow(**kw, supply=dataclasses.replace(supply, retire_ratio=None))
    assert kept["installed"][0, 1, 0] == pytest.approx(4.0, rel=1e-6)


def test_capacity_ordered_in_a_shortage_arrives_after_its_lead_and_stays():
    # one flow layer supporting 5 units/yr; orders of 10/yr; response 0.5, lead 1 year
    # (ordered at the end of the short year, usable a year after it arrives): years 1 and
    # 2 are short by 5 and each orders 2.5 units/yr of capacity, there from years 3 and 4
    # on; year 3 supports 7.5, year 4 all 10 -- a pulse would give 7.5 again
    n_year = 5
    supply = _hand_supply(
        n_year,
        flow=np.full((1, n_year, 1), 5.0),
        response=np.array([0.5]),
        backlog_decay=np.ones(1),  # unmet orders are cancelled: no backlog
        orders=np.array([[0.0, 10.0, 10.0, 10.0, 10.0]]),
    )
    out = _hand_run(supply, need=1e3)
    np.testing.assert_allclose(out["shipments"][0, 1:, 0], [5.0, 5.0, 7.5, 10.0])


def test_vendor_lines_hand_over_without_vanishing():
    # Each vendor line hands its volume to the next part over about two years (GB300 beside
    # Rubin in 2027, TPU v6e beside v7, Ascend 910C -> 950 -> 960, Huawei Connect 2025): no
    # line's unit share in the default mix halves or doubles from one mix year to the next,
    # and China's line never drops out
    import itertools

    from aiinfra.catalogs import accelerators
    from aiinfra.scenario.compute import DEFAULT_MIX

    family = {name: a.family for name, a in accelerators().items()}
    years = sorted(DEFAULT_MIX)
    shares = {
        y: {
            f: sum(v for k, v in DEFAULT_MIX[y].items() if family[k] == f)
            for f in set(family.values())
        }
        for y in years
    }
    for a, b in itertools.pairwise(years):
        for f, s in shares[a].items():
            if s > 0.02:
                assert 0.5 <= shares[b][f] / s <= 2.0, (f, a, b, s, shares[b][f])
        assert any(k.startswith("Ascend") for k in DEFAULT_MIX[b]), b
