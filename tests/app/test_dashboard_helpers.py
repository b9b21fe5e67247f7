import pytest

import aiinfra
from aiinfra import dashboard as db
from aiinfra.distributions import Dist


def test_knobs_exist_and_cover_their_defaults():
    sc = aiinfra.load_scenario("base")
    for k in db.KNOBS:
        v = db.current_value(sc, k.path)
        assert k.low <= v <= max(k.high, v), k.path
        assert k.source


def test_recentre_keeps_the_spread():
    lognormal = Dist("lognormal", (("median", 1.0), ("sigma", 0.3)))
    assert db.recentre(lognormal, 2.0) == {"dist": "lognormal", "median": 2.0, "sigma": 0.3}
    tri = Dist("triangular", (("min", 0.35), ("mode", 0.5), ("max", 0.65)))
    moved = db.recentre(tri, 0.6)
    assert moved["mode"] == pytest.approx(0.6) and moved["max"] - moved["min"] == pytest.approx(0.3)
    assert db.recentre(4.0, 5.0) == 5.0


def test_apply_knobs_falls_back_to_a_fixed_value_outside_the_range():
    sc = aiinfra.load_scenario("base")
    # the prefix-cache hit rate is triangular(0.3, 0.5, 0.65) with a limit of 0.99: moved to
    # 0.95 the shifted max would exceed it
    moved, over = db.apply_knobs(sc, {"compute.prefix_cache_hit": 0.95})
    assert moved.compute.prefix_cache_hit == pytest.approx(0.95)
    assert over["compute.prefix_cache_hit"] == 0.95
    same, none = db.apply_knobs(sc, {"compute.prefix_cache_hit": 0.5})
    assert same == sc
    assert none == {}


def test_yaml_download_round_trips():
    sc = aiinfra.load_scenario("power-constrained")
    text = db.scenario_yaml(sc)
    import yaml

    again = aiinfra.load_scenario(yaml.safe_load(text))
    assert again == sc
