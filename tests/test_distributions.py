import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiinfra.distributions import Z90, parse_dist


def conv(v):
    return float(v)


def test_lognormal_from_p90():
    d = parse_dist({"dist": "lognormal", "median": 2.0, "p90": 4.0}, conv)
    # sigma = ln(p90/median) / z_0.9 = ln 2 / 1.28155 = 0.540862
    assert d.get("sigma") == pytest.approx(np.log(2) / 1.2815515655446004)
    assert d.point() == 2.0
    assert d.ppf(np.array([0.5, 0.9])) == pytest.approx([2.0, 4.0])


def test_normal_p90_and_mean():
    d = parse_dist({"dist": "normal", "mean": 10.0, "p90": 10.0 + Z90 * 2}, conv)
    assert d.get("sd") == pytest.approx(2.0)
    assert d.ppf(np.array([0.5]))[0] == pytest.approx(10.0)


def test_triangular_and_pert_quantiles():
    tri = parse_dist({"dist": "triangular", "min": 0, "mode": 0, "max": 1}, conv)
    # CDF of a right triangle on [0, 1] with mode 0: F(x) = 1 - (1 - x)^2 -> median = 1 - sqrt(0.5)
    assert tri.ppf(np.array([0.5]))[0] == pytest.approx(1 - np.sqrt(0.5))
    pert = parse_dist({"dist": "pert", "min": 0, "mode": 0.5, "max": 1}, conv)
    # symmetric PERT: Beta(3, 3) on [0, 1], median 0.5
    assert pert.ppf(np.array([0.5]))[0] == pytest.approx(0.5)
    assert pert.point() == 0.5
    uni = parse_dist({"dist": "uniform", "min": 2, "max": 4}, conv)
    assert uni.point() == 3.0
    assert uni.ppf(np.array([0.25]))[0] == pytest.approx(2.5)


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        ({"dist": "lognormal", "median": 2.0, "p90": 1.0}, "greater than median"),
        ({"dist": "lognormal", "median": 2.0, "sigma": -1}, "sigma must be > 0"),
        ({"dist": "lognormal", "median": 2.0}, "exactly one of p90 or sigma"),
        ({"dist": "lognormal", "median": -2.0, "p90": 3}, "median must be > 0"),
        ({"dist": "normal", "mean": 1.0, "sd": 0}, "sd must be > 0"),
        ({"dist": "triangular", "min": 2, "mode": 1, "max": 3}, "min <= mode <= max"),
        ({"dist": "uniform", "min": 3, "max": 3}, "min < max"),
        ({"dist": "gamma", "k": 1}, "unknown distribution"),
        ({"dist": "uniform", "min": 1, "max": 2, "mode": 1}, "does not take mode"),
        ({"dist": "pert", "min": 1, "max": 2}, "needs mode"),
    ],
)
def test_bad_distributions(raw, match):
    with pytest.raises(ValueError, match=match):
        parse_dist(raw, conv)


@given(
    lo=st.floats(-1e6, 1e6),
    width=st.floats(1e-3, 1e6),
    frac=st.floats(0, 1),
    kind=st.sampled_from(["triangular", "pert"]),
)
def test_bounded_ppf_monotone_and_in_support(lo, width, frac, kind):
    d = parse_dist({"dist": kind, "min": lo, "mode": lo + frac * width, "max": lo + width}, conv)
    u = np.linspace(0.001, 0.999, 50)
    x = d.ppf(u)
    assert np.all(np.diff(x) >= -1e-9 * width)
    assert np.all(x >= lo - 1e-9 * width)
    assert np.all(x <= lo + width + 1e-9 * width)


@pytest.mark.parametrize(
    "raw",
    [
        {"dist": "lognormal", "median": 3.0, "p90": 5.0},
        {"dist": "normal", "mean": -2.0, "sd": 0.5},
        {"dist": "triangular", "min": 1.0, "mode": 2.0, "max": 4.0},
        {"dist": "uniform", "min": 1.0, "max": 4.0},
        {"dist": "pert", "min": 1.0, "mode": 1.5, "max": 4.0},
    ],
)
def test_extremes_are_the_ppf_at_eps(raw):
    # validation checks a distribution's extreme draws without importing scipy
    from scipy.special import ndtri

    from aiinfra.distributions import Z_EPS

    eps = float(np.finfo(float).eps)
    assert Z_EPS == ndtri(eps) == -ndtri(1.0 - eps)
    d = parse_dist(raw, conv)
    tails = d.ppf(np.array([eps, 1.0 - eps]))
    if raw["dist"] in ("lognormal", "normal"):
        np.testing.assert_allclose(d.extremes(), tails, rtol=1e-9)
    else:  # bounded kinds: their bounds, which the design's extreme draws stay inside
        lo, hi = d.extremes()
        assert (lo, hi) == d.support() and lo <= tails[0] <= tails[1] <= hi
