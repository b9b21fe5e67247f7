"""aiinfra: an open model of the AI infrastructure stack, from tokens to watts.

>>> import aiinfra
>>> ds = aiinfra.run("base", draws=100, seed=1)
>>> ds["arr_usd"].sel(year=2030).median().item()  # doctest: +SKIP

The public names are imported on first use (PEP 562), so ``import aiinfra`` and the
CLI's start-up stay fast; the chain pulls in numpy, scipy and xarray when it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiinfra.version import __version__

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from aiinfra.chain import Chain, run
    from aiinfra.errors import AiinfraError, ScenarioError
    from aiinfra.scenario import Scenario, load_scenario

__all__ = [
    "AiinfraError",
    "Chain",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
]

_LAZY = {
    "Chain": "aiinfra.chain",
    "run": "aiinfra.chain",
    "AiinfraError": "aiinfra.errors",
    "ScenarioError": "aiinfra.errors",
    "Scenario": "aiinfra.scenario",
    "load_scenario": "aiinfra.scenario",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    msg = f"module 'aiinfra' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(__all__)
