"""Uncertainty commands: sensitivity and calibrate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aiinfra.cli.common import (
    DEFAULT_DRAWS,
    DrawsOpt,
    ForceOpt,
    JsonOpt,
    ScenarioArg,
    SetOpt,
    WorkersOpt,
    _claim_out,
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
def sensitivity(
    scenario: ScenarioArg = "base",
    output: Annotated[str, typer.Option("--output", help="Output variable.")] = "arr_usd",
    year: Annotated[int, typer.Option("--year", help="Year.")] = 2030,
    category: Annotated[
        str | None, typer.Option("--category", help="Category (default: sum over them).")
    ] = None,
    method: Annotated[str, typer.Option("--method", help="sobol or tornado.")] = "sobol",
    n: Annotated[
        int | None,
        typer.Option(
            "--n",
            help="Sobol base sample (power of two); default: doubled from 256 until every "
            "index moves less than its confidence interval (at most 4096).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
    workers: WorkersOpt = 1,
    sets: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Rank uncertain inputs by their effect on one output and year (Sobol or tornado)."""
    from aiinfra.sensitivity import scenario_sobol, tornado

    if method not in ("sobol", "tornado"):
        _fail([f"--method: {method!r} is not allowed; use sobol or tornado"])
    if n is not None and (n < 8 or n > 65536 or n & (n - 1)):
        _fail([f"--n: {n} is not allowed; use a power of two from 8 to 65536"])
    if not 1 <= workers <= 64:
        _fail([f"--workers: {workers} is not allowed; use 1 to 64"])
    sc = _load(scenario, sets)
    if method == "tornado":
        rows = tornado(sc, output, year, category=category)
        if as_json:
            sys.stdout.write(json.dumps({"output": output, "year": year, "rows": rows}) + "\n")
            return
        from aiinfra.report.i18n import human
        from aiinfra.uncertainty import uncertain_fields
        from aiinfra.variables import VARIABLES

        out_unit = VARIABLES[output].units if output in VARIABLES else ""
        in_units = {".".join(path): spec.unit for path, _d, spec in uncertain_fields(sc)}
        table = Table(title=f"tornado: {output} in {year} [{out_unit}] (inputs at p10 / p90)")
        for col in ("field", "unit", "p10", "p90", "output at p10", "output at p90", "swing"):
            table.add_column(col, justify="left" if col in ("field", "unit") else "right")
        for r in rows:
            scale = max(abs(r["output_at_p10"]), abs(r["output_at_p90"]), 1e-300)
            swing = r["swing"] if abs(r["swing"]) > 1e-9 * scale else 0.0  # rounding noise
            table.add_row(
                r["field"],
                in_units.get(r["field"], "") or "1",
                f"{r['p10']:.3g}",
                f"{r['p90']:.3g}",
                human(r["output_at_p10"], out_unit),
                human(r["output_at_p90"], out_unit),
                ("+" if swing >= 0 else "−") + human(abs(swing), out_unit),
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
    notes = []
    if "converged" in res:
        notes.append(
            f"base sample n = {res['n']:,}: "
            + (
                "indices stable within their confidence intervals since n/2"
                if res["converged"]
                else "NOT converged at the largest n; pass a larger --n"
            )
        )
    if res["s1_above_st"]:
        notes.append(
            "first-order above total beyond the intervals (too few samples): "
            + ", ".join(res["s1_above_st"])
        )
    if as_json:
        payload = {
            "output": output,
            "year": year,
            "evaluations": res["evaluations"],
            "n": res.get("n", n),
            "converged": res.get("converged"),
            "history": res.get("history"),
            "s1_above_st": res["s1_above_st"],
            "rows": rows,
        }
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
    for note in notes:
        err_console.print(f"note: {note}", markup=False)


@app.command()
@handles_errors
def calibrate(
    scenario: ScenarioArg = "base",
    draws: DrawsOpt = DEFAULT_DRAWS,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
    history: Annotated[
        Path | None, typer.Option("--history", help="Observations CSV (default: shipped).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out"),
    workers: WorkersOpt = 1,
    sets: SetOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Weight draws by the likelihood of history; write weights and prior vs posterior."""
    from aiinfra import calibrate as cal
    from aiinfra.montecarlo import run_mc
    from aiinfra.results import MC_QUANTILES, atomic_write_bytes, write_outputs
    from aiinfra.uncertainty import sample_parameters, uncertain_fields

    if problem := draws_problem(draws, least=10):
        _fail([problem])
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
        from aiinfra.scenario import scenario_hash

        atomic_write_bytes(
            out / "weights.csv",
            cal.weights_csv(w, scenario=scenario_hash(sc), seed=seed, draws=draws),
        )
        cols = list(table_rows[0]) if table_rows else ["quantity"]
        lines = [",".join(cols)] + [
            ",".join(str(r[c]) if isinstance(r[c], str) else f"{r[c]:.6g}" for c in cols)
            for r in table_rows
        ]
        atomic_write_bytes(out / "calibration.csv", ("\n".join(lines) + "\n").encode())
        warning = cal.ess_warning(ess, draws)
        if as_json:
            payload = {
                "scenario": sc.name,
                "observations": len(obs),
                "draws": draws,
                "seed": seed,
                "ess": ess,
                "warning": warning,
                "files": {
                    "weights": str(out / "weights.csv"),
                    "calibration": str(out / "calibration.csv"),
                },
                "rows": table_rows,
            }
            sys.stdout.write(json.dumps(payload) + "\n")
            return
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
        if warning:
            err_console.print(f"warning: {warning}", markup=False)
        out_console.print(
            f"wrote {out / 'weights.csv'}, {out / 'calibration.csv'} and the weighted summary"
        )
