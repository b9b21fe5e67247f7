"""The variables registry: every output variable with unit, dims and meaning.

The registry is the single glossary of output names. The chain may only emit
registered variables, and :mod:`aiinfra.results` attaches ``units`` and
``long_name`` attributes from here. ``aiinfra variables`` prints it. Demand,
compute and fleet variables are registered here, the supply side in
:mod:`aiinfra.variables_supply`.
"""

from __future__ import annotations

from aiinfra import variables_supply  # registers the supply-side variables
from aiinfra.registry import DY, DYW, VARIABLES, Variable, register

__all__ = ["DEMAND_PATH", "HEADLINE", "VARIABLES", "Variable", "register"]

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
register(
    "agentic_step",
    "1",
    DYW,
    "demand",
    "Agentic adoption step by workload",
    "Multiple of tokens per user-day from agentic use (1 = none; always 1 on the revenue "
    "route, whose ARR path has no step); fleets are built ahead on the growth of the work "
    "without it (buyers did not foresee the step).",
)
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
    "training_budget_by_lab",
    "USD/year",
    ("draw", "year", "lab"),
    "demand",
    "Training and R&D compute budget by lab",
    "Start-ups: a share of revenue plus a share of the capital raised (data/labs.csv, growing "
    "with the economics layer's external funding); big-tech labs: their share of the "
    "group-funded path.",
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
    "Final runs the budgets pay for: each lab's training FLOP / ((1 + R&D multiple) x one "
    "run), summed.",
)
register(
    "frontier_runs_by_lab",
    "1/year",
    ("draw", "year", "lab"),
    "demand",
    "Frontier-scale training runs per year by lab",
)
register("images_generated", "1/year", DY, "demand", "Images generated")
register(
    "video_seconds_generated",
    "s/year",
    DY,
    "demand",
    "Seconds of video generated",
)
register(
    "media_flop",
    "FLOP/year",
    DY,
    "demand",
    "Image and video generation compute",
    "Model FLOP of the images and video generated (demand.media).",
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
    "inference (LLM tokens and image/video generation), training (incl. R&D), other "
    "(non-LLM) AI, ramp-up (units a growing fleet "
    "holds at year end ahead of the work: half a year of growth plus bring-up) and idle "
    "(owned but unused).",
)
register(
    "xpus_needed_media",
    "device",
    DY,
    "compute",
    "Inference XPUs needed for image and video generation",
    "Part of the inference use: diffusion passes at demand.media.mfu of the BF16 peak.",
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

# the supply side registered on import: list it after demand, compute and fleet
for _name in variables_supply.NAMES:
    VARIABLES[_name] = VARIABLES.pop(_name)

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
