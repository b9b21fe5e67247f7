import pytest

from aiinfra.units import to_canonical


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("1.2 kW", "W", 1200.0),
        ("0.5 USD/Mtok", "USD/Mtok", 0.5),
        ("5e-7 USD/token", "USD/Mtok", 0.5),
        ("20 %", "", 0.2),
        ("3 GW", "MW", 3000.0),
        ("2 year", "year", 2.0),
        ("24 month", "year", 2.0),
        ("1e9 USD/year", "USD/year", 1e9),
        ("1 BUSD/year", "USD/year", 1e9),
        ("4000 token/day", "token/day", 4000.0),
        (7, "W", 7.0),
        ("7", "W", 7.0),
        ("1e8", "user", 1e8),
    ],
)
def test_conversion(value, unit, expected):
    assert to_canonical(value, unit) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "unit", "match"),
    [
        ("1.2 kW", "USD/Mtok", "is a power; this field needs a price per million tokens"),
        ("3 m", "W", "is a length; this field needs a power such as W"),
        ("banana", "W", "cannot parse"),
        ("", "W", "empty"),
        (float("nan"), "W", "not finite"),
        ("inf", "W", "not finite"),
        (True, "W", "boolean"),
        ([1], "W", "expected a number"),
    ],
)
def test_bad_quantities(value, unit, match):
    with pytest.raises(ValueError, match=match):
        to_canonical(value, unit)
