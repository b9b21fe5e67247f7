"""The chain: wires the layers for one scenario over all years and draws.

Like pvlib's ModelChain, sub-models are picked by name from registries
(``demand.model: tokens | revenue``); the chain holds no physics. Every array
carries a leading ``draw`` axis; a point run is one draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import xarray as xr

from aiinfra import __version__, solve
from aiinfra.arrays import contract, dot_last, per_year_contract, previous_year, sum_last
from aiinfra.catalogs import (
    COMPANIES,
    NODE_FAMILIES,
    VENDORS,
    accelerators,
    capacity_series,
    euv_history,
    fleet_tables,
    get_accelerator,
    get_architecture,
    installed_2022,
    node_family_tables,
    read_csv,
    shipments_history,
    wfe_history,
)
from aiinfra.errors import ScenarioError
from aiinfra.layers import compute, demand, economics, fab, fleet, network, power
from aiinfra.quantity import point
from aiinfra.results import build_dataset
from aiinfra.scenario import OWNERS, DemandSection, Scenario, load_scenario
from aiinfra.uncertainty import sample_parameters
from aiinfra.variables import DEMAND_PATH

__all__ = ["MODEL_REGISTRY", "Chain", "binding_share", "run"]

EUV_BEFORE_2019 = 45  # ASML EUV shipments 2010-2018 (ASML annual reports; NXE:3100-3400B)
HIGH_NA_FROM = 2026

LAYERS = solve.LAYERS

# layer -> {name: function}; unknown names are rejected with the known list.
MODEL_REGISTRY: dict[str, Mapping[str, Callable[..., Any]]] = {
    "demand": demand.MODELS,
    "compute": compute.MODELS,
}


def resolve_model(layer: str, name: str) -> Callable[..., Any]:
    """Look up sub-model ``name`` of ``layer``; clear error if unknown."""
    models = MODEL_REGISTRY[layer]
    if name not in models:
        msg = f"unknown {layer} model {name!r}; known models: {', '.join(sorted(models))}"
        raise ScenarioError([(f"{layer}.model", msg)])
    return models[name]


@dataclass
class Chain:
    """Runs one scenario through every layer, vectorised over draws."""

    scenario: Scenario
    models: dict[str, Any] = field(init=False)
    accelerators: list[str] = field(init=False)
    rates: dict[str, np.ndarray] | None = field(init=False)
    tables: dict[str, np.ndarray] = field(init=False)
    node_tables: dict[str, np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        sc = self.scenario
        self.models = {
            "demand": resolve_model("demand", sc.demand.model),
            "compute": resolve_model("compute", sc.compute.model),
        }
        self.accelerators = list(accelerators())
        self.tables = dict(fleet_tables(tuple(self.accelerators)))
        self.tables["interposers_per_wafer"] = fab.interposers_per_wafer(
            self.tables["interposer_mm2"]
        )
        self.node_tables = node_family_tables()
        h100 = get_accelerator("H100-SXM").peak("fp8")
        self._h100e = np.array([get_accelerator(a).peak("fp8") / h100 for a in self.accelerators])
        self._mix = self._deployment_mix()
        self._lp = False  # build the LP tables (set per run by compute(keep_internals=...))
        self._init_network_power()
        self.rates = self._serving_rates() if self.models["compute"] == "roofline" else None

    def _init_network_power(self) -> None:
        """Static tables of the network and power layers (draw-independent)."""
        net = self.scenario.network
        rows = read_csv("network.csv")
        trx = [r for r in rows if r["kind"] == "transceiver"]
        sws = [r for r in rows if r["kind"] == "switch"]
        speeds = np.array([float(r["gbps"]) for r in trx])
        self.net = {
            "speeds": speeds,
            "module_w": np.array([float(r["watts"]) for r in trx]),
            "switch_w": np.array([float(r["watts"]) for r in sws]),
            "speed_names": [r["name"] for r in trx],
            "module_usd": np.array([float(r["price_usd"]) for r in trx]),
            "switch_usd": np.array([float(r["price_usd"]) for r in sws]),
            "switch_names": [r["name"] for r in sws],
        }
        sizes = sorted({k for m in net.clusters.values() for k in m}, key=float)
        years = self.sim_years
        accs = [get_accelerator(a) for a in self.accelerators]
        nic = np.array([a.nic_gbps for a in accs])
        self.fabric = network.fabric_tables(
            nic_gbps=nic,
            switch_gbps=np.array([float(r["gbps"]) for r in sws]),
            switch_share=compute.mix_table(net.switches, self.net["switch_names"], years),
            cluster_sizes=np.array([float(k) for k in sizes]),
            cluster_share=compute.mix_table(net.clusters, sizes, years),
            speeds=speeds,
        )
        scaleup = np.zeros((len(years), len(accs), len(speeds)))
        for j, a in enumerate(accs):
            scaleup[:, j, int(np.searchsorted(speeds, a.nic_gbps))] = a.scaleup_optics_per_xpu
        self.fabric["scaleup"] = scaleup
        rows_ms = read_csv("market_shares.csv")
        self.firms = [*sorted({r["company"] for r in rows_ms if r["company"] != "Other"}), "Other"]
        self.shares = np.zeros((len(economics.POOLS), len(self.firms)))
        for r in rows_ms:
            self.shares[economics.POOLS.index(r["pool"]), self.firms.index(r["company"])] += float(
                r["share"]
            )
        tech = [r for r in read_csv("power_tech.csv") if r["kind"] == "onsite"]
        self.power_tech = {
            "names": [r["source_name"] for r in tech],
            "deliveries_2025": np.array([float(r["deliveries_mw_2025"]) for r in tech]),
            "growth": np.array([float(r["deliveries_growth"]) for r in tech]),
            "heat_rate": np.array([float(r["heat_rate_mmbtu_per_mwh"]) for r in tech]),
            "co2": np.array([float(r["co2_kg_per_mmbtu"]) for r in tech]),
            "capex_per_kw": np.array([float(r["capex_usd_per_kw"]) for r in tech]),
            "lead": np.array([float(r["lead_time_years"]) for r in tech]),
        }
        dc_rows = read_csv("dc_history.csv")
        self.dc_hist = {}
        for region in ("ex_china", "china"):
            rr = {int(r["year"]): r for r in dc_rows if r["region"] == region}
            hist = np.array([float(rr[y]["energised_mw"]) if y in rr else np.nan for y in years])
            uc = max(
                (
                    float(r["under_construction_mw"])
                    for r in rr.values()
                    if r["under_construction_mw"]
                ),
                default=0.0,
            )
            self.dc_hist[region] = (hist, uc)

    def _serving_rates(self) -> dict[str, np.ndarray]:
        """Roofline rates per accelerator x workload (draw-independent, computed once)."""
        c = self.scenario.compute
        shapes = [getattr(c.shapes, w) for w in DemandSection.WORKLOADS]
        key = (
            tuple(self.accelerators),
            c.serving_model,
            tuple(point(s.input_tokens) for s in shapes),
            tuple(point(s.output_tokens) for s in shapes),
            c.precision,
            c.mfu,
            c.mbu,
            c.tpot_slo_s,
        )
        try:
            return _serving_rates_cached(*key)
        except ValueError as exc:
            raise ScenarioError([("compute.serving_model", str(exc))]) from None

    @property
    def years(self) -> np.ndarray:
        """Reported years (the horizon), shape (year,)."""
        return np.asarray(self.scenario.years)

    @property
    def sim_years(self) -> np.ndarray:
        """Simulated years: from the first history year to the horizon end."""
        return np.arange(demand.BASE_YEAR, self.scenario.horizon.end + 1)

    def compute(
        self,
        draws: int = 1,
        seed: int | np.random.Generator = 0,
        sampler: str | None = None,
        *,
        params: Any = None,
        keep_internals: bool = False,
    ) -> dict[str, np.ndarray]:
        """Run all layers; return raw output arrays keyed by registry name.

        ``params`` (a sampled parameter tree, e.g. a slice of a larger design)
        replaces sampling. ``keep_internals=True`` also stores per-type
        requirements and capacities (all simulated years) in ``self.internals``.
        """
        p = params
        if p is None:
            p = sample_parameters(
                self.scenario,
                draws,
                seed=seed,
                sampler=sampler or self.scenario.uncertainty.sampler,
            )
        years = self.sim_years
        t = (years - demand.BASE_YEAR).astype(float)
        self._lp = keep_internals  # the LP tables are large: only build them when asked
        out: dict[str, np.ndarray] = {}
        d = self._demand(t, p, out)
        need = self._compute(t, p, d, out)
        # pass 1, the demand path: what the need alone would ship; developers plan data
        # centres and power for it, and it sets the per-XPU requirements of every layer
        plan: dict[str, np.ndarray] = dict(out)
        ship = self._fleet(years, p, need, plan)
        self._fab(years, p, ship, plan)
        self._network(years, p, ship, plan)
        self._power(years, p, ship, plan)
        supply = self._supply(p, plan)
        for key in DEMAND_PATH:
            out[f"{key}_demand"] = plan[key]
        # pass 2, the bottleneck solver: ship what every layer can support
        ship = self._fleet(years, p, need, out, supply=supply)
        self._fab(years, p, ship, out)
        self._network(years, p, ship, out)
        self._power(years, p, ship, out, plan_mw=plan["facility_power_w"] / 1e6)
        self._economics(years, p, ship, out)
        out["_lp_mw"] = (supply.mw, supply.mw_per_unit)
        out["_lp_rate"] = self._lp_rate
        for key in ("_sup_fab", "_sup_net", "_sup_power", "_mw_per_unit", "_mw_avail"):
            out.pop(key)
        internals = {k: out.pop(k) for k in list(out) if k.startswith("_lp")}
        if keep_internals:
            self.internals = internals
        served = np.minimum(out["fleet_coverage"], 1.0)
        out["tokens_served"] = d["tokens_total"] * served
        out["tokens_served_share"] = served
        skip = int(self.years[0] - years[0])
        return {k: v[:, skip:] for k, v in out.items()}

    def _demand(self, t: np.ndarray, p: Any, out: dict[str, np.ndarray]) -> dict[str, Any]:
        d = self.models["demand"](t, p.demand, DemandSection.WORKLOADS)
        tr = demand.training_flop(t, p.demand.training)
        out.update(
            demand_users=d["users"],
            demand_tokens=d["tokens"],
            demand_input_tokens=d["input_tokens"],
            demand_output_tokens=d["output_tokens"],
            token_price=d["price"],
            revenue_usd=d["revenue"],
            tokens_total=d["tokens_total"],
            arr_usd=d["revenue_total"],
            training_flop=tr["training_flop"],
            frontier_run_flop=tr["frontier_run_flop"],
            frontier_runs=tr["frontier_runs"],
        )
        return {**d, **tr}

    def _deployment_mix(self) -> np.ndarray:
        """(year, type) shares: history years from shipments data, later from the scenario."""
        names = tuple(self.accelerators)
        hist = shipments_history(names, self.sim_years)
        known: dict[int, dict[str, float]] = {}
        for i, y in enumerate(self.sim_years):
            if not np.isnan(hist[i]).any():
                known[int(y)] = dict(zip(names, hist[i], strict=True))
        last = max(known) if known else -1
        known.update({y: m for y, m in self.scenario.compute.mix.items() if y > last})
        return compute.mix_table(known, names, self.sim_years)

    def _compute(
        self, t: np.ndarray, p: Any, d: dict[str, Any], out: dict[str, np.ndarray]
    ) -> np.ndarray:
        c = self.scenario.compute
        accs = [get_accelerator(a) for a in self.accelerators]
        req = compute.requirements(
            t,
            input_tokens=d["input_tokens"],
            output_tokens=d["output_tokens"],
            training_flop=d["training_flop"],
            p=p.compute,
            lifetime=p.fleet.lifetime_years,
            rates=self.rates,
            mix=self._mix,
            train_flops=np.array([a.peak(c.training_precision) for a in accs]),
            software_eff=np.array([a.software_efficiency for a in accs]),
            h100e=self._h100e,
        )
        tokens = (d["input_tokens"] + d["output_tokens"]).sum(axis=-1)
        self._lp_rate = tokens[..., None] / (
            np.maximum(req["n_inf"], 1e-30) * compute.SECONDS_PER_YEAR
        )  # production tokens/s per device if it only served tokens (draw, year, type)
        out.update(
            xpus_needed=req["xpus_by_type"],
            xpus_needed_by_workload=req["xpus_by_workload"],
            xpus_needed_by_use=req["xpus_by_use"],
            xpus_needed_total=req["xpus_total"],
            h100e_needed=req["h100e_total"],
            shipments_needed=req["shipments_needed"],
            shipments_needed_h100e=req["shipments_needed_h100e"],
            token_rate_needed=req["token_rate_needed"],
        )
        return req["need_per_type"]

    def _supply(self, p: Any, plan: dict[str, np.ndarray]) -> fleet.Supply:
        """Capacities of every layer for the solver, from the demand-path pass."""
        flow = np.concatenate([plan["_sup_fab"], plan["_sup_net"][..., None]], axis=-1)
        lead = np.stack(
            [
                p.fab.fab_lead_years,
                p.fab.cowos_lead_years,
                p.fab.hbm_lead_years,
                p.fab.euv_lead_years,
                p.network.transceiver_lead_years,
                p.power.construction_lead_years,
                p.power.onsite_response_lead_years,
            ],
            axis=-1,
        )
        # The fleet history built draws more than the AI data-centre capacity on record: the
        # rest sits in conventional halls. That legacy hosting, measured at the last history
        # year, stays available (it empties as the old fleet retires).
        hist = ~np.isnan(shipments_history(tuple(self.accelerators), self.sim_years)).any(axis=1)
        last = int(np.flatnonzero(hist).max())
        need_mw = plan["facility_power_w"][:, last] / 1e6
        legacy = np.maximum(need_mw - plan["_mw_avail"][:, last, 1], 0.0)
        return fleet.Supply(
            flow=flow,
            mw=plan["_mw_avail"] + legacy[:, None, None],
            mw_per_unit=plan["_mw_per_unit"],
            lead=lead,
            response=p.fleet.capacity_response,
            backlog_decay=p.fleet.backlog_cancel,
            orders=plan["shipments_total"],
            max_waiting=p.fleet.max_waiting_years,
        )

    def _fleet(
        self,
        years: np.ndarray,
        p: Any,
        need: np.ndarray,
        out: dict[str, np.ndarray],
        supply: fleet.Supply | None = None,
    ) -> np.ndarray:
        names = tuple(self.accelerators)
        f = fleet.stock_flow(
            years=years,
            history=shipments_history(names, years),
            initial=installed_2022(names),
            initial_age=2.0,
            need=need,
            mix=self._mix,
            lifetime=p.fleet.lifetime_years,
            gap_halflife=p.fleet.gap_halflife,
            supply=supply,
        )
        ship = f["shipments"]
        if supply is not None:
            # manufacturing layers carry the shipments, data centres and power the deployments
            n_flow = supply.flow.shape[-1]
            used = np.repeat(sum_last(ship)[..., None], f["supportable"].shape[-1], axis=-1)
            used[..., n_flow:] = sum_last(f["deployments"])[..., None]
            with np.errstate(divide="ignore", invalid="ignore"):
                util = np.where(f["supportable"] > 0, used / f["supportable"], np.inf)
            out["_lp_extra"] = f["extra"]
            out["_lp_deployments"] = f["deployments"]  # by type: for the LP only
            out.update(
                deployments_total=sum_last(f["deployments"]),
                xpus_waiting_power=f["inventory"],
                xpus_supportable=f["supportable"],
                shipments_desired=f["desired"],
                backlog=f["backlog"],
                binding_layer=f["binding"],
                capacity_utilisation=np.minimum(util, 1e6),
            )
        out.update(
            shipments=ship,
            shipments_total=sum_last(ship),
            shipments_by_vendor=contract(ship, self.tables["vendor_map"]),
            installed_base=f["installed"],
            installed_total=sum_last(f["installed"]),
            installed_by_vintage=f["vintage"],
            installed_h100e=dot_last(f["installed"], self._h100e),
            retirements=f["retirements"],
            fleet_gap=f["gap"],
            fleet_coverage=f["coverage"],
        )
        return ship

    def _fab(self, years: np.ndarray, p: Any, ship: np.ndarray, out: dict[str, np.ndarray]) -> None:
        fp = p.fab
        total = ship.sum(axis=-1, keepdims=True)
        mix = np.where(total > 0, ship / np.where(total > 0, total, 1.0), self._mix[None])
        logic_wpm = np.stack(
            [capacity_series(f"logic_{n}", years, fp.logic_capacity_growth) for n in NODE_FAMILIES],
            axis=-1,
        )
        euv_hist = euv_history()
        first = int(years[0])
        before = sum(lo + hi for y, (lo, hi) in euv_hist.items() if y < first) + EUV_BEFORE_2019
        low = np.array([euv_hist.get(int(y), (np.nan, 0))[0] for y in years])
        high = np.array([euv_hist.get(int(y), (0, np.nan))[1] for y in years])
        n = fp.euv_low_na_per_year.shape[0]
        low_d = np.where(np.isnan(low)[None], fp.euv_low_na_per_year[:, None], low[None])
        high_d = np.where(
            np.isnan(high)[None],
            np.where(years[None] >= HIGH_NA_FROM, fp.high_na_per_year[:, None], 0.0),
            high[None],
        )
        wfe_h = wfe_history()
        wfe_hist = np.array(
            [[wfe_h.get((int(y), a), np.nan) for a in fab.WFE_APPLICATIONS] for y in years]
        )
        m = fab.manufacturing(
            years=years,
            shipments=ship,
            mix=mix,
            tables=self.tables,
            node_tables=self.node_tables,
            p=fp,
            logic_wpm=logic_wpm,
            cowos_wpm=capacity_series("cowos", years, fp.cowos_capacity_growth)
            * fp.cowos_capacity_scale[:, None],
            dram_wpm=capacity_series("dram", years, fp.dram_capacity_growth),
            wfe_hist=wfe_hist,
            euv_shipped=np.stack([low_d, np.broadcast_to(high_d, (n, len(years)))], axis=-1),
            euv_installed_before=float(before),
            lp_tables=self._lp,
        )
        out.update(
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
            _sup_fab=m["supportable"],
        )
        if self._lp:
            out["_lp_fab"] = (m["req"], m["cap"])

    def _network(
        self, years: np.ndarray, p: Any, ship: np.ndarray, out: dict[str, np.ndarray]
    ) -> None:
        np_ = p.network
        fab_t = self.fabric
        spd = self.net["speeds"]
        watts = self.net["module_w"]
        i400 = int(np.searchsorted(spd, 400.0))
        front = np_.frontend_gbps_per_xpu / 400.0 * 2.0  # 400G modules per XPU, both ends
        ramp = np.clip((years - self.scenario.network.cpo_start_year + 1) / 4.0, 0.0, 1.0)
        cpo = np_.cpo_share_max[:, None] * ramp[None]
        extra = fab_t["scaleup"]
        by_speed = network.transceivers(
            shipments=ship,
            tier1=fab_t["tier1"],
            upper=fab_t["upper"],
            extra=extra,
            first_tier_copper=np_.first_tier_copper,
            cpo_share=cpo,
        )
        total_ship = sum_last(ship)
        by_speed[..., i400] += front[:, None] * total_ship
        per_xpu = sum_last(by_speed) / np.maximum(total_ship, 1e-9)
        switches = per_year_contract(ship, fab_t["switches"])
        # network watts per XPU by draw, year and type (CPO optics at half the power)
        w_t1 = fab_t["tier1"] @ watts  # (year, type)
        w_up = fab_t["upper"] @ watts
        w_ex = extra @ watts + fab_t["switches"] @ self.net["switch_w"]
        w = (
            (1.0 - np_.first_tier_copper)[:, None, None] * w_t1[None]
            + (1.0 - 0.5 * cpo)[..., None] * w_up[None]
            + w_ex[None]
            + (front * watts[i400])[:, None, None]
        )
        w_vintage = dot_last(ship, w) / np.maximum(total_ship, 1e-9)  # (draw, vintage)
        inst_w = dot_last(out["installed_by_vintage"], w_vintage[:, None, :])
        capacity = np_.transceiver_capacity_2025[:, None] * np.power(
            1.0 + np_.transceiver_capacity_growth[:, None], years[None] - 2025.0
        )
        self._net_w_per_type = w
        out.update(
            transceivers=by_speed,
            transceivers_800g=by_speed[..., int(np.searchsorted(spd, 800.0))],
            transceivers_per_xpu=per_xpu,
            switches=switches,
            network_power_w=inst_w,
            fabric_tiers=dot_last(ship, fab_t["tiers"][None]) / np.maximum(total_ship, 1e-9),
            _sup_net=capacity / np.maximum(per_xpu, 1e-9),
        )
        if self._lp:
            out["_lp_net"] = (
                (1.0 - np_.first_tier_copper)[:, None, None] * sum_last(fab_t["tier1"])[None]
                + (1.0 - cpo)[..., None] * sum_last(fab_t["upper"])[None]
                + sum_last(extra)[None]
                + front[:, None, None],
                capacity,
            )

    def _power(
        self,
        years: np.ndarray,
        p: Any,
        ship: np.ndarray,
        out: dict[str, np.ndarray],
        plan_mw: np.ndarray | None = None,
    ) -> None:
        pp = p.power
        sc = self.scenario.power
        tdp = self.tables["tdp_w"]
        host = (1.0 + pp.host_overhead)[:, None]
        inst = out["installed_base"]
        it_w = power.it_power_w(
            dot_last(inst, tdp), pp.host_overhead[:, None], out["network_power_w"]
        )
        owners = compute.mix_table(sc.owners, OWNERS, years)  # (year, owner)
        pue0 = np.stack(
            [pp.pue_llm_providers, pp.pue_hyperscalers, pp.pue_neoclouds, pp.pue_enterprise],
            axis=-1,
        )  # (draw, owner)
        decay = np.power(1.0 - pp.pue_improvement[:, None], years[None] - years[0])
        pue_o = 1.0 + (pue0[:, None, :] - 1.0) * decay[..., None]  # (draw, year, owner)
        pue = dot_last(pue_o, owners[None])
        fac_w = power.facility_power_w(it_w, pue)
        ai_twh = power.energy_wh(fac_w, pp.load_factor[:, None]) / 1e12
        non_ai = pp.non_ai_dc_twh_2024[:, None] * np.power(
            1.0 + pp.non_ai_dc_growth[:, None], years[None] - 2024.0
        )
        use = out["xpus_needed_by_use"]
        inf_share = use[..., 0] / np.maximum(use[..., 0] + use[..., 1], 1e-30)
        llm_it = it_w * owners[None, :, OWNERS.index("llm_providers")]
        # data-centre pipeline and power supply by region, planned for the demand path
        demand_mw = fac_w / 1e6
        plan_mw = demand_mw if plan_mw is None else plan_mw
        regions = {"ex_china": 1.0 - pp.china_share, "china": pp.china_share}
        t_after = np.maximum(years - 2026.0, 0.0)
        starts_cap = pp.dc_start_capacity_2026[:, None] * np.power(
            1.0 + pp.dc_start_capacity_growth[:, None], t_after[None]
        )
        grid_cap = pp.grid_capacity_2026[:, None] * np.power(
            1.0 + pp.grid_capacity_growth[:, None], t_after[None]
        )
        onsite = (
            self.power_tech["deliveries_2025"][None, None]
            * np.power(
                1.0 + self.power_tech["growth"][None, None],
                np.maximum(years - 2025.0, 0.0)[None, :, None],
            )
            * pp.onsite_deliveries_scale[:, None, None]
        )
        dc = {}
        supply = {}
        for region, share in regions.items():
            hist, uc = self.dc_hist[region]
            pipe = power.dc_pipeline(
                demand_mw=plan_mw * share[:, None],
                history_mw=hist,
                under_construction_mw=uc * pp.pipeline_scale,
                construction_lead=pp.construction_lead_years,
                start_capacity_mw=starts_cap * share[:, None],
                reserve=pp.dc_reserve,
            )
            sup = power.power_supply(
                completions_mw=pipe["completions"],
                starts_mw=pipe["starts"],
                history=~np.isnan(hist),
                pipeline_mw=uc * pp.pipeline_scale,
                grid_lead=pp.grid_lead_years,
                grid_capacity_mw=grid_cap * share[:, None],
                onsite_limits_mw=onsite * share[:, None, None],
                first_powered_mw=pipe["energised"][:, 0],
                onsite_lead=self.power_tech["lead"],
            )
            dc[region], supply[region] = pipe, sup
        energised = np.stack([dc[r]["energised"] for r in regions], axis=-1)
        starts_total = sum(dc[r]["starts"] for r in regions)
        powered = sum(supply[r]["powered"] for r in regions)
        by_source = np.concatenate(
            [
                sum(supply[r]["grid"] for r in regions)[..., None],
                sum(supply[r]["onsite"] for r in regions),
            ],
            axis=-1,
        )
        shortfall = sum(supply[r]["shortfall"] for r in regions)
        # on-site generation runs while grid is short: energy, fuel, CO2
        site_mw = by_source[..., 1:]
        site_twh = site_mw * pp.load_factor[:, None, None] * power.HOURS_PER_YEAR / 1e6
        fuel = (site_twh * 1e6 * self.power_tech["heat_rate"][None, None]).sum(axis=-1)  # MMBtu
        co2_site = (site_twh * 1e6 * self.power_tech["heat_rate"] * self.power_tech["co2"]).sum(
            axis=-1
        ) / 1e3  # t
        grid_int = pp.grid_co2_kg_per_mwh_2024[:, None] * np.power(
            1.0 - pp.grid_co2_decline[:, None], years[None] - 2024.0
        )
        grid_twh = np.maximum(ai_twh - sum_last(site_twh), 0.0)
        co2 = co2_site + grid_twh * 1e6 * grid_int / 1e3
        mw_unit = (tdp[None, None] * host[..., None] + self._net_w_per_type) * pue[..., None] / 1e6
        self._mw_unit_constrained = mw_unit
        # XPUs supportable per year by data-centre shells and by power
        w_new = dot_last(ship, tdp) * host[:, 0, None] / np.maximum(sum_last(ship), 1e-9)
        w_new = w_new * pue / 1e6  # facility MW per new XPU
        new_units = out["deployments_total"] if "deployments_total" in out else sum_last(ship)
        survivors_mw = demand_mw - new_units * w_new
        out.update(
            it_power_w=it_w,
            facility_power_w=fac_w,
            pue=pue,
            ai_dc_energy_twh=ai_twh,
            dc_energy_twh=ai_twh + non_ai,
            llm_provider_capacity_w=np.stack(
                [llm_it * inf_share, llm_it * (1 - inf_share), np.zeros_like(llm_it)], -1
            ),
            dc_capacity_mw=energised,
            dc_starts_mw=starts_total,
            dc_announced_mw=_shift_earlier(starts_total, pp.planning_lead_years),
            it_power_by_owner_w=it_w[..., None] * owners[None],
            dc_under_construction_mw=sum(dc[r]["under_construction"] for r in regions),
            power_supply_mw=by_source,
            power_shortfall_mw=shortfall,
            power_deficit_mw=np.maximum(demand_mw - powered, 0.0),
            onsite_fuel_mmbtu=fuel,
            co2_t=co2,
            _mw_avail=np.stack([sum_last(energised), powered], axis=-1),
            _mw_per_unit=mw_unit,
            _sup_power=np.stack(
                [
                    np.maximum(sum_last(energised) - survivors_mw, 0.0) / np.maximum(w_new, 1e-12),
                    np.maximum(powered - survivors_mw, 0.0) / np.maximum(w_new, 1e-12),
                ],
                axis=-1,
            ),
        )

    def _economics(
        self, years: np.ndarray, p: Any, ship: np.ndarray, out: dict[str, np.ndarray]
    ) -> None:
        ep = p.economics
        accs = [get_accelerator(a) for a in self.accelerators]
        uc = out["dc_under_construction_mw"]
        uc_prev = np.concatenate([np.zeros_like(uc[:, :1]), uc[:, :-1]], axis=1)
        energised = sum_last(out["dc_capacity_mw"])
        completions = energised - previous_year(energised)
        work = np.where(
            uc + uc_prev > 0,
            0.5 * (uc + uc_prev) / p.power.construction_lead_years[:, None],
            completions,
        )
        supply_mw = out["power_supply_mw"]
        added = np.diff(supply_mw, axis=1, prepend=supply_mw[:, :1])
        items = economics.capex_items(
            shipments=ship,
            asp_usd=self.tables["asp_usd"],
            nic_gbps=np.array([a.nic_gbps for a in accs]),
            transceivers=out["transceivers"],
            transceiver_usd=self.net["module_usd"],
            switches=out["switches"],
            switch_usd=self.net["switch_usd"],
            dc_work_mw=work,
            onsite_added_mw=np.maximum(added[..., 1:], 0.0),
            onsite_usd_per_kw=self.power_tech["capex_per_kw"],
            grid_added_mw=np.maximum(added[..., 0], 0.0),
            p=ep,
        )
        seg_map = np.array(
            [
                [economics.SEGMENT_OF[i] == s for s in economics.SEGMENTS]
                for i in economics.CAPEX_ITEMS
            ],
            dtype=float,
        )
        segments = contract(items, seg_map)
        total = sum_last(segments)
        euv_added = np.diff(
            out["euv_tools_installed"], axis=1, prepend=out["euv_tools_installed"][:, :1]
        )
        pools = np.stack(
            [
                items[..., economics.CAPEX_ITEMS.index("accelerators")],
                out["logic_wafer_cost"],
                out["hbm_bits"] / 8e9 * ep.hbm_usd_per_gb[:, None],
                out["cowos_wafers_total"] * ep.cowos_usd_per_wafer[:, None],
                out["wfe_total_usd"],
                euv_added * ep.euv_tool_usd[:, None],
                items[..., economics.CAPEX_ITEMS.index("switches")],
                items[..., economics.CAPEX_ITEMS.index("transceivers")],
                items[..., economics.CAPEX_ITEMS.index("dc_electrical")],
                items[..., economics.CAPEX_ITEMS.index("dc_cooling")],
                items[..., economics.CAPEX_ITEMS.index("onsite_generation")],
            ],
            axis=-1,
        )
        firms = contract(pools, self.shares)  # (draw, year, firm)
        # cost per million tokens by accelerator type
        shipped = np.maximum(sum_last(ship), 1e-9)
        net_per_xpu = (
            items[
                ...,
                [
                    economics.CAPEX_ITEMS.index(k)
                    for k in ("transceivers", "switches", "nics", "cables")
                ],
            ].sum(-1)
            / shipped
        )
        mw_unit = self._mw_unit_constrained
        capex_xpu = (
            self.tables["asp_usd"][None, None] * (1.0 + ep.host_server_share[:, None, None])
            + net_per_xpu[..., None]
            + mw_unit * ep.dc_capex_usd_per_mw[:, None, None]
        )
        cpm = economics.cost_per_mtok(
            capex_per_xpu_usd=capex_xpu,
            facility_kw=mw_unit * 1e3,
            tokens_per_s=self._lp_rate,
            lifetime=p.fleet.lifetime_years,
            p=ep,
            load_factor=p.power.load_factor,
        )
        out.update(
            capex_usd=items,
            capex_segment_usd=segments,
            capex_total_usd=total,
            capex_cumulative_usd=np.cumsum(total, axis=1),
            capex_revenue_gap_usd=total - out["arr_usd"],
            revenue_pool_usd=pools,
            firm_revenue_usd=firms,
            cost_per_mtok=cpm,
        )

    def run(self, draws: int = 1, seed: int = 0, sampler: str | None = None) -> xr.Dataset:
        """Run the chain and return a labelled Dataset (dims draw, year, ...)."""
        arrays = self.compute(draws, seed, sampler)
        return self.dataset(arrays, self.attrs(draws, seed, sampler))

    def attrs(self, draws: int, seed: int, sampler: str | None = None) -> dict[str, Any]:
        """Dataset attributes describing a run."""
        return {
            "scenario": self.scenario.name,
            "draws": draws,
            "seed": seed,
            "sampler": sampler or self.scenario.uncertainty.sampler,
            "demand_model": self.scenario.demand.model,
            "compute_model": self.scenario.compute.model,
            "aiinfra_version": __version__,
        }

    def coords(self) -> dict[str, Any]:
        """Coordinates of every non-draw dimension of the outputs."""
        return {
            "year": self.years,
            "workload": list(DemandSection.WORKLOADS),
            "accelerator": self.accelerators,
            "use": ["inference", "training", "other_ai"],
            "vendor": list(VENDORS),
            "company": list(COMPANIES),
            "node": list(NODE_FAMILIES),
            "application": list(fab.WFE_APPLICATIONS),
            "layer": list(LAYERS),
            "binding": [*LAYERS, "demand"],
            "speed": self.net["speed_names"],
            "switch": self.net["switch_names"],
            "region": ["ex_china", "china"],
            "owner": list(OWNERS),
            "item": list(economics.CAPEX_ITEMS),
            "segment": list(economics.SEGMENTS),
            "pool": list(economics.POOLS),
            "firm": self.firms,
            "source": ["grid", *self.power_tech["names"]],
            "vintage": self.sim_years,
        }

    def dataset(
        self, arrays: dict[str, np.ndarray], attrs: dict[str, Any], first_draw: int = 0
    ) -> xr.Dataset:
        """Label raw arrays (adds across-draw summaries such as ``binding_share``)."""
        arrays = dict(arrays)
        draws = next(iter(arrays.values())).shape[0]
        arrays["binding_share"] = binding_share(arrays["binding_layer"])
        coords = {"draw": np.arange(first_draw, first_draw + draws), **self.coords()}
        return build_dataset(arrays, coords, attrs)


def binding_share(binding_layer: np.ndarray) -> np.ndarray:
    """Share of draws in which each layer binds, (year, binding) [1], from the binding
    layer index (draw, year)."""
    return (binding_layer[..., None] == np.arange(len(LAYERS) + 1)).mean(axis=0)


@lru_cache(maxsize=32)
def _serving_rates_cached(
    accelerators: tuple[str, ...],
    serving_model: str,
    n_in: tuple[float, ...],
    n_out: tuple[float, ...],
    precision: str,
    mfu: float,
    mbu: float,
    tpot_slo_s: float,
) -> dict[str, np.ndarray]:
    """Roofline serving tables, cached across chains with the same compute inputs."""
    rates = compute.serving_tables(
        [get_accelerator(a) for a in accelerators],
        get_architecture(serving_model),
        n_in=np.array(n_in),
        n_out=np.array(n_out),
        precision=precision,
        efficiency=compute.Efficiency(mfu, mbu),
        tpot_slo_s=tpot_slo_s,
    )
    for v in rates.values():
        v.setflags(write=False)
    return rates


def _shift_earlier(x: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Value of ``x`` ``lead`` years later (draw-wise, linear between years; 0 past the end)."""
    n_year = x.shape[1]
    pos = np.arange(n_year)[None, :] + lead[:, None]
    lo = np.floor(pos).astype(int)
    frac = pos - lo
    pad = np.concatenate([x, np.zeros((x.shape[0], 12))], axis=1)
    rows = np.arange(x.shape[0])[:, None]
    return (
        pad[rows, np.minimum(lo, n_year + 10)] * (1 - frac)
        + pad[rows, np.minimum(lo + 1, n_year + 11)] * frac
    )


def run(
    scenario: Scenario | str | Mapping[str, Any] = "base",
    draws: int = 1,
    seed: int = 0,
    sampler: str | None = None,
    overrides: Any = None,
) -> xr.Dataset:
    """Run a scenario (object, path, shipped name or mapping); see :class:`Chain`."""
    if not isinstance(scenario, Scenario) or overrides:
        scenario = load_scenario(scenario, overrides)
    return Chain(scenario).run(draws=draws, seed=seed, sampler=sampler)
