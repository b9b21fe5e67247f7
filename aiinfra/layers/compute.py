"""Compute layer: the XPUs that token and training demand need, by type and use.

Serving rates come from the roofline of :mod:`aiinfra.layers.roofline` (re-exported
here, so ``compute.inference_roofline`` and friends keep working); this module
turns token and FLOP demand into devices of every type in the deployment mix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from aiinfra.arrays import contract, dot_last, per_year_contract, previous_year, sum_last
from aiinfra.catalogs import Accelerator, Architecture, get_architecture
from aiinfra.layers.demand import H100_BF16_FLOPS, capped_growth
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
    arch_arrays,
    best_inference,
    decode_step,
    expert_coverage,
    hw_arrays,
    inference_roofline,
    max_batch,
    prefill_time,
)
from aiinfra.layers.serving import LatencyTarget
from aiinfra.layers.system import PerfResult, bound_of, perf  # noqa: F401
from aiinfra.layers.training import (
    scale_efficiency,
    tensor_parallel,
    tp_comm_share,
    training_time,
)
from aiinfra.scenario.params import ComputeParams, MediaParams

__all__ = [
    "BYTES_PER_PARAM",
    "KV_BYTES",
    "MODELS",
    "SECONDS_PER_YEAR",
    "Efficiency",
    "PerfResult",
    "best_inference",
    "build_ahead",
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
    "scale_efficiency",
    "serving_tables",
    "serving_tables_by_year",
    "shipments_needed",
    "tensor_parallel",
    "tp_comm_share",
    "training_devices",
    "training_time",
    "xpus_required",
]


def device_seconds(
    prefill_tokens: np.ndarray, output_tokens: np.ndarray, inv_p: np.ndarray, inv_d: np.ndarray
) -> np.ndarray:
    """Device-seconds per year if all the tokens ran on each type, (draw, year, type) [s].

    ``inv_p``/``inv_d`` (type, workload), or (year, type, workload) when the model mix
    changes by year, are device-seconds per prompt/output token.
    """
    if np.ndim(inv_p) == 3:
        sw = (np.swapaxes(inv_p, 1, 2), np.swapaxes(inv_d, 1, 2))  # (year, workload, type)
        return per_year_contract(prefill_tokens, sw[0]) + per_year_contract(output_tokens, sw[1])
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
    models: Sequence[Mapping[str, float]],
    *,
    n_in: np.ndarray,
    n_out: np.ndarray,
    targets: Sequence[LatencyTarget],
    precision: str,
    efficiency: Efficiency,
) -> dict[str, np.ndarray]:
    """Per-device prefill and decode rates of each workload under its latency targets.

    Parameters
    ----------
    accs : sequence of Accelerator
        The types of the fleet.
    models : sequence of mapping, one per workload
        Catalog model name -> share of the workload's tokens it serves [1].
    n_in, n_out : ndarray, (workload,)
        Prompt and output tokens per request [tokens].
    targets : sequence of LatencyTarget, one per workload
        TTFT (at its percentile) and TPOT targets.

    Returns
    -------
    dict of ndarray, (type, workload)
        ``prefill_rate`` and ``decode_rate`` [token/s per device]: the
        throughput-optimal replica size, batch and load that meet the targets,
        the models combined by their token shares (device-seconds per token add
        up); ``meets`` (bool): whether every model of the workload met the
        targets on that type (a type that cannot is rated at its best
        configuration under the TPOT target alone, or without targets).
    """
    by_year = serving_tables_by_year(
        accs,
        [{0: mix} for mix in models],
        [0],
        n_in=n_in,
        n_out=n_out,
        targets=targets,
        precision=precision,
        efficiency=efficiency,
    )
    return {
        "prefill_rate": by_year["prefill_rate"][0],
        "decode_rate": by_year["decode_rate"][0],
        "meets": by_year["meets"],
    }


def serving_tables_by_year(
    accs: Sequence[Accelerator],
    mixes: Sequence[Mapping[int, Mapping[str, float]]],
    years: Any,
    *,
    n_in: np.ndarray,
    n_out: np.ndarray,
    targets: Sequence[LatencyTarget],
    precision: str,
    efficiency: Efficiency,
) -> dict[str, np.ndarray]:
    """:func:`serving_tables` with each workload's model mix changing by year.

    ``mixes`` holds one ``{year: {model: share}}`` per workload: shares are
    normalised, linear in time between the years given and held outside them.
    Each (workload, model) is rated once. Returns ``prefill_rate`` and
    ``decode_rate`` (year, type, workload) [token/s per device] and ``meets``
    (type, workload): every model a workload uses in any year met its targets.
    """
    yrs = np.asarray(years, dtype=float)
    n_t, n_w = len(accs), len(mixes)
    inv_p = np.zeros((len(yrs), n_t, n_w))
    inv_d = np.zeros((len(yrs), n_t, n_w))
    meets = np.ones((n_t, n_w), dtype=bool)
    for w, (by_year, target) in enumerate(zip(mixes, targets, strict=True)):
        names = sorted({m for mix in by_year.values() for m in mix})
        shares = mix_table(by_year, names, yrs)  # (year, model)
        for j, name in enumerate(names):
            arch = get_architecture(name)
            r = _rates_meeting(accs, arch, n_in[w], n_out[w], target, precision, efficiency)
            inv_p[:, :, w] += shares[:, j, None] / r["prefill_tokens_per_s_per_device"][None]
            inv_d[:, :, w] += shares[:, j, None] / r["decode_tokens_per_s_per_device"][None]
            meets[:, w] &= r["meets"]
    return {"prefill_rate": 1.0 / inv_p, "decode_rate": 1.0 / inv_d, "meets": meets}


def _rates_meeting(
    accs: Sequence[Accelerator],
    arch: Architecture,
    n_in: float,
    n_out: float,
    target: LatencyTarget,
    precision: str,
    efficiency: Efficiency,
) -> dict[str, np.ndarray]:
    """Best rates per type under ``target``; types that cannot meet it fall back to the
    TPOT target alone, then to none (their rates are what they can do at best)."""
    kw = {"n_in": float(n_in), "n_out": float(n_out), "efficiency": efficiency}
    r = best_inference(accs, arch, precision=precision, target=target, **kw)
    out = {k: np.array(v, copy=True) for k, v in r.items()}
    out["meets"] = r["fits"].copy()
    for fallback in (LatencyTarget(tpot_s=target.tpot_s), None):
        if out["fits"].all():
            break
        f = best_inference(accs, arch, precision=precision, target=fallback, **kw)
        miss = ~out["fits"]
        for k in out:
            if k != "meets":
                out[k][miss] = f[k][miss]
    if not out["fits"].all():
        bad = sorted({accs[i].name for i in np.flatnonzero(~out["fits"])})
        msg = f"{arch.name} cannot be served within the scale-up domain of {', '.join(bad)}"
        raise ValueError(msg)
    return out


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


def build_ahead(n_work: np.ndarray, lead_years: np.ndarray, growth_of: np.ndarray) -> np.ndarray:
    """Installed units a year-end fleet needs to cover the work ``lead_years`` later.

    ``n_work`` (draw, year, type) [units] are the devices the year's average work
    of one use needs; the fleet at the end of the year must cover that work
    ``lead_years`` (draw,) [yr] later, so ``n_work · g^lead`` with ``g`` the
    year-on-year growth of ``growth_of`` (draw, year) (the last year repeats the
    growth before it) [units].
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(growth_of[:, :-1] > 0, growth_of[:, 1:] / growth_of[:, :-1], 1.0)
    g = np.concatenate([g, g[:, -1:]], axis=1) if g.shape[1] else np.ones_like(growth_of)
    return n_work * np.power(np.maximum(g, 1e-3), lead_years[:, None])[..., None]


