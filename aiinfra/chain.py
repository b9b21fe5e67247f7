"""The chain: wires the layers for one scenario over all years and draws.

Like pvlib's ModelChain, sub-models are picked by name from registries
(``demand.model: tokens | revenue``); the chain holds no physics. Every array
carries a leading ``draw`` axis; a point run is one draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from aiinfra import __version__
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
    shipments_history,
    wfe_history,
)
from aiinfra.errors import ScenarioError
from aiinfra.layers import compute, demand, fab, fleet
from aiinfra.quantity import point
from aiinfra.results import build_dataset
from aiinfra.scenario import DemandSection, Scenario, load_scenario
from aiinfra.uncertainty import sample_parameters

__all__ = ["MODEL_REGISTRY", "Chain", "run"]

EUV_BEFORE_2019 = 45  # ASML EUV shipments 2010-2018 (ASML annual reports; NXE:3100-3400B)
HIGH_NA_FROM = 2026

EUV_BEFORE_2019 = 45  # ASML EUV shipments 2010-2018 (ASML annual reports; NXE:3100-3400B)
HIGH_NA_FROM = 2026

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
        self.rates = self._serving_rates() if self.models["compute"] == "roofline" else None

    def _serving_rates(self) -> dict[str, np.ndarray]:
        """Roofline rates per accelerator x workload (draw-independent, computed once)."""
        c = self.scenario.compute
        shapes = [getattr(c.shapes, w) for w in DemandSection.WORKLOADS]
        try:
            return compute.serving_tables(
                [get_accelerator(a) for a in self.accelerators],
                get_architecture(c.serving_model),
                n_in=np.array([point(s.input_tokens) for s in shapes]),
                n_out=np.array([point(s.output_tokens) for s in shapes]),
                precision=c.precision,
                efficiency=compute.Efficiency(c.mfu, c.mbu),
                tpot_slo_s=c.tpot_slo_s,
            )
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
        self, draws: int = 1, seed: int | np.random.Generator = 0, sampler: str | None = None
    ) -> dict[str, np.ndarray]:
        """Run all layers; return raw output arrays keyed by registry name."""
        p = sample_parameters(
            self.scenario, draws, seed=seed, sampler=sampler or self.scenario.uncertainty.sampler
        )
        years = self.sim_years
        t = (years - demand.BASE_YEAR).astype(float)
        out: dict[str, np.ndarray] = {}
        d = self._demand(t, p, out)
        need = self._compute(t, p, d, out)
        ship = self._fleet(years, p, need, out)
        self._fab(years, p, ship, out)
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

    def _fleet(
        self, years: np.ndarray, p: Any, need: np.ndarray, out: dict[str, np.ndarray]
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
        )
        ship = f["shipments"]
        out.update(
            shipments=ship,
            shipments_total=ship.sum(axis=-1),
            shipments_by_vendor=ship @ self.tables["vendor_map"],
            installed_base=f["installed"],
            installed_total=f["installed"].sum(axis=-1),
            installed_by_vintage=f["vintage"],
            installed_h100e=(f["installed"] * self._h100e).sum(axis=-1),
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
            cowos_wpm=capacity_series("cowos", years, fp.cowos_capacity_growth),
            dram_wpm=capacity_series("dram", years, fp.dram_capacity_growth),
            wfe_hist=wfe_hist,
            euv_shipped=np.stack([low_d, np.broadcast_to(high_d, (n, len(years)))], axis=-1),
            euv_installed_before=float(before),
        )
        out.update(
            logic_wafers=m["logic_wafers"],
            logic_capacity=m["logic_capacity"],
            ai_share_logic=m["ai_share_logic"],
            logic_wafer_cost=m["logic_wafer_cost"],
            cowos_wafers=m["cowos_wafers"],
            cowos_wafers_total=m["cowos_wafers"].sum(axis=-1),
            cowos_capacity=m["cowos_capacity"],
            hbm_bits=m["hbm_bits"],
            hbm_stacks=m["hbm_stacks"],
            hbm_wafers=m["hbm_wafers"],
            hbm_share_dram=m["hbm_share_dram"],
            wfe_usd=m["wfe"],
            wfe_total_usd=m["wfe"].sum(axis=-1),
            euv_tools_needed=m["euv_tools_needed"],
            euv_tools_needed_ai=m["euv_tools_needed_ai"],
            euv_tools_installed=m["euv_tools_installed"],
            cleanroom_m2=m["cleanroom_m2"],
            xpus_supportable=m["supportable"],
        )

    def run(self, draws: int = 1, seed: int = 0, sampler: str | None = None) -> xr.Dataset:
        """Run the chain and return a labelled Dataset (dims draw, year, ...)."""
        arrays = self.compute(draws, seed, sampler)
        coords = {
            "draw": np.arange(draws),
            "year": self.years,
            "workload": list(DemandSection.WORKLOADS),
            "accelerator": self.accelerators,
            "use": ["inference", "training", "other_ai"],
            "vendor": list(VENDORS),
            "company": list(COMPANIES),
            "node": list(NODE_FAMILIES),
            "application": list(fab.WFE_APPLICATIONS),
            "layer": list(fab.SUPPLY_LAYERS),
            "vintage": self.sim_years,
        }
        attrs = {
            "scenario": self.scenario.name,
            "draws": draws,
            "seed": seed,
            "sampler": sampler or self.scenario.uncertainty.sampler,
            "demand_model": self.scenario.demand.model,
            "compute_model": self.scenario.compute.model,
            "aiinfra_version": __version__,
        }
        return build_dataset(arrays, coords, attrs)


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
