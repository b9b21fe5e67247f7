"""The content-addressed cache of draw-independent tables (aiinfra.diskcache)."""

import numpy as np

from aiinfra import diskcache


def _tables(calls):
    calls.append(1)
    return {"rate": np.array([1.0, 2.0 / 3.0]), "ok": np.array([True, False])}


def test_hit_returns_the_same_bits(tmp_path, monkeypatch):
    monkeypatch.setenv("AIINFRA_CACHE_DIR", str(tmp_path))
    calls = []
    first = diskcache.cached_arrays("t", ("k", 1.5), lambda: _tables(calls))
    again = diskcache.cached_arrays("t", ("k", 1.5), lambda: _tables(calls))
    assert calls == [1]  # computed once
    for k in first:
        assert again[k].dtype == first[k].dtype and again[k].tobytes() == first[k].tobytes()
    diskcache.cached_arrays("t", ("k", 1.6), lambda: _tables(calls))  # another key misses
    assert calls == [1, 1]


def test_damaged_or_unwritable_cache_recomputes(tmp_path, monkeypatch):
    monkeypatch.setenv("AIINFRA_CACHE_DIR", str(tmp_path))
    calls = []
    diskcache.cached_arrays("t", "k", lambda: _tables(calls))
    (path,) = tmp_path.glob("t-*.npz")
    path.write_bytes(b"not a zip file")
    out = diskcache.cached_arrays("t", "k", lambda: _tables(calls))
    assert calls == [1, 1] and out["rate"][1] == 2.0 / 3.0
    assert np.load(path)["ok"].tolist() == [True, False]  # replaced by a good file
    monkeypatch.setenv("AIINFRA_CACHE_DIR", str(tmp_path / "file"))
    (tmp_path / "file").write_text("")  # a file where the directory should be
    assert diskcache.cached_arrays("t", "k", lambda: _tables(calls))["ok"].tolist() == [
        True,
        False,
    ]


def test_off_switch(tmp_path, monkeypatch):
    monkeypatch.setenv("AIINFRA_CACHE_DIR", "off")
    assert diskcache.cache_dir() is None
    calls = []
    diskcache.cached_arrays("t", "k", lambda: _tables(calls))
    diskcache.cached_arrays("t", "k", lambda: _tables(calls))
    assert calls == [1, 1]


def test_serving_tables_from_the_cache_are_the_computed_ones(tmp_path, monkeypatch):
    import aiinfra
    from aiinfra.pipeline import static

    sc = aiinfra.load_scenario("base", ["compute.mfu=0.6"])  # a key no other test uses
    monkeypatch.setenv("AIINFRA_CACHE_DIR", "off")
    static._serving_rates_cached.cache_clear()
    fresh = dict(static.build_static(sc).rates)
    monkeypatch.setenv("AIINFRA_CACHE_DIR", str(tmp_path))
    for _ in range(2):  # the first build writes the cache, the second reads it
        static._serving_rates_cached.cache_clear()
        cached = static.build_static(sc).rates
    assert len(list(tmp_path.glob("serving-*.npz"))) == 1
    for k, v in fresh.items():
        assert cached[k].tobytes() == v.tobytes()


def test_cache_command_lists_and_clears_only_its_files(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from aiinfra.cli import app

    monkeypatch.setenv("AIINFRA_CACHE_DIR", str(tmp_path))
    diskcache.cached_arrays("t", "k", lambda: _tables([]))
    (tmp_path / "notes.txt").write_text("mine")
    runner = CliRunner()
    res = runner.invoke(app, ["cache"])
    assert res.exit_code == 0 and "1 cached tables" in res.output
    res = runner.invoke(app, ["cache", "--clear"])
    assert res.exit_code == 0 and "removed 1 cached tables" in res.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