def media_devices(
    media_flop: np.ndarray | None,
    media: MediaParams | None,
    gain: np.ndarray,
    train_rate: np.ndarray,
) -> np.ndarray:
    """Devices of each type that would do a year's image and video generation alone.

    ``media_flop`` (draw, year) [FLOP/yr] at the peak load (``peak_to_average``) over
    ``mfu`` of each type's BF16 rate ``train_rate`` (type,) [FLOP/s] times ``gain``
    (draw, year) [1]: the software and algorithm gain over the provisioning headroom;
    (draw, year, type) [units], zeros without media.
    """
    if media_flop is None or media is None:
        return np.zeros((*gain.shape, len(train_rate)))
    load = media_flop * media.peak_to_average[:, None] / SECONDS_PER_YEAR / gain  # FLOP/s
    return load[..., None] / (media.mfu[:, None, None] * train_rate[None, None])


def training_devices(
    training_flop: np.ndarray, train_rate: np.ndarray, mfu: np.ndarray, goodput: np.ndarray
) -> np.ndarray:
    """Devices of each type that would do a year's training alone, (draw, year, type).

    ``training_flop`` (draw, year) [FLOP/yr] at ``train_rate`` (type,) [FLOP/s] x
    ``mfu`` x ``goodput`` (draw,) [1].
    """
    per_year = (mfu * goodput * SECONDS_PER_YEAR)[:, None, None] * train_rate[None, None]
    return training_flop[..., None] / per_year


