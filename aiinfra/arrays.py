"""Small array helpers that keep results bit-identical however draws are chunked.

BLAS matrix products may sum in a different order depending on the batch size
and memory alignment, so results could differ in the last bit between a run of
1,000 draws and the same draws in chunks. These helpers contract the last axis
with an explicit loop of elementwise operations instead: every output element
is accumulated in the same order whatever the shape of the other axes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["contract", "next_year", "per_year_contract", "previous_year"]


def contract(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``x @ m`` over the last axis of ``x``: m (t,) -> (...,), m (t, k) -> (..., k).

    Loops over the non-zero entries of ``m`` (one-hot maps cost one add per row).
    """
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    vector = m.ndim == 1
    m2 = m[:, None] if vector else m
    out = np.zeros((*x.shape[:-1], m2.shape[1]))
    if np.count_nonzero(m2) > m2.size // 2:  # dense: one vector add per row, in row order
        for t in range(m2.shape[0]):
            out += x[..., t, None] * m2[t]
        return out[..., 0] if vector else out
    for t, k in zip(*np.nonzero(m2), strict=True):
        w = m2[t, k]
        if w == 1.0:
            out[..., k] += x[..., t]
        else:
            out[..., k] += x[..., t] * w
    return out[..., 0] if vector else out


def per_year_contract(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """(draw, year, t) x (year, t, k) -> (draw, year, k), summed over t in fixed order."""
    out = np.zeros((x.shape[0], x.shape[1], table.shape[2]))
    used = np.any(table != 0, axis=0)  # (t, k)
    for t, k in zip(*np.nonzero(used), strict=True):
        out[:, :, k] += x[:, :, t] * table[None, :, t, k]
    return out


def previous_year(x: np.ndarray) -> np.ndarray:
    """Last year's value along axis 1; the year before the first is back-cast at the
    first year's growth (``x0² / x1``; unchanged when there is a single year)."""
    if x.shape[1] < 2:
        return x.copy()
    first = x[:, :1] ** 2 / np.maximum(x[:, 1:2], 1e-9)
    return np.concatenate([first, x[:, :-1]], axis=1)


def next_year(x: np.ndarray) -> np.ndarray:
    """Next year's value along axis 1 (the last year extrapolated at the last growth)."""
    last = x[:, -1:] ** 2 / np.maximum(x[:, -2:-1], 1e-9)
    return np.concatenate([x[:, 1:], last], axis=1)
