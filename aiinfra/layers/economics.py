"""Economics layer: capex by segment and item, revenue pools, cost per token.

Buyers' AI capex splits into the seed's three investable segments:

* semiconductors & manufacturing: accelerators (units x ASP) and their host
  servers;
* networking: transceivers, switches, NICs and cables;
* data centres & power: shell and fit-out (work put in place on the
  construction pipeline, split into shell, electrical, cooling, other),
  on-site generation and grid connections.

Upstream revenue pools (foundry wafers, HBM, CoWoS, WFE, EUV) are *nested*
inside the accelerator spend or the fabs' own capex and are reported
separately, never added to the segment totals.
"""

from __future__ import annotations

import numpy as np

from aiinfra.arrays import contract, previous_year, sum_last
from aiinfra.scenario.params import EconomicsParams

__all__ = [
    "CAPEX_ITEMS",
    "FIXED_ITEMS",
    "POOLS",
    "SEGMENTS",
    "SEGMENT_OF",
    "capex_items",
    "capex_per_xpu",
    "cost_per_mtok",
    "dc_work_mw",
    "financing_limit_usd",
    "revenue_pools",
    "segment_map",
]

# Revenue pools of supplier industries (nested: not additive with the segments).
POOLS = (
    "accelerators",
    "foundry_wafers",
    "hbm",
    "cowos",
    "wfe",
    "euv_tools",
    "switches",
    "transceivers",
    "dc_electrical",
    "dc_cooling",
    "onsite_generation",
)

SEGMENTS = ("semis", "networking", "dc_power")
CAPEX_ITEMS = (
    "accelerators",
    "host_servers",
    "transceivers",
    "switches",
    "nics",
    "cables",
    "dc_shell",
    "dc_electrical",
    "dc_cooling",
    "dc_other",
    "onsite_generation",
    "grid_connection",
)
SEGMENT_OF = {
    "accelerators": "semis",
    "host_servers": "semis",
    "transceivers": "networking",
    "switches": "networking",
    "nics": "networking",
    "cables": "networking",
    "dc_shell": "dc_power",
    "dc_electrical": "dc_power",
    "dc_cooling": "dc_power",
    "dc_other": "dc_power",
    "onsite_generation": "dc_power",
    "grid_connection": "dc_power",
}
# split of data-centre fit-out cost (assumption: Turner & Townsend / JLL AI data-centre
# cost surveys put electrical ~40 %, mechanical/cooling ~25 %, shell ~20 %, other ~15 %)
DC_SPLIT = {"dc_shell": 0.20, "dc_electrical": 0.40, "dc_cooling": 0.25, "dc_other": 0.15}


def capex_items(
    *,
    shipments: np.ndarray,
    asp_usd: np.ndarray,
    nic_gbps: np.ndarray,
    transceivers: np.ndarray,
    transceiver_usd: np.ndarray,
    switches: np.ndarray,
    switch_usd: np.ndarray,
    dc_work_mw: np.ndarray,
    onsite_added_mw: np.ndarray,
    onsite_usd_per_kw: np.ndarray,
    grid_added_mw: np.ndarray,
    p: EconomicsParams,
) -> np.ndarray:
    """Capex by item [USD/yr], shape (draw, year, item) in :data:`CAPEX_ITEMS` order.

    Parameters
    ----------
    shipments : ndarray, (draw, year, type)
        XPUs deployed [units/yr].
    asp_usd, nic_gbps : ndarray, (type,)
        Average selling price [USD] and back-end NIC speed [Gb/s].
    transceivers, switches : ndarray, (draw, year, class)
        Modules by speed and switches by generation [units/yr].
    transceiver_usd, switch_usd : ndarray, (class,)
        Unit prices [USD].
    dc_work_mw : ndarray, (draw, year)
        Data-centre construction put in place [facility MW/yr].
    onsite_added_mw : ndarray, (draw, year, tech)
        On-site generation added [MW/yr].
    onsite_usd_per_kw : ndarray, (tech,)
        Capex of on-site generation [USD/kW].
    grid_added_mw : ndarray, (draw, year)
        Grid connections added [MW/yr].
    p : namespace
        Sampled ``economics`` section.
    """
    acc = contract(shipments, asp_usd)
    dc = dc_work_mw * p.dc_capex_usd_per_mw[:, None]
    items = {
        "accelerators": acc,
        "host_servers": acc * p.host_server_share[:, None],
        "transceivers": contract(transceivers, transceiver_usd),
        "switches": contract(switches, switch_usd),
        "nics": contract(shipments, nic_gbps) * p.nic_usd_per_gbps[:, None],
        "cables": sum_last(shipments) * p.cables_usd_per_xpu[:, None],
        **{k: dc * share for k, share in DC_SPLIT.items()},
        "onsite_generation": contract(onsite_added_mw, onsite_usd_per_kw) * 1e3,
        "grid_connection": grid_added_mw * 1e3 * p.grid_connection_usd_per_kw[:, None],
    }
    return np.stack([np.maximum(items[k], 0.0) for k in CAPEX_ITEMS], axis=-1)


