"""Scenario schema: one pydantic model per layer, strict, with units.

A scenario is YAML (loaded with ``yaml.safe_load`` only) or a mapping. Every
numeric field is a :func:`~aiinfra.quantity.Q` quantity: a number in the
field's canonical unit, a string with units, or a distribution. Unknown keys,
wrong types, out-of-range values and wrong dimensions are rejected with a
:class:`ScenarioError` that lists one line per problem, each naming the field.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Hashable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator

from aiinfra.errors import AiinfraError, ScenarioError
from aiinfra.quantity import Q, point

__all__ = [
    "DemandSection",
    "HorizonSection",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_override",
    "shipped_scenarios",
]

MAX_SCENARIO_BYTES = 1_000_000
MAX_YEARS = 100
MAX_YAML_DEPTH = 32
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,63}")


YearShares = dict[Annotated[int, Strict(False)], dict[str, float]]


class Section(BaseModel):
    """Base for every scenario section: strict, frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True)


# --------------------------------------------------------------------------- horizon
class HorizonSection(Section):
    """Years simulated (calendar years, inclusive)."""

    start: int = Field(
        2023,
        ge=2023,
        le=2100,
        description="First reported year (the chain always simulates from 2023, where the "
        "history data start).",
    )
    end: int = Field(2035, ge=2000, le=2100, description="Last simulated year (inclusive).")

    @model_validator(mode="after")
    def _order(self) -> HorizonSection:
        if self.end <= self.start:
            msg = f"end ({self.end}) must be after start ({self.start})"
            raise ValueError(msg)
        if self.end - self.start + 1 > MAX_YEARS:
            msg = f"at most {MAX_YEARS} years may be simulated, got {self.end - self.start + 1}"
            raise ValueError(msg)
        return self

    @property
    def years(self) -> list[int]:
        """Simulated years."""
        return list(range(self.start, self.end + 1))


# --------------------------------------------------------------------------- demand
class WorkloadSection(Section):
    """One demand workload: users x intensity, with its effective price.

    Users follow a logistic curve from ``users_2023`` towards ``users_cap``;
    tokens per user per day grow at ``intensity_growth`` per year, a rate that
    halves every ``intensity_growth_halflife`` years (a smoothly capped
    exponential). Effective revenue per million tokens falls by
    ``price_decline`` per year, a rate that halves every
    ``price_decline_halflife`` years (prices approach a cost floor).
    """

    users_2023: Q("user") = Field(description="Active users (or seats/agent instances) in 2023.")
    users_cap: Q("user", gt=0) = Field(description="Saturation level of the logistic user curve.")
    users_growth: Q("1/year", gt=0) = Field(description="Logistic growth rate of users.")
    tokens_per_user_day_2023: Q("token/day") = Field(
        description="Tokens processed per user per day in 2023 (input + output)."
    )
    intensity_growth: Q("", ge=-0.9) = Field(
        description="Growth of tokens per user per day in 2023 (0.5 = +50 %/yr)."
    )
    intensity_growth_halflife: Q("year", gt=0) = Field(
        8.0, description="Years for the intensity growth rate to halve."
    )
    input_share: Q("", le=1) = Field(description="Share of tokens that are input (prefill).")
    price_2023: Q("USD/Mtok") = Field(
        description="Effective revenue per million tokens in 2023 (API price or subscription "
        "revenue divided by tokens)."
    )
    price_decline: Q("", lt=1) = Field(description="Fractional fall of the price in 2023.")
    price_decline_halflife: Q("year", gt=0) = Field(
        6.0, description="Years for the (log) rate of price decline to halve."
    )

    @model_validator(mode="after")
    def _cap_above_start(self) -> WorkloadSection:
        if point(self.users_cap) < point(self.users_2023):
            msg = (
                f"users_cap ({point(self.users_cap):g}) must be >= users_2023 "
                f"({point(self.users_2023):g})"
            )
            raise ValueError(msg)
        return self


