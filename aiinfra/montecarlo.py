"""Monte Carlo at scale: one seeded design, evaluated in chunks, in memory or streamed.

The full ``(draws, n_params)`` design is sampled once by the caller's process
(Latin hypercube, Sobol or random, with rank correlations), then the draws are
cut into chunks and each chunk runs the vectorised chain. Every draw's
computation is independent of the others, so the results are bit-identical for
the same seed and draws whatever the chunk size, the number of workers or the
backend.

Where the chunks run (``backend``):

- ``workers=1``: in this process.
- ``backend="processes"`` (default for ``workers > 1``): forked worker processes
  that write their chunks straight into shared memory (or into the store), so
  no result crosses a pipe.
- ``backend="dask"``: a ``dask.distributed`` LocalCluster of ``workers``
  processes, or an existing cluster with ``scheduler="tcp://host:port"``.

Where the results go (``store``):

- ``None``: one in-memory :class:`xarray.Dataset`.
- a path ``*.zarr``: a Zarr store written chunk by chunk (each chunk of draws
  is one Zarr chunk, written by the worker that computed it), for runs larger
  than memory. The returned Dataset is opened lazily from the store.
"""

from __future__ import annotations

import contextlib
import mmap
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aiinfra.chain import Chain, binding_share
from aiinfra.forking import STATE, forked_pool
from aiinfra.memory import keep_freed_memory, no_hugepages, set_numpy_hugepages
from aiinfra.scenario import Scenario
from aiinfra.sketch import Sketch, sketch
from aiinfra.uncertainty import MAX_DRAWS, sample_parameters, slice_parameters
from aiinfra.variables import VARIABLES

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = [
    "BACKENDS",
    "DEFAULT_CHUNK",
    "Draws",
    "MemorySink",
    "ZarrSink",
    "chunk_bounds",
    "map_chunks",
    "output_shapes",
    "run_mc",
    "sampled_input_arrays",
    "sampled_inputs",
]

DEFAULT_CHUNK = 2_000  # draws per chunk: the fastest on 2 cores (bench/run.py, chunk sweep)
BACKENDS = ("processes", "dask")
DTYPES = ("float64", "float32")


