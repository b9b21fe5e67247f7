"""Roofline LLM performance of one accelerator system (inference and training).

Roofline of one model replica on ``tp`` devices (tensor/expert parallel over
the scale-up link), serving ``batch`` sequences with continuous batching:

* prefill of ``n_in`` tokens is compute-bound:
  FLOP = 2·P_active·n_in + 2·layers·n_in²·d_attn;
* one decode step reads the weights the batch touches (all of a dense model;
  for an MoE the expected share of experts hit by ``batch`` tokens,
  ``1 - (1 - k/E)^batch``) and each sequence's KV cache
  (``kv_elems_per_token · context · kv_bytes``), and does 2·P_active FLOP per
  token; linear layers take ``max(weight bytes / BW, FLOP / peak, all-reduce
  bytes / link BW)``, attention adds its KV reads on top;
* steady-state output tokens/s of a replica = ``batch / (t_step + batch/n_out ·
  t_prefill)`` (prefills interleaved with decode on the same devices).

Achieved rates are peak x efficiency: ``mfu`` for compute, ``mbu`` for HBM,
``comm_eff`` for the scale-up link, each times the accelerator's
``software_efficiency`` (fitted once to MLPerf, see ``data/validation.csv``).

Everything is plain numpy with broadcasting, so hardware, model, batch and
parallelism may each be arrays (the ``auto`` search adds grid axes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from aiinfra.catalogs import Accelerator, Architecture, step_overhead_factor
from aiinfra.layers.serving import (
    LOAD_GRID,
    LatencyTarget,
    chunk_rate,
    tpot_at,
    tpot_variance,
    ttft,
)

__all__ = [
    "ACT_BYTES",
    "BATCH_GRID",
    "BYTES_PER_PARAM",
    "KV_BYTES",
    "MAX_TP",
    "MBU_CEILING",
    "MEM_USABLE",
    "MFU_CEILING",
    "SCALEOUT_BW",
    "SECONDS_PER_YEAR",
    "TP_GRID",
    "Efficiency",
    "arch_arrays",
    "best_inference",
    "decode_step",
    "expert_coverage",
    "hw_arrays",
    "inference_roofline",
    "max_batch",
    "pipeline_stages",
    "prefill_time",
    "sweep",
]

SECONDS_PER_YEAR = 365.25 * 86400.0
BYTES_PER_PARAM = {"bf16": 2.0, "fp8": 1.0, "fp4": 0.5}
# KV cache stays in FP8 for low-precision deployments (as in MLPerf submissions).
KV_BYTES = {"bf16": 2.0, "fp8": 1.0, "fp4": 1.0}
ACT_BYTES = 2.0  # activations exchanged between devices in bf16
MEM_USABLE = 0.9  # share of HBM left for weights + KV after runtime/activation reserve
BATCH_GRID = np.unique(np.round(np.geomspace(1, 8192, 97)).astype(int)).astype(float)
TP_GRID = 2.0 ** np.arange(0, 9)  # 1 .. 256 devices per replica
SCALEOUT_BW = 50e9  # B/s per device: one 400G NIC per accelerator
MAX_TP = 8  # tensor-parallel degree; larger replicas use pipeline/expert stages
# Latency of one all-reduce (or stage hand-off) on the critical path [s]: assumption, the
# few microseconds of TensorRT-LLM's one-shot/two-shot all-reduce over NVSwitch for
# decode-sized messages (NVIDIA technical blog "3x faster AllReduce with NVSwitch and
# TensorRT-LLM MultiShot", Nov 2024); NCCL's ring is slower, so this is the optimistic end.
ALLREDUCE_LATENCY_S = 5e-6
# Ceilings of the achieved shares of peak, whatever the software factor: large dense GEMMs
# sustain ~75-80 % of the tensor-core peak and streaming kernels ~90 % of the HBM
# bandwidth (assumption, from vendor GEMM and bandwidth microbenchmarks).
MFU_CEILING = 0.8
MBU_CEILING = 0.9


@dataclass(frozen=True)
class Efficiency:
    """Achieved fraction of peak (before the accelerator's software factor).

    Defaults are the fit to MLPerf Inference (``aiinfra.validation``).

    Attributes
    ----------
    mfu : float
        Achieved share of the dense peak in GEMMs and attention [1].
    mbu : float
        Achieved share of the HBM bandwidth [1].
    comm_eff : float
        Achieved share of the scale-up link bandwidth [1].
    fp4_gemm : float
        FP4 GEMMs run at this multiple of the FP8 rate [1]: block-scale handling, FP8
        activations in parts of the pipeline and power limits keep NVFP4 near FP8 speed
        (GB300's 1.5x FP4 peak over GB200 bought +16 % on MLPerf Llama 3.1 405B);
        attention stays FP8.
    layer_overhead_s : float
        Fixed time per layer and decode iteration [s]: launch and tail latency of the
        layer's dozen kernels, which no batch amortises.
    gemm_tile_rows : float
        Rows a GEMM pays for beyond its batch [tokens]: tensor-core tiles and waves run
        partly empty at small batch, so a batch of ``b`` tokens costs ``b + tile_rows``.
    """

    mfu: float = 0.721
    mbu: float = 0.665
    comm_eff: float = 0.70
    fp4_gemm: float = 1.122
    layer_overhead_s: float = 6.32e-05
    gemm_tile_rows: float = 64.0


def expert_coverage(batch: Any, n_experts: Any, top_k: Any) -> np.ndarray:
    """Expected share of routed experts a batch of tokens touches per layer [1].

    ``1 - (1 - k/E)^batch`` under uniform routing; 1 for dense models (E <= k).
    """
    e = np.asarray(n_experts, dtype=float)
    k = np.asarray(top_k, dtype=float)
    p_miss = np.where(e > k, 1.0 - k / np.maximum(e, 1.0), 0.0)
    return 1.0 - np.power(p_miss, np.asarray(batch, dtype=float))


def prefill_time(
    n_in: Any,
    *,
    active_params: Any,
    layers: Any,
    attn_dim: Any,
    hidden: Any,
    peak_flops: Any,
    scaleup_bw: Any,
    tp: Any,
    mfu: Any,
    comm_eff: Any,
    domain: Any = np.inf,
    peak_attn: Any = None,
    mfu_attn: Any = None,
) -> np.ndarray:
    """Time to prefill one sequence of ``n_in`` tokens on a replica of ``tp`` devices [s].

    GEMMs, attention and the tensor-parallel all-reduces run one after another (the
    all-reduce of a layer's output is on the critical path of the next layer).

    Parameters
    ----------
    n_in : array_like
        Prompt tokens [tokens].
    active_params : array_like
        Parameters used per token [1].
    layers, attn_dim, hidden : array_like
        Transformer depth, query width (heads x head_dim) and hidden size [1].
    peak_flops : array_like
        Dense peak per device at the run's precision [FLOP/s].
    scaleup_bw : array_like
        Scale-up link bandwidth per device and direction [B/s].
    tp : array_like
        Devices per replica [1].
    mfu, comm_eff : array_like
        Achieved fraction of peak compute and link bandwidth [1].
    domain : array_like
        Devices in one scale-up domain [1].
    peak_attn, mfu_attn : array_like, optional
        Peak [FLOP/s] and efficiency [1] of the attention math (default: as the GEMMs).
    """
    n = np.asarray(n_in, dtype=float)
    pa = peak_flops if peak_attn is None else peak_attn
    ma = mfu if mfu_attn is None else mfu_attn
    t_gemm = 2.0 * active_params * n / (tp * peak_flops * mfu)
    t_attn = 2.0 * layers * n * n * attn_dim / (tp * pa * ma)
    t_comm = _allreduce_time(n, layers, hidden, scaleup_bw, tp, comm_eff, domain)
    return t_gemm + t_attn + t_comm


def pipeline_stages(tp: Any, domain: Any = np.inf) -> np.ndarray:
    """Pipeline stages of a replica of ``tp`` devices: tensor parallel up to :data:`MAX_TP`
    inside the scale-up ``domain``, stages beyond [1]."""
    tp = np.asarray(tp, dtype=float)
    return np.ceil(tp / np.minimum(np.minimum(tp, domain), MAX_TP))


def _allreduce_time(
    tokens: Any, layers: Any, hidden: Any, bw: Any, tp: Any, eff: Any, domain: Any = np.inf
) -> Any:
    """Communication time per device for one pass of ``tokens`` tokens [s].

    Tensor parallelism up to :data:`MAX_TP` devices: two ring all-reduces of
    the activations per layer over the scale-up link (bandwidth ``bw``).
    Larger replicas add pipeline (or expert) stages that pass the activations
    once per stage boundary, over the scale-up link inside the domain and the
    scale-out NIC beyond it. Each all-reduce and hand-off also costs
    :data:`ALLREDUCE_LATENCY_S`.
    """
    tp = np.asarray(tp, dtype=float)
    t_in = np.minimum(np.minimum(tp, domain), MAX_TP)
    stages = pipeline_stages(tp, domain)  # each stage holds layers / stages layers
    n_ar = np.where(t_in > 1.0, 2.0 * layers / stages, 0.0)
    vol = n_ar * tokens * hidden * ACT_BYTES * 2.0 * (t_in - 1.0) / t_in
    p2p = np.where(stages > 1, tokens * hidden * ACT_BYTES * (stages - 1.0) / tp, 0.0)
    link = np.where(tp <= domain, bw, SCALEOUT_BW)
    latency = (n_ar + (stages - 1.0) / stages) * ALLREDUCE_LATENCY_S
    return vol / (bw * eff) + p2p / (link * eff) + latency


def decode_step(
    batch: Any,
    context: Any,
    *,
    arch: Mapping[str, Any],
    hw: Mapping[str, Any],
    weight_bytes: Any,
    kv_bytes: Any,
    tp: Any,
    eff: Mapping[str, Any],
) -> dict[str, np.ndarray]:
    """Time of one decode step of ``batch`` sequences at mean ``context`` [s].

    The parts run one after another: weight reads and the linear layers' math
    (kernels near the ridge point overlap them poorly), the tensor-parallel
    all-reduces, the KV reads and attention math, and a fixed time per layer
    (``eff["overhead"]`` [s], default 0) for the layers one device runs; GEMMs pay
    for ``eff["tile_rows"]`` rows beyond the batch. Returns ``t_step`` and its parts
    ``t_weights`` (weight reads), ``t_linear`` (linear-layer compute), ``t_comm``
    (all-reduce), ``t_kv`` (KV reads) and ``t_attn_flop``, all in seconds.
    """
    b = np.asarray(batch, dtype=float)
    cov = expert_coverage(b, arch["n_experts"], arch["experts_per_token"])
    w_bytes = (arch["shared_params"] + arch["expert_params"] * cov) * weight_bytes
    bw = hw["hbm_bw"] * eff["mbu"]
    fl = hw["peak_flops"] * eff["mfu"]
    fl_attn = hw.get("peak_attn", hw["peak_flops"]) * eff.get("mfu_attn", eff["mfu"])
    t_weights = w_bytes / tp / bw
    t_linear = 2.0 * arch["active_params"] * (b + eff.get("tile_rows", 0.0)) / (tp * fl)
    t_comm = _allreduce_time(
        b, arch["layers"], arch["hidden"], hw["scaleup_bw"], tp, eff["comm"], hw["domain"]
    )
    kv_read = b * context * arch["kv_elems_per_token"] * kv_bytes / tp / bw
    attn_flop = 4.0 * arch["layers"] * context * arch["attn_dim"] * b / (tp * fl_attn)
    fixed = eff.get("overhead", 0.0) * arch["layers"] / pipeline_stages(tp, hw["domain"])
    t_step = t_weights + t_linear + t_comm + kv_read + attn_flop + fixed
    return {
        "t_step": t_step,
        "t_weights": t_weights,
        "t_linear": t_linear,
        "t_comm": t_comm,
        "t_kv": kv_read,
        "t_attn_flop": attn_flop,
    }


def max_batch(*, hbm_bytes: Any, tp: Any, weights_bytes: Any, kv_bytes_per_seq: Any) -> np.ndarray:
    """Largest number of sequences whose KV cache fits next to the weights [1]."""
    free = tp * hbm_bytes * MEM_USABLE - weights_bytes
    return np.where(free > 0, np.floor(np.maximum(free, 0.0) / kv_bytes_per_seq), 0.0)


def inference_roofline(
    *,
    arch: Mapping[str, Any],
    hw: Mapping[str, Any],
    precision_bytes: tuple[Any, Any],
    tp: Any,
    batch: Any,
    n_in: Any,
    n_out: Any,
    eff: Mapping[str, Any],
    slots: Any = None,
) -> dict[str, np.ndarray]:
    """Throughput and latency of one replica at a given ``tp`` and ``batch``.

    ``batch`` is the mean number of sequences decoding together; ``slots``
    (default ``batch``) the sequences the replica holds KV cache for.

    Returns (broadcast over all inputs): ``tokens_per_s`` output tokens/s per
    replica, ``prefill_tokens_per_s`` and ``decode_tokens_per_s`` per replica,
    ``ttft_s`` (one prefill) and ``t_step_s`` (one decode step) [s], ``tpot_s``
    (one decode cycle with the interleaved prefills, its mean),
    ``prefill_share_s`` (the prefill seconds in it) and ``t_batch_s`` (the part of
    a step proportional to the batch) [s], ``memory_bytes`` per
    device, ``fits`` (bool), ``t_compute``/``t_memory``/``t_comm`` seconds per
    output token (which roof binds), ``max_batch``.
    """
    wb, kvb = precision_bytes
    weights = arch["total_params"] * wb
    # paged KV cache (PagedAttention, Kwon et al. SOSP 2023; TensorRT-LLM's paged KV):
    # blocks are allocated as tokens are generated, so a live sequence holds its
    # prompt and on average half its output
    ctx_mean = n_in + 0.5 * n_out
    kv_seq = arch["kv_elems_per_token"] * kvb * ctx_mean
    bmax = max_batch(
        hbm_bytes=hw["hbm_bytes"], tp=tp, weights_bytes=weights, kv_bytes_per_seq=kv_seq
    )
    n_slots = np.asarray(batch if slots is None else slots, dtype=float)
    t_pre = prefill_time(
        n_in,
        active_params=arch["active_params"],
        layers=arch["layers"],
        attn_dim=arch["attn_dim"],
        hidden=arch["hidden"],
        peak_flops=hw["peak_flops"],
        scaleup_bw=hw["scaleup_bw"],
        tp=tp,
        mfu=eff["mfu"],
        comm_eff=eff["comm"],
        domain=hw["domain"],
        peak_attn=hw.get("peak_attn"),
        mfu_attn=eff.get("mfu_attn"),
    )
    d = decode_step(
        batch, ctx_mean, arch=arch, hw=hw, weight_bytes=wb, kv_bytes=kvb, tp=tp, eff=eff
    )
    b = np.asarray(batch, dtype=float)
    pre_share = b / n_out * t_pre  # prefill seconds per decode step
    t_cycle = d["t_step"] + pre_share
    tokens = b / t_cycle
    per_tok = 1.0 / np.maximum(b, 1e-30)
    t_memory = (d["t_weights"] + d["t_kv"]) * per_tok
    t_compute = (d["t_linear"] + d["t_attn_flop"] + pre_share) * per_tok
    mem = (weights + n_slots * kv_seq) / tp
    return {
        "tokens_per_s": tokens,
        "prefill_tokens_per_s": n_in / t_pre,
        "decode_tokens_per_s": b / d["t_step"],
        "ttft_s": t_pre,
        "t_step_s": d["t_step"],
        "tpot_s": t_cycle,
        "prefill_share_s": pre_share,
        "t_batch_s": d["t_linear"] + d["t_comm"] + d["t_kv"] + d["t_attn_flop"],
        "memory_bytes": mem,
        "fits": (n_slots <= bmax) & (n_slots >= 1),
        "t_compute": t_compute,
        "t_memory": t_memory,
        "t_comm": d["t_comm"] * per_tok,
        "max_batch": bmax,
    }


def arch_arrays(a: Architecture) -> dict[str, float]:
    """Architecture fields used by the roofline (parameters, not billions)."""
    return {
        "total_params": a.total_params,
        "active_params": a.active_params,
        "shared_params": a.shared_params,
        "expert_params": a.expert_params,
        "n_experts": float(a.n_experts),
        "experts_per_token": float(a.experts_per_token),
        "layers": float(a.layers),
        "hidden": float(a.hidden),
        "attn_dim": float(a.attn_dim),
        "kv_elems_per_token": a.kv_elems_per_token,
    }


def hw_arrays(accs: Sequence[Accelerator], precision: str) -> dict[str, np.ndarray]:
    """Stack accelerator fields into arrays (one entry per accelerator).

    ``peak_attn`` is the attention math's peak: FP8 when the weights are FP4
    (attention and the KV cache stay in FP8, as in MLPerf submissions).
    """
    attn = "fp8" if precision == "fp4" else precision
    return {
        "peak_flops": np.array([a.peak(precision) for a in accs]),
        "peak_attn": np.array([a.peak(attn) for a in accs]),
        "hbm_bytes": np.array([a.hbm_bytes for a in accs]),
        "hbm_bw": np.array([a.hbm_bw for a in accs]),
        "scaleup_bw": np.array([a.scaleup_bw for a in accs]),
        "domain": np.array([float(a.scaleup_domain) for a in accs]),
        "software_efficiency": np.array([a.software_efficiency for a in accs]),
        "overhead_factor": np.array([step_overhead_factor(a) for a in accs]),
    }


def best_inference(
    accs: Sequence[Accelerator],
    arch: Architecture,
    *,
    devices: int | None = None,
    batch: int | None = None,
    n_in: Any = 294.0,
    n_out: Any = 290.0,
    precision: str = "fp8",
    efficiency: Efficiency | None = None,
    tpot_slo_s: float | None = None,
    target: LatencyTarget | None = None,
    replica: int | None = None,
) -> dict[str, np.ndarray]:
    """Throughput-optimal configuration per accelerator (and per n_in/n_out entry).

    ``replica`` fixes the devices per replica (a stated tensor-parallel degree) instead of
    searching it.

    Searches the replica size (powers of two up to ``devices``, or up to 256;
    tensor parallel up to 8, pipeline stages beyond, over the scale-out NIC
    outside the scale-up domain), the batch slots (``batch`` or a grid up to the
    memory limit) and, under a ``target`` with a TTFT, the load (share of slots
    busy, :mod:`aiinfra.layers.serving`) that meet the latency targets
    (``tpot_slo_s`` alone is a TPOT target without queueing). Returns
    per-accelerator arrays shaped like ``broadcast(len(accs), n_in, n_out)``:
    per-device rates, latencies and the chosen configuration. Entries where no
    configuration fits or meets the targets have ``tokens_per_s = 0`` and
    ``fits = False``.
    """
    if target is None and tpot_slo_s is not None:
        target = LatencyTarget(tpot_s=float(tpot_slo_s))
    n_in = np.asarray(n_in, dtype=float)
    n_out = np.asarray(n_out, dtype=float)
    nd = max(1, n_in.ndim, n_out.ndim)
    # accelerator axis first; n_in/n_out broadcast against (acc, 1, ...)
    np.broadcast_shapes((len(accs),) + (1,) * (nd - 1), n_in.shape, n_out.shape)
    res, cfg = sweep(
        accs, arch, nd, n_in, n_out, devices, batch, precision, efficiency, target, replica
    )
    per_device = np.where(cfg["ok"], res["tokens_per_s"] / cfg["tp"], 0.0)
    full = np.broadcast_to(per_device, np.broadcast_shapes(per_device.shape, cfg["ok"].shape))
    flat = full.reshape((*full.shape[:nd], -1))
    idx = flat.argmax(axis=-1)

    def pick(x: np.ndarray) -> np.ndarray:
        xb = np.broadcast_to(x, full.shape).reshape(flat.shape)
        return np.take_along_axis(xb, idx[..., None], axis=-1)[..., 0]

    tp = cfg["tp"]
    return {
        "tokens_per_s_per_device": pick(per_device),
        "tokens_per_s_per_user": pick(1.0 / res["tpot_s"]),
        "prefill_tokens_per_s_per_device": pick(res["prefill_tokens_per_s"] / tp),
        "decode_tokens_per_s_per_device": pick(res["decode_tokens_per_s"] / tp),
        "ttft_s": pick(cfg["ttft"]),
        "tpot_s": pick(cfg["tpot"]),
        "memory_bytes": pick(res["memory_bytes"]),
        "t_compute": pick(res["t_compute"]),
        "t_memory": pick(res["t_memory"]),
        "t_comm": pick(res["t_comm"]),
        "batch": pick(cfg["slots"]),
        "load": pick(cfg["rho"]),
        "tp": pick(tp),
        "fits": pick(cfg["ok"].astype(float)) > 0,
    }


def sweep(
    accs: Sequence[Accelerator],
    arch: Architecture,
    nd: int,
    n_in: np.ndarray,
    n_out: np.ndarray,
    devices: int | None,
    batch: int | None,
    precision: str,
    efficiency: Efficiency | None,
    target: LatencyTarget | None,
    replica: int | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Roofline of every (accelerator, n_in/n_out, tp, slots, load) configuration
    (``tp`` the devices per replica: :data:`TP_GRID`, or only ``replica`` when given).

    Returns the :func:`inference_roofline` results and the configuration arrays
    ``tp``, ``slots``, ``rho``, ``ttft`` (at the target's percentile) [s] and
    ``tpot`` (at the target's percentile; the mean without a target) [s] and
    ``ok`` (fits the devices and memory and meets the targets), broadcastable
    to shape (acc, ..., tp, slots, load).
    """
    eff = efficiency or Efficiency()
    hw = hw_arrays(accs, precision)
    se = hw.pop("software_efficiency")
    host = hw.pop("overhead_factor")
    extra = (1,) * (nd - 1 + 3)

    def grid(x: np.ndarray) -> np.ndarray:  # add tp, slot and load axes
        return np.asarray(x, dtype=float).reshape(np.shape(x) + (1,) * (3 + nd - np.ndim(x)))

    hw_g = {k: v.reshape((-1, *extra)) for k, v in hw.items()}
    se_g = se.reshape((-1, *extra))
    host_g = host.reshape((-1, *extra))
    grid_tp = TP_GRID if replica is None else np.array([float(replica)])
    tp = grid_tp.reshape((1,) * nd + (-1, 1, 1))
    slots = (np.array([float(batch)]) if batch else BATCH_GRID).reshape((1,) * nd + (1, -1, 1))
    queues = target is not None and target.queues
    rho = (LOAD_GRID if queues else np.ones(1)).reshape((1,) * nd + (1, 1, -1))
    limit = TP_GRID[-1] if devices is None else float(devices)
    # FP4 GEMMs run at fp4_gemm x the FP8 rate (hw["peak_attn"] is FP8 for FP4 weights)
    gemm = eff.fp4_gemm * hw_g["peak_attn"] / hw_g["peak_flops"] if precision == "fp4" else 1.0
    mfu = np.minimum(eff.mfu * se_g, MFU_CEILING)  # software gains stop at the ceilings
    effd = {
        "mfu": mfu * gemm,
        "mfu_attn": mfu,
        "mbu": np.minimum(eff.mbu * se_g, MBU_CEILING),
        "comm": eff.comm_eff * se_g,
        "overhead": eff.layer_overhead_s * host_g,
        "tile_rows": eff.gemm_tile_rows,
    }
    n_out_g = grid(n_out)
    common = {
        "arch": arch_arrays(arch),
        "hw": hw_g,
        "precision_bytes": (BYTES_PER_PARAM[precision], KV_BYTES[precision]),
        "tp": tp,
        "n_in": grid(n_in),
        "n_out": n_out_g,
        "eff": effd,
    }
    # rho x slots sequences decode on average: one token each per cycle (Little's law)
    res = dict(inference_roofline(batch=slots * rho, slots=slots, **common))
    ok = res["fits"] & (tp <= limit)
    first = res["ttft_s"] + res["t_step_s"]
    tpot = res["tpot_s"]
    if target is not None:
        var = tpot_variance(
            res["prefill_share_s"], slots * rho, res["t_batch_s"], res["ttft_s"], n_out_g
        )
        rate = chunk_rate(
            t_step_s=res["t_step_s"],
            prefill_share_s=res["prefill_share_s"],
            t_prefill_s=res["ttft_s"],
            n_out=n_out_g,
            tpot_var_s2=var,
            tpot_target_s=target.tpot_s,
            percentile=target.percentile,
        )
        tpot = tpot_at(res["t_step_s"], res["prefill_share_s"], var, target.percentile)
        ok = ok & (tpot <= target.tpot_s)
        if queues:
            first = ttft(
                slots=slots,
                rho=rho,
                n_out=n_out_g,
                t_prefill_s=res["ttft_s"],
                t_step_s=res["t_step_s"],
                t_cycle_s=res["tpot_s"],
                percentile=target.percentile,
                prefill_rate=rate,
            )
        ok = ok & (first <= target.ttft_s)
    return res, {"tp": tp, "slots": slots, "rho": rho, "ttft": first, "tpot": tpot, "ok": ok}
