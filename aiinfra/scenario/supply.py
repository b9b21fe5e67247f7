"""Scenario sections of the supply side: fleet, fab, network, power, economics, uncertainty."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from aiinfra.quantity import Q
from aiinfra.scenario.base import Section, YearShares


class FleetSection(Section):
    """Fleet layer: service life, bring-up and the solver's ordering behaviour."""

    lifetime_years: Q("year", gt=0) = Field(
        5.0, description="Mean service life of an accelerator (Weibull, shape 3)."
    )
    capacity_response: Q("", le=2) = Field(
        0.5, description="Share of a layer's shortage ordered as extra capacity (solver)."
    )
    backlog_cancel: Q("", le=1) = Field(
        0.3, description="Share of unmet XPU demand cancelled each year (solver)."
    )
    bring_up_years: Q("year", le=2) = Field(
        0.25,
        description="Delivery to production of a new cluster (installation, burn-in, "
        "acceptance; assumption: 1-6 months reported for H100/GB200 clusters, e.g. "
        "SemiAnalysis GB200 NVL72 ramp notes 2025). The fleet at year end covers the need "
        "(0.5 + bring_up_years) later.",
    )
    history_scale: Q("", gt=0, le=3) = Field(
        1.0,
        description="Multiplier on the 2023-2025 shipment history: its uncertainty (units "
        "derived from vendor revenue over estimated ASPs, analyst unit counts), so "
        "calibration can move it.",
    )
    order_cut_years: Q("year", gt=0, le=10) = Field(
        1.0,
        description="Time constant of cutting XPU orders when the fleet exceeds the need: "
        "supply contracts, packaging and wafer capacity are committed 1-3 years ahead "
        "(assumption; NVIDIA reported ~500 bn USD of Blackwell and Rubin bookings through "
        "2026 at GTC Washington, Oct 2025).",
    )
    training_cluster_lead_years: Q("year", le=2) = Field(
        0.5,
        description="Extra lead of training clusters: a frontier cluster is assembled before "
        "its run starts (assumption: xAI Colossus 2 and Stargate Abilene built through 2025 "
        "for 2026 runs).",
    )
    retire_ratio: Q("", ge=1) = Field(
        3.0,
        description="Economic retirement: where data-centre space or power binds, XPUs whose "
        "work per MW (H100 equivalents per facility MW) is below 1/retire_ratio of the new "
        "mix's are retired early to free MW (assumption: a hall's power earns more with "
        "new parts once they do ~3x the work per MW; operators report retiring V100/A100 "
        "clusters for Blackwell in 2025).",
    )
    inventory_target_years: Q("year", ge=0, le=5) = Field(
        0.25,
        description="Stock of shipped XPUs buyers hold without cutting orders (in transit, "
        "in bring-up, waiting for a hall), in years of what can be energised; the stock "
        "above it is netted out of new orders over order_cut_years (assumption: late-2025 "
        "reports of accelerators in inventory that could not be plugged in, e.g. "
        "Microsoft's CEO in Nov 2025; NVIDIA's own inventory and supply commitments ~ one "
        "quarter of revenue in 2025 10-Q filings).",
    )


