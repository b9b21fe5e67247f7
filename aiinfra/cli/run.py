"""`aiinfra run` and `aiinfra mc`: point runs and Monte Carlo."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aiinfra.cli.common import (
    DEFAULT_DRAWS,
    DRAWS_RULE,
    HEADLINE_YEARS,
    MC_CHUNK,
    DrawsOpt,
    ForceOpt,
    JsonOpt,
    ScenarioArg,
    SetOpt,
    WorkersOpt,
    _claim_out,
    _fail,
    _fmt,
    _load,
    app,
    draws_problem,
    err_console,
    handles_errors,
    out_console,
)


@app.command()
@handles_errors
def run(
    scenario: ScenarioArg = "base",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out"),
    draws: Annotated[
        int,
        typer.Option("--draws", help=f"Monte Carlo draws (default 1: a point run; {DRAWS_RULE})."),
    ] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    sets: SetOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Run a scenario; write results.nc and summary.csv; print headline numbers."""
    from aiinfra.chain import Chain
    from aiinfra.variables import VARIABLES

    if problem := draws_problem(draws):
        _fail([problem])
    if seed < 0:
        _fail([f"--seed: {seed} is not allowed; use a non-negative integer"])
    sc = _load(scenario, sets)
    with _claim_out(out, force):
        if draws == 1:  # from the arrays: no xarray to import
            from aiinfra.results import write_point_outputs

            chain = Chain(sc)
            arrays, coords = chain.labelled(chain.compute(1, seed=seed))
            attrs = chain.attrs(1, seed)
            paths = write_point_outputs(arrays, coords, attrs, out)
            values = {k: (VARIABLES[k].dims, v) for k, v in arrays.items()}
            _report(headline_rows(values, coords["year"]), attrs, 1, paths, as_json)
        else:  # chunked: same numbers, bounded temporaries
            from aiinfra.montecarlo import run_mc
            from aiinfra.results import write_outputs

            ds = run_mc(sc, draws, seed=seed)
            _report_ds(ds, write_outputs(ds, out), as_json)


def headline_rows(values: dict, years_simulated) -> list[dict]:
    """Headline variables by year: median, p5 and p95 in their display unit, from
    ``{name: (dims, array)}`` of outputs (draw, year, ...) over ``years_simulated``."""
    import numpy as np

    from aiinfra.variables import HEADLINE

    simulated = [int(y) for y in years_simulated]
    years = [int(y) for y in HEADLINE_YEARS if y in simulated]
    rows = []
    for name, scale, unit in HEADLINE:
        if name not in values:
            continue
        dims, arr = values[name]
        arr = np.asarray(arr, dtype=float)
        extra = tuple(i for i, d in enumerate(dims) if d not in ("draw", "year"))
        if extra:
            arr = arr.sum(axis=extra)
        for y in years:
            cut = arr[:, simulated.index(y)] * scale
            lo, med, hi = np.quantile(cut, [0.05, 0.5, 0.95])
            rows.append(
                {"variable": name, "unit": unit, "year": y, "p50": med, "p5": lo, "p95": hi}
            )
    return rows


def _report_ds(ds, paths: dict, as_json: bool) -> None:
    """:func:`_report` of a Monte Carlo Dataset (reads only the headline variables: a
    Zarr store's others stay on disk)."""
    from aiinfra.variables import HEADLINE

    values = {n: (ds[n].dims, ds[n].values) for n, _, _ in HEADLINE if n in ds}
    rows = headline_rows(values, ds["year"].values)
    _report(rows, dict(ds.attrs), ds.sizes["draw"], paths, as_json)


