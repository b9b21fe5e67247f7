"""Scenario commands: validate, variables, scenarios, schema, diff."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from aiinfra.cli.common import (
    HEADLINE_YEARS,
    JsonOpt,
    ScenarioArg,
    SetOpt,
    _fmt,
    _load,
    app,
    handles_errors,
    out_console,
)


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
def scenarios(as_json: JsonOpt = False) -> None:
    """List shipped scenarios with their one-line narratives."""
    from aiinfra.scenario import load_scenario, shipped_scenarios

    if as_json:
        items = [
            {"name": name, "narrative": load_scenario(name).description.split(". ")[0].strip()}
            for name in sorted(shipped_scenarios())
        ]
        sys.stdout.write(json.dumps(items) + "\n")
        return

    table = Table(title="shipped scenarios")
    table.add_column("name")
    table.add_column("narrative")
    for name, _path in sorted(shipped_scenarios().items()):
        sc = load_scenario(name)
        table.add_row(name, sc.description.split(". ")[0].strip())
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