class FabSection(Section):
    """Manufacturing layer: dies, yield, logic wafers, CoWoS, HBM, WFE, EUV."""

    yield_model: Literal["poisson", "murphy", "negative_binomial"] = Field(
        "negative_binomial", description="Die yield model."
    )
    yield_alpha: Q("", gt=0) = Field(3.0, description="Defect clustering (negative binomial).")
    d0_scale: Q("", gt=0) = Field(1.0, description="Multiplier on catalog defect densities.")
    edge_exclusion_mm: Q("mm", lt=50) = Field(3.0, description="Wafer edge exclusion.")
    max_ai_share_logic: Q("", gt=0, le=1) = Field(
        0.5, description="Largest share of a leading-edge node's wafers AI chips can take."
    )
    wfe_history_scale: Q("", gt=0, le=3) = Field(
        1.0,
        description="Multiplier on the WFE history: its uncertainty (SEMI revises its "
        "estimates by a few per cent), so calibration can move it.",
    )
    logic_capacity_growth: Q("", ge=-0.5, le=5) = Field(
        0.08, description="Yearly growth of leading-edge capacity after the data years."
    )
    cowos_capacity_scale: Q("", ge=0) = Field(
        1.0, description="Multiplier on the CoWoS capacity path (packaging scenarios)."
    )
    cowos_capacity_growth: Q("", ge=-0.5, le=5) = Field(
        0.25, description="Yearly growth of CoWoS capacity after the data years."
    )
    cowos_yield: Q("", gt=0, le=1) = Field(0.95, description="Interposer/assembly yield.")
    cowos_wip_years: Q("year", ge=0, le=2) = Field(
        0.25,
        description="How long before its package ships a CoWoS wafer is processed: ~6-8 "
        "weeks of CoWoS assembly, then test, board and rack build (assumption from TSMC "
        "and ODM cycle times); wafers in a year serve that much of the next year's shipments.",
    )
    hbm_wip_years: Q("year", ge=0, le=2) = Field(
        0.5,
        description="How long before its package ships an HBM stack is shipped: sold to the "
        "packaging line and stocked one to two quarters ahead under supply agreements "
        "(assumption from SK hynix and Micron calls, 2024-25), then CoWoS and system build.",
    )
    fab_lead_years: Q("year", gt=0, le=10) = Field(
        2.5, description="Years for extra leading-edge logic capacity (fab shell + tools)."
    )
    cowos_lead_years: Q("year", gt=0, le=10) = Field(
        1.25, description="Years for extra CoWoS capacity."
    )
    hbm_lead_years: Q("year", gt=0, le=10) = Field(1.5, description="Years for extra HBM.")
    euv_lead_years: Q("year", gt=0, le=10) = Field(
        1.5, description="Years for extra EUV scanners (order to install)."
    )
    hbm_die_yield: Q("", gt=0, le=1) = Field(0.85, description="HBM core DRAM die yield.")
    hbm_stack_yield: Q("", gt=0, le=1) = Field(0.8, description="HBM stacking (TSV) yield.")
    hbm_share_2023: Q("", gt=0, le=1) = Field(
        0.05, description="Share of DRAM wafer capacity able to make HBM in 2023."
    )
    hbm_share_growth: Q("", ge=0, le=5) = Field(0.4, description="Yearly growth of that share.")
    hbm_share_max: Q("", gt=0, le=1) = Field(0.35, description="Ceiling of the HBM share.")
    dram_capacity_growth: Q("", ge=-0.5, le=5) = Field(
        0.04, description="Yearly growth of DRAM wafer capacity after the data years."
    )
    equipment_share: Q("", gt=0, le=1) = Field(
        0.75, description="Share of fab capex spent on wafer-fab equipment."
    )
    dram_capex_per_wpm: Q("USD", gt=0) = Field(
        120000.0, description="Fab capex per DRAM wafer/month of HBM-capable capacity."
    )
    cowos_capex_per_wpm: Q("USD", gt=0) = Field(
        100000.0, description="Capex per CoWoS wafer/month (packaging tools counted as WFE)."
    )
    non_ai_wfe_growth: Q("", ge=-0.5, le=5) = Field(
        0.03, description="Yearly growth of WFE not driven by AI after the history years."
    )
    euv_exposures_per_tool_year: Q("", gt=0) = Field(
        6.5e5, description="Wafer exposures one EUV scanner makes per year (~100 wph, 75 %)."
    )
    euv_low_na_per_year: Q("1/year", ge=0) = Field(
        50.0, description="Low-NA EUV scanners shipped per year after the data years."
    )
    high_na_per_year: Q("1/year", ge=0) = Field(
        8.0, description="High-NA EUV scanners shipped per year from 2026."
    )
    high_na_throughput_factor: Q("", gt=0) = Field(
        1.0, description="High-NA exposures per year relative to a low-NA tool."
    )


# Share of new XPUs by back-end cluster size and by switch generation (interpolated).
DEFAULT_CLUSTERS: dict[int, dict[str, float]] = {
    2023: {"1000": 0.4, "10000": 0.4, "100000": 0.2},
    2025: {"1000": 0.25, "10000": 0.35, "100000": 0.35, "1000000": 0.05},
    2028: {"1000": 0.15, "10000": 0.25, "100000": 0.4, "1000000": 0.2},
}
# Switches with 1.6T ports count as 102.4T: Broadcom Tomahawk 6 (64 x 1.6T, volume from
# 2026) and NVIDIA's Quantum-X800 (144 x 800G in 72 twin-port 1.6T OSFP cages), shipped
# with GB300 NVL72 from H2 2025 (NVIDIA) -- about a third of 2026's new back-end ports
# (assumption from those launches; TrendForce/LightCounting expect ~10 M 1.6T modules in
# 2026).
DEFAULT_SWITCHES: dict[int, dict[str, float]] = {
    2023: {"25.6T": 0.7, "51.2T": 0.3},
    2025: {"25.6T": 0.15, "51.2T": 0.85},
    2026: {"51.2T": 0.65, "102.4T": 0.35},
    2027: {"51.2T": 0.4, "102.4T": 0.6},
    2028: {"51.2T": 0.2, "102.4T": 0.8},
    2030: {"102.4T": 0.7, "204.8T": 0.3},
    2032: {"102.4T": 0.3, "204.8T": 0.7},
}
DEFAULT_OWNERS: dict[int, dict[str, float]] = {
    2023: {"llm_providers": 0.25, "hyperscalers": 0.5, "neoclouds": 0.1, "enterprise": 0.15},
    2025: {"llm_providers": 0.35, "hyperscalers": 0.42, "neoclouds": 0.13, "enterprise": 0.1},
    2030: {"llm_providers": 0.5, "hyperscalers": 0.33, "neoclouds": 0.1, "enterprise": 0.07},
}


