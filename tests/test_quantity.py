"""Quantity fields: units converted with pint, bounds enforced, distributions kept."""

import pytest
from pydantic import BaseModel, ValidationError

from aiinfra.distributions import Dist
from aiinfra.quantity import Q, point


class M(BaseModel):
    power: Q("W")
    share: Q("1", le=1.0) = 0.5


def test_units_convert_to_the_canonical_unit():
    assert M(power="1.2 kW").power == pytest.approx(1200.0)
    assert M(power=5).power == 5.0


def test_bounds_and_dimensions_are_enforced():
    with pytest.raises(ValidationError):
        M(power=-1)
    with pytest.raises(ValidationError):
        M(power=1, share=1.5)
    with pytest.raises(ValidationError):
        M(power="3 MWh")  # an energy is not a power


def test_distributions_have_a_point_value():
    m = M(power={"dist": "lognormal", "median": 100.0, "p90": 200.0})
    assert isinstance(m.power, Dist)
    assert point(m.power) == pytest.approx(100.0)
    assert point(3) == 3.0
