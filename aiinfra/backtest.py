"""Backtest: calibrate on observations up to a cutoff, score the ones after it.

Observations (``data/observations.csv``) carry a relative 1-σ uncertainty (lognormal),
a status (observed, estimate, guidance) and the layer they test. For a cutoff year:

1. every draw of a Monte Carlo run is weighted by the likelihood of the observations up
   to the cutoff, ``w ∝ exp(β · Σ -½ ((ln m - ln y)/σ)²)``; ``β = 1`` unless the effective
   sample size would fall below :data:`ESS_FLOOR` of the draws, then ``β`` is the largest
   tempering that keeps it there (bisection; stated in the result);
2. each later observation is compared with the weighted *predictive* distribution, the
   model's draws times the observation's own noise ``exp(σ ε)`` (seeded), so that a
   perfect model covers its 90 % band 90 % of the time;
3. scores: inside the 50 % / 90 % band, the normalised error ``(ln y - ln median) /
   half-width of the 68 % band``, and the CRPS of ``ln y`` (a proper score, in log
   units), by layer and overall; the median relative width of the 90 % band states how
   wide the bands are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from aiinfra.calibrate import effective_sample_size, observation_draws
from aiinfra.catalogs import read_csv
from aiinfra.errors import AiinfraError
from aiinfra.results import weighted_quantile

__all__ = [
    "ESS_FLOOR",
    "backtest",
    "calibration_weights",
    "crps_weighted",
    "load_observations",
    "observation_values",
    "score",
]

ESS_FLOOR = 0.10  # share of the draws the posterior must keep (else temper the likelihood)
STATUSES = ("observed", "estimate", "guidance")


def load_observations() -> list[dict[str, Any]]:
    """Rows of ``data/observations.csv`` with typed fields."""
    out = []
    for i, r in enumerate(read_csv("observations.csv")):
        try:
            row = {
                "variable": r["variable"],
                "year": int(r["year"]),
                "category": (r["category"] or "").strip() or None,
                "value": float(r["value"]),
                "unit": r["unit"],
                "rel_sigma": float(r["rel_sigma"]),
                "status": r["status"],
                "layer": r["layer"],
                "source": r["source"],
                "year_published": int(r["year_published"]),
            }
        except (KeyError, ValueError) as exc:
            msg = f"observations.csv row {i + 2}: {type(exc).__name__}"
            raise AiinfraError(msg) from None
        if row["value"] <= 0 or row["rel_sigma"] <= 0 or row["status"] not in STATUSES:
            msg = f"observations.csv row {i + 2}: value, rel_sigma > 0 and a known status"
            raise AiinfraError(msg)
        out.append(row)
    return out


def observation_values(ds: Any, observations: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Model value per draw of each observation, shape (observation, draw)."""
    rows = []
    for obs in observations:
        try:
            rows.append(observation_draws(ds, obs))
        except KeyError as exc:
            msg = f"observation {obs['variable']} {obs['year']}: {exc.args[0]}"
            raise AiinfraError(msg) from None
    return np.maximum(np.asarray(rows, dtype=float), 1e-300)


def calibration_weights(
    values: np.ndarray, observed: np.ndarray, rel_sigma: np.ndarray
) -> tuple[np.ndarray, float]:
    """Normalised weights of the draws and the tempering ``β`` used.

    ``values`` (observation, draw) model values, ``observed`` and ``rel_sigma``
    (observation,). No observation: uniform weights, ``β = 1``.
    """
    n = values.shape[1]
    if values.shape[0] == 0:
        return np.full(n, 1.0 / n), 1.0
    z = (np.log(values) - np.log(observed)[:, None]) / rel_sigma[:, None]
    ll = -0.5 * np.sum(z**2, axis=0)

    def weights(beta: float) -> np.ndarray:
        w = np.exp(beta * (ll - ll.max()))
        return w / w.sum()

    if effective_sample_size(weights(1.0)) >= ESS_FLOOR * n:
        return weights(1.0), 1.0
    lo, hi = 0.0, 1.0
    for _ in range(50):  # bisection on the ESS, which falls as beta rises
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if effective_sample_size(weights(mid)) >= ESS_FLOOR * n else (lo, mid)
    return weights(lo), lo


