"""Shared pieces of the CLI: the Typer app, consoles, options, error handling.

Bad input never produces a traceback: every :class:`~aiinfra.errors.AiinfraError`
is printed as one line per problem on stderr and the process exits with code 2.
Set ``AIINFRA_DEBUG=1`` to see tracebacks of unexpected internal errors.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console

from aiinfra.errors import AiinfraError, ScenarioError

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="aiinfra",
    help="aiinfra: the AI infrastructure stack from tokens to watts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # help texts carry units in brackets ("[mm²]"), not markup
)
out_console = Console(width=None if sys.stdout.isatty() else 132)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# In memory, a draw's outputs take ~35 kB (float64) and the NetCDF is rendered in memory
# before it is written: 100,000 draws peak near 8 GB. `mc --store` streams to a Zarr
# store instead (float32, lz4) and its memory does not grow with the draws.
# One rule for draws: every Monte Carlo command defaults to DEFAULT_DRAWS and takes up to
# MAX_DRAWS in memory (~35 kB per draw, the NetCDF rendered in memory); `mc --store`
# streams to a Zarr store and takes up to MAX_STORE_DRAWS. `run` is a point run unless
# --draws is given.
DEFAULT_DRAWS = 1_000
MAX_DRAWS = 100_000
MAX_STORE_DRAWS = 10_000_000
DRAWS_RULE = f"1 to {MAX_DRAWS:,} in memory; `mc --store` up to {MAX_STORE_DRAWS:,}"
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


DrawsOpt = Annotated[
    int,
    typer.Option("--draws", help=f"Monte Carlo draws (default {DEFAULT_DRAWS:,}; {DRAWS_RULE})."),
]


def draws_problem(draws: int, *, store: bool = False, least: int = 1) -> str | None:
    """The one-line complaint about ``--draws`` under the one rule, or None."""
    limit = MAX_STORE_DRAWS if store else MAX_DRAWS
    if least <= draws <= limit:
        return None
    hint = "" if store else f" (up to {MAX_STORE_DRAWS:,} with `mc --store`)"
    return f"--draws: {draws} is not allowed; use {least} to {limit:,}{hint}"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
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


def _fmt(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


PrecisionOpt = Annotated[
    str | None,
    typer.Option(
        "--precision",
        help="bf16, fp8 or fp4 (default: fp8 where the part has FP8 units, else bf16).",
    ),
]
