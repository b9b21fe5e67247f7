"""Static: everything draw-independent, built once from a scenario.

This is the only place in the pipeline that reads the data tables (through
:mod:`aiinfra.catalogs`). Stages take a :class:`Static` and sampled parameters
and never touch files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np

from aiinfra.catalogs import (
    NODE_FAMILIES,
    Accelerator,
    accelerators,
    euv_history,
    fleet_tables,
    get_accelerator,
    installed_2022,
    node_family_tables,
    read_csv,
    shipments_history,
    wfe_history,
)
from aiinfra.catalogs import capacity_base as _capacity_base
from aiinfra.errors import ScenarioError
from aiinfra.layers import compute, demand, economics, fab, network
from aiinfra.layers.serving import LatencyTarget
from aiinfra.quantity import point
from aiinfra.scenario import OWNERS, DemandSection, Scenario

__all__ = ["EUV_BEFORE_2019", "HIGH_NA_FROM", "MODEL_REGISTRY", "Static", "build_static"]

EUV_BEFORE_2019 = 45  # ASML EUV shipments 2010-2018 (ASML annual reports; NXE:3100-3400B)
HIGH_NA_FROM = 2026

# layer -> {name: function}; unknown names are rejected with the known list.
MODEL_REGISTRY: Mapping[str, Mapping[str, Callable[..., Any]]] = MappingProxyType(
    {"demand": demand.MODELS, "compute": compute.MODELS}
)


def resolve_model(layer: str, name: str) -> Callable[..., Any]:
    """Look up sub-model ``name`` of ``layer``; clear error if unknown."""
    models = MODEL_REGISTRY[layer]
    if name not in models:
        msg = f"unknown {layer} model {name!r}; known models: {', '.join(sorted(models))}"
        raise ScenarioError([(f"{layer}.model", msg)])
    return models[name]


def _frozen(d: Mapping[str, Any]) -> Mapping[str, Any]:
    """Read-only view of a dict whose arrays are made read-only too."""
    for v in d.values():
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class Static:
    """Draw-independent inputs of one scenario (arrays are read-only).

    Attributes
    ----------
    scenario : Scenario
        The validated scenario.
    demand_model, compute_model : callable or str
        Sub-models picked by name (``demand.model``, ``compute.model``).
    accelerators : tuple of str
        Accelerator types, the ``type`` axis.
    sim_years : ndarray, (year,)
        Simulated calendar years (from the first history year).
    years : ndarray, (year,)
        Reported calendar years (the horizon).
    t : ndarray, (year,)
        Years since the first simulated year [yr].
    tables : mapping
        Per-type arrays (type,) of :func:`aiinfra.catalogs.fleet_tables` plus
        ``interposers_per_wafer``, ``nic_gbps``, ``train_flops`` [FLOP/s],
        ``software_eff`` [1].
    node_tables : mapping
        Per node family arrays (node,).
    h100e : ndarray, (type,)
        H100 equivalents per device (FP8 peak ratio) [1].
    mix : ndarray, (year, type)
        Deployment mix of new shipments [1].
    history : ndarray, (year, type)
        Historical shipments [units/yr]; NaN rows are modelled years.
    initial : ndarray, (type,)
        Installed base at the end of 2022 [units].
    last_history : int
        Index of the last simulated year with shipment history.
    capacity : mapping
        ``kind -> (base (year,) [wafers/month], years after data (year,) [yr])``.
    euv : mapping
        ``low``, ``high`` (year,) shipped tools with NaN where modelled; ``before``
        tools installed before the first simulated year.
    wfe_hist : ndarray, (year, application)
        WFE spend history [USD]; NaN where modelled.
    net : mapping
        Transceiver and switch tables: ``speeds`` [Gb/s], ``module_w`` [W],
        ``switch_w`` [W], ``module_usd``, ``switch_usd`` [USD], names.
    fabric : mapping
        Fat-tree tables of :func:`aiinfra.layers.network.fabric_tables` plus
        ``scaleup`` (year, type, speed) modules per XPU.
    firms : tuple of str
        Companies of the revenue pools (``Other`` last).
    shares : ndarray, (pool, firm)
        Market shares [1] (zero for accelerators: see ``sellers``).
    sellers : ndarray, (type, firm)
        Share of the accelerator type's revenue each firm books
        (``data/accelerator_sellers.csv``) [1].
    power_tech : mapping
        On-site generation technologies: ``names``, deliveries [MW/yr], growth,
        heat rate [MMBtu/MWh], CO2 [kg/MMBtu], capex [USD/kW], lead [yr].
    dc_hist : mapping
        ``region -> (energised MW history (year,) with NaN, under construction MW)``.
    owners : ndarray, (year, owner)
        Share of the fleet by owner [1].
    rates : mapping or None
        Roofline serving tables (roofline compute model only).
    labs : mapping
        ``data/labs.csv``: ``names``, ``startup`` (lab,) bool, ``revenue_share`` and
        ``bigtech_share`` (lab,) [1], ``raised`` (lab, 2022-2026) capital raised [USD/yr].
    """

    scenario: Scenario
    demand_model: Callable[..., Any]
    compute_model: Any
    accelerators: tuple[str, ...]
    sim_years: np.ndarray
    years: np.ndarray
    t: np.ndarray
    tables: Mapping[str, np.ndarray]
    node_tables: Mapping[str, np.ndarray]
    h100e: np.ndarray
    mix: np.ndarray
    history: np.ndarray
    initial: np.ndarray
    last_history: int
    capacity: Mapping[str, tuple[np.ndarray, np.ndarray]]
    euv: Mapping[str, Any]
    wfe_hist: np.ndarray
    net: Mapping[str, Any]
    fabric: Mapping[str, np.ndarray]
    firms: tuple[str, ...]
    shares: np.ndarray
    sellers: np.ndarray
    power_tech: Mapping[str, Any]
    dc_hist: Mapping[str, tuple[np.ndarray, float]]
    owners: np.ndarray
    rates: Mapping[str, np.ndarray] | None
    labs: Mapping[str, Any]

    @property
    def skip(self) -> int:
        """Simulated years before the first reported year."""
        return int(self.years[0] - self.sim_years[0])


def build_static(scenario: Scenario) -> Static:
    """Build the draw-independent tables of ``scenario`` (reads the data files)."""
    sc = scenario
    models = {
        "demand": resolve_model("demand", sc.demand.model),
        "compute": resolve_model("compute", sc.compute.model),
    }
    names = tuple(accelerators())
    sim_years = np.arange(demand.BASE_YEAR, sc.horizon.end + 1)
    accs = [get_accelerator(a) for a in names]
    tables = dict(fleet_tables(names))
    # parts packaged elsewhere (Huawei's Ascend in China) take no TSMC CoWoS wafers
    tables["interposers_per_wafer"] = np.where(
        [a.packaging.startswith("CoWoS") for a in accs],
        fab.interposers_per_wafer(tables["interposer_mm2"]),
        np.inf,
    )
    tables["nic_gbps"] = np.array([a.nic_gbps for a in accs])
    tables["train_flops"] = np.array([a.peak(sc.compute.training_precision) for a in accs])
    tables["software_eff"] = np.array([a.software_efficiency for a in accs])
    h100 = get_accelerator("H100-SXM").peak("fp8")
    history = shipments_history(names, sim_years)
    has_hist = ~np.isnan(history).any(axis=1)
    net, fabric = _network_tables(sc, accs, sim_years)
    firms, shares = _market_shares()
    static = Static(
        scenario=sc,
        demand_model=models["demand"],
        compute_model=models["compute"],
        accelerators=names,
        sim_years=sim_years,
        years=np.asarray(sc.years),
        t=(sim_years - demand.BASE_YEAR).astype(float),
        tables=_frozen(tables),
        node_tables=_frozen(node_family_tables()),
        h100e=np.array([a.peak("fp8") / h100 for a in accs]),
        mix=_deployment_mix(sc, names, sim_years, history),
        history=history,
        initial=installed_2022(names),
        last_history=int(np.flatnonzero(has_hist).max()),
        capacity=MappingProxyType(
            {
                kind: _capacity_base(kind, sim_years)
                for kind in (*(f"logic_{n}" for n in NODE_FAMILIES), "cowos", "dram")
            }
        ),
        euv=_euv_tables(sim_years),
        wfe_hist=_wfe_table(sim_years),
        net=net,
        fabric=fabric,
        firms=firms,
        shares=shares,
        sellers=_sellers(accs, firms),
        power_tech=_power_tech(),
        dc_hist=_dc_history(sim_years),
        owners=compute.mix_table(sc.power.owners, OWNERS, sim_years),
        rates=_serving_rates(sc, names) if models["compute"] == "roofline" else None,
        labs=_labs(),
    )
    for value in vars(static).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return static


def _deployment_mix(
    sc: Scenario, names: tuple[str, ...], years: np.ndarray, hist: np.ndarray
) -> np.ndarray:
    """(year, type) shares: history years from shipments data, later from the scenario."""
    known: dict[int, dict[str, float]] = {}
    for i, y in enumerate(years):
        if not np.isnan(hist[i]).any():
            known[int(y)] = dict(zip(names, hist[i], strict=True))
    last = max(known) if known else -1
    known.update({y: m for y, m in sc.compute.mix.items() if y > last})
    return compute.mix_table(known, names, years)


def _network_tables(
    sc: Scenario, accs: list[Any], years: np.ndarray
) -> tuple[Mapping[str, Any], Mapping[str, np.ndarray]]:
    """Transceiver/switch tables and fat-tree tables (network.csv, scenario shares)."""
    net = sc.network
    rows = read_csv("network.csv")
    trx = [r for r in rows if r["kind"] == "transceiver"]
    sws = [r for r in rows if r["kind"] == "switch"]
    speeds = np.array([float(r["gbps"]) for r in trx])
    tables = {
        "speeds": speeds,
        "module_w": np.array([float(r["watts"]) for r in trx]),
        "switch_w": np.array([float(r["watts"]) for r in sws]),
        "speed_names": tuple(r["name"] for r in trx),
        "module_usd": np.array([float(r["price_usd"]) for r in trx]),
        "switch_usd": np.array([float(r["price_usd"]) for r in sws]),
        "switch_names": tuple(r["name"] for r in sws),
    }
    sizes = sorted({k for m in net.clusters.values() for k in m}, key=float)
    nic = np.array([a.nic_gbps for a in accs])
    fabric = network.fabric_tables(
        nic_gbps=nic,
        switch_gbps=np.array([float(r["gbps"]) for r in sws]),
        switch_share=compute.mix_table(net.switches, tables["switch_names"], years),
        cluster_sizes=np.array([float(k) for k in sizes]),
        cluster_share=compute.mix_table(net.clusters, sizes, years),
        speeds=speeds,
    )
    scaleup = np.zeros((len(years), len(accs), len(speeds)))
    for j, a in enumerate(accs):
        scaleup[:, j, int(np.searchsorted(speeds, a.nic_gbps))] = a.scaleup_optics_per_xpu
    fabric["scaleup"] = scaleup
    return _frozen(tables), _frozen(fabric)


def _sellers(accs: Sequence[Accelerator], firms: tuple[str, ...]) -> np.ndarray:
    """(type, firm) shares of each accelerator's revenue by who books it (rows by name,
    else by family; a type's shares sum to 1)."""
    rows: dict[str, list[tuple[str, float]]] = {}
    for r in read_csv("accelerator_sellers.csv"):
        rows.setdefault(r["accelerator"], []).append((r["firm"], float(r["share"])))
    out = np.zeros((len(accs), len(firms)))
    for i, a in enumerate(accs):
        for firm, share in rows.get(a.name, rows.get(a.family, [("Other", 1.0)])):
            out[i, firms.index(firm)] += share
    if not np.allclose(out.sum(axis=1), 1.0):
        msg = "accelerator_sellers.csv: the shares of each accelerator must sum to 1"
        raise ScenarioError([("data", msg)])
    out.setflags(write=False)
    return out


