"""Demand layer: tokens by workload, ARR of LLM providers, training compute.

All functions are pure and vectorised. Parameters have shape ``(draw,)``,
time ``t`` is years since :data:`BASE_YEAR` with shape ``(year,)``; outputs
are ``(draw, year)`` or ``(draw, year, workload)``.

Two sub-models produce the same outputs:

``tokens``
    T_w(y) = users_w(y) · tokens_per_user_day_w(y) · 365 (intensity times an
    agentic adoption step, :func:`adoption_step`), revenue
    R_w(y) = T_w(y) · price_w(y) / 1e6.
``revenue``
    R(y) from an ARR path, T(y) = R(y) / price(y) · 1e6, split over
    workloads with the token and revenue shares of the ``tokens`` route.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from aiinfra.arrays import sum_last
from aiinfra.scenario.params import DemandParams, MediaParams, TrainingParams

__all__ = [
    "BASE_YEAR",
    "DAYS_PER_YEAR",
    "adoption_step",
    "capped_growth",
    "logistic",
    "media_model",
    "price_path",
    "raised_capital",
    "revenue_model",
    "tokens_model",
    "training_budget",
    "training_flop",
]

BASE_YEAR = 2023
DAYS_PER_YEAR = 365.25
LN2 = float(np.log(2.0))


def _col(x: np.ndarray) -> np.ndarray:
    """(draw,) -> (draw, 1) for broadcasting against (year,)."""
    return np.asarray(x, dtype=float)[:, None]


def logistic(t: np.ndarray, start: np.ndarray, cap: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Logistic curve through ``start`` at t=0 towards ``cap``.

    Parameters
    ----------
    t : ndarray, (year,)
        Years since the base year [yr].
    start, cap : ndarray, (draw,)
        Level at t=0 and saturation level [any unit].
    rate : ndarray, (draw,)
        Logistic growth rate [1/yr].

    Returns
    -------
    ndarray, (draw, year)
        ``cap / (1 + (cap/start - 1) · exp(-rate · t))``; zero where start is 0.

    Notes
    -----
    At ``start << cap`` the curve grows by ``exp(rate)`` per year.
    """
    s, c, r = _col(start), _col(cap), _col(rate)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.where(s > 0, c / np.where(s > 0, s, 1.0) - 1.0, 0.0)
        out = c / (1.0 + ratio * np.exp(-r * t))
    return np.where(s > 0, out, 0.0)


def capped_growth(
    t: np.ndarray, level0: np.ndarray, growth0: np.ndarray, halflife: np.ndarray
) -> np.ndarray:
    """Exponential growth whose log-rate halves every ``halflife`` years.

    Parameters
    ----------
    t : ndarray, (year,)
        Years since the base year [yr].
    level0 : ndarray, (draw,)
        Level at t=0 [any unit].
    growth0 : ndarray, (draw,)
        Fractional growth per year at t=0 (0.5 = +50 %/yr) [1].
    halflife : ndarray, (draw,)
        Half-life of the log growth rate [yr].

    Returns
    -------
    ndarray, (draw, year)
        ``level0 · exp(g · h/ln2 · (1 - 2^(-t/h)))`` with ``g = ln(1 + growth0)``;
        the level approaches ``level0 · exp(g·h/ln2)``.
    """
    g = np.log1p(_col(growth0))
    h = _col(halflife)
    return _col(level0) * np.exp(g * h / LN2 * (1.0 - np.exp2(-t / h)))


def price_path(
    t: np.ndarray, price0: np.ndarray, decline: np.ndarray, halflife: np.ndarray
) -> np.ndarray:
    """Price falling by ``decline`` per year at first, the rate halving every ``halflife``.

    Parameters
    ----------
    t : ndarray, (year,)
        Years since the base year [yr].
    price0 : ndarray, (draw,)
        Price at t=0 [USD/Mtok].
    decline : ndarray, (draw,)
        Fractional fall per year at t=0, < 1 [1].
    halflife : ndarray, (draw,)
        Half-life of the log rate of decline [yr].

    Returns
    -------
    ndarray, (draw, year)
        :func:`capped_growth` with growth ``-decline`` [USD/Mtok]; the price
        approaches ``price0 · (1 - decline)^(h/ln2)``.
    """
    return capped_growth(t, price0, -np.asarray(decline, dtype=float), halflife)