class RevenueRouteSection(Section):
    """Inputs of the ``revenue`` demand sub-model: ARR path and blended price."""

    revenue_2023: Q("USD/year", gt=0) = Field(
        2.0e9, description="Revenue of leading LLM providers in calendar 2023."
    )
    revenue_growth_2023: Q("", ge=-0.9) = Field(
        2.0, description="Revenue growth in 2023 (2.0 = x3 per year)."
    )
    revenue_growth_halflife: Q("year", gt=0) = Field(
        2.5, description="Years for the revenue growth rate (in log terms) to halve."
    )
    price_2023: Q("USD/Mtok", gt=0) = Field(
        6.0, description="Blended revenue per million tokens in 2023."
    )
    price_decline: Q("", lt=1) = Field(0.3, description="Fractional fall of price in 2023.")
    price_decline_halflife: Q("year", gt=0) = Field(
        6.0, description="Years for the (log) rate of price decline to halve."
    )


class TrainingSection(Section):
    """Training compute demand: frontier runs plus the rest of training."""

    frontier_run_flop_2023: Q("FLOP", gt=0) = Field(
        2.1e25, description="Compute of one frontier training run in 2023 (GPT-4 class)."
    )
    frontier_growth_2023: Q("", ge=-0.9) = Field(
        3.0, description="Growth of frontier-run compute in 2023 (3.0 = x4 per year)."
    )
    frontier_growth_halflife: Q("year", gt=0) = Field(
        6.0, description="Years for the frontier growth rate (in log terms) to halve."
    )
    frontier_runs_2023: Q("") = Field(4.0, description="Frontier-scale runs completed in 2023.")
    frontier_runs_growth: Q("", ge=-0.9) = Field(
        0.15, description="Growth of the number of frontier runs per year."
    )
    other_training_multiple: Q("") = Field(
        3.0,
        description="Compute of all other training and experiments as a multiple of "
        "frontier-run compute.",
    )


class DemandSection(Section):
    """Token and training demand."""

    model: Literal["tokens", "revenue"] = Field(
        "tokens",
        description="Sub-model: 'tokens' (users x intensity) or 'revenue' (ARR / price).",
    )
    chat: WorkloadSection
    enterprise_api: WorkloadSection
    coding: WorkloadSection
    agents: WorkloadSection
    reasoning: WorkloadSection
    revenue: RevenueRouteSection = RevenueRouteSection()
    training: TrainingSection = TrainingSection()

    WORKLOADS: ClassVar[tuple[str, ...]] = (
        "chat",
        "enterprise_api",
        "coding",
        "agents",
        "reasoning",
    )


# --------------------------------------------------------------------------- compute
class WorkloadShape(Section):
    """Request shape of a workload: prompt (incl. context) and output tokens."""

    input_tokens: Q("token", gt=0) = Field(description="Prompt tokens per request incl. context.")
    output_tokens: Q("token", gt=0) = Field(description="Output tokens per request.")


class ShapesSection(Section):
    """Request shapes by workload (drive KV-cache size and prefill cost)."""

    chat: WorkloadShape = WorkloadShape(input_tokens=3000, output_tokens=500)
    enterprise_api: WorkloadShape = WorkloadShape(input_tokens=6000, output_tokens=400)
    coding: WorkloadShape = WorkloadShape(input_tokens=30000, output_tokens=1000)
    agents: WorkloadShape = WorkloadShape(input_tokens=20000, output_tokens=800)
    reasoning: WorkloadShape = WorkloadShape(input_tokens=5000, output_tokens=6000)


# Deployment mix of new shipments by type after the history years (2023-2025 come from
# data/shipments_history.csv). Assumption: NVIDIA roadmap (GB300 2025-26, Rubin 2026-27),
# Google TPU v7, AWS Trainium3, other custom ASICs (Meta, Microsoft, OpenAI-Broadcom).
DEFAULT_MIX: dict[int, dict[str, float]] = {
    2026: {
        "GB300": 0.3,
        "B200": 0.06,
        "Rubin": 0.06,
        "MI355X": 0.05,
        "TPU-v7": 0.2,
        "Trainium3": 0.1,
        "Trainium2": 0.05,
        "custom-ASIC": 0.18,
    },
    2027: {
        "Rubin": 0.38,
        "GB300": 0.1,
        "MI355X": 0.06,
        "TPU-v7": 0.2,
        "Trainium3": 0.12,
        "custom-ASIC": 0.14,
    },
    2030: {"Rubin": 0.5, "MI355X": 0.06, "TPU-v7": 0.18, "Trainium3": 0.1, "custom-ASIC": 0.16},
}