def _market_shares() -> tuple[tuple[str, ...], np.ndarray]:
    rows = read_csv("market_shares.csv")
    sellers = {r["firm"] for r in read_csv("accelerator_sellers.csv")}
    names = {r["company"] for r in rows} | sellers
    firms = (*sorted(n for n in names if n != "Other"), "Other")
    shares = np.zeros((len(economics.POOLS), len(firms)))
    for r in rows:
        shares[economics.POOLS.index(r["pool"]), firms.index(r["company"])] += float(r["share"])
    shares.setflags(write=False)
    return firms, shares


def _labs() -> Mapping[str, Any]:
    rows = read_csv("labs.csv")
    years = demand.FUNDING_YEARS
    return _frozen(
        {
            "names": tuple(r["lab"] for r in rows),
            "startup": np.array([r["kind"] == "startup" for r in rows]),
            "revenue_share": np.array([float(r["revenue_share"]) for r in rows]),
            "bigtech_share": np.array([float(r["bigtech_share"]) for r in rows]),
            "raised": np.array([[float(r[f"raised_{y}_usd"]) for y in years] for r in rows]),
        }
    )


def _power_tech() -> Mapping[str, Any]:
    tech = [r for r in read_csv("power_tech.csv") if r["kind"] == "onsite"]
    return _frozen(
        {
            "names": tuple(r["source_name"] for r in tech),
            "deliveries_2025": np.array([float(r["deliveries_mw_2025"]) for r in tech]),
            "growth": np.array([float(r["deliveries_growth"]) for r in tech]),
            "heat_rate": np.array([float(r["heat_rate_mmbtu_per_mwh"]) for r in tech]),
            "co2": np.array([float(r["co2_kg_per_mmbtu"]) for r in tech]),
            "capex_per_kw": np.array([float(r["capex_usd_per_kw"]) for r in tech]),
            "lead": np.array([float(r["lead_time_years"]) for r in tech]),
        }
    )


