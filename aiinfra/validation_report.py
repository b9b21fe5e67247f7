"""The validation table and error chart of the docs (from ``data/validation.csv``).

``python -m aiinfra.validation_report --write`` rewrites the table between the
``<!-- validation-table -->`` markers of ``docs/methodology/compute.md`` and the chart
``docs/img/validation.png``; the tests check the page against :func:`markdown`.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path
from typing import Any

from aiinfra import validation

__all__ = ["chart", "markdown", "rows", "summary", "vendor_markdown", "vendor_rows"]

BEGIN, END = "<!-- validation-table -->", "<!-- /validation-table -->"
VBEGIN, VEND = "<!-- vendor-table -->", "<!-- /vendor-table -->"
ROUNDS = {"2024.2": "v4.0", "2024.6": "v4.1", "2025.3": "v5.0", "2025.7": "v5.1"}
UNITS = {"token/s": "tok/s", "device-hour": "device-h", "ratio": "x"}


def rows() -> list[dict[str, Any]]:
    """Every case with a label, its scenario, split, measured, model and error."""
    cases = {c["case"]: c for c in validation.cases()}
    out = []
    for r in validation.residuals():
        c = cases[r["case"]]
        if c["kind"] == "inference":
            what = f"MLPerf Inference {ROUNDS.get(c['round_year'], c['round_year'])} {c['model']}"
            system = f"{c['devices']}×{c['accelerator']} {c['precision'].upper()}"
            scenario = c["scenario"]
        elif c["kind"] == "training_ratio":
            what = f"MLPerf Training v4.0 {c['model']} LoRA, throughput ratio"
            system = f"{c['devices']}×{c['accelerator']} / {c['devices']}×{c['versus']}"
            scenario = "training"
        else:
            what = f"{c['model']} pre-training ({c['train_tokens']} tokens)"
            system = f"{int(c['devices']):,}×{c['accelerator']}"
            scenario = "training"
        out.append({**r, "what": what, "system": system, "scenario": scenario})
    return out


def short_source(src: str) -> str:
    """The results repository or paper a case's source names (a parenthesised part naming
    ``results``, ``arXiv`` or a path), else the text before its first colon."""
    for inner in re.findall(r"\(([^()]*)\)", src):
        for part in re.split(r"[,;]", inner):
            if re.search(r"results|arXiv|/", part):
                return part.strip().split(" ")[0]
    return re.split(r": |[,;]", src)[0].strip()


def _num(x: float) -> str:
    if abs(x) >= 1e5:
        return f"{x:.3g}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def summary(rs: list[dict[str, Any]] | None = None) -> dict[str, tuple[float, float, int]]:
    """(median |error|, max |error|, count) by scenario, for held-out cases and training."""
    rs = rs if rs is not None else rows()
    groups: dict[str, list[float]] = {}
    for r in rs:
        e = abs(float(r["rel_error"]))
        groups.setdefault(r["scenario"], []).append(e)
        if r["unit"] == "token/s":
            groups.setdefault("all inference", []).append(e)
            if r["split"] == "holdout":
                groups.setdefault("held-out inference", []).append(e)
    return {k: (statistics.median(v), max(v), len(v)) for k, v in groups.items()}


def markdown() -> str:
    """The validation table (Markdown) with its summary line."""
    rs = rows()
    lines = [
        "| case | system | scenario | split | measured | model | error | source |",
        "|---|---|---|---|---:|---:|---:|---|",
    ]
    for r in rs:
        unit = UNITS.get(str(r["unit"]), str(r["unit"]))
        lines.append(
            f"| {r['what']} | {r['system']} | {r['scenario']} | {r['split']} | "
            f"{_num(float(r['measured']))} {unit} | {_num(float(r['model']))} | "
            f"{float(r['rel_error']) * 100:+.0f} % | {short_source(str(r['source']))} |"
        )
    s = summary(rs)
    order = ["offline", "server", "interactive", "held-out inference", "all inference", "training"]
    parts = [
        f"{k}: median {s[k][0] * 100:.1f} %, max {s[k][1] * 100:.1f} % ({s[k][2]})"
        for k in order
        if k in s
    ]
    lines += ["", "Absolute errors -- " + "; ".join(parts) + "."]
    return "\n".join(lines) + "\n"


def vendor_rows() -> list[dict[str, Any]]:
    """``data/vendor_serving_tables.csv`` (vendor throughput tables, Offline-like) at their
    stated tensor-parallel degree, with the model's value and error."""
    from aiinfra.catalogs import read_csv

    out = []
    for c in read_csv("vendor_serving_tables.csv"):
        model = validation.predict({**c, "kind": "inference", "scenario": "offline"})
        out.append({**c, "model_value": model, "rel_error": model / float(c["measured"]) - 1})
    return out


