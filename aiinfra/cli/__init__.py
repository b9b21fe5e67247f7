"""Command-line interface (Typer + rich), one module per command group.

Bad input never produces a traceback: every :class:`~aiinfra.errors.AiinfraError`
is printed as one line per problem on stderr and the process exits with code 2.
Set ``AIINFRA_DEBUG=1`` to see tracebacks of unexpected internal errors.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated

import typer

# isort: off
# command groups, imported in the order `aiinfra --help` lists their commands
from aiinfra.cli import run  # noqa: F401
from aiinfra.cli import scenarios  # noqa: F401
from aiinfra.cli import hardware  # noqa: F401
from aiinfra.cli import solver  # noqa: F401
from aiinfra.cli import analysis  # noqa: F401
from aiinfra.cli import backtest  # noqa: F401
from aiinfra.cli import reports  # noqa: F401
from aiinfra.cli import serve  # noqa: F401
from aiinfra.cli import cache  # noqa: F401

# isort: on
from aiinfra.cli.common import MC_CHUNK, app, err_console, out_console
from aiinfra.version import __version__

__all__ = ["MC_CHUNK", "app", "main"]


def _version(value: bool) -> None:
    if value:
        out_console.print(f"aiinfra {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """aiinfra: the AI infrastructure stack from tokens to watts."""


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: internal errors become one line (exit 1)."""
    from aiinfra.memory import keep_freed_memory

    keep_freed_memory()  # a short-lived process: reuse freed pages chunk after chunk
    # SIGTERM unwinds like Ctrl+C, so partial outputs are removed and locks released
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        app(args=argv)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("AIINFRA_DEBUG"):
            raise
        err_console.print(
            f"internal error: {type(exc).__name__}: {exc} (set AIINFRA_DEBUG=1 for details)",
            markup=False,
        )
        sys.exit(1)
