import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.layers import fab


def test_gross_dies_814_mm2():
    # Issue reference: an 814 mm² die (H100) on a 300 mm wafer gives ~63 gross dies:
    # π·150²/814 - π·300/sqrt(1628) = 86.84 - 23.36 = 63.48
    assert fab.gross_dies_per_wafer(814) == pytest.approx(63.48, abs=0.01)


def test_negative_binomial_reference():
    # (1 + 8.14·0.1/3)^-3 = 0.4867
    assert fab.yield_negative_binomial(814, 0.1, 3) == pytest.approx(0.487, abs=0.001)


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (lambda: fab.yield_poisson(100, 0.1), np.exp(-0.1)),  # 0.904837
        (lambda: fab.yield_murphy(100, 0.1), ((1 - np.exp(-0.1)) / 0.1) ** 2),  # 0.905592
        (lambda: fab.yield_negative_binomial(100, 0.1, 1e6), np.exp(-0.1)),  # α→∞ = Poisson
        (lambda: fab.yield_negative_binomial(100, 0.1, 1.0), 1 / 1.1),  # α = 1
        (lambda: fab.gross_dies_per_wafer(100), np.pi * 22500 / 100 - np.pi * 300 / np.sqrt(200)),
        (
            lambda: fab.gross_dies_per_wafer(100, edge_exclusion_mm=3),
            np.pi * 147**2 / 100 - np.pi * 294 / np.sqrt(200),
        ),
        (lambda: fab.gross_dies_per_wafer(80000), 0.0),  # larger than the wafer
        (lambda: fab.defect_density(2020, 2020, 0.5, 0.1, 2.0), 0.5),
        (lambda: fab.defect_density(2022, 2020, 0.5, 0.1, 2.0), 0.1 + 0.4 / np.e),
        (lambda: fab.defect_density(2100, 2020, 0.5, 0.1, 2.0), 0.1),
        (lambda: fab.cost_per_good_die(17000, 63.479 * 0.48666), 17000 / (63.479 * 0.48666)),
        (
            lambda: fab.hbm_dram_wafers(1000, 8, 121, die_yield=0.85, stack_yield=0.8),
            1000 * 8 / ((np.pi * 147**2 / 121 - np.pi * 294 / np.sqrt(242)) * 0.85) / 0.8,
        ),
        (lambda: fab.wfe_for_capacity(10_000, 200_000, 0.75), 1.5e9),
        (lambda: fab.wfe_for_capacity(-5_000, 200_000, 0.75), 0.0),
        (lambda: fab.euv_tools_needed(1e6, 20, 6.5e5), 1e6 * 20 / 6.5e5),
    ],
)
def test_hand_checked(func, expected):
    assert float(func()) == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_grid_count_interposers():
    # Morgan Stanley (2024) estimates ~16 B200-size CoWoS-L interposers per wafer and ~29
    # H100-size; the grid count with 3 mm edge exclusion gives 16 and ~31.
    assert fab.interposers_per_wafer(2830) == 16
    assert 27 <= fab.interposers_per_wafer(1650) <= 33
    # small dies: the grid count and the closed form agree within a few percent
    grid = fab.dies_per_wafer_grid(10, 10, edge_exclusion_mm=0)
    assert grid == pytest.approx(float(fab.gross_dies_per_wafer(100)), rel=0.04)


def test_unknown_yield_model():
    with pytest.raises(ValueError, match="known: poisson, murphy, negative_binomial"):
        fab.good_dies_per_wafer(100, 0.1, model="magic")


@settings(max_examples=60, deadline=None)
@given(
    area=st.floats(10, 2000),
    d0=st.floats(0.01, 1.0),
    k=st.floats(1.01, 3.0),
    model=st.sampled_from(list(fab.YIELD_MODELS)),
)
def test_yield_invariants(area, d0, k, model):
    f = fab.YIELD_MODELS[model]
    y = float(f(area, d0))
    assert 0 < y <= 1
    # larger dies and dirtier processes never yield better
    assert float(f(area * k, d0)) <= y + 1e-12
    assert float(f(area, d0 * k)) <= y + 1e-12
    # lower yield never lowers wafers needed for the same good dies
    assert 1 / float(fab.good_dies_per_wafer(area, d0 * k, model=model)) >= 1 / float(
        fab.good_dies_per_wafer(area, d0, model=model)
    )
    # Poisson is the most pessimistic model
    assert float(fab.yield_poisson(area, d0)) <= y + 1e-12


def test_euv_shipments_history_then_scenario():
    from aiinfra.layers import fab as fab_layer

    out = fab_layer.euv_shipments(
        years=np.array([2024, 2025, 2026, 2027]),
        low_hist=np.array([44.0, 48.0, np.nan, np.nan]),
        high_hist=np.array([1.0, 2.0, np.nan, np.nan]),
        low_per_year=np.array([50.0]),
        high_per_year=np.array([5.0]),
        high_na_from=2027,
    )
    np.testing.assert_allclose(out[0, :, 0], [44, 48, 50, 50])
    np.testing.assert_allclose(out[0, :, 1], [1, 2, 0, 5])


def test_parts_in_flight_lead_their_packages():
    # shipments 100 then 200: with parts made a quarter ahead, the first year's parts
    # serve 0.75 x 100 + 0.25 x 200 = 125 packages; the last year extrapolates x2 growth
    from aiinfra.layers.fab import in_flight

    ship = np.array([[[100.0], [200.0]]])
    out = in_flight(ship, 0.25)
    np.testing.assert_allclose(out[0, :, 0], [125.0, 0.75 * 200 + 0.25 * 400])
    np.testing.assert_allclose(in_flight(ship, 0.0), ship)
