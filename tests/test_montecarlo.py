"""Monte Carlo at scale: forked workers, shared memory, Zarr streaming, summaries."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import aiinfra
from aiinfra import cli
from aiinfra.arrays import dot_last, sum_last
from aiinfra.chain import Chain
from aiinfra.cli import app
from aiinfra.memory import no_hugepages, set_numpy_hugepages
from aiinfra.montecarlo import DEFAULT_CHUNK, MemorySink, ZarrSink, run_mc
from aiinfra.results import MC_QUANTILES, exact_quantiles, summary_table


@pytest.fixture(scope="module")
def base():
    return aiinfra.load_scenario("base")


@pytest.fixture(scope="module")
def in_memory(base):
    return run_mc(base, 900, seed=21, chunk_size=300)


def test_forked_workers_write_the_same_bits_into_shared_memory(base, in_memory):
    two = run_mc(base, 900, seed=21, chunk_size=250, workers=2)
    for name in in_memory.data_vars:
        np.testing.assert_array_equal(two[name].values, in_memory[name].values, err_msg=name)


def test_store_holds_the_in_memory_results_as_float32(base, in_memory, tmp_path):
    path = tmp_path / "r.zarr"
    ds = run_mc(base, 900, seed=21, chunk_size=300, workers=2, store=path)
    assert path.is_dir() and not list(tmp_path.glob(".*partial"))
    assert ds.attrs["draws"] == 900 and ds.attrs["seed"] == 21
    for name in in_memory.data_vars:
        if name == "binding_share":  # computed from the draws: identical
            np.testing.assert_array_equal(ds[name].values, in_memory[name].values)
            continue
        assert ds[name].dtype == np.float32, name
        np.testing.assert_array_equal(
            ds[name].values, in_memory[name].values.astype(np.float32), err_msg=name
        )
    again = xr.open_zarr(path, consolidated=False)  # a plain Zarr v2 store for any reader
    assert again["arr_usd"].attrs["units"] == in_memory["arr_usd"].attrs["units"]


def test_store_chunks_are_byte_identical_across_workers(base, tmp_path):
    a = tmp_path / "a.zarr"
    b = tmp_path / "b.zarr"
    run_mc(base, 500, seed=4, chunk_size=200, store=a)
    run_mc(base, 500, seed=4, chunk_size=200, store=b, workers=2)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) > 3 * 93
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_a_failed_run_leaves_no_store(base, tmp_path, monkeypatch):
    calls = {"n": 0}
    compute = Chain.compute

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # probe, first chunk, then fail
            raise RuntimeError("disk on fire")
        return compute(self, *args, **kwargs)

    monkeypatch.setattr(Chain, "compute", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_mc(base, 300, seed=1, chunk_size=100, store=tmp_path / "r.zarr")
    assert list(tmp_path.iterdir()) == []


def test_sinks_check_their_inputs(tmp_path):
    sink = MemorySink({"x": (2,)}, 5, "float32", shared=True)
    sink.write(0, 5, {"x": np.ones((5, 2))})
    assert sink.arrays["x"].dtype == np.float32 and sink.arrays["x"].sum() == 10
    z = ZarrSink(tmp_path, "float32", chunk=4, draws=10, shapes={"x": (2,)})
    with pytest.raises(ValueError, match="not one chunk"):
        z.write(2, 6, {"x": np.ones((4, 2))})
    with pytest.raises(ValueError, match="backend"):
        run_mc(aiinfra.load_scenario("base"), 10, backend="mpi")
    with pytest.raises(ValueError, match="dtype"):
        run_mc(aiinfra.load_scenario("base"), 10, dtype="float16")


def test_float32_in_memory(base, in_memory):
    ds = run_mc(base, 900, seed=21, dtype="float32")
    assert ds["arr_usd"].dtype == np.float32
    np.testing.assert_array_equal(
        ds["arr_usd"].values, in_memory["arr_usd"].values.astype(np.float32)
    )


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 60),
    cols=st.integers(1, 6),
    nan=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_exact_quantiles_equal_numpy(n, cols, nan, seed):
    x = np.random.default_rng(seed).lognormal(size=(n, 3, cols))
    if nan:
        x[n // 2, 1, 0] = np.nan
    np.testing.assert_array_equal(
        exact_quantiles(x, MC_QUANTILES), np.quantile(x, MC_QUANTILES, axis=0)
    )


def test_parallel_summary_equals_serial(in_memory):
    assert summary_table(in_memory, MC_QUANTILES, workers=2) == summary_table(
        in_memory, MC_QUANTILES
    )


@settings(max_examples=30, deadline=None)
@given(rows=st.integers(1, 40), k=st.integers(1, 30), seed=st.integers(0, 2**16))
def test_last_axis_sums_do_not_depend_on_the_number_of_rows(rows, k, seed):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(rows, 3, k)) * 1e6
    w = rng.random(k)
    full_s, full_d = sum_last(x), dot_last(x, w)
    np.testing.assert_allclose(full_s, x.sum(axis=-1), rtol=1e-13)
    for i in range(rows):  # one row at a time: the same bits
        np.testing.assert_array_equal(sum_last(x[i : i + 1]), full_s[i : i + 1])
        np.testing.assert_array_equal(dot_last(x[i : i + 1], w), full_d[i : i + 1])


def test_no_hugepages_restores_the_setting():
    before = set_numpy_hugepages(True)
    with no_hugepages():
        assert set_numpy_hugepages(False) is False  # off inside the block
    assert set_numpy_hugepages(True) is True  # restored
    if before is not None:
        set_numpy_hugepages(before)


def test_cli_store_run_and_limits(tmp_path):
    runner = CliRunner()
    out = tmp_path / "o"
    r = runner.invoke(app, ["mc", "--draws", "300", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "results.nc").exists()
    store_args = ["mc", "--draws", "300", "--store", "--workers", "2", "--chunk-size", "128"]
    r = runner.invoke(app, [*store_args, "--out", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert (out / "results.zarr").is_dir()
    assert not (out / "results.nc").exists()  # the earlier run's results are gone
    head = (out / "summary.csv").read_text().splitlines()[0]
    assert head == "variable,unit,category,year,mean,p5,p25,p50,p75,p95"
    for args, field in [
        (["--draws", "200000"], "--draws"),
        (["--backend", "mpi"], "--backend"),
        (["--dtype", "float16"], "--dtype"),
    ]:
        r = runner.invoke(app, ["mc", *args, "--out", str(tmp_path / "x")])
        assert r.exit_code == 2 and field in r.output, r.output
    assert "--store" in runner.invoke(app, ["mc", "--draws", "200000"]).output
    assert cli.MC_CHUNK == DEFAULT_CHUNK


@pytest.mark.slow
def test_dask_backend_bit_identical(base, in_memory, tmp_path):
    ds = run_mc(base, 900, seed=21, chunk_size=300, workers=2, backend="dask")
    for name in in_memory.data_vars:
        np.testing.assert_array_equal(ds[name].values, in_memory[name].values, err_msg=name)
    path = tmp_path / "d.zarr"
    st_ = run_mc(base, 900, seed=21, chunk_size=300, workers=2, backend="dask", store=path)
    np.testing.assert_array_equal(
        st_["arr_usd"].values, in_memory["arr_usd"].values.astype(np.float32)
    )


def test_sobol_evaluations_on_workers_match_one_process(base):
    from aiinfra.sensitivity import scenario_sobol

    one = scenario_sobol(base, "arr_usd", 2030, n=16, seed=3)
    two = scenario_sobol(base, "arr_usd", 2030, n=16, seed=3, workers=2)
    np.testing.assert_array_equal(one["S1"], two["S1"])
    np.testing.assert_array_equal(one["ST"], two["ST"])


def test_map_chunks_reduces_in_draw_order(base):
    from aiinfra.montecarlo import map_chunks
    from aiinfra.uncertainty import sample_parameters

    chain = Chain(base)
    params = sample_parameters(base, 700, seed=2)
    whole = chain.compute(params=params)["arr_usd"][:, -1]
    for workers in (1, 2):
        parts = map_chunks(
            chain, params, lambda out: out["arr_usd"][:, -1], 700, chunk_size=128, workers=workers
        )
        np.testing.assert_array_equal(parts, whole)


def test_mc_keeps_headline_and_inputs_summarises_everything(tmp_path):
    from aiinfra.variables import HEADLINE, VARIABLES

    runner = CliRunner()
    common = ["--draws", "1200", "--chunk-size", "300", "--seed", "2"]
    lean = runner.invoke(app, ["mc", *common, "--out", str(tmp_path / "a")])
    assert lean.exit_code == 0, lean.output
    ds = xr.open_dataset(tmp_path / "a" / "results.nc")
    assert {n for n, _, _ in HEADLINE} <= set(ds.data_vars)
    assert "firm_revenue_usd" not in ds and "demand.chat.intensity_growth" in ds
    assert ds["demand.chat.intensity_growth"].sizes["draw"] == 1200
    summary = (tmp_path / "a" / "summary.csv").read_text()
    per_draw = {n for n, v in VARIABLES.items() if v.dims[:2] == ("draw", "year")}
    assert {line.split(",")[0] for line in summary.splitlines()[1:]} == per_draw
    # the same summary with 2 workers and with the store (same seed, same chunks)
    for extra, name in ((["--workers", "2"], "b"), (["--store", "--workers", "2"], "c")):
        res = runner.invoke(app, ["mc", *common, *extra, "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        assert (tmp_path / name / "summary.csv").read_text() == summary, extra
    full = runner.invoke(app, ["mc", *common, "--keep", "all", "--out", str(tmp_path / "d")])
    assert full.exit_code == 0
    assert "firm_revenue_usd" in xr.open_dataset(tmp_path / "d" / "results.nc")
    one = runner.invoke(
        app, ["mc", *common, "--keep", "cowos_wafers", "--out", str(tmp_path / "e")]
    )
    assert one.exit_code == 0, one.output
    assert "cowos_wafers" in xr.open_dataset(tmp_path / "e" / "results.nc")
    bad = runner.invoke(app, ["mc", "--keep", "arr_us", "--out", str(tmp_path / "f")])
    assert bad.exit_code == 2 and "did you mean 'arr_usd'" in bad.output
