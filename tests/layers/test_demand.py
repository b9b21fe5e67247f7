import time
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.layers import demand as dm
from aiinfra.scenario.demand import DemandSection

T = np.arange(0.0, 5.0)


def one(x):
    return np.array([float(x)])


def test_logistic_hand_values():
    # start 1, cap 10, rate ln 2: t=1 -> 10 / (1 + 9/2) = 1.81818
    out = dm.logistic(T, one(1), one(10), one(np.log(2)))
    assert out.shape == (1, 5)
    assert out[0, 0] == pytest.approx(1.0)
    assert out[0, 1] == pytest.approx(10 / 5.5)
    assert out[0, 4] == pytest.approx(10 / (1 + 9 / 16))
    assert np.all(dm.logistic(T, one(0), one(10), one(1)) == 0)


def test_capped_growth_hand_values():
    # growth 100 %/yr, half-life 1 yr: ln L = ln 2 * (1/ln 2) * (1 - 2^-t) = 1 - 2^-t
    out = dm.capped_growth(T, one(5), one(1.0), one(1.0))
    assert out[0] == pytest.approx(5 * np.exp(1 - 2.0**-T))
    # a very long half-life is plain exponential growth: 5 * 2^t
    out = dm.capped_growth(T, one(5), one(1.0), one(1e9))
    assert out[0] == pytest.approx(5 * 2.0**T, rel=1e-6)


def test_price_path():
    out = dm.price_path(T, one(10), one(0.5), one(1e9))
    assert out[0] == pytest.approx(10 * 0.5**T, rel=1e-6)
    assert np.all(np.diff(dm.price_path(T, one(10), one(0.3), one(3))[0]) < 0)


def _workload(**kw):
    d = {
        "users_2023": one(100),
        "users_cap": one(100),
        "users_growth": one(1),
        "tokens_per_user_day_2023": one(1000),
        "intensity_growth": one(0),
        "intensity_growth_halflife": one(5),
        "agentic_uplift": one(1),
        "agentic_midpoint": one(2026),
        "agentic_width": one(0.5),
        "input_share": one(0.75),
        "price_2023": one(2),
        "price_decline": one(0),
        "price_decline_halflife": one(5),
    }
    d.update({k: one(v) for k, v in kw.items()})
    return d


def _demand(**kw):
    names = ("a", "b")
    ns = dm.as_namespace(
        {
            "a": _workload(**kw),
            "b": _workload(users_2023=50, users_cap=50, price_2023=4),
            "revenue": {
                "revenue_2023": one(1e6),
                "revenue_growth_2023": one(0),
                "revenue_growth_halflife": one(1),
                "price_2023": one(1),
                "price_decline": one(0),
                "price_decline_halflife": one(1),
            },
        }
    )
    return ns, names


def test_tokens_model_hand_computed():
    ns, names = _demand()
    out = dm.tokens_model(T, ns, names)
    # a: 100 users * 1000 tok/day * 365.25 = 36.525 M tokens/yr at 2 USD/Mtok = 73.05 USD
    assert out["tokens"][0, 0, 0] == pytest.approx(36_525_000)
    assert out["revenue"][0, 0, 0] == pytest.approx(73.05)
    assert out["input_tokens"][0, 0, 0] == pytest.approx(0.75 * 36_525_000)
    # b: 50 users at 4 USD/Mtok -> same revenue as a, half the tokens
    assert out["revenue_total"][0, 0] == pytest.approx(2 * 73.05)
    assert out["tokens_total"][0, 0] == pytest.approx(1.5 * 36_525_000)


def test_adoption_step_hand_values():
    # uplift 3, midpoint mid-2025 (year 2025 = t 2 is the run rate at 2025.5), width 1/ln 3:
    # in 2025 half of the +2 -> 2.0; one width later the logistic is 3/4 -> 1 + 2 * 0.75 =
    # 2.5; a year before the midpoint 1/4 -> 1.5
    out = dm.adoption_step(T, one(3), one(2025.5), one(1 / np.log(3)))
    assert out[0, 2] == pytest.approx(2.0)
    assert out[0, 3] == pytest.approx(2.5)
    assert out[0, 1] == pytest.approx(1.5)
    assert np.all(np.diff(out[0]) > 0)
    # no uplift is exactly 1 (the default leaves every other workload bit-identical)
    assert np.all(dm.adoption_step(T, one(1), one(2025.5), one(0.3)) == 1.0)


