import json

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

import aiinfra
from aiinfra import calibrate as cal
from aiinfra.cli import app
from aiinfra.montecarlo import chunk_bounds, run_mc
from aiinfra.sensitivity import sobol_indices, tornado
from aiinfra.uncertainty import iman_conover, sample_parameters, uniform_design


def test_iman_conover_imposes_rank_correlation_and_keeps_marginals():
    rng = np.random.default_rng(0)
    u = uniform_design(4000, 3, sampler="lhs", seed=1)
    target = np.array([[1.0, 0.7, 0.0], [0.7, 1.0, -0.4], [0.0, -0.4, 1.0]])
    v = iman_conover(u, target, rng)
    rho = stats.spearmanr(v).statistic
    np.testing.assert_allclose(rho, target, atol=0.05)
    for j in range(3):  # each column is a permutation of the original one
        np.testing.assert_array_equal(np.sort(v[:, j]), np.sort(u[:, j]))


def test_scenario_correlations(base_copy):
    base_copy["uncertainty"] = {
        "correlations": [
            {"a": "demand.chat.users_growth", "b": "demand.agents.users_growth", "rho": 0.8}
        ]
    }
    sc = aiinfra.load_scenario(base_copy)
    p = sample_parameters(sc, 2000, seed=3)
    rho = stats.spearmanr(p.demand.chat.users_growth, p.demand.agents.users_growth).statistic
    assert rho == pytest.approx(0.8, abs=0.06)
    base_copy["uncertainty"]["correlations"][0]["a"] = "demand.chat.users_2023"
    with pytest.raises(aiinfra.ScenarioError, match="not a distribution"):
        aiinfra.load_scenario(base_copy)


def test_chunking_is_bit_identical():
    sc = aiinfra.load_scenario("base")
    a = run_mc(sc, 600, seed=11, chunk_size=600)
    b = run_mc(sc, 600, seed=11, chunk_size=97)
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)
    assert chunk_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]


@pytest.mark.slow
def test_dask_workers_bit_identical_results(tmp_path):
    runner = CliRunner()
    args = ["mc", "--draws", "400", "--seed", "5", "--chunk-size", "150"]
    r1 = runner.invoke(app, [*args, "--out", str(tmp_path / "one")])
    r2 = runner.invoke(app, [*args, "--workers", "2", "--out", str(tmp_path / "two")])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    one = (tmp_path / "one" / "results.nc").read_bytes()
    assert one == (tmp_path / "two" / "results.nc").read_bytes()
    head = (tmp_path / "one" / "summary.csv").read_text().splitlines()[0]
    assert head == "variable,unit,category,year,mean,p5,p25,p50,p75,p95"


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_ishigami_matches_analytic_values():
    # Ishigami & Homma (1990), a=7, b=0.1: S1 = (0.3139, 0.4424, 0); ST = (0.5576, 0.4424, 0.2437)
    ppf = [lambda u: -np.pi + 2 * np.pi * u] * 3
    res = sobol_indices(ishigami, ["x1", "x2", "x3"], n=4096, seed=1, ppfs=ppf)
    s1 = np.array([0.3139, 0.4424, 0.0])
    st = np.array([0.5576, 0.4424, 0.2437])
    assert np.all(np.abs(res["S1"] - s1) <= np.maximum(res["S1_conf"], 0.02) + 0.01)
    assert np.all(np.abs(res["ST"] - st) <= np.maximum(res["ST_conf"], 0.02) + 0.01)


def test_sobol_on_linear_toy_chain():
    # y = 2 u1 + u2 with independent U(0,1): S1 = 4/5 and 1/5, no interactions
    res = sobol_indices(lambda x: 2 * x[:, 0] + x[:, 1], ["a", "b"], n=2048, seed=2)
    np.testing.assert_allclose(res["S1"], [0.8, 0.2], atol=0.03)
    np.testing.assert_allclose(res["ST"], [0.8, 0.2], atol=0.03)


def test_tornado_ranks_swings():
    rows = tornado(aiinfra.load_scenario("base"), "arr_usd", 2030)
    swings = [abs(r["swing"]) for r in rows]
    assert swings == sorted(swings, reverse=True)
    assert rows[0]["field"].startswith("demand.")
    assert all(r["p10"] <= r["p90"] for r in rows)


def test_sensitivity_cli_json():
    res = CliRunner().invoke(
        app, ["sensitivity", "--output", "arr_usd", "--year", "2030", "--n", "32", "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    st = [r["ST"] for r in out["rows"]]
    assert st == sorted(st, reverse=True)
    bad = CliRunner().invoke(app, ["sensitivity", "--n", "100"])
    assert bad.exit_code == 2 and "--n" in bad.stderr


def test_calibration_recovers_a_known_parameter(tmp_path):
    # synthetic truth: chat intensity growth 1.15 (prior median 1.4); observations from it
    truth = aiinfra.run("base", overrides=["demand.chat.intensity_growth=1.15"])
    obs = [
        {"variable": "arr_usd", "year": y, "category": None, "rel_sigma": 0.05,
         "value": float(truth.arr_usd.sel(year=y)[0]), "source": "synthetic"}
        for y in (2025, 2026, 2027)
    ]  # fmt: skip
    sc = aiinfra.load_scenario("base")
    ds = run_mc(sc, 3000, seed=4)
    w = cal.importance_weights(cal.log_likelihood(ds, obs))
    params = sample_parameters(sc, 3000, seed=4)
    rows = cal.prior_posterior({"g": params.demand.chat.intensity_growth}, w)
    assert rows[0]["post_p5"] <= 1.15 <= rows[0]["post_p95"]
    assert rows[0]["post_p95"] - rows[0]["post_p5"] < rows[0]["prior_p95"] - rows[0]["prior_p5"]
    ess = cal.effective_sample_size(w)
    assert 1 <= ess <= 3000
    assert cal.ess_warning(5.0, 3000) is not None and cal.ess_warning(2000.0, 3000) is None


def test_calibrate_cli(tmp_path):
    res = CliRunner().invoke(app, ["calibrate", "--draws", "200", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    w = np.loadtxt(tmp_path / "weights.csv", delimiter=",", skiprows=2)  # header, columns
    assert w.shape == (200, 2) and w[:, 1].sum() == pytest.approx(1.0)
    assert (tmp_path / "weights.csv").read_text().startswith("# aiinfra weights scenario=")
    assert (tmp_path / "calibration.csv").read_text().startswith("quantity,prior_p5")


def test_mc_cli_rejects_bad_options(tmp_path):
    res = CliRunner().invoke(app, ["mc", "--draws", "0", "--sampler", "magic"])
    assert res.exit_code == 2
    assert "--draws" in res.stderr and "--sampler" in res.stderr


def test_latin_hypercube_equals_scipys_draws():
    from scipy.stats import qmc

    from aiinfra.uncertainty import latin_hypercube

    for n, d in ((1, 3), (7, 5), (200, 40)):
        a = latin_hypercube(n, d, np.random.default_rng(3))
        b = qmc.LatinHypercube(d=d, rng=np.random.default_rng(3)).random(n)
        np.testing.assert_array_equal(a, b)


def test_triangular_quantiles_match_scipy():
    from scipy import stats

    from aiinfra.distributions import _ppf_triangular

    u = np.linspace(1e-9, 1 - 1e-9, 1001)
    p = {"min": 2.0, "mode": 3.0, "max": 7.0}
    np.testing.assert_allclose(
        _ppf_triangular(u, p), stats.triang.ppf(u, 0.2, loc=2.0, scale=5.0), rtol=1e-12
    )
