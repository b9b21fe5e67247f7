"""The NetCDF-3 writer (aiinfra.netcdf) against scipy's reader and xarray."""

import io

import numpy as np
import pytest
import scipy.io
import xarray as xr

from aiinfra.netcdf import netcdf_bytes


def _dataset() -> xr.Dataset:
    rng = np.random.default_rng(0)
    return xr.Dataset(
        {
            "x": (("draw", "year", "firm"), rng.normal(size=(3, 4, 2)), {"units": "USD"}),
            "y": (("year",), rng.normal(size=4).astype(np.float32), {"long_name": "ü, °C"}),
            "n": (("firm",), np.array([7, -3])),
        },
        coords={"draw": [0, 1, 2], "year": [2023, 2024, 2025, 2026], "firm": ["a", "Büro"]},
        attrs={"scenario": "base", "draws": 3, "weight": 0.5},
    )


def _encode(ds: xr.Dataset) -> bytes:
    items = [(str(k), v.dims, v.values, dict(v.attrs)) for k, v in ds.variables.items()]
    return netcdf_bytes(items, ds.attrs)


def test_xarray_reads_back_the_dataset():
    ds = _dataset()
    raw = _encode(ds)
    back = xr.open_dataset(io.BytesIO(raw), engine="scipy").load()
    xr.testing.assert_identical(back, ds)
    assert back["y"].dtype == np.float32
    # and it is what xarray's own scipy writer would store, read back the same way
    ref = xr.open_dataset(io.BytesIO(bytes(ds.to_netcdf(engine="scipy"))), engine="scipy")
    xr.testing.assert_identical(back, ref.load())


def test_scipy_reads_the_classic_format():
    raw = _encode(_dataset())
    f = scipy.io.netcdf_file(io.BytesIO(raw), "r", mmap=False)
    assert f.version_byte == 2  # 64-bit offsets
    assert f.variables["x"].dimensions == ("draw", "year", "firm")
    assert f.variables["firm"].dimensions == ("firm", "string5")
    assert f.variables["x"]._attributes["units"] == b"USD"
    assert np.isnan(f.variables["x"]._attributes["_FillValue"])
    assert f.variables["n"].typecode() == "i"
    assert int(f._attributes["draws"]) == 3
    np.testing.assert_array_equal(f.variables["x"][:], _dataset()["x"].values)


def test_deterministic_and_checked():
    assert _encode(_dataset()) == _encode(_dataset())
    with pytest.raises(ValueError, match="int32"):
        netcdf_bytes([("big", ("i",), np.array([2**40]), {})])
    with pytest.raises(ValueError, match="dimension 'i'"):
        netcdf_bytes([("a", ("i",), np.zeros(2), {}), ("b", ("i",), np.zeros(3), {})])
