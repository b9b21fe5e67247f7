"""Small array helpers that keep results bit-identical however draws are chunked.

BLAS matrix products may sum in a different order depending on the batch size
and memory alignment, so results could differ in the last bit between a run of
1,000 draws and the same draws in chunks. These helpers contract the last axis
with an explicit loop of elementwise operations instead: every output element
is accumulated in the same order whatever the shape of the other axes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["contract", "per_year_contract"]


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