def _dc_history(years: np.ndarray) -> Mapping[str, tuple[np.ndarray, float]]:
    rows = read_csv("dc_history.csv")
    out = {}
    for region in ("ex_china", "china"):
        rr = {int(r["year"]): r for r in rows if r["region"] == region}
        hist = np.array([float(rr[y]["energised_mw"]) if y in rr else np.nan for y in years])
        uc = max(
            (float(r["under_construction_mw"]) for r in rr.values() if r["under_construction_mw"]),
            default=0.0,
        )
        hist.setflags(write=False)
        out[region] = (hist, uc)
    return MappingProxyType(out)


def _euv_tables(years: np.ndarray) -> Mapping[str, Any]:
    hist = euv_history()
    first = int(years[0])
    before = sum(lo + hi for y, (lo, hi) in hist.items() if y < first) + EUV_BEFORE_2019
    return _frozen(
        {
            "low": np.array([hist.get(int(y), (np.nan, 0))[0] for y in years]),
            "high": np.array([hist.get(int(y), (0, np.nan))[1] for y in years]),
            "before": float(before),
            "high_na_from": HIGH_NA_FROM,
        }
    )


def _wfe_table(years: np.ndarray) -> np.ndarray:
    h = wfe_history()
    out = np.array([[h.get((int(y), a), np.nan) for a in fab.WFE_APPLICATIONS] for y in years])
    out.setflags(write=False)
    return out