def adoption_step(
    t: np.ndarray, uplift: np.ndarray, midpoint: np.ndarray, width: np.ndarray
) -> np.ndarray:
    """Multiple of a level once a new use is adopted, (draw, year) [1].

    ``1 + (uplift - 1) / (1 + exp(-(date - midpoint) / width))`` at ``date =``
    :data:`BASE_YEAR` ``+ t + 0.5`` [calendar yr]: year values are calendar-year totals,
    which equal the run rate at mid-year. ``uplift`` (draw,) [1], ``midpoint`` (draw,)
    [calendar date], ``width`` (draw,) [yr]. Exactly 1 where ``uplift`` is 1.
    """
    z = (BASE_YEAR + 0.5 + np.asarray(t, dtype=float) - _col(midpoint)) / _col(width)
    with np.errstate(over="ignore"):
        share = 1.0 / (1.0 + np.exp(-z))
    return 1.0 + (_col(uplift) - 1.0) * share


def _workload_arrays(t: np.ndarray, w: Any) -> dict[str, np.ndarray]:
    users = logistic(t, w.users_2023, w.users_cap, w.users_growth)
    step = adoption_step(t, w.agentic_uplift, w.agentic_midpoint, w.agentic_width)
    intensity = capped_growth(
        t, w.tokens_per_user_day_2023, w.intensity_growth, w.intensity_growth_halflife
    )
    tokens = users * (intensity * step) * DAYS_PER_YEAR
    price = price_path(t, w.price_2023, w.price_decline, w.price_decline_halflife)
    share_in = np.broadcast_to(_col(w.input_share), tokens.shape)
    return {
        "users": users,
        "tokens": tokens,
        "price": price,
        "input_share": share_in,
        "agentic_step": step,
    }


def tokens_model(
    t: np.ndarray, demand: DemandParams, workloads: Sequence[str]
) -> dict[str, np.ndarray]:
    """Token demand from users x intensity, and the revenue it brings.

    Parameters
    ----------
    t : ndarray, (year,)
        Years since the base year [yr].
    demand : namespace
        Sampled ``demand`` section: one sub-namespace of ``(draw,)`` arrays per
        workload.
    workloads : sequence of str
        Workload names (order of the last output axis).

    Returns
    -------
    dict of ndarray
        ``users`` [users], ``tokens``/``input_tokens``/``output_tokens``
        [token/yr], ``price`` [USD/Mtok], ``revenue`` [USD/yr], ``agentic_step`` [1]
        (:func:`adoption_step`); each ``(draw, year, workload)``.
    """
    parts = [_workload_arrays(t, getattr(demand, name)) for name in workloads]
    out = {k: np.stack([p[k] for p in parts], axis=-1) for k in parts[0]}
    out["revenue"] = out["tokens"] * out["price"] / 1e6
    return _finish(out)


def revenue_model(
    t: np.ndarray, demand: DemandParams, workloads: Sequence[str]
) -> dict[str, np.ndarray]:
    """Token demand implied by an ARR path and a blended price.

    Total revenue ``R = revenue_2023`` grown by :func:`capped_growth`; total
    tokens ``R / price · 1e6``. Workload splits of tokens and revenue come from
    :func:`tokens_model`, so both routes report the same variables.
    """
    mix = tokens_model(t, demand, workloads)
    r = demand.revenue
    revenue_total = capped_growth(
        t, r.revenue_2023, r.revenue_growth_2023, r.revenue_growth_halflife
    )
    price_blend = price_path(t, r.price_2023, r.price_decline, r.price_decline_halflife)
    tokens_total = revenue_total / price_blend * 1e6
    tok_share = mix["tokens"] / mix["tokens"].sum(axis=-1, keepdims=True)
    rev_share = mix["revenue"] / mix["revenue"].sum(axis=-1, keepdims=True)
    tokens = tokens_total[..., None] * tok_share
    revenue = revenue_total[..., None] * rev_share
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(tokens > 0, revenue / np.where(tokens > 0, tokens, 1.0) * 1e6, 0.0)
    out = {
        "users": mix["users"],
        "tokens": tokens,
        "price": price,
        "input_share": mix["input_tokens"] / np.where(mix["tokens"] > 0, mix["tokens"], 1.0),
        "revenue": revenue,
        # the ARR path carries no step of its own (the step only tilts the split)
        "agentic_step": np.ones_like(tokens),
    }
    return _finish(out)


