"""Command-line interface (Typer + rich).

Bad input never produces a traceback: every :class:`~aiinfra.errors.AiinfraError`
is printed as one line per problem on stderr and the process exits with code 2.
Set ``AIINFRA_DEBUG=1`` to see tracebacks of unexpected internal errors.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from aiinfra import __version__
from aiinfra.errors import AiinfraError, ScenarioError

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="aiinfra",
    help="aiinfra: the AI infrastructure stack from tokens to watts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out_console = Console(width=None if sys.stdout.isatty() else 132)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# In memory, a draw's outputs take ~35 kB (float64) and the NetCDF is rendered in memory
# before it is written: 100,000 draws peak near 8 GB. `mc --store` streams to a Zarr
# store instead (float32, lz4) and its memory does not grow with the draws.
MAX_RUN_DRAWS = 50_000
MAX_MC_DRAWS = 100_000
MAX_STORE_DRAWS = 10_000_000
MC_CHUNK = 2_000  # = montecarlo.DEFAULT_CHUNK (not imported: keeps `aiinfra --help` fast)
HEADLINE_YEARS = (2023, 2025, 2027, 2030, 2035)

ScenarioArg = Annotated[
    str,
    typer.Argument(help="Scenario YAML path or shipped scenario name (see `aiinfra scenarios`)."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a field, e.g. --set demand.chat.users_2023=1e8."),
]


def _fail(lines: list[str]) -> None:
    for line in lines:
        err_console.print(f"error: {line}", markup=False)
    raise typer.Exit(2)


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn user-input errors raised by a command into exit 2 + one line each."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ScenarioError as exc:
            _fail(exc.lines())
        except AiinfraError as exc:
            _fail([str(exc)])
        raise AssertionError  # pragma: no cover - _fail always raises

    return wrapper


def _version(value: bool) -> None:
    if value:
        out_console.print(f"aiinfra {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """aiinfra: the AI infrastructure stack from tokens to watts."""


ForceOpt = Annotated[
    bool, typer.Option("--force", help="Write into an existing non-aiinfra directory.")
]
WorkersOpt = Annotated[
    int, typer.Option("--workers", help="Worker processes (chunks of draws in parallel).")
]


def _claim_out(out: Path, force: bool):
    """Claim ``--out`` for this command (see :func:`aiinfra.outdir.claim`)."""
    from aiinfra.outdir import claim

    return claim(out, force)


def _load(scenario: str, sets: list[str] | None):
    from aiinfra.scenario import load_scenario

    return load_scenario(scenario, sets or [])


@app.command()
@handles_errors
def run(
    scenario: ScenarioArg = "base",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out"),
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws (1 = point run).")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    sets: SetOpt = None,
    force: ForceOpt = False,
) -> None:
    """Run a scenario; write results.nc and summary.csv; print headline numbers."""
    from aiinfra.chain import Chain
    from aiinfra.results import write_outputs

    if not 1 <= draws <= MAX_RUN_DRAWS:
        _fail([f"--draws: {draws} is not allowed; use 1 to {MAX_RUN_DRAWS}"])
    if seed < 0:
        _fail([f"--seed: {seed} is not allowed; use a non-negative integer"])
    sc = _load(scenario, sets)
    with _claim_out(out, force):
        if draws == 1:
            ds = Chain(sc).run(draws=1, seed=seed)
        else:  # chunked: same numbers, bounded temporaries
            from aiinfra.montecarlo import run_mc

            ds = run_mc(sc, draws, seed=seed)
        paths = write_outputs(ds, out)
        _print_headline(ds)
        out_console.print(f"wrote {paths['results']} and {paths['summary']}")


def _print_headline(ds) -> None:
    from aiinfra.variables import HEADLINE

    years = [y for y in HEADLINE_YEARS if y in ds["year"].values]
    draws = ds.sizes["draw"]
    title = f"{ds.attrs.get('scenario', '')}: " + (
        "point run" if draws == 1 else f"median and p5-p95 of {draws} draws"
    )
    table = Table(title=title)
    table.add_column("variable", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    for y in years:
        table.add_column(str(y), justify="right")
    for name, scale, unit in HEADLINE:
        if name not in ds:
            continue
        da = ds[name]
        extra = [d for d in da.dims if d not in ("draw", "year")]
        if extra:
            da = da.sum(extra)
        cells = []
        for y in years:
            v = da.sel(year=y).values * scale
            if draws == 1:
                cells.append(_fmt(float(v[0])))
            else:
                lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95])
                cells.append(f"{_fmt(med)}\n[dim]{_fmt(lo)}-{_fmt(hi)}[/dim]")
        table.add_row(name, unit, *cells)
    out_console.print(table)


def _fmt(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


@app.command()
@handles_errors
def validate(
    scenario: ScenarioArg,
    sets: SetOpt = None,
) -> None:
    """Validate a scenario: prints `ok` or one line per problem (exit 2)."""
    _load(scenario, sets)
    out_console.print("ok")


@app.command()
@handles_errors
def variables(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List output variables: name, unit, dims, layer, description."""
    from aiinfra.variables import VARIABLES

    if as_json:
        sys.stdout.write(json.dumps([v.as_dict() for v in VARIABLES.values()], indent=2) + "\n")
        return
    table = Table(title="aiinfra output variables")
    for col in ("name", "units", "dims", "layer", "long_name"):
        table.add_column(col)
    for v in VARIABLES.values():
        table.add_row(v.name, v.units, ", ".join(v.dims), v.layer, v.long_name)
    out_console.print(table)


