"""`aiinfra serve`: the Streamlit dashboard."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from aiinfra.cli.common import (
    ScenarioArg,
    _fail,
    _load,
    app,
    handles_errors,
    out_console,
)


@app.command()
@handles_errors
def serve(
    scenario: ScenarioArg = "base",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8501,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
) -> None:
    """Start the dashboard (Streamlit), bound to 127.0.0.1 unless asked otherwise."""
    import subprocess
    from importlib import resources

    from aiinfra.scenario import shipped_scenarios

    if not 1 <= port <= 65535:
        _fail([f"--port: {port} is not allowed; use 1 to 65535"])
    if scenario not in shipped_scenarios():
        _load(scenario, None)  # validates a path; the app lists shipped scenarios
    script = str(resources.files("aiinfra") / "app.py")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        "1",
        "--",
        "--scenario",
        scenario,
    ]
    out_console.print(f"aiinfra dashboard on http://{host}:{port} (Ctrl+C to stop)")
    sys.stdout.flush()
    if hasattr(os, "execv"):  # become the server: signals (SIGTERM, Ctrl+C) reach it directly
        os.execv(sys.executable, cmd)
    raise typer.Exit(subprocess.call(cmd))
