"""Output variables of the supply side: fab, solver, network, power and economics.

Registered on import into :data:`aiinfra.registry.VARIABLES`; read them through
:mod:`aiinfra.variables`.
"""

from __future__ import annotations

from aiinfra.registry import DY, VARIABLES, register

_BEFORE = frozenset(VARIABLES)

# ----------------------------------------------------------------- fab
DYN = ("draw", "year", "node")
register("logic_wafers", "wafer/year", DYN, "fab", "Logic wafer starts for XPUs by node")
register("logic_capacity", "wafer/year", DYN, "fab", "Leading-edge logic capacity by node")
register("ai_share_logic", "1", DYN, "fab", "AI share of logic capacity by node")
register("logic_wafer_cost", "USD/year", DY, "fab", "Foundry revenue from XPU logic wafers")
register(
    "cowos_wafers",
    "wafer/year",
    ("draw", "year", "company"),
    "fab",
    "CoWoS wafers by company (seed figure 4)",
)
register("cowos_wafers_total", "wafer/year", DY, "fab", "CoWoS wafers")
register("cowos_capacity", "wafer/year", DY, "fab", "CoWoS capacity")
register("hbm_bits", "bit/year", DY, "fab", "HBM bits shipped")
register("hbm_stacks", "1/year", DY, "fab", "HBM stacks shipped")
register("hbm_wafers", "wafer/year", DY, "fab", "DRAM wafer starts for HBM")
register("hbm_share_dram", "1", DY, "fab", "HBM share of DRAM wafer capacity")
register(
    "wfe_usd",
    "USD/year",
    ("draw", "year", "application"),
    "fab",
    "WFE spend by application (seed figure 3)",
    "History 2022-2025 (SEMI); later non-AI WFE grows slowly and AI capacity additions "
    "(logic for XPUs, HBM, CoWoS) are bought a year ahead.",
)
register("wfe_total_usd", "USD/year", DY, "fab", "WFE spend")
register("euv_tools_needed", "1", DY, "fab", "EUV scanners needed by leading-edge capacity")
register("euv_tools_needed_ai", "1", DY, "fab", "EUV scanners needed by AI logic wafers")
register("euv_tools_installed", "1", DY, "fab", "EUV scanners installed (low-NA equivalents)")
register("cleanroom_m2", "m^2", DY, "fab", "Leading-edge cleanroom area")
register(
    "xpus_supportable",
    "device/year",
    ("draw", "year", "layer"),
    "chain",
    "New XPUs supportable per year by each layer",
    "Capacity (or energised/powered MW beyond what the surviving fleet uses) divided by "
    "the per-XPU requirement of the year's shipment mix.",
)

# ----------------------------------------------------------------- solver
register(
    "shipments_desired",
    "device/year",
    DY,
    "solve",
    "XPU shipments desired",
    "New orders (the demand path's shipments) plus the surviving backlog.",
)
register("backlog", "device/year", DY, "solve", "Unmet XPU demand (backlog)")
register(
    "deployments_total",
    "device/year",
    DY,
    "solve",
    "XPUs energised, all types",
    "Shipments flow into the installed base through deployments.",
)
register(
    "xpus_waiting_power",
    "device",
    DY,
    "solve",
    "Shipped XPUs waiting for data-centre space or power",
    "Stock at the end of the year: vendors ship what is ordered and can be made; chips "
    "without energised capacity wait, and buyers net them out of new orders.",
)
register(
    "early_retirements",
    "device/year",
    DY,
    "solve",
    "XPUs retired early to free MW",
    "Where data-centre space or power binds, surviving XPUs doing less than "
    "1/fleet.retire_ratio of the new mix's work per MW are retired to make room.",
)
register(
    "binding_layer",
    "1",
    DY,
    "solve",
    "Binding layer (index)",
    "Index into the 'binding' coordinate; the last entry means demand binds.",
)
register(
    "binding_share", "1", ("year", "binding"), "solve", "Share of draws in which each layer binds"
)
register(
    "capacity_utilisation",
    "1",
    ("draw", "year", "layer"),
    "solve",
    "Shipments over what each layer supports",
)
register(
    "tokens_served",
    "token/year",
    DY,
    "solve",
    "Tokens served",
    "Token demand times the share of the need the installed fleet covers.",
)
register("tokens_served_share", "1", DY, "solve", "Share of token demand served")

# ----------------------------------------------------------------- network
register(
    "transceivers",
    "1/year",
    ("draw", "year", "speed"),
    "network",
    "Optical transceivers by speed class (seed figure 5)",
    "Pluggable modules shipped with the year's XPUs: back-end fat tree, scale-up optics, "
    "front-end network; co-packaged optics excluded.",
)
register("transceivers_800g", "1/year", DY, "network", "800G optical transceivers")
register(
    "transceivers_800g_plus",
    "1/year",
    DY,
    "network",
    "800G-and-faster optical transceivers",
    "Pluggable modules of 800G, 1.6T and 3.2T together: the class the 800G count hands over "
    "to as speeds double; co-packaged optics excluded.",
)
register("transceivers_per_xpu", "1", DY, "network", "Optical transceivers per XPU deployed")
register(
    "switches",
    "1/year",
    ("draw", "year", "switch"),
    "network",
    "Switches by generation (ASIC bandwidth)",
)
register(
    "network_power_w",
    "W",
    DY,
    "network",
    "Network power of the installed fleet",
    "Transceivers and switches of every installed vintage.",
)
register("fabric_tiers", "1", DY, "network", "Mean fat-tree tiers of new deployments")