@app.command()
@handles_errors
def scenarios() -> None:
    """List shipped scenarios with their one-line narratives."""
    from aiinfra.scenario import load_scenario, shipped_scenarios

    table = Table(title="shipped scenarios")
    table.add_column("name")
    table.add_column("narrative")
    for name, _path in sorted(shipped_scenarios().items()):
        sc = load_scenario(name)
        table.add_row(name, sc.description.split(". ")[0].strip())
    out_console.print(table)


PrecisionOpt = Annotated[str, typer.Option("--precision", help="bf16, fp8 or fp4.")]


@app.command()
@handles_errors
def perf(
    accelerator: Annotated[str, typer.Option("--accelerator", "-a", help="Catalog name.")],
    model: Annotated[str, typer.Option("--model", "-m", help="Catalog model name.")],
    devices: Annotated[int, typer.Option("--devices", help="Devices in the system.")] = 8,
    batch: Annotated[
        str, typer.Option("--batch", help="Sequences per replica, or 'auto'.")
    ] = "auto",
    input_tokens: Annotated[
        float, typer.Option("--input-tokens", help="Prompt tokens per request.")
    ] = 294.0,
    output_tokens: Annotated[
        float, typer.Option("--output-tokens", help="Output tokens per request.")
    ] = 294.45,
    precision: PrecisionOpt = "fp8",
    mode: Annotated[str, typer.Option("--mode", help="infer or train.")] = "infer",
    tokens: Annotated[
        float, typer.Option("--tokens", help="Training tokens (--mode train).")
    ] = 1e12,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """LLM inference/training performance of an accelerator x model (roofline)."""
    from aiinfra.catalogs import get_accelerator, get_architecture
    from aiinfra.layers import compute
    from aiinfra.validation import DEFAULTS

    problems = []
    if precision not in compute.BYTES_PER_PARAM:
        problems.append(f"--precision: {precision!r} is not allowed; use bf16, fp8 or fp4")
    if mode not in ("infer", "train"):
        problems.append(f"--mode: {mode!r} is not allowed; use infer or train")
    if devices < 1 or devices > 1_000_000:
        problems.append(f"--devices: {devices} is not allowed; use 1 to 1000000")
    if not (1 <= input_tokens <= 10_000_000) or not (1 <= output_tokens <= 10_000_000):
        problems.append("--input-tokens/--output-tokens: use 1 to 10000000 tokens")
    n_batch: int | None = None
    if batch != "auto":
        try:
            n_batch = int(batch)
        except ValueError:
            n_batch = -1
        if not 1 <= n_batch <= 65536:
            problems.append(f"--batch: {batch!r} is not allowed; use 'auto' or 1 to 65536")
    if not 0 < tokens < 1e18:
        problems.append(f"--tokens: {tokens:g} is not allowed; use a positive count below 1e18")
    if problems:
        _fail(problems)
    acc = get_accelerator(accelerator)
    arch = get_architecture(model)
    if mode == "train":
        t = compute.training_time(
            tokens,
            active_params=arch.active_params,
            devices=devices,
            peak_flops=acc.peak(precision),
            mfu=DEFAULTS.training_mfu * acc.software_efficiency,
        )
        out = {
            "flop": float(t["flop"]),
            "seconds": float(t["seconds"]),
            "days": float(t["seconds"]) / 86400.0,
            "device_hours": float(t["device_hours"]),
            "mfu": DEFAULTS.training_mfu * acc.software_efficiency,
        }
    else:
        res = compute.perf(
            acc,
            arch,
            devices=devices,
            batch=n_batch,
            n_in=input_tokens,
            n_out=output_tokens,
            precision=precision,
            efficiency=DEFAULTS.inference,
        )
        out = res.as_dict()
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
        return
    title = f"{devices} x {acc.name}, {arch.name}, {precision}, {mode}"
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in out.items():
        table.add_row(k, f"{v:,.4g}" if isinstance(v, float) else str(v))
    out_console.print(table)


@app.command()
@handles_errors
def catalog(
    which: Annotated[str, typer.Argument(help="accelerators or models")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the accelerator or model catalog."""
    from aiinfra.catalogs import read_csv

    files = {"accelerators": "accelerators.csv", "models": "llm_architectures.csv"}
    if which not in files:
        _fail([f"catalog: {which!r} is not a catalog; use accelerators or models"])
    rows = read_csv(files[which])
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    cols = (
        ["name", "vendor", "year", "bf16_tflops", "fp8_tflops", "hbm_gb", "hbm_tbps", "tdp_w"]
        if which == "accelerators"
        else ["name", "kind", "total_params_b", "active_params_b", "layers", "attention"]
    )
    table = Table(title=f"{which} catalog")
    for c in cols:
        table.add_column(c)
    for r in rows:
        table.add_row(*(r[c] for c in cols))
    out_console.print(table)


@app.command()
@handles_errors
def bottleneck(
    scenario: ScenarioArg = "base",
    year: Annotated[int, typer.Option("--year", help="Year to solve.")] = 2027,
    sets: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Binding constraint and shadow prices (LP) for one year: a ranked table."""
    from aiinfra import solve

    sc = _load(scenario, sets)
    b = solve.bottleneck(sc, year)
    res = b["lp"]
    rows = sorted(
        (
            {
                "constraint": n,
                "unit": u,
                "capacity": float(c),
                "used": float(us),
                "slack": float(sl),
                "shadow_tokens_per_s": float(sh),
                "shadow_usd_per_year": float(v),
            }
            for n, u, c, us, sl, sh, v in zip(
                res.names,
                b["inputs"]["units"],
                b["inputs"]["cap"],
                res.used,
                res.slack,
                res.shadow,
                b["shadow_usd_per_year"],
                strict=True,
            )
        ),
        key=lambda r: (-r["shadow_tokens_per_s"], r["slack"] / max(r["capacity"], 1e-30)),
    )
    summary = {
        "year": year,
        "solver_binding": b["solver_binding"],
        "shipped_units": b["shipped"],
        "deployed_units": b["deployed"],
        "waiting_units": b["waiting"],
        "desired_units": b["desired"],
        "lp_tokens_per_s": res.tokens_per_s,
        "usd_per_mtok": b["usd_per_mtok"],
        "constraints": rows,
    }
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    title = (
        f"{sc.name} {year}: solver binding layer = {b['solver_binding']}; shipped "
        f"{b['shipped'] / 1e6:,.1f} M of {b['desired'] / 1e6:,.1f} M XPUs desired, deployed "
        f"{b['deployed'] / 1e6:,.1f} M, {b['waiting'] / 1e6:,.1f} M waiting for power"
    )
    table = Table(title=title)
    for col in (
        "constraint",
        "unit",
        "capacity",
        "used",
        "slack",
        "tokens/s per unit",
        "USD/yr per unit",
    ):
        table.add_column(col, justify="left" if col in ("constraint", "unit") else "right")
    for r in rows:
        table.add_row(
            r["constraint"],
            r["unit"],
            f"{r['capacity']:,.4g}",
            f"{r['used']:,.4g}",
            f"{r['slack']:,.4g}",
            f"{r['shadow_tokens_per_s']:,.4g}",
            f"{r['shadow_usd_per_year']:,.4g}",
        )
    out_console.print(table)


@app.command()
@handles_errors
def economics(
    scenario: ScenarioArg = "base",
    by: Annotated[str, typer.Option("--by", help="segment, item or company.")] = "segment",
    sets: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """AI capex by segment/item, or revenue by company, per year (point run, bn USD)."""
    from aiinfra.chain import Chain

    choices = {
        "segment": ("capex_segment_usd", "segment"),
        "item": ("capex_usd", "item"),
        "company": ("firm_revenue_usd", "firm"),
    }
    if by not in choices:
        _fail([f"--by: {by!r} is not allowed; use segment, item or company"])
    var, dim = choices[by]
    ds = Chain(_load(scenario, sets)).run()
    da = ds[var].isel(draw=0) / 1e9
    years = [int(y) for y in ds["year"].values]
    rows = {str(c): [float(v) for v in da.sel({dim: c}).values] for c in da[dim].values}
    extra = {
        "total capex": [float(v) for v in ds["capex_total_usd"].isel(draw=0).values / 1e9],
        "ARR (LLM providers)": [float(v) for v in ds["arr_usd"].isel(draw=0).values / 1e9],
    }
    if as_json:
        payload = {"by": by, "unit": "bn USD/yr", "years": years, "rows": rows, **extra}
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    shown = [y for y in HEADLINE_YEARS if y in years]
    table = Table(title=f"{ds.attrs.get('scenario', '')}: {var} (bn USD/yr)")
    table.add_column(dim, no_wrap=True)
    for y in shown:
        table.add_column(str(y), justify="right")
    order = (
        sorted(rows, key=lambda k: -rows[k][years.index(shown[-1])]) if by == "company" else rows
    )
    for name in order:
        table.add_row(name, *(_fmt(rows[name][years.index(y)]) for y in shown))
    for name, vals in extra.items():
        table.add_row(f"[bold]{name}[/bold]", *(_fmt(vals[years.index(y)]) for y in shown))
    out_console.print(table)


@app.command()
@handles_errors
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from aiinfra.scenario import scenario_json_schema

    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2) + "\n")


@app.command()
@handles_errors
def diff(
    a: Annotated[str, typer.Argument(help="First scenario (name or path).")],
    b: Annotated[str, typer.Argument(help="Second scenario (name or path).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Differing assumptions of two scenarios and the differences in headline outputs."""
    from aiinfra.chain import Chain
    from aiinfra.scenario import flatten
    from aiinfra.variables import HEADLINE

    sa, sb = _load(a, None), _load(b, None)
    skip = {"name", "description"}
    fa = flatten(sa.model_dump(mode="json"))
    fb = flatten(sb.model_dump(mode="json"))
    changed = [
        {"field": k, "a": fa.get(k), "b": fb.get(k)}
        for k in sorted(set(fa) | set(fb))
        if k not in skip and fa.get(k) != fb.get(k)
    ]
    da, db = Chain(sa).run(), Chain(sb).run()
    years = [y for y in HEADLINE_YEARS if y in da["year"].values and y in db["year"].values]
    outputs = []
    for name, scale, unit in HEADLINE:
        va = da[name].isel(draw=0)
        vb = db[name].isel(draw=0)
        extra = [d for d in va.dims if d != "year"]
        if extra:
            va, vb = va.sum(extra), vb.sum(extra)
        for y in years:
            x, z = float(va.sel(year=y)) * scale, float(vb.sel(year=y)) * scale
            outputs.append(
                {"variable": name, "unit": unit, "year": y, "a": x, "b": z, "diff": z - x}
            )
    if as_json:
        sys.stdout.write(json.dumps({"assumptions": changed, "outputs": outputs}) + "\n")
        return
    t1 = Table(title=f"assumptions: {sa.name} vs {sb.name}")
    for col in ("field", sa.name, sb.name):
        t1.add_column(col)
    for row in changed:
        t1.add_row(row["field"], _short(row["a"]), _short(row["b"]))
    out_console.print(t1)
    t2 = Table(title=f"headline outputs (point runs): {sb.name} minus {sa.name}")
    t2.add_column("variable", no_wrap=True)
    t2.add_column("unit", no_wrap=True)
    for y in years:
        t2.add_column(str(y), justify="right")
    for name, _scale, unit in HEADLINE:
        cells = [r for r in outputs if r["variable"] == name]
        t2.add_row(name, unit, *(f"{_fmt(r['b'])} ({r['diff']:+,.3g})" for r in cells))
    out_console.print(t2)


def _short(v: object) -> str:
    text = json.dumps(v) if not isinstance(v, str) else v
    return text if len(text) <= 60 else text[:57] + "..."


@app.command()
@handles_errors
def mc(
    scenario: ScenarioArg = "base",
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws.")] = 1000,
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
    sets: SetOpt = None,
    force: ForceOpt = False,
) -> None:
    """Monte Carlo over every distribution; summary with p5/p25/p50/p75/p95."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from aiinfra.memory import no_hugepages
    from aiinfra.montecarlo import run_mc
    from aiinfra.results import MC_QUANTILES, write_outputs

    problems = []
    limit = MAX_STORE_DRAWS if store else MAX_MC_DRAWS
    if not 1 <= draws <= limit:
        hint = "" if store else f" (up to {MAX_STORE_DRAWS:,} with --store)"
        problems.append(f"--draws: {draws} is not allowed; use 1 to {limit}{hint}")
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
    if problems:
        _fail(problems)
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
            )
            bar.stop()
            status = (
                err_console.status("summary: mean and quantiles of every variable and year")
                if draws >= 20_000 and sys.stderr.isatty()
                else contextlib.nullcontext()
            )
            with status:
                paths = write_outputs(
                    ds, out, quantiles=MC_QUANTILES, store=zarr_path, workers=workers
                )
        _print_headline(ds)
        out_console.print(f"wrote {paths['results']} and {paths['summary']}")


@app.command()
@handles_errors
def sensitivity(
    scenario: ScenarioArg = "base",
    output: Annotated[str, typer.Option("--output", help="Output variable.")] = "arr_usd",
    year: Annotated[int, typer.Option("--year", help="Year.")] = 2030,
    category: Annotated[
        str | None, typer.Option("--category", help="Category (default: sum over them).")
    ] = None,
    method: Annotated[str, typer.Option("--method", help="sobol or tornado.")] = "sobol",
    n: Annotated[int, typer.Option("--n", help="Sobol base sample (power of two).")] = 256,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
    workers: WorkersOpt = 1,
    sets: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Rank uncertain inputs by their effect on one output and year (Sobol or tornado)."""
    from aiinfra.sensitivity import scenario_sobol, tornado

    if method not in ("sobol", "tornado"):
        _fail([f"--method: {method!r} is not allowed; use sobol or tornado"])
    if n < 8 or n > 65536 or n & (n - 1):
        _fail([f"--n: {n} is not allowed; use a power of two from 8 to 65536"])
    if not 1 <= workers <= 64:
        _fail([f"--workers: {workers} is not allowed; use 1 to 64"])
    sc = _load(scenario, sets)
    if method == "tornado":
        rows = tornado(sc, output, year, category=category)
        if as_json:
            sys.stdout.write(json.dumps({"output": output, "year": year, "rows": rows}) + "\n")
            return
        table = Table(title=f"tornado: {output} in {year} (inputs at p10 / p90)")
        for col in ("field", "p10", "p90", "output at p10", "output at p90", "swing"):
            table.add_column(col, justify="left" if col == "field" else "right")
        for r in rows:
            table.add_row(
                r["field"],
                f"{r['p10']:.4g}",
                f"{r['p90']:.4g}",
                f"{r['output_at_p10']:.4g}",
                f"{r['output_at_p90']:.4g}",
                f"{r['swing']:+.4g}",
            )
        out_console.print(table)
        return
    res = scenario_sobol(sc, output, year, n=n, seed=seed, category=category, workers=workers)
    rows = sorted(
        (
            {"field": f, "S1": float(a), "S1_conf": float(b), "ST": float(c), "ST_conf": float(d)}
            for f, a, b, c, d in zip(
                res["names"], res["S1"], res["S1_conf"], res["ST"], res["ST_conf"], strict=True
            )
        ),
        key=lambda r: -r["ST"],
    )
    if as_json:
        payload = {"output": output, "year": year, "evaluations": res["evaluations"], "rows": rows}
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    table = Table(title=f"Sobol indices: {output} in {year} ({res['evaluations']:,} runs)")
    for col in ("field", "first order S1", "total ST"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for r in rows:
        table.add_row(
            r["field"], f"{r['S1']:.3f} ± {r['S1_conf']:.3f}", f"{r['ST']:.3f} ± {r['ST_conf']:.3f}"
        )
    out_console.print(table)


@app.command()
@handles_errors
def calibrate(
    scenario: ScenarioArg = "base",
    draws: Annotated[int, typer.Option("--draws", help="Prior draws.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
    history: Annotated[
        Path | None, typer.Option("--history", help="Observations CSV (default: shipped).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out"),
    workers: WorkersOpt = 1,
    sets: SetOpt = None,
    force: ForceOpt = False,
) -> None:
    """Weight draws by the likelihood of history; write weights and prior vs posterior."""
    from aiinfra import calibrate as cal
    from aiinfra.montecarlo import run_mc
    from aiinfra.results import MC_QUANTILES, atomic_write_bytes, write_outputs
    from aiinfra.uncertainty import sample_parameters, uncertain_fields

    if not 10 <= draws <= MAX_MC_DRAWS:
        _fail([f"--draws: {draws} is not allowed; use 10 to {MAX_MC_DRAWS}"])
    if not 1 <= workers <= 64:
        _fail([f"--workers: {workers} is not allowed; use 1 to 64"])
    sc = _load(scenario, sets)
    with _claim_out(out, force):
        obs = cal.load_history(history)
        ds = run_mc(sc, draws, seed=seed, workers=workers)
        w = cal.importance_weights(cal.log_likelihood(ds, obs))
        ess = cal.effective_sample_size(w)
        params = sample_parameters(sc, draws, seed=seed, sampler=sc.uncertainty.sampler)
        samples = {}
        for path, _dist, _spec in uncertain_fields(sc):
            node = params
            for part in path:
                node = getattr(node, part)
            samples[".".join(path)] = node
        for name, year in (("arr_usd", 2030), ("shipments_total", 2030), ("dc_energy_twh", 2030)):
            if year in ds["year"].values:
                samples[f"{name}[{year}]"] = (
                    ds[name].sel(year=year).values.reshape(draws, -1).sum(1)
                )
        table_rows = cal.prior_posterior(samples, w)
        write_outputs(ds, out, quantiles=MC_QUANTILES, weights=w, workers=workers)
        atomic_write_bytes(
            out / "weights.csv",
            ("draw,weight\n" + "".join(f"{i},{x:.10g}\n" for i, x in enumerate(w))).encode(),
        )
        cols = list(table_rows[0]) if table_rows else ["quantity"]
        lines = [",".join(cols)] + [
            ",".join(str(r[c]) if isinstance(r[c], str) else f"{r[c]:.6g}" for c in cols)
            for r in table_rows
        ]
        atomic_write_bytes(out / "calibration.csv", ("\n".join(lines) + "\n").encode())
        table = Table(
            title=f"calibration: {len(obs)} observations, ESS {ess:,.0f} of {draws:,} draws"
        )
        for col in ("quantity", "prior p5-p95", "prior p50", "posterior p50", "posterior p5-p95"):
            table.add_column(col, justify="left" if col == "quantity" else "right")
        for r in table_rows:
            table.add_row(
                r["quantity"],
                f"{r['prior_p5']:.3g}-{r['prior_p95']:.3g}",
                f"{r['prior_p50']:.3g}",
                f"{r['post_p50']:.3g}",
                f"{r['post_p5']:.3g}-{r['post_p95']:.3g}",
            )
        out_console.print(table)
        warning = cal.ess_warning(ess, draws)
        if warning:
            err_console.print(f"warning: {warning}", markup=False)
        out_console.print(
            f"wrote {out / 'weights.csv'}, {out / 'calibration.csv'} and the weighted summary"
        )


@app.command()
@handles_errors
def reconcile(
    scenario: ScenarioArg = "base",
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws.")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
    claims: Annotated[
        Path | None, typer.Option("--claims", help="Claims YAML (default: the seed's seven).")
    ] = None,
    weights: Annotated[
        Path | None, typer.Option("--weights", help="weights.csv from `aiinfra calibrate`.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or de.")] = "en",
    sets: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check headline claims against the chain: bands, probabilities, verdicts, cross-checks."""
    from aiinfra import reconcile as rc
    from aiinfra.montecarlo import run_mc

    if not 1 <= draws <= MAX_MC_DRAWS:
        _fail([f"--draws: {draws} is not allowed; use 1 to {MAX_MC_DRAWS}"])
    if lang not in ("en", "de"):
        _fail([f"--lang: {lang!r} is not allowed; use en or de"])
    items = rc.load_claims(claims)
    sc = _load(scenario, sets)
    w = None
    if weights is not None:
        if not weights.exists():
            _fail([f"--weights: file not found: {weights}"])
        w = np.loadtxt(weights, delimiter=",", skiprows=1, ndmin=2)[:, 1]
        if w.shape[0] != draws:
            _fail([f"--weights: {w.shape[0]} weights for {draws} draws; use the same --draws"])
    ds = run_mc(sc, draws, seed=seed)
    rows = rc.evaluate_claims(ds, items, w, lang)
    checks = rc.cross_checks(ds, items)
    if as_json:
        payload = {
            "scenario": sc.name,
            "draws": draws,
            "weighted": w is not None,
            "claims": rows,
            "cross_checks": checks,
        }
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    title = "reconciliation" if lang == "en" else "Abgleich"
    table = Table(title=f"{sc.name}: {title} ({draws} draws)")
    for col in ("claim", "model p50 (p5-p95)", "P(holds)", "verdict"):
        table.add_column(col, justify="right" if col.startswith(("model", "P")) else "left")
    for r in rows:
        band = f"{r['model_median']:.3g} ({r['model_p5']:.3g}-{r['model_p95']:.3g})"
        table.add_row(r["text"], band, f"{r['probability']:.0%}", r["verdict_label"])
    out_console.print(table)
    t2 = Table(title="cross-checks" if lang == "en" else "Querprüfungen")
    for col in ("implied ratio", "claims", "chain p50 (p5-p95)", "verdict"):
        t2.add_column(col, justify="left" if col == "implied ratio" else "right")
    for c in checks:
        m = c["model_ratio"]
        t2.add_row(
            c["name"],
            f"{c['claimed_ratio']:.3g} {c['unit']}",
            f"{m['median']:.3g} ({m['p5']:.3g}-{m['p95']:.3g})",
            c["verdict"],
        )
    out_console.print(t2)


@app.command()
@handles_errors
def report(
    scenario: ScenarioArg = "base",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out/report"),
    lang: Annotated[str, typer.Option("--lang", help="en or de.")] = "en",
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
    sets: SetOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write a self-contained report.html (charts inline, offline) and figures/*.png."""
    from aiinfra.report.html import build_report

    if lang not in ("en", "de"):
        _fail([f"--lang: {lang!r} is not allowed; use en or de"])
    if not 2 <= draws <= MAX_MC_DRAWS:
        _fail([f"--draws: {draws} is not allowed; use 2 to {MAX_MC_DRAWS}"])
    sc = _load(scenario, sets)
    with _claim_out(out, force):
        paths = build_report(sc, out, lang=lang, draws=draws, seed=seed)
        out_console.print(
            f"wrote {paths['report']} and {len(paths) - 1} figures in {out / 'figures'}"
        )


@app.command()
@handles_errors
def serve(
    scenario: ScenarioArg = "base",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8501,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
) -> None:
    """Start the dashboard (Streamlit), bound to 127.0.0.1 unless asked otherwise."""
    import subprocess
    from importlib import resources

    from aiinfra.scenario import shipped_scenarios

    if not 1 <= port <= 65535:
        _fail([f"--port: {port} is not allowed; use 1 to 65535"])
    if scenario not in shipped_scenarios():
        _load(scenario, None)  # validates a path; the app lists shipped scenarios
    script = str(resources.files("aiinfra") / "app.py")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        "1",
        "--",
        "--scenario",
        scenario,
    ]
    out_console.print(f"aiinfra dashboard on http://{host}:{port} (Ctrl+C to stop)")
    sys.stdout.flush()
    if hasattr(os, "execv"):  # become the server: signals (SIGTERM, Ctrl+C) reach it directly
        os.execv(sys.executable, cmd)
    raise typer.Exit(subprocess.call(cmd))


fab_app = typer.Typer(help="Manufacturing calculators.", no_args_is_help=True)
app.add_typer(fab_app, name="fab")


@fab_app.command("die")
@handles_errors
def fab_die(
    area: Annotated[float, typer.Option("--area", help="Die area [mm²].")],
    node: Annotated[str, typer.Option("--node", help="Process node (N12, N7, N5, N4, N3, N2).")],
    d0: Annotated[
        float | None, typer.Option("--d0", help="Defect density [/cm²]; default: mature node.")
    ] = None,
    model: Annotated[str, typer.Option("--model", help="Yield model.")] = "negative_binomial",
    alpha: Annotated[float, typer.Option("--alpha", help="Clustering parameter.")] = 3.0,
    edge_exclusion: Annotated[
        float, typer.Option("--edge-exclusion", help="Edge exclusion [mm].")
    ] = 0.0,
    wafer_price: Annotated[
        float | None, typer.Option("--wafer-price", help="Wafer price [USD]; default: node.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Dies per 300 mm wafer, yield, good dies and cost per good die."""
    from aiinfra.catalogs import read_csv
    from aiinfra.layers import fab

    nodes = {r["node"]: r for r in read_csv("process_nodes.csv")}
    problems = []
    if node not in nodes:
        problems.append(f"--node: {node!r} is not known; use one of {', '.join(nodes)}")
    if not 1.0 <= area <= 60000.0:
        problems.append(f"--area: {area:g} mm² is not allowed; use 1 to 60000")
    if d0 is not None and not 0.0 <= d0 <= 100.0:
        problems.append(f"--d0: {d0:g} is not allowed; use 0 to 100 defects/cm²")
    if model not in fab.YIELD_MODELS:
        problems.append(f"--model: {model!r} is not known; use {', '.join(fab.YIELD_MODELS)}")
    if not 0.0 < alpha <= 1000.0:
        problems.append(f"--alpha: {alpha:g} is not allowed; use a value in (0, 1000]")
    if not 0.0 <= edge_exclusion < 50.0:
        problems.append(f"--edge-exclusion: {edge_exclusion:g} is not allowed; use 0 to 50 mm")
    if wafer_price is not None and not 0.0 < wafer_price < 1e7:
        problems.append(f"--wafer-price: {wafer_price:g} is not allowed; use 0 to 1e7 USD")
    if problems:
        _fail(problems)
    row = nodes[node]
    d0_v = float(row["d0_mature_per_cm2"]) if d0 is None else d0
    price = float(row["wafer_price_usd"]) if wafer_price is None else wafer_price
    gross = float(fab.gross_dies_per_wafer(area, edge_exclusion_mm=edge_exclusion))
    yld = float(fab.YIELD_MODELS[model](area, d0_v, alpha))
    good = gross * yld
    out = {
        "gross_dies_per_wafer": gross,
        "yield": yld,
        "good_dies_per_wafer": good,
        "wafer_price_usd": price,
        "cost_per_good_die_usd": float(fab.cost_per_good_die(price, good)),
        "d0_per_cm2": d0_v,
        "model": model,
    }
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
        return
    table = Table(title=f"{area:g} mm² die on {node} (300 mm wafer)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in out.items():
        table.add_row(k, f"{v:,.4g}" if isinstance(v, float) else str(v))
    out_console.print(table)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: internal errors become one line (exit 1)."""
    from aiinfra.memory import keep_freed_memory

    keep_freed_memory()  # a short-lived process: reuse freed pages chunk after chunk
    # SIGTERM unwinds like Ctrl+C, so partial outputs are removed and locks released
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        app(args=argv)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("AIINFRA_DEBUG"):
            raise
        err_console.print(
            f"internal error: {type(exc).__name__}: {exc} (set AIINFRA_DEBUG=1 for details)",
            markup=False,
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