def crps_weighted(samples: np.ndarray, weights: np.ndarray, y: float) -> float:
    """CRPS of a weighted sample against ``y``: ``E|X - y| - ½ E|X - X'|``."""
    order = np.argsort(samples)
    x, w = samples[order], weights[order] / weights.sum()
    term1 = float(np.sum(w * np.abs(x - y)))
    cw = np.cumsum(w) - w  # weight strictly below each sample
    # E|X - X'| = 2 Σ_i w_i x_i (F_<(i) - (1 - F_<=(i)))
    term2 = float(2.0 * np.sum(w * x * (cw - (1.0 - cw - w))))
    return term1 - 0.5 * term2


def score(
    values: np.ndarray,
    weights: np.ndarray,
    obs: Mapping[str, Any],
    rng: np.random.Generator,
) -> dict[str, Any]:
    """Score one observation against the weighted predictive distribution of its draws."""
    pred = np.log(values) + obs["rel_sigma"] * rng.standard_normal(values.shape)
    q = weighted_quantile(pred[:, None], weights, (0.05, 0.16, 0.25, 0.5, 0.75, 0.84, 0.95))
    q = q[:, 0]
    y = float(np.log(obs["value"]))
    half68 = max(0.5 * (q[5] - q[1]), 1e-12)
    return {
        "variable": obs["variable"],
        "year": obs["year"],
        "category": obs["category"],
        "layer": obs["layer"],
        "status": obs["status"],
        "observed": obs["value"],
        "model_p5": float(np.exp(q[0])),
        "model_p50": float(np.exp(q[3])),
        "model_p95": float(np.exp(q[6])),
        "in_50": bool(q[2] <= y <= q[4]),
        "in_90": bool(q[0] <= y <= q[6]),
        "normalised_error": (y - float(q[3])) / half68,
        "crps_log": crps_weighted(pred, weights, y),
        "band90_rel_width": float((np.exp(q[6]) - np.exp(q[0])) / np.exp(q[3])),
        "source": obs["source"],
    }


def _summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"n": 0, "coverage_90": None, "coverage_50": None, "crps": None}
    return {
        "n": len(rows),
        "coverage_90": float(np.mean([r["in_90"] for r in rows])),
        "coverage_50": float(np.mean([r["in_50"] for r in rows])),
        "crps": float(np.mean([r["crps_log"] for r in rows])),
        "median_abs_normalised_error": float(np.median([abs(r["normalised_error"]) for r in rows])),
        "median_band90_rel_width": float(np.median([r["band90_rel_width"] for r in rows])),
    }


def backtest(
    ds: Any,
    cutoff: int,
    observations: Sequence[Mapping[str, Any]] | None = None,
    *,
    seed: int = 0,
) -> dict[str, Any]:
    """Calibrate ``ds`` (a Monte Carlo run) on observations up to ``cutoff``, score the rest.

    Returns ``{"cutoff", "draws", "observations", "calibrated_on", "beta", "ess_prior",
    "ess_posterior", "coverage_90", "coverage_50", "crps", "by_layer", "rows",
    "history"}``: ``rows`` score the later observations, ``history`` the ones used for
    the fit against the posterior (how well the calibrated model explains them).
    """
    obs = list(load_observations() if observations is None else observations)
    n = int(ds.sizes["draw"])
    past = [o for o in obs if o["year"] <= cutoff]
    later = [o for o in obs if o["year"] > cutoff]
    vals_past = observation_values(ds, past) if past else np.zeros((0, n))
    w, beta = calibration_weights(
        vals_past,
        np.array([o["value"] for o in past]),
        np.array([o["rel_sigma"] for o in past]),
    )
    rng = np.random.default_rng(seed)
    vals_later = observation_values(ds, later) if later else np.zeros((0, n))
    rows = [score(v, w, o, rng) for v, o in zip(vals_later, later, strict=True)]
    history = [score(v, w, o, rng) for v, o in zip(vals_past, past, strict=True)]
    layers = sorted({r["layer"] for r in rows})
    overall = _summary(rows)
    return {
        "cutoff": cutoff,
        "draws": n,
        "observations": len(rows),
        "calibrated_on": len(past),
        "beta": beta,
        "ess_prior": float(n),
        "ess_posterior": effective_sample_size(w),
        "coverage_90": overall["coverage_90"],
        "coverage_50": overall["coverage_50"],
        "crps": overall["crps"],
        "median_band90_rel_width": overall.get("median_band90_rel_width"),
        "by_layer": {k: _summary([r for r in rows if r["layer"] == k]) for k in layers},
        "history": {"summary": _summary(history), "rows": history},
        "rows": rows,
    }
