"""aiinfra: an open model of the AI infrastructure stack, from tokens to watts.

>>> import aiinfra
>>> ds = aiinfra.run("base", draws=100, seed=1)
>>> ds["arr_usd"].sel(year=2030).median().item()  # doctest: +SKIP
"""

from __future__ import annotations

from aiinfra.chain import Chain, run
from aiinfra.errors import AiinfraError, ScenarioError
from aiinfra.scenario import Scenario, load_scenario
from aiinfra.version import __version__

__all__ = [
    "AiinfraError",
    "Chain",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
]
