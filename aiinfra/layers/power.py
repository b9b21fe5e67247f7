"""Power layer: IT and facility power, energy, data-centre pipeline, power supply.

Definitions used throughout: *IT power* is the nameplate draw of XPUs with
their hosts and network (``TDP x (1 + host overhead) + network``);
*facility power* is IT power x PUE. Data-centre capacity is **facility MW,
cumulative and energised** (AI-capable capacity); critical IT MW is facility
MW / PUE, and additions are its year-on-year difference.

Data centres move through a pipeline: starts (announced and financed) become
energised after a construction lead time; each start files for a grid
connection that arrives after the interconnection-queue lead time, limited by
the grid capacity that can be connected per year. Completed halls without a
grid connection are powered on site (reciprocating engines, aeroderivative
and industrial gas turbines, fuel cells, batteries as a bridge) within each
technology's yearly deliveries; what remains is a power shortfall.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aiinfra.arrays import dot_last
from aiinfra.kernels import lag_weights, phase_weights

__all__ = [
    "HOURS_PER_YEAR",
    "dc_pipeline",
    "energy_wh",
    "facility_power_w",
    "fleet_load_factor",
    "it_power_w",
    "mw_per_unit",
    "onsite_deliveries_mw",
    "onsite_fuel_and_co2",
    "power_supply",
    "pue_by_year",
    "regional_build",
]

HOURS_PER_YEAR = 8760.0


def it_power_w(tdp_w: Any, host_overhead: Any, network_w: Any = 0.0) -> np.ndarray:
    """IT power per XPU ``TDP x (1 + overhead) + network`` [W]."""
    return np.asarray(tdp_w, dtype=float) * (1.0 + np.asarray(host_overhead)) + network_w


def facility_power_w(it_w: Any, pue: Any) -> np.ndarray:
    """Facility power ``IT x PUE`` [W]."""
    return np.asarray(it_w, dtype=float) * np.asarray(pue, dtype=float)


def energy_wh(power_w: Any, load_factor: Any, hours: float = HOURS_PER_YEAR) -> np.ndarray:
    """Energy over a year at an average load factor [Wh]."""
    return np.asarray(power_w, dtype=float) * load_factor * hours


def fleet_load_factor(
    xpus_by_use: np.ndarray,
    inference: np.ndarray,
    training: np.ndarray,
    idle: np.ndarray,
) -> np.ndarray:
    """Average power draw of the fleet relative to nameplate, (draw, year) [1].

    ``xpus_by_use`` (draw, year, use) [units] in the order inference, training, other
    AI, ramp-up, idle; inference and other AI serve at ``inference``, training runs at
    ``training`` and spare capacity idles at ``idle`` (draw,) [1]; the ramp-up (fleet
    built ahead of the work) draws what the working fleet draws.
    """
    lf = np.stack([inference, training, inference, idle], axis=-1)[:, None, :]  # (draw,1,4)
    work = xpus_by_use[..., [0, 1, 2]]
    working = (work * lf[..., :3]).sum(axis=-1) / np.maximum(work.sum(axis=-1), 1e-30)
    total = np.maximum(xpus_by_use.sum(axis=-1), 1e-30)
    ramp_idle = xpus_by_use[..., 3] * working + xpus_by_use[..., 4] * lf[..., 3]
    return ((work * lf[..., :3]).sum(axis=-1) + ramp_idle) / total


def dc_pipeline(
    *,
    demand_mw: np.ndarray,
    history_mw: np.ndarray,
    under_construction_mw: np.ndarray,
    construction_lead: np.ndarray,
    start_capacity_mw: np.ndarray,
    reserve: np.ndarray,
    phase_spread: np.ndarray | None = None,
    history_scale: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Data-centre capacity as a stock built through a construction pipeline.

    Campuses are energised in phases (buildings, then halls): a start completes
    evenly between ``(1 - s)`` and ``(1 + s)`` construction leads, ``s`` =
    ``phase_spread``. The pipeline standing at the end of history is what remains
    of such campuses started at a steady rate: of it, the share left ``tau`` years
    later is the share of phase delays above ``tau`` (front-loaded).

    Parameters
    ----------
    demand_mw : ndarray, (draw, year)
        Facility MW the installed XPUs need [MW].
    history_mw : ndarray, (year,)
        Energised capacity in history years, NaN afterwards [MW].
    under_construction_mw : ndarray, (draw,)
        Pipeline under construction at the end of the last history year [MW].
    construction_lead : ndarray, (draw,)
        Years from start to energisation [yr].
    start_capacity_mw : ndarray, (draw, year)
        Largest capacity the industry can start per year [MW/yr].
    reserve : ndarray, (draw,)
        Capacity planned above the forecast need [1].
    phase_spread : ndarray, (draw,), optional
        Spread of phase completion around the lead, as a share of it [1]; None: 0
        (each start completes at once after the lead).
    history_scale : ndarray, (draw,), optional
        Multiplier on the energised history (its uncertainty) [1]; None keeps it.

    Returns
    -------
    dict of ndarray, (draw, year)
        ``energised`` [MW], ``completions`` and ``starts`` [MW/yr],
        ``under_construction`` [MW].
    """
    n_draw, n_year = demand_mw.shape
    max_lag = 8
    spread = np.zeros(n_draw) if phase_spread is None else np.asarray(phase_spread, dtype=float)
    w = phase_weights(construction_lead, spread, max_lag)
    hist = ~np.isnan(history_mw)
    last = int(np.flatnonzero(hist).max())
    energised = np.zeros((n_draw, n_year))
    completions = np.zeros((n_draw, n_year))
    starts = np.zeros((n_draw, n_year))
    pipe = np.zeros((n_draw, n_year))
    due = np.zeros((n_draw, n_year + max_lag + 1))  # completions scheduled by year
    due[:, last + 1 : last + max_lag + 2] += under_construction_mw[:, None] * standing_pipeline(
        construction_lead, spread, max_lag
    )
    scale = np.ones(n_draw) if history_scale is None else np.asarray(history_scale, dtype=float)
    for i in range(n_year):
        if hist[i]:
            energised[:, i] = history_mw[i] * scale
            prev = history_mw[i - 1] if i > 0 else history_mw[i]
            completions[:, i] = (history_mw[i] - prev) * scale
            pipe[:, i] = under_construction_mw if i == last else np.nan
            continue
        completions[:, i] = due[:, i]
        energised[:, i] = energised[:, i - 1] + completions[:, i]
        remaining = due[:, i + 1 :].sum(axis=1)
        target_year = np.minimum(i + np.ceil(construction_lead).astype(int), n_year - 1)
        target = demand_mw[np.arange(n_draw), target_year] * (1.0 + reserve)
        want = np.maximum(target - energised[:, i] - remaining, 0.0)
        starts[:, i] = np.minimum(want, start_capacity_mw[:, i])
        due[:, i : i + max_lag + 1] += starts[:, i, None] * w
        pipe[:, i] = remaining + starts[:, i] * (1.0 - w[:, 0])
    pipe = np.where(np.isnan(pipe), 0.0, pipe)
    return {
        "energised": energised,
        "completions": completions,
        "starts": starts,
        "under_construction": pipe,
    }


