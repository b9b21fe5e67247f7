"""Throughput-interactivity frontier: the Pareto curve of a serving sweep.

Operators buy on curves of tokens/s per device against tokens/s per user
(SemiAnalysis InferenceMAX style): every configuration of replica size, batch
slots, precision and (under a TTFT target) load is evaluated in one vectorised
:func:`aiinfra.layers.roofline.sweep`, and only the non-dominated points kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aiinfra.catalogs import Accelerator, Architecture
from aiinfra.layers.roofline import Efficiency, sweep
from aiinfra.layers.serving import LatencyTarget

__all__ = ["frontier", "pareto"]


def frontier(
    acc: Accelerator,
    arch: Architecture,
    *,
    devices: int,
    n_in: float,
    n_out: float,
    precisions: Sequence[str],
    efficiency: Efficiency | None = None,
    target: LatencyTarget | None = None,
) -> dict[str, np.ndarray]:
    """Pareto curve of tokens/s per device against tokens/s per user.

    Sweeps replica size, batch slots and precision (and the load under a TTFT
    ``target``) in one vectorised pass; returns the non-dominated points sorted
    by rising tokens/s per user: ``tokens_per_s_per_device``,
    ``tokens_per_s_per_user`` [token/s], ``ttft_s``, ``tpot_s`` [s], ``tp``,
    ``batch``, ``load``, ``precision`` and ``configurations`` (how many
    configurations were evaluated).
    """
    rows: dict[str, list[np.ndarray]] = {k: [] for k in _FRONTIER_KEYS}
    n_cfg = 0
    for prec in precisions:  # a handful of precisions; the grid inside is vectorised
        res, cfg = sweep(
            [acc],
            arch,
            1,
            np.asarray(n_in),
            np.asarray(n_out),
            devices,
            None,
            prec,
            efficiency,
            target,
        )
        shape = np.broadcast_shapes(cfg["ok"].shape, res["tpot_s"].shape)
        n_cfg += int(np.prod(shape))
        ok = np.broadcast_to(cfg["ok"], shape).ravel()
        vals = {
            "tokens_per_s_per_device": res["tokens_per_s"] / cfg["tp"],
            "tokens_per_s_per_user": 1.0 / res["tpot_s"],
            "ttft_s": cfg["ttft"],
            "tpot_s": res["tpot_s"],
            "tp": cfg["tp"],
            "batch": cfg["slots"],
            "load": cfg["rho"],
        }
        for k, v in vals.items():
            rows[k].append(np.broadcast_to(v, shape).ravel()[ok])
        rows["precision"].append(np.full(int(ok.sum()), prec))
    pts = {k: np.concatenate(v) for k, v in rows.items()}
    keep = pareto(pts["tokens_per_s_per_user"], pts["tokens_per_s_per_device"])
    out = {k: v[keep] for k, v in pts.items()}
    out["configurations"] = np.array(n_cfg)
    return out


_FRONTIER_KEYS = (
    "tokens_per_s_per_device",
    "tokens_per_s_per_user",
    "ttft_s",
    "tpot_s",
    "tp",
    "batch",
    "load",
    "precision",
)


def pareto(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices of the points no other point beats in both ``x`` and ``y``, by rising x.

    Along the returned order ``y`` never rises (more of one costs the other).
    """
    order = np.lexsort((-y, -x))  # x descending, ties by y descending
    best = np.maximum.accumulate(y[order])
    prev = np.concatenate([[-np.inf], best[:-1]])
    keep = order[y[order] > prev]
    return keep[::-1]