def _check_shares(table: dict[int, dict[str, float]], allowed: set[str], what: str) -> None:
    if not table:
        msg = f"{what} needs at least one year"
        raise ValueError(msg)
    for year, shares in table.items():
        for key, v in shares.items():
            if key not in allowed:
                msg = f"{what} {year}: unknown key {key!r}; allowed: {', '.join(sorted(allowed))}"
                raise ValueError(msg)
            if not v >= 0:
                msg = f"{what} {year}: share of {key} must be >= 0, got {v}"
                raise ValueError(msg)
        if sum(shares.values()) <= 0:
            msg = f"{what} {year}: shares must not all be zero"
            raise ValueError(msg)


class NetworkSection(Section):
    """Scale-out network: cluster sizes, switch generations, copper, CPO, capacity."""

    clusters: YearShares = Field(
        default_factory=lambda: {y: dict(m) for y, m in DEFAULT_CLUSTERS.items()},
        description="Share of new XPUs by back-end cluster size (XPUs), by year.",
    )
    switches: YearShares = Field(
        default_factory=lambda: {y: dict(m) for y, m in DEFAULT_SWITCHES.items()},
        description="Share of new deployments by switch generation, by year.",
    )
    first_tier_copper: Q("", le=1) = Field(
        0.3, description="Share of NIC-to-leaf links on copper (DAC/AEC) instead of optics."
    )
    frontend_gbps_per_xpu: Q("", ge=0) = Field(
        100.0, description="Front-end (north-south) bandwidth per XPU [Gb/s], 400G optics."
    )
    cpo_start_year: int = Field(2027, ge=2023, le=2100, description="First year of CPO.")
    cpo_share_max: Q("", le=1) = Field(
        0.5, description="Share of switch-to-switch optics co-packaged 4 years after the start."
    )
    transceiver_lead_years: Q("year", gt=0, le=10) = Field(
        1.0, description="Years for extra transceiver capacity."
    )
    transceiver_capacity_2025: Q("1/year", gt=0) = Field(
        6.0e7, description="Optical modules the industry can make in 2025 (all speeds)."
    )
    transceiver_capacity_growth: Q("", ge=-0.5, le=5) = Field(
        0.35, description="Yearly growth of transceiver capacity."
    )

    @model_validator(mode="after")
    def _check(self) -> NetworkSection:
        _check_shares(self.switches, {"25.6T", "51.2T", "102.4T", "204.8T"}, "switches")
        sizes = set()
        for shares in self.clusters.values():
            sizes |= set(shares)
        for key in sizes:
            try:
                ok = float(key) >= 1
            except ValueError:
                ok = False
            if not ok:
                msg = f"clusters: size {key!r} must be a number of XPUs >= 1"
                raise ValueError(msg)
        _check_shares(self.clusters, sizes, "clusters")
        return self


