"""Reconcile the seed's claims and write the HTML report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from aiinfra.cli.common import (
    MAX_MC_DRAWS,
    ForceOpt,
    ScenarioArg,
    SetOpt,
    _claim_out,
    _fail,
    _load,
    app,
    handles_errors,
    out_console,
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
    from aiinfra.report.i18n import fmt, human, t

    table = Table(
        title=f"{sc.name}: {t('reconciliation', lang)} ({fmt(draws, lang)} {t('draws', lang)})"
    )
    for key in ("claim", "seed_says", "model_band", "p_holds", "verdict"):
        table.add_column(t(key, lang), justify="left" if key in ("claim", "verdict") else "right")
    for r in rows:
        unit = "1" if r["comparator"].startswith("ratio") else r["unit"]
        band = (
            f"{human(r['model_median'], unit, lang)} "
            f"({human(r['model_p5'], unit, lang)}–{human(r['model_p95'], unit, lang)})"
        )
        said = f"{r['comparator'].removeprefix('ratio')} {human(r['value'], unit, lang)}"
        table.add_row(
            r["text"], said, band, f"{fmt(100 * r['probability'], lang, 2)} %", r["verdict_label"]
        )
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
