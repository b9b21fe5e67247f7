"""Monte Carlo at scale: one seeded design, evaluated in chunks, locally or on Dask.

The full ``(draws, n_params)`` design is sampled once by the caller's process
(Latin hypercube, Sobol or random, with rank correlations), then the draws
are cut into chunks and each chunk runs the vectorised chain. Every draw's
computation is independent of the others, so the results are bit-identical
for the same seed and draws whatever the chunk size or the number of workers.

``workers > 1`` starts a ``dask.distributed`` LocalCluster; ``scheduler``
connects to an existing cluster (``tcp://host:port``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

from aiinfra.chain import Chain
from aiinfra.scenario import Scenario
from aiinfra.uncertainty import MAX_DRAWS, sample_parameters, slice_parameters

__all__ = ["DEFAULT_CHUNK", "chunk_bounds", "run_mc"]

DEFAULT_CHUNK = 10_000


def chunk_bounds(draws: int, chunk_size: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` covering ``range(draws)`` in chunks."""
    size = max(1, int(chunk_size))
    return [(a, min(a + size, draws)) for a in range(0, draws, size)]


def _run_chunk(scenario: Scenario, params: Any) -> dict[str, np.ndarray]:
    return Chain(scenario).compute(params=params)


def run_mc(
    scenario: Scenario,
    draws: int,
    *,
    seed: int = 0,
    sampler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> xr.Dataset:
    """Run ``draws`` Monte Carlo draws of ``scenario`` and return the Dataset.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario.
    draws : int
        Number of draws.
    seed : int
        Master seed of the design.
    sampler : str, optional
        ``lhs``, ``sobol`` or ``random`` (default: the scenario's).
    chunk_size : int
        Draws per chunk.
    workers : int
        Local Dask worker processes (1: run in this process).
    scheduler : str, optional
        Address of an existing Dask scheduler.
    progress : callable, optional
        Called with ``(draws done, draws)`` after each chunk.
    """
    if not 1 <= draws <= MAX_DRAWS:
        msg = f"draws must be between 1 and {MAX_DRAWS}, got {draws}"
        raise ValueError(msg)
    sampler = sampler or scenario.uncertainty.sampler
    chain = Chain(scenario)
    params = sample_parameters(scenario, draws, seed=seed, sampler=sampler)
    bounds = chunk_bounds(draws, chunk_size)
    parts: list[dict[str, np.ndarray]] = []
    if workers > 1 or scheduler:
        parts = _run_dask(scenario, params, bounds, workers, scheduler, progress, draws)
    else:
        done = 0
        for a, b in bounds:
            parts.append(chain.compute(params=slice_parameters(params, a, b)))
            done = b
            if progress is not None:
                progress(done, draws)
    arrays = {k: np.concatenate([p[k] for p in parts], axis=0) for k in parts[0]}
    return chain.dataset(arrays, chain.attrs(draws, seed, sampler))


def _run_dask(
    scenario: Scenario,
    params: Any,
    bounds: list[tuple[int, int]],
    workers: int,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
    draws: int,
) -> list[dict[str, np.ndarray]]:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        client = Client(cluster)
    try:
        futures = [
            client.submit(_run_chunk, scenario, slice_parameters(params, a, b), pure=False)
            for a, b in bounds
        ]
        order = {f.key: i for i, f in enumerate(futures)}
        parts: list[Any] = [None] * len(futures)
        done = 0
        for fut in as_completed(futures):
            i = order[fut.key]
            parts[i] = fut.result()
            done += bounds[i][1] - bounds[i][0]
            if progress is not None:
                progress(done, draws)
        return parts
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
