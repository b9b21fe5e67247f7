import csv
import io

import numpy as np
import pytest

import aiinfra
from aiinfra.results import build_dataset, netcdf_bytes, summary_table, write_outputs
from aiinfra.variables import VARIABLES


def test_unregistered_output_rejected():
    with pytest.raises(KeyError, match="not in the variables registry"):
        build_dataset({"nope": np.zeros((1, 2))}, {"draw": [0], "year": [1, 2]})


def test_registry_covers_chain_outputs():
    ds = aiinfra.run("base")
    for name, da in ds.data_vars.items():
        var = VARIABLES[name]
        assert da.dims == var.dims
        assert da.attrs["units"] == var.units


def test_summary_quantiles():
    ds = aiinfra.run("base", draws=200, seed=2)
    rows = [r for r in summary_table(ds) if r["variable"] == "arr_usd" and r["year"] == 2030]
    (row,) = rows
    vals = ds.arr_usd.sel(year=2030).values
    assert row["p50"] == pytest.approx(np.median(vals))
    assert row["p5"] <= row["p50"] <= row["p95"]
    assert row["mean"] == pytest.approx(vals.mean())


def test_write_outputs_atomic_and_deterministic(tmp_path):
    ds = aiinfra.run("base", draws=20, seed=5)
    paths = write_outputs(ds, tmp_path / "o")
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        ".aiinfra-output",
        "results.nc",
        "summary.csv",
    ]
    first = paths["results"].read_bytes()
    write_outputs(aiinfra.run("base", draws=20, seed=5), tmp_path / "o")
    assert paths["results"].read_bytes() == first
    assert netcdf_bytes(ds) == first
    rows = list(csv.DictReader(io.StringIO(paths["summary"].read_text())))
    assert set(rows[0]) == {"variable", "unit", "category", "year", "mean", "p5", "p50", "p95"}


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    import aiinfra.results as res

    ds = aiinfra.run("base")

    def boom(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(res, "_csv_bytes", boom)
    with pytest.raises(RuntimeError):
        write_outputs(ds, tmp_path / "o")
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_point_outputs_are_the_datasets_files(tmp_path):
    # `aiinfra run` writes a point run from the arrays (no xarray): same summary, and a
    # results.nc that xarray reads back as the Dataset of the same run
    import xarray as xr

    from aiinfra.chain import Chain
    from aiinfra.results import write_point_outputs

    chain = Chain(aiinfra.load_scenario("base"))
    arrays, coords = chain.labelled(chain.compute(1, seed=3))
    attrs = chain.attrs(1, 3)
    ds = chain.dataset(chain.compute(1, seed=3), attrs)
    a = write_outputs(ds, tmp_path / "ds")
    b = write_point_outputs(arrays, coords, attrs, tmp_path / "arrays")
    assert a["summary"].read_bytes() == b["summary"].read_bytes()
    assert b["results"].read_bytes() == netcdf_bytes(ds)
    back = xr.open_dataset(b["results"], engine="scipy").load()
    xr.testing.assert_identical(back, ds)
    assert back["accelerator"].values.tolist() == list(chain.static.accelerators)
