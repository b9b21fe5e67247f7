"""Fab layer: dies, yield, logic wafers, CoWoS, HBM, WFE and EUV.

Pure, vectorised functions; areas in mm², defect densities in /cm², wafers
are 300 mm wafer starts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from aiinfra.arrays import contract, dot_last, next_year, previous_year, sum_last
from aiinfra.scenario.params import FabParams

__all__ = [
    "RETICLE_MM2",
    "WAFER_DIAMETER_MM",
    "YIELD_MODELS",
    "cost_per_good_die",
    "defect_density",
    "dies_per_wafer_grid",
    "euv_shipments",
    "euv_tools_needed",
    "good_dies_per_wafer",
    "gross_dies_per_wafer",
    "hbm_dram_wafers",
    "in_flight",
    "interposers_per_wafer",
    "wfe_for_capacity",
    "yield_murphy",
    "yield_negative_binomial",
    "yield_poisson",
]

WAFER_DIAMETER_MM = 300.0
RETICLE_MM2 = 26.0 * 33.0  # 858 mm², one lithography field


def gross_dies_per_wafer(
    area_mm2: Any, diameter_mm: float = WAFER_DIAMETER_MM, edge_exclusion_mm: Any = 0.0
) -> np.ndarray:
    """Gross (candidate) dies per wafer [1].

    ``DPW = π (d/2)² / A - π d / sqrt(2 A)`` with ``d`` the usable diameter
    (wafer diameter minus twice the edge exclusion). The second term removes
    the partial dies along the edge (de Vries, 2005); accurate to a few percent
    for dies well below the wafer size. Returns 0 where the die does not fit.

    Parameters
    ----------
    area_mm2 : array_like
        Die area [mm²].
    diameter_mm : float
        Wafer diameter [mm].
    edge_exclusion_mm : array_like
        Unusable ring at the wafer edge [mm].
    """
    a = np.asarray(area_mm2, dtype=float)
    d = diameter_mm - 2.0 * np.asarray(edge_exclusion_mm, dtype=float)
    dpw = np.pi * (d / 2.0) ** 2 / a - np.pi * d / np.sqrt(2.0 * a)
    return np.maximum(dpw, 0.0)


@lru_cache(maxsize=256)
def dies_per_wafer_grid(
    width_mm: float,
    height_mm: float,
    diameter_mm: float = WAFER_DIAMETER_MM,
    edge_exclusion_mm: float = 3.0,
    offsets: int = 12,
) -> int:
    """Exact count of ``width x height`` rectangles on a grid inside the usable circle [1].

    The edge-exclusion version of dies per wafer: rectangles on a regular grid
    whose four corners lie within radius ``d/2 - edge``, maximised over
    ``offsets²`` grid shifts. Better than the closed form for large dies such
    as CoWoS interposers (e.g. ~16 B200-size 2,830 mm² interposers per wafer).
    """
    r = diameter_mm / 2.0 - edge_exclusion_mm

    def corners(size: float) -> np.ndarray:  # (offset, column): farthest corner coordinate
        rows = []
        for o in np.linspace(0.0, size, offsets, endpoint=False):
            xs = np.arange(-r - size + o, r + size, size)
            rows.append(np.maximum(np.abs(xs), np.abs(xs + size)))
        out = np.full((offsets, max(len(c) for c in rows)), np.inf)  # padding never fits
        for i, c in enumerate(rows):
            out[i, : len(c)] = c
        return out**2

    cx, cy = corners(width_mm), corners(height_mm)
    fits = cx[:, None, None, :] + cy[None, :, :, None] <= r * r  # (ox, oy, row, column)
    return int(fits.sum(axis=(2, 3)).max())


INTERPOSER_ASPECT = 0.6  # width/height of CoWoS interposers (assumption: ~40 x 70 mm for B200)


def interposers_per_wafer(area_mm2: Any, aspect: float = INTERPOSER_ASPECT) -> np.ndarray:
    """Interposers per 300 mm CoWoS wafer for each area [1] (grid count, 3 mm edge)."""
    areas = np.atleast_1d(np.asarray(area_mm2, dtype=float))
    out = [
        dies_per_wafer_grid(float(np.sqrt(a * aspect)), float(a / np.sqrt(a * aspect)))
        for a in areas
    ]
    return np.asarray(out, dtype=float).reshape(np.shape(area_mm2))


def yield_poisson(area_mm2: Any, d0_per_cm2: Any) -> np.ndarray:
    """Poisson yield ``exp(-A·D0)`` [1] (A in cm²)."""
    return np.exp(-np.asarray(area_mm2, dtype=float) / 100.0 * d0_per_cm2)


def yield_murphy(area_mm2: Any, d0_per_cm2: Any) -> np.ndarray:
    """Murphy yield ``((1 - exp(-A·D0)) / (A·D0))²`` [1]."""
    ad = np.asarray(area_mm2, dtype=float) / 100.0 * np.asarray(d0_per_cm2, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(ad > 0, ((1.0 - np.exp(-ad)) / np.where(ad > 0, ad, 1.0)) ** 2, 1.0)
    return y


def yield_negative_binomial(area_mm2: Any, d0_per_cm2: Any, alpha: Any = 3.0) -> np.ndarray:
    """Negative-binomial (Stapper) yield ``(1 + A·D0/α)^(-α)`` [1].

    ``alpha`` is the defect clustering parameter (≈2-4 for modern logic; large
    α tends to Poisson).
    """
    ad = np.asarray(area_mm2, dtype=float) / 100.0 * np.asarray(d0_per_cm2, dtype=float)
    return np.power(1.0 + ad / alpha, -np.asarray(alpha, dtype=float))


YIELD_MODELS: Mapping[str, Callable[..., np.ndarray]] = {
    "poisson": lambda a, d0, alpha=3.0: yield_poisson(a, d0),
    "murphy": lambda a, d0, alpha=3.0: yield_murphy(a, d0),
    "negative_binomial": yield_negative_binomial,
}


def defect_density(
    year: Any, ramp_year: Any, d0_initial: Any, d0_mature: Any, tau_years: Any
) -> np.ndarray:
    """Defect density of a node that matures after its volume ramp [/cm²].

    ``D0(y) = D0_mature + (D0_initial - D0_mature) · exp(-(y - ramp)/τ)`` for
    ``y >= ramp``, ``D0_initial`` before.
    """
    age = np.maximum(np.asarray(year, dtype=float) - ramp_year, 0.0)
    return d0_mature + (np.asarray(d0_initial) - d0_mature) * np.exp(-age / tau_years)


def good_dies_per_wafer(
    area_mm2: Any,
    d0_per_cm2: Any,
    *,
    model: str = "negative_binomial",
    alpha: Any = 3.0,
    edge_exclusion_mm: Any = 0.0,
) -> np.ndarray:
    """Gross dies x yield [1]."""
    if model not in YIELD_MODELS:
        msg = f"unknown yield model {model!r}; known: {', '.join(YIELD_MODELS)}"
        raise ValueError(msg)
    gross = gross_dies_per_wafer(area_mm2, edge_exclusion_mm=edge_exclusion_mm)
    return gross * YIELD_MODELS[model](area_mm2, d0_per_cm2, alpha)


def cost_per_good_die(wafer_price_usd: Any, good_dies: Any) -> np.ndarray:
    """Wafer price / good dies per wafer [USD]; inf where no good die."""
    g = np.asarray(good_dies, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(g > 0, np.asarray(wafer_price_usd) / np.where(g > 0, g, 1.0), np.inf)


def hbm_dram_wafers(
    stacks: Any,
    dies_per_stack: Any,
    die_area_mm2: Any,
    *,
    die_yield: Any = 0.85,
    stack_yield: Any = 0.8,
) -> np.ndarray:
    """DRAM wafer starts needed for HBM stacks [wafers].

    ``stacks · dies_per_stack / (DPW(die) · die_yield) / stack_yield``: core
    DRAM dies only (the base logic die comes from a logic process).
    """
    dpw = gross_dies_per_wafer(die_area_mm2, edge_exclusion_mm=3.0)
    return np.asarray(stacks) * dies_per_stack / (dpw * die_yield) / stack_yield


def wfe_for_capacity(delta_wpm: Any, capex_per_wpm_usd: Any, equipment_share: Any) -> np.ndarray:
    """Equipment spend for a capacity addition [USD].

    ``max(Δcapacity, 0) · capex per wafer/month · equipment share``.
    """
    return np.maximum(np.asarray(delta_wpm, dtype=float), 0.0) * capex_per_wpm_usd * equipment_share


def euv_tools_needed(
    wafers_per_year: Any, exposures_per_wafer: Any, wafers_per_tool_year: Any
) -> np.ndarray:
    """EUV scanners needed [tools]: exposures / exposures one tool makes per year."""
    return np.asarray(wafers_per_year) * exposures_per_wafer / wafers_per_tool_year


WFE_APPLICATIONS = ("foundry_logic", "dram", "nand", "other")
SUPPLY_LAYERS = ("logic", "cowos", "hbm", "euv")


def _annual(wpm_end: np.ndarray, wpm_start: np.ndarray) -> np.ndarray:
    """Wafers per year from start/end-of-year wafers/month (linear ramp)."""
    return 6.0 * (wpm_start + wpm_end)


def _per_unit(mix: np.ndarray, per_type: np.ndarray) -> np.ndarray:
    """Mix-weighted requirement per XPU: Σ_t m_t · r_t (broadcast over draws)."""
    return dot_last(mix, per_type)


def _compact(x: np.ndarray) -> np.ndarray:
    """A (draw,) parameter that is the same in every draw becomes shape (1,).

    Per-type requirements then broadcast instead of being built per draw.
    """
    if x.size and (x.strides == (0,) or np.all(x == x[0])):  # zero-stride: a constant
        return x[:1]
    return x


def manufacturing(
    *,
    years: np.ndarray,
    shipments: np.ndarray,
    mix: np.ndarray,
    tables: Mapping[str, np.ndarray],
    node_tables: Mapping[str, np.ndarray],
    p: FabParams,
    logic_wpm: np.ndarray,
    cowos_wpm: np.ndarray,
    dram_wpm: np.ndarray,
    wfe_hist: np.ndarray,
    euv_shipped: np.ndarray,
    euv_installed_before: float,
    lp_tables: bool = True,
) -> dict[str, np.ndarray]:
    """Wafers, packaging, memory, equipment and tools behind the XPU shipments.

    Parameters
    ----------
    years : ndarray, (year,)
        Calendar years.
    shipments : ndarray, (draw, year, type)
        XPUs shipped [units/yr].
    mix : ndarray, (draw, year, type)
        Shipment mix used to express capacities as XPUs supportable [1].
    tables, node_tables : mapping
        :func:`aiinfra.catalogs.fleet_tables` and ``node_family_tables``.
    p : namespace
        Sampled ``fab`` section, arrays (draw,).
    logic_wpm : ndarray, (draw, year, node)
        Leading-edge logic capacity, end of year [wafers/month].
    cowos_wpm, dram_wpm : ndarray, (draw, year)
        CoWoS and DRAM capacity, end of year [wafers/month].
    wfe_hist : ndarray, (year, application)
        Historical WFE [USD/yr]; NaN for modelled years.
    euv_shipped : ndarray, (draw, year, 2)
        Low-NA and High-NA scanners shipped [tools/yr].
    euv_installed_before : float
        Scanners installed before the first year [tools].
    lp_tables : bool
        Also return the per-type requirements ``req`` and AI-available
        capacities ``cap`` used by the LP (large; skip them in Monte Carlo).

    Returns
    -------
    dict of ndarray
        Logic wafers by node, CoWoS wafers by company, HBM bits/stacks/wafers,
        WFE by application, EUV tools needed and installed, cleanroom area,
        capacities and ``supportable`` (draw, year, layer) XPUs per layer.
    """

    def col(x: Any) -> np.ndarray:  # (draw,) -> (draw, 1, 1); (1, 1, 1) when all equal
        return _compact(np.asarray(x))[:, None, None]

    # logic dies and wafers ------------------------------------------------------------
    lg = _logic(p, tables, years, shipments, mix, logic_wpm, col)
    logic_wafers, logic_cap = lg["logic_wafers"], lg["logic_capacity"]
    # CoWoS -----------------------------------------------------------------------------
    ipw = tables["interposers_per_wafer"][None, None]
    cowos_per_unit = 1.0 / (ipw * col(p.cowos_yield))
    cowos_t = in_flight(shipments, col(p.cowos_wip_years)) * cowos_per_unit
    cowos_by_company = contract(cowos_t, tables["company_map"])
    cowos_cap = _annual(cowos_wpm, previous_year(cowos_wpm))
    sup_cowos = cowos_cap / _per_unit(mix, cowos_per_unit)
    # HBM -------------------------------------------------------------------------------
    t = years - years[0]
    hbm = _hbm(p, tables, shipments, mix, dram_wpm, t, col)
    hbm_wafers = hbm["wafers"]
    # EUV -------------------------------------------------------------------------------
    per_tool = p.euv_exposures_per_tool_year[:, None]
    exposures = node_tables["euv_exposures"]
    euv_installed, euv_need_total, euv_need_ai, avail, sup_euv = _euv(
        p, euv_shipped, euv_installed_before, exposures, logic_cap, logic_wafers, lg["w_node"]
    )
    cleanroom = dot_last(logic_wpm, node_tables["cleanroom_m2_per_wpm"])
    # WFE -------------------------------------------------------------------------------
    wfe = _wfe(p, node_tables, logic_wafers, hbm_wafers, sum_last(cowos_t), wfe_hist, t)
    out = {
        "die_yield": lg["die_yield"],
        "good_dies_per_wafer": lg["good"],
        "logic_wafers": logic_wafers,
        "logic_wafer_cost": lg["logic_cost"],
        "logic_capacity": logic_cap,
        "ai_share_logic": lg["ai_share"],
        "cowos_wafers": cowos_by_company,
        "cowos_capacity": cowos_cap,
        "hbm_bits": hbm["bits"],
        "hbm_stacks": hbm["stacks"],
        "hbm_wafers": hbm_wafers,
        "hbm_share_dram": hbm_wafers / hbm["dram_cap"],
        "wfe": wfe,
        "euv_tools_needed": euv_need_total,
        "euv_tools_needed_ai": euv_need_ai,
        "euv_tools_installed": euv_installed,
        "cleanroom_m2": cleanroom,
        "supportable": np.stack(
            [lg["supportable"], sup_cowos, hbm["supportable"], sup_euv], axis=-1
        ),
    }
    if not lp_tables:
        return out
    # per-type requirements and AI-available capacities (for the LP)
    shape = shipments.shape
    out["req"] = _lp_req(tables, lg, cowos_per_unit, hbm["per_unit"], shape, per_tool, exposures)
    cap_logic = logic_cap * col(p.max_ai_share_logic)
    out["cap"] = {"logic": cap_logic, "cowos": cowos_cap, "hbm": hbm["cap"], "euv": avail}
    return out


def _logic(
    p: FabParams,
    tables: Mapping[str, np.ndarray],
    years: np.ndarray,
    shipments: np.ndarray,
    mix: np.ndarray,
    logic_wpm: np.ndarray,
    col: Callable[[Any], np.ndarray],
) -> dict[str, np.ndarray]:
    """Logic dies, yield and wafers behind the shipments, capacity and XPUs supportable.

    Keys: ``die_yield``, ``good`` dies per wafer, ``wafers_per_unit`` (draw, year,
    type); ``logic_wafers``, ``logic_capacity`` [wafers/yr], ``ai_share`` [1] and
    ``w_node`` wafers per average XPU (draw, year, node); ``logic_cost`` [USD/yr] and
    ``supportable`` [units/yr] (draw, year).
    """
    d0 = defect_density(
        years[:, None],
        tables["ramp_year"],
        tables["d0_initial"],
        tables["d0_mature"],
        tables["d0_tau"],
    )[None] * col(p.d0_scale)
    area = tables["die_area_mm2"][None, None]
    gross = gross_dies_per_wafer(area, edge_exclusion_mm=col(p.edge_exclusion_mm))
    die_yield = YIELD_MODELS[p.yield_model](area, d0, col(p.yield_alpha))
    good = gross * die_yield  # (draw, year, type)
    wafers_per_unit = tables["die_count"][None, None] / good  # logic wafers per XPU
    logic_wafers_t = shipments * wafers_per_unit
    logic_wafers = contract(logic_wafers_t, tables["node_map"])  # (draw, year, node)
    logic_cost = dot_last(logic_wafers_t, tables["wafer_price"][None, None])
    logic_cap = _annual(logic_wpm, previous_year(logic_wpm))  # (draw, year, node)
    with np.errstate(divide="ignore", invalid="ignore"):
        ai_share_logic = np.where(logic_cap > 0, logic_wafers / logic_cap, 0.0)
    # wafers per average XPU on each node (draw, year, node)
    w_node = contract(mix * wafers_per_unit, tables["node_map"])
    with np.errstate(divide="ignore", invalid="ignore"):
        sup_node = np.where(w_node > 0, logic_cap * col(p.max_ai_share_logic) / w_node, np.inf)
    sup_logic = sup_node.min(axis=-1)
    return {
        "die_yield": die_yield,
        "good": good,
        "wafers_per_unit": wafers_per_unit,
        "logic_wafers": logic_wafers,
        "logic_capacity": logic_cap,
        "ai_share": ai_share_logic,
        "w_node": w_node,
        "logic_cost": logic_cost,
        "supportable": sup_logic,
    }


def in_flight(shipments: np.ndarray, lead_years: Any) -> np.ndarray:
    """Units whose parts are made in each year when parts are made ``lead_years`` [yr]
    (0-1) before their package ships: ``(1 - δ)·S_y + δ·S_{y+1}`` (draw, year, type)
    [units/yr], the year after the last extrapolated at the last growth."""
    d = np.asarray(lead_years, dtype=float)
    return (1.0 - d) * shipments + d * next_year(shipments)


def _hbm(
    p: FabParams,
    tables: Mapping[str, np.ndarray],
    shipments: np.ndarray,
    mix: np.ndarray,
    dram_wpm: np.ndarray,
    t: np.ndarray,
    col: Callable[[Any], np.ndarray],
) -> dict[str, np.ndarray]:
    """HBM stacks [stacks/yr] and bits [bit/yr], DRAM wafers per XPU and in all
    [wafers/yr], DRAM capacity and its HBM share [wafers/yr], XPUs supportable."""
    # stacks bought ahead of the packages and lost with failed CoWoS assemblies, at their
    # raw capacity (whole dies per stack: a B200's 180 GB usable are 8 x 24 GB stacks)
    ahead = in_flight(shipments, col(p.hbm_wip_years))  # packages the year's stacks serve
    bought = ahead / col(p.cowos_yield)
    dies_per_stack = np.ceil(tables["hbm_gb"] / tables["hbm_stacks"] / tables["hbm_die_gb"] - 1e-6)
    raw_gb = tables["hbm_stacks"] * dies_per_stack * tables["hbm_die_gb"]
    stacks_t = bought * tables["hbm_stacks"][None, None]
    gb_t = bought * raw_gb[None, None]
    hbm_wafers_per_unit = hbm_dram_wafers(
        tables["hbm_stacks"][None, None],
        dies_per_stack[None, None],
        tables["hbm_die_area_mm2"][None, None],
        die_yield=col(p.hbm_die_yield),
        stack_yield=col(p.hbm_stack_yield),
    ) / col(p.cowos_yield)
    hbm_wafers = dot_last(ahead, hbm_wafers_per_unit)  # per unit includes the assembly loss
    dram_cap = _annual(dram_wpm, previous_year(dram_wpm))
    hbm_share_cap = np.minimum(
        p.hbm_share_2023[:, None] * np.power(1.0 + p.hbm_share_growth[:, None], t),
        p.hbm_share_max[:, None],
    )
    hbm_cap = dram_cap * hbm_share_cap
    sup_hbm = hbm_cap / _per_unit(mix, hbm_wafers_per_unit)
    return {
        "stacks": sum_last(stacks_t),
        "bits": sum_last(gb_t) * 8e9,
        "per_unit": hbm_wafers_per_unit,
        "wafers": hbm_wafers,
        "dram_cap": dram_cap,
        "cap": hbm_cap,
        "supportable": sup_hbm,
    }


def _lp_req(
    tables: Mapping[str, np.ndarray],
    lg: Mapping[str, np.ndarray],
    cowos_per_unit: np.ndarray,
    hbm_wafers_per_unit: np.ndarray,
    shape: tuple[int, ...],
    per_tool: np.ndarray,
    exposures: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per-type requirements of one XPU (for the LP): logic wafers by node, CoWoS and
    HBM-DRAM wafers, EUV scanners (``per_tool`` exposures per scanner-year)."""
    wafers_per_unit = lg["wafers_per_unit"]
    return {
        "logic": wafers_per_unit[..., None] * tables["node_map"][None, None],  # (d,y,t,n)
        "cowos": np.broadcast_to(cowos_per_unit, shape),
        "hbm": np.broadcast_to(hbm_wafers_per_unit, shape),
        "euv": (wafers_per_unit[..., None] * tables["node_map"] * exposures).sum(-1)
        / per_tool[..., None],
    }


