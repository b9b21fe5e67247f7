import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aiinfra
from aiinfra.layers import network


@pytest.mark.parametrize(
    ("n", "k", "tiers"),
    [(64, 64, 1), (65, 64, 2), (2048, 64, 2), (2049, 64, 3), (65536, 64, 3), (65537, 64, 4)],
)
def test_fat_tree_tiers(n, k, tiers):
    # capacity of an L-tier non-blocking fat tree of radix k: 2 (k/2)^L
    assert network.fat_tree_tiers(n, k) == tiers


def test_transceivers_per_xpu_two_and_three_tier_radix_64():
    # 800G NIC on 51.2T switches (64 x 800G): two tiers: 1 NIC-side + 1 leaf-side + 2 upper
    m2 = network.modules_per_xpu(2, 800, 800)
    assert m2["nic_side"] + m2["leaf_side"] + m2["upper"] == 4
    # three tiers add one more switch-to-switch link with a module at each end
    m3 = network.modules_per_xpu(3, 800, 800)
    assert m3["nic_side"] + m3["leaf_side"] + m3["upper"] == 6
    assert network.switches_per_xpu(2, 64) == pytest.approx(3 / 64)
    assert network.switches_per_xpu(3, 64) == pytest.approx(5 / 64)


def test_public_rules_of_thumb():
    # H100 + 400G ConnectX-7 + 51.2T, two tiers: 1 x 400G + 1.5 x 800G per GPU (FiberMall 2023)
    m = network.modules_per_xpu(network.fat_tree_tiers(4096, 51200 / 400), 400, 800)
    assert (m["nic_side"], m["leaf_side"] + m["upper"]) == (1.0, 1.5)
    # A100 + 200G HDR, three tiers: ~6 x 200G per GPU (FiberMall 2023)
    m = network.modules_per_xpu(3, 200, 200)
    assert m["nic_side"] + m["leaf_side"] + m["upper"] == 6


@settings(max_examples=40, deadline=None)
@given(extra=st.floats(1.0, 5.0), copper=st.floats(0, 1), cpo=st.floats(0, 1))
def test_more_xpus_never_fewer_transceivers(extra, copper, cpo):
    rng = np.random.default_rng(0)
    ship = rng.random((2, 3, 4)) * 1e6
    tabs = {k: rng.random((3, 4, 5)) for k in ("tier1", "upper", "extra")}
    kw = {"first_tier_copper": np.full(2, copper), "cpo_share": np.full((2, 3), cpo)}
    a = network.transceivers(shipments=ship, **tabs, **kw)
    b = network.transceivers(shipments=ship * extra, **tabs, **kw)
    assert np.all(b >= a - 1e-6)


@pytest.fixture(scope="module")
def base():
    return aiinfra.run("base")


def test_seed_figure_5_transceivers():
    base = aiinfra.run("seed-thesis")  # the scenario that states what the seed takes
    # Seed figure 5 (SemiAnalysis via WisdomTree, 2026): 800G AI transceivers 25 M (2025) ->
    # 112 M (2027), 1.6T ramping. Issue bands: 2025 in [15, 40] M, 2027 in [70, 160] M.
    t800 = base.transceivers_800g_demand  # the seed forecasts orders: demand path
    assert 15e6 <= float(t800.sel(year=2025)[0]) <= 40e6
    assert 70e6 <= float(t800.sel(year=2027)[0]) <= 160e6
    t16 = base.transceivers_demand.sel(speed="1.6T")[0]
    # 1.6T modules ramp from 2026 with ConnectX-9 NICs and 102.4T switches
    assert float(t16.sel(year=2025)) == 0
    assert float(t16.sel(year=2027)) > float(t16.sel(year=2026)) > 0
    assert 2 <= float(base.transceivers_per_xpu.sel(year=2025)[0]) <= 8


def test_network_and_power_layers_fast():
    from conftest import chain_upto_need

    from aiinfra.pipeline.stages import fleet_stage, network_stage, power_stage

    static, p, c = chain_upto_need(10_000, seed=4)
    f = fleet_stage(static, p, c.need_per_type)
    times = []
    for _ in range(4):  # the first pass warms the allocator; the best of the rest counts
        t0 = time.perf_counter()
        net = network_stage(static, p, f.shipments, f.installed_by_vintage)
        power_stage(static, p, f.installed_base, net, c.xpus_needed_by_use)
        times.append(time.perf_counter() - t0)
    # linear in the catalog's types, ~30 ms per type on a busy 2-worker CI (1.0 s at 34)
    assert min(times[1:]) < 0.03 * len(static.accelerators), times


def test_cpo_ramp_by_hand():
    share = network.cpo_share(np.array([0.4]), 2027, np.arange(2025, 2032))
    np.testing.assert_allclose(share[0], [0, 0, 0.1, 0.2, 0.3, 0.4, 0.4])


def test_watts_and_fleet_power_by_hand():
    one = np.ones((1, 1, 1))  # (year, type, speed): one module per XPU at one speed
    fabric = {"tier1": one, "upper": 2 * one, "scaleup": 0 * one, "switches": 0.5 * one}
    w = network.watts_per_xpu(
        fabric=fabric,
        module_w=np.array([10.0]),
        switch_w=np.array([1000.0]),
        first_tier_copper=np.array([0.5]),
        cpo=np.array([[1.0]]),
        frontend_modules=np.array([2.0]),
        frontend_module_w=8.0,
    )
    # 0.5 x 10 (tier 1) + 0.5 x 20 (CPO upper) + 0.5 x 1000 (switches) + 2 x 8 = 531 W
    np.testing.assert_allclose(w, [[[531.0]]])
    lp = network.modules_per_xpu_lp(fabric, np.array([0.5]), np.array([[1.0]]), np.array([2.0]))
    np.testing.assert_allclose(lp, [[[0.5 + 0.0 + 0.0 + 2.0]]])
    ship = np.full((1, 1, 1), 4.0)
    inst = np.full((1, 1, 1), 3.0)  # three of the four shipped units survive
    np.testing.assert_allclose(network.fleet_power_w(ship, w, inst), [[3 * 531.0]])
