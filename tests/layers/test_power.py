import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aiinfra
from aiinfra import kernels
from aiinfra.layers import power


def test_gb200_nvl72_rack():
    # NVIDIA GB200 NVL72: ~120 kW per rack (shared/REFERENCES.md); 72 GPUs at 1,200 W with
    # the default host overhead 0.4 -> 120.96 kW IT; at PUE 1.2 -> 145.2 kW facility.
    it = power.it_power_w(1200.0, 0.4) * 72
    assert 120e3 <= it <= 132e3
    assert power.facility_power_w(it, 1.2) == pytest.approx(it * 1.2)
    # one year at 65 % load: Wh = W x 0.65 x 8760
    assert power.energy_wh(it, 0.65) == pytest.approx(it * 0.65 * 8760)


def test_lag_weights():
    w = kernels.lag_weights(np.array([2.3, 0.0]), 5)
    np.testing.assert_allclose(w[0], [0, 0, 0.7, 0.3, 0, 0])
    np.testing.assert_allclose(w[1], [1, 0, 0, 0, 0, 0])


def _supply(grid_lead, grid_cap=1e9, onsite=30.0):
    years = 6
    completions = np.array([[0.0, 100, 100, 100, 100, 100]])
    starts = completions.copy()  # each hall requests its grid connection when completed
    return power.power_supply(
        completions_mw=completions,
        starts_mw=starts,
        history=np.array([True] + [False] * (years - 1)),
        pipeline_mw=np.zeros(1),
        grid_lead=np.array([grid_lead]),
        grid_capacity_mw=np.full((1, years), grid_cap),
        onsite_limits_mw=np.full((1, years, 2), onsite),
        first_powered_mw=np.array([1000.0]),
    )


def test_short_grid_queue_needs_no_onsite():
    out = _supply(grid_lead=0.0)
    assert np.all(out["onsite"] == 0)
    np.testing.assert_allclose(out["grid"], [[1000, 1100, 1200, 1300, 1400, 1500]])


def test_long_grid_queue_is_bridged_on_site_then_short():
    out = _supply(grid_lead=3.0)
    # halls completed in years 1-3 wait three years for the grid; two on-site technologies
    # deliver 30 MW/yr each, so 60 MW/yr is bridged and 40 MW/yr stays unpowered
    assert out["onsite"][0, 1].sum() == pytest.approx(60.0)
    assert out["shortfall"][0, 1] == pytest.approx(40.0)
    assert out["shortfall"][0, 3] == pytest.approx(120.0)
    # year 4: the year-1 request connects; grid + on site + shortfall = built
    np.testing.assert_allclose(
        out["powered"][0] + out["shortfall"][0], 1000 + np.cumsum([0, 100, 100, 100, 100, 100])
    )
    assert out["grid"][0, 4] == pytest.approx(1100.0)


def test_dc_pipeline_history_and_lead_time():
    out = power.dc_pipeline(
        demand_mw=np.array([[10.0, 20, 40, 80, 160]]),
        history_mw=np.array([10.0, 20, np.nan, np.nan, np.nan]),
        under_construction_mw=np.array([10.0]),
        construction_lead=np.array([2.0]),
        start_capacity_mw=np.full((1, 5), 50.0),
        reserve=np.array([0.0]),
    )
    np.testing.assert_allclose(out["energised"][0, :2], [10, 20])
    assert np.all(out["starts"] <= 50.0 + 1e-9)
    # year 3 gets half of the standing pipeline; year 2's starts arrive two years later
    assert out["completions"][0, 2] == pytest.approx(5.0)
    assert out["completions"][0, 4] >= out["starts"][0, 2] - 1e-9


