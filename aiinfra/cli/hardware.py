"""Hardware calculators: perf, catalog, fab die."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from aiinfra.cli.common import (
    PrecisionOpt,
    _fail,
    app,
    handles_errors,
    out_console,
)

# accuracy class of each number format, as MLPerf Inference's closed division treats it
PRECISION_CLASS = {
    "bf16": "reference accuracy",
    "fp8": "quantised, meets MLPerf's 99.9 % accuracy target",
    "fp4": "quantised (NVFP4/MXFP4), meets MLPerf's 99 % accuracy target",
}


PERF_UNITS = {
    "tokens_per_s": "output token/s (system)",
    "tokens_per_s_per_device": "output token/s per device",
    "tokens_per_s_per_user": "output token/s per user (1 / TPOT)",
    "load": "share of capacity offered (1 = Offline)",
    "prefill_tokens_per_s": "input token/s (system)",
    "decode_tokens_per_s": "output token/s (system, decode only)",
    "ttft_s": "s (p99 when queueing)",
    "tpot_s": "s per output token",
    "memory_gb": "GB per device",
    "bound": "binding roof",
    "batch": "sequences per replica",
    "tp": "devices per replica",
    "replicas": "replicas",
    "flop": "FLOP",
    "seconds": "s",
    "days": "days",
    "device_hours": "device-hours",
    "mfu": "1 (model FLOP utilisation)",
    "tensor_parallel": "devices (the degree the memory forces)",
    "tp_comm_share": "1 (exposed all-reduce over compute time)",
}


def _perf_problems(
    precision: str | None,
    mode: str,
    devices: int,
    input_tokens: float,
    output_tokens: float,
    batch: str,
    tpot_ms: float | None,
    ttft_ms: float | None,
    scenario: str,
    tokens: float,
) -> tuple[list[str], int | None]:
    """One line per bad ``perf`` option, and the batch as a number (None: auto)."""
    from aiinfra.layers import compute
    from aiinfra.layers.serving import SCENARIOS

    problems = []
    if precision is not None and precision not in compute.BYTES_PER_PARAM:
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
    for name, v in (("--tpot-ms", tpot_ms), ("--ttft-ms", ttft_ms)):
        if v is not None and not 0 < v <= 3_600_000:
            problems.append(f"{name}: {v:g} is not allowed; use a positive time up to 3600000 ms")
    if scenario not in SCENARIOS:
        problems.append(f"--scenario: {scenario!r} is not allowed; use {', '.join(SCENARIOS)}")
    if not 0 < tokens < 1e18:
        problems.append(f"--tokens: {tokens:g} is not allowed; use a positive count below 1e18")
    return problems, n_batch


TpOpt = Annotated[
    int | None,
    typer.Option(
        "--tp",
        help="Devices per replica (tensor parallel up to 8, pipeline stages beyond); "
        "default: the best one is searched.",
    ),
]
YearOpt = Annotated[
    float | None,
    typer.Option(
        "--year",
        help="Serving software of that year (data/software_maturity.csv: MLPerf rounds "
        "on the same hardware); default the MLPerf v4.1 calibration (2024.6).",
    ),
]


@app.command()
@handles_errors
def perf(
    accelerator: Annotated[str, typer.Option("--accelerator", "-a", help="Catalog name.")],
    model: Annotated[str, typer.Option("--model", "-m", help="Catalog model name.")],
    devices: Annotated[int, typer.Option("--devices", help="Devices in the system.")] = 8,
    tp: TpOpt = None,
    batch: Annotated[
        str, typer.Option("--batch", help="Sequences per replica, or 'auto'.")
    ] = "auto",
    input_tokens: Annotated[
        float, typer.Option("--input-tokens", help="Prompt tokens per request.")
    ] = 294.0,
    output_tokens: Annotated[
        float, typer.Option("--output-tokens", help="Output tokens per request.")
    ] = 294.45,
    precision: PrecisionOpt = None,
    mode: Annotated[str, typer.Option("--mode", help="infer or train.")] = "infer",
    tokens: Annotated[
        float, typer.Option("--tokens", help="Training tokens (--mode train).")
    ] = 1e12,
    scenario: Annotated[
        str,
        typer.Option(
            "--scenario",
            help="Latency targets: offline (none), server (TTFT 2 s, TPOT 200 ms) or "
            "interactive (TTFT 450 ms, TPOT 40 ms), MLPerf's p99 targets.",
        ),
    ] = "offline",
    tpot_ms: Annotated[
        float | None, typer.Option("--tpot-ms", help="TPOT target [ms], overrides --scenario.")
    ] = None,
    ttft_ms: Annotated[
        float | None,
        typer.Option("--ttft-ms", help="p99 TTFT target [ms] (queueing), overrides --scenario."),
    ] = None,
    frontier: Annotated[
        bool,
        typer.Option(
            "--frontier",
            help="Sweep replica size x batch x precision (x load) and print the Pareto curve "
            "of tokens/s per device against tokens/s per user.",
        ),
    ] = False,
    year: YearOpt = None,
    png: Annotated[
        Path | None,
        typer.Option("--png", help="With --frontier: also write the curve as a PNG file."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """LLM inference/training performance of an accelerator x model (roofline)."""
    from aiinfra.catalogs import at_software_year, get_accelerator, get_architecture
    from aiinfra.layers import compute
    from aiinfra.layers.serving import target_for
    from aiinfra.validation import DEFAULTS

    problems, n_batch = _perf_problems(
        precision,
        mode,
        devices,
        input_tokens,
        output_tokens,
        batch,
        tpot_ms,
        ttft_ms,
        scenario,
        tokens,
    )
    if year is not None and not 2015 <= year <= 2040:
        problems.append(f"--year: {year:g} is outside 2015-2040")
    if tp is not None and (tp < 1 or tp > devices or devices % tp or tp & (tp - 1)):
        problems.append(f"--tp: {tp} is not allowed; use a power of two that divides --devices")
    problems += _png_problems(png, frontier)
    if problems:
        _fail(problems)
    acc = at_software_year(get_accelerator(accelerator), year)
    arch = get_architecture(model)
    if precision is None:
        precision = "fp8" if "fp8" in acc.native else "bf16"
    if precision not in acc.native:
        _fail(
            [
                f"--precision: {acc.name} has no {precision} units; it supports "
                f"{', '.join(acc.native)}"
            ]
        )
    if mode == "train":
        out = _train_out(acc, arch, precision, devices, tokens)
    else:
        target = target_for(
            scenario,
            ttft_s=None if ttft_ms is None else ttft_ms / 1e3,
            tpot_s=None if tpot_ms is None else tpot_ms / 1e3,
        )
        if frontier:
            points = _print_frontier(
                acc, arch, devices, input_tokens, output_tokens, target, as_json
            )
            if png is not None:
                _write_frontier_png(png, points, f"{devices} x {acc.name}, {arch.name}")
            return
        res = compute.perf(
            acc,
            arch,
            devices=devices,
            batch=n_batch,
            n_in=input_tokens,
            n_out=output_tokens,
            precision=precision,
            efficiency=DEFAULTS.inference,
            target=target,
            replica=tp,
        )
        out = res.as_dict()
    title = (
        f"{devices} x {acc.name}, {arch.name}, {precision} ({PRECISION_CLASS[precision]}), {mode}"
    )
    _print_perf(out, title, as_json)


def _print_perf(out: dict[str, Any], title: str, as_json: bool) -> None:
    """One JSON line, or a table of metric, value and unit."""
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
        return
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for k, v in out.items():
        table.add_row(k, f"{v:,.4g}" if isinstance(v, float) else str(v), PERF_UNITS.get(k, ""))
    out_console.print(table)


def _train_out(acc: Any, arch: Any, precision: str, devices: int, tokens: float) -> dict:
    """``perf --mode train``: FLOP, time and device-hours to train on ``tokens``."""
    from aiinfra.layers.training import train
    from aiinfra.validation import DEFAULTS

    mfu = DEFAULTS.training_mfu * acc.software_efficiency
    t = train(acc, arch, tokens=tokens, devices=devices, precision=precision, mfu=mfu)
    return {
        "flop": float(t["flop"]),
        "seconds": float(t["seconds"]),
        "days": float(t["seconds"]) / 86400.0,
        "device_hours": float(t["device_hours"]),
        "mfu": float(t["mfu"]),
        "tensor_parallel": int(t["tp"]),
        "tp_comm_share": float(t["tp_share"]),
    }


def _print_frontier(
    acc: object,
    arch: object,
    devices: int,
    n_in: float,
    n_out: float,
    target: object,
    as_json: bool,
) -> list[dict[str, Any]]:
    """Print the throughput-interactivity Pareto curve over the part's precisions; return
    its points."""
    import time

    from aiinfra.layers.frontier import frontier
    from aiinfra.validation import DEFAULTS

    t0 = time.perf_counter()
    f = frontier(
        acc,  # type: ignore[arg-type]
        arch,  # type: ignore[arg-type]
        devices=devices,
        n_in=n_in,
        n_out=n_out,
        precisions=list(acc.native),  # type: ignore[attr-defined]
        efficiency=DEFAULTS.inference,
        target=target,  # type: ignore[arg-type]
    )
    seconds = time.perf_counter() - t0
    n_cfg = int(f.pop("configurations"))
    keys = list(f)
    points = [
        {k: (str(f[k][i]) if k == "precision" else float(f[k][i])) for k in keys}
        for i in range(len(f["tp"]))
    ]
    for p in points:
        p["tp"], p["batch"] = int(p["tp"]), int(p["batch"])
    if as_json:
        doc = {"configurations": n_cfg, "seconds": seconds, "points": points}
        sys.stdout.write(json.dumps(doc) + "\n")
        return points
    table = Table(
        title=f"{devices} x {acc.name}, {arch.name}: Pareto frontier "  # type: ignore[attr-defined]
        f"({n_cfg:,} configurations in {seconds * 1e3:,.0f} ms)"
    )
    for k in keys:
        table.add_column(k, justify="right")
    for p in points:
        table.add_row(*[f"{v:,.4g}" if isinstance(v, float) else str(v) for v in p.values()])
    out_console.print(table)
    return points


def _png_problems(png: Path | None, frontier: bool) -> list[str]:
    """Problems with ``--png`` (one line each)."""
    if png is None:
        return []
    if not frontier:
        return ["--png: only with --frontier"]
    if png.suffix.lower() != ".png":
        return [f"--png: {png.name!r} must end in .png"]
    if not png.parent.is_dir():
        return ["--png: its folder does not exist"]
    return []


def _write_frontier_png(png: Path, points: list[dict[str, Any]], title: str) -> None:
    """Render the Pareto curve with the report's chart code; atomic write."""
    from aiinfra.report.charts import frontier_chart, render_png
    from aiinfra.results import atomic_write_bytes

    atomic_write_bytes(png, render_png(frontier_chart(points, title), "en"))


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
        typed = [{k: _typed(v) for k, v in r.items()} for r in rows]
        sys.stdout.write(json.dumps(typed, indent=2) + "\n")
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


fab_app = typer.Typer(
    help="Manufacturing calculators.", no_args_is_help=True, rich_markup_mode=None
)
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


def _typed(text: str) -> object:
    """A CSV cell as JSON: numbers as numbers, empty cells as null, text as text."""
    if text.strip() == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in text and "e" not in text else value
