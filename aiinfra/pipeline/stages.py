"""The pipeline's stages: pure functions ``stage(static, params, inputs) -> StageOut``.

A stage gathers its inputs from :class:`~aiinfra.pipeline.static.Static`, the
sampled parameters of its layer (arrays of shape (draw,)) and the results of
earlier stages, and calls the physics in :mod:`aiinfra.layers`. Stages read and
write no shared state; every array has a leading ``draw`` axis and runs over
all simulated years.
"""

from __future__ import annotations

import numpy as np

from aiinfra.arrays import contract, dot_last, per_year_contract, previous_year, sum_last
from aiinfra.catalogs import NODE_FAMILIES
from aiinfra.kernels import compound, shift_earlier
from aiinfra.layers import compute, demand, economics, fab, fleet, network, power
from aiinfra.pipeline.outputs import (
    ComputeOut,
    DemandOut,
    EconomicsOut,
    FabOut,
    FleetOut,
    NetworkOut,
    PowerOut,
    SupplySide,
)
from aiinfra.pipeline.static import Static
from aiinfra.scenario import OWNERS, DemandSection
from aiinfra.scenario.params import ScenarioParams

__all__ = [
    "compute_stage",
    "demand_stage",
    "economics_stage",
    "fab_stage",
    "finance_room",
    "financeable_units",
    "financed_plan_mw",
    "financed_share",
    "fleet_stage",
    "network_stage",
    "power_stage",
    "side_capex",
    "supply_for_solver",
]


def demand_stage(static: Static, p: ScenarioParams) -> DemandOut:
    """Token demand by workload and training compute (``p``: sampled scenario)."""
    d = static.demand_model(static.t, p.demand, DemandSection.WORKLOADS)
    tr = demand.training_flop(
        static.t,
        p.demand.training,
        revenue_usd=d["revenue_total"],
        mfu=p.compute.training_mfu,
        goodput=p.compute.training_goodput,
        labs=static.labs,
    )
    media = demand.media_model(static.t, p.demand.media)
    return DemandOut(
        demand_users=d["users"],
        demand_tokens=d["tokens"],
        demand_input_tokens=d["input_tokens"],
        demand_output_tokens=d["output_tokens"],
        token_price=d["price"],
        revenue_usd=d["revenue"],
        tokens_total=d["tokens_total"],
        arr_usd=d["revenue_total"],
        training_flop=tr["training_flop"],
        training_budget_usd=tr["training_budget_usd"],
        training_budget_by_lab=tr["training_budget_by_lab"],
        training_h100e_years=tr["training_h100e_years"],
        frontier_run_flop=tr["frontier_run_flop"],
        frontier_runs=tr["frontier_runs"],
        frontier_runs_by_lab=tr["frontier_runs_by_lab"],
        images_generated=media["images"],
        video_seconds_generated=media["video_seconds"],
        media_flop=media["media_flop"],
        agentic_step=d["agentic_step"],
    )


def compute_stage(static: Static, p: ScenarioParams, d: DemandOut) -> ComputeOut:
    """XPUs needed for the demand ``d`` by type, workload and use."""
    req = compute.requirements(
        static.t,
        input_tokens=d.demand_input_tokens,
        output_tokens=d.demand_output_tokens,
        training_flop=d.training_flop,
        p=p.compute,
        media_flop=d.media_flop,
        media=p.demand.media,
        peak_to_average=np.stack(
            [getattr(p.compute.shapes, w).peak_to_average for w in DemandSection.WORKLOADS],
            axis=-1,
        ),
        lead_years=0.5 + p.fleet.bring_up_years,
        training_lead_years=0.5 + p.fleet.bring_up_years + p.fleet.training_cluster_lead_years,
        lifetime=p.fleet.lifetime_years,
        rates=static.rates,
        mix=static.mix,
        train_flops=static.tables["train_flops"],
        software_eff=static.tables["software_eff"],
        h100e=static.h100e,
        planned_scale=1.0 / d.agentic_step,
    )
    tokens = (d.demand_input_tokens + d.demand_output_tokens).sum(axis=-1)
    rate = tokens[..., None] / (np.maximum(req["n_inf"], 1e-30) * compute.SECONDS_PER_YEAR)
    return ComputeOut(
        xpus_needed=req["xpus_by_type"],
        xpus_needed_by_workload=req["xpus_by_workload"],
        xpus_needed_by_use=req["xpus_by_use"],
        xpus_needed_media=req["xpus_media"],
        xpus_needed_total=req["xpus_total"],
        h100e_needed=req["h100e_total"],
        shipments_needed=req["shipments_needed"],
        shipments_needed_h100e=req["shipments_needed_h100e"],
        token_rate_needed=req["token_rate_needed"],
        need_per_type=req["need_per_type"],
        rate_per_device=rate,
    )


