"""Reconcile the seed's claims and write the HTML report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aiinfra.cli.common import (
    DEFAULT_DRAWS,
    DRAWS_RULE,
    DrawsOpt,
    ForceOpt,
    ScenarioArg,
    SetOpt,
    _claim_out,
    _fail,
    _load,
    app,
    draws_problem,
    handles_errors,
    out_console,
)


def check_weights(meta: dict, scenario, draws: int, seed: int) -> str | None:
    """Why weights from ``meta`` do not belong to this run, or None."""
    from aiinfra.scenario import scenario_hash

    want = {"scenario": scenario_hash(scenario), "draws": draws, "seed": seed}
    wrong = [k for k, v in want.items() if meta.get(k) != v]
    if not wrong:
        return None
    made = ", ".join(f"{k} {meta.get(k)}" for k in wrong)
    this = ", ".join(f"{k} {want[k]}" for k in wrong)
    return (
        f"these weights were made for {made}, this run has {this}; run `aiinfra calibrate` "
        "with the same scenario, --set, --draws and --seed"
    )


@app.command()
@handles_errors
def reconcile(
    scenario: ScenarioArg = "base",
    draws: Annotated[
        int | None,
        typer.Option(
            "--draws",
            help=f"Monte Carlo draws (default: those of --weights, else {DEFAULT_DRAWS:,}; "
            f"{DRAWS_RULE}).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed (default: that of --weights, else 0).")
    ] = None,
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

    if lang not in ("en", "de"):
        _fail([f"--lang: {lang!r} is not allowed; use en or de"])
    items = rc.load_claims(claims)
    sc = _load(scenario, sets)
    w = None
    if weights is not None:
        from aiinfra.calibrate import read_weights

        w, meta = read_weights(weights)
        draws = meta["draws"] if draws is None else draws
        seed = meta["seed"] if seed is None else seed
        mismatch = check_weights(meta, sc, draws, seed)
        if mismatch:
            _fail([f"--weights: {mismatch}"])
    draws = DEFAULT_DRAWS if draws is None else draws
    seed = 0 if seed is None else seed
    if problem := draws_problem(draws):
        _fail([problem])
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
    from aiinfra.report.i18n import claim_cells, fmt, t

    table = Table(
        title=f"{sc.name}: {t('reconciliation', lang)} ({fmt(draws, lang)} {t('draws', lang)})"
    )
    for key in ("claim", "seed_says", "model_band", "p_holds", "verdict"):
        table.add_column(t(key, lang), justify="left" if key in ("claim", "verdict") else "right")
    for r in rows:
        cells = claim_cells(r, lang)
        table.add_row(r["text"], cells["said"], cells["band"], cells["p"], r["verdict_label"])
    out_console.print(table)
    t2 = Table(title=t("cross_checks", lang))
    for key in ("implied_ratio", "claims_col", "chain_band", "verdict"):
        t2.add_column(t(key, lang), justify="left" if key == "implied_ratio" else "right")
    for c in checks:
        m = c["model_ratio"]
        t2.add_row(
            c["name_de"] if lang == "de" else c["name"],
            f"{fmt(c['claimed_ratio'], lang)} {c['unit']}",
            f"{fmt(m['median'], lang)} ({fmt(m['p5'], lang)}–{fmt(m['p95'], lang)}) {c['unit']}",
            rc.WORDS[lang][c["verdict"]],
        )
    out_console.print(t2)


@app.command()
@handles_errors
def report(
    scenario: ScenarioArg = "base",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out/report"),
    lang: Annotated[str, typer.Option("--lang", help="en or de.")] = "en",
    draws: DrawsOpt = DEFAULT_DRAWS,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
    sets: SetOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write a self-contained report.html (charts inline, offline) and figures/*.png."""
    from aiinfra.report.html import build_report

    if lang not in ("en", "de"):
        _fail([f"--lang: {lang!r} is not allowed; use en or de"])
    if problem := draws_problem(draws, least=2):
        _fail([problem])
    sc = _load(scenario, sets)
    with _claim_out(out, force):
        paths = build_report(sc, out, lang=lang, draws=draws, seed=seed)
        out_console.print(
            f"wrote {paths['report']} and {len(paths) - 1} figures in {out / 'figures'}"
        )
