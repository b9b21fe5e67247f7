"""Calibration: weight Monte Carlo draws by the likelihood of observed history.

Observations (``data/history.csv``) carry a relative uncertainty σ; each draw's
log-likelihood is ``-½ Σ (ln(model / observed) / σ)²`` (lognormal errors).
Normalised importance weights give the posterior; the effective sample size
``1 / Σ w²`` says how many draws the posterior really rests on.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from aiinfra.catalogs import read_csv
from aiinfra.errors import AiinfraError
from aiinfra.results import draw_values, weighted_quantile

__all__ = [
    "effective_sample_size",
    "importance_weights",
    "load_history",
    "log_likelihood",
    "observation_draws",
]

ESS_WARN_FRACTION = 0.01
ESS_WARN_MIN = 50.0


def load_history(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Observations as dicts (variable, year, category, value, rel_sigma, source)."""
    if path is None:
        rows = read_csv("history.csv")
    else:
        p = Path(path)
        if not p.exists():
            msg = f"--history: file not found: {p}"
            raise AiinfraError(msg)
        with p.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    out = []
    for i, r in enumerate(rows):
        try:
            obs = {
                "variable": r["variable"],
                "year": int(r["year"]),
                "category": (r.get("category") or "").strip() or None,
                "value": float(r["value"]),
                "rel_sigma": float(r["rel_sigma"]),
                "source": r.get("source", ""),
            }
        except (KeyError, ValueError) as exc:
            need = "need variable, year, value, rel_sigma"
            msg = f"history row {i + 2}: {type(exc).__name__}: {exc} ({need})"
            raise AiinfraError(msg) from None
        if obs["value"] <= 0 or obs["rel_sigma"] <= 0:
            msg = f"history row {i + 2}: value and rel_sigma must be > 0"
            raise AiinfraError(msg)
        out.append(obs)
    return out


def observation_draws(ds: xr.Dataset, obs: dict[str, Any]) -> np.ndarray:
    """One model value per draw for an observation (``variable``, ``year``, ``category``:
    the label on the variable's category axis, or None to sum over it).

    Raises ``KeyError`` (message says which) like :func:`~aiinfra.results.draw_values`.
    """
    select = None
    if obs["category"] is not None:
        extra = [d for d in ds[obs["variable"]].dims if d not in ("draw", "year")]
        select = {extra[0]: obs["category"]} if extra else None
    return draw_values(ds, obs["variable"], obs["year"], select)


def log_likelihood(ds: xr.Dataset, observations: list[dict[str, Any]]) -> np.ndarray:
    """Log-likelihood of the observations for every draw, shape (draw,)."""
    ll = np.zeros(ds.sizes["draw"])
    for obs in observations:
        if obs["variable"] not in ds:
            msg = f"history: {obs['variable']!r} is not an output variable"
            raise AiinfraError(msg)
        if obs["year"] not in ds["year"].values:
            continue
        try:
            values = observation_draws(ds, obs)
        except KeyError as exc:
            msg = f"history: {exc.args[0]}"
            raise AiinfraError(msg) from None
        model = np.maximum(values, 1e-300)
        z = np.log(model / obs["value"]) / obs["rel_sigma"]
        ll -= 0.5 * z**2
    return ll


def importance_weights(loglik: np.ndarray) -> np.ndarray:
    """Normalised weights from log-likelihoods (stable: subtract the max)."""
    w = np.exp(loglik - np.max(loglik))
    return w / w.sum()


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish effective sample size ``1 / Σ w²`` of normalised weights."""
    return float(1.0 / np.sum(np.asarray(weights) ** 2))


def ess_warning(ess: float, draws: int) -> str | None:
    """A warning when the posterior rests on too few draws, else None."""
    if ess < max(ESS_WARN_MIN, ESS_WARN_FRACTION * draws):
        return (
            f"effective sample size is only {ess:.0f} of {draws} draws: the posterior is "
            "unreliable; run more draws or widen the observation uncertainties"
        )
    return None


def prior_posterior(
    samples: dict[str, np.ndarray],
    weights: np.ndarray,
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95),
) -> list[dict[str, Any]]:
    """Prior and posterior quantiles of each sampled quantity."""
    n = len(weights)
    uniform = np.full(n, 1.0 / n)
    rows = []
    for name, values in samples.items():
        v = np.asarray(values, dtype=float)[:, None]
        prior = weighted_quantile(v, uniform, quantiles)[:, 0]
        post = weighted_quantile(v, weights, quantiles)[:, 0]
        rows.append(
            {
                "quantity": name,
                **{
                    f"prior_p{round(q * 100)}": float(x)
                    for q, x in zip(quantiles, prior, strict=True)
                },
                **{
                    f"post_p{round(q * 100)}": float(x)
                    for q, x in zip(quantiles, post, strict=True)
                },
            }
        )
    return rows


WEIGHTS_HEADER = "# aiinfra weights"


def weights_csv(weights: np.ndarray, *, scenario: str, seed: int, draws: int) -> bytes:
    """``weights.csv``: a header binding the weights to the scenario hash, seed and draws,
    then ``draw,weight`` rows."""
    head = f"{WEIGHTS_HEADER} scenario={scenario} seed={seed} draws={draws}\n"
    rows = "".join(f"{i},{x:.10g}\n" for i, x in enumerate(weights))
    return (head + "draw,weight\n" + rows).encode()


def read_weights(path: Path) -> tuple[np.ndarray, dict[str, Any]]:
    """Weights and their header (``scenario``, ``seed``, ``draws``) from ``weights.csv``.

    Raises
    ------
    AiinfraError
        Missing file, no aiinfra header, or rows that do not match it (the message
        never echoes the file's content).
    """
    path = Path(path)
    if not path.is_file():
        msg = f"--weights: file not found: {path}"
        raise AiinfraError(msg)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if not lines or not lines[0].startswith(WEIGHTS_HEADER):
        msg = f"--weights: {path} is not a weights file written by `aiinfra calibrate`"
        raise AiinfraError(msg)
    meta: dict[str, Any] = {}
    for item in lines[0].removeprefix(WEIGHTS_HEADER).split():
        key, _, value = item.partition("=")
        meta[key] = int(value) if value.isdigit() else value
    try:
        w = np.array([float(line.split(",")[1]) for line in lines[2:] if line.strip()])
    except (IndexError, ValueError):
        msg = f"--weights: {path} has malformed rows"
        raise AiinfraError(msg) from None
    if len(w) != meta.get("draws") or not np.all(np.isfinite(w)) or np.any(w < 0):
        msg = f"--weights: {path} has {len(w)} rows for {meta.get('draws')} draws"
        raise AiinfraError(msg)
    return w, meta