def fleet_stage(
    static: Static, p: ScenarioParams, need: np.ndarray, supply: fleet.Supply | None = None
) -> FleetOut:
    """Shipments and installed base for ``need`` (draw, year, type) [units]; with
    ``supply``, the bottleneck solver (shipments bound by every layer)."""
    f = fleet.stock_flow(
        years=static.sim_years,
        history=static.history,
        initial=static.initial,
        initial_age=2.0,
        need=need,
        mix=static.mix,
        lifetime=p.fleet.lifetime_years,
        order_cut_years=p.fleet.order_cut_years,
        history_scale=p.fleet.history_scale,
        supply=supply,
    )
    ship = f["shipments"]
    solver: dict[str, np.ndarray] = {}
    if supply is not None:
        # manufacturing layers carry the shipments, data centres and power the deployments
        n_flow = supply.flow.shape[-1]
        used = np.repeat(sum_last(ship)[..., None], f["supportable"].shape[-1], axis=-1)
        used[..., n_flow:] = sum_last(f["deployments"])[..., None]
        with np.errstate(divide="ignore", invalid="ignore"):
            util = np.where(f["supportable"] > 0, used / f["supportable"], np.inf)
        solver = {
            "deployments_total": sum_last(f["deployments"]),
            "xpus_waiting_power": f["inventory"],
            "early_retirements": f["early_retirements"],
            "xpus_supportable": f["supportable"],
            "shipments_desired": f["desired"],
            "backlog": f["backlog"],
            "binding_layer": f["binding"],
            "capacity_utilisation": np.minimum(util, 1e6),
            "extra": f["extra"],
            "deployments": f["deployments"],
        }
    return FleetOut(
        shipments=ship,
        shipments_total=sum_last(ship),
        shipments_by_vendor=contract(ship, static.tables["vendor_map"]),
        installed_base=f["installed"],
        installed_total=sum_last(f["installed"]),
        installed_by_vintage=f["vintage"],
        installed_h100e=dot_last(f["installed"], static.h100e),
        retirements=f["retirements"],
        fleet_surplus_share=1.0 - 1.0 / f["coverage"],
        fleet_coverage=f["coverage"],
        **solver,
    )


def fab_stage(static: Static, p: ScenarioParams, ship: np.ndarray, *, lp: bool = False) -> FabOut:
    """Wafers, CoWoS, HBM, WFE, EUV and cleanroom behind ``ship`` (draw, year, type)
    [units/yr]; ``lp`` also keeps the per-type LP tables."""
    fp = p.fab
    years = static.sim_years
    total = ship.sum(axis=-1, keepdims=True)
    mix = np.where(total > 0, ship / np.where(total > 0, total, 1.0), static.mix[None])

    def capacity(kind: str, growth: np.ndarray) -> np.ndarray:
        base, after = static.capacity[kind]
        return base[None, :] * np.power(1.0 + growth[:, None], after[None, :])

    logic_wpm = np.stack(
        [capacity(f"logic_{n}", fp.logic_capacity_growth) for n in NODE_FAMILIES], axis=-1
    )
    euv = static.euv
    m = fab.manufacturing(
        years=years,
        shipments=ship,
        mix=mix,
        tables=static.tables,
        node_tables=static.node_tables,
        p=fp,
        logic_wpm=logic_wpm,
        cowos_wpm=capacity("cowos", fp.cowos_capacity_growth) * fp.cowos_capacity_scale[:, None],
        dram_wpm=capacity("dram", fp.dram_capacity_growth),
        wfe_hist=static.wfe_hist,
        euv_shipped=fab.euv_shipments(
            years=years,
            low_hist=euv["low"],
            high_hist=euv["high"],
            low_per_year=fp.euv_low_na_per_year,
            high_per_year=fp.high_na_per_year,
            high_na_from=euv["high_na_from"],
        ),
        euv_installed_before=euv["before"],
        lp_tables=lp,
    )
    return FabOut(
        logic_wafers=m["logic_wafers"],
        logic_capacity=m["logic_capacity"],
        ai_share_logic=m["ai_share_logic"],
        logic_wafer_cost=m["logic_wafer_cost"],
        cowos_wafers=m["cowos_wafers"],
        cowos_wafers_total=sum_last(m["cowos_wafers"]),
        cowos_capacity=m["cowos_capacity"],
        hbm_bits=m["hbm_bits"],
        hbm_stacks=m["hbm_stacks"],
        hbm_wafers=m["hbm_wafers"],
        hbm_share_dram=m["hbm_share_dram"],
        wfe_usd=m["wfe"],
        wfe_total_usd=sum_last(m["wfe"]),
        euv_tools_needed=m["euv_tools_needed"],
        euv_tools_needed_ai=m["euv_tools_needed_ai"],
        euv_tools_installed=m["euv_tools_installed"],
        cleanroom_m2=m["cleanroom_m2"],
        supportable=m["supportable"],
        lp_req=m["req"] if lp else None,
        lp_cap=m["cap"] if lp else None,
    )