class PowerSection(Section):
    """Power and data centres: IT overheads, PUE, pipeline, grid and on-site supply."""

    host_overhead: Q("") = Field(
        0.4,
        description="Host CPU/memory/NIC/fans as a share of XPU TDP (DGX H100 ~0.8 at max, "
        "GB200 NVL72 ~0.4).",
    )
    load_factor: Q("", gt=0, le=1) = Field(
        0.65,
        description="Average power of serving XPUs relative to nameplate (inference and "
        "other AI; diurnal peak-to-average ~1.5, serving_workloads.csv); also the cost "
        "per token's energy.",
    )
    training_load_factor: Q("", gt=0, le=1) = Field(
        0.85,
        description="Average power of training XPUs relative to nameplate (assumption: "
        "synchronous training runs near TDP around the clock, with checkpoint and "
        "failure pauses; Meta Llama 3 report of tens-of-MW power swings at full load).",
    )
    idle_load_factor: Q("", ge=0, le=1) = Field(
        0.25,
        description="Power of idle, spare XPUs relative to nameplate (assumption: an idle "
        "H100 server draws ~20-30 % of its nameplate).",
    )
    owners: YearShares = Field(
        default_factory=lambda: {y: dict(m) for y, m in DEFAULT_OWNERS.items()},
        description="Share of installed XPUs by owner type, by year.",
    )
    pue_llm_providers: Q("", ge=1, le=3) = Field(1.2, description="PUE of LLM-provider sites.")
    pue_hyperscalers: Q("", ge=1, le=3) = Field(1.15, description="PUE of hyperscaler sites.")
    pue_neoclouds: Q("", ge=1, le=3) = Field(1.3, description="PUE of neocloud/colo sites.")
    pue_enterprise: Q("", ge=1, le=3) = Field(1.5, description="PUE of enterprise sites.")
    pue_improvement: Q("", ge=0, lt=0.2) = Field(
        0.01, description="Yearly fall of (PUE - 1) as a share."
    )
    china_share: Q("", le=1) = Field(
        0.2, description="Share of AI data-centre demand located in China."
    )
    planning_lead_years: Q("year", ge=0, le=5) = Field(
        1.0, description="Years from announcement to construction start."
    )
    construction_lead_years: Q("year", gt=0, le=8) = Field(
        2.0, description="Years from a data-centre start to energisation."
    )
    phase_spread: Q("", ge=0, le=1) = Field(
        0.5,
        description="Campuses are energised in phases: a start completes evenly between "
        "(1 - s) and (1 + s) construction leads (assumption: Stargate Abilene broke ground "
        "mid-2024, first buildings live H1 2025, the 1.2 GW campus through mid-2026; "
        "Meta Prometheus and xAI Colossus 2 came online hall by hall).",
    )
    dc_history_scale: Q("", gt=0, le=3) = Field(
        1.0,
        description="Multiplier on the 2023-2025 AI data-centre capacity history: its "
        "uncertainty (trackers disagree on what counts as AI-capable), so calibration can "
        "move it.",
    )
    pipeline_scale: Q("", ge=0) = Field(
        1.0, description="Multiplier on the capacity under construction at the end of 2025."
    )
    dc_start_capacity_2026: Q("MW/year", gt=0) = Field(
        2.5e4, description="Largest AI data-centre capacity that can start in 2026, world."
    )
    dc_start_capacity_growth: Q("", ge=-0.5, le=5) = Field(
        0.2, description="Yearly growth of that start capacity."
    )
    dc_reserve: Q("", le=2) = Field(0.1, description="Capacity planned above forecast need.")
    grid_lead_years: Q("year", gt=0, le=10) = Field(
        4.0, description="Interconnection-queue lead time for large loads."
    )
    onsite_response_lead_years: Q("year", gt=0, le=10) = Field(
        2.5, description="Years for extra power (turbines/engines ordered in a shortage)."
    )
    grid_capacity_2026: Q("MW/year", gt=0) = Field(
        1.2e4, description="Data-centre load the grids can connect in 2026, world."
    )
    grid_capacity_growth: Q("", ge=-0.5, le=5) = Field(
        0.1, description="Yearly growth of grid connection capacity for data centres."
    )
    onsite_deliveries_scale: Q("", ge=0) = Field(
        1.0, description="Multiplier on on-site generation deliveries (data/power_tech.csv)."
    )
    non_ai_dc_twh_2024: Q("TWh/year", ge=0) = Field(
        350.0,
        description="Electricity of non-AI data-centre load in 2024 (IEA Energy and AI, 2025: "
        "all data centres ~415 TWh, accelerated servers ~15 % of it).",
    )
    non_ai_dc_growth: Q("", ge=-0.5, le=5) = Field(
        0.05, description="Yearly growth of non-AI data-centre electricity."
    )
    grid_co2_kg_per_mwh_2024: Q("kg/MWh", ge=0) = Field(
        400.0, description="CO2 intensity of grid electricity for data centres in 2024."
    )
    grid_co2_decline: Q("", lt=1) = Field(0.03, description="Yearly fall of grid CO2 intensity.")

    @model_validator(mode="after")
    def _check(self) -> PowerSection:
        _check_shares(self.owners, set(OWNERS), "owners")
        return self


