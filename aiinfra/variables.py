"""The variables registry: every output variable with unit, dims and meaning.

The registry is the single glossary of output names. The chain may only emit
registered variables, and :mod:`aiinfra.results` attaches ``units`` and
``long_name`` attributes from here. ``aiinfra variables`` prints it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["HEADLINE", "VARIABLES", "Variable", "register"]


@dataclass(frozen=True)
class Variable:
    """Metadata of one output variable."""

    name: str
    units: str
    dims: tuple[str, ...]
    layer: str
    long_name: str
    description: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly mapping."""
        d = asdict(self)
        d["dims"] = list(self.dims)
        return d


VARIABLES: dict[str, Variable] = {}


def register(
    name: str, units: str, dims: tuple[str, ...], layer: str, long_name: str, description: str = ""
) -> Variable:
    """Add a variable to the registry (names must be unique)."""
    if name in VARIABLES:
        msg = f"variable {name!r} is already registered"
        raise ValueError(msg)
    var = Variable(name, units, dims, layer, long_name, description)
    VARIABLES[name] = var
    return var


DY = ("draw", "year")
DYW = ("draw", "year", "workload")

# ----------------------------------------------------------------- demand
register(
    "demand_users",
    "user",
    DYW,
    "demand",
    "Active users by workload",
    "Logistic user curve per workload (users, seats or agent instances).",
)
register(
    "demand_tokens",
    "token/year",
    DYW,
    "demand",
    "Token demand by workload",
    "Input plus output tokens processed per year.",
)
register("demand_input_tokens", "token/year", DYW, "demand", "Input (prefill) tokens by workload")
register(
    "demand_output_tokens",
    "token/year",
    DYW,
    "demand",
    "Output (decode) tokens by workload",
    "Includes hidden reasoning tokens.",
)
register(
    "token_price",
    "USD/Mtok",
    DYW,
    "demand",
    "Effective revenue per million tokens",
    "API price, or subscription revenue divided by tokens served.",
)
register("revenue_usd", "USD/year", DYW, "demand", "LLM provider revenue by workload")
register("tokens_total", "token/year", DY, "demand", "Total token demand")
register(
    "arr_usd",
    "USD/year",
    DY,
    "demand",
    "ARR of leading LLM providers",
    "Calendar-year revenue, equal to the run rate at mid-year for smooth growth (seed figure 1).",
)
register(
    "training_flop",
    "FLOP/year",
    DY,
    "demand",
    "Training compute demand",
    "All training and R&D compute the labs' budgets buy (model FLOP at the training MFU).",
)
register(
    "training_budget_usd",
    "USD/year",
    DY,
    "demand",
    "Training and R&D compute budget",
    "R&D-compute-to-revenue ratio x LLM revenue + big-tech AI labs' own R&D compute.",
)
register(
    "training_h100e_years",
    "1/year",
    DY,
    "demand",
    "Training compute in H100-equivalent years",
    "Budget over the price of an H100e-hour, in H100e-years per year.",
)
register("frontier_run_flop", "FLOP", DY, "demand", "Compute of one frontier training run")
register(
    "frontier_runs",
    "1/year",
    DY,
    "demand",
    "Frontier-scale training runs per year",
    "Final runs the budget pays for: training FLOP / ((1 + R&D multiple) x one run).",
)

# ----------------------------------------------------------------- compute
DYA = ("draw", "year", "accelerator")
register(
    "xpus_needed",
    "device",
    DYA,
    "compute",
    "XPUs needed by accelerator type",
    "Active accelerators needed for LLM inference, training and other AI, split by the fleet mix.",
)
register("xpus_needed_by_workload", "device", DYW, "compute", "Inference XPUs needed by workload")
register(
    "xpus_needed_by_use",
    "device",
    ("draw", "year", "use"),
    "compute",
    "XPUs needed by use",
    "inference, training (incl. R&D), other (non-LLM) AI, ramp-up (units a growing fleet "
    "holds at year end ahead of the work: half a year of growth plus bring-up) and idle "
    "(owned but unused).",
)
register("xpus_needed_total", "device", DY, "compute", "XPUs needed (all uses)")
register(
    "h100e_needed",
    "device",
    DY,
    "compute",
    "H100-equivalents needed",
    "Needed units weighted by dense FP8 FLOP/s relative to an H100 SXM.",
)
register(
    "shipments_needed",
    "device/year",
    DY,
    "compute",
    "XPU shipments needed",
    "Growth of the needed fleet plus replacement after the service life.",
)
register(
    "shipments_needed_h100e",
    "device/year",
    DY,
    "compute",
    "XPU shipments needed in H100-equivalents",
    "shipments_needed computed on the H100-equivalent fleet.",
)
register(
    "token_rate_needed",
    "token/s",
    DY,
    "compute",
    "Token rate capacity needed",
    "Peak token rate x headroom (provisioned serving capacity).",
)

