"""Scenario section: compute (serving shapes, efficiencies, deployment mix)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from aiinfra.errors import AiinfraError
from aiinfra.quantity import Q
from aiinfra.scenario.base import Section, YearShares


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