def _serving_rates(sc: Scenario, names: tuple[str, ...]) -> Mapping[str, np.ndarray]:
    """Roofline rates per year x accelerator x workload under each workload's latency
    targets and model mix of the year (draw-independent, computed once)."""
    c = sc.compute
    shapes = [getattr(c.shapes, w) for w in DemandSection.WORKLOADS]
    years = tuple(int(y) for y in range(demand.BASE_YEAR, sc.horizon.end + 1))
    key = (
        names,
        tuple(tuple((y, tuple(sorted(m.items()))) for y, m in s.mixes().items()) for s in shapes),
        years,
        tuple(point(s.input_tokens) for s in shapes),
        tuple(point(s.output_tokens) for s in shapes),
        tuple((s.ttft_s, s.tpot_s) for s in shapes),
        c.latency_percentile,
        c.precision,
        c.mfu,
        c.mbu,
    )
    try:
        return _serving_rates_cached(*key)
    except ValueError as exc:
        raise ScenarioError([("compute.shapes", str(exc))]) from None


@lru_cache(maxsize=32)
def _serving_rates_cached(
    names: tuple[str, ...],
    mixes: tuple[tuple[tuple[int, tuple[tuple[str, float], ...]], ...], ...],
    years: tuple[int, ...],
    n_in: tuple[float, ...],
    n_out: tuple[float, ...],
    targets: tuple[tuple[float, float], ...],
    percentile: float,
    precision: str,
    mfu: float,
    mbu: float,
) -> Mapping[str, np.ndarray]:
    """Roofline serving tables, cached across scenarios with the same compute inputs (in
    the process, and on disk across runs: :mod:`aiinfra.diskcache`)."""
    from aiinfra.diskcache import cached_arrays

    key = (names, mixes, years, n_in, n_out, targets, percentile, precision, mfu, mbu)
    rates = cached_arrays(
        "serving",
        key,
        lambda: compute.serving_tables_by_year(
            [get_accelerator(a) for a in names],
            [{y: dict(m) for y, m in mix} for mix in mixes],
            years,
            n_in=np.array(n_in),
            n_out=np.array(n_out),
            targets=[LatencyTarget(ttft, tpot, percentile) for ttft, tpot in targets],
            precision=precision,
            efficiency=compute.Efficiency(mfu, mbu),
        ),
    )
    return _frozen(rates)