def network_stage(
    static: Static,
    p: ScenarioParams,
    ship: np.ndarray,
    installed_by_vintage: np.ndarray,
    *,
    lp: bool = False,
) -> NetworkOut:
    """Optics, switches and network power for ``ship`` (draw, year, type) [units/yr]
    and the fleet by vintage (draw, year, vintage) [units]."""
    np_ = p.network
    fabric = static.fabric
    spd = static.net["speeds"]
    watts = static.net["module_w"]
    i400 = int(np.searchsorted(spd, 400.0))
    front = np_.frontend_gbps_per_xpu / 400.0 * 2.0  # 400G modules per XPU, both ends
    cpo = network.cpo_share(
        np_.cpo_share_max, static.scenario.network.cpo_start_year, static.sim_years
    )
    by_speed = network.transceivers(
        shipments=ship,
        tier1=fabric["tier1"],
        upper=fabric["upper"],
        extra=fabric["scaleup"],
        first_tier_copper=np_.first_tier_copper,
        cpo_share=cpo,
    )
    total_ship = sum_last(ship)
    by_speed[..., i400] += front[:, None] * total_ship
    per_xpu = sum_last(by_speed) / np.maximum(total_ship, 1e-9)
    w = network.watts_per_xpu(
        fabric=fabric,
        module_w=watts,
        switch_w=static.net["switch_w"],
        first_tier_copper=np_.first_tier_copper,
        cpo=cpo,
        frontend_modules=front,
        frontend_module_w=watts[i400],
    )
    capacity = compound(
        np_.transceiver_capacity_2025, np_.transceiver_capacity_growth, static.sim_years - 2025.0
    )
    return NetworkOut(
        transceivers=by_speed,
        transceivers_800g=by_speed[..., int(np.searchsorted(spd, 800.0))],
        transceivers_800g_plus=sum_last(by_speed[..., int(np.searchsorted(spd, 800.0)) :]),
        transceivers_per_xpu=per_xpu,
        switches=per_year_contract(ship, fabric["switches"]),
        network_power_w=network.fleet_power_w(ship, w, installed_by_vintage),
        fabric_tiers=dot_last(ship, fabric["tiers"][None]) / np.maximum(total_ship, 1e-9),
        w_per_type=w,
        supportable=capacity / np.maximum(per_xpu, 1e-9),
        capacity=capacity,
        lp_modules=(
            network.modules_per_xpu_lp(fabric, np_.first_tier_copper, cpo, front) if lp else None
        ),
    )


