"""Scenario schema: one pydantic model per layer, strict, with units.

A scenario is YAML (loaded with a safe loader only) or a mapping. Every
numeric field is a :func:`~aiinfra.quantity.Q` quantity: a number in the
field's canonical unit, a string with units, or a distribution. Unknown keys,
wrong types, out-of-range values and wrong dimensions are rejected with a
:class:`ScenarioError` that lists one line per problem, each naming the field.

The sections live in :mod:`.demand`, :mod:`.compute` and :mod:`.supply`, the
whole scenario in :mod:`.model`, file loading in :mod:`.loading`.
"""

from __future__ import annotations

from aiinfra.errors import ScenarioError
from aiinfra.scenario.base import MAX_YEARS, Section
from aiinfra.scenario.compute import DEFAULT_MIX, ComputeSection
from aiinfra.scenario.demand import DemandSection, HorizonSection
from aiinfra.scenario.loading import (
    MAX_SCENARIO_BYTES,
    MAX_YAML_DEPTH,
    flatten,
    load_scenario,
    parse_override,
    parse_yaml,
    raw_scenario,
    scenario_hash,
    scenario_json_schema,
    shipped_scenarios,
)
from aiinfra.scenario.model import Scenario
from aiinfra.scenario.supply import (
    OWNERS,
    EconomicsSection,
    FabSection,
    FleetSection,
    NetworkSection,
    PowerSection,
    UncertaintySection,
)

__all__ = [
    "DEFAULT_MIX",
    "MAX_SCENARIO_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YEARS",
    "OWNERS",
    "ComputeSection",
    "DemandSection",
    "EconomicsSection",
    "FabSection",
    "FleetSection",
    "HorizonSection",
    "NetworkSection",
    "PowerSection",
    "Scenario",
    "ScenarioError",
    "Section",
    "UncertaintySection",
    "flatten",
    "load_scenario",
    "parse_override",
    "parse_yaml",
    "raw_scenario",
    "scenario_hash",
    "scenario_json_schema",
    "shipped_scenarios",
]