class ComputeSection(Section):
    """Compute layer: roofline serving rates -> XPUs needed.

    ``mfu``/``mbu`` are the benchmark efficiencies of the roofline (constants
    fitted to MLPerf, see ``aiinfra/data/validation.csv``); the uncertain gap
    to production serving is ``production_efficiency``.
    """

    model: Literal["roofline", "fixed_throughput"] = Field(
        "roofline",
        description="'roofline' (per accelerator x workload) or 'fixed_throughput' "
        "(one tokens/s per H100-equivalent).",
    )
    serving_model: str = Field("frontier-moe", description="Catalog model serving the tokens.")
    precision: Literal["bf16", "fp8", "fp4"] = Field("fp8", description="Serving precision.")
    tpot_slo_s: float = Field(
        0.05, gt=0, le=10, description="Time-per-output-token limit of interactive serving [s]."
    )
    mfu: float = Field(0.504, gt=0, le=1, description="Roofline compute efficiency (fitted).")
    mbu: float = Field(0.600, gt=0, le=1, description="Roofline HBM efficiency (fitted).")
    production_efficiency: Q("", gt=0, le=1) = Field(
        0.5, description="Production serving rate as a share of the benchmark roofline."
    )
    utilisation: Q("", gt=0, le=1) = Field(
        0.5, description="Average load of serving capacity (diurnal peaks, redundancy)."
    )
    prefix_cache_hit: Q("", le=0.99) = Field(
        0.5, description="Share of prompt tokens served from a prefix (KV) cache."
    )
    efficiency_gain: Q("", ge=-0.5) = Field(
        0.3, description="Yearly gain in tokens per device-second from software and algorithms."
    )
    efficiency_gain_halflife: Q("year", gt=0) = Field(
        6.0, description="Years for the (log) efficiency gain rate to halve."
    )
    fixed_tokens_per_s: Q("token/s", gt=0) = Field(
        500.0, description="fixed_throughput model: output-equivalent tokens/s per H100e."
    )
    training_mfu: Q("", gt=0, le=1) = Field(0.387, description="Training MFU (fitted).")
    training_precision: Literal["bf16", "fp8"] = Field("bf16", description="Training precision.")
    training_goodput: Q("", gt=0, le=1) = Field(
        0.8, description="Share of training cluster time doing useful steps."
    )
    other_ai_share_2023: Q("", lt=1) = Field(
        0.5, description="Share of the AI accelerator fleet used for non-LLM AI in 2023."
    )
    other_ai_share_decline: Q("", lt=1) = Field(
        0.15, description="Fractional fall per year of the non-LLM share."
    )
    mix: YearShares = Field(
        default_factory=lambda: {y: dict(m) for y, m in DEFAULT_MIX.items()},
        description="Deployment mix of new shipments by accelerator, by year (interpolated; "
        "history years use data/shipments_history.csv).",
    )
    shapes: ShapesSection = ShapesSection()

    @model_validator(mode="after")
    def _check(self) -> ComputeSection:
        from aiinfra.catalogs import accelerators, get_architecture

        try:
            get_architecture(self.serving_model)
        except AiinfraError as exc:
            raise ValueError(str(exc)) from None
        known = accelerators()
        if not self.mix:
            msg = "mix needs at least one year"
            raise ValueError(msg)
        for year, shares in self.mix.items():
            if not 2000 <= year <= 2100:
                msg = f"mix year {year} is outside 2000-2100"
                raise ValueError(msg)
            for name, share in shares.items():
                if name not in known:
                    msg = f"mix {year}: unknown accelerator {name!r}; known: {', '.join(known)}"
                    raise ValueError(msg)
                if not (share >= 0 and share < float("inf")):
                    msg = f"mix {year}: share of {name} must be >= 0, got {share}"
                    raise ValueError(msg)
            if sum(shares.values()) <= 0:
                msg = f"mix {year}: shares must not all be zero"
                raise ValueError(msg)
        return self