def cost_per_mtok(
    *,
    capex_per_xpu_usd: np.ndarray,
    facility_kw: np.ndarray,
    tokens_per_s: np.ndarray,
    lifetime: np.ndarray,
    p: EconomicsParams,
    load_factor: np.ndarray,
) -> np.ndarray:
    """Total cost per million tokens served by one XPU [USD/Mtok].

    ``(capex / lifetime + capex · opex share + energy) / tokens per year · 1e6``
    with energy ``facility kW x load factor x 8760 h x USD/kWh`` and tokens
    per year ``tokens_per_s x seconds per year`` (production rate, already net
    of utilisation). Shapes broadcast to (draw, year, type).
    """
    seconds = 365.25 * 86400.0
    # per-draw coefficients first, so the (draw, year, type) arrays see 5 operations
    per_capex = (1.0 / lifetime + p.opex_share) * (1e6 / seconds)  # (draw,)
    per_kw = load_factor * 8760.0 * p.electricity_usd_per_kwh * (1e6 / seconds)
    cost = capex_per_xpu_usd * per_capex[:, None, None]
    cost += facility_kw * per_kw[:, None, None]
    return cost / np.maximum(tokens_per_s, 1e-30)


# Capex items not proportional to the year's XPU shipments: building and powering sites
# (the data centres & power segment).
FIXED_ITEMS = tuple(k for k in CAPEX_ITEMS if SEGMENT_OF[k] == "dc_power")


def financing_limit_usd(years: np.ndarray, arr_usd: np.ndarray, p: EconomicsParams) -> np.ndarray:
    """Largest AI capex the builders can pay for, (draw, year) [USD/yr].

    ``capex_cash_share_max x cash flow + external funding + revenue_reinvested x ARR``,
    cash flow and funding compounding from 2025; ``arr_usd`` (draw, year) [USD/yr].
    """
    t = np.asarray(years, dtype=float)[None, :] - 2025.0
    cash = p.cash_flow_2025[:, None] * np.power(1.0 + p.cash_flow_growth[:, None], t)
    ext = p.external_funding_2025[:, None] * np.power(1.0 + p.external_funding_growth[:, None], t)
    return p.capex_cash_share_max[:, None] * cash + ext + p.revenue_reinvested[:, None] * arr_usd


def segment_map() -> np.ndarray:
    """One-hot map of capex items to segments, (item, segment) [1]."""
    return np.array(
        [[SEGMENT_OF[i] == s for s in SEGMENTS] for i in CAPEX_ITEMS],
        dtype=float,
    )


def dc_work_mw(
    under_construction_mw: np.ndarray, energised_mw: np.ndarray, construction_lead: np.ndarray
) -> np.ndarray:
    """Data-centre work put in place per year, (draw, year) [MW/yr].

    The mean of this and last year's pipeline (draw, year) [MW] over the
    construction lead (draw,) [yr]; completions where nothing is under way.
    """
    uc = under_construction_mw
    uc_prev = np.concatenate([np.zeros_like(uc[:, :1]), uc[:, :-1]], axis=1)
    completions = energised_mw - previous_year(energised_mw)
    return np.where(
        uc + uc_prev > 0,
        0.5 * (uc + uc_prev) / construction_lead[:, None],
        completions,
    )


def revenue_pools(
    *,
    items: np.ndarray,
    logic_wafer_cost: np.ndarray,
    hbm_bits: np.ndarray,
    cowos_wafers: np.ndarray,
    wfe_usd: np.ndarray,
    euv_installed: np.ndarray,
    p: EconomicsParams,
) -> np.ndarray:
    """Revenue of each supplier pool (POOLS order), (draw, year, pool) [USD/yr].

    ``items`` (draw, year, item) capex [USD/yr]; ``logic_wafer_cost`` [USD/yr],
    ``hbm_bits`` [bit/yr], ``cowos_wafers`` [wafers/yr], ``wfe_usd`` [USD/yr] and
    ``euv_installed`` [tools] are (draw, year); ``p`` holds ``hbm_usd_per_gb``,
    ``cowos_usd_per_wafer`` and ``euv_tool_usd`` (draw,).
    """
    euv_added = np.diff(euv_installed, axis=1, prepend=euv_installed[:, :1])

    def item(name: str) -> np.ndarray:
        return items[..., CAPEX_ITEMS.index(name)]

    return np.stack(
        [
            item("accelerators"),
            logic_wafer_cost,
            hbm_bits / 8e9 * p.hbm_usd_per_gb[:, None],
            cowos_wafers * p.cowos_usd_per_wafer[:, None],
            wfe_usd,
            euv_added * p.euv_tool_usd[:, None],
            item("switches"),
            item("transceivers"),
            item("dc_electrical"),
            item("dc_cooling"),
            item("onsite_generation"),
        ],
        axis=-1,
    )


def capex_per_xpu(
    *,
    items: np.ndarray,
    shipments: np.ndarray,
    asp_usd: np.ndarray,
    host_server_share: np.ndarray,
    mw_per_unit: np.ndarray,
    dc_capex_usd_per_mw: np.ndarray,
) -> np.ndarray:
    """All-in capex of one XPU of each type, (draw, year, type) [USD].

    Accelerator ASP (type,) with its host server share (draw,), the year's network
    capex per shipped XPU from ``items`` (draw, year, item) and ``shipments``
    (draw, year, type), and its facility MW (draw, year, type) at the data-centre
    capex per MW (draw,).
    """
    shipped = np.maximum(sum_last(shipments), 1e-9)
    net = [CAPEX_ITEMS.index(k) for k in ("transceivers", "switches", "nics", "cables")]
    net_per_xpu = items[..., net].sum(-1) / shipped
    return (
        asp_usd[None, None] * (1.0 + host_server_share[:, None, None])
        + net_per_xpu[..., None]
        + mw_per_unit * dc_capex_usd_per_mw[:, None, None]
    )