def vendor_markdown() -> str:
    """Median and largest error per model x system of the vendor tables (Markdown)."""
    groups: dict[tuple[str, str, str], list[float]] = {}
    for r in vendor_rows():
        key = (r["model"], f"{r['devices']}×{r['accelerator']} TP{r['tp']}", r["precision"])
        groups.setdefault(key, []).append(float(r["rel_error"]))
    lines = [
        "| model | system | precision | ISL/OSL pairs | median error | range |",
        "|---|---|---|---:|---:|---|",
    ]
    for (model, system, prec), errs in groups.items():
        lines.append(
            f"| {model} | {system} | {prec.upper()} | {len(errs)} | "
            f"{statistics.median(errs) * 100:+.0f} % | "
            f"{min(errs) * 100:+.0f} % to {max(errs) * 100:+.0f} % |"
        )
    return "\n".join(lines) + "\n"


def chart() -> Any:
    """Altair chart: model against measured (log-log), one colour per scenario."""
    import altair as alt
    import pandas as pd

    df = pd.DataFrame(
        [
            {
                "measured": float(r["measured"]),
                "model": float(r["model"]),
                "error %": round(float(r["rel_error"]) * 100, 1),
                "scenario": r["scenario"],
                "split": r["split"],
                "case": r["case"],
            }
            for r in rows()
            if r["unit"] == "token/s"
        ]
    )
    lo, hi = (
        df[["measured", "model"]].min().min() * 0.7,
        df[["measured", "model"]].max().max() * 1.4,
    )
    diag = pd.DataFrame({"x": [lo, hi], "y": [lo, hi]})
    scale = alt.Scale(type="log", domain=[lo, hi])
    line = alt.Chart(diag).mark_line(color="#999", strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    pts = (
        alt.Chart(df)
        .mark_point(size=70, filled=True)
        .encode(
            x=alt.X("measured:Q", scale=scale, title="measured tokens/s (system)"),
            y=alt.Y("model:Q", scale=scale, title="model tokens/s"),
            color=alt.Color("scenario:N"),
            shape=alt.Shape("split:N"),
            tooltip=["case", "measured", "model", "error %"],
        )
    )
    return (line + pts).properties(
        width=520, height=420, title="MLPerf Inference: model against measured"
    )


def _write(root: Path) -> None:  # pragma: no cover - maintenance entry point
    from aiinfra.report.charts import render_png
    from aiinfra.results import atomic_write_bytes

    page = root / "docs" / "methodology" / "compute.md"
    text = page.read_text(encoding="utf-8")
    for begin, end, make in ((BEGIN, END, markdown), (VBEGIN, VEND, vendor_markdown)):
        block = f"{begin}\n{make()}{end}"
        pattern = re.escape(begin) + r".*?" + re.escape(end)
        text = re.sub(pattern, lambda _, b=block: b, text, flags=re.S)
    page.write_text(text, encoding="utf-8")
    atomic_write_bytes(root / "docs" / "img" / "validation.png", render_png(chart(), "en"))


if __name__ == "__main__":  # pragma: no cover
    if "--write" in sys.argv:
        _write(Path(__file__).resolve().parents[1])
    else:
        sys.stdout.write(markdown())