def standing_pipeline(lead: np.ndarray, spread: np.ndarray, max_lag: int) -> np.ndarray:
    """Share of a standing construction pipeline completed in each of the next years.

    For starts at a steady rate whose phases complete evenly between ``L(1 - s)`` and
    ``L(1 + s)`` years, the pipeline still due ``tau`` years on is proportional to
    the share of phase delays above ``tau``. ``lead`` ``L`` and ``spread`` ``s``
    (draw,) [yr, 1] -> (draw, max_lag + 1): years 1 .. max_lag + 1 ahead, rows sum 1.
    """
    lead = np.asarray(lead, dtype=float)[:, None]
    s = np.asarray(spread, dtype=float)[:, None]
    lo, hi = lead * (1.0 - s), lead * (1.0 + s)
    edges = np.arange(max_lag + 2, dtype=float)[None, :]  # year k covers tau in [k, k + 1]

    def remaining_integral(t: np.ndarray) -> np.ndarray:
        # integral of P(delay > tau) from 0 to t: 1 until lo, then linear to 0 at hi
        t = np.clip(t, 0.0, hi)
        ramp = np.maximum(t - lo, 0.0)
        width = np.maximum(hi - lo, 1e-12)
        return np.minimum(t, lo) + ramp - ramp**2 / (2.0 * width)

    area = remaining_integral(edges)
    w = np.diff(area, axis=1)
    return w / np.maximum(w.sum(axis=1, keepdims=True), 1e-300)