def _finish(out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    share = out.pop("input_share")
    out["input_tokens"] = out["tokens"] * share
    out["output_tokens"] = out["tokens"] - out["input_tokens"]
    out["tokens_total"] = sum_last(out["tokens"])
    out["revenue_total"] = sum_last(out["revenue"])
    return out


def media_model(t: np.ndarray, media: MediaParams) -> dict[str, np.ndarray]:
    """Images and video generated and the model FLOP they take, (draw, year).

    ``images`` [1/yr] and ``video_seconds`` [s/yr] grow on :func:`capped_growth`
    paths anchored in 2025 (``t`` is years since 2023); ``media_flop`` [FLOP/yr]
    is ``images · flop_per_image + video_seconds · flop_per_video_second``.
    """
    ts = t - 2.0
    images = DAYS_PER_YEAR * capped_growth(
        ts, media.images_per_day_2025, media.image_growth, media.image_growth_halflife
    )
    video = DAYS_PER_YEAR * capped_growth(
        ts, media.video_seconds_per_day_2025, media.video_growth, media.video_growth_halflife
    )
    flop = images * _col(media.flop_per_image) + video * _col(media.flop_per_video_second)
    return {"images": images, "video_seconds": video, "media_flop": flop}


# Model FLOP one H100-equivalent hour buys at the training MFU and goodput: dense BF16
# peak of an H100 SXM (989 TFLOP/s, NVIDIA datasheet) x 3,600 s.
H100_BF16_FLOPS = 989e12
HOURS_PER_YEAR = 365.25 * 24.0


FUNDING_YEARS = (2022, 2023, 2024, 2025, 2026)  # capital raised by lab, data/labs.csv


def raised_capital(t: np.ndarray, raised: np.ndarray, training: TrainingParams) -> np.ndarray:
    """Capital each lab raises in each year, (draw, year, lab) [USD/yr].

    ``raised`` (lab, :data:`FUNDING_YEARS`) [USD/yr] where known (earlier years repeat
    the first); afterwards the last year's amount grows on a :func:`capped_growth` path at
    ``lab_funding_growth`` halving every ``lab_funding_halflife``. ``t`` is years
    since 2023.
    """
    years = BASE_YEAR + np.asarray(t, dtype=float)
    idx = np.clip(np.round(years - FUNDING_YEARS[0]).astype(int), 0, len(FUNDING_YEARS) - 1)
    known = raised.T[idx][None]  # (1, year, lab)
    after = np.maximum(years - FUNDING_YEARS[-1], 0.0)
    scale = capped_growth(
        after,
        np.ones_like(training.lab_funding_growth),
        training.lab_funding_growth,
        training.lab_funding_halflife,
    )  # (draw, year)
    last = raised[:, -1][None, None]
    return np.where((after > 0)[None, :, None], last * scale[..., None], known)


def training_budget(
    t: np.ndarray,
    revenue_usd: np.ndarray,
    training: TrainingParams,
    labs: Mapping[str, Any],
) -> np.ndarray:
    """Training and R&D compute budget of each lab, (draw, year, lab) [USD/yr].

    A start-up lab spends ``rd_compute_to_revenue_long`` of its revenue
    (``revenue_share`` x LLM revenue ``revenue_usd``, (draw, year) [USD/yr]) and
    ``funding_to_rd_share`` of the capital it raised, spent half in the year raised
    and half the year after (:func:`raised_capital`); a big-tech lab gets its
    ``bigtech_share`` of the big-tech R&D path (capped growth from 2024). ``t`` is
    years since 2023.
    """
    raised = raised_capital(t, labs["raised"], training)
    raised_before = raised_capital(t - 1.0, labs["raised"], training)
    spent = 0.5 * (raised + raised_before)
    own = revenue_usd[..., None] * labs["revenue_share"][None, None]
    startup = (
        _col(training.rd_compute_to_revenue_long)[..., None] * own
        + _col(training.funding_to_rd_share)[..., None] * spent
    )
    bigtech = capped_growth(
        t - 1.0,
        training.bigtech_rd_compute_2024,
        training.bigtech_rd_compute_growth,
        training.bigtech_rd_compute_halflife,
    )
    group = bigtech[..., None] * labs["bigtech_share"][None, None]
    return np.where(labs["startup"][None, None], startup, group)


def training_flop(
    t: np.ndarray,
    training: TrainingParams,
    *,
    revenue_usd: np.ndarray,
    mfu: np.ndarray,
    goodput: np.ndarray,
    labs: Mapping[str, Any],
) -> dict[str, np.ndarray]:
    """Training and R&D compute per year, bought with each lab's budget.

    Parameters
    ----------
    t : ndarray, (year,)
        Years since the base year (2023) [yr].
    training : namespace
        Sampled ``demand.training`` section.
    revenue_usd : ndarray, (draw, year)
        LLM provider revenue [USD/yr].
    mfu, goodput : ndarray, (draw,)
        Training MFU and goodput [1].
    labs : mapping
        Lab table (``data/labs.csv``, see :func:`training_budget`).

    Returns
    -------
    dict of ndarray
        (draw, year, lab): ``training_budget_by_lab`` [USD/yr] and
        ``frontier_runs_by_lab`` [1/yr]; (draw, year): their totals
        ``training_budget_usd`` and ``frontier_runs``, ``training_h100e_years``
        [H100e-yr/yr] (budget / price per H100e-hour / 8,766 h), ``training_flop``
        [FLOP/yr] model FLOP at ``mfu`` and ``goodput``, ``frontier_run_flop``
        [FLOP] one frontier run (Epoch AI trend). A lab's final runs are its FLOP /
        ((1 + ``other_training_multiple``) x one run): the R&D multiple applies per lab.
    """
    by_lab = training_budget(t, revenue_usd, training, labs)
    budget = sum_last(by_lab)
    price = _col(training.compute_price_2024) * np.power(
        1.0 - _col(training.compute_price_decline), t - 1.0
    )
    hours = budget / price  # H100e-hours per year
    flop_per_usd = 3600.0 * H100_BF16_FLOPS * _col(mfu) * _col(goodput) / price
    per_run = capped_growth(
        t,
        training.frontier_run_flop_2023,
        training.frontier_growth_2023,
        training.frontier_growth_halflife,
    )
    run_cost = (1.0 + _col(training.other_training_multiple)) * per_run  # FLOP per final run
    runs_by_lab = by_lab * (flop_per_usd / run_cost)[..., None]
    return {
        "training_budget_usd": budget,
        "training_budget_by_lab": by_lab,
        "training_h100e_years": hours / HOURS_PER_YEAR,
        "training_flop": budget * flop_per_usd,
        "frontier_run_flop": per_run,
        "frontier_runs": sum_last(runs_by_lab),
        "frontier_runs_by_lab": runs_by_lab,
    }


MODELS: Mapping[str, Any] = {"tokens": tokens_model, "revenue": revenue_model}


def as_namespace(d: Mapping[str, Any]) -> SimpleNamespace:
    """Nested mapping of arrays -> namespace (for tests and ad-hoc use)."""
    return SimpleNamespace(
        **{k: as_namespace(v) if isinstance(v, Mapping) else v for k, v in d.items()}
    )