# ----------------------------------------------------------------- power
register(
    "it_power_w",
    "W",
    DY,
    "power",
    "IT power of installed XPUs (nameplate)",
    "TDP x (1 + host overhead) + network.",
)
register(
    "facility_power_w", "W", DY, "power", "Facility power of installed XPUs", "IT power x PUE."
)
register("pue", "1", DY, "power", "Fleet-average PUE")
register("ai_dc_energy_twh", "TWh/year", DY, "power", "AI data-centre electricity")
register(
    "dc_energy_twh",
    "TWh/year",
    DY,
    "power",
    "All data-centre electricity",
    "AI plus non-AI load (scenario input); IEA: ~415 TWh in 2024.",
)
register(
    "fleet_load_factor",
    "1",
    DY,
    "power",
    "Fleet load factor",
    "Average power of the AI fleet relative to nameplate, weighted by use: training "
    "(power.training_load_factor), serving (power.load_factor), idle "
    "(power.idle_load_factor).",
)
register(
    "llm_provider_capacity_w",
    "W",
    ("draw", "year", "use"),
    "power",
    "XPU capacity of LLM providers (IT power) by use (seed figure 6)",
    "Only inference and training are filled (ramp-up and idle units split between them); "
    "other_ai, ramp_up and idle are zero.",
)
register(
    "llm_provider_facility_mw",
    "MW",
    ("draw", "year", "use"),
    "power",
    "XPU capacity of LLM providers (facility MW) by use",
    "IT capacity of the labs' contracted fleet (clouds, neoclouds, own sites: the "
    "llm_providers owner share) times the LLM providers' PUE; inference and training filled.",
)
register(
    "dc_capacity_mw",
    "MW",
    ("draw", "year", "region"),
    "power",
    "AI data-centre capacity energised (facility MW; seed figure 7)",
    "Cumulative facility MW; critical IT MW = facility / PUE.",
)
register("dc_starts_mw", "MW/year", DY, "power", "AI data-centre capacity started")
register(
    "dc_announced_mw",
    "MW/year",
    DY,
    "power",
    "AI data-centre capacity announced",
    "Starts brought forward by the planning lead time.",
)
register(
    "it_power_by_owner_w",
    "W",
    ("draw", "year", "owner"),
    "power",
    "Installed XPU IT power by owner type",
)
register(
    "dc_under_construction_mw", "MW", DY, "power", "AI data-centre capacity under construction"
)
register(
    "power_supply_mw",
    "MW",
    ("draw", "year", "source"),
    "power",
    "Data-centre power supply by source (cumulative)",
)
register("power_shortfall_mw", "MW", DY, "power", "Data-centre MW completed but unpowered")
register(
    "power_deficit_mw",
    "MW",
    DY,
    "power",
    "Facility MW the installed XPUs need beyond powered data-centre capacity",
    "Demand not met: with the shortfall, MW supplied + deficit >= MW needed.",
)
register("onsite_fuel_mmbtu", "MMBtu/year", DY, "power", "Natural gas burnt on site")
register("co2_t", "t/year", DY, "power", "CO2 of AI data-centre electricity")

# ----------------------------------------------------------------- economics
register("capex_usd", "USD/year", ("draw", "year", "item"), "economics", "AI capex by item")
register(
    "capex_segment_usd",
    "USD/year",
    ("draw", "year", "segment"),
    "economics",
    "AI capex by segment",
    "Semiconductors & manufacturing, networking, data centres & power.",
)
register("capex_total_usd", "USD/year", DY, "economics", "AI capex")
register("capex_cumulative_usd", "USD", DY, "economics", "Cumulative AI capex since 2023")
register(
    "capex_revenue_gap_usd",
    "USD/year",
    DY,
    "economics",
    "Capex minus LLM revenue",
    "AI capex minus ARR of leading LLM providers (positive: spending ahead of revenue).",
)
register(
    "inventory_carrying_usd",
    "USD/year",
    DY,
    "economics",
    "Cost of XPUs waiting for power",
    "Shipped XPUs that wait for data-centre space or power, at the mix's price, times "
    "economics.inventory_carrying_rate.",
)
register(
    "financing_limit_usd",
    "USD/year",
    DY,
    "economics",
    "Financing limit on AI capex",
    "Largest AI capex the builders can pay for: a share of their operating cash flow, "
    "external funding and reinvested LLM revenue; the bottleneck solver ships no more "
    "than it pays for (layer finance).",
)
register(
    "revenue_pool_usd",
    "USD/year",
    ("draw", "year", "pool"),
    "economics",
    "Supplier revenue pools",
    "Nested pools (foundry wafers, HBM, CoWoS sit inside accelerator prices; WFE and EUV "
    "inside fab capex): not additive with capex.",
)
register(
    "firm_revenue_usd",
    "USD/year",
    ("draw", "year", "firm"),
    "economics",
    "AI revenue by company",
    "Revenue pools x market shares (data/market_shares.csv).",
)
register(
    "cost_per_mtok",
    "USD/Mtok",
    ("draw", "year", "accelerator"),
    "economics",
    "Cost per million tokens by accelerator",
    "Capex (XPU, host, network, data centre) over the service life plus opex and "
    "energy, per production token served.",
)

# names registered here, in order (aiinfra.variables lists them after the demand side)
NAMES = tuple(n for n in VARIABLES if n not in _BEFORE)
