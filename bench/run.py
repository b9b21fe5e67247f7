"""Benchmarks (not tests): `make bench` prints ratios measured in one run and writes
bench/results.json.

(a) full chain, 2023-2035, at 1k, 10k and 100k draws (chunked; 100k also on 2 Dask
workers): wall time and draws/s; (b) the same work as a loop of single-draw runs (on a
subsample, scaled) and the ratio; (c) Sobol analysis of one output with ~100k model
evaluations; (d) peak memory per draw; (e) a 1,000-draw rerun after changing one
parameter (what the dashboard needs). `--large` adds 1,000,000 draws.
"""

from __future__ import annotations

import json
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

import aiinfra
from aiinfra.chain import Chain
from aiinfra.montecarlo import run_mc
from aiinfra.sensitivity import scenario_sobol


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main() -> None:
    large = "--large" in sys.argv
    sc = aiinfra.load_scenario("base")
    chain = Chain(sc)
    chain.compute(100, seed=0)  # warm caches
    results: dict[str, object] = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, python "
        f"{platform.python_version()}, numpy {np.__version__}",
        "chain": [],
    }
    sizes = [1_000, 10_000, 100_000] + ([1_000_000] if large else [])
    for n in sizes:
        secs, _ = timed(run_mc, sc, n, seed=1, chunk_size=10_000)
        results["chain"].append(
            {"draws": n, "workers": 1, "seconds": secs, "draws_per_s": n / secs}
        )
        print(f"chain {n:>9,} draws, 1 process : {secs:8.2f} s  {n / secs:10,.0f} draws/s")
    for n in [100_000] + ([1_000_000] if large else []):
        secs, _ = timed(run_mc, sc, n, seed=1, chunk_size=10_000, workers=2)
        results["chain"].append(
            {"draws": n, "workers": 2, "seconds": secs, "draws_per_s": n / secs}
        )
        print(f"chain {n:>9,} draws, 2 workers : {secs:8.2f} s  {n / secs:10,.0f} draws/s")
    # (b) per-draw loop on a subsample
    k = 30
    secs_loop, _ = timed(lambda: [chain.compute(1, seed=i) for i in range(k)])
    per_loop = secs_loop / k
    secs_vec, _ = timed(chain.compute, 10_000, seed=2)
    per_vec = secs_vec / 10_000
    results["loop"] = {
        "per_draw_loop_s": per_loop,
        "per_draw_vectorised_s": per_vec,
        "ratio": per_loop / per_vec,
    }
    print(
        f"per draw: loop {per_loop * 1e3:.2f} ms, vectorised {per_vec * 1e6:.1f} us, "
        f"ratio {per_loop / per_vec:,.0f}x"
    )
    # (c) Sobol with ~100k evaluations
    secs, res = timed(scenario_sobol, sc, "arr_usd", 2030, n=4096, seed=0)
    results["sobol"] = {"evaluations": res["evaluations"], "seconds": secs}
    print(f"sobol: {res['evaluations']:,} evaluations in {secs:.1f} s")
    # (d) peak memory per draw
    tracemalloc.start()
    chain.compute(10_000, seed=3)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["memory"] = {"peak_bytes_per_draw": peak / 10_000}
    print(f"peak memory: {peak / 10_000 / 1e3:.1f} kB per draw")
    # (e) rerun after changing one parameter
    changed = aiinfra.load_scenario(sc, ["power.grid_lead_years=5"])
    secs, _ = timed(lambda: Chain(changed).compute(1_000, seed=4))
    results["rerun_1000"] = {"seconds": secs}
    print(f"1,000-draw rerun after one change: {secs * 1e3:.0f} ms")
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
