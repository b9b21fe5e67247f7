"""A run larger than you want in memory: stream the draws to a Zarr store, then ask it.

20,000 draws of the base scenario run on 2 forked workers, each writing its chunks
straight into a Zarr store (float32, lz4). The store is then opened lazily with xarray,
like any Zarr store, to answer: in how many draws do chips wait for data-centre space or
power, and how many? (`aiinfra mc --draws 1000000 --workers 2 --store` does the same at
scale and writes the summary next to the store.)

Run: python examples/stream_to_store.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

import aiinfra
from aiinfra.montecarlo import run_mc


def main() -> None:
    base = aiinfra.load_scenario("base")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "results.zarr"
        run_mc(base, 20_000, seed=7, workers=2, store=path)
        ds = xr.open_zarr(path, consolidated=False)
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        print(f"{ds.sizes['draw']:,} draws, {len(ds.data_vars)} variables, {size / 1e6:.0f} MB")
        names = [str(b) for b in ds["binding"].values]
        print(
            f"{'year':>6} {'shipped M':>10} {'deployed M':>11} {'waiting M':>10} "
            f"{'P(chips wait)':>14} {'most often binding':>19}"
        )
        for year in (2026, 2027, 2028, 2030):
            one = ds.sel(year=year)
            waiting = one["xpus_waiting_power"].values
            share = ds["binding_share"].sel(year=year).values
            print(
                f"{year:>6} {np.median(one['shipments_total'].values) / 1e6:>10.1f} "
                f"{np.median(one['deployments_total'].values) / 1e6:>11.1f} "
                f"{np.median(waiting) / 1e6:>10.1f} {np.mean(waiting > 1e3):>14.0%} "
                f"{names[int(np.argmax(share))]:>19}"
            )


if __name__ == "__main__":
    main()
