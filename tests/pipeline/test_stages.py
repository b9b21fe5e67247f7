"""Each stage alone, on hand-made inputs that can be checked by hand."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import aiinfra
from aiinfra.layers.fleet import LAYERS
from aiinfra.pipeline import build_static, run_pipeline, supply_side
from aiinfra.pipeline.stages import (
    compute_stage,
    demand_stage,
    economics_stage,
    fab_stage,
    financeable_units,
    financed_plan_mw,
    financed_share,
    fleet_stage,
    network_stage,
    power_stage,
    supply_for_solver,
)
from aiinfra.uncertainty import sample_parameters


@pytest.fixture(scope="module")
def static():
    return build_static(aiinfra.load_scenario("base"))


@pytest.fixture(scope="module")
def params(static):
    return sample_parameters(static.scenario, 1)


def _ship(static, units: float, name: str = "H100-SXM") -> np.ndarray:
    """(1, year, type): ``units`` of one type in every simulated year."""
    ship = np.zeros((1, len(static.sim_years), len(static.accelerators)))
    ship[..., static.accelerators.index(name)] = units
    return ship


def test_demand_totals_add_up(static, params):
    d = demand_stage(static, params)
    np.testing.assert_allclose(d.tokens_total, d.demand_tokens.sum(-1), rtol=1e-12)
    np.testing.assert_allclose(d.arr_usd, d.revenue_usd.sum(-1), rtol=1e-12)
    assert set(d.outputs()) == {f for f in d.__dataclass_fields__}


def test_compute_rate_is_tokens_over_inference_devices(static, params):
    d = demand_stage(static, params)
    c = compute_stage(static, params, d)
    assert "need_per_type" not in c.outputs() and "rate_per_device" not in c.outputs()
    # rate x inference devices x seconds = all tokens of the year, for every type
    tokens = (d.demand_input_tokens + d.demand_output_tokens).sum(-1)
    assert np.all(c.rate_per_device > 0)
    assert c.rate_per_device.shape == (1, len(static.sim_years), len(static.accelerators))
    assert np.all(np.isfinite(c.rate_per_device)) and tokens.shape == (1, len(static.sim_years))


def test_fleet_demand_path_ships_history_then_need(static, params):
    c = compute_stage(static, params, demand_stage(static, params))
    f = fleet_stage(static, params, c.need_per_type)
    hist = ~np.isnan(static.history).any(axis=1)
    np.testing.assert_allclose(f.shipments[0, hist], static.history[hist])
    assert np.all(f.shipments[0, ~hist] >= 0)
    assert f.deployments_total is None and "binding_layer" not in f.outputs()
    # stock-flow: installed(y) = installed(y-1) + shipped(y) - retired(y)
    inst = f.installed_total[0]
    np.testing.assert_allclose(
        inst[1:], inst[:-1] + f.shipments_total[0, 1:] - f.retirements[0, 1:], rtol=1e-9
    )
    # twice the need ships at least as much in every modelled year
    more = fleet_stage(static, params, 2 * c.need_per_type)
    assert np.all(more.shipments_total[0, ~hist] >= f.shipments_total[0, ~hist] - 1e-6)


def test_fab_is_linear_in_shipments(static, params):
    one = fab_stage(static, params, _ship(static, 1e6))
    two = fab_stage(static, params, _ship(static, 2e6))
    np.testing.assert_allclose(two.cowos_wafers_total, 2 * one.cowos_wafers_total, rtol=1e-9)
    np.testing.assert_allclose(two.hbm_stacks, 2 * one.hbm_stacks, rtol=1e-9)
    # H100: five HBM3 stacks per package (NVIDIA H100 SXM datasheet), one package per XPU,
    # bought also for the packages lost in CoWoS assembly (flat shipments: nothing in flight)
    cowos_yield = float(np.asarray(params.fab.cowos_yield).ravel()[0])
    np.testing.assert_allclose(one.hbm_stacks[0, -1], 5e6 / cowos_yield, rtol=1e-9)
    assert one.lp_req is None and fab_stage(static, params, _ship(static, 1.0), lp=True).lp_req


def test_network_per_xpu_and_fleet_power_by_hand(static, params):
    ship = _ship(static, 1000.0)
    vint = np.zeros((1, len(static.sim_years), len(static.sim_years)))
    vint[0, -1, -1] = 1000.0  # the last year's shipments are the fleet
    n = network_stage(static, params, ship, vint)
    j = static.accelerators.index("H100-SXM")
    fab_t, np_ = static.fabric, params.network
    cpo = np_.cpo_share_max[0] * np.clip(
        (static.sim_years - static.scenario.network.cpo_start_year + 1) / 4.0, 0, 1
    )
    by_hand = (
        (1 - np_.first_tier_copper[0]) * fab_t["tier1"][:, j].sum(-1)
        + (1 - cpo) * fab_t["upper"][:, j].sum(-1)
        + fab_t["scaleup"][:, j].sum(-1)
        + np_.frontend_gbps_per_xpu[0] / 400.0 * 2.0
    )
    np.testing.assert_allclose(n.transceivers_per_xpu[0], by_hand, rtol=1e-12)
    np.testing.assert_allclose(n.network_power_w[0, -1], 1000.0 * n.w_per_type[0, -1, j])
    np.testing.assert_allclose(n.supportable * by_hand, n.capacity, rtol=1e-12)


def test_power_of_one_h100_by_hand(static, params):
    inst = _ship(static, 1.0)
    net = network_stage(
        static, params, np.zeros_like(inst), np.zeros((1, inst.shape[1], inst.shape[1]))
    )
    assert np.all(net.network_power_w == 0)
    use = np.zeros((1, inst.shape[1], 5))
    use[..., :2] = 1.0  # one inference, one training
    pw = power_stage(static, params, inst, net, use)
    host = params.power.host_overhead[0]
    np.testing.assert_allclose(pw.it_power_w[0], 700.0 * (1 + host), rtol=1e-12)  # TDP 700 W
    np.testing.assert_allclose(pw.facility_power_w, pw.it_power_w * pw.pue, rtol=1e-12)
    lf = 0.5 * (params.power.load_factor[0] + params.power.training_load_factor[0])
    np.testing.assert_allclose(pw.fleet_load_factor, lf, rtol=1e-12)
    # a constant fleet: the year's average power is the year-end power (up to the PUE's
    # yearly improvement)
    fac = pw.facility_power_w
    avg = 0.5 * (fac[:, 1:] + fac[:, :-1])
    np.testing.assert_allclose(pw.ai_dc_energy_twh[:, 1:], avg * lf * 8760 / 1e12, rtol=1e-12)
    # inference and training split LLM-provider IT power half and half (use = 1, 1)
    cap = pw.llm_provider_capacity_w[0]
    np.testing.assert_allclose(cap[:, 0], cap[:, 1], rtol=1e-12)


def test_supply_nets_legacy_hosting_and_economics_add_up(static):
    p = sample_parameters(static.scenario, 4, seed=2)
    res = run_pipeline(static, p)
    plan_econ = economics_stage(
        static, p, res.plan, res.demand.arr_usd, res.compute.rate_per_device
    )
    units = financeable_units(res.plan, plan_econ.capex_usd, plan_econ.financing_limit_usd)
    sup = supply_for_solver(static, p, res.plan, units)
    assert sup.flow.shape[-1] + sup.mw.shape[-1] == len(LAYERS)
    last = static.last_history
    # legacy hosting: the history fleet's MW is available in the last history year
    np.testing.assert_array_less(
        res.plan.power.facility_power_w[:, last] / 1e6 - 1e-6, sup.mw[:, last, 1] + 1e-6
    )
    e = res.economics
    np.testing.assert_allclose(e.capex_total_usd, e.capex_segment_usd.sum(-1), rtol=1e-12)
    np.testing.assert_allclose(e.capex_revenue_gap_usd, e.capex_total_usd - res.demand.arr_usd)
    again = economics_stage(static, p, res.solved, res.demand.arr_usd, res.compute.rate_per_device)
    np.testing.assert_array_equal(again.cost_per_mtok, e.cost_per_mtok)


def test_two_passes_are_two_calls_of_one_sequence(static):
    p = sample_parameters(static.scenario, 3, seed=1)
    res = run_pipeline(static, p)
    plan = supply_side(static, p, res.compute)
    np.testing.assert_array_equal(plan.fleet.shipments, res.plan.fleet.shipments)
    out = res.outputs()
    np.testing.assert_array_equal(out["shipments_total_demand"], plan.fleet.shipments_total)


def test_stages_do_not_mutate_their_inputs(static):
    p = sample_parameters(static.scenario, 2, seed=4)
    before = copy.deepcopy(p)
    res = run_pipeline(static, p)
    again = run_pipeline(static, p)
    np.testing.assert_array_equal(res.solved.fleet.shipments, again.solved.fleet.shipments)
    assert vars(before.fab).keys() == vars(p.fab).keys()
    for k, v in vars(before.fab).items():
        np.testing.assert_array_equal(v, getattr(p.fab, k))
    with pytest.raises(ValueError):
        static.mix[0, 0] = 1.0  # Static tables are read-only
    with pytest.raises(AttributeError):
        res.solved.fleet.shipments = None  # stage results are frozen


def test_accelerator_revenue_is_booked_by_its_seller():
    # AMD's AI revenue is its own accelerators' shipments x ASP (no fixed market share), so
    # the 2025 figure follows the shipment history (AMD filings: ~6.5 bn USD)
    import aiinfra
    from aiinfra.catalogs import get_accelerator

    ds = aiinfra.run("base")
    amd = [a for a in ds.accelerator.values if get_accelerator(str(a)).vendor == "AMD"]
    asp = np.array([get_accelerator(str(a)).asp_usd for a in amd])
    own = (ds.shipments.sel(accelerator=amd).isel(draw=0) * asp).sum("accelerator")
    np.testing.assert_allclose(ds.firm_revenue_usd.sel(firm="AMD").isel(draw=0), own, rtol=1e-12)
    assert 5e9 < float(own.sel(year=2025)) < 8e9


def test_solved_capex_never_exceeds_the_financing_limit(static):
    # sites are committed by the plan; the rest of capex scales with shipments, so the
    # solver's finance layer keeps each modelled year's capex within the limit
    p = sample_parameters(static.scenario, 64, seed=4)
    res = run_pipeline(static, p)
    e = res.economics
    modelled = static.sim_years > static.sim_years[static.last_history]
    over = (e.capex_total_usd - e.financing_limit_usd)[:, modelled]
    assert over.max() <= 1e-6 * e.financing_limit_usd.max()
    # a limit below the demand path's capex binds: finance is the binding layer and
    # capex sits on the limit
    ds = aiinfra.run(
        "base",
        overrides={"economics.cash_flow_2025": 2e11, "economics.external_funding_2025": 5e10},
    )
    modelled = ds.year.values >= 2026
    binding = [str(ds.binding.values[int(b)]) for b in ds.binding_layer.values[0]]
    ks = [k for k, b in enumerate(binding) if b == "finance" and modelled[k]]
    assert ks
    k = ks[0]
    cap, lim = ds.capex_total_usd.values[0, k], ds.financing_limit_usd.values[0, k]
    assert cap == pytest.approx(lim, rel=1e-9)


def test_financed_plan_cuts_each_years_growth_to_its_share():
    # history to index 1; after it the plan grows 20 and 40 MW, then falls 10 MW: financed
    # at 0.5 and 0.25 the growth is 10 and 10 MW; the decline passes as it is
    plan = np.array([[5.0, 10.0, 30.0, 70.0, 60.0]])
    share = np.array([[1.0, 1.0, 0.5, 0.25, 0.1]])
    got = financed_plan_mw(plan, share, last=1)
    np.testing.assert_allclose(got, [[5.0, 10.0, 20.0, 30.0, 20.0]])
    # fully financed: unchanged; the share is limit / capex capped at 1
    np.testing.assert_array_equal(financed_plan_mw(plan, np.ones_like(share), 1), plan)
    items = np.array([[[1.0, 3.0], [2.0, 2.0]]])
    np.testing.assert_allclose(financed_share(items, np.array([[2.0, 8.0]])), [[0.5, 1.0]])


def test_halls_without_money_for_chips_are_not_started():
    # a tight financing limit cuts new data-centre starts as well as chips: the solved
    # path builds fewer halls than the plan when finance binds, never more
    tight = {"economics.cash_flow_2025": 2e11, "economics.external_funding_2025": 5e10}
    ds = aiinfra.run("base", overrides=tight)
    free = aiinfra.run("base")
    late = ds.year.values >= 2027
    cut = ds.dc_capacity_mw.sum("region")[0].values[late]
    full = free.dc_capacity_mw.sum("region")[0].values[late]
    assert np.all(cut <= full + 1e-6)
    assert cut[-1] < 0.95 * full[-1]


def test_parts_packaged_outside_tsmc_take_no_cowos_wafers(static):
    # Huawei's Ascend parts are packaged in China (TSMC stopped shipping to Huawei in
    # 2020): shipping only Ascend units needs no TSMC CoWoS wafers, a GB300 needs 1/16/yield
    from aiinfra.layers import fab

    names = list(static.accelerators)
    ipw = static.tables["interposers_per_wafer"]
    ascend = [i for i, n in enumerate(names) if n.startswith("Ascend")]
    assert ascend and np.all(np.isinf(ipw[ascend]))
    assert ipw[names.index("GB300")] == fab.interposers_per_wafer(np.array([2830.0]))[0] == 16
    per_unit = 1.0 / (ipw * 0.95)
    assert np.all(per_unit[ascend] == 0.0) and np.isfinite(per_unit).all()
