"""A reference workload for timing tests: the machine's speed at (draw, type) array passes.

Timing guards compare code against this pass timed in the same run, interleaved and
best-of-N, so a busy CI worker slows both alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


def reference_passes(n_draw: int, n_type: int, years: int, ops: int = 60) -> float:
    """Seconds for ``years x ops`` multiply-add-clip passes over (draw, type) arrays."""
    rng = np.random.default_rng(0)
    a, b, c = (rng.random((n_draw, n_type)) for _ in range(3))
    out = np.empty_like(a)
    t0 = time.perf_counter()
    for _ in range(years * ops):
        np.multiply(a, b, out=out)
        np.add(out, c, out=out)
        np.maximum(out, 0.0, out=a)
    return time.perf_counter() - t0


def best_ratio(run: Callable[[], object], ref: Callable[[], float], n: int = 3) -> float:
    """min(time of ``run``) over min(``ref()``), ``n`` interleaved repetitions each."""
    times, refs = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
        refs.append(ref())
    return min(times) / min(refs)
