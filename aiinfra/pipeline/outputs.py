"""Declared results of the pipeline stages (frozen; arrays lead with ``draw``).

Fields named like a registry variable (``aiinfra variables``) are outputs, with
the unit and dims the registry gives; the fields each class lists in
``INTERNAL`` pass between stages only. :meth:`StageOut.outputs` returns the
registry-named arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np

__all__ = [
    "ComputeOut",
    "DemandOut",
    "EconomicsOut",
    "FabOut",
    "FleetOut",
    "NetworkOut",
    "PowerOut",
    "StageOut",
    "SupplySide",
]


class StageOut:
    """Base of every stage result: ``outputs()`` gives the registry-named arrays."""

    INTERNAL: ClassVar[tuple[str, ...]] = ()

    def outputs(self) -> dict[str, np.ndarray]:
        """Registry-named output arrays (internal fields and absent ones left out)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)  # type: ignore[arg-type]
            if f.name not in self.INTERNAL and getattr(self, f.name) is not None
        }


@dataclass(frozen=True)
class DemandOut(StageOut):
    """Token and training demand.

    ``demand_users`` [users], ``demand_tokens``, ``demand_input_tokens``,
    ``demand_output_tokens`` [token/yr] (draw, year, workload); ``token_price``
    [USD/Mtok] and ``revenue_usd`` [USD/yr] by workload; ``tokens_total``
    [token/yr], ``arr_usd`` [USD/yr], ``training_flop`` [FLOP/yr],
    ``frontier_run_flop`` [FLOP], ``frontier_runs`` [runs/yr] (and both by lab,
    (draw, year, lab)), ``images_generated``
    [1/yr], ``video_seconds_generated`` [s/yr] and ``media_flop`` [FLOP/yr] (draw, year);
    ``agentic_step`` [1] (draw, year, workload): the agentic adoption multiple of tokens.
    """

    demand_users: np.ndarray
    demand_tokens: np.ndarray
    demand_input_tokens: np.ndarray
    demand_output_tokens: np.ndarray
    token_price: np.ndarray
    revenue_usd: np.ndarray
    tokens_total: np.ndarray
    arr_usd: np.ndarray
    training_flop: np.ndarray
    training_budget_usd: np.ndarray
    training_budget_by_lab: np.ndarray
    training_h100e_years: np.ndarray
    frontier_run_flop: np.ndarray
    frontier_runs: np.ndarray
    frontier_runs_by_lab: np.ndarray
    images_generated: np.ndarray
    video_seconds_generated: np.ndarray
    media_flop: np.ndarray
    agentic_step: np.ndarray


@dataclass(frozen=True)
class ComputeOut(StageOut):
    """XPUs the demand needs.

    Outputs by type, workload and use [units], totals [units, H100e], shipments
    needed [units/yr] and the token rate [token/s]. Internal: ``need_per_type``
    (draw, year, type) [units], devices of each type that would do all of a year's
    work alone; ``rate_per_device`` (draw, year, type) [token/s], production tokens
    per second per device if it only served tokens.
    """

    INTERNAL: ClassVar[tuple[str, ...]] = ("need_per_type", "rate_per_device")

    xpus_needed: np.ndarray
    xpus_needed_by_workload: np.ndarray
    xpus_needed_by_use: np.ndarray
    xpus_needed_media: np.ndarray
    xpus_needed_total: np.ndarray
    h100e_needed: np.ndarray
    shipments_needed: np.ndarray
    shipments_needed_h100e: np.ndarray
    token_rate_needed: np.ndarray
    need_per_type: np.ndarray
    rate_per_device: np.ndarray


@dataclass(frozen=True)
class FleetOut(StageOut):
    """Shipments, deployments and the installed base.

    Without a supply (the demand path) the solver fields are None. Internal:
    ``extra`` (draw, year, layer) [units/yr], capacity the solver ordered in
    earlier shortages; ``deployments`` (draw, year, type) [units/yr].
    """

    INTERNAL: ClassVar[tuple[str, ...]] = ("extra", "deployments")

    shipments: np.ndarray
    shipments_total: np.ndarray
    shipments_by_vendor: np.ndarray
    installed_base: np.ndarray
    installed_total: np.ndarray
    installed_by_vintage: np.ndarray
    installed_h100e: np.ndarray
    retirements: np.ndarray
    fleet_surplus_share: np.ndarray
    fleet_coverage: np.ndarray
    deployments_total: np.ndarray | None = None
    xpus_waiting_power: np.ndarray | None = None
    early_retirements: np.ndarray | None = None
    xpus_supportable: np.ndarray | None = None
    shipments_desired: np.ndarray | None = None
    backlog: np.ndarray | None = None
    binding_layer: np.ndarray | None = None
    capacity_utilisation: np.ndarray | None = None
    extra: np.ndarray | None = None
    deployments: np.ndarray | None = None