def chunk_bounds(draws: int, chunk_size: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` covering ``range(draws)`` in chunks."""
    size = max(1, int(chunk_size))
    return [(a, min(a + size, draws)) for a in range(0, draws, size)]


def output_shapes(chain: Chain, params: Any) -> dict[str, tuple[int, ...]]:
    """Shape of every raw output without the draw axis, from a one-draw probe run."""
    probe = chain.compute(params=slice_parameters(params, 0, 1))
    return {k: v.shape[1:] for k, v in probe.items()}


def sampled_input_arrays(
    scenario: Scenario, draws: int, *, seed: int = 0, sampler: str | None = None
) -> dict[str, tuple[np.ndarray, dict[str, str]]]:
    """The sampled value of every uncertain input, per draw (as ``run_mc`` samples them):
    ``{dotted field path: (values (draw,), attrs with the field's unit)}``."""
    from aiinfra.uncertainty import uncertain_fields

    sampler = sampler or scenario.uncertainty.sampler
    params = sample_parameters(scenario, draws, seed=seed, sampler=sampler)
    out = {}
    for path, _dist, spec in uncertain_fields(scenario):
        node = params
        for part in path:
            node = getattr(node, part)
        name = ".".join(path)
        attrs = {"units": spec.unit or "1", "long_name": f"sampled input {name}"}
        out[name] = (np.asarray(node, dtype=np.float64), attrs)
    return out


def sampled_inputs(
    scenario: Scenario, draws: int, *, seed: int = 0, sampler: str | None = None
) -> dict[str, xr.DataArray]:
    """:func:`sampled_input_arrays` as DataArrays (dims ``draw``)."""
    import xarray as xr

    arrays = sampled_input_arrays(scenario, draws, seed=seed, sampler=sampler)
    return {k: xr.DataArray(v, dims=("draw",), attrs=a) for k, (v, a) in arrays.items()}


@dataclass(frozen=True)
class Draws:
    """Outputs of an in-memory run without xarray: ``arrays`` (draw, ...) by registry
    name, ``coords`` of every dimension and the run's ``attrs``."""

    arrays: dict[str, np.ndarray]
    coords: dict[str, Any]
    attrs: dict[str, Any]


@dataclass
class MemorySink:
    """Preallocated in-memory outputs ``(draws, ...)``; shared with forked workers.

    With ``shared=True`` the arrays live in one anonymous shared mapping, so
    chunks written by forked worker processes land in the parent's arrays.
    """

    shapes: Mapping[str, tuple[int, ...]]
    draws: int
    dtype: str = "float64"
    shared: bool = False
    arrays: dict[str, np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        dt = np.dtype(self.dtype)
        sizes = {k: self.draws * int(np.prod(s, dtype=np.int64)) for k, s in self.shapes.items()}
        if self.shared:
            buf = mmap.mmap(-1, max(1, sum(sizes.values())) * dt.itemsize)
            flat = np.frombuffer(buf, dtype=dt)
        else:
            flat = np.empty(sum(sizes.values()), dtype=dt)
        self.arrays, start = {}, 0
        for k, n in sizes.items():
            self.arrays[k] = flat[start : start + n].reshape(self.draws, *self.shapes[k])
            start += n

    def write(self, start: int, stop: int, arrays: Mapping[str, np.ndarray]) -> None:
        """Store the chunk ``[start, stop)`` of every output."""
        for k, v in arrays.items():
            self.arrays[k][start:stop] = v


@dataclass
class ZarrSink:
    """Outputs streamed to a Zarr (v2 format) store, one Zarr chunk per chunk of draws.

    The store (metadata, coordinates, empty data variables) is created by
    :meth:`create` through xarray; any process can then :meth:`write` its chunks.
    Chunks are written as the Zarr v2 spec lays them out (one file per chunk,
    ``<var>/<i>.0.0``, Blosc-lz4 compressed C-order bytes, edge chunks padded):
    encoding directly with numcodecs is ~3x faster than the zarr-python write path.
    """

    path: Path
    dtype: str = "float32"
    chunk: int = DEFAULT_CHUNK
    draws: int = 0
    shapes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    @staticmethod
    def codec() -> Any:
        """lz4 with byte shuffle: ~1.4 GB/s per core, 1.55x smaller (bench/run.py)."""
        from numcodecs import Blosc

        Blosc.use_threads = False  # one compressor thread per worker process
        return Blosc(cname="lz4", clevel=1, shuffle=Blosc.SHUFFLE)

    def create(self, chain: Chain, attrs: Mapping[str, Any]) -> None:
        """Write the store's metadata and coordinates (data variables stay empty)."""
        import dask.array as da
        import xarray as xr

        coords = {"draw": np.arange(self.draws), **chain.coords()}
        data_vars, encoding = {}, {}
        codec = self.codec()
        for name, shape in self.shapes.items():
            var = VARIABLES[name]
            chunks = (min(self.chunk, self.draws), *shape)
            data_vars[name] = xr.Variable(
                var.dims,
                da.empty((self.draws, *shape), chunks=chunks, dtype=self.dtype),
                attrs={"units": var.units, "long_name": var.long_name, "layer": var.layer},
            )
            encoding[name] = {"chunks": chunks, "compressors": [codec]}
        ds = xr.Dataset(data_vars, coords={k: list(v) for k, v in coords.items()})
        ds.attrs.update(attrs)
        ds.to_zarr(
            self.path,
            mode="w",
            compute=False,
            encoding=encoding,
            zarr_format=2,
            consolidated=False,
        )

    def write(self, start: int, stop: int, arrays: Mapping[str, np.ndarray]) -> None:
        """Store the chunk ``[start, stop)`` (must be one whole Zarr chunk)."""
        if start % self.chunk or (stop - start != self.chunk and stop != self.draws):
            msg = f"draws [{start}, {stop}) are not one chunk of {self.chunk}"
            raise ValueError(msg)
        codec = self.codec()
        for name, v in arrays.items():
            if stop - start == self.chunk:
                block = np.ascontiguousarray(v, dtype=self.dtype)
            else:  # the last chunk is padded to the full chunk shape (Zarr v2)
                block = np.zeros((self.chunk, *v.shape[1:]), dtype=self.dtype)
                block[: stop - start] = v
            key = ".".join([str(start // self.chunk)] + ["0"] * (v.ndim - 1))
            (self.path / name / key).write_bytes(codec.encode(block))


def _worker_init() -> None:
    """Worker processes keep freed memory and skip huge-page requests (faster chunks)."""
    keep_freed_memory()
    set_numpy_hugepages(False)


def _fork_chunk(start: int, stop: int) -> Any:
    chain, params, consume = STATE["chain"], STATE["params"], STATE["consume"]
    return consume(start, stop, chain.compute(params=slice_parameters(params, start, stop)))


_DASK_CHAINS: dict[str, Chain] = {}  # per worker process: one Chain per scenario


def _dask_chunk(scenario: Scenario, params: Any, sink: ZarrSink | None, start: int) -> Any:
    _worker_init()  # idempotent: the same memory settings as forked workers
    key = scenario.model_dump_json()
    chain = _DASK_CHAINS.get(key)
    if chain is None:
        _DASK_CHAINS.clear()
        chain = _DASK_CHAINS[key] = Chain(scenario)
    arrays = chain.compute(params=params)
    if sink is None:
        return arrays
    stop = start + next(iter(arrays.values())).shape[0]
    sink.write(start, stop, arrays)
    return None


def run_mc(
    scenario: Scenario,
    draws: int,
    *,
    seed: int = 0,
    sampler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    scheduler: str | None = None,
    backend: str = "processes",
    store: str | Path | None = None,
    dtype: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep: Sequence[str] | None = None,
    sketches: list[dict[str, Sketch]] | None = None,
    dataset: bool = True,
) -> Any:
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
        Draws per chunk (and per Zarr chunk).
    workers : int
        Worker processes (1: run in this process).
    scheduler : str, optional
        Address of an existing Dask scheduler (implies ``backend="dask"``).
    backend : str
        ``processes`` (forked workers, shared memory) or ``dask``.
    store : str or Path, optional
        Zarr store to stream the outputs to (replaced if it exists).
    dtype : str, optional
        ``float64`` or ``float32`` outputs (default: float64 in memory,
        float32 in a store).
    progress : callable, optional
        Called with ``(draws done, draws)`` after each chunk.
    keep : sequence of str, optional
        Outputs to keep per draw in memory (default: all); ``binding_layer`` is always
        kept. Ignored with ``store`` (the store gets every output).
    sketches : list, optional
        Filled with one ``{output: Sketch}`` per chunk, in chunk order, reduced where
        the chunk was computed (:mod:`aiinfra.sketch`); for a summary that never needs
        all draws of all outputs. Not with the Dask backend.
    dataset : bool
        False (in memory only): return :class:`Draws`, the kept outputs as arrays with
        their coordinates and attributes, without importing xarray.
    """
    dtype = _checked_dtype(draws, backend, dtype, store)
    sampler = sampler or scenario.uncertainty.sampler
    with no_hugepages():  # fresh memory is much cheaper without (memory.py)
        chain = Chain(scenario)
        params = sample_parameters(scenario, draws, seed=seed, sampler=sampler)
        bounds = chunk_bounds(draws, chunk_size)
        attrs = chain.attrs(draws, seed, sampler)
        use_dask = scheduler is not None or (workers > 1 and backend == "dask")
        forked = workers > 1 and not use_dask
        first = None
        if store is None and workers <= 1 and not use_dask:  # the first chunk gives the shapes
            a, b = bounds[0]
            first = chain.compute(params=slice_parameters(params, a, b))
            shapes = {k: v.shape[1:] for k, v in first.items()}
        else:  # a one-draw probe: the first chunk runs on a worker
            shapes = output_shapes(chain, params)
        if sketches is not None and use_dask:
            msg = "streamed summaries (sketches) need the processes backend"
            raise ValueError(msg)
        kept = None if keep is None or store is not None else [*{*keep, "binding_layer"}]
        if store is None:
            sink: MemorySink | ZarrSink = MemorySink(
                shapes if kept is None else {k: shapes[k] for k in sorted(kept)},
                draws,
                dtype,
                shared=forked,
            )
        else:
            final = Path(store)
            tmp = final.with_name(f".{final.name}.partial")
            shutil.rmtree(tmp, ignore_errors=True)
            sink = ZarrSink(tmp, dtype, min(chunk_size, draws), draws, shapes)
        consume = _consumer(sink.write, kept, sketches is not None)
        try:
            if isinstance(sink, ZarrSink):
                sink.create(chain, attrs)
            if use_dask:
                _run_dask(scenario, params, bounds, sink, workers, scheduler, progress, draws)
                parts: list[Any] = []
            elif first is not None:
                parts = [consume(*bounds[0], first)]
                del first
                if progress is not None:
                    progress(bounds[0][1], draws)
                parts += _run_chunks(
                    chain, params, bounds[1:], consume, 1, progress, draws, bounds[0][1]
                )
            else:
                parts = _run_chunks(chain, params, bounds, consume, workers, progress, draws)
            if sketches is not None:
                sketches.extend(parts)
        except BaseException:
            if isinstance(sink, ZarrSink):
                _remove_partial(sink.path)
            raise
        if isinstance(sink, MemorySink):
            if not dataset:
                return Draws(*chain.labelled(sink.arrays), attrs)
            return chain.dataset(sink.arrays, attrs)
        return _finish_store(sink, final)


def _checked_dtype(draws: int, backend: str, dtype: str | None, store: Any) -> str:
    """The output dtype (float32 in a store by default); ValueError on bad arguments."""
    if not 1 <= draws <= MAX_DRAWS:
        msg = f"draws must be between 1 and {MAX_DRAWS}, got {draws}"
        raise ValueError(msg)
    if backend not in BACKENDS:
        msg = f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}"
        raise ValueError(msg)
    dtype = dtype or ("float32" if store is not None else "float64")
    if dtype not in DTYPES:
        msg = f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}"
        raise ValueError(msg)
    return dtype


def _consumer(
    write: Callable[[int, int, Mapping[str, np.ndarray]], None],
    keep: Sequence[str] | None,
    summarise: bool,
) -> Callable[[int, int, dict[str, np.ndarray]], dict[str, Sketch] | None]:
    """What runs on each chunk (on the worker that computed it): ``write`` the kept
    outputs and, if asked, return every output's sketch."""

    def consume(start: int, stop: int, out: dict[str, np.ndarray]) -> dict[str, Sketch] | None:
        write(start, stop, out if keep is None else {k: out[k] for k in keep})
        return {k: sketch(v) for k, v in out.items()} if summarise else None

    return consume


def _remove_partial(path: Path) -> None:
    """Remove a partial store, also what zarr's I/O thread may still be finishing."""
    for _ in range(40):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            time.sleep(0.05)  # a write in flight on zarr's event-loop thread lands late
            if not path.exists():
                return
    shutil.rmtree(path, ignore_errors=True)


def _finish_store(sink: ZarrSink, final: Path) -> xr.Dataset:
    """Add the across-draw summaries, then move the complete store into place."""
    import xarray as xr

    try:
        part = xr.open_zarr(sink.path, consolidated=False, chunks=None)
        share = binding_share(part["binding_layer"].values)
        var = VARIABLES["binding_share"]
        extra = xr.Dataset(
            {"binding_share": xr.Variable(var.dims, share, attrs={"units": var.units})},
            coords={"year": part["year"].values, "binding": part["binding"].values},
            attrs=part.attrs,  # appending rewrites the group's attributes
        )
        extra.to_zarr(sink.path, mode="a", zarr_format=2, consolidated=False)
        if final.exists():
            old = final.with_name(f".{final.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
            sink.path.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            sink.path.rename(final)
    except BaseException:
        _remove_partial(sink.path)
        raise
    return xr.open_zarr(final, consolidated=False, chunks=None)  # lazy, no dask threads


def _run_chunks(
    chain: Chain,
    params: Any,
    bounds: list[tuple[int, int]],
    consume: Callable[[int, int, dict[str, np.ndarray]], Any],
    workers: int,
    progress: Callable[[int, int], None] | None,
    draws: int,
    done: int = 0,
) -> list[Any]:
    """``consume(start, stop, outputs)`` for every chunk, in this process or on forked
    workers (which inherit the chain and the design); results in chunk order.
    ``progress(done, draws)`` counts from ``done`` draws already finished."""
    results: list[Any] = [None] * len(bounds)
    state = {"chain": chain, "params": params, "consume": consume}
    with forked_pool(workers, _worker_init, **state) as pool:
        if pool is None:
            for i, (a, b) in enumerate(bounds):
                results[i] = consume(a, b, chain.compute(params=slice_parameters(params, a, b)))
                done += b - a
                if progress is not None:
                    progress(done, draws)
            return results
        futures = {pool.submit(_fork_chunk, a, b): i for i, (a, b) in enumerate(bounds)}
        try:
            for fut in as_completed(futures):
                i = futures[fut]
                results[i] = fut.result()
                done += bounds[i][1] - bounds[i][0]
                if progress is not None:
                    progress(done, draws)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
    return results


def map_chunks(
    chain: Chain,
    params: Any,
    fn: Callable[[dict[str, np.ndarray]], np.ndarray],
    draws: int,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
) -> np.ndarray:
    """``fn(outputs)`` of every chunk of draws (e.g. one output's values), concatenated
    in draw order; the full outputs of all draws are never held at once."""
    bounds = chunk_bounds(draws, chunk_size)
    parts = _run_chunks(chain, params, bounds, lambda a, b, out: fn(out), workers, None, draws)
    return np.concatenate(parts, axis=0)


def _run_dask(
    scenario: Scenario,
    params: Any,
    bounds: list[tuple[int, int]],
    sink: MemorySink | ZarrSink,
    workers: int,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
    draws: int,
) -> None:
    """Chunks on a Dask cluster; store chunks are written by the workers themselves."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        client = Client(cluster)
    remote_sink = sink if isinstance(sink, ZarrSink) else None
    try:
        shared = client.scatter(scenario, broadcast=True)  # sent once, not once per chunk
        futures = [
            client.submit(
                _dask_chunk,
                shared,
                slice_parameters(params, a, b),
                remote_sink,
                a,
                pure=False,
            )
            for a, b in bounds
        ]
        order = {f.key: i for i, f in enumerate(futures)}
        done = 0
        from dask.distributed import as_completed as dask_completed

        for fut in dask_completed(futures):
            a, b = bounds[order[fut.key]]
            arrays = fut.result()
            if arrays is not None:
                sink.write(a, b, arrays)
            fut.release()
            done += b - a
            if progress is not None:
                progress(done, draws)
    finally:
        client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