def _euv(
    p: FabParams,
    euv_shipped: np.ndarray,
    euv_installed_before: float,
    exposures: np.ndarray,
    logic_cap: np.ndarray,
    logic_wafers: np.ndarray,
    w_node: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """EUV scanners installed, needed (all logic and AI logic) and available to AI
    [tools], and the XPUs they support [units/yr], all (draw, year)."""
    per_tool = p.euv_exposures_per_tool_year[:, None]
    installed_low = euv_installed_before + np.cumsum(euv_shipped[..., 0], axis=1)
    installed_high = np.cumsum(euv_shipped[..., 1], axis=1)
    installed = installed_low + installed_high * p.high_na_throughput_factor[:, None]
    need_total = dot_last(logic_cap, exposures) / per_tool
    need_ai = dot_last(logic_wafers, exposures) / per_tool
    per_unit = dot_last(w_node, exposures) / per_tool
    avail = np.maximum(installed - (need_total - need_ai), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        supportable = np.where(per_unit > 0, avail / per_unit, np.inf)
    return installed, need_total, need_ai, avail, supportable


def _wfe(
    p: FabParams,
    node_tables: Mapping[str, np.ndarray],
    logic_wafers: np.ndarray,
    hbm_wafers: np.ndarray,
    cowos_wafers: np.ndarray,
    wfe_hist: np.ndarray,
    t: np.ndarray,
) -> np.ndarray:
    """WFE spend by application, (draw, year, application) [USD/yr]: AI capacity added
    next year (logic by node, HBM-DRAM, CoWoS) plus non-AI spend growing from the last
    history year; history where known."""
    ai_logic_wpm = logic_wafers / 12.0
    hbm_wpm = hbm_wafers / 12.0
    cowos_out_wpm = cowos_wafers / 12.0
    nxt = next_year
    d_logic = nxt(ai_logic_wpm) - ai_logic_wpm
    eq = p.equipment_share[:, None]
    ai_wfe = np.stack(
        [
            dot_last(np.maximum(d_logic, 0), node_tables["capex_per_wpm"]) * eq,
            wfe_for_capacity(nxt(hbm_wpm) - hbm_wpm, p.dram_capex_per_wpm[:, None], eq),
            np.zeros_like(hbm_wpm),
            wfe_for_capacity(
                nxt(cowos_out_wpm) - cowos_out_wpm, p.cowos_capex_per_wpm[:, None], eq
            ),
        ],
        axis=-1,
    )  # (draw, year, app)
    hist_rows = ~np.isnan(wfe_hist).any(axis=1)
    last = int(np.flatnonzero(hist_rows).max())
    # the history is an estimate too (SEMI revises its figures): scaled per draw
    hist = np.nan_to_num(wfe_hist)[None] * p.wfe_history_scale[:, None, None]
    non_ai_last = np.maximum(hist[:, last] - ai_wfe[:, last], 0.0)  # (draw, app)
    growth = np.power(1.0 + p.non_ai_wfe_growth[:, None], np.maximum(t - t[last], 0.0))
    wfe = non_ai_last[:, None, :] * growth[..., None] + ai_wfe
    return np.where(hist_rows[None, :, None], hist, wfe)


def euv_shipments(
    *,
    years: np.ndarray,
    low_hist: np.ndarray,
    high_hist: np.ndarray,
    low_per_year: np.ndarray,
    high_per_year: np.ndarray,
    high_na_from: int,
) -> np.ndarray:
    """EUV scanners shipped, low-NA and high-NA, (draw, year, 2) [tools/yr].

    History (year,) where known (NaN elsewhere); later years ship ``low_per_year``
    and, from ``high_na_from``, ``high_per_year`` (draw,) [tools/yr].
    """
    n = low_per_year.shape[0]
    low = np.where(np.isnan(low_hist)[None], low_per_year[:, None], low_hist[None])
    high = np.where(
        np.isnan(high_hist)[None],
        np.where(years[None] >= high_na_from, high_per_year[:, None], 0.0),
        high_hist[None],
    )
    return np.stack([low, np.broadcast_to(high, (n, len(years)))], axis=-1)
