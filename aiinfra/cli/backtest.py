"""``aiinfra backtest``: calibrate on history up to a cutoff, score what came after."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aiinfra.cli.common import (
    DEFAULT_DRAWS,
    DrawsOpt,
    JsonOpt,
    ScenarioArg,
    SetOpt,
    WorkersOpt,
    _fail,
    _load,
    app,
    draws_problem,
    err_console,
    handles_errors,
    out_console,
)


@app.command()
@handles_errors
def backtest(
    scenario: ScenarioArg = "base",
    cutoff: Annotated[
        int, typer.Option("--cutoff", help="Last year of the observations calibrated on.")
    ] = 2024,
    draws: DrawsOpt = DEFAULT_DRAWS,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
    workers: WorkersOpt = 1,
    sets: SetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Calibrate on observations up to --cutoff, score the later ones (coverage, CRPS)."""
    from aiinfra.backtest import backtest as run_backtest
    from aiinfra.backtest import load_observations
    from aiinfra.montecarlo import run_mc

    problems = []
    if problem := draws_problem(draws, least=50):
        problems.append(problem)
    years = sorted({o["year"] for o in load_observations()})
    if not years[0] <= cutoff < years[-1]:
        problems.append(
            f"--cutoff: {cutoff} is not allowed; use {years[0]} to {years[-1] - 1} "
            "(observations cover "
            f"{years[0]}-{years[-1]})"
        )
    if not 1 <= workers <= 64:
        problems.append(f"--workers: {workers} is not allowed; use 1 to 64")
    if problems:
        _fail(problems)
    sc = _load(scenario, sets)
    ds = run_mc(sc, draws, seed=seed, workers=workers)
    result = run_backtest(ds, cutoff, seed=seed)
    result["scenario"] = sc.name
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    _print(result)


def _width(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _print(r: dict) -> None:
    """Tables: by layer, then every scored observation."""
    t = Table(
        title=f"{r['scenario']}: backtest, calibrated on {r['calibrated_on']} observations "
        f"up to {r['cutoff']} ({r['draws']:,} draws, ESS {r['ess_posterior']:,.0f}, "
        f"likelihood tempering {r['beta']:.2f})"
    )
    for col in ("layer", "scored", "in 90 %", "in 50 %", "CRPS (log)", "90 % band / median"):
        t.add_column(col, justify="left" if col == "layer" else "right")
    for name, s in [*r["by_layer"].items(), ("all", _overall(r))]:
        t.add_row(
            name,
            str(s["n"]),
            _pct(s["coverage_90"]),
            _pct(s["coverage_50"]),
            "-" if s["crps"] is None else f"{s['crps']:.3f}",
            "-"
            if s.get("median_band90_rel_width") is None
            else f"{s['median_band90_rel_width']:.2f}",
        )
    out_console.print(t)
    rows = Table(title="scored observations")
    for col in ("variable", "year", "observed", "model p50 (p5-p95)", "in 90 %", "status"):
        rows.add_column(col)
    for row in r["rows"]:
        name = escape(row["variable"] + (f" [{row['category']}]" if row["category"] else ""))
        rows.add_row(
            name,
            str(row["year"]),
            f"{row['observed']:.3g}",
            f"{row['model_p50']:.3g} ({row['model_p5']:.3g}-{row['model_p95']:.3g})",
            "yes" if row["in_90"] else "no",
            row["status"],
        )
    out_console.print(rows)
    hist = r["history"]["summary"]
    err_console.print(
        f"calibrated history inside its posterior 90 % bands: {_pct(hist['coverage_90'])} "
        f"of {hist['n']}",
        markup=False,
    )


def _overall(r: dict) -> dict:
    return {
        "n": r["observations"],
        "coverage_90": r["coverage_90"],
        "coverage_50": r["coverage_50"],
        "crps": r["crps"],
        "median_band90_rel_width": r["median_band90_rel_width"],
    }
