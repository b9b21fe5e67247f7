"""The self-contained HTML report (inline SVG, no external resources) and PNG figures."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from aiinfra import reconcile as rc
from aiinfra.report.charts import Context, render_png, render_svg
from aiinfra.report.figures import FIGURES
from aiinfra.report.i18n import claim_cells, fmt, t
from aiinfra.results import MARKER, atomic_write_bytes
from aiinfra.scenario import Scenario
from aiinfra.uncertainty import uncertain_fields

__all__ = ["build_report"]

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
margin:2em auto;color:#222;padding:0 1em}table{border-collapse:collapse;margin:1em 0;font-size:14px}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.consistent{color:#2a7d2a}.tension{color:#b07800}.inconsistent{color:#c62828}
figure{margin:2em 0}figcaption{font-size:13px;color:#555}code{background:#f6f6f6;padding:0 3px}
"""


def _esc(x: Any) -> str:
    return html.escape(str(x))


def build_report(
    scenario: Scenario,
    out_dir: Path,
    *,
    lang: str = "en",
    draws: int = 200,
    seed: int = 0,
    shadow_year: int = 2027,
) -> dict[str, Path]:
    """Run the scenario and write ``report.html`` and ``figures/*.png`` under ``out_dir``.

    Everything is rendered in memory first; files are then written atomically.
    """
    from aiinfra.bottleneck import bottleneck, constraint_rows
    from aiinfra.montecarlo import run_mc
    from aiinfra.sensitivity import tornado

    ds = run_mc(scenario, draws, seed=seed)
    claims = rc.load_claims()
    rows = rc.evaluate_claims(ds, claims, None, lang)
    checks = rc.cross_checks(ds, claims)
    extras: dict[str, Any] = {"shadow_year": shadow_year}
    if "arr_usd" in ds and uncertain_fields(scenario):
        extras["tornado"] = tornado(scenario, "arr_usd", 2030)
    if shadow_year in ds["year"].values:
        b = bottleneck(scenario, shadow_year)
        extras["shadow"] = [
            {"constraint": f"{r['constraint']} ({r['unit']})", "usd": r["shadow_usd_per_year"]}
            for r in constraint_rows(b)
        ]
    ctx = Context(ds=ds, lang=lang, extras=extras)
    svgs: dict[str, str] = {}
    pngs: dict[str, bytes] = {}
    for name, module in FIGURES.items():
        chart = module.build(ctx)
        svgs[name] = render_svg(chart, lang)
        pngs[name] = render_png(chart, lang)
    page = _page(scenario, ds, rows, checks, svgs, lang, draws)
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out_dir / MARKER, b"aiinfra output directory\n")
    paths = {}
    for name, data in pngs.items():
        paths[name] = out_dir / "figures" / f"{name}.png"
        atomic_write_bytes(paths[name], data)
    paths["report"] = out_dir / "report.html"
    atomic_write_bytes(paths["report"], page.encode("utf-8"))
    return paths


def _page(
    scenario: Scenario,
    ds: Any,
    rows: list[dict[str, Any]],
    checks: list[dict[str, Any]],
    svgs: dict[str, str],
    lang: str,
    draws: int,
) -> str:
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{_esc(t('title', lang))}: {_esc(scenario.name)}</title><style>{CSS}</style>",
        "</head><body>",
        f"<h1>{_esc(t('title', lang))}: {_esc(scenario.name)}</h1>",
        f"<p>{_esc(scenario.description)}</p>",
        f"<p><code>aiinfra {_esc(ds.attrs.get('aiinfra_version', ''))}</code>, "
        f"{fmt(draws, lang)} {_esc(t('draws', lang))}, {_esc(t('seed_word', lang))} "
        f"{ds.attrs.get('seed', 0)}.</p>",
        f"<h2>{_esc(t('claims', lang))}</h2><table><tr>"
        + "".join(
            f"<th>{_esc(t(k, lang))}</th>"
            for k in ("claim", "seed_says", "model_band", "p_holds", "verdict", "reason")
        )
        + "</tr>",
    ]
    for r in rows:
        cells = claim_cells(r, lang)
        parts.append(
            f"<tr><td>{_esc(r['text'])}</td><td>{_esc(cells['said'])}</td>"
            f"<td>{_esc(cells['band'])}</td><td>{cells['p']}</td>"
            f'<td class="{r["verdict"]}">{_esc(r["verdict_label"])}</td>'
            f"<td>{_esc(r['reason'])}</td></tr>"
        )
    parts.append(f"</table><h2>{_esc(t('checks', lang))}</h2><table>")
    parts.append(
        "<tr>"
        + "".join(
            f"<th>{_esc(t(k, lang))}</th>"
            for k in ("implied_ratio", "claims_col", "chain_band", "verdict")
        )
        + "</tr>"
    )
    for c in checks:
        m = c["model_ratio"]
        name = c["name_de"] if lang == "de" else c["name"]
        unit = _esc(c["unit"])
        parts.append(
            f"<tr><td>{_esc(name)}</td><td>{fmt(c['claimed_ratio'], lang)} {unit}</td>"
            f"<td>{fmt(m['median'], lang)} ({fmt(m['p5'], lang)}–{fmt(m['p95'], lang)}) {unit}"
            f'</td><td class="{c["verdict"]}">{_esc(rc.WORDS[lang][c["verdict"]])}</td></tr>'
        )
    parts.append(f"</table><h2>{_esc(t('figures', lang))}</h2>")
    for name, svg in svgs.items():
        parts.append(f'<figure id="fig-{name}">{svg}<figcaption>{_esc(name)}</figcaption></figure>')
    parts.append(
        f"<h2>{_esc(t('assumptions', lang))}</h2><table><tr>"
        + "".join(f"<th>{_esc(t(k, lang))}</th>" for k in ("field", "distribution", "source"))
        + "</tr>"
    )
    for path, dist, spec in uncertain_fields(scenario):
        params = ", ".join(f"{k}={fmt(v, lang)}" for k, v in dist.params)
        parts.append(
            f"<tr><td><code>{_esc('.'.join(path))}</code></td>"
            f"<td>{_esc(dist.kind)}({_esc(params)}) {_esc(spec.unit)}</td>"
            f"<td>{_esc(field_source(scenario, path))}</td></tr>"
        )
    parts.append("</table><ul>")
    for src in sorted({c.get("source", "") for c in rc.load_claims()} - {""}):
        parts.append(f"<li>{_esc(src)}</li>")
    parts.append(
        "<li>Every number in <code>aiinfra/data/*.csv</code> carries its source and year of "
        "publication; MLPerf validation in <code>aiinfra/data/validation.csv</code>.</li>"
    )
    parts.append("</ul></body></html>")
    return "\n".join(parts)


def field_source(scenario: Scenario, path: tuple[str, ...]) -> str:
    """Source of an assumption: the dashboard knob's source where it has one, else the
    schema's description of the field (which names its source or rationale)."""
    from aiinfra.dashboard import KNOBS

    dotted = ".".join(path)
    for knob in KNOBS:
        if knob.path == dotted:
            return knob.source
    model: Any = type(scenario)
    info = None
    for part in path:
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return ""
        info = fields[part]
        model = info.annotation
    return (info.description or "") if info is not None else ""