def power_supply(
    *,
    completions_mw: np.ndarray,
    starts_mw: np.ndarray,
    history: np.ndarray,
    pipeline_mw: np.ndarray,
    grid_lead: np.ndarray,
    grid_capacity_mw: np.ndarray,
    onsite_limits_mw: np.ndarray,
    first_powered_mw: np.ndarray,
    onsite_lead: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Match new data-centre MW with grid connections or on-site generation.

    Parameters
    ----------
    completions_mw : ndarray, (draw, year)
        Data-centre MW completed [MW/yr].
    starts_mw : ndarray, (draw, year)
        MW started; each start requests a grid connection [MW/yr].
    history : ndarray of bool, (year,)
        History years: their completions were grid-connected as built.
    pipeline_mw : ndarray, (draw,)
        Under construction at the end of history; its requests mature evenly
        over the grid lead time [MW].
    grid_lead : ndarray, (draw,)
        Interconnection-queue lead time [yr].
    grid_capacity_mw : ndarray, (draw, year)
        Largest data-centre load the grid can connect per year [MW/yr].
    onsite_limits_mw : ndarray, (draw, year, tech)
        Yearly deliveries of each on-site technology to data centres, in merit
        order [MW/yr].
    first_powered_mw : ndarray, (draw,)
        Grid-powered capacity at the start (history) [MW].
    onsite_lead : ndarray, (tech,), optional
        Order-to-power lead time of each on-site technology [yr]; a technology
        is only worth ordering where it arrives before the grid would, so it is
        unused in draws whose grid lead time is not longer.

    Returns
    -------
    dict of ndarray
        ``grid`` (draw, year) cumulative grid-connected MW, ``onsite`` (draw,
        year, tech) cumulative on-site MW, ``shortfall`` (draw, year) MW
        completed but unpowered, ``powered`` (draw, year) MW.
    """
    n_draw, n_year = completions_mw.shape
    n_tech = onsite_limits_mw.shape[-1]
    max_lag = 10
    w = lag_weights(grid_lead, max_lag)
    eligible = np.zeros((n_draw, n_year + max_lag + 1))
    last = int(np.flatnonzero(history).max())
    eligible[:, : last + 1] = np.where(history[None, : last + 1], completions_mw[:, : last + 1], 0)
    spread = np.clip(np.ceil(grid_lead), 1, max_lag).astype(int)
    for lag in range(1, max_lag + 1):
        eligible[:, last + lag] += np.where(lag <= spread, pipeline_mw / spread, 0.0)
    for i in range(last + 1, n_year):
        eligible[:, i : i + max_lag + 1] += starts_mw[:, i, None] * w
    grid = np.zeros((n_draw, n_year))
    onsite = np.zeros((n_draw, n_year, n_tech))
    shortfall = np.zeros((n_draw, n_year))
    built = np.cumsum(completions_mw, axis=1) + first_powered_mw[:, None]
    usable = np.ones((n_draw, n_tech))
    if onsite_lead is not None:
        usable = (np.asarray(onsite_lead)[None, :] < grid_lead[:, None]).astype(float)
    queue = np.zeros(n_draw)
    g = first_powered_mw.copy()
    site = np.zeros((n_draw, n_tech))
    for i in range(n_year):
        queue = queue + eligible[:, i]
        room = np.maximum(built[:, i] - g, 0.0)
        cap = np.where(history[i], np.inf, grid_capacity_mw[:, i])
        connect = np.minimum(np.minimum(queue, cap), room)
        queue = queue - connect
        g = g + connect
        gap = np.maximum(built[:, i] - g - site.sum(axis=1), 0.0)
        for k in range(n_tech):
            add = np.minimum(gap, onsite_limits_mw[:, i, k] * usable[:, k])
            site[:, k] += add
            gap = gap - add
        grid[:, i] = g
        onsite[:, i] = site
        shortfall[:, i] = gap
    return {
        "grid": grid,
        "onsite": onsite,
        "shortfall": shortfall,
        "powered": built - shortfall,
    }


def pue_by_year(
    pue0: np.ndarray, improvement: np.ndarray, t: np.ndarray, owners: np.ndarray
) -> np.ndarray:
    """Fleet PUE by year: each owner's PUE overhead shrinks at a yearly rate.

    Parameters
    ----------
    pue0 : ndarray, (draw, owner)
        PUE of each owner in the first year [1].
    improvement : ndarray, (draw,)
        Yearly fractional cut of the overhead ``PUE - 1`` [1/yr].
    t : ndarray, (year,)
        Years since the first year [yr].
    owners : ndarray, (year, owner)
        Share of the fleet by owner [1].

    Returns
    -------
    ndarray, (draw, year)
        Fleet-average PUE [1].
    """
    decay = np.power(1.0 - improvement[:, None], t[None])
    pue_o = 1.0 + (pue0[:, None, :] - 1.0) * decay[..., None]  # (draw, year, owner)
    return dot_last(pue_o, owners[None])


def mw_per_unit(
    tdp_w: np.ndarray, host_overhead: np.ndarray, network_w: np.ndarray, pue: np.ndarray
) -> np.ndarray:
    """Facility MW one installed XPU of each type uses, (draw, year, type) [MW].

    ``tdp_w`` (type,) [W], ``host_overhead`` (draw,) [1], ``network_w`` (draw, year,
    type) [W], ``pue`` (draw, year) [1].
    """
    host = (1.0 + host_overhead)[:, None]
    return (tdp_w[None, None] * host[..., None] + network_w) * pue[..., None] / 1e6


def onsite_deliveries_mw(
    deliveries_2025_mw: np.ndarray, growth: np.ndarray, years: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """Yearly deliveries of on-site generation by technology, (draw, year, tech) [MW/yr].

    ``deliveries_2025_mw`` and ``growth`` (tech,) [MW/yr, 1/yr] compound from 2025;
    ``scale`` (draw,) [1] scales all technologies.
    """
    return (
        deliveries_2025_mw[None, None]
        * np.power(1.0 + growth[None, None], np.maximum(years - 2025.0, 0.0)[None, :, None])
        * scale[:, None, None]
    )


def onsite_fuel_and_co2(
    site_mw: np.ndarray, load_factor: np.ndarray, heat_rate: np.ndarray, co2_per_mmbtu: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Energy, fuel and CO2 of on-site generation running at the load factor.

    Parameters
    ----------
    site_mw : ndarray, (draw, year, tech)
        On-site capacity serving load [MW].
    load_factor : ndarray, (draw, year)
        Average load [1].
    heat_rate : ndarray, (tech,)
        Fuel per MWh [MMBtu/MWh].
    co2_per_mmbtu : ndarray, (tech,)
        CO2 per MMBtu of fuel [kg/MMBtu].

    Returns
    -------
    site_twh : ndarray, (draw, year, tech)
        Energy [TWh].
    fuel_mmbtu : ndarray, (draw, year)
        Fuel burnt [MMBtu].
    co2_t : ndarray, (draw, year)
        CO2 emitted [t].
    """
    site_twh = site_mw * load_factor[..., None] * HOURS_PER_YEAR / 1e6
    fuel = (site_twh * 1e6 * heat_rate[None, None]).sum(axis=-1)
    co2 = (site_twh * 1e6 * heat_rate * co2_per_mmbtu).sum(axis=-1) / 1e3
    return site_twh, fuel, co2


def regional_build(
    *,
    regions: dict[str, np.ndarray],
    dc_hist: Any,
    plan_mw: np.ndarray,
    pipeline_scale: np.ndarray,
    construction_lead: np.ndarray,
    starts_cap_mw: np.ndarray,
    reserve: np.ndarray,
    phase_spread: np.ndarray,
    history_scale: np.ndarray,
    grid_lead: np.ndarray,
    grid_cap_mw: np.ndarray,
    onsite_mw: np.ndarray,
    onsite_lead: np.ndarray,
) -> dict[str, np.ndarray]:
    """Data-centre pipeline and power supply per region, then summed.

    ``regions`` maps a region to its share (draw,) [1]; ``dc_hist`` maps it to
    ``(energised history (year,) [MW], under construction [MW])``. ``plan_mw``
    (draw, year) [MW] is the facility power the developers plan for.

    Returns
    -------
    dict of ndarray
        ``energised`` (draw, year, region) [MW], ``starts``, ``under_construction``,
        ``powered``, ``shortfall`` (draw, year) [MW], ``by_source`` (draw, year,
        1 + tech) [MW]: grid first, then on-site technologies.
    """
    dc, supply = {}, {}
    for region, share in regions.items():
        hist, uc = dc_hist[region]
        pipe = dc_pipeline(
            demand_mw=plan_mw * share[:, None],
            history_mw=hist,
            under_construction_mw=uc * pipeline_scale,
            construction_lead=construction_lead,
            start_capacity_mw=starts_cap_mw * share[:, None],
            reserve=reserve,
            phase_spread=phase_spread,
            history_scale=history_scale,
        )
        supply[region] = power_supply(
            completions_mw=pipe["completions"],
            starts_mw=pipe["starts"],
            history=~np.isnan(hist),
            pipeline_mw=uc * pipeline_scale,
            grid_lead=grid_lead,
            grid_capacity_mw=grid_cap_mw * share[:, None],
            onsite_limits_mw=onsite_mw * share[:, None, None],
            first_powered_mw=pipe["energised"][:, 0],
            onsite_lead=onsite_lead,
        )
        dc[region] = pipe
    return {
        "energised": np.stack([dc[r]["energised"] for r in regions], axis=-1),
        "starts": sum(dc[r]["starts"] for r in regions),
        "under_construction": sum(dc[r]["under_construction"] for r in regions),
        "powered": sum(supply[r]["powered"] for r in regions),
        "by_source": np.concatenate(
            [
                sum(supply[r]["grid"] for r in regions)[..., None],
                sum(supply[r]["onsite"] for r in regions),
            ],
            axis=-1,
        ),
        "shortfall": sum(supply[r]["shortfall"] for r in regions),
    }