def test_standing_pipeline_is_front_loaded_by_phases():
    # steady starts, phases over [1, 3] years (lead 2, spread 0.5): the share still due
    # tau years on is 1 until 1 year, then falls linearly to 0 at 3 years; its integral
    # over years 1, 2, 3 ahead is 1, 0.75, 0.25 of a total 2: shares 1/2, 3/8, 1/8
    w = power.standing_pipeline(np.array([2.0, 2.0]), np.array([0.5, 0.0]), 8)
    np.testing.assert_allclose(w[0, :4], [0.5, 0.375, 0.125, 0.0], atol=1e-12)
    np.testing.assert_allclose(w[1, :3], [0.5, 0.5, 0.0], atol=1e-12)  # no phases: even


def test_phased_campuses_energise_part_of_a_start_a_year_early():
    kw = {
        "demand_mw": np.array([[10.0, 20, 40, 80, 160]]),
        "history_mw": np.array([10.0, 20, np.nan, np.nan, np.nan]),
        "under_construction_mw": np.array([0.0]),
        "construction_lead": np.array([2.0]),
        "start_capacity_mw": np.full((1, 5), 40.0),
        "reserve": np.array([0.0]),
    }
    one = power.dc_pipeline(**kw)
    phased = power.dc_pipeline(**kw, phase_spread=np.array([0.5]))
    assert one["completions"][0, 3] == pytest.approx(0.0)  # year-2 starts land in year 4
    s2 = phased["starts"][0, 2]
    assert s2 == pytest.approx(one["starts"][0, 2]) and s2 > 0
    # a quarter of them one year early, half on time (phase weights 1/4, 1/2, 1/4)
    assert phased["completions"][0, 3] == pytest.approx(0.25 * s2, rel=1e-2)


@settings(max_examples=40, deadline=None)
@given(it=st.floats(1e3, 1e9), pue=st.floats(1.0, 2.5), k=st.floats(1.0, 2.0))
def test_higher_pue_never_lowers_facility_power(it, pue, k):
    assert power.facility_power_w(it, pue * k) >= power.facility_power_w(it, pue)


@pytest.fixture(scope="module")
def base():
    return aiinfra.run("base")


def test_energy_against_iea(base):
    # IEA Energy and AI (2025): data centres ~415 TWh in 2024; band +-25 % with the non-AI
    # load as a scenario input.
    e = float(base.dc_energy_twh.sel(year=2024)[0])
    assert 0.75 * 415 <= e <= 1.25 * 415
    assert float(base.dc_energy_twh.sel(year=2030)[0]) > e


def test_seed_figures_6_and_7(base):
    # Seed figure 7: AI data-centre capacity ex-China ~16 GW (2025) -> ~60 GW (2028);
    # issue band for 2028: [45, 75] GW.
    dc = base.dc_capacity_mw.sel(region="ex_china")[0]
    assert float(dc.sel(year=2025)) == pytest.approx(16000)
    assert 45e3 <= float(dc.sel(year=2028)) <= 75e3
    # Seed figure 6: XPU capacity of LLM providers (inference well over 50 GW by 2030);
    # issue band: LLM-provider capacity 2030 > 40 GW.
    assert float(base.llm_provider_capacity_w.sel(year=2030)[0].sum()) > 40e9


def test_power_balance(base):
    demand = base.facility_power_w[0] / 1e6
    powered = base.power_supply_mw[0].sum("source") - base.power_shortfall_mw[0] * 0
    supplied = base.power_supply_mw[0].sum("source")
    # every MW needed is either supplied or reported as a deficit
    assert np.all((supplied + base.power_deficit_mw[0] + 1e-6 >= demand).values)
    assert np.all(base.power_shortfall_mw.values >= 0)
    assert np.all(powered.values >= 0)


def test_energy_against_lbnl_us_2023(base):
    # LBNL (Dec 2024): US data centres used 176 TWh in 2023, ~40-50 % of the world's; the
    # global total must exceed the US figure and stay within a plausible multiple of it.
    e = float(base.dc_energy_twh.sel(year=2023)[0])
    assert 176 < e < 176 / 0.3


def test_owner_split_adds_up(base):
    np.testing.assert_allclose(
        base.it_power_by_owner_w.sum("owner").values, base.it_power_w.values, rtol=1e-12
    )
    ann = base.dc_announced_mw[0]
    starts = base.dc_starts_mw[0]
    # announcements lead starts by the planning lead time (1 year by default)
    assert float(ann.sel(year=2026)) == pytest.approx(float(starts.sel(year=2027)))


