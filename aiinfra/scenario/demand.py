"""Scenario sections: horizon and demand (workloads, revenue route, training)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from aiinfra.quantity import Q, point
from aiinfra.scenario.base import MAX_YEARS, Section


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
    exponential), times an adoption step for agentic use: ``1 + (agentic_uplift - 1) ·
    S(year)``, S a logistic in calendar years centred on ``agentic_midpoint`` with scale
    ``agentic_width`` (agents that run tools for minutes to hours multiply the tokens a
    user causes a day; default 1, no step). Effective revenue per million tokens falls by
    ``price_decline`` per year, a rate that halves every
    ``price_decline_halflife`` years (prices approach a cost floor).
    """

    users_2023: Q("user") = Field(description="Active users (or seats/agent instances) in 2023.")
    users_cap: Q("user", gt=0) = Field(description="Saturation level of the logistic user curve.")
    users_growth: Q("1/year", gt=0, le=50) = Field(description="Logistic growth rate of users.")
    tokens_per_user_day_2023: Q("token/day") = Field(
        description="Tokens processed per user per day in 2023 (input + output)."
    )
    intensity_growth: Q("", ge=-0.9, le=20) = Field(
        description="Growth of tokens per user per day in 2023 (0.5 = +50 %/yr)."
    )
    intensity_growth_halflife: Q("year", gt=0) = Field(
        8.0, description="Years for the intensity growth rate to halve."
    )
    agentic_uplift: Q("", ge=1, le=100) = Field(
        1.0,
        description="Multiple of tokens per user per day once agentic use is adopted "
        "(1 = no step).",
    )
    agentic_midpoint: Q("year", ge=2023, le=2100) = Field(
        2026.0, description="Calendar year at which half the agentic uplift is reached."
    )
    agentic_width: Q("year", gt=0, le=20) = Field(
        0.5,
        description="Logistic scale of the agentic step [yr]; 10 % to 90 % of it takes 4.4 widths.",
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
    revenue_growth_2023: Q("", ge=-0.9, le=20) = Field(
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
    """Training and R&D compute: what the labs' budgets buy, and the runs it makes.

    Each lab of ``aiinfra/data/labs.csv`` has its own budget: a start-up spends
    ``rd_compute_to_revenue_long`` of its revenue and ``funding_to_rd_share`` of the
    capital it raises (spent over two years; after 2026 raised capital grows at
    ``lab_funding_growth``, a rate that halves every ``lab_funding_halflife`` years) on
    R&D compute; a big-tech lab gets
    its share of the big-tech R&D path from group cash flow. The budget buys
    H100-equivalent hours at ``compute_price`` falling by ``compute_price_decline`` a year.
    """

    frontier_run_flop_2023: Q("FLOP", gt=0) = Field(
        2.1e25, description="Compute of one frontier training run in 2023 (GPT-4 class)."
    )
    frontier_growth_2023: Q("", ge=-0.9, le=20) = Field(
        3.0, description="Growth of frontier-run compute in 2023 (3.0 = x4 per year)."
    )
    frontier_growth_halflife: Q("year", gt=0) = Field(
        6.0, description="Years for the frontier growth rate (in log terms) to halve."
    )
    other_training_multiple: Q("") = Field(
        10.0,
        description="A lab's R&D compute (experiments, smaller models, post-training) as a "
        "multiple of its final frontier runs (Epoch AI 2025: OpenAI 2024 ~5 bn USD R&D "
        "compute, final runs a tenth of it); sets the runs per year the budget pays for.",
    )
    rd_compute_to_revenue_long: Q("", le=10) = Field(
        0.25,
        description="R&D compute a start-up lab pays out of its revenue (a mature lab's "
        "share; OpenAI's plans reportedly put R&D compute near a fifth of revenue by 2030, "
        "The Information 2025).",
    )
    lab_funding_growth: Q("", ge=-0.9, le=5) = Field(
        0.0,
        description="Growth in 2027 of the capital start-up labs raise, after the rounds "
        "to 2026 in data/labs.csv (~180 bn USD in 2026: OpenAI 122 bn committed, "
        "Anthropic >= 60 bn, xAI 22 bn), the rate halving every ``lab_funding_halflife`` "
        "years (assumption: 0 repeats the 2026 sum).",
    )
    lab_funding_halflife: Q("year", gt=0) = Field(
        2.0, description="Years for the (log) growth of labs' raised capital to halve."
    )
    funding_to_rd_share: Q("", ge=0, le=1) = Field(
        0.47,
        description="Share of the capital a start-up lab raises that it spends on R&D "
        "compute (over two years): OpenAI 2024 ~5 bn USD R&D compute (Epoch AI / The "
        "Information 2025), Anthropic ~2.5 bn and xAI ~3 bn (The Information 2024-25) each "
        "need ~0.46-0.49 of the capital they raised in 2023-24 beyond revenue.",
    )
    bigtech_rd_compute_2024: Q("USD/year") = Field(
        1.0e10,
        description="2024 training/R&D compute of AI labs inside big tech not paid from LLM "
        "revenue (Google DeepMind, Meta GenAI, others; assumption).",
    )
    bigtech_rd_compute_growth: Q("", ge=-0.5, le=5) = Field(
        0.5, description="Growth per year of big-tech lab R&D compute in 2024."
    )
    bigtech_rd_compute_halflife: Q("year", gt=0) = Field(
        4.0, description="Years for the (log) growth of big-tech lab R&D compute to halve."
    )
    compute_price_2024: Q("USD/hour", gt=0) = Field(
        2.0,
        description="Price labs pay per H100-equivalent hour in 2024 (multi-year contracts; "
        "H100 rental ~2-2.5 USD/h in 2024, SemiAnalysis/Lambda/CoreWeave list prices).",
    )
    compute_price_decline: Q("", lt=1) = Field(
        0.2,
        description="Yearly fall of the price per H100e-hour (Epoch AI: FLOP/s per USD of "
        "ML GPUs doubles every ~2.5 years).",
    )


class MediaSection(Section):
    """Image and video generation: outputs per day and the compute each one takes.

    Images and video-seconds per day grow from their 2025 level on capped paths;
    each takes a sourced number of model FLOP (diffusion-transformer passes) run at
    ``mfu`` of the devices' BF16 peak, with capacity sized for ``peak_to_average``.
    """

    images_per_day_2025: Q("1/day", ge=0) = Field(
        2.0e8,
        description="Images generated per day in 2025 (assumption from OpenAI's >700 M "
        "images in the first week of GPT-4o image generation, Mar-Apr 2025, and Google's "
        ">5 bn Gemini images in under two months, Aug-Oct 2025).",
    )
    image_growth: Q("", ge=-0.9, le=20) = Field(
        0.8, description="Growth of images per day in 2025 (0.8 = +80 %/yr; assumption)."
    )
    image_growth_halflife: Q("year", gt=0) = Field(
        4.0, description="Years for the (log) image growth rate to halve."
    )
    video_seconds_per_day_2025: Q("1/day", ge=0) = Field(
        3.0e7,
        description="Seconds of video generated per day in 2025 (assumption from Google's "
        ">40 M Veo 3 videos of 8 s in seven weeks, Jul 2025, with Sora 2 from Oct 2025, Kling, "
        "Hailuo and Runway).",
    )
    video_growth: Q("", ge=-0.9, le=20) = Field(
        2.0, description="Growth of video-seconds per day in 2025 (2.0 = x3 per year)."
    )
    video_growth_halflife: Q("year", gt=0) = Field(
        3.0, description="Years for the (log) video growth rate to halve."
    )
    flop_per_image: Q("FLOP", gt=0) = Field(
        3.0e15,
        description="Model FLOP per 1024x1024 image: a 12 B-parameter diffusion transformer "
        "(FLUX.1-dev) over 4,096 latent tokens for 28 steps, 2 x 12e9 x 4,096 x 28 = 2.8e15, "
        "plus attention (Black Forest Labs model card, 2024).",
    )
    flop_per_video_second: Q("FLOP", gt=0) = Field(
        5.0e16,
        description="Model FLOP per second of 720p video: Wan 2.1 14B (Wan team, 2025) over "
        "75,600 latent tokens per 5 s clip, 50 steps with guidance = ~1.4e17 per second, "
        "cut ~3x by the step distillation production services use (assumption).",
    )
    mfu: Q("", gt=0, le=1) = Field(
        0.3,
        description="Share of the BF16 peak a production diffusion service achieves "
        "(compute-bound large-token passes; assumption).",
    )
    peak_to_average: Q("", ge=1, le=10) = Field(
        1.5, description="Peak over average generation load (consumer apps; assumption)."
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
    search: WorkloadSection
    media: MediaSection = MediaSection()
    revenue: RevenueRouteSection = RevenueRouteSection()
    training: TrainingSection = TrainingSection()

    WORKLOADS: ClassVar[tuple[str, ...]] = (
        "chat",
        "enterprise_api",
        "coding",
        "agents",
        "reasoning",
        "search",
    )