def power_stage(
    static: Static,
    p: ScenarioParams,
    installed: np.ndarray,
    net: NetworkOut,
    xpus_by_use: np.ndarray,
    plan_mw: np.ndarray | None = None,
) -> PowerOut:
    """Power, energy, data-centre pipeline and power supply of the fleet.

    ``installed`` (draw, year, type) [units]; ``xpus_by_use`` (draw, year, use)
    [units] splits LLM-provider capacity into inference and training; ``plan_mw``
    (draw, year) [MW] is the facility power developers plan data centres for
    (default: what this fleet needs).
    """
    pp = p.power
    years = static.sim_years
    tdp = static.tables["tdp_w"]
    owners = static.owners
    it_w = power.it_power_w(
        dot_last(installed, tdp), pp.host_overhead[:, None], net.network_power_w
    )
    pue0 = np.stack(
        [pp.pue_llm_providers, pp.pue_hyperscalers, pp.pue_neoclouds, pp.pue_enterprise], axis=-1
    )
    pue = power.pue_by_year(pue0, pp.pue_improvement, years - years[0], owners)
    fac_w = power.facility_power_w(it_w, pue)
    # energy: the year's average fleet (between last and this year-end) at the load of
    # its uses (training near nameplate, serving with diurnal swings, spare idling)
    lf = power.fleet_load_factor(
        xpus_by_use, pp.load_factor, pp.training_load_factor, pp.idle_load_factor
    )
    ai_twh = power.energy_wh(0.5 * (fac_w + previous_year(fac_w)), lf) / 1e12
    non_ai = compound(pp.non_ai_dc_twh_2024, pp.non_ai_dc_growth, years - 2024.0)
    inf_share = xpus_by_use[..., 0] / np.maximum(xpus_by_use[..., 0] + xpus_by_use[..., 1], 1e-30)
    llm_it = it_w * owners[None, :, OWNERS.index("llm_providers")]
    only_llm = np.zeros_like(owners)
    only_llm[:, OWNERS.index("llm_providers")] = 1.0
    pue_llm = power.pue_by_year(pue0, pp.pue_improvement, years - years[0], only_llm)
    zeros = np.zeros_like(llm_it)
    llm_w = np.stack([llm_it * inf_share, llm_it * (1 - inf_share), zeros, zeros, zeros], -1)
    demand_mw = fac_w / 1e6
    t_after = np.maximum(years - 2026.0, 0.0)
    tech = static.power_tech
    build = power.regional_build(
        regions={"ex_china": 1.0 - pp.china_share, "china": pp.china_share},
        dc_hist=static.dc_hist,
        plan_mw=demand_mw if plan_mw is None else plan_mw,
        pipeline_scale=pp.pipeline_scale,
        construction_lead=pp.construction_lead_years,
        starts_cap_mw=compound(pp.dc_start_capacity_2026, pp.dc_start_capacity_growth, t_after),
        reserve=pp.dc_reserve,
        phase_spread=pp.phase_spread,
        history_scale=pp.dc_history_scale,
        grid_lead=pp.grid_lead_years,
        grid_cap_mw=compound(pp.grid_capacity_2026, pp.grid_capacity_growth, t_after),
        onsite_mw=power.onsite_deliveries_mw(
            tech["deliveries_2025"], tech["growth"], years, pp.onsite_deliveries_scale
        ),
        onsite_lead=tech["lead"],
    )
    by_source = build["by_source"]
    # on-site generation runs while grid is short: energy, fuel, CO2
    site_twh, fuel, co2_site = power.onsite_fuel_and_co2(
        by_source[..., 1:], lf, tech["heat_rate"], tech["co2"]
    )
    grid_int = compound(pp.grid_co2_kg_per_mwh_2024, -pp.grid_co2_decline, years - 2024.0)
    grid_twh = np.maximum(ai_twh - sum_last(site_twh), 0.0)
    return PowerOut(
        it_power_w=it_w,
        facility_power_w=fac_w,
        pue=pue,
        ai_dc_energy_twh=ai_twh,
        dc_energy_twh=ai_twh + non_ai,
        fleet_load_factor=lf,
        llm_provider_capacity_w=llm_w,
        llm_provider_facility_mw=llm_w * pue_llm[..., None] / 1e6,
        dc_capacity_mw=build["energised"],
        dc_starts_mw=build["starts"],
        dc_announced_mw=shift_earlier(build["starts"], pp.planning_lead_years),
        it_power_by_owner_w=it_w[..., None] * owners[None],
        dc_under_construction_mw=build["under_construction"],
        power_supply_mw=by_source,
        power_shortfall_mw=build["shortfall"],
        power_deficit_mw=np.maximum(demand_mw - build["powered"], 0.0),
        onsite_fuel_mmbtu=fuel,
        co2_t=co2_site + grid_twh * 1e6 * grid_int / 1e3,
        mw_per_unit=power.mw_per_unit(tdp, pp.host_overhead, net.w_per_type, pue),
        mw_avail=np.stack([sum_last(build["energised"]), build["powered"]], axis=-1),
    )


