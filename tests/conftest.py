"""Shared fixtures."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from aiinfra.scenario import shipped_scenarios


@pytest.fixture(scope="session")
def base_dict() -> dict:
    """The shipped base scenario as a plain mapping (copy before mutating)."""
    return yaml.safe_load(shipped_scenarios()["base"].read_text())


@pytest.fixture
def base_copy(base_dict: dict) -> dict:
    """A mutable deep copy of the base scenario mapping."""
    return copy.deepcopy(base_dict)


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a mapping or text to a YAML file and return its path."""

    def _write(content: dict | str, name: str = "s.yaml") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content)
        path.write_text(text)
        return path

    return _write


def chain_upto_need(draws: int, seed: int):
    """Base chain run through demand and compute for timing the later layers.

    Returns ``(chain, params, years, need, out)`` where ``out`` holds the outputs so far.
    """
    import aiinfra
    from aiinfra.chain import Chain
    from aiinfra.uncertainty import sample_parameters

    ch = Chain(aiinfra.load_scenario("base"))
    p = sample_parameters(ch.scenario, draws, seed=seed)
    years = ch.sim_years
    t = (years - years[0]).astype(float)
    out: dict = {}
    need = ch._compute(t, p, ch._demand(t, p, out), out)
    return ch, p, years, need, out