def requirements(
    t: np.ndarray,
    *,
    input_tokens: np.ndarray,
    output_tokens: np.ndarray,
    training_flop: np.ndarray,
    p: ComputeParams,
    media_flop: np.ndarray | None = None,
    media: MediaParams | None = None,
    peak_to_average: np.ndarray,
    lead_years: np.ndarray,
    training_lead_years: np.ndarray,
    lifetime: np.ndarray,
    rates: Mapping[str, np.ndarray] | None,
    mix: np.ndarray,
    train_flops: np.ndarray,
    software_eff: np.ndarray,
    h100e: np.ndarray,
    planned_scale: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """XPUs needed for inference, training and other AI, by type and workload.

    Parameters
    ----------
    t : ndarray, (year,)
        Years since the base year (2023) [yr].
    input_tokens, output_tokens : ndarray, (draw, year, workload)
        Token demand [token/yr].
    training_flop : ndarray, (draw, year)
        Training and R&D compute [FLOP/yr] (model FLOP at ``training_mfu``).
    p : namespace
        Sampled ``compute`` section (arrays of shape (draw,)).
    media_flop, media : ndarray (draw, year) and namespace, optional
        Image and video generation [FLOP/yr] and the sampled ``demand.media``
        section (:func:`media_devices`); part of inference.
    peak_to_average : ndarray, (draw, workload)
        Peak over average load of each workload [1].
    lead_years : ndarray, (draw,)
        How far ahead of the work the year-end fleet is built [yr].
    training_lead_years : ndarray, (draw,)
        The same for training clusters, assembled before their runs start [yr].
    lifetime : ndarray, (draw,)
        Accelerator service life [yr].
    rates : dict or None
        :func:`serving_tables_by_year` output (or :func:`serving_tables`, the same
        every year), or None for the ``fixed_throughput`` model.
    mix : ndarray, (year, type)
        Deployment mix by type [1].
    train_flops, software_eff, h100e : ndarray, (type,)
        Dense peak at the training precision [FLOP/s], software efficiency [1]
        and H100-equivalents per unit [1].
    planned_scale : ndarray, (draw, year, workload), optional
        Share of the tokens buyers built ahead for [1] (1 / the unforeseen agentic step).

    Returns
    -------
    dict of ndarray
        ``need_per_type`` (draw, year, type): devices of each type a year-end
        fleet would need to do all the work alone; ``xpus_by_type`` (draw, year,
        type), ``xpus_by_workload`` (draw, year, workload), ``xpus_by_use``
        (draw, year, use: inference, training, other AI, ramp-up, idle) for a
        fleet in the deployment mix; ``xpus_total``, ``h100e_total``,
        ``shipments_needed``, ``shipments_needed_h100e`` [units/yr] and
        ``token_rate_needed`` [token/s] (draw, year).

    Notes
    -----
    Serving is sized for each workload's peak plus ``headroom`` and a ``warm_h100e``
    floor, at the roofline rate under its latency targets x ``production_efficiency``
    x the yearly ``efficiency_gain``; the year-end fleet holds the work ``lead_years``
    ahead (:func:`build_ahead`) plus an unused ``idle_share``. With ``N_t`` type-t
    devices able to do all the work, shares ``m_t`` need ``N = 1 / Σ_t (m_t / N_t)``.
    """
    # efficiency gains relative to 2025, the year production_efficiency is fitted at
    gain = capped_growth(
        t - 2.0, np.ones_like(p.efficiency_gain), p.efficiency_gain, p.efficiency_gain_halflife
    )
    # device-seconds of capacity per device and year, at production efficiency
    available = SECONDS_PER_YEAR * p.production_efficiency[:, None] * gain / p.headroom[:, None]
    computed_in = input_tokens * (1.0 - p.prefix_cache_hit[:, None, None])
    peak = peak_to_average[:, None, :]  # capacity is sized for each workload's peak
    inv = seconds_per_token(rates, len(t)) if rates is not None else None
    n_inf = _inference_devices(computed_in * peak, output_tokens * peak, inv, p, h100e, available)
    train_rate = train_flops * software_eff  # FLOP/s per device, (type,)
    n_media = media_devices(media_flop, media, gain / p.headroom[:, None], train_rate)
    n_train = training_devices(training_flop, train_rate, p.training_mfu, p.training_goodput)
    n_other = _other_ai_devices(t, p, train_rate)
    n_serve = n_inf + n_media + n_other
    planned = n_serve.sum(axis=-1)
    if planned_scale is not None and np.any(planned_scale != 1.0):
        scale = peak * planned_scale  # the work buyers planned for: without the step
        planned = _planned_total(
            computed_in * scale, output_tokens * scale, inv, p, h100e, available
        )
        planned = planned + (n_media + n_other).sum(axis=-1)
    n_ahead = build_ahead(n_serve, lead_years, planned)
    n_ahead = n_ahead + build_ahead(n_train, training_lead_years, training_flop)
    n_all = n_ahead / (1.0 - p.idle_share[:, None, None])
    total, w = mixed_fleet(n_all, mix)
    by_use, media_units = _split_uses(total, w, n_all, (n_inf, n_train, n_other, n_ahead, n_media))
    tok = (computed_in * peak, output_tokens * peak)
    cw = w / available[..., None] / n_all * total[..., None]
    by_w = _by_workload(tok, inv, cw, by_use[..., 0] - media_units)
    by_type = total[..., None] * mix[None]
    h100e_total = dot_last(by_type, h100e[None, None])
    return {
        "need_per_type": n_all,
        "n_inf": n_inf,
        "xpus_by_type": by_type,
        "xpus_by_workload": by_w,
        "xpus_by_use": by_use,
        "xpus_media": media_units,
        "xpus_total": total,
        "h100e_total": h100e_total,
        "shipments_needed": shipments_needed(total, lifetime),
        "shipments_needed_h100e": shipments_needed(h100e_total, lifetime),
        "token_rate_needed": ((input_tokens + output_tokens) * peak).sum(axis=-1)
        * p.headroom[:, None]
        / SECONDS_PER_YEAR,
    }


def _other_ai_devices(t: np.ndarray, p: ComputeParams, train_rate: np.ndarray) -> np.ndarray:
    """Devices of each type that would run the rest of AI (recommenders, vision ...) alone,
    (draw, year, type) [units]: H100-equivalents on a capped path from 2024, at the BF16/TF32
    training precision such work mostly runs in (``train_rate`` (type,) [FLOP/s])."""
    other_h100e = capped_growth(
        t - 1.0, p.other_ai_h100e_2024, p.other_ai_growth, p.other_ai_growth_halflife
    )
    return other_h100e[..., None] * (H100_BF16_FLOPS / train_rate)[None, None, :]


def _planned_total(
    prefill: np.ndarray,
    output: np.ndarray,
    inv: tuple[np.ndarray, np.ndarray] | None,
    p: ComputeParams,
    h100e: np.ndarray,
    available: np.ndarray,
) -> np.ndarray:
    """:func:`_inference_devices` summed over types, (draw, year) [units]: the serving cost
    is summed over types first, so only the workloads are contracted (36x less work)."""
    inv_h = float((1.0 / h100e).sum())
    if inv is not None:
        total = (prefill * inv[0].sum(axis=-2) + output * inv[1].sum(axis=-2)).sum(axis=-1)
    else:
        total = (prefill + output).sum(axis=-1) / p.fixed_tokens_per_s[:, None] * inv_h
    return total / available + p.warm_h100e[:, None] * inv_h


def _inference_devices(
    prefill: np.ndarray,
    output: np.ndarray,
    inv: tuple[np.ndarray, np.ndarray] | None,
    p: ComputeParams,
    h100e: np.ndarray,
    available: np.ndarray,
) -> np.ndarray:
    """Devices of each type that would serve the peak tokens alone, (draw, year, type):
    ``prefill``/``output`` (draw, year, workload) [token/yr] at the device-seconds per
    token ``inv`` (or the fixed throughput), over ``available`` (draw, year) device-seconds
    per device and year, plus the ``warm_h100e`` floor [units]."""
    if inv is not None:
        n_inf = device_seconds(prefill, output, *inv)
    else:
        per_tok = 1.0 / (p.fixed_tokens_per_s[:, None, None, None] * h100e[None, None, :, None])
        n_inf = dot_last((prefill + output)[:, :, None, :], per_tok)
    return n_inf / available[..., None] + (p.warm_h100e[:, None, None] / h100e)[:, :, :]


def seconds_per_token(
    rates: Mapping[str, np.ndarray], n_year: int
) -> tuple[np.ndarray, np.ndarray]:
    """Device-seconds per prompt and per output token, (year, type, workload) [s], from
    serving rates with or without a year axis ((type, workload) tables repeat each year)."""
    out = []
    for k in ("prefill_rate", "decode_rate"):
        r = np.asarray(rates[k], dtype=float)
        out.append(1.0 / (np.broadcast_to(r, (n_year, *r.shape)) if r.ndim == 2 else r))
    return out[0], out[1]


def _split_uses(
    total: np.ndarray, w: np.ndarray, n_all: np.ndarray, parts: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Units by use (draw, year, use) of a fleet of ``total`` (draw, year) split by the
    mix weights ``w`` over ``n_all`` (draw, year, type), from the per-type needs
    ``parts`` = (token inference, training, other AI, all work held ahead, media);
    and the media units (draw, year) inside inference."""
    inf, train, other, ahead, media = (total * (w * n / n_all).sum(axis=-1) for n in parts)
    ramp = ahead - inf - train - other - media  # ramp-up: held ahead of the work
    return np.stack([inf + media, train, other, ramp, total - ahead], axis=-1), media


def _by_workload(
    tokens: tuple[np.ndarray, np.ndarray],
    inv: tuple[np.ndarray, np.ndarray] | None,
    cw: np.ndarray,
    units: np.ndarray,
) -> np.ndarray:
    """Token-inference ``units`` (draw, year) split by workload (draw, year, workload) in
    proportion to computed prefill and output ``tokens`` at peak times the device-seconds
    per token ``inv`` (year, type, workload), weighted by ``cw`` (draw, year, type); by
    token counts for the fixed-throughput model (``inv`` None)."""
    if inv is None:
        by_w = tokens[0] + tokens[1]
    else:
        by_w = tokens[0] * per_year_contract(cw, inv[0])
        by_w = by_w + tokens[1] * per_year_contract(cw, inv[1])
    return by_w / np.maximum(by_w.sum(axis=-1, keepdims=True), 1e-300) * units[..., None]


MODELS: Mapping[str, str] = {"roofline": "roofline", "fixed_throughput": "fixed_throughput"}