def test_agentic_step_multiplies_tokens_not_users():
    ns, names = _demand()
    base = dm.tokens_model(T, ns, names)
    ns_up, _ = _demand(agentic_uplift=4, agentic_midpoint=2024.5, agentic_width=1e-3)
    up = dm.tokens_model(T, ns_up, names)
    # 2023 before the step, 2025 on: x4 tokens and revenue for workload a, b unchanged
    assert up["tokens"][0, 0, 0] == pytest.approx(base["tokens"][0, 0, 0])
    assert up["tokens"][0, 2:, 0] == pytest.approx(4 * base["tokens"][0, 2:, 0])
    assert up["revenue"][0, 2:, 0] == pytest.approx(4 * base["revenue"][0, 2:, 0])
    assert np.array_equal(up["users"], base["users"])
    assert np.array_equal(up["tokens"][..., 1], base["tokens"][..., 1])
    assert up["agentic_step"][0, 2:, 0] == pytest.approx(4.0)
    # the revenue route's ARR path has no step of its own: nothing to leave out when
    # fleets are built ahead
    assert np.all(dm.revenue_model(T, ns_up, names)["agentic_step"] == 1.0)


def test_revenue_model_inverts_price():
    ns, names = _demand()
    out = dm.revenue_model(T, ns, names)
    # 1e6 USD at 1 USD/Mtok = 1e12 tokens, split 2:1 by the token shares of the tokens route
    assert out["tokens_total"][0, 0] == pytest.approx(1e12)
    assert out["tokens"][0, 0, 0] == pytest.approx(2e12 / 3)
    assert out["revenue_total"][0, 0] == pytest.approx(1e6)
    # revenue shares are 1:1, so workload b's implied price is twice a's
    assert out["price"][0, 0, 1] == pytest.approx(2 * out["price"][0, 0, 0])


LABS = {
    "names": ("startup", "bigtech"),
    "startup": np.array([True, False]),
    "revenue_share": np.array([0.8, 0.2]),
    "bigtech_share": np.array([0.0, 1.0]),
    # capital raised 2022-2026 [USD/yr]
    "raised": np.array([[0.0, 2e9, 4e9, 8e9, 1e10], [0.0, 0.0, 0.0, 0.0, 0.0]]),
}


def _training(**over):
    base = {
        "frontier_run_flop_2023": one(1e25),
        "frontier_growth_2023": one(3.0),
        "frontier_growth_halflife": one(1e9),
        "other_training_multiple": one(9),
        "rd_compute_to_revenue_long": one(0.25),
        "funding_to_rd_share": one(0.5),
        "lab_funding_growth": one(1.0),  # x2 a year after 2026 ...
        "lab_funding_halflife": one(1e9),  # ... for ever
        "bigtech_rd_compute_2024": one(1e10),
        "bigtech_rd_compute_growth": one(0.0),
        "bigtech_rd_compute_halflife": one(4.0),
        "compute_price_2024": one(2.0),
        "compute_price_decline": one(0.5),
    }
    base.update(over)
    return dm.as_namespace(base)


def test_training_flop_hand_computed():
    tr = _training()
    revenue = np.full((1, len(T)), 1e10)
    out = dm.training_flop(T, tr, revenue_usd=revenue, mfu=one(0.4), goodput=one(0.5), labs=LABS)
    # t=2 (2025): start-up 0.25 x 0.8 x 1e10 = 2e9 of revenue + 0.5 x (8e9 + 4e9) / 2 = 3e9
    # of capital raised in 2025 and 2024; big tech 1e10 -> budget 1.5e10 USD
    by_lab = out["training_budget_by_lab"][0, 2]
    np.testing.assert_allclose(by_lab, [5e9, 1e10])
    assert out["training_budget_usd"][0, 2] == pytest.approx(1.5e10)
    # price 2 * 0.5 = 1 USD/h -> 1.5e10 H100e-hours = 1.5e10 * 3600 * 989e12 * 0.2 FLOP
    flop = 1.5e10 * 3600 * 989e12 * 0.2
    assert out["training_flop"][0, 2] == pytest.approx(flop)
    assert out["training_h100e_years"][0, 2] == pytest.approx(1.5e10 / (365.25 * 24))
    # runs: each lab's final runs, a tenth of its FLOP, in frontier runs (1e25 * 16)
    assert out["frontier_run_flop"][0, 2] == pytest.approx(1.6e26, rel=1e-6)
    runs = out["frontier_runs_by_lab"][0, 2]
    np.testing.assert_allclose(runs, np.array([5e9, 1e10]) / 1.5e10 * flop / 10 / 1.6e26, rtol=1e-6)
    assert out["frontier_runs"][0, 2] == pytest.approx(flop / 10 / 1.6e26, rel=1e-6)