def test_onsite_technology_slower_than_grid_is_unused():
    out = power.power_supply(
        completions_mw=np.array([[0.0, 100.0]]),
        starts_mw=np.array([[0.0, 100.0]]),
        history=np.array([True, False]),
        pipeline_mw=np.zeros(1),
        grid_lead=np.array([2.0]),
        grid_capacity_mw=np.full((1, 2), 1e9),
        onsite_limits_mw=np.full((1, 2, 2), 1e3),
        first_powered_mw=np.array([0.0]),
        onsite_lead=np.array([1.0, 4.0]),  # a 1-year engine and a 4-year turbine
    )
    assert out["onsite"][0, 1, 0] == pytest.approx(100.0)
    assert out["onsite"][0, 1, 1] == 0.0


def test_pue_path_by_hand():
    # one owner at PUE 1.5 whose overhead shrinks 10 %/yr: 1.5, 1.45, 1.405
    pue = power.pue_by_year(
        np.array([[1.5, 1.2]]), np.array([0.1]), np.arange(3.0), np.array([[1.0, 0.0]] * 3)
    )
    np.testing.assert_allclose(pue, [[1.5, 1.45, 1.405]])
    mixed = power.pue_by_year(
        np.array([[1.5, 1.1]]), np.array([0.0]), np.zeros(1), np.array([[0.5, 0.5]])
    )
    np.testing.assert_allclose(mixed, [[1.3]])


def test_mw_per_unit_by_hand():
    # 700 W TDP, 50 % host overhead, 100 W network, PUE 1.2 -> (1050 + 100) x 1.2 = 1380 W
    mw = power.mw_per_unit(
        np.array([700.0]), np.array([0.5]), np.full((1, 1, 1), 100.0), np.array([[1.2]])
    )
    np.testing.assert_allclose(mw, [[[1380e-6]]])


def test_onsite_fuel_and_co2_by_hand():
    # 1 MW all year at load 1: 8,760 MWh; 8 MMBtu/MWh; 53 kg CO2/MMBtu (EIA natural gas)
    twh, fuel, co2 = power.onsite_fuel_and_co2(
        np.ones((1, 1, 1)), np.array([1.0]), np.array([8.0]), np.array([53.0])
    )
    np.testing.assert_allclose(twh, [[[8.76e-3]]])
    np.testing.assert_allclose(fuel, [[8760 * 8.0]])
    np.testing.assert_allclose(co2, [[8760 * 8.0 * 53.0 / 1e3]])


def test_onsite_deliveries_compound_from_2025():
    d = power.onsite_deliveries_mw(
        np.array([100.0]), np.array([0.1]), np.array([2024.0, 2025.0, 2027.0]), np.array([2.0])
    )
    np.testing.assert_allclose(d[0, :, 0], [200.0, 200.0, 242.0])


def test_fleet_load_factor_by_hand():
    # 1 inference at 0.6, 3 training at 0.9, 0 other AI, 2 ramp-up at the working
    # average (0.6 + 2.7) / 4 = 0.825, 2 idle at 0.2: (0.6 + 2.7 + 1.65 + 0.4) / 8
    by_use = np.array([[[1.0, 3.0, 0.0, 2.0, 2.0]]])
    lf = power.fleet_load_factor(by_use, np.array([0.6]), np.array([0.9]), np.array([0.2]))
    assert lf[0, 0] == pytest.approx((0.6 + 2.7 + 1.65 + 0.4) / 8)


def test_ai_energy_against_iea_accelerated_servers_2024(base):
    # IEA Energy and AI (2025): accelerated servers ~15 % of ~415 TWh in 2024 (~62 TWh);
    # the fleet's year-average power at its use-weighted load: within +-35 %
    e = float(base.ai_dc_energy_twh.sel(year=2024)[0])
    assert 0.65 * 62 <= e <= 1.35 * 62
