import pytest

from aiinfra.distributions import Dist
from aiinfra.scenario import ScenarioError, load_scenario, parse_override


def problems(exc: pytest.ExceptionInfo) -> str:
    return "\n".join(exc.value.lines())


def test_base_loads_with_defaults():
    sc = load_scenario("base")
    assert sc.years[0] == 2023 and sc.years[-1] == 2035
    assert sc.demand.model == "tokens"
    assert isinstance(sc.demand.chat.users_cap, Dist)


def test_horizon_defaults(base_copy):
    base_copy.pop("horizon")
    assert load_scenario(base_copy).years == list(range(2023, 2036))


def test_units_are_converted(base_copy):
    base_copy["demand"]["chat"]["price_2023"] = "2.7e-6 USD/token"
    base_copy["demand"]["chat"]["intensity_growth"] = "80 %"
    base_copy["demand"]["revenue"]["revenue_2023"] = "2 BUSD/year"
    sc = load_scenario(base_copy)
    assert sc.demand.chat.price_2023 == pytest.approx(2.7)
    assert sc.demand.chat.intensity_growth == pytest.approx(0.8)
    assert sc.demand.revenue.revenue_2023 == pytest.approx(2e9)


def test_distribution_values_may_carry_units(base_copy):
    base_copy["demand"]["chat"]["price_2023"] = {
        "dist": "lognormal",
        "median": "2 USD/Mtok",
        "p90": "4e-6 USD/token",
    }
    d = load_scenario(base_copy).demand.chat.price_2023
    assert d.point() == pytest.approx(2.0)
    assert d.ppf([0.9])[0] == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("path", "value", "field", "fragment"),
    [
        (["demand", "chat", "userz_2023"], 1, "demand.chat.userz_2023", "unknown key"),
        (["demand", "chat", "price_2023"], "1.2 kW", "demand.chat.price_2023", "USD/Mtok"),
        (["demand", "chat", "users_2023"], -5, "demand.chat.users_2023", "out of range"),
        (["demand", "chat", "users_growth"], -0.5, "demand.chat.users_growth", "> 0"),
        (["demand", "chat", "input_share"], 1.5, "demand.chat.input_share", "<= 1"),
        (["demand", "chat", "price_decline"], 1.0, "demand.chat.price_decline", "< 1"),
        (["demand", "chat", "users_2023"], "many", "demand.chat.users_2023", "cannot parse"),
        (["demand", "chat", "users_2023"], [1, 2], "demand.chat.users_2023", "list"),
        (["demand", "model"], "magic", "demand.model", "tokens"),
        (["horizon", "end"], 2020, "horizon", "must be after start"),
        (["horizon", "start"], "2023", "horizon.start", "integer"),
        (["horizon", "end"], 2300, "horizon.end", "2100"),
        (["demand", "chat", "users_cap"], 10, "demand.chat", "users_cap"),
        (
            ["demand", "chat", "price_decline"],
            {"dist": "uniform", "min": 0.5, "max": 1.2},
            "demand.chat.price_decline",
            "leaves the allowed range",
        ),
        (
            ["demand", "chat", "users_2023"],
            {"dist": "lognormal", "median": 1e8, "p90": 1e7},
            "demand.chat.users_2023",
            "greater than median",
        ),
        (["network", "radix"], 64, "network.radix", "unknown key"),
        (["demand", "coding"], None, "demand.coding", "valid dictionary"),
    ],
)
def test_invalid_fields_name_the_field(base_copy, path, value, field, fragment):
    node = base_copy
    for p in path[:-1]:
        node = node.setdefault(p, {})
    node[path[-1]] = value
    with pytest.raises(ScenarioError) as exc:
        load_scenario(base_copy)
    text = problems(exc)
    assert text.startswith(field), text
    assert fragment in text, text
    assert "\n" not in exc.value.lines()[0]


def test_missing_required_section(base_copy):
    del base_copy["demand"]["agents"]
    with pytest.raises(ScenarioError, match=r"demand\.agents: required field is missing"):
        load_scenario(base_copy)


def test_several_problems_are_all_reported(base_copy):
    base_copy["demand"]["chat"]["users_2023"] = -1
    base_copy["demand"]["coding"]["bogus"] = 1
    with pytest.raises(ScenarioError) as exc:
        load_scenario(base_copy)
    assert len(exc.value.lines()) == 2


def test_overrides():
    sc = load_scenario("base", ["demand.chat.users_2023=1e8", "demand.model=revenue"])
    assert sc.demand.chat.users_2023 == 1e8
    assert sc.demand.model == "revenue"
    sc = load_scenario("base", ["demand.chat.users_2023={dist: uniform, min: 1e8, max: 2e8}"])
    assert sc.demand.chat.users_2023.kind == "uniform"
    sc = load_scenario("base", ["demand.chat.price_2023=3 USD/Mtok"])
    assert sc.demand.chat.price_2023 == 3.0


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("demand.chat.users_2023", "must look like"),
        ("demand..x=1", "dotted field path"),
        ("demand.chat.users_2023=-4", "out of range"),
        ("demand.chat.nope=1", "unknown key"),
        ("demand.model.sub=1", "is a value, not a section"),
        ("demand.chat.price_2023=3 W", "USD/Mtok"),
    ],
)
def test_bad_overrides(override, fragment):
    with pytest.raises(ScenarioError) as exc:
        load_scenario("base", [override])
    assert fragment in problems(exc)


def test_parse_override_numbers():
    assert parse_override("a.b=1e8") == (["a", "b"], 1e8)
    assert parse_override("a.b=3") == (["a", "b"], 3)
    assert parse_override("a.b=lhs") == (["a", "b"], "lhs")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("demand: [1, 2", "malformed YAML at line"),
        ("- 1\n- 2\n", "must be a mapping"),
        ("a: &x [1]\nb: *x\n", "aliases"),
        ("demand: !!python/object/apply:os.system ['echo hi']\n", "malformed YAML"),
        ("x: \x00", "NUL"),
    ],
)
def test_bad_yaml(write_yaml, text, fragment):
    path = write_yaml(text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert fragment in problems(exc)


def test_missing_file_and_binary(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "nope.yaml")
    bad = tmp_path / "bin.yaml"
    bad.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="directory"):
        load_scenario(tmp_path)


def test_unknown_shipped_name():
    with pytest.raises(ScenarioError, match="no shipped scenario"):
        load_scenario("does-not-exist")


def test_round_trip_through_dump(base_dict):
    sc = load_scenario(base_dict)
    again = load_scenario(sc.model_dump(mode="json"))
    assert again == sc


def test_typed_params_match_the_schema_and_the_sampled_tree():
    # aiinfra/scenario/params.py is generated from the schema: it must be current
    from pathlib import Path

    from aiinfra.reference import params_module
    from aiinfra.scenario import params as typed
    from aiinfra.uncertainty import sample_parameters

    path = Path(typed.__file__)
    assert path.read_text(encoding="utf-8") == params_module(), (
        "regenerate with: python -m aiinfra.reference params"
    )
    p = sample_parameters(load_scenario("base"), 3, seed=1)

    def check(ns, proto):
        for name, kind in proto.__annotations__.items():
            assert hasattr(ns, name), f"{proto.__name__}.{name}"
            sub = getattr(typed, kind, None) if isinstance(kind, str) else None
            if sub is not None:
                check(getattr(ns, name), sub)
            elif kind == "np.ndarray":
                assert getattr(ns, name).shape == (3,), f"{proto.__name__}.{name}"

    check(p, typed.ScenarioParams)