def financed_share(items: np.ndarray, limit_usd: np.ndarray) -> np.ndarray:
    """Share of the demand path's capex the financing limit pays for, (draw, year) [1].

    ``items`` (draw, year, item) [USD/yr] (:func:`side_capex`), ``limit_usd`` (draw,
    year) [USD/yr]: ``min(1, limit / total capex)``. Operators short of money start only
    this share of the year's planned new halls and their power (nobody builds a hall that
    cannot be filled); the chips then get what those financed sites leave
    (:func:`finance_room`).
    """
    total = sum_last(items)
    return np.clip(limit_usd / np.maximum(total, 1e-300), 0.0, 1.0)


def finance_room(
    plan: SupplySide, items: np.ndarray, limit_usd: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """What the financing limit leaves for XPUs and what one XPU costs, (draw, year).

    ``items`` (draw, year, item) [USD/yr] is the capex of ``plan``
    (:func:`side_capex`), ``limit_usd`` (draw, year) [USD/yr] the financing limit.
    Building and powering sites (:data:`~aiinfra.layers.economics.FIXED_ITEMS`) is
    committed by the data-centre plan (cut to what can be financed beforehand:
    :func:`financed_plan_mw`); every other capex item scales with the year's shipments
    in the deployment mix. Returns ``limit - fixed`` (>= 0) [USD/yr] and the capex per
    shipped XPU [USD/unit].
    """
    fixed_idx = [economics.CAPEX_ITEMS.index(k) for k in economics.FIXED_ITEMS]
    fixed = items[..., fixed_idx].sum(axis=-1)
    per_unit = (sum_last(items) - fixed) / np.maximum(plan.fleet.shipments_total, 1e-9)
    return np.maximum(limit_usd - fixed, 0.0), per_unit


def financeable_units(plan: SupplySide, items: np.ndarray, limit_usd: np.ndarray) -> np.ndarray:
    """XPUs a year's financing limit pays for, (draw, year) [units/yr] (see
    :func:`finance_room`)."""
    room, per_unit = finance_room(plan, items, limit_usd)
    return np.where(per_unit > 0, room / np.maximum(per_unit, 1e-300), np.inf)


def financed_plan_mw(plan_mw: np.ndarray, share: np.ndarray, last: int) -> np.ndarray:
    """Facility power developers plan for when money is short, (draw, year) [MW].

    ``plan_mw`` (draw, year) [MW] is the demand path's plan, ``share`` (draw, year) [1]
    the :func:`financed_share`; after the last history year ``last`` (index) each year's
    planned growth is cut to its financed share (declines pass unchanged).
    """
    out = np.array(plan_mw, dtype=float, copy=True)
    if last + 1 >= out.shape[1]:
        return out
    growth = np.maximum(np.diff(out[:, last:], axis=1), 0.0)
    # what is not started accumulates; fully financed years leave the plan's own bits
    out[:, last + 1 :] -= np.cumsum(growth * (1.0 - share[:, last + 1 :]), axis=1)
    return out


def supply_for_solver(
    static: Static, p: ScenarioParams, plan: SupplySide, finance_units: np.ndarray
) -> fleet.Supply:
    """Capacities of every layer for the bottleneck solver, from the demand path;
    ``finance_units`` (draw, year) [units/yr] from :func:`financeable_units`."""
    flow = np.concatenate(
        [plan.fab.supportable, plan.network.supportable[..., None], finance_units[..., None]],
        axis=-1,
    )
    lead = np.stack(
        [
            p.fab.fab_lead_years,
            p.fab.cowos_lead_years,
            p.fab.hbm_lead_years,
            p.fab.euv_lead_years,
            p.network.transceiver_lead_years,
            np.ones_like(p.network.transceiver_lead_years),  # finance: no extra ordered
            p.power.construction_lead_years,
            p.power.onsite_response_lead_years,
        ],
        axis=-1,
    )
    # The fleet history built draws more than the AI data-centre capacity on record: the
    # rest sits in conventional halls (air-cooled colocation and enterprise space). That
    # legacy hosting keeps the history fleet running but cannot take new liquid-cooled
    # racks, so it shrinks as that fleet retires (by the share of it still installed).
    last = static.last_history
    need_mw = plan.power.facility_power_w[:, last] / 1e6
    legacy = np.maximum(need_mw - plan.power.mw_avail[:, last, 1], 0.0)
    old = plan.fleet.installed_total - plan.fleet.installed_by_vintage[..., last + 1 :].sum(-1)
    old_share = np.clip(old / np.maximum(old[:, last : last + 1], 1e-9), 0.0, 1.0)
    old_share[:, :last] = 1.0
    return fleet.Supply(
        flow=flow,
        mw=plan.power.mw_avail + (legacy[:, None] * old_share)[..., None],
        mw_per_unit=plan.power.mw_per_unit,
        lead=lead,
        response=p.fleet.capacity_response,
        backlog_decay=p.fleet.backlog_cancel,
        orders=plan.fleet.shipments_total,
        inventory_target=p.fleet.inventory_target_years,
        order_cut_years=p.fleet.order_cut_years,
        work_per_unit=static.h100e,
        retire_ratio=p.fleet.retire_ratio,
    )


def _carrying_cost(static: Static, side: SupplySide, rate: np.ndarray) -> np.ndarray:
    """Cost of holding shipped XPUs that wait for power, (draw, year) [USD/yr]: the
    waiting stock at the mix's price times the yearly carrying rate (draw,) [1/yr]."""
    waiting = side.fleet.xpus_waiting_power
    if waiting is None:
        return np.zeros_like(side.fleet.shipments_total)
    asp = static.mix @ static.tables["asp_usd"]  # (year,)
    return waiting * asp[None, :] * rate[:, None]


def side_capex(static: Static, p: ScenarioParams, side: SupplySide) -> np.ndarray:
    """Capex by item of one supply-side pass, (draw, year, item) [USD/yr]."""
    supply_mw = side.power.power_supply_mw
    added = np.diff(supply_mw, axis=1, prepend=supply_mw[:, :1])
    return economics.capex_items(
        shipments=side.fleet.shipments,
        asp_usd=static.tables["asp_usd"],
        nic_gbps=static.tables["nic_gbps"],
        transceivers=side.network.transceivers,
        transceiver_usd=static.net["module_usd"],
        switches=side.network.switches,
        switch_usd=static.net["switch_usd"],
        dc_work_mw=economics.dc_work_mw(
            side.power.dc_under_construction_mw,
            sum_last(side.power.dc_capacity_mw),
            p.power.construction_lead_years,
        ),
        onsite_added_mw=np.maximum(added[..., 1:], 0.0),
        onsite_usd_per_kw=static.power_tech["capex_per_kw"],
        grid_added_mw=np.maximum(added[..., 0], 0.0),
        p=p.economics,
    )


def economics_stage(
    static: Static,
    p: ScenarioParams,
    side: SupplySide,
    arr_usd: np.ndarray,
    rate_per_device: np.ndarray,
) -> EconomicsOut:
    """Capex, revenue pools and cost per token of the solved supply side.

    ``arr_usd`` (draw, year) [USD/yr]; ``rate_per_device`` (draw, year, type) [token/s].
    """
    ep = p.economics
    ship = side.fleet.shipments
    items = side_capex(static, p, side)
    segments = contract(items, economics.segment_map())
    total = sum_last(segments)
    pools = economics.revenue_pools(
        items=items,
        logic_wafer_cost=side.fab.logic_wafer_cost,
        hbm_bits=side.fab.hbm_bits,
        cowos_wafers=side.fab.cowos_wafers_total,
        wfe_usd=side.fab.wfe_total_usd,
        euv_installed=side.fab.euv_tools_installed,
        p=ep,
    )
    mw_unit = side.power.mw_per_unit
    capex_xpu = economics.capex_per_xpu(
        items=items,
        shipments=ship,
        asp_usd=static.tables["asp_usd"],
        host_server_share=ep.host_server_share,
        mw_per_unit=mw_unit,
        dc_capex_usd_per_mw=ep.dc_capex_usd_per_mw,
    )
    return EconomicsOut(
        capex_usd=items,
        capex_segment_usd=segments,
        capex_total_usd=total,
        capex_cumulative_usd=np.cumsum(total, axis=1),
        capex_revenue_gap_usd=total - arr_usd,
        financing_limit_usd=economics.financing_limit_usd(static.sim_years, arr_usd, ep),
        inventory_carrying_usd=_carrying_cost(static, side, ep.inventory_carrying_rate),
        revenue_pool_usd=pools,
        # accelerators are booked by who sells each type; other pools split by share
        firm_revenue_usd=contract(pools, static.shares)
        + contract(ship * static.tables["asp_usd"][None, None], static.sellers),
        cost_per_mtok=economics.cost_per_mtok(
            capex_per_xpu_usd=capex_xpu,
            facility_kw=mw_unit * 1e3,
            tokens_per_s=rate_per_device,
            lifetime=p.fleet.lifetime_years,
            p=ep,
            load_factor=p.power.load_factor,
        ),
    )
