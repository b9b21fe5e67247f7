"""Nothing leaks: ``extends`` is confined, special files are refused, errors never echo
content of a file that is not a scenario, and output directories take one writer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiinfra.cli import app
from aiinfra.errors import ScenarioError
from aiinfra.outdir import LOCK, MARKER, OutputDirError, claim
from aiinfra.scenario import load_scenario

runner = CliRunner()
SECRET = "s3cr3t-token-do-not-print"


def _validate(path: Path):
    return runner.invoke(app, ["validate", str(path)])


def _assert_refused(res, *, not_in: str = SECRET) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert not_in not in res.output


@pytest.mark.parametrize(
    "target", ["/etc/passwd", "/proc/self/environ", "../../etc/passwd", "../secret.yaml"]
)
def test_extends_outside_is_refused(tmp_path, target):
    (tmp_path / "secret.yaml").write_text(f"{SECRET}: 1\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "s.yaml").write_text(f"extends: {target}\n")
    res = _validate(sub / "s.yaml")
    _assert_refused(res)
    assert "root:" not in res.output
    assert "extends" in res.output


def test_extends_symlink_out_is_refused(tmp_path):
    (tmp_path / "secret.yaml").write_text(f"{SECRET}: 1\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    (sub / "s.yaml").write_text("extends: link.yaml\n")
    res = _validate(sub / "s.yaml")
    _assert_refused(res)
    assert "outside" in res.output


def test_extends_beside_and_shipped_still_work(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "mid.yaml").write_text("extends: bull\nname: mid\n")
    (tmp_path / "top.yaml").write_text("extends: parts/mid.yaml\nname: top\n")
    assert load_scenario(tmp_path / "top.yaml").name == "top"


def test_mapping_may_extend_shipped_only(tmp_path):
    # a dashboard upload or paste is a mapping: no file paths at all
    (tmp_path / "x.yaml").write_text("extends: base\n")
    assert load_scenario({"extends": "base", "name": "up"}).name == "up"
    for target in ("/etc/passwd", str(tmp_path / "x.yaml"), "x.yaml"):
        with pytest.raises(ScenarioError, match="only shipped scenarios"):
            load_scenario({"extends": target})


def test_non_scenario_content_is_not_echoed(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(f"{SECRET}: 1\nPATH: /usr/bin\nHOME: /root\n")
    res = _validate(p)
    _assert_refused(res)
    assert "PATH" not in res.output and "does not look like an aiinfra scenario" in res.output
    # inside a real scenario, keys that are not identifiers are not echoed either
    p.write_text("extends: base\ndemand:\n  'k=" + SECRET + "': 1\n")
    _assert_refused(_validate(p))


def test_special_files_are_refused(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    res = subprocess.run(
        [sys.executable, "-m", "aiinfra.cli", "validate", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2 and "not a regular file" in res.stderr
    res = _validate(Path("/proc/self/mem"))
    _assert_refused(res)
    assert "cannot read" in res.output or "not a regular file" in res.output


def test_duplicate_keys_are_refused(write_yaml):
    p = write_yaml("extends: base\nname: a\nname: b\n")
    res = _validate(p)
    assert res.exit_code == 2 and "duplicate key name" in res.output


def test_second_writer_is_told_the_directory_is_busy(tmp_path):
    out = tmp_path / "o"
    with claim(out):
        assert (out / MARKER).exists() and (out / LOCK).exists()
        with pytest.raises(OutputDirError, match="another aiinfra process"):
            with claim(out):
                pass
    with claim(out):  # released
        pass


def test_stale_partial_store_is_removed_by_the_next_run(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / ".results.zarr.partial").mkdir()
    (out / ".summary.csv.abc.tmp").write_text("x")
    with claim(out):
        assert not (out / ".results.zarr.partial").exists()
        assert not (out / ".summary.csv.abc.tmp").exists()


def test_foreign_directory_still_refused(tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(OutputDirError, match="not written by aiinfra"):
        with claim(tmp_path):
            pass


@pytest.mark.slow
def test_concurrent_runs_never_crash(tmp_path):
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "aiinfra.cli", "run", "--out", str(out)]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    for rc, err in results:
        assert rc in (0, 2), err
        assert "internal error" not in err
        if rc == 2:
            assert "another aiinfra process" in err
    assert any(rc == 0 for rc, _ in results)
    assert (out / "results.nc").exists()


@pytest.mark.slow
def test_sigterm_during_store_leaves_nothing_partial(tmp_path):
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "aiinfra.cli", "mc", "--draws", "400000", "--store"]
    proc = subprocess.Popen([*cmd, "--out", str(out)], stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not (out / ".results.zarr.partial").exists():
        time.sleep(0.1)
    assert (out / ".results.zarr.partial").exists()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert not (out / ".results.zarr.partial").exists()
    again = [*cmd[:4], "--draws", "100", "--store", "--out", str(out)]
    res = subprocess.run(again, capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr
