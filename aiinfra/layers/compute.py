"""Compute layer: the XPUs that token and training demand need, by type and use.

Serving rates come from the roofline of :mod:`aiinfra.layers.roofline` (re-exported
here, so ``compute.inference_roofline`` and friends keep working); this module
turns token and FLOP demand into devices of every type in the deployment mix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from aiinfra.arrays import contract, dot_last, previous_year, sum_last
from aiinfra.catalogs import Accelerator, Architecture
from aiinfra.layers.demand import capped_growth
from aiinfra.layers.roofline import (  # noqa: F401  (the compute layer's public API)
    ACT_BYTES,
    BATCH_GRID,
    BYTES_PER_PARAM,
    KV_BYTES,
    MAX_TP,
    MEM_USABLE,
    SCALEOUT_BW,
    SECONDS_PER_YEAR,
    TP_GRID,
    Efficiency,
    PerfResult,
    arch_arrays,
    best_inference,
    bound_of,
    decode_step,
    expert_coverage,
    hw_arrays,
    inference_roofline,
    max_batch,
    perf,
    prefill_time,
    training_time,
)
from aiinfra.scenario.params import ComputeParams

__all__ = [
    "BYTES_PER_PARAM",
    "KV_BYTES",
    "MODELS",
    "SECONDS_PER_YEAR",
    "Efficiency",
    "PerfResult",
    "best_inference",
    "decode_step",
    "device_seconds",
    "expert_coverage",
    "inference_roofline",
    "max_batch",
    "mix_table",
    "mixed_fleet",
    "perf",
    "prefill_time",
    "requirements",
    "serving_tables",
    "shipments_needed",
    "training_time",
    "xpus_required",
]


def device_seconds(
    prefill_tokens: np.ndarray, output_tokens: np.ndarray, inv_p: np.ndarray, inv_d: np.ndarray
) -> np.ndarray:
    """Device-seconds per year if all the tokens ran on each type, (draw, year, type) [s].

    ``inv_p``/``inv_d`` (type, workload) are device-seconds per prompt/output token.
    """
    return contract(prefill_tokens, inv_p.T) + contract(output_tokens, inv_d.T)


def mixed_fleet(n_per_type: np.ndarray, mix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Size of a mixed fleet and each type's share of the work.

    Parameters
    ----------
    n_per_type : ndarray, (draw, year, type)
        Devices of each type that would do all the work alone [devices].
    mix : ndarray, (year, type)
        Shares of the fleet by type [1].

    Returns
    -------
    total : ndarray, (draw, year)
        ``N = 1 / Σ_t (m_t / N_t)`` [devices] (work flows to each type in
        proportion to its capacity).
    work_share : ndarray, (draw, year, type)
        Share of the work each type does [1].
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(mix[None] > 0, mix[None] / n_per_type, 0.0)
    total = 1.0 / sum_last(c)
    return total, c * total[..., None]


def xpus_required(
    *,
    prefill_tokens: np.ndarray,
    output_tokens: np.ndarray,
    prefill_rate: np.ndarray,
    decode_rate: np.ndarray,
    mix: np.ndarray,
    available_s: np.ndarray,
) -> dict[str, np.ndarray]:
    """Devices needed to serve yearly tokens with a fleet of mixed accelerators.

    Parameters
    ----------
    prefill_tokens, output_tokens : ndarray, (draw, year, workload)
        Prompt tokens that must be computed and output tokens [token/yr].
    prefill_rate, decode_rate : ndarray, (type, workload)
        Per-device rates at benchmark efficiency [token/s].
    mix : ndarray, (year, type)
        Share of the serving fleet by accelerator type [1], rows sum to 1.
    available_s : ndarray, (draw, year)
        Effective serving seconds per device and year (seconds x utilisation x
        production efficiency x efficiency gains) [s].

    Returns
    -------
    dict of ndarray
        ``devices`` (draw, year) total, ``by_type`` (draw, year, type) and
        ``by_workload`` (draw, year, workload) [devices].

    Notes
    -----
    If all work ran on type t it would need ``D_t`` device-seconds; a fleet of
    N devices split by ``s_t`` serves it when ``N = 1 / (T · Σ_t s_t / D_t)``
    (work flows to each type in proportion to its capacity).
    """
    inv_p = 1.0 / prefill_rate  # (type, workload) device-seconds per token
    inv_d = 1.0 / decode_rate
    n = device_seconds(prefill_tokens, output_tokens, inv_p, inv_d) / available_s[..., None]
    devices, w = mixed_fleet(n, mix)
    by_type = devices[..., None] * mix[None]
    # each workload's share of the mix-weighted device-seconds
    c = w / n
    share = prefill_tokens * contract(c, inv_p) + output_tokens * contract(c, inv_d)
    share = share / share.sum(axis=-1, keepdims=True)
    return {"devices": devices, "by_type": by_type, "by_workload": devices[..., None] * share}


def serving_tables(
    accs: Sequence[Accelerator],
    arch: Architecture,
    *,
    n_in: np.ndarray,
    n_out: np.ndarray,
    precision: str,
    efficiency: Efficiency,
    tpot_slo_s: float,
) -> dict[str, np.ndarray]:
    """Per-device prefill and decode rates at benchmark efficiency.

    Parameters
    ----------
    n_in, n_out : ndarray, (workload,)
        Prompt and output tokens per request [tokens].

    Returns
    -------
    dict of ndarray, (type, workload)
        ``prefill_rate`` and ``decode_rate`` [token/s per device] at the
        throughput-optimal tensor-parallel degree (within the scale-up domain)
        and batch that meets ``tpot_slo_s``.
    """
    r = best_inference(
        accs,
        arch,
        n_in=np.asarray(n_in, dtype=float)[None, :],
        n_out=np.asarray(n_out, dtype=float)[None, :],
        precision=precision,
        efficiency=efficiency,
        tpot_slo_s=tpot_slo_s,
    )
    if not np.all(r["fits"]):
        bad = sorted({accs[i].name for i in np.argwhere(~r["fits"])[:, 0]})
        msg = f"{arch.name} cannot be served within the scale-up domain of {', '.join(bad)}"
        raise ValueError(msg)
    return {
        "prefill_rate": r["prefill_tokens_per_s_per_device"],
        "decode_rate": r["decode_tokens_per_s_per_device"],
    }


def mix_table(
    mix: Mapping[int, Mapping[str, float]], names: Sequence[str], years: Any
) -> np.ndarray:
    """Fleet shares by year, (year, type): linear in time between given years, normalised."""
    known = sorted(mix)
    grid = np.array([[float(mix[y].get(n, 0.0)) for n in names] for y in known])
    grid = grid / grid.sum(axis=1, keepdims=True)
    yrs = np.asarray(years, dtype=float)
    out = np.stack([np.interp(yrs, known, grid[:, j]) for j in range(len(names))], axis=-1)
    return out / out.sum(axis=1, keepdims=True)


def shipments_needed(installed: np.ndarray, lifetime: np.ndarray) -> np.ndarray:
    """Units to ship each year to reach ``installed`` with replacements [units/yr].

    ``max(N_y - N_{y-1}, 0) + N_{y-1} / lifetime``; the year before the first
    is back-cast with the first year's growth. ``installed`` is (draw, year),
    ``lifetime`` (draw,) in years.
    """
    n = np.asarray(installed, dtype=float)
    prev = previous_year(n)
    return np.maximum(n - prev, 0.0) + prev / np.asarray(lifetime, dtype=float)[:, None]


def requirements(
    t: np.ndarray,
    *,
    input_tokens: np.ndarray,
    output_tokens: np.ndarray,
    training_flop: np.ndarray,
    p: ComputeParams,
    lifetime: np.ndarray,
    rates: Mapping[str, np.ndarray] | None,
    mix: np.ndarray,
    train_flops: np.ndarray,
    software_eff: np.ndarray,
    h100e: np.ndarray,
) -> dict[str, np.ndarray]:
    """XPUs needed for inference, training and other AI, by type and workload.

    Parameters
    ----------
    t : ndarray, (year,)
        Years since the base year [yr].
    input_tokens, output_tokens : ndarray, (draw, year, workload)
        Token demand [token/yr].
    training_flop : ndarray, (draw, year)
        Training compute demand [FLOP/yr].
    p : namespace
        Sampled ``compute`` section (arrays of shape (draw,)).
    lifetime : ndarray, (draw,)
        Accelerator service life [yr].
    rates : dict or None
        :func:`serving_tables` output, or None for the ``fixed_throughput`` model.
    mix : ndarray, (year, type)
        Deployment mix by type [1].
    train_flops, software_eff, h100e : ndarray, (type,)
        Dense peak at the training precision [FLOP/s], software efficiency [1]
        and H100-equivalents per unit [1].

    Returns
    -------
    dict of ndarray
        ``need_per_type`` (draw, year, type): devices of each type that would
        do all the year's work alone; ``xpus_by_type`` (draw, year, type),
        ``xpus_by_workload`` (draw, year, workload), ``xpus_by_use`` (draw,
        year, use: inference, training, other AI) for a fleet in the deployment
        mix; ``xpus_total``, ``h100e_total``, ``shipments_needed``,
        ``shipments_needed_h100e`` [units/yr] and ``token_rate_needed``
        [token/s] (draw, year).

    Notes
    -----
    With ``N_t`` type-t devices able to do all the work, a fleet split by
    shares ``m_t`` needs ``N = 1 / Σ_t (m_t / N_t)`` devices (work flows to
    each type in proportion to its capacity).
    """
    gain = capped_growth(
        t, np.ones_like(p.efficiency_gain), p.efficiency_gain, p.efficiency_gain_halflife
    )
    util = p.utilisation[:, None]
    available = SECONDS_PER_YEAR * util * p.production_efficiency[:, None] * gain  # (draw, year)
    computed_in = input_tokens * (1.0 - p.prefix_cache_hit[:, None, None])
    if rates is not None:
        inv_p = 1.0 / rates["prefill_rate"]  # (type, workload) device-seconds per token
        inv_d = 1.0 / rates["decode_rate"]
    else:
        per_tok = 1.0 / (p.fixed_tokens_per_s[:, None, None, None] * h100e[None, None, :, None])
        inv_p = inv_d = None
    if inv_p is not None:
        n_inf = device_seconds(computed_in, output_tokens, inv_p, inv_d) / available[..., None]
    else:
        tokens = (computed_in + output_tokens)[:, :, None, :]
        n_inf = dot_last(tokens, per_tok) / available[..., None]
    train_rate = train_flops * software_eff  # FLOP/s per device, (type,)
    per_device_year = (p.training_mfu[:, None] * p.training_goodput[:, None] * SECONDS_PER_YEAR)[
        ..., None
    ] * train_rate[None, None]
    n_train = training_flop[..., None] / per_device_year
    other_share = p.other_ai_share_2023[:, None] * np.power(
        1.0 - p.other_ai_share_decline[:, None], t
    )
    n_all = (n_inf + n_train) / (1.0 - other_share[..., None])  # (draw, year, type)
    total, w = mixed_fleet(n_all, mix)
    inf = total * (w * n_inf / n_all).sum(axis=-1)
    train = total * (w * n_train / n_all).sum(axis=-1)
    if inv_p is not None:
        cw = w / available[..., None] / n_all * total[..., None]
        by_w = computed_in * contract(cw, inv_p) + output_tokens * contract(cw, inv_d)
    else:
        by_w = computed_in + output_tokens
    by_w = by_w / by_w.sum(axis=-1, keepdims=True) * inf[..., None]
    by_type = total[..., None] * mix[None]
    h100e_total = dot_last(by_type, h100e[None, None])
    return {
        "need_per_type": n_all,
        "n_inf": n_inf,
        "xpus_by_type": by_type,
        "xpus_by_workload": by_w,
        "xpus_by_use": np.stack([inf, train, total - inf - train], axis=-1),
        "xpus_total": total,
        "h100e_total": h100e_total,
        "shipments_needed": shipments_needed(total, lifetime),
        "shipments_needed_h100e": shipments_needed(h100e_total, lifetime),
        "token_rate_needed": (input_tokens + output_tokens).sum(axis=-1)
        / (SECONDS_PER_YEAR * util),
    }


MODELS: Mapping[str, str] = {"roofline": "roofline", "fixed_throughput": "fixed_throughput"}