class FleetSection(Section):
    """Fleet layer: service life and how fast the history-built fleet gap closes."""

    lifetime_years: Q("year", gt=0) = Field(
        5.0, description="Mean service life of an accelerator (Weibull, shape 3)."
    )
    capacity_response: Q("", le=2) = Field(
        0.5, description="Share of a layer's shortage ordered as extra capacity (solver)."
    )
    backlog_cancel: Q("", le=1) = Field(
        0.3, description="Share of unmet XPU demand cancelled each year (solver)."
    )
    gap_halflife: Q("year", gt=0) = Field(
        3.0,
        description="Half-life of the fleet gap (installed / physics need at the last "
        "history year) after history ends.",
    )
    max_waiting_years: Q("year", ge=0, le=5) = Field(
        0.5,
        description="Largest stock of shipped XPUs buyers hold waiting for data-centre "
        "space or power, in years of what can be energised (assumption: late 2025 reports "
        "of accelerators in inventory that could not be plugged in, e.g. Microsoft's CEO "
        "in Nov 2025; solver).",
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
    logic_capacity_growth: Q("", ge=-0.5) = Field(
        0.08, description="Yearly growth of leading-edge capacity after the data years."
    )
    cowos_capacity_scale: Q("", ge=0) = Field(
        1.0, description="Multiplier on the CoWoS capacity path (packaging scenarios)."
    )
    cowos_capacity_growth: Q("", ge=-0.5) = Field(
        0.25, description="Yearly growth of CoWoS capacity after the data years."
    )
    cowos_yield: Q("", gt=0, le=1) = Field(0.95, description="Interposer/assembly yield.")
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
    hbm_share_growth: Q("", ge=0) = Field(0.4, description="Yearly growth of that share.")
    hbm_share_max: Q("", gt=0, le=1) = Field(0.35, description="Ceiling of the HBM share.")
    dram_capacity_growth: Q("", ge=-0.5) = Field(
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
    non_ai_wfe_growth: Q("", ge=-0.5) = Field(
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
DEFAULT_SWITCHES: dict[int, dict[str, float]] = {
    2023: {"25.6T": 0.7, "51.2T": 0.3},
    2025: {"25.6T": 0.15, "51.2T": 0.85},
    2026: {"51.2T": 0.85, "102.4T": 0.15},
    2027: {"51.2T": 0.6, "102.4T": 0.4},
    2028: {"51.2T": 0.3, "102.4T": 0.7},
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
    transceiver_capacity_growth: Q("", ge=-0.5) = Field(
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
        0.65, description="Average facility load relative to nameplate (energy)."
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
    pipeline_scale: Q("", ge=0) = Field(
        1.0, description="Multiplier on the capacity under construction at the end of 2025."
    )
    dc_start_capacity_2026: Q("MW/year", gt=0) = Field(
        2.5e4, description="Largest AI data-centre capacity that can start in 2026, world."
    )
    dc_start_capacity_growth: Q("", ge=-0.5) = Field(
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
    grid_capacity_growth: Q("", ge=-0.5) = Field(
        0.1, description="Yearly growth of grid connection capacity for data centres."
    )
    onsite_deliveries_scale: Q("", ge=0) = Field(
        1.0, description="Multiplier on on-site generation deliveries (data/power_tech.csv)."
    )
    non_ai_dc_twh_2024: Q("TWh/year", ge=0) = Field(
        300.0,
        description="Electricity of non-AI data centres in 2024 (IEA: all data centres ~415 TWh).",
    )
    non_ai_dc_growth: Q("", ge=-0.5) = Field(
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
    hbm_usd_per_gb: Q("USD/GB") = Field(12.0, description="HBM price per GB (revenue pool).")
    cowos_usd_per_wafer: Q("USD/wafer") = Field(
        12000.0, description="CoWoS price per interposer wafer (revenue pool)."
    )
    euv_tool_usd: Q("USD/device") = Field(2.0e8, description="Low-NA EUV scanner price.")
    high_na_tool_usd: Q("USD/device") = Field(3.8e8, description="High-NA EUV scanner price.")
    electricity_usd_per_kwh: Q("USD/kWh") = Field(0.07, description="Electricity price per kWh.")
    opex_share: Q("", le=1) = Field(
        0.05, description="Yearly operating cost as a share of capex per XPU."
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


# --------------------------------------------------------------------------- scenario
class Scenario(Section):
    """A complete aiinfra scenario."""

    @model_validator(mode="after")
    def _check_correlations(self) -> Scenario:
        if not self.uncertainty.correlations:
            return self
        from aiinfra.uncertainty import uncertain_fields

        known = {".".join(p) for p, _, _ in uncertain_fields(self)}
        for c in self.uncertainty.correlations:
            for end in (c.a, c.b):
                if end not in known:
                    msg = (
                        f"correlation field {end!r} is not a distribution in this scenario; "
                        f"uncertain fields: {', '.join(sorted(known)) or 'none'}"
                    )
                    raise ValueError(msg)
            if c.a == c.b:
                msg = f"correlation needs two different fields, got {c.a!r} twice"
                raise ValueError(msg)
        import numpy as np

        index = {p: i for i, p in enumerate(sorted(known))}
        corr = np.eye(len(index))
        for c in self.uncertainty.correlations:
            corr[index[c.a], index[c.b]] = corr[index[c.b], index[c.a]] = c.rho
        if np.linalg.eigvalsh(corr).min() <= 0:
            msg = "correlations are not consistent (matrix not positive definite)"
            raise ValueError(msg)
        return self

    name: str = Field("unnamed", max_length=200, description="Short scenario name.")
    description: str = Field("", max_length=5000, description="Narrative and sources.")
    horizon: HorizonSection = HorizonSection()
    demand: DemandSection
    compute: ComputeSection = ComputeSection()
    fleet: FleetSection = FleetSection()
    fab: FabSection = FabSection()
    network: NetworkSection = NetworkSection()
    power: PowerSection = PowerSection()
    economics: EconomicsSection = EconomicsSection()
    uncertainty: UncertaintySection = UncertaintySection()

    @property
    def years(self) -> list[int]:
        """Simulated years."""
        return self.horizon.years


_TOP_KEYS = frozenset({*Scenario.model_fields, "extends"})


# --------------------------------------------------------------------------- loading
def shipped_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios that ship with aiinfra."""
    root = resources.files("aiinfra") / "scenarios"
    return {Path(str(p)).stem: Path(str(p)) for p in root.iterdir() if str(p).endswith(".yaml")}


def _read_yaml(path: Path) -> Any:
    """Read a scenario file: regular files only, bounded size, UTF-8, safe YAML."""
    try:
        st = path.stat()
    except FileNotFoundError:
        msg = f"scenario file not found: {path}"
        raise ScenarioError([("file", msg)]) from None
    except OSError as exc:
        msg = f"cannot read scenario file {path}: {exc.strerror or type(exc).__name__}"
        raise ScenarioError([("file", msg)]) from None
    if stat.S_ISDIR(st.st_mode):
        msg = f"scenario path is a directory, not a YAML file: {path}"
        raise ScenarioError([("file", msg)])
    if not stat.S_ISREG(st.st_mode):
        msg = f"scenario path is not a regular file (a device, FIFO or socket): {path}"
        raise ScenarioError([("file", msg)])
    if st.st_size > MAX_SCENARIO_BYTES:
        msg = f"scenario file is {st.st_size} bytes; the limit is {MAX_SCENARIO_BYTES}"
        raise ScenarioError([("file", msg)])
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check cannot hang the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                msg = f"scenario path is not a regular file: {path}"
                raise ScenarioError([("file", msg)])
            raw = fh.read(MAX_SCENARIO_BYTES + 1)
    except OSError as exc:
        msg = f"cannot read scenario file {path}: {exc.strerror or type(exc).__name__}"
        raise ScenarioError([("file", msg)]) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        msg = f"scenario file is over {MAX_SCENARIO_BYTES} bytes"
        raise ScenarioError([("file", msg)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"scenario file is not UTF-8 text (byte {exc.start}): {path}"
        raise ScenarioError([("file", msg)]) from None
    return parse_yaml(text, str(path))


class _BoundedLoader(yaml.SafeLoader):
    """Safe loader that refuses alias expansion (no 'billion laughs') and duplicate keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            msg = "YAML aliases (*name) are not allowed in scenarios"
            raise yaml.constructor.ConstructorError(None, None, msg, event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                shown = key if _safe_key(key) else "(not shown)"
                msg = f"duplicate key {shown!s}"
                raise yaml.constructor.ConstructorError(None, None, msg, key_node.start_mark)
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _safe_key(key: Any) -> bool:
    """Whether a key may be echoed in an error: a short identifier or a year."""
    if isinstance(key, int) and not isinstance(key, bool):
        return True
    return isinstance(key, str) and _KEY_RE.fullmatch(key) is not None


def parse_yaml(text: str, where: str = "<string>") -> Any:
    """Parse scenario YAML safely (no tags, no aliases, bounded nesting)."""
    if "\x00" in text:
        msg = f"{where}: file contains NUL bytes; is it a binary file?"
        raise ScenarioError([("file", msg)])
    try:
        data = yaml.load(text, Loader=_BoundedLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        loc = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        msg = f"{where}: malformed YAML{loc}: {problem}"
        raise ScenarioError([("file", msg)]) from None
    except RecursionError:
        msg = f"{where}: YAML nested too deeply"
        raise ScenarioError([("file", msg)]) from None
    if _depth(data) > MAX_YAML_DEPTH:
        msg = f"{where}: YAML nested deeper than {MAX_YAML_DEPTH} levels"
        raise ScenarioError([("file", msg)])
    return data


def _depth(obj: Any, level: int = 0) -> int:
    if level > MAX_YAML_DEPTH:
        return level
    if isinstance(obj, Mapping):
        return max((_depth(v, level + 1) for v in obj.values()), default=level + 1)
    if isinstance(obj, list):
        return max((_depth(v, level + 1) for v in obj), default=level + 1)
    return level


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into a key path and a parsed value.

    The value is a number if it parses as one (``1e8`` included), otherwise
    YAML (so ``{dist: lognormal, median: 1, p90: 2}`` and ``"1.2 kW"`` work).
    """
    if "=" not in text:
        msg = f"override {text!r} must look like section.field=value"
        raise ScenarioError([("--set", msg)])
    key, _, value = text.partition("=")
    path = [p.strip() for p in key.strip().split(".")]
    if not all(path):
        msg = f"override key {key!r} is not a dotted field path such as demand.chat.users_2023"
        raise ScenarioError([("--set", msg)])
    value = value.strip()
    try:
        parsed: Any = float(value)
        if (
            math.isfinite(parsed)
            and parsed == int(parsed)
            and "." not in value
            and "e" not in value
        ):
            parsed = int(parsed)
    except (ValueError, OverflowError):
        parsed = parse_yaml(value, f"--set {key}")
    return path, parsed


def _apply_override(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    node: Any = data
    for i, part in enumerate(path[:-1]):
        nxt = node.get(part) if isinstance(node, dict) else None
        if nxt is None:
            nxt = {}
            node[part] = nxt
        elif not isinstance(nxt, dict):
            where = ".".join(path[: i + 1])
            msg = f"{where} is a value, not a section, so {'.'.join(path)} cannot be set"
            raise ScenarioError([("--set", msg)])
        node = nxt
    node[path[-1]] = value


def _format_loc(loc: Sequence[Any]) -> str:
    """Dotted field path; parts that are not plain identifiers are not echoed."""
    return ".".join(str(p) if _safe_key(p) else "?" for p in loc) or "scenario"


def _errors_from_validation(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for err in exc.errors(include_url=False):
        loc = _format_loc(err["loc"])
        kind = err["type"]
        given = err.get("input")
        if kind == "extra_forbidden":
            msg = "unknown key (check the spelling; `aiinfra schema` lists allowed keys)"
        elif kind == "missing":
            msg = "required field is missing"
        else:
            text = err["msg"].removeprefix("Value error, ")
            shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
            if len(shown) > 60:
                shown = shown[:57] + "..."
            msg = f"{text} (given: {shown})"
        out.append((loc, msg))
    return out


def _source_data(source: str | Path | Mapping[str, Any] | Scenario) -> tuple[Any, Path | None]:
    if isinstance(source, Scenario):
        return source.model_dump(mode="python"), None
    if isinstance(source, Mapping):
        return dict(source), None
    shipped = shipped_scenarios()
    text = str(source)
    path = shipped[text] if text in shipped else Path(text)
    if not path.suffix and text not in shipped and not path.exists():
        names = ", ".join(sorted(shipped))
        msg = f"no scenario file {text!r} and no shipped scenario of that name ({names})"
        raise ScenarioError([("file", msg)])
    return _read_yaml(path), path


def _merge(base: Any, top: Any) -> Any:
    """Deep merge: mappings merge key by key, anything else in ``top`` replaces."""
    if isinstance(base, Mapping) and isinstance(top, Mapping):
        out = dict(base)
        for k, v in top.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return top


def _resolve_extends(parent: str, path: Path | None) -> str | Path:
    """Where ``extends: parent`` points: a shipped name, or a file beside ``path``.

    A scenario given as a mapping (a dashboard upload, a paste) may extend shipped
    scenarios only. A file may also extend a YAML file in its own directory or below
    it: no absolute paths, no ``..``, no symlink that leads out of that directory.
    """
    shipped = shipped_scenarios()
    if parent in shipped:
        return parent
    names = ", ".join(sorted(shipped))
    if path is None:
        msg = f"extends {parent!r}: only shipped scenarios may be extended here ({names})"
        raise ScenarioError([("extends", msg)])
    rel = Path(parent)
    if rel.is_absolute() or ".." in rel.parts or "\x00" in parent:
        msg = (
            f"extends {parent!r}: must be a shipped scenario ({names}) or a relative path to a "
            "YAML file in the extending file's directory (no absolute paths, no '..')"
        )
        raise ScenarioError([("extends", msg)])
    home = path.parent.resolve()
    target = (home / rel).resolve()
    if not target.is_relative_to(home):
        msg = f"extends {parent!r}: resolves outside the extending file's directory"
        raise ScenarioError([("extends", msg)])
    if target.suffix.lower() not in (".yaml", ".yml"):
        msg = f"extends {parent!r}: not a shipped scenario ({names}) nor a .yaml/.yml file"
        raise ScenarioError([("extends", msg)])
    return target


def raw_scenario(
    source: str | Path | Mapping[str, Any] | Scenario, _seen: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The scenario mapping before validation, with ``extends`` resolved.

    A scenario may start with ``extends: base`` (a shipped name or a path,
    relative to the extending file): its content is deep-merged over that
    scenario's.
    """
    data, path = _source_data(source)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        msg = f"a scenario must be a mapping of sections, got {type(data).__name__}"
        raise ScenarioError([("scenario", msg)])
    if data and not any(k in _TOP_KEYS for k in data):
        where = f"{path.name}: " if path is not None else ""
        msg = (
            f"{where}this does not look like an aiinfra scenario: none of its top-level keys "
            f"is a scenario section ({', '.join(sorted(_TOP_KEYS))})"
        )
        raise ScenarioError([("scenario", msg)])
    data = _deep_copy(data)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent:
        msg = f"extends must name a shipped scenario or a YAML path, got {parent!r}"
        raise ScenarioError([("extends", msg)])
    if parent in _seen or len(_seen) > 8:
        msg = f"extends forms a cycle or is nested too deeply: {' -> '.join((*_seen, parent))}"
        raise ScenarioError([("extends", msg)])
    ref = _resolve_extends(parent, path)
    base = raw_scenario(ref, (*_seen, parent))
    return _merge(base, data)


def load_scenario(
    source: str | Path | Mapping[str, Any] | Scenario = "base",
    overrides: Sequence[str] | Mapping[str, Any] | None = None,
) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source : str, Path, mapping or Scenario
        A YAML path, the name of a shipped scenario (``"base"``), a mapping
        with the scenario's content, or a :class:`Scenario`.
    overrides : sequence of str or mapping, optional
        ``["demand.chat.users_2023=1e8", ...]`` or ``{"demand.model": "revenue"}``.

    Raises
    ------
    ScenarioError
        With one ``(field, message)`` entry per problem.
    """
    data = raw_scenario(source)
    items: list[tuple[list[str], Any]] = []
    if isinstance(overrides, Mapping):
        items = [(str(k).split("."), v) for k, v in overrides.items()]
    elif overrides:
        items = [parse_override(o) for o in overrides]
    for path, value in items:
        _apply_override(data, path, value)
    _reject_non_string_keys(data)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_errors_from_validation(exc)) from None


def _deep_copy(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {k: _deep_copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_deep_copy(v) for v in obj]
    return obj


def _reject_non_string_keys(obj: Any, loc: tuple[str, ...] = ()) -> None:
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            if not isinstance(k, str | int) or isinstance(k, bool):
                where = ".".join(loc) or "scenario"
                msg = f"keys must be text or years, got {k!r} ({type(k).__name__})"
                raise ScenarioError([(where, msg)])
            _reject_non_string_keys(v, (*loc, str(k)))


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files (for editors; ``aiinfra schema``)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aiinfra scenario"
    schema.setdefault("properties", {})["extends"] = {
        "type": "string",
        "description": "Shipped scenario name or YAML path whose content this file overrides.",
    }
    # a file that extends another may omit any field: required fields are left to
    # `aiinfra validate`, the schema checks names, types, enums and ranges
    _strip_required(schema)
    return schema


def _strip_required(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("required", None)
        for v in node.values():
            _strip_required(v)
    elif isinstance(node, list):
        for v in node:
            _strip_required(v)


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mapping -> ``{"a.b.c": value}`` (distributions stay whole)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and "dist" not in v and v and not str(k).isdigit():
            out.update(flatten(v, f"{key}."))
        else:
            out[key] = v
    return out
