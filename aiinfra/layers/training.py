"""Training time at scale: compute at an MFU that falls with the cluster size and with
the tensor-parallel communication the model's memory forces.

* FLOP = ``flop_per_param`` · P_active · tokens (6 for pre-training: forward 2, backward
  4; 4 for LoRA fine-tuning, which computes no weight gradients of the frozen model).
* Tensor parallelism: the smallest power of two (up to 8, within the scale-up domain)
  whose share of the activations -- 34·s·h bytes per layer and sequence with
  sequence parallelism and fused attention (Korthikanti et al., "Reducing Activation
  Recomputation in Large Transformer Models", arXiv:2205.05198, eq. 2 without the
  attention-score term) -- and of the resident weights fits in HBM. Pre-training keeps
  4 bytes of weights and gradients per parameter, spread over pipeline stages as well
  (the optimizer state is sharded over data parallel), so only activations set its
  degree; LoRA keeps the frozen weights whole on each tensor-parallel group.
* Each layer all-reduces its activations twice forward and twice backward over the
  scale-up link; :data:`TP_OVERLAP` of that hides behind the GEMMs. The rest adds
  ``(1 - overlap) · 16 h (tp - 1) · layers · peak · mfu / (F · P · link_bw)`` of the
  compute time.
* Per-device throughput at ``N`` devices scales as ``(N / 1024)^-alpha``
  (:func:`scale_efficiency`, fitted to MLPerf's fixed-size GPT-3 benchmark).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aiinfra.catalogs import Accelerator, Architecture
from aiinfra.layers.roofline import BYTES_PER_PARAM, MAX_TP, MEM_USABLE, Efficiency

__all__ = [
    "ACTIVATION_BYTES",
    "TP_OVERLAP",
    "TRAINING_SCALE_ALPHA",
    "TRAINING_SCALE_REFERENCE",
    "scale_efficiency",
    "tensor_parallel",
    "tp_comm_share",
    "train",
    "training_time",
]

# Per-device training throughput falls with the cluster at a fixed problem as N^-alpha:
# MLPerf Training v4.0 GPT-3 175B (NVIDIA Eos, NeMo 24.04, closed): 845 tokens/s per H100
# on 512 GPUs, 556 on 10,752 (mlcommons/training_results_v4.0, result_0 block timings):
# alpha = ln(845/556) / ln(10752/512) = 0.1375 (13.8x the throughput for 21x the GPUs).
TRAINING_SCALE_ALPHA = 0.1375
TRAINING_SCALE_REFERENCE = 1024  # devices at which the fitted training MFU holds
ACTIVATION_BYTES = 34.0  # per layer, token and hidden unit (bf16; Korthikanti et al. 2022)
# Share of the tensor-parallel all-reduces hidden behind GEMMs: assumption, half (NeMo's
# TP_COMM_OVERLAP splits GEMMs to overlap them; MLPerf configs enable it)
TP_OVERLAP = 0.5
LINK_EFF = Efficiency().comm_eff  # achieved share of the scale-up link bandwidth


def scale_efficiency(devices: Any, alpha: float = TRAINING_SCALE_ALPHA) -> np.ndarray:
    """Per-device training throughput at ``devices`` relative to 1,024 devices [1].

    ``(N / 1024)^-alpha``: communication, pipeline bubbles and stragglers grow with the
    cluster (fitted to MLPerf's fixed-size GPT-3 benchmark).
    """
    n = np.maximum(np.asarray(devices, dtype=float), 1.0)
    return np.power(n / TRAINING_SCALE_REFERENCE, -alpha)


def tensor_parallel(
    *,
    hidden: float,
    layers: float,
    seq_len: float,
    hbm_bytes: float,
    domain: float,
    resident_bytes: float = 0.0,
    micro_batch: float = 1.0,
) -> int:
    """Smallest tensor-parallel degree whose memory share fits one device [1].

    Activations ``34 · seq_len · micro_batch · hidden · layers`` [B] plus the
    ``resident_bytes`` every tensor-parallel group holds whole (frozen weights of a
    fine-tune; 0 for pre-training, whose weights spread over pipeline stages) [B],
    divided by the degree, within ``MEM_USABLE`` of ``hbm_bytes``; powers of two up to
    8 and the scale-up ``domain``; 8 when none fits (pipelining takes the rest).
    """
    act = ACTIVATION_BYTES * seq_len * micro_batch * hidden * layers
    top = int(min(MAX_TP, max(domain, 1)))
    tp = 1
    while tp < top and (act + resident_bytes) / tp > MEM_USABLE * hbm_bytes:
        tp *= 2
    return tp


def tp_comm_share(
    tp: Any,
    *,
    hidden: Any,
    layers: Any,
    active_params: Any,
    peak_flops: Any,
    mfu: Any,
    scaleup_bw: Any,
    flop_per_param: float = 6.0,
    act_bytes: float = 2.0,
    overlap: float = TP_OVERLAP,
) -> np.ndarray:
    """Exposed tensor-parallel communication over compute time [1].

    Four all-reduces per layer of ``hidden`` activations per token (``act_bytes``
    each; ring: ``2 (tp - 1) / tp`` of it per device) over ``scaleup_bw`` [B/s] at
    :data:`LINK_EFF`, against ``flop_per_param · P / tp`` FLOP per token per device at
    ``peak_flops · mfu``; ``1 - overlap`` of it is exposed.
    """
    t = np.asarray(tp, dtype=float)
    comm = 4.0 * layers * hidden * act_bytes * 2.0 * (t - 1.0) / (scaleup_bw * LINK_EFF)
    compute = flop_per_param * np.asarray(active_params, dtype=float) / (peak_flops * mfu)
    return (1.0 - overlap) * comm / compute


def training_time(
    tokens: Any,
    *,
    active_params: Any,
    devices: Any,
    peak_flops: Any,
    mfu: Any,
    flop_per_param: float = 6.0,
    tp_share: Any = 0.0,
) -> dict[str, np.ndarray]:
    """Time to train on ``tokens`` tokens: FLOP = ``flop_per_param`` · P_active · D.

    ``mfu`` holds at 1,024 devices without tensor-parallel communication; other
    cluster sizes scale it by :func:`scale_efficiency` and the exposed communication
    ``tp_share`` (:func:`tp_comm_share`) lengthens the step. Returns ``flop`` [FLOP],
    ``seconds`` [s], ``device_hours`` [h] and ``mfu`` (achieved, at this cluster size
    and parallelism) [1].
    """
    flop = flop_per_param * np.asarray(active_params, dtype=float) * np.asarray(tokens, dtype=float)
    mfu_n = np.asarray(mfu, dtype=float) * scale_efficiency(devices) / (1.0 + np.asarray(tp_share))
    seconds = flop / (np.asarray(devices, dtype=float) * peak_flops * mfu_n)
    return {
        "flop": flop,
        "seconds": seconds,
        "device_hours": seconds * devices / 3600.0,
        "mfu": mfu_n,
    }


def train(
    acc: Accelerator,
    arch: Architecture,
    *,
    tokens: float,
    devices: int,
    precision: str,
    mfu: float,
    lora: bool = False,
    seq_len: float | None = None,
) -> dict[str, Any]:
    """Training of ``arch`` on ``devices`` x ``acc`` for ``tokens`` tokens.

    Pre-training (6 FLOP per parameter and token) or LoRA fine-tuning (``lora``: 4,
    the frozen weights resident on every tensor-parallel group); sequences of
    ``seq_len`` tokens (default: the model's context, at most 8,192); the tensor
    parallelism the memory forces (:func:`tensor_parallel`) and its exposed
    communication (:func:`tp_comm_share`). ``mfu`` holds at 1,024 devices without
    that communication. Returns :func:`training_time`'s results plus ``tp`` [1] and
    ``tp_share`` [1].
    """
    seq = float(seq_len or min(arch.max_context, 8192))
    resident = arch.total_params * BYTES_PER_PARAM[precision] if lora else 0.0
    tp = tensor_parallel(
        hidden=arch.hidden,
        layers=arch.layers,
        seq_len=seq,
        hbm_bytes=acc.hbm_bytes,
        domain=acc.scaleup_domain,
        resident_bytes=resident,
    )
    fpp = 4.0 if lora else 6.0
    share = tp_comm_share(
        tp,
        hidden=arch.hidden,
        layers=arch.layers,
        active_params=arch.active_params,
        peak_flops=acc.peak(precision),
        mfu=mfu,
        scaleup_bw=acc.scaleup_bw,
        flop_per_param=fpp,
    )
    out = training_time(
        tokens,
        active_params=arch.active_params,
        devices=devices,
        peak_flops=acc.peak(precision),
        mfu=mfu,
        flop_per_param=fpp,
        tp_share=share,
    )
    return {**out, "tp": tp, "tp_share": float(share)}
