"""Serving under latency targets: queueing of a continuously batched replica.

A replica with ``slots`` sequence slots (its batch limit) serves Poisson
arrivals at ``rho`` (the load) times its capacity, the throughput with every
slot full. It is then busy a share ``rho`` of the time and

* the mean decode batch is ``a = rho · slots``; per decode cycle of ``t_cycle =
  t_step(a) + a/n_out · t_prefill`` (prefills of new arrivals interleaved with
  decoding, as chunked prefill does) every sequence receives one token, so the
  throughput is ``a / t_cycle`` [output token/s per replica] (Little's law), TPOT
  = ``t_cycle`` (prefill interference included) and tokens/s per user = 1/TPOT;
* TTFT (at the ``percentile``) = wait for a free slot (M/M/c with c = slots,
  holding time ``n_out · t_cycle``; Sakasegawa's approximation of the waiting
  probability, exponential tail) + wait behind the other prompts (M/G/1 at the
  share of the time spent prefilling, Kingman's ``(1 + c_s²)/2`` scaling of
  the exponential tail with the prompts' squared coefficient of variation
  :data:`PROMPT_CV2`) + one prefill + one decode step, the prefills slowed by the
  decode steps between their chunks, chunks as long as the TPOT target allows
  (:func:`chunk_rate`);
* TPOT (at the ``percentile``, as MLPerf measures it per request): the mean cycle
  of one request varies with the batch it shares over its life, the prefills of
  the requests that arrive meanwhile (:func:`tpot_variance`) and the chunks they
  are cut into (:func:`chunk_rate`).

MLPerf Inference sets the targets of its scenarios (Llama-2-70B: Server TTFT
<= 2 s and TPOT <= 200 ms, Interactive TTFT <= 450 ms and TPOT <= 40 ms, both at
the 99th percentile; mlcommons/inference, language/llama2-70b/README.md);
Offline has none and runs every slot full.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

__all__ = [
    "LOAD_GRID",
    "PROMPT_CV2",
    "SCENARIOS",
    "LatencyTarget",
    "chunk_rate",
    "prefill_wait",
    "slot_wait",
    "target_for",
    "tpot_at",
    "tpot_variance",
    "ttft",
]

# Loads (share of capacity offered) the search tries; 1 = Offline, every slot full.
LOAD_GRID = np.array(
    [1.0, 0.98, 0.96, 0.94, 0.92, 0.9, 0.87, 0.84, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
)
# Squared coefficient of variation of prompt lengths (assumption: chat prompts vary
# about as much as an exponential's half, CV ~0.7; MLPerf's OpenOrca set is similar).
PROMPT_CV2 = 0.5


@dataclass(frozen=True)
class LatencyTarget:
    """Latency targets a serving configuration must meet.

    Attributes
    ----------
    ttft_s : float
        Time to first token at ``percentile`` [s] (inf: no target).
    tpot_s : float
        Time per output token [s] (inf: no target).
    percentile : float
        Percentile the targets apply to [1], e.g. 0.99.
    """

    ttft_s: float = np.inf
    tpot_s: float = np.inf
    percentile: float = 0.99

    @property
    def queues(self) -> bool:
        """Whether arrivals queue (a finite TTFT target): False for Offline."""
        return bool(np.isfinite(self.ttft_s))


SCENARIOS: dict[str, LatencyTarget | None] = {
    "offline": None,
    "server": LatencyTarget(ttft_s=2.0, tpot_s=0.2),
    "interactive": LatencyTarget(ttft_s=0.45, tpot_s=0.04),
}


def target_for(
    scenario: str | None = None, *, ttft_s: float | None = None, tpot_s: float | None = None
) -> LatencyTarget | None:
    """The targets of an MLPerf ``scenario``, overridden by explicit ``ttft_s``/``tpot_s`` [s].

    Raises ``ValueError`` for an unknown scenario; None means Offline (no target).
    """
    if scenario is not None and scenario not in SCENARIOS:
        msg = f"scenario {scenario!r} is not allowed; use {', '.join(SCENARIOS)}"
        raise ValueError(msg)
    base = SCENARIOS.get(scenario or "offline")
    if ttft_s is None and tpot_s is None:
        return base
    base = base or LatencyTarget()
    return LatencyTarget(
        ttft_s=base.ttft_s if ttft_s is None else float(ttft_s),
        tpot_s=base.tpot_s if tpot_s is None else float(tpot_s),
        percentile=base.percentile,
    )


def slot_wait(slots: Any, rho: Any, hold_s: Any, percentile: float = 0.99) -> np.ndarray:
    """Wait for a free slot at ``percentile`` in an M/M/c queue [s].

    Parameters
    ----------
    slots : array_like
        Servers c (sequence slots of the replica) [1].
    rho : array_like
        Utilisation of the slots, mean busy / c [1], < 1 for a finite wait.
    hold_s : array_like
        Mean time a sequence holds its slot [s].
    percentile : float
        Percentile of the wait [1].

    Notes
    -----
    Waiting probability ``P_W ≈ rho^(sqrt(2(c+1)) - 1)`` (Sakasegawa 1977); the
    wait of those who wait is exponential with rate ``c (1 - rho) / hold``, so
    the quantile is ``hold / (c (1 - rho)) · ln(P_W / (1 - percentile))`` when
    ``P_W`` exceeds ``1 - percentile``, else 0.
    """
    c = np.asarray(slots, dtype=float)
    r = np.asarray(rho, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_wait = np.power(r, np.sqrt(2.0 * (c + 1.0)) - 1.0)
        t = hold_s / (c * (1.0 - r)) * np.log(p_wait / (1.0 - percentile))
    return np.where(r >= 1.0, np.inf, np.where(p_wait > 1.0 - percentile, t, 0.0))


def prefill_wait(
    t_prefill_s: Any, util: Any, percentile: float = 0.99, cv2: float = PROMPT_CV2
) -> np.ndarray:
    """Wait for the shared compute at ``percentile`` before a prompt runs [s].

    M/G/1 at utilisation ``util`` [1] with service ``t_prefill_s`` [s]: the
    exponential tail ``t / (1 - u) · ln(u / (1 - percentile))`` of M/M/1 scaled by
    ``(1 + cv2) / 2`` (Kingman), ``cv2`` the squared CV of the service time.
    """
    u = np.asarray(util, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = 0.5 * (1.0 + cv2) * t_prefill_s / (1.0 - u) * np.log(u / (1.0 - percentile))
    return np.where(u >= 1.0, np.inf, np.where(u > 1.0 - percentile, t, 0.0))


def ttft(
    *,
    slots: Any,
    rho: Any,
    n_out: Any,
    t_prefill_s: Any,
    t_step_s: Any,
    t_cycle_s: Any,
    percentile: float = 0.99,
    prefill_rate: Any = 1.0,
) -> np.ndarray:
    """Time to first token at ``percentile`` of a replica at load ``rho`` [s].

    ``t_prefill_s`` one prompt's prefill, ``t_step_s`` one decode step and
    ``t_cycle_s`` one decode cycle with the interleaved prefills [s];
    ``prefill_rate`` the share of full speed prompts are prefilled at while the
    decode batch runs between chunks [1] (:func:`chunk_rate`).
    """
    hold = np.asarray(n_out, dtype=float) * t_cycle_s
    rate = np.clip(np.asarray(prefill_rate, dtype=float), 1e-9, 1.0)
    t_pre = t_prefill_s / rate
    # prompts queue for the share of the time the replica spends prefilling
    util = np.clip(1.0 - t_step_s / t_cycle_s, 0.0, 1.0) / rate
    wait = slot_wait(slots, rho, hold, percentile) + prefill_wait(t_pre, util, percentile)
    return wait + t_pre + t_step_s


def chunk_rate(
    *,
    t_step_s: Any,
    prefill_share_s: Any,
    t_prefill_s: Any,
    n_out: Any,
    tpot_var_s2: Any,
    tpot_target_s: float,
    percentile: float = 0.99,
) -> np.ndarray:
    """Share of full speed prompts are prefilled at under a TPOT target [1].

    A chunk of ``t_c`` seconds of prefill runs between decode steps; a request's
    TPOT then varies by ``prefill_share · t_c / n_out`` more (its life holds a
    Poisson number of chunks). The scheduler takes the largest chunk the TPOT
    target at ``percentile`` leaves room for, after the variance ``tpot_var_s2``
    [s²] of the batch and the arrivals; prompts then advance ``t_c / (t_step +
    t_c)`` of the time. 1 without a target; 0 when none is left.
    """
    if not np.isfinite(tpot_target_s):
        return np.ones_like(np.asarray(t_step_s, dtype=float))
    z = NormalDist().inv_cdf(percentile)
    margin = np.maximum(tpot_target_s - t_step_s - prefill_share_s, 0.0)
    room = (margin / z) ** 2 - tpot_var_s2
    pre = np.maximum(np.asarray(prefill_share_s, dtype=float), 1e-30)
    t_c = np.maximum(room, 0.0) * np.asarray(n_out, dtype=float) / pre
    t_c = np.minimum(t_c, 1e6 * np.asarray(t_prefill_s, dtype=float))
    return t_c / (t_step_s + t_c)


def tpot_variance(
    prefill_share_s: Any,
    decoding: Any,
    batch_part_s: Any = 0.0,
    t_prefill_s: Any = 0.0,
    n_out: Any = 1.0,
    cv2: float = PROMPT_CV2,
) -> np.ndarray:
    """Variance of one request's TPOT before chunking [s²].

    Its mean cycle varies with the batch it shares over its life (occupancy of an
    infinite-server queue, variance ``a/2`` over one holding time, ``a`` =
    ``decoding``) and with the prefill work of the arrivals meanwhile (compound
    Poisson: ``prefill_share · t_prefill (1 + cv2) / n_out``)::

        var = batch_part² / (2a) + prefill_share · t_prefill · (1 + cv2) / n_out
    """
    a = np.maximum(np.asarray(decoding, dtype=float), 1.0)
    pre = np.asarray(prefill_share_s, dtype=float)
    n = np.maximum(np.asarray(n_out, dtype=float), 1.0)
    return np.square(batch_part_s) / (2.0 * a) + pre * t_prefill_s * (1.0 + cv2) / n


def tpot_at(
    t_step_s: Any,
    prefill_share_s: Any,
    var_s2: Any,
    percentile: float = 0.99,
) -> np.ndarray:
    """Time per output token a request sees at ``percentile`` [s]: the mean cycle
    ``t_step + prefill_share`` plus ``z`` standard deviations (``var_s2`` [s²])."""
    z = NormalDist().inv_cdf(percentile)
    return t_step_s + prefill_share_s + z * np.sqrt(var_s2)
