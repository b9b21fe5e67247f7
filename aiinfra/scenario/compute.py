"""Scenario section: compute (serving shapes, efficiencies, deployment mix)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from aiinfra.errors import AiinfraError
from aiinfra.quantity import Q
from aiinfra.scenario.base import Section, YearShares


# --------------------------------------------------------------------------- compute
class WorkloadShape(Section):
    """How a workload is served: request shape, models, latency targets, load profile.

    Defaults per workload come from ``aiinfra/data/serving_workloads.csv`` (sources there).
    """

    input_tokens: Q("token", gt=0) = Field(description="Prompt tokens per request incl. context.")
    output_tokens: Q("token", gt=0) = Field(
        description="Output tokens per request, reasoning tokens included."
    )
    models: dict[str, float] = Field(
        default_factory=lambda: {"frontier-moe": 1.0},
        description="Catalog models serving the workload, by share of its tokens.",
    )
    models_by_year: YearShares | None = Field(
        None,
        description="Model mix by year (shares linear in time between the years given, held "
        "outside them); overrides ``models`` when set (defaults: serving_model_mix.csv).",
    )
    ttft_s: float = Field(2.0, gt=0, le=60, description="Time-to-first-token target [s].")
    tpot_s: float = Field(0.05, gt=0, le=10, description="Time-per-output-token target [s].")
    peak_to_average: Q("", ge=1, le=10) = Field(
        1.5, description="Peak over average load (diurnal, weekly); capacity is sized for peak."
    )

    @model_validator(mode="after")
    def _check_models(self) -> WorkloadShape:
        from aiinfra.catalogs import get_architecture

        mixes = [("models", self.models)]
        mixes += [(f"models_by_year.{y}", m) for y, m in (self.models_by_year or {}).items()]
        for where, mix in mixes:
            if not mix or sum(mix.values()) <= 0:
                msg = f"{where} needs at least one catalog model with a positive share"
                raise ValueError(msg)
            for name, share in mix.items():
                try:
                    get_architecture(name)
                except AiinfraError as exc:
                    raise ValueError(str(exc)) from None
                if not 0 <= share < float("inf"):
                    msg = f"{where}: share of {name} must be >= 0, got {share}"
                    raise ValueError(msg)
        return self

    def mixes(self) -> dict[int, dict[str, float]]:
        """Model mix by year ({0: models} when the mix does not change)."""
        return dict(self.models_by_year) if self.models_by_year else {0: dict(self.models)}


# Request shapes (prompt incl. context, output incl. reasoning tokens), assumptions.
_SHAPES = {
    "chat": (3000, 500),
    "enterprise_api": (6000, 400),
    "coding": (30000, 1000),
    "agents": (20000, 800),
    "reasoning": (5000, 6000),
    # AI answers in search: the query plus retrieved passages in, a short answer out
    "search": (3000, 200),
}


def model_mix(text: str) -> dict[str, float]:
    """``"frontier-moe:0.3;deepseek-v3:0.7"`` -> ``{"frontier-moe": 0.3, "deepseek-v3": 0.7}``."""
    return {m.strip(): float(s) for m, s in (part.split(":") for part in text.split(";"))}


def workload_default(name: str) -> WorkloadShape:
    """The default serving of workload ``name`` (data/serving_workloads.csv)."""
    from aiinfra.catalogs import read_csv

    row = next(r for r in read_csv("serving_workloads.csv") if r["workload"] == name)
    models = model_mix(row["models"])
    by_year = {
        int(r["year"]): model_mix(r["models"])
        for r in read_csv("serving_model_mix.csv")
        if r["workload"] == name
    }
    n_in, n_out = _SHAPES[name]
    return WorkloadShape(
        input_tokens=n_in,
        output_tokens=n_out,
        models=models,
        models_by_year=by_year or None,
        ttft_s=float(row["ttft_s"]),
        tpot_s=float(row["tpot_s"]),
        peak_to_average=float(row["peak_to_average"]),
    )


class ShapesSection(Section):
    """Serving of each workload (shape, models, latency targets, load profile)."""

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, data: object) -> object:
        """A workload given in part keeps the defaults of the fields it does not set."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name, given in data.items():
            if name in _SHAPES and isinstance(given, dict):
                full = workload_default(name).model_dump()
                full["models"] = dict(full["models"])
                if "models" in given:  # a mix given for all years replaces the yearly one
                    full["models_by_year"] = None
                full.update(given)
                out[name] = full
        return out

    chat: WorkloadShape = Field(default_factory=lambda: workload_default("chat"))
    enterprise_api: WorkloadShape = Field(
        default_factory=lambda: workload_default("enterprise_api")
    )
    coding: WorkloadShape = Field(default_factory=lambda: workload_default("coding"))
    agents: WorkloadShape = Field(default_factory=lambda: workload_default("agents"))
    reasoning: WorkloadShape = Field(default_factory=lambda: workload_default("reasoning"))
    search: WorkloadShape = Field(default_factory=lambda: workload_default("search"))


