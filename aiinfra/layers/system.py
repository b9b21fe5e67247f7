"""One accelerator system serving one model: its best configuration as a record.

:func:`perf` runs :func:`aiinfra.layers.roofline.best_inference` for ``devices`` x
one accelerator and returns a :class:`PerfResult` (system and per-device rates,
latencies, the replica size and batch chosen, the binding roof), or raises
:class:`~aiinfra.errors.AiinfraError` with the reason when nothing fits or meets the
latency targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from aiinfra.catalogs import Accelerator, Architecture
from aiinfra.layers.roofline import BYTES_PER_PARAM, MEM_USABLE, Efficiency, best_inference
from aiinfra.layers.serving import LatencyTarget

__all__ = ["PerfResult", "bound_of", "perf"]


@dataclass(frozen=True)
class PerfResult:
    """Best configuration of an accelerator x model pair (per device rates)."""

    tokens_per_s: float  # output tokens/s of the whole system (all devices)
    tokens_per_s_per_device: float  # output tokens/s per device
    tokens_per_s_per_user: float  # output tokens/s one user sees (1 / TPOT)
    prefill_tokens_per_s: float  # system prompt tokens/s when only prefilling
    decode_tokens_per_s: float  # system output tokens/s when only decoding
    ttft_s: float  # time to first token (at the target's percentile when queueing)
    tpot_s: float  # time per output token, interleaved prefills included (percentile as ttft)
    memory_gb: float  # per device
    bound: str
    batch: int  # sequence slots per replica
    load: float  # mean share of the slots busy (1 = Offline)
    tp: int  # devices per replica
    replicas: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly mapping."""
        return dict(self.__dict__)


def bound_of(t_compute: Any, t_memory: Any, t_comm: Any) -> np.ndarray:
    """Which roof dominates: 'compute', 'memory' or 'communication'."""
    stack = np.stack(np.broadcast_arrays(t_compute, t_memory, t_comm))
    names = np.array(["compute", "memory", "communication"])
    return names[stack.argmax(axis=0)]


def perf(
    acc: Accelerator,
    arch: Architecture,
    *,
    devices: int = 8,
    batch: int | None = None,
    n_in: float = 294.0,
    n_out: float = 294.45,
    precision: str = "fp8",
    efficiency: Efficiency | None = None,
    tpot_slo_s: float | None = None,
    target: LatencyTarget | None = None,
    replica: int | None = None,
) -> PerfResult:
    """Inference performance of ``devices`` x ``acc`` serving ``arch``.

    ``replica`` fixes the devices per replica (default: searched).

    ``batch=None`` picks the throughput-optimal batch that fits in memory (what
    an MLPerf Offline run measures), or under ``target`` the largest throughput
    that meets its TTFT and TPOT (Server, Interactive). Raises
    :class:`AiinfraError` when the model cannot fit on the devices at any
    parallelism, or no configuration meets the targets.
    """
    from aiinfra.errors import AiinfraError

    if devices < 1:
        msg = f"devices must be >= 1, got {devices}"
        raise AiinfraError(msg)
    kw = {
        "devices": devices,
        "replica": replica,
        "batch": batch,
        "n_in": n_in,
        "n_out": n_out,
        "precision": precision,
        "efficiency": efficiency,
    }
    r = best_inference([acc], arch, tpot_slo_s=tpot_slo_s, target=target, **kw)
    if not bool(r["fits"][0]) and (target is not None or tpot_slo_s is not None):
        loose = best_inference([acc], arch, **kw)
        if bool(loose["fits"][0]):
            tgt = target or LatencyTarget(tpot_s=float(tpot_slo_s or np.inf))
            msg = (
                f"no configuration of {devices} x {acc.name} serving {arch.name} meets "
                f"TTFT <= {tgt.ttft_s * 1e3:g} ms and TPOT <= {tgt.tpot_s * 1e3:g} ms "
                f"(best unconstrained TPOT {float(loose['tpot_s'][0]) * 1e3:,.0f} ms); "
                "relax the targets, add --devices or lower --precision"
            )
            raise AiinfraError(msg)
    if not bool(r["fits"][0]):
        weights_gb = arch.total_params * BYTES_PER_PARAM[precision] / 1e9
        usable_gb = devices * acc.hbm_bytes * MEM_USABLE / 1e9
        what = f"batch {batch}" if batch else "even one sequence"
        msg = (
            f"{arch.name} does not fit: {weights_gb:,.0f} GB of {precision} weights plus the KV "
            f"cache of {what} need more than the {usable_gb:,.0f} GB usable on {devices} x "
            f"{acc.name}; add --devices, lower --precision or --batch"
        )
        raise AiinfraError(msg)
    tp = int(r["tp"][0])
    replicas = devices // tp
    used = tp * replicas
    return PerfResult(
        tokens_per_s=float(r["tokens_per_s_per_device"][0]) * used,
        tokens_per_s_per_device=float(r["tokens_per_s_per_device"][0]) * used / devices,
        tokens_per_s_per_user=float(r["tokens_per_s_per_user"][0]),
        prefill_tokens_per_s=float(r["prefill_tokens_per_s_per_device"][0]) * used,
        decode_tokens_per_s=float(r["decode_tokens_per_s_per_device"][0]) * used,
        ttft_s=float(r["ttft_s"][0]),
        tpot_s=float(r["tpot_s"][0]),
        memory_gb=float(r["memory_bytes"][0]) / 1e9,
        bound=str(bound_of(r["t_compute"], r["t_memory"], r["t_comm"])[0]),
        batch=int(r["batch"][0]),
        load=float(r["load"][0]),
        tp=tp,
        replicas=replicas,
    )