@dataclass(frozen=True)
class FabOut(StageOut):
    """Wafers, packaging, memory, equipment and tools behind the shipments.

    Internal: ``supportable`` (draw, year, layer) XPUs each manufacturing layer
    supports [units/yr]; ``lp_req``, ``lp_cap`` per-type requirements and
    capacities for the LP (only when asked for).
    """

    INTERNAL: ClassVar[tuple[str, ...]] = ("supportable", "lp_req", "lp_cap")

    logic_wafers: np.ndarray
    logic_capacity: np.ndarray
    ai_share_logic: np.ndarray
    logic_wafer_cost: np.ndarray
    cowos_wafers: np.ndarray
    cowos_wafers_total: np.ndarray
    cowos_capacity: np.ndarray
    hbm_bits: np.ndarray
    hbm_stacks: np.ndarray
    hbm_wafers: np.ndarray
    hbm_share_dram: np.ndarray
    wfe_usd: np.ndarray
    wfe_total_usd: np.ndarray
    euv_tools_needed: np.ndarray
    euv_tools_needed_ai: np.ndarray
    euv_tools_installed: np.ndarray
    cleanroom_m2: np.ndarray
    supportable: np.ndarray
    lp_req: Any = None
    lp_cap: Any = None


@dataclass(frozen=True)
class NetworkOut(StageOut):
    """Optics, switches and network power.

    Internal: ``w_per_type`` (draw, year, type) [W] network power per new XPU;
    ``supportable`` (draw, year) XPUs the transceiver capacity supports
    [units/yr]; ``lp_modules`` (draw, year, type) [modules] and ``capacity``
    (draw, year) [modules/yr] for the LP.
    """

    INTERNAL: ClassVar[tuple[str, ...]] = ("w_per_type", "supportable", "lp_modules", "capacity")

    transceivers: np.ndarray
    transceivers_800g: np.ndarray
    transceivers_800g_plus: np.ndarray
    transceivers_per_xpu: np.ndarray
    switches: np.ndarray
    network_power_w: np.ndarray
    fabric_tiers: np.ndarray
    w_per_type: np.ndarray
    supportable: np.ndarray
    capacity: np.ndarray
    lp_modules: np.ndarray | None = None


@dataclass(frozen=True)
class PowerOut(StageOut):
    """IT and facility power, energy, the data-centre pipeline and power supply.

    Internal: ``mw_per_unit`` (draw, year, type) [MW] facility MW per installed
    XPU; ``mw_avail`` (draw, year, 2) [MW] energised and powered capacity.
    """

    INTERNAL: ClassVar[tuple[str, ...]] = ("mw_per_unit", "mw_avail")

    it_power_w: np.ndarray
    facility_power_w: np.ndarray
    pue: np.ndarray
    ai_dc_energy_twh: np.ndarray
    dc_energy_twh: np.ndarray
    fleet_load_factor: np.ndarray
    llm_provider_capacity_w: np.ndarray
    llm_provider_facility_mw: np.ndarray
    dc_capacity_mw: np.ndarray
    dc_starts_mw: np.ndarray
    dc_announced_mw: np.ndarray
    it_power_by_owner_w: np.ndarray
    dc_under_construction_mw: np.ndarray
    power_supply_mw: np.ndarray
    power_shortfall_mw: np.ndarray
    power_deficit_mw: np.ndarray
    onsite_fuel_mmbtu: np.ndarray
    co2_t: np.ndarray
    mw_per_unit: np.ndarray
    mw_avail: np.ndarray


@dataclass(frozen=True)
class EconomicsOut(StageOut):
    """Capex by item and segment [USD/yr], revenue pools and firms [USD/yr], cost per
    million tokens by type [USD/Mtok]."""

    capex_usd: np.ndarray
    capex_segment_usd: np.ndarray
    capex_total_usd: np.ndarray
    capex_cumulative_usd: np.ndarray
    capex_revenue_gap_usd: np.ndarray
    financing_limit_usd: np.ndarray
    inventory_carrying_usd: np.ndarray
    revenue_pool_usd: np.ndarray
    firm_revenue_usd: np.ndarray
    cost_per_mtok: np.ndarray


@dataclass(frozen=True)
class SupplySide:
    """One pass of the supply-side stages: fleet, fab, network and power."""

    fleet: FleetOut
    fab: FabOut
    network: NetworkOut
    power: PowerOut

    def outputs(self) -> dict[str, np.ndarray]:
        """Registry-named outputs of the four stages."""
        return {
            **self.fleet.outputs(),
            **self.fab.outputs(),
            **self.network.outputs(),
            **self.power.outputs(),
        }
