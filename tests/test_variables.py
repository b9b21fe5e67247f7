"""The variables registry: unique names, units and dims for every output."""

import numpy as np
import pytest

import aiinfra
from aiinfra.variables import DEMAND_PATH, HEADLINE, VARIABLES, register


def test_every_output_is_registered_with_units_and_dims():
    ds = aiinfra.run("base")
    for name in ds.data_vars:
        var = VARIABLES[name]
        assert var.units and var.long_name, name
        assert ds[name].dims == var.dims, name
    assert set(ds.data_vars) <= set(VARIABLES)


def test_register_refuses_duplicates_and_headline_names_exist():
    with pytest.raises(ValueError, match="already registered"):
        register("arr_usd", "USD/year", ("draw", "year"), "demand", "dup")
    for name, scale, _unit in HEADLINE:
        assert name in VARIABLES and np.isfinite(scale)
    for name in DEMAND_PATH:
        assert VARIABLES[f"{name}_demand"].units == VARIABLES[name].units
    assert VARIABLES["arr_usd"].as_dict()["dims"] == ["draw", "year"]
