"""End-to-end benchmarks: the CLI commands as a user types them, each in a fresh process.

Wall clock is start to finish (imports, run, writing every output). Peak memory is the
largest sum of PSS (proportional set size: shared pages split between the processes
that map them) over the whole process tree, sampled every 20 ms from /proc, so forked
workers and shared output memory are counted once.

All commands share one cache directory (``AIINFRA_CACHE_DIR``, :mod:`aiinfra.diskcache`),
empty at the start: the first ``run`` builds the serving tables (cold), the second and
every later command read them, as on a user's machine after the first run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

AIINFRA = str(Path(sys.executable).with_name("aiinfra"))


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(args: list[str], cwd: str, timeout: float = 900.0) -> dict[str, object]:
    """Run one command; wall seconds, peak PSS of its process tree, exit code."""
    peak = [0]
    done = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )

    def sample() -> None:
        while not done.is_set():
            total = sum(_pss_bytes(p) for p in _tree(proc.pid))
            peak[0] = max(peak[0], total)
            done.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        _, err = proc.communicate(timeout=timeout)
    finally:
        done.set()
        thread.join()
    seconds = time.perf_counter() - t0
    return {
        "command": " ".join(["aiinfra", *args[1:]]),
        "seconds": seconds,
        "peak_pss_bytes": peak[0],
        "exit_code": proc.returncode,
        "stderr_tail": err.strip().splitlines()[-1:] if proc.returncode else [],
    }


def plan(quick: bool) -> list[list[str]]:
    """The commands timed (``--quick`` leaves out the slowest)."""
    cmds = [
        ["--help"],
        ["run", "--out", "{out}"],  # cold: the cache is empty
        ["run", "--out", "{out}"],
        ["mc", "--draws", "100", "--out", "{out}"],
        ["mc", "--draws", "1000", "--out", "{out}"],
        ["mc", "--draws", "10000", "--out", "{out}"],
        ["mc", "--draws", "10000", "--workers", "2", "--out", "{out}"],
        ["mc", "--draws", "100000", "--out", "{out}"],
        ["mc", "--draws", "100000", "--workers", "2", "--out", "{out}"],
        ["mc", "--draws", "100000", "--workers", "2", "--store", "--out", "{out}"],
        ["reconcile"],
        ["report", "--out", "{out}/report"],
        ["sensitivity", "--output", "arr_usd", "--year", "2030"],
        ["calibrate", "--out", "{out}"],
        ["perf", "-a", "H100-SXM", "-m", "llama-2-70b"],
        ["perf", "-a", "B200", "-m", "llama-3.1-70b", "--frontier", "--json"],
        ["backtest", "--cutoff", "2024"],
    ]
    if not quick:
        cmds.append(["mc", "--draws", "1000000", "--workers", "2", "--store", "--out", "{out}"])
    return cmds


def run_all(quick: bool = False) -> list[dict[str, object]]:
    """Time every command of :func:`plan`; prints one line each."""
    rows = []
    cache = tempfile.mkdtemp(prefix="aiinfra-e2e-cache-")
    old = os.environ.get("AIINFRA_CACHE_DIR")
    os.environ["AIINFRA_CACHE_DIR"] = cache
    try:
        for cmd in plan(quick):
            cold = not any(Path(cache).iterdir())
            tmp = tempfile.mkdtemp(prefix="aiinfra-e2e-")
            try:
                args = [AIINFRA, *(a.replace("{out}", str(Path(tmp) / "out")) for a in cmd)]
                row = measure(args, cwd=tmp)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            row["cache"] = "cold" if cold else "warm"
            if cold and cmd[0] == "run":
                row["command"] += " (first run: builds the cached tables)"
            rows.append(row)
            print(
                f"{row['command'][:70]:70s} {row['seconds']:7.2f} s "
                f"{row['peak_pss_bytes'] / 1e9:6.2f} GB  exit {row['exit_code']}"
            )
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if old is None:
            os.environ.pop("AIINFRA_CACHE_DIR", None)
        else:
            os.environ["AIINFRA_CACHE_DIR"] = old
    return rows
