"""Safe outputs and determinism across processes."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from aiinfra.cli import app

CLI = [sys.executable, "-m", "aiinfra.cli"]


def _complete(out: Path) -> tuple[int, int] | None:
    """(draws in results.nc, rows in summary.csv) if both files are complete, else None."""
    nc, summary = out / "results.nc", out / "summary.csv"
    if not nc.exists() and not summary.exists():
        return None
    with xr.open_dataset(nc) as ds:  # raises on a truncated file
        draws = ds.sizes["draw"]
        assert np.isfinite(ds["arr_usd"].values).all()
    rows = list(csv.DictReader(summary.open()))
    assert rows and rows[-1]["p95"] != ""
    return draws, len(rows)


@pytest.mark.slow
def test_sigkill_during_runs_leaves_previous_or_new_outputs(tmp_path):
    out = tmp_path / "out"
    first = subprocess.run([*CLI, "run", "--out", str(out)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert _complete(out)[0] == 1
    rng = random.Random(7)
    outcomes = set()
    for _ in range(6):
        proc = subprocess.Popen(
            [*CLI, "run", "--draws", "400", "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _complete(out)
        assert state is not None and state[0] in (1, 400), state
        outcomes.add(state[0])
        visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
        assert visible <= {"results.nc", "summary.csv"}
    # a later run cleans up temp files a killed run left behind
    again = subprocess.run([*CLI, "run", "--out", str(out)], capture_output=True, text=True)
    assert again.returncode == 0
    assert not list(out.glob(".*.tmp"))


def test_same_seed_same_bytes_across_processes(tmp_path):
    outs = []
    for k in range(2):
        d = tmp_path / f"o{k}"
        res = subprocess.run(
            [*CLI, "run", "--draws", "50", "--seed", "3", "--out", str(d)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": str(k)},
        )
        assert res.returncode == 0, res.stderr
        outs.append(d)
    assert (outs[0] / "results.nc").read_bytes() == (outs[1] / "results.nc").read_bytes()
    assert (outs[0] / "summary.csv").read_bytes() == (outs[1] / "summary.csv").read_bytes()
    other = tmp_path / "o3"
    CliRunner().invoke(app, ["run", "--draws", "50", "--seed", "4", "--out", str(other)])
    assert (other / "results.nc").read_bytes() != (outs[0] / "results.nc").read_bytes()


def test_out_guard(tmp_path):
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    res = CliRunner().invoke(app, ["run", "--out", str(foreign)])
    assert res.exit_code == 2 and "--force" in res.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.docx"]
    res = CliRunner().invoke(app, ["run", "--out", str(foreign), "--force"])
    assert res.exit_code == 0
    assert (foreign / "thesis.docx").read_text() == "precious"
    afile = tmp_path / "file"
    afile.write_text("x")
    res = CliRunner().invoke(app, ["run", "--out", str(afile)])
    assert res.exit_code == 2 and "not a directory" in res.stderr


def test_absurd_inputs_are_refused_by_the_schema():
    import aiinfra
    from aiinfra.errors import ScenarioError

    # a lognormal whose extreme draws overflow, and a growth of 1e6 per year
    for over in (
        "demand.chat.users_2023={dist: lognormal, median: 1e8, p90: 1e200}",
        "demand.chat.intensity_growth=1e6",
        "fab.cowos_capacity_growth=100",
    ):
        with pytest.raises(ScenarioError):
            aiinfra.load_scenario("base", [over])


def test_non_finite_outputs_name_the_first_variable_and_year():
    import numpy as np

    from aiinfra.pipeline.run import first_nonfinite

    years = np.array([2023, 2024, 2025])
    a = np.ones((2, 3))
    b = np.ones((2, 3, 4))
    b[1, 2, 3] = np.nan
    assert first_nonfinite({"a": a, "b": b}, years) == ("b", 2025, 1)
    assert first_nonfinite({"a": a}, years) is None
    big = np.full((1, 3), 1e308)  # the sum overflows; the values are finite
    assert first_nonfinite({"big": big}, years) is None


def test_cli_refuses_a_run_with_non_finite_outputs(tmp_path, monkeypatch):
    import numpy as np
    from typer.testing import CliRunner

    from aiinfra.cli import app
    from aiinfra.pipeline import run as pipeline_run

    real = pipeline_run.PipelineResult.outputs

    def poisoned(self, skip=0):
        out = real(self, skip)
        out["arr_usd"] = out["arr_usd"].copy()
        out["arr_usd"][0, 3] = np.inf
        return out

    monkeypatch.setattr(pipeline_run.PipelineResult, "outputs", poisoned)
    res = CliRunner().invoke(app, ["run", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "arr_usd is not finite in 2026" in res.output
    assert not (tmp_path / "o" / "results.nc").exists()
