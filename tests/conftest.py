"""Shared fixtures."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from aiinfra.scenario import shipped_scenarios


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Tests (and the CLI processes they start) use a cache of their own, never the
    user's (~/.cache/aiinfra): each test session starts cold."""
    import os

    old = os.environ.get("AIINFRA_CACHE_DIR")
    os.environ["AIINFRA_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("AIINFRA_CACHE_DIR", None)
    else:
        os.environ["AIINFRA_CACHE_DIR"] = old


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
    """Base scenario run through the demand and compute stages, to time later stages.

    Returns ``(static, params, compute)``: the scenario's Static tables, the sampled
    parameters and the :class:`~aiinfra.pipeline.ComputeOut`.
    """
    import aiinfra
    from aiinfra.pipeline import build_static
    from aiinfra.pipeline.stages import compute_stage, demand_stage
    from aiinfra.uncertainty import sample_parameters

    sc = aiinfra.load_scenario("base")
    static = build_static(sc)
    p = sample_parameters(sc, draws, seed=seed)
    return static, p, compute_stage(static, p, demand_stage(static, p))
