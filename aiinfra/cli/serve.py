"""`aiinfra serve`: the Streamlit dashboard."""

from __future__ import annotations

import errno
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
    busy = _port_busy(host, port)
    if busy:
        _fail([f"--port: port {port} on {host} is {busy}; choose another with --port"])
    script = str(resources.files("aiinfra") / "webapp" / "app.py")
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
        "--client.toolbarMode",
        "viewer",  # no "Deploy" button or developer menu
        "--",
        "--scenario",
        scenario,
    ]
    out_console.print(f"aiinfra dashboard on http://{host}:{port} (Ctrl+C to stop)")
    sys.stdout.flush()
    if hasattr(os, "execv"):  # become the server: signals (SIGTERM, Ctrl+C) reach it directly
        os.execv(sys.executable, cmd)
    raise typer.Exit(subprocess.call(cmd))


def _port_busy(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be served ("busy", "not an address here"), or None."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return "not an address this machine can resolve"
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except PermissionError:
            return "not allowed for this user (ports below 1024 need privileges)"
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return "busy"
            return f"not available ({exc.strerror or type(exc).__name__})"
    return None
