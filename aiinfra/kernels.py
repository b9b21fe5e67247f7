"""Small pure kernels shared by the layers: growth paths, lags, the bottleneck min.

Imports numpy only. Every function is vectorised over a leading ``draw`` axis.
"""

from __future__ import annotations

import numpy as np

__all__ = ["compound", "deploy", "lag_weights", "phase_weights", "shift_earlier"]


def compound(x0: np.ndarray, growth: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Compound growth path ``x0 · (1 + growth)^t``.

    Parameters
    ----------
    x0 : ndarray, (draw,)
        Value at ``t = 0`` [any unit].
    growth : ndarray, (draw,)
        Growth rate per year [1/yr]; negative for a decline.
    t : ndarray, (year,)
        Years since the base year [yr] (may be fractional or negative).

    Returns
    -------
    ndarray, (draw, year)
        The path, in the unit of ``x0``.
    """
    return x0[:, None] * np.power(1.0 + growth[:, None], t[None])


def lag_weights(lead: np.ndarray, max_lag: int) -> np.ndarray:
    """Split a fractional lead time between the two neighbouring whole years.

    ``lead`` (draw,) [yr] -> weights (draw, max_lag + 1) summing to 1; e.g.
    2.3 years -> 0.7 at lag 2 and 0.3 at lag 3.
    """
    lead = np.clip(np.asarray(lead, dtype=float), 0.0, float(max_lag))
    lo = np.floor(lead).astype(int)
    frac = lead - lo
    w = np.zeros((lead.shape[0], max_lag + 1))
    rows = np.arange(lead.shape[0])
    w[rows, lo] += 1.0 - frac
    w[rows, np.minimum(lo + 1, max_lag)] += frac
    return w


def phase_weights(
    lead: np.ndarray, spread: np.ndarray, max_lag: int, points: int = 16
) -> np.ndarray:
    """Share of a start completed at each whole-year lag when it completes in phases.

    The phases complete evenly between ``lead·(1 - spread)`` and ``lead·(1 + spread)``
    [yr] (mean ``lead``); ``lead`` and ``spread`` (draw,) -> (draw, max_lag + 1), rows
    summing to 1. ``spread = 0`` is :func:`lag_weights`. Midpoint rule over ``points``.
    """
    lead = np.asarray(lead, dtype=float)
    spread = np.clip(np.asarray(spread, dtype=float), 0.0, 1.0)
    u = (np.arange(points) + 0.5) / points * 2.0 - 1.0  # midpoints of (-1, 1)
    w = np.zeros((lead.shape[0], max_lag + 1))
    for uj in u:  # a fixed quadrature, not a loop over draws
        w += lag_weights(lead * (1.0 + spread * uj), max_lag)
    return w / points


def shift_earlier(x: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Value of ``x`` (draw, year) ``lead`` (draw,) [yr] later: linear between years, 0
    past the end (e.g. announcements that precede starts by a planning lead)."""
    n_year = x.shape[1]
    pos = np.arange(n_year)[None, :] + lead[:, None]
    lo = np.floor(pos).astype(int)
    frac = pos - lo
    pad = np.concatenate([x, np.zeros((x.shape[0], 12))], axis=1)
    rows = np.arange(x.shape[0])[:, None]
    return (
        pad[rows, np.minimum(lo, n_year + 10)] * (1 - frac)
        + pad[rows, np.minimum(lo + 1, n_year + 11)] * frac
    )


def deploy(want: np.ndarray, supportable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised bottleneck: deployed units and binding layer index.

    Parameters
    ----------
    want : ndarray, (...)
        Units desired [units/yr].
    supportable : ndarray, (..., layer)
        Units each layer can support [units/yr].

    Returns
    -------
    deployed : ndarray, (...)
        ``min(want, min over layers)`` [units/yr].
    binding : ndarray, (...)
        Index of the binding layer; ``n_layers`` where demand binds.
    """
    limit = supportable.min(axis=-1)
    binding = np.where(limit < want, supportable.argmin(axis=-1), supportable.shape[-1])
    return np.minimum(want, limit), binding
