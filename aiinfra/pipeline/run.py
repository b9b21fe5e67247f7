"""The pipeline: demand → compute → (fleet → fab → network → power) twice → economics.

The supply-side stages run twice, as two explicit calls of :func:`supply_side`:
first on the demand path (what the need alone would ship; developers plan data
centres and power for it, and it sets every layer's capacity), then in the
bottleneck solver, which ships only what every layer can support.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from aiinfra.errors import AiinfraError
from aiinfra.layers import economics, fleet
from aiinfra.lp import LPInternals
from aiinfra.pipeline.outputs import ComputeOut, DemandOut, EconomicsOut, SupplySide
from aiinfra.pipeline.stages import (
    compute_stage,
    demand_stage,
    economics_stage,
    fab_stage,
    finance_room,
    financeable_units,
    financed_plan_mw,
    financed_share,
    fleet_stage,
    network_stage,
    power_stage,
    side_capex,
    supply_for_solver,
)
from aiinfra.pipeline.static import Static
from aiinfra.scenario.params import ScenarioParams
from aiinfra.variables import DEMAND_PATH

__all__ = [
    "NonFiniteOutputError",
    "PipelineResult",
    "first_nonfinite",
    "run_pipeline",
    "supply_side",
]


class NonFiniteOutputError(AiinfraError):
    """A run produced NaN or infinite outputs (inputs beyond what the model represents)."""


def first_nonfinite(
    arrays: Mapping[str, np.ndarray], years: np.ndarray
) -> tuple[str, int, int] | None:
    """``(variable, year, draw)`` of the first NaN/inf in ``arrays`` (draw, year, ...), in
    pipeline order, or None. A finite sum clears an array without a full scan."""
    for name, a in arrays.items():
        if np.isfinite(a.sum()):
            continue
        bad = ~np.isfinite(a)
        if bad.any():
            draw, year = np.argwhere(bad)[0][:2]
            return name, int(years[year]), int(draw)
    return None


@dataclass(frozen=True)
class PipelineResult:
    """Everything one call of :func:`run_pipeline` produces (all simulated years).

    ``plan`` is the demand path, ``solved`` the bottleneck pass; ``lp`` holds the
    per-type LP tables when they were asked for.
    """

    demand: DemandOut
    compute: ComputeOut
    plan: SupplySide
    solved: SupplySide
    economics: EconomicsOut
    lp: LPInternals | None

    def outputs(self, skip: int = 0) -> dict[str, np.ndarray]:
        """Registry-named outputs, from simulated year index ``skip`` on."""
        out = {**self.demand.outputs(), **self.compute.outputs()}
        plan = self.plan.outputs()
        for key in DEMAND_PATH:
            out[f"{key}_demand"] = plan[key]
        out.update(self.solved.outputs())
        out.update(self.economics.outputs())
        served = np.minimum(self.solved.fleet.fleet_coverage, 1.0)
        out["tokens_served"] = self.demand.tokens_total * served
        out["tokens_served_share"] = served
        return {k: v[:, skip:] for k, v in out.items()}


def supply_side(
    static: Static,
    p: ScenarioParams,
    c: ComputeOut,
    *,
    supply: fleet.Supply | None = None,
    plan_mw: np.ndarray | None = None,
    lp: bool = False,
) -> SupplySide:
    """Fleet, fab, network and power for the need of ``c``; with ``supply``, the
    bottleneck solver; ``plan_mw`` (draw, year) [MW] the data centres planned."""
    f = fleet_stage(static, p, c.need_per_type, supply)
    fab = fab_stage(static, p, f.shipments, lp=lp)
    net = network_stage(static, p, f.shipments, f.installed_by_vintage, lp=lp)
    pw = power_stage(static, p, f.installed_base, net, c.xpus_needed_by_use, plan_mw)
    return SupplySide(fleet=f, fab=fab, network=net, power=pw)


def run_pipeline(static: Static, p: ScenarioParams, *, lp: bool = False) -> PipelineResult:
    """Run every stage for the sampled parameters ``p`` (arrays (draw,)).

    ``lp=True`` also returns the per-type tables the LP of one year needs.
    """
    d = demand_stage(static, p)
    c = compute_stage(static, p, d)
    plan = supply_side(static, p, c)
    plan_capex = side_capex(static, p, plan)
    limit = economics.financing_limit_usd(static.sim_years, d.arr_usd, p.economics)
    # halls (and their power) that the money cannot fill with chips are not started
    share = financed_share(plan_capex, limit)
    plan_mw = financed_plan_mw(plan.power.facility_power_w / 1e6, share, static.last_history)
    if np.all(share >= 1.0):  # the money covers the plan: nothing to cut
        financed, fin_capex = plan, plan_capex
    else:
        financed = replace(
            plan,
            power=power_stage(
                static, p, plan.fleet.installed_base, plan.network, c.xpus_needed_by_use, plan_mw
            ),
        )
        fin_capex = side_capex(static, p, financed)
    finance = financeable_units(financed, fin_capex, limit)
    supply = supply_for_solver(static, p, financed, finance)
    solved = supply_side(static, p, c, supply=supply, plan_mw=plan_mw, lp=lp)
    econ = economics_stage(static, p, solved, d.arr_usd, c.rate_per_device)
    internals = None
    if lp:
        internals = LPInternals(
            fab_req=solved.fab.lp_req,
            fab_cap=solved.fab.lp_cap,
            net_modules=solved.network.lp_modules,
            net_capacity=solved.network.capacity,
            mw_avail=supply.mw,
            mw_per_unit=supply.mw_per_unit,
            rate=c.rate_per_device,
            extra=solved.fleet.extra,
            deployments=solved.fleet.deployments,
            mix=static.mix,
            finance=finance_room(financed, fin_capex, limit),
            asp_usd=static.tables["asp_usd"],
        )
    return PipelineResult(d, c, plan, solved, econ, internals)
