"""Solver commands: bottleneck (LP shadow prices) and economics."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from aiinfra.cli.common import (
    HEADLINE_YEARS,
    ScenarioArg,
    SetOpt,
    _fail,
    _fmt,
    _load,
    app,
    handles_errors,
    out_console,
)


@app.command()
@handles_errors
def bottleneck(
    scenario: ScenarioArg = "base",
    year: Annotated[int, typer.Option("--year", help="Year to solve.")] = 2027,
    sets: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Binding constraint and shadow prices (LP) for one year: a ranked table."""
    from aiinfra.bottleneck import bottleneck as solve_year
    from aiinfra.bottleneck import constraint_rows

    sc = _load(scenario, sets)
    b = solve_year(sc, year)
    res = b["lp"]
    rows = constraint_rows(b)
    summary = {
        "year": year,
        "solver_binding": b["solver_binding"],
        "shipped_units": b["shipped"],
        "deployed_units": b["deployed"],
        "waiting_units": b["waiting"],
        "retired_early_units": b["retired_early"],
        "bridge_power_mw": b["bridge_mw"],
        "financing_limit_usd": b["financing_limit_usd"],
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
        f"{b['deployed'] / 1e6:,.1f} M, {b['waiting'] / 1e6:,.1f} M waiting for power, "
        f"{b['retired_early'] / 1e6:,.1f} M retired early; on-site bridge power "
        f"{b['bridge_mw'] / 1e3:,.1f} GW; financing limit {b['financing_limit_usd'] / 1e9:,.0f} "
        "bn USD"
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