def test_raised_capital_grows_after_the_data():
    # 1e10 in 2026 (t=3, the table's last year), then x2 a year: 2e10 in 2027, 4e10 in
    # 2028; 2023 (t=0) from the table
    out = dm.raised_capital(np.array([0.0, 3.0, 4.0, 5.0]), LABS["raised"], _training())
    np.testing.assert_allclose(out[0, :, 0], [2e9, 1e10, 2e10, 4e10])
    assert np.all(out[..., 1] == 0.0)


@settings(max_examples=50, deadline=None)
@given(
    users=st.floats(1, 1e9),
    extra=st.floats(0, 1e9),
    rate=st.floats(0.01, 3),
    growth=st.floats(0, 3),
    decline=st.floats(0, 0.9),
)
def test_more_users_more_tokens(users, extra, rate, growth, decline):
    ns1, names = _demand(
        users_2023=users,
        users_cap=users + extra,
        users_growth=rate,
        intensity_growth=growth,
        price_decline=decline,
    )
    ns2, _ = _demand(
        users_2023=users * 2,
        users_cap=(users + extra) * 2,
        users_growth=rate,
        intensity_growth=growth,
        price_decline=decline,
    )
    a = dm.tokens_model(T, ns1, names)
    b = dm.tokens_model(T, ns2, names)
    assert np.all(b["tokens"][..., 0] >= a["tokens"][..., 0])
    assert np.all(np.isfinite(a["revenue"])) and np.all(a["tokens"] >= 0)
    # users never exceed the cap and never fall below the start
    assert np.all(a["users"][..., 0] <= users + extra + 1e-6 * (users + extra))


def test_vectorised_thousand_draws_fast():
    from aiinfra.chain import Chain
    from aiinfra.scenario import load_scenario

    chain = Chain(load_scenario("base"))
    chain.compute(draws=10)  # warm-up imports
    times = []
    for _ in range(2):  # the better of two: a busy CI worker slows single runs
        t0 = time.perf_counter()
        out = chain.compute(draws=1000, seed=1)
        times.append(time.perf_counter() - t0)
    assert out["demand_tokens"].shape == (1000, 13, len(DemandSection.WORKLOADS))
    # ~0.4-0.5 s alone for the whole chain with 34 accelerator types; slack for a busy CI
    assert min(times) < 1.0, times


def test_media_model_hand_computed():
    media = SimpleNamespace(
        images_per_day_2025=np.array([1e8]),
        image_growth=np.array([0.0]),
        image_growth_halflife=np.array([4.0]),
        video_seconds_per_day_2025=np.array([1e6]),
        video_growth=np.array([1.0]),  # x2 a year at first
        video_growth_halflife=np.array([1e9]),  # ... and for ever
        flop_per_image=np.array([3e15]),
        flop_per_video_second=np.array([5e16]),
    )
    out = dm.media_model(np.array([2.0, 3.0]), media)  # 2025, 2026
    np.testing.assert_allclose(out["images"][0], 1e8 * dm.DAYS_PER_YEAR)
    np.testing.assert_allclose(out["video_seconds"][0], [1e6 * 365.25, 2e6 * 365.25])
    np.testing.assert_allclose(
        out["media_flop"][0, 0], 365.25 * (1e8 * 3e15 + 1e6 * 5e16), rtol=1e-12
    )


def test_base_search_users_follow_ai_overviews():
    # Google AI Overviews: 1 bn monthly users (Q3 2024 call), 2 bn (Q2 2025 call, Jul 2025)
    import aiinfra

    ds = aiinfra.run("base")
    users = ds.demand_users.sel(workload="search")[0]
    assert 3e8 < float(users.sel(year=2024)) < 1.2e9
    assert 1.5e9 < float(users.sel(year=2025)) < 2.6e9
    assert float(ds.revenue_usd.sel(workload="search", year=2030)[0]) == 0.0  # ad-funded