# Deployment mix of new shipments by type after the history years (2023-2025 come from
# data/shipments_history.csv). Assumption: NVIDIA roadmap (GB300 2025-26, Rubin from H2
# 2026, Blackwell Ultra still shipping in H1 2027), Hopper sales continuing into 2026,
# Google TPU v6e alongside v7 (Ironwood GA Q4 2025), AWS Trainium2 -> 3, Huawei Ascend
# (~0.7 M in 2025, Bloomberg; 910C -> 950 in 2026 -> 960 in Q4 2027, Huawei Connect 2025),
# other custom ASICs (Meta, Microsoft, OpenAI-Broadcom: ~0.8 M in 2026, twice 2025's 0.4 M,
# since OpenAI's Broadcom parts start deploying only in H2 2026 (OpenAI-Broadcom, Oct 2025)
# and MTIA and Maia ramp modestly; NVIDIA ~48 % of 2026 units, ~6 M packages, as its ~330
# bn USD of 2026 data-center revenue (data/observations.csv) implies at ~50 kUSD each, and
# "20 M Blackwell and Rubin GPUs" (dies, two per package) through 2026, GTC Washington,
# Oct 2025). Each vendor line hands over to
# its next generation over about two years, as a product ramp does: no line's volume
# vanishes in one year. From 2028 each line moves to its next generations (Rubin Ultra,
# Feynman, MI450X, TPU v8 announced; later parts follow the roadmap trend of
# data/accelerators.csv), so the mix does not freeze at Rubin; China's line stays on the
# Ascend 960 class (SMIC nodes: China trails in process technology "for a relatively long
# time", Huawei 2025).
DEFAULT_MIX: dict[int, dict[str, float]] = {
    2026: {
        "GB300": 0.31,
        "B200": 0.09,
        "Rubin": 0.05,
        "H200-SXM": 0.03,
        "MI355X": 0.05,
        "TPU-v6e": 0.08,
        "TPU-v7": 0.14,
        "Trainium2": 0.05,
        "Trainium3": 0.07,
        "Ascend-910C": 0.05,
        "Ascend-950": 0.02,
        "custom-ASIC": 0.06,
    },
    2027: {
        "Rubin": 0.32,
        "GB300": 0.13,
        "MI355X": 0.05,
        "TPU-v6e": 0.03,
        "TPU-v7": 0.18,
        "Trainium2": 0.02,
        "Trainium3": 0.1,
        "Ascend-910C": 0.01,
        "Ascend-950": 0.05,
        "Ascend-960": 0.01,
        "custom-ASIC": 0.1,
    },
    2028: {
        "Rubin": 0.38,
        "Rubin-Ultra": 0.08,
        "GB300": 0.03,
        "MI450X": 0.06,
        "TPU-v7": 0.12,
        "TPU-v8": 0.08,
        "Trainium3": 0.11,
        "Ascend-950": 0.02,
        "Ascend-960": 0.04,
        "custom-ASIC": 0.08,
    },
    2030: {
        "Rubin": 0.1,
        "Rubin-Ultra": 0.1,
        "Feynman": 0.19,
        "NVIDIA-2030": 0.1,
        "AMD-2030": 0.06,
        "TPU-v8": 0.1,
        "TPU-2030": 0.1,
        "Trainium-2030": 0.09,
        "Ascend-960": 0.05,
        "ASIC-2030": 0.11,
    },
    2032: {
        "NVIDIA-2030": 0.34,
        "NVIDIA-2032": 0.2,
        "AMD-2030": 0.06,
        "TPU-2030": 0.12,
        "TPU-2032": 0.08,
        "Trainium-2030": 0.06,
        "Ascend-960": 0.04,
        "ASIC-2030": 0.1,
    },
    2034: {
        "NVIDIA-2032": 0.34,
        "NVIDIA-2034": 0.2,
        "AMD-2030": 0.06,
        "TPU-2032": 0.2,
        "Trainium-2030": 0.06,
        "Ascend-960": 0.04,
        "ASIC-2030": 0.1,
    },
}


