"""Whole runs reproduce their golden fingerprints (tests/golden/golden.json).

Set ``AIINFRA_GOLDEN_STRICT=1`` to require bit identity (the machine that wrote
the file); otherwise every statistic must agree to 1e-11 relative.
"""

from __future__ import annotations

import json
import math
import os

import pytest
from golden.fingerprint import CASES, PATH, fingerprint

GOLDEN = json.loads(PATH.read_text())
STRICT = bool(os.environ.get("AIINFRA_GOLDEN_STRICT"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_matches_golden(name):
    want = GOLDEN[name]
    got = fingerprint(name, CASES[name])
    assert sorted(got) == sorted(want), "the set of output variables changed"
    bad = []
    for var, g in got.items():
        w = want[var]
        if g["shape"] != w["shape"] or g["nonfinite"] != w["nonfinite"]:
            bad.append(f"{var}: shape/nonfinite {g['shape']} vs {w['shape']}")
        elif g["sha256"] != w["sha256"]:
            if STRICT:
                bad.append(f"{var}: not bit-identical")
                continue
            for k in ("sum", "abs", "weighted"):
                if not math.isclose(g[k], w[k], rel_tol=1e-11, abs_tol=1e-300):
                    bad.append(f"{var}: {k} {g[k]!r} vs golden {w[k]!r}")
                    break
    assert not bad, "\n".join(bad[:20])