def _report(rows: list[dict], attrs: dict, draws: int, paths: dict, as_json: bool) -> None:
    """Print the headline table (or one JSON object) and the files written."""
    files = {k: str(v) for k, v in paths.items()}
    if as_json:
        payload = {
            "scenario": attrs.get("scenario", ""),
            "draws": draws,
            "seed": attrs.get("seed", 0),
            "files": files,
            "headline": rows,
        }
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    years = sorted({r["year"] for r in rows})
    title = f"{attrs.get('scenario', '')}: " + (
        "point run" if draws == 1 else f"median and p5-p95 of {draws:,} draws"
    )
    table = Table(title=title)
    table.add_column("variable", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    for y in years:
        table.add_column(str(y), justify="right")
    by_var: dict[str, list[dict]] = {}
    for r in rows:
        by_var.setdefault(r["variable"], []).append(r)
    for name, cells in by_var.items():
        shown = [
            _fmt(c["p50"])
            if draws == 1
            else f"{_fmt(c['p50'])}\n[dim]{_fmt(c['p5'])}-{_fmt(c['p95'])}[/dim]"
            for c in cells
        ]
        table.add_row(name, cells[0]["unit"], *shown)
    out_console.print(table)
    out_console.print(f"wrote {files['results']} and {files['summary']}")


@app.command()
@handles_errors
def mc(
    scenario: ScenarioArg = "base",
    draws: DrawsOpt = DEFAULT_DRAWS,
    seed: Annotated[int, typer.Option("--seed", help="Master seed.")] = 0,
    sampler: Annotated[str, typer.Option("--sampler", help="lhs, sobol or random.")] = "lhs",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out"),
    workers: WorkersOpt = 1,
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            help="processes (forked, shared memory) or dask (a local dask.distributed cluster).",
        ),
    ] = "processes",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Existing Dask scheduler tcp://host:port.")
    ] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help="Draws per chunk (and per Zarr chunk).")
    ] = MC_CHUNK,
    store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="Stream the draws to OUT/results.zarr chunk by chunk (runs beyond memory).",
        ),
    ] = False,
    dtype: Annotated[
        str | None,
        typer.Option(
            "--dtype", help="float64 or float32 (default: float64; float32 with --store)."
        ),
    ] = None,
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            help="Outputs kept per draw in results.nc (repeat; 'all' for every output). "
            "Default: the headline outputs and the sampled inputs; summary.csv always "
            "covers every output.",
        ),
    ] = None,
    sets: SetOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Monte Carlo over every distribution; summary with p5/p25/p50/p75/p95."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from aiinfra.memory import no_hugepages
    from aiinfra.montecarlo import run_mc
    from aiinfra.results import MC_QUANTILES, summary_from_sketches, write_outputs

    problems = _mc_problems(draws, store, sampler, workers, backend, dtype, chunk_size, seed)
    kept = _kept(keep, problems)
    if problems:
        _fail(problems)
    lean = kept is not None or store
    sketches: list | None = [] if lean and backend == "processes" and not scheduler else None
    sc = _load(scenario, sets)
    with _claim_out(out, force):
        zarr_path = out / "results.zarr" if store else None
        if zarr_path is not None:
            out.mkdir(parents=True, exist_ok=True)
        with (
            no_hugepages(),
            Progress(
                TextColumn("[bold]monte carlo"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} draws"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
                disable=draws < 20_000 or not sys.stderr.isatty(),
            ) as bar,
        ):
            task = bar.add_task("mc", total=draws)
            # the default run (headline outputs per draw, sketches) needs no Dataset
            arrays_only = sketches is not None and not store
            ds = run_mc(
                sc,
                draws,
                seed=seed,
                sampler=sampler,
                chunk_size=chunk_size,
                workers=workers,
                scheduler=scheduler,
                backend=backend,
                store=zarr_path,
                dtype=dtype,
                progress=lambda done, total: bar.update(task, completed=done),
                keep=kept,
                sketches=sketches,
                dataset=not arrays_only,
            )
            bar.stop()
            status = (
                err_console.status("summary: mean and quantiles of every variable and year")
                if draws >= 20_000 and sys.stderr.isatty()
                else contextlib.nullcontext()
            )
            with status:
                if arrays_only:
                    _write_draws(ds, sketches, sc, out, seed, sampler, as_json)
                    return
                rows = None
                if sketches is not None:  # into a store
                    coords = {k: ds[k].values for k in ds.coords}
                    rows = summary_from_sketches(sketches, coords, MC_QUANTILES)
                paths = write_outputs(
                    ds, out, quantiles=MC_QUANTILES, store=zarr_path, workers=workers, rows=rows
                )
        _report_ds(ds, paths, as_json)


def _write_draws(draws, sketches, sc, out, seed: int, sampler: str, as_json: bool) -> None:
    """Write and report an in-memory run (``montecarlo.Draws``): the summary from the
    sketches, results.nc with the kept outputs and the sampled inputs (no xarray)."""
    from aiinfra.montecarlo import sampled_input_arrays
    from aiinfra.results import MC_QUANTILES, summary_from_sketches, write_array_outputs
    from aiinfra.variables import VARIABLES

    n = next(iter(draws.arrays.values())).shape[0]
    rows = summary_from_sketches(sketches, draws.coords, MC_QUANTILES)
    extra = sampled_input_arrays(sc, n, seed=seed, sampler=sampler)
    paths = write_array_outputs(draws.arrays, draws.coords, draws.attrs, out, rows, extra)
    values = {k: (VARIABLES[k].dims, v) for k, v in draws.arrays.items()}
    _report(headline_rows(values, draws.coords["year"]), draws.attrs, n, paths, as_json)


def _mc_problems(
    draws: int,
    store: bool,
    sampler: str,
    workers: int,
    backend: str,
    dtype: str | None,
    chunk_size: int,
    seed: int,
) -> list[str]:
    """One line per bad option of `mc`."""
    problems = []
    if problem := draws_problem(draws, store=store):
        problems.append(problem)
    if sampler not in ("lhs", "sobol", "random"):
        problems.append(f"--sampler: {sampler!r} is not allowed; use lhs, sobol or random")
    if not 1 <= workers <= 64:
        problems.append(f"--workers: {workers} is not allowed; use 1 to 64")
    if backend not in ("processes", "dask"):
        problems.append(f"--backend: {backend!r} is not allowed; use processes or dask")
    if dtype is not None and dtype not in ("float64", "float32"):
        problems.append(f"--dtype: {dtype!r} is not allowed; use float64 or float32")
    if not 1 <= chunk_size <= 1_000_000:
        problems.append(f"--chunk-size: {chunk_size} is not allowed; use 1 to 1000000")
    if seed < 0:
        problems.append(f"--seed: {seed} is not allowed; use a non-negative integer")
    return problems


def _kept(keep: list[str] | None, problems: list[str]) -> list[str] | None:
    """Outputs `mc` keeps per draw: None for all (``--keep all``), else the headline
    outputs plus the ones named; unknown names are added to ``problems``."""
    import difflib

    from aiinfra.variables import HEADLINE, VARIABLES

    if keep and "all" in keep:
        return None
    names = [n for n, _, _ in HEADLINE]
    for name in keep or []:
        if name not in VARIABLES or "draw" not in VARIABLES[name].dims:
            near = difflib.get_close_matches(name, list(VARIABLES), n=1)
            hint = f"did you mean {near[0]!r}? " if near else ""
            problems.append(
                f"--keep: {name!r} is not a per-draw output ({hint}see `aiinfra variables`)"
            )
        elif name not in names:
            names.append(name)
    return names
