"""Typed views of sampled parameters (generated from the scenario schema).

Regenerate with ``python -m aiinfra.reference params``; a test checks the file
matches the schema. :func:`aiinfra.uncertainty.sample_parameters` returns a
namespace tree that satisfies :class:`ScenarioParams`.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

__all__ = [
    "ComputeParams",
    "DemandParams",
    "EconomicsParams",
    "FabParams",
    "FleetParams",
    "HorizonParams",
    "MediaParams",
    "NetworkParams",
    "PowerParams",
    "RevenueRouteParams",
    "ScenarioParams",
    "ShapesParams",
    "TrainingParams",
    "UncertaintyParams",
    "WorkloadParams",
    "WorkloadShapeParams",
]


class HorizonParams(Protocol):
    """Sampled ``HorizonSection``: quantities are arrays (draw,)."""

    start: Any
    end: Any


class WorkloadParams(Protocol):
    """Sampled ``WorkloadSection``: quantities are arrays (draw,)."""

    users_2023: np.ndarray
    users_cap: np.ndarray
    users_growth: np.ndarray
    tokens_per_user_day_2023: np.ndarray
    intensity_growth: np.ndarray
    intensity_growth_halflife: np.ndarray
    agentic_uplift: np.ndarray
    agentic_midpoint: np.ndarray
    agentic_width: np.ndarray
    input_share: np.ndarray
    price_2023: np.ndarray
    price_decline: np.ndarray
    price_decline_halflife: np.ndarray


class MediaParams(Protocol):
    """Sampled ``MediaSection``: quantities are arrays (draw,)."""

    images_per_day_2025: np.ndarray
    image_growth: np.ndarray
    image_growth_halflife: np.ndarray
    video_seconds_per_day_2025: np.ndarray
    video_growth: np.ndarray
    video_growth_halflife: np.ndarray
    flop_per_image: np.ndarray
    flop_per_video_second: np.ndarray
    mfu: np.ndarray
    peak_to_average: np.ndarray


class RevenueRouteParams(Protocol):
    """Sampled ``RevenueRouteSection``: quantities are arrays (draw,)."""

    revenue_2023: np.ndarray
    revenue_growth_2023: np.ndarray
    revenue_growth_halflife: np.ndarray
    price_2023: np.ndarray
    price_decline: np.ndarray
    price_decline_halflife: np.ndarray


class TrainingParams(Protocol):
    """Sampled ``TrainingSection``: quantities are arrays (draw,)."""

    frontier_run_flop_2023: np.ndarray
    frontier_growth_2023: np.ndarray
    frontier_growth_halflife: np.ndarray
    other_training_multiple: np.ndarray
    rd_compute_to_revenue_long: np.ndarray
    lab_funding_growth: np.ndarray
    lab_funding_halflife: np.ndarray
    funding_to_rd_share: np.ndarray
    bigtech_rd_compute_2024: np.ndarray
    bigtech_rd_compute_growth: np.ndarray
    bigtech_rd_compute_halflife: np.ndarray
    compute_price_2024: np.ndarray
    compute_price_decline: np.ndarray


class DemandParams(Protocol):
    """Sampled ``DemandSection``: quantities are arrays (draw,)."""

    model: Any
    chat: WorkloadParams
    enterprise_api: WorkloadParams
    coding: WorkloadParams
    agents: WorkloadParams
    reasoning: WorkloadParams
    search: WorkloadParams
    media: MediaParams
    revenue: RevenueRouteParams
    training: TrainingParams


class WorkloadShapeParams(Protocol):
    """Sampled ``WorkloadShape``: quantities are arrays (draw,)."""

    input_tokens: np.ndarray
    output_tokens: np.ndarray
    models: Any
    models_by_year: Any
    ttft_s: Any
    tpot_s: Any
    peak_to_average: np.ndarray


class ShapesParams(Protocol):
    """Sampled ``ShapesSection``: quantities are arrays (draw,)."""

    chat: WorkloadShapeParams
    enterprise_api: WorkloadShapeParams
    coding: WorkloadShapeParams
    agents: WorkloadShapeParams
    reasoning: WorkloadShapeParams
    search: WorkloadShapeParams


class ComputeParams(Protocol):
    """Sampled ``ComputeSection``: quantities are arrays (draw,)."""

    model: Any
    precision: Any
    latency_percentile: Any
    mfu: Any
    mbu: Any
    production_efficiency: np.ndarray
    headroom: np.ndarray
    prefix_cache_hit: np.ndarray
    efficiency_gain: np.ndarray
    efficiency_gain_halflife: np.ndarray
    fixed_tokens_per_s: np.ndarray
    training_mfu: np.ndarray
    training_precision: Any
    training_goodput: np.ndarray
    other_ai_h100e_2024: np.ndarray
    other_ai_growth: np.ndarray
    other_ai_growth_halflife: np.ndarray
    warm_h100e: np.ndarray
    idle_share: np.ndarray
    mix: Any
    shapes: ShapesParams


class FleetParams(Protocol):
    """Sampled ``FleetSection``: quantities are arrays (draw,)."""

    lifetime_years: np.ndarray
    capacity_response: np.ndarray
    backlog_cancel: np.ndarray
    bring_up_years: np.ndarray
    history_scale: np.ndarray
    order_cut_years: np.ndarray
    training_cluster_lead_years: np.ndarray
    retire_ratio: np.ndarray
    inventory_target_years: np.ndarray


class FabParams(Protocol):
    """Sampled ``FabSection``: quantities are arrays (draw,)."""

    yield_model: Any
    yield_alpha: np.ndarray
    d0_scale: np.ndarray
    edge_exclusion_mm: np.ndarray
    max_ai_share_logic: np.ndarray
    wfe_history_scale: np.ndarray
    logic_capacity_growth: np.ndarray
    cowos_capacity_scale: np.ndarray
    cowos_capacity_growth: np.ndarray
    cowos_yield: np.ndarray
    cowos_wip_years: np.ndarray
    hbm_wip_years: np.ndarray
    fab_lead_years: np.ndarray
    cowos_lead_years: np.ndarray
    hbm_lead_years: np.ndarray
    euv_lead_years: np.ndarray
    hbm_die_yield: np.ndarray
    hbm_stack_yield: np.ndarray
    hbm_share_2023: np.ndarray
    hbm_share_growth: np.ndarray
    hbm_share_max: np.ndarray
    dram_capacity_growth: np.ndarray
    equipment_share: np.ndarray
    dram_capex_per_wpm: np.ndarray
    cowos_capex_per_wpm: np.ndarray
    non_ai_wfe_growth: np.ndarray
    euv_exposures_per_tool_year: np.ndarray
    euv_low_na_per_year: np.ndarray
    high_na_per_year: np.ndarray
    high_na_throughput_factor: np.ndarray


class NetworkParams(Protocol):
    """Sampled ``NetworkSection``: quantities are arrays (draw,)."""

    clusters: Any
    switches: Any
    first_tier_copper: np.ndarray
    frontend_gbps_per_xpu: np.ndarray
    cpo_start_year: Any
    cpo_share_max: np.ndarray
    transceiver_lead_years: np.ndarray
    transceiver_capacity_2025: np.ndarray
    transceiver_capacity_growth: np.ndarray


class PowerParams(Protocol):
    """Sampled ``PowerSection``: quantities are arrays (draw,)."""

    host_overhead: np.ndarray
    load_factor: np.ndarray
    training_load_factor: np.ndarray
    idle_load_factor: np.ndarray
    owners: Any
    pue_llm_providers: np.ndarray
    pue_hyperscalers: np.ndarray
    pue_neoclouds: np.ndarray
    pue_enterprise: np.ndarray
    pue_improvement: np.ndarray
    china_share: np.ndarray
    planning_lead_years: np.ndarray
    construction_lead_years: np.ndarray
    phase_spread: np.ndarray
    dc_history_scale: np.ndarray
    pipeline_scale: np.ndarray
    dc_start_capacity_2026: np.ndarray
    dc_start_capacity_growth: np.ndarray
    dc_reserve: np.ndarray
    grid_lead_years: np.ndarray
    onsite_response_lead_years: np.ndarray
    grid_capacity_2026: np.ndarray
    grid_capacity_growth: np.ndarray
    onsite_deliveries_scale: np.ndarray
    non_ai_dc_twh_2024: np.ndarray
    non_ai_dc_growth: np.ndarray
    grid_co2_kg_per_mwh_2024: np.ndarray
    grid_co2_decline: np.ndarray


class EconomicsParams(Protocol):
    """Sampled ``EconomicsSection``: quantities are arrays (draw,)."""

    host_server_share: np.ndarray
    nic_usd_per_gbps: np.ndarray
    cables_usd_per_xpu: np.ndarray
    dc_capex_usd_per_mw: np.ndarray
    grid_connection_usd_per_kw: np.ndarray
    hbm_usd_per_gb: np.ndarray
    cowos_usd_per_wafer: np.ndarray
    euv_tool_usd: np.ndarray
    high_na_tool_usd: np.ndarray
    electricity_usd_per_kwh: np.ndarray
    opex_share: np.ndarray
    inventory_carrying_rate: np.ndarray
    cash_flow_2025: np.ndarray
    cash_flow_growth: np.ndarray
    capex_cash_share_max: np.ndarray
    external_funding_2025: np.ndarray
    external_funding_growth: np.ndarray
    revenue_reinvested: np.ndarray


class UncertaintyParams(Protocol):
    """Sampled ``UncertaintySection``: quantities are arrays (draw,)."""

    sampler: Any
    correlations: Any


class ScenarioParams(Protocol):
    """Sampled ``Scenario``: quantities are arrays (draw,)."""

    name: Any
    description: Any
    horizon: HorizonParams
    demand: DemandParams
    compute: ComputeParams
    fleet: FleetParams
    fab: FabParams
    network: NetworkParams
    power: PowerParams
    economics: EconomicsParams
    uncertainty: UncertaintyParams
