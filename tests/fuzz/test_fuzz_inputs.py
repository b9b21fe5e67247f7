"""Fuzzed scenarios: every malformed input ends with exit 2 and readable lines.

A seeded generator builds >= 1,000 malformed scenarios per run (wrong types,
missing and unknown keys, NaN/inf/huge values, wrong units, malformed
distributions, empty and binary files, deep nesting, alias bombs, Python
tags, oversize files, wrong encodings). Each is fed to ``aiinfra validate``
and ``aiinfra run`` in-process: no traceback, no hang (per-case alarm), no
file written. Counts are reported as a warning in the test output.
"""

from __future__ import annotations

import copy
import random
import signal
import warnings
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aiinfra.cli import app
from aiinfra.quantity import QSpec
from aiinfra.scenario import Scenario, raw_scenario

N_CASES = 1000
N_CHUNKS = 10
SEED = 20261125
BASE = raw_scenario("base")


def _fields(model=Scenario, prefix=()):
    """(path, is_quantity, is_required) of every leaf field."""
    from pydantic import BaseModel

    out = []
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += _fields(ann, path)
        else:
            q = any(isinstance(m, QSpec) for m in info.metadata)
            out.append((path, q, info.is_required()))
    return out


FIELDS = _fields()
QUANTITIES = [p for p, q, _ in FIELDS if q]
REQUIRED = [p for p, _, r in FIELDS if r]
SECTIONS = ["", "horizon", "demand", "demand.chat", "compute", "fab", "power", "network"]

BAD_VALUES = [
    float("nan"),
    float("inf"),
    float("-inf"),
    1e300,
    -1e300,
    "garbage",
    "1e999",
    "NaN",
    [1, 2],
    {"a": 1},
    True,
    None,
    "3 parsec",
    "12 kg*s",
    {"dist": "nope"},
    {"dist": "lognormal", "median": 1.0, "p90": 0.5},
    {"dist": "lognormal", "median": -1, "p90": 2},
    {"dist": "normal", "mean": 1.0, "sd": -1.0},
    {"dist": "uniform", "min": 2, "max": 1},
    {"dist": "triangular", "min": 0, "mode": 5, "max": 1},
    {"dist": "pert", "min": 1},
    {"dist": "lognormal", "median": 1, "sigma": 1, "p90": 2},
    {"dist": "lognormal", "median": "x"},
    {"dist": "uniform", "min": "1 kg", "max": "2 kg"},
    "",
    " ",
    "1,5",
    "--1",
]


def _set(data, path, value):
    node = data
    for p in path[:-1]:
        node = node.setdefault(p, {})
        if not isinstance(node, dict):
            return
    node[path[-1]] = value


def _delete(data, path):
    node = data
    for p in path[:-1]:
        node = node.get(p)
        if not isinstance(node, dict):
            return False
    return node.pop(path[-1], None) is not None


def _dump(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True).encode()


def make_case(rng: random.Random, i: int) -> tuple[str, bytes]:
    kind = rng.choice(
        ["value"] * 10
        + [
            "missing",
            "unknown",
            "unknown",
            "type",
            "raw",
            "nested",
            "bomb",
            "tag",
            "big",
            "encoding",
            "horizon",
        ]
    )
    data = copy.deepcopy(BASE)
    if kind == "value":
        _set(data, rng.choice(QUANTITIES), rng.choice(BAD_VALUES))
        return kind, _dump(data)
    if kind == "missing":
        while not _delete(data, rng.choice(REQUIRED)):
            pass
        return kind, _dump(data)
    if kind == "unknown":
        section = rng.choice(SECTIONS)
        path = (*tuple(p for p in section.split(".") if p), f"zz_unknown_{i}")
        _set(data, path, rng.choice([1, "x", {"a": 1}]))
        return kind, _dump(data)
    if kind == "type":
        path = rng.choice(
            [
                ("demand", "model"),
                ("compute", "model"),
                ("compute", "precision"),
                ("demand",),
                ("demand", "chat"),
                ("uncertainty", "sampler"),
                ("compute", "mix"),
                ("power", "owners"),
                ("network", "switches"),
            ]
        )
        _set(data, path, rng.choice([42, [1], "magic", {"2023": "x"}, 3.5]))
        return kind, _dump(data)
    if kind == "horizon":
        _set(data, ("horizon", rng.choice(["start", "end"])), rng.choice([1900, 3000, "2023", -1]))
        return kind, _dump(data)
    if kind == "raw":
        return kind, rng.choice(
            [
                b"",
                b"\x00\x01\x02",
                bytes(rng.getrandbits(8) for _ in range(64)),
                b"- 1\n- 2\n",
                b"42\n",
                b"demand: [1,\n",
                b"{{{",
                b"demand:\n  chat: !!binary AAAA\n",
                b"\xff\xfe",
            ]
        )
    if kind == "nested":
        depth = rng.choice([40, 200, 5000])
        return kind, b"demand: " + b"[" * depth + b"]" * depth + b"\n"
    if kind == "bomb":
        lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
        for k in range(1, 8):
            lines.append(f"b{k}: &b{k} [*{'a' if k == 1 else f'b{k - 1}'}] ")
        return kind, ("\n".join(lines) + "\n").encode()
    if kind == "tag":
        return kind, rng.choice(
            [
                b"demand: !!python/object/apply:os.system ['echo hacked']\n",
                b"x: !!python/name:os.system\n",
                b"y: !!python/object:builtins.dict {}\n",
            ]
        )
    if kind == "big":
        return kind, b"name: " + b"x" * 1_100_000 + b"\n"
    # encoding
    text = _dump(data).decode() + "description: caf\u00e9 \u00fc\n"
    return kind, text.encode(rng.choice(["utf-16", "latin-1", "utf-32"]))


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout


@pytest.mark.parametrize("chunk", range(N_CHUNKS))
def test_fuzzed_scenarios_fail_cleanly(tmp_path: Path, chunk: int):
    rng = random.Random(SEED + chunk)
    runner = CliRunner()
    counts: dict[str, int] = {}
    per = N_CASES // N_CHUNKS
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for i in range(per):
            kind, content = make_case(rng, chunk * per + i)
            counts[kind] = counts.get(kind, 0) + 1
            path = tmp_path / f"case{i}.yaml"
            path.write_bytes(content)
            out = tmp_path / f"out{i}"
            for args in (["validate", str(path)], ["run", str(path), "--out", str(out)]):
                signal.alarm(20)
                try:
                    res = runner.invoke(app, args)
                except Timeout:  # pragma: no cover - a hang is a failure
                    pytest.fail(f"{kind} case {i} hung: {content[:80]!r}")
                finally:
                    signal.alarm(0)
                msg = f"{kind} case {i} {args[0]}: exit {res.exit_code}\n{res.output}{res.stderr}"
                assert res.exit_code == 2, msg
                lines = res.stderr.strip().splitlines()
                assert lines and all(line.startswith("error: ") for line in lines), msg
                assert "Traceback" not in res.output + res.stderr, msg
                assert all(len(line) < 600 for line in lines), msg
            assert not out.exists(), f"{kind} case {i}: files written"
            path.unlink()
    finally:
        signal.signal(signal.SIGALRM, old)
    warnings.warn(
        f"fuzz chunk {chunk}: {per} malformed scenarios x 2 commands, 0 tracebacks, "
        f"0 partial files; kinds {dict(sorted(counts.items()))}",
        UserWarning,
        stacklevel=1,
    )