OWNERS = ("llm_providers", "hyperscalers", "neoclouds", "enterprise")


class EconomicsSection(Section):
    """Economics layer: unit costs for capex by segment and cost per token."""

    host_server_share: Q("") = Field(
        0.25, description="Host servers (CPU, memory, boards) as a share of accelerator spend."
    )
    nic_usd_per_gbps: Q("USD/(Gbit/s)") = Field(
        4.0, description="NIC price per Gb/s (400G ~1,600 USD)."
    )
    cables_usd_per_xpu: Q("USD/device") = Field(300.0, description="Copper/fibre cabling per XPU.")
    dc_capex_usd_per_mw: Q("USD/MW") = Field(
        1.1e7, description="AI data-centre shell and fit-out per facility MW (excl. IT)."
    )
    grid_connection_usd_per_kw: Q("USD/kW") = Field(
        150.0, description="Grid connection (substation, lines) per kW of load."
    )
    hbm_usd_per_gb: Q("USD/GB") = Field(
        18.0,
        description="HBM price per GB (revenue pool; assumption: HBM3E 8-high 24 GB stacks "
        "~350-450 USD and 12-high 36 GB ~500-700 USD in 2024-25 press and analyst reports, "
        "consistent with TrendForce's ~17 bn USD (2024) and ~34 bn (2025) HBM revenue).",
    )
    cowos_usd_per_wafer: Q("USD/wafer") = Field(
        12000.0, description="CoWoS price per interposer wafer (revenue pool)."
    )
    euv_tool_usd: Q("USD/device") = Field(2.0e8, description="Low-NA EUV scanner price.")
    high_na_tool_usd: Q("USD/device") = Field(3.8e8, description="High-NA EUV scanner price.")
    electricity_usd_per_kwh: Q("USD/kWh") = Field(0.07, description="Electricity price per kWh.")
    opex_share: Q("", le=1) = Field(
        0.05, description="Yearly operating cost as a share of capex per XPU."
    )
    inventory_carrying_rate: Q("1/year", ge=0, le=1) = Field(
        0.2,
        description="Yearly cost of holding XPUs that wait for power, as a share of their "
        "price (assumption: ~10 % cost of capital plus ~10 %/yr value lost while idle).",
    )
    cash_flow_2025: Q("USD/year", gt=0) = Field(
        6.0e11,
        description="Operating cash flow of the AI builders in 2025 (assumption from filings: "
        "Microsoft, Alphabet, Amazon, Meta ~130-150 bn USD each, Oracle ~20 bn, Chinese "
        "hyperscalers ~60 bn).",
    )
    cash_flow_growth: Q("", ge=-0.5, le=1) = Field(
        0.1, description="Yearly growth of that cash flow (assumption: 2021-2025 trend ~10-15 %)."
    )
    capex_cash_share_max: Q("", gt=0, le=1.5) = Field(
        0.8,
        description="Largest share of operating cash flow spent on AI capex (assumption: "
        "the big four spent ~70-80 % of cash flow on capex in 2025, with buybacks and "
        "dividends continuing).",
    )
    external_funding_2025: Q("USD/year", ge=0) = Field(
        2.5e11,
        description="Debt and equity raised for AI capex in 2025: hyperscaler bonds, private "
        "credit and SPVs (Meta Hyperion ~27 bn), neocloud debt, lab rounds (OpenAI, "
        "Anthropic, xAI) and sovereign funds (assumption from reported deals).",
    )
    external_funding_growth: Q("", ge=-0.5, le=1) = Field(
        0.15, description="Yearly growth of external funding (assumption)."
    )
    revenue_reinvested: Q("", ge=0, le=1) = Field(
        0.3,
        description="Share of LLM providers' ARR reinvested in capex beyond the builders' "
        "cash flow (assumption; much of it is already in the hyperscalers' cash flow).",
    )


class Correlation(Section):
    """A rank correlation between two uncertain fields (Iman-Conover)."""

    a: str = Field(description="Dotted path of the first uncertain field.")
    b: str = Field(description="Dotted path of the second uncertain field.")
    rho: float = Field(gt=-1, lt=1, description="Target rank correlation.")


class UncertaintySection(Section):
    """How distributions are sampled."""

    sampler: Literal["lhs", "sobol", "random"] = Field(
        "lhs", description="Sampling design for uncertain parameters."
    )
    correlations: list[Correlation] = Field(
        default_factory=list, description="Rank correlations between uncertain fields."
    )