# ----------------------------------------------------------------- fleet
register(
    "shipments",
    "device/year",
    DYA,
    "fleet",
    "XPU shipments by type",
    "History 2023-2025 (data/shipments_history.csv), then what the need requires "
    "beyond the surviving fleet.",
)
register("shipments_total", "device/year", DY, "fleet", "XPU shipments (seed figure 2)")
register(
    "shipments_by_vendor",
    "device/year",
    ("draw", "year", "vendor"),
    "fleet",
    "XPU shipments by vendor",
)
register("installed_base", "device", DYA, "fleet", "Installed XPUs by type (end of year)")
register("installed_total", "device", DY, "fleet", "Installed XPUs (end of year)")
register(
    "installed_by_vintage",
    "device",
    ("draw", "year", "vintage"),
    "fleet",
    "Installed XPUs by shipment year",
)
register(
    "installed_h100e",
    "device",
    DY,
    "fleet",
    "Installed H100-equivalents",
    "Installed units weighted by dense FP8 FLOP/s relative to an H100 SXM.",
)
register("retirements", "device/year", DY, "fleet", "XPUs retired")
register(
    "fleet_surplus_share",
    "1",
    DY,
    "fleet",
    "Fleet surplus share",
    "Share of the installed fleet the physics does not need (1 - 1/coverage); negative when "
    "the need exceeds the installed fleet. Reported, never fitted: in history years it is "
    "what tokens, training and other AI leave unexplained.",
)
register(
    "fleet_coverage",
    "1",
    DY,
    "fleet",
    "Fleet coverage",
    "Share of the need the installed fleet can serve (installed / need).",
)

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

# ----------------------------------------------------------------- demand path
# The same variables before the bottleneck solver: what orders would ship if no layer
# were short. Seed forecasts of shipments, CoWoS, optics and WFE are compared here.
# Variables also reported on the demand path (orders before the bottleneck solver).
DEMAND_PATH = (
    "shipments_total",
    "installed_total",
    "cowos_wafers",
    "cowos_wafers_total",
    "wfe_usd",
    "wfe_total_usd",
    "transceivers",
    "transceivers_800g",
    "transceivers_800g_plus",
    "facility_power_w",
    "llm_provider_capacity_w",
)
for _name in DEMAND_PATH:
    _v = VARIABLES[_name]
    register(
        f"{_name}_demand",
        _v.units,
        _v.dims,
        _v.layer,
        f"{_v.long_name}, demand path",
        "Before the bottleneck solver (orders). " + _v.description,
    )

# Variables printed by `aiinfra run` (name, scale, display unit).
HEADLINE: list[tuple[str, float, str]] = [
    ("arr_usd", 1e-9, "bn USD"),
    ("tokens_total", 1e-15, "Ptok/yr"),
    ("training_flop", 1e-27, "1e27 FLOP/yr"),
    ("xpus_needed_total", 1e-6, "M units"),
    ("shipments_needed", 1e-6, "M units/yr"),
    ("shipments_total_demand", 1e-6, "M units/yr"),
    ("shipments_total", 1e-6, "M units/yr"),
    ("installed_total", 1e-6, "M units"),
    ("cowos_wafers_total", 1e-3, "k wafers/yr"),
    ("wfe_total_usd", 1e-9, "bn USD"),
    ("transceivers_800g", 1e-6, "M/yr"),
    ("transceivers_800g_plus", 1e-6, "M/yr"),
    ("dc_capacity_mw", 1e-3, "GW"),
    ("dc_energy_twh", 1.0, "TWh/yr"),
    ("capex_total_usd", 1e-9, "bn USD/yr"),
    ("h100e_needed", 1e-6, "M H100e"),
    ("shipments_needed_h100e", 1e-6, "M H100e/yr"),
]