class ComputeSection(Section):
    """Compute layer: roofline serving rates under latency targets -> XPUs needed.

    ``mfu``/``mbu`` are the benchmark efficiencies of the roofline (constants
    fitted to MLPerf, see ``aiinfra/data/validation.csv``); the gap between the
    roofline under each workload's latency targets and production fleets is
    ``production_efficiency``, fitted to fleet-level observations
    (``aiinfra/data/serving_observations.csv``, ``python -m aiinfra.serving_fit``).
    """

    model: Literal["roofline", "fixed_throughput"] = Field(
        "roofline",
        description="'roofline' (per accelerator x workload) or 'fixed_throughput' "
        "(one tokens/s per H100-equivalent).",
    )
    precision: Literal["bf16", "fp8", "fp4"] = Field("fp8", description="Serving precision.")
    latency_percentile: float = Field(
        0.95, gt=0.5, lt=1, description="Percentile the workloads' TTFT targets apply to."
    )
    mfu: float = Field(0.722, gt=0, le=1, description="Roofline compute efficiency (fitted).")
    mbu: float = Field(0.665, gt=0, le=1, description="Roofline HBM efficiency (fitted).")
    production_efficiency: Q("", gt=0, le=2) = Field(
        0.3,
        description="Production serving rate as a share of the roofline under the latency "
        "targets (fitted to fleet observations, see serving_fit.csv).",
    )
    headroom: Q("", ge=1, le=5) = Field(
        1.2,
        description="Serving capacity over the peak load: redundancy, failover and launch "
        "reserve (assumption: peak utilisation <= ~80 % as in SRE practice).",
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
    training_mfu: Q("", gt=0, le=1) = Field(
        0.387,
        description="Fleet-average training MFU over the cluster sizes labs run (the "
        "compute layer fits 0.454 at 1,024 devices before tensor-parallel communication, "
        "falling as N^-0.1375).",
    )
    training_precision: Literal["bf16", "fp8"] = Field("bf16", description="Training precision.")
    training_goodput: Q("", gt=0, le=1) = Field(
        0.8, description="Share of training cluster time doing useful steps."
    )
    other_ai_h100e_2024: Q("") = Field(
        3.5e6,
        description="Average accelerators (H100-equivalents) running non-LLM AI in 2024: "
        "recommenders, ads and search ranking, vision, science, autonomous driving, "
        "enterprise ML (see data/fleet_uses.csv).",
    )
    other_ai_growth: Q("", ge=-0.5, le=5) = Field(
        0.35, description="Growth per year of non-LLM AI compute in 2024."
    )
    other_ai_growth_halflife: Q("year", gt=0) = Field(
        5.0, description="Years for the (log) growth rate of non-LLM AI to halve."
    )
    warm_h100e: Q("") = Field(
        5.0e4,
        description="H100-equivalents that keep every served model warm in every region "
        "whatever the load: ~150 provider models x ~10 regions x 2 replicas x ~8 devices "
        "(assumption; OpenRouter lists ~400 models from ~60 providers, 2025).",
    )
    idle_share: Q("", lt=0.9) = Field(
        0.1,
        description="Share of the installed AI fleet owned but not in use: unrented "
        "neocloud and sovereign capacity, under-used enterprise clusters, accelerators "
        "installed without power (see data/fleet_uses.csv).",
    )
    mix: YearShares = Field(
        default_factory=lambda: {y: dict(m) for y, m in DEFAULT_MIX.items()},
        description="Deployment mix of new shipments by accelerator, by year (interpolated; "
        "history years use data/shipments_history.csv).",
    )
    shapes: ShapesSection = ShapesSection()

    @model_validator(mode="after")
    def _check(self) -> ComputeSection:
        from aiinfra.catalogs import accelerators

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
