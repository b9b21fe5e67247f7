"""Golden fingerprints of whole runs: the refactor's referee.

``python -m tests.golden.fingerprint`` rewrites ``golden.json`` (do it only in a
commit that explains why the outputs changed). Each variable keeps the SHA-256 of
its float64 bytes (bit identity on the machine that wrote it) and float
statistics, compared at a tight relative tolerance elsewhere (other CPUs may round
transcendental functions differently in the last bit).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

CASES = {"base": 64, "power-constrained": 16}
SEED = 3
PATH = Path(__file__).with_name("golden.json")


def fingerprint(name: str, draws: int, seed: int = SEED) -> dict[str, dict[str, object]]:
    """Per output variable: shape, hash and statistics of a run of ``name``."""
    import aiinfra

    ds = aiinfra.run(name, draws=draws, seed=seed)
    out: dict[str, dict[str, object]] = {}
    for var in sorted(ds.data_vars):
        a = np.ascontiguousarray(ds[var].values, dtype=np.float64)
        finite = np.where(np.isfinite(a), a, 0.0)
        w = np.random.default_rng(0).uniform(0.5, 1.5, a.size).reshape(a.shape)
        out[var] = {
            "shape": list(a.shape),
            "sha256": hashlib.sha256(a.tobytes()).hexdigest(),
            "sum": float(finite.sum()),
            "abs": float(np.abs(finite).sum()),
            "weighted": float((finite * w).sum()),
            "nonfinite": int((~np.isfinite(a)).sum()),
        }
    return out


def main() -> None:
    data = {name: fingerprint(name, draws) for name, draws in CASES.items()}
    PATH.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
