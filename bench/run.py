"""Benchmarks (not tests): `make bench` prints ratios measured in one run and writes
bench/results.json.

(a) full chain, 2023-2035 (13 years), at 1k, 10k, 100k draws in memory (1 process and
2 forked workers) and 1M draws streamed to a Zarr store on 2 workers: wall time, draws/s
and peak memory; (b) the same work as a Python loop of single-draw runs (on a subsample,
scaled) and the ratio to the vectorised chain in one process; (c) Sobol analysis of one
output with ~100k model evaluations; (d) memory per draw; (e) a 1,000-draw rerun after
changing one parameter (what the dashboard needs). Every timed run of (a) is a fresh
Python process, so its peak memory is its own. (f) The CLI commands as a user types
them, end to end in fresh processes, with the peak memory of the whole process tree
(bench/e2e.py). `--quick` skips the 1M-draw runs.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

import aiinfra
from aiinfra.chain import Chain
from aiinfra.montecarlo import run_mc
from aiinfra.sensitivity import scenario_sobol

HERE = Path(__file__).resolve().parent


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def one_run(draws: int, workers: int, store: str | None) -> dict[str, float]:
    """Child process: one timed run_mc, set up as `aiinfra mc` runs it; prints JSON."""
    from aiinfra.memory import keep_freed_memory

    keep_freed_memory()  # as aiinfra.cli.main does

    sc = aiinfra.load_scenario("base")
    Chain(sc).compute(100, seed=0)  # imports and caches warm, as in a session
    t0 = time.perf_counter()
    ds = run_mc(sc, draws, seed=1, workers=workers, store=store)
    seconds = time.perf_counter() - t0
    assert ds.sizes["draw"] == draws
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "draws": draws,
        "workers": workers,
        "store": "zarr" if store else "memory",
        "seconds": seconds,
        "draws_per_s": draws / seconds,
        "peak_rss_parent_bytes": parent,
        "peak_rss_worker_bytes": child,
        # RSS counts shared output pages in every process that touched them: an upper bound
        "peak_rss_bound_bytes": parent + max(workers - 1, 1) * child if workers > 1 else parent,
    }


def run_child(draws: int, workers: int, store: bool) -> dict[str, float]:
    tmp = tempfile.mkdtemp(prefix="aiinfra-bench-")
    try:
        args = [sys.executable, __file__, "--one", str(draws), str(workers)]
        if store:
            args.append(str(Path(tmp) / "results.zarr"))
        res = subprocess.run(args, capture_output=True, text=True, check=True)
        row = json.loads(res.stdout.strip().splitlines()[-1])
        if store:
            size = sum(p.stat().st_size for p in (Path(tmp) / "results.zarr").rglob("*"))
            row["store_bytes"] = size
        return row
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    from aiinfra.memory import keep_freed_memory

    keep_freed_memory()  # as the CLI and the dashboard processes do
    quick = "--quick" in sys.argv
    sc = aiinfra.load_scenario("base")
    chain = Chain(sc)
    chain.compute(100, seed=0)  # warm caches
    results: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, numpy {np.__version__}",
        "chain": [],
    }
    plan = [(1_000, 1, False), (10_000, 1, False), (100_000, 1, False)]
    plan += [(10_000, 2, False), (100_000, 2, False)]
    plan += [] if quick else [(1_000_000, 2, True)]
    for draws, workers, store in plan:
        row = run_child(draws, workers, store)
        results["chain"].append(row)
        where = "zarr store" if store else "in memory"
        print(
            f"chain {draws:>9,} draws, {workers} process{'es' if workers > 1 else '  '}, "
            f"{where:10s}: {row['seconds']:7.2f} s {row['draws_per_s']:10,.0f} draws/s, "
            f"peak RSS <= {row['peak_rss_bound_bytes'] / 1e9:.2f} GB"
        )
    # (b) the same draws as a loop of single-draw runs (a subsample), against the
    # vectorised chain in one process (the 100,000-draw row above: run_mc, 1 process)
    from aiinfra.uncertainty import sample_parameters, slice_parameters

    params = sample_parameters(sc, 1_000, seed=1)
    k = 50
    secs_loop, _ = timed(
        lambda: [chain.compute(params=slice_parameters(params, i, i + 1)) for i in range(k)]
    )
    per_loop = secs_loop / k
    vec = next(r for r in results["chain"] if r["draws"] == 100_000 and r["workers"] == 1)
    per_vec = vec["seconds"] / vec["draws"]
    results["loop"] = {
        "per_draw_loop_s": per_loop,
        "per_draw_vectorised_s": per_vec,
        "ratio": per_loop / per_vec,
        "ratio_2_workers": per_loop
        / (
            1.0
            / next(
                r["draws_per_s"]
                for r in results["chain"]
                if r["draws"] == 100_000 and r["workers"] == 2
            )
        ),
    }
    print(
        f"per draw: loop {per_loop * 1e3:.2f} ms, vectorised (1 process) {per_vec * 1e6:.1f} us: "
        f"{per_loop / per_vec:,.0f}x (2 workers: {results['loop']['ratio_2_workers']:,.0f}x)"
    )
    # (c) Sobol with ~100k evaluations
    secs, res = timed(scenario_sobol, sc, "arr_usd", 2030, n=4096, seed=0, workers=2)
    results["sobol"] = {"evaluations": res["evaluations"], "seconds": secs, "workers": 2}
    print(f"sobol: {res['evaluations']:,} evaluations in {secs:.1f} s (2 workers)")
    # (d) memory per draw: outputs, and the chain's peak while computing one chunk
    out = chain.compute(2_000, seed=3)
    out_bytes = sum(v.nbytes for v in out.values()) / 2_000
    tracemalloc.start()
    chain.compute(2_000, seed=3)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["memory"] = {"output_bytes_per_draw": out_bytes, "peak_bytes_per_draw": peak / 2_000}
    print(
        f"memory per draw: outputs {out_bytes / 1e3:.1f} kB (float64), "
        f"peak while computing a chunk {peak / 2_000 / 1e3:.1f} kB"
    )
    # (e) what the dashboard does when a knob moves: a 1,000-draw run_mc of the changed
    # scenario (after a first change has warmed the per-scenario caches); median of 5
    times = []
    for k in range(6):
        changed = aiinfra.load_scenario(sc, [f"power.grid_lead_years={4 + 0.5 * k}"])
        secs, _ = timed(run_mc, changed, 1_000, seed=4)
        times.append(secs)
    results["rerun_1000"] = {"seconds": float(np.median(times[1:])), "all_seconds": times}
    print(f"1,000-draw rerun after one change: {np.median(times[1:]) * 1e3:.0f} ms (median)")
    # (e2) the throughput-interactivity frontier: configurations evaluated per second
    from aiinfra.catalogs import get_accelerator, get_architecture
    from aiinfra.layers.frontier import frontier
    from aiinfra.layers.serving import SCENARIOS

    acc, arch = get_accelerator("B200"), get_architecture("llama-3.1-70b")
    kw = {"devices": 8, "n_in": 1024.0, "n_out": 256.0, "precisions": list(acc.native)}
    frontier(acc, arch, **kw, target=SCENARIOS["server"])  # warm-up
    secs, f = timed(
        lambda: [frontier(acc, arch, **kw, target=SCENARIOS["server"]) for _ in range(5)]
    )
    n_cfg = int(f[0]["configurations"]) * 5
    results["frontier"] = {"configurations": n_cfg, "seconds": secs, "per_s": n_cfg / secs}
    print(f"perf --frontier: {n_cfg:,} configurations in {secs:.2f} s ({n_cfg / secs:,.0f}/s)")
    # (f) what users run: the commands end to end
    sys.path.insert(0, str(HERE))
    from e2e import run_all

    print("end to end (fresh process each, wall clock, peak PSS of the process tree):")
    results["end_to_end"] = run_all(quick)
    results["date"] = time.strftime("%Y-%m-%d")
    path = HERE / "results.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        store_arg = sys.argv[4] if len(sys.argv) > 4 else None
        print(json.dumps(one_run(int(sys.argv[2]), int(sys.argv[3]), store_arg)))
    else:
        main()
