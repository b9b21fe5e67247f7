"""The chain: a thin facade over the pipeline for one scenario.

Like pvlib's ModelChain, :class:`Chain` picks sub-models by name
(``demand.model: tokens | revenue``) and runs the layers over all years and
draws; it holds no physics and no per-run state. The work is done by
:func:`aiinfra.pipeline.run_pipeline` on the scenario's
:class:`~aiinfra.pipeline.Static` tables. Every array carries a leading
``draw`` axis; a point run is one draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from aiinfra.catalogs import COMPANIES, NODE_FAMILIES, VENDORS
from aiinfra.layers import economics, fab
from aiinfra.layers.fleet import LAYERS
from aiinfra.pipeline import MODEL_REGISTRY, PipelineResult, Static, build_static, run_pipeline
from aiinfra.pipeline.run import NonFiniteOutputError, first_nonfinite
from aiinfra.scenario import OWNERS, DemandSection, Scenario, load_scenario
from aiinfra.uncertainty import sample_parameters
from aiinfra.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["LAYERS", "MODEL_REGISTRY", "Chain", "binding_share", "run"]


class Chain:
    """Runs one scenario through every layer, vectorised over draws.

    The draw-independent tables are built once (:attr:`static`); each call of
    :meth:`compute` or :meth:`solve` is independent of every other, so one
    instance may serve many calls (also at once, from several threads).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.static: Static = build_static(scenario)

    @property
    def accelerators(self) -> list[str]:
        """Accelerator types (the ``accelerator`` dimension)."""
        return list(self.static.accelerators)

    @property
    def years(self) -> np.ndarray:
        """Reported years (the horizon), shape (year,)."""
        return self.static.years

    @property
    def sim_years(self) -> np.ndarray:
        """Simulated years: from the first history year to the horizon end."""
        return self.static.sim_years

    def _params(self, draws: int, seed: Any, sampler: str | None, params: Any) -> Any:
        if params is not None:
            return params
        sampler = sampler or self.scenario.uncertainty.sampler
        return sample_parameters(self.scenario, draws, seed=seed, sampler=sampler)

    def solve(
        self,
        draws: int = 1,
        seed: int | np.random.Generator = 0,
        sampler: str | None = None,
        *,
        params: Any = None,
        lp: bool = False,
    ) -> PipelineResult:
        """Run the pipeline; the stage results of every simulated year.

        ``params`` (a sampled parameter tree, e.g. a slice of a larger design)
        replaces sampling; ``lp=True`` also returns the per-type LP tables.
        """
        p = self._params(draws, seed, sampler, params)
        return run_pipeline(self.static, p, lp=lp)

    def compute(
        self,
        draws: int = 1,
        seed: int | np.random.Generator = 0,
        sampler: str | None = None,
        *,
        params: Any = None,
    ) -> dict[str, np.ndarray]:
        """Run all layers; raw output arrays keyed by registry name (reported years)."""
        res = self.solve(draws, seed, sampler, params=params)
        out = res.outputs(self.static.skip)
        bad = first_nonfinite(out, self.static.years)
        if bad is not None:
            name, year, draw = bad
            msg = (
                f"output {name} is not finite in {year} (draw {draw}): the scenario's inputs "
                "lie beyond what the model can represent; narrow its extreme values"
            )
            raise NonFiniteOutputError(msg)
        return out

    def run(self, draws: int = 1, seed: int = 0, sampler: str | None = None) -> xr.Dataset:
        """Run the chain and return a labelled Dataset (dims draw, year, ...)."""
        arrays = self.compute(draws, seed, sampler)
        return self.dataset(arrays, self.attrs(draws, seed, sampler))

    def attrs(self, draws: int, seed: int, sampler: str | None = None) -> dict[str, Any]:
        """Dataset attributes describing a run."""
        return {
            "scenario": self.scenario.name,
            "draws": draws,
            "seed": seed,
            "sampler": sampler or self.scenario.uncertainty.sampler,
            "demand_model": self.scenario.demand.model,
            "compute_model": self.scenario.compute.model,
            "aiinfra_version": __version__,
        }

    def coords(self) -> dict[str, Any]:
        """Coordinates of every non-draw dimension of the outputs."""
        st = self.static
        return {
            "year": st.years,
            "workload": list(DemandSection.WORKLOADS),
            "accelerator": list(st.accelerators),
            "use": ["inference", "training", "other_ai", "ramp_up", "idle"],
            "vendor": list(VENDORS),
            "company": list(COMPANIES),
            "node": list(NODE_FAMILIES),
            "application": list(fab.WFE_APPLICATIONS),
            "layer": list(LAYERS),
            "binding": [*LAYERS, "demand"],
            "speed": list(st.net["speed_names"]),
            "switch": list(st.net["switch_names"]),
            "region": ["ex_china", "china"],
            "owner": list(OWNERS),
            "item": list(economics.CAPEX_ITEMS),
            "segment": list(economics.SEGMENTS),
            "pool": list(economics.POOLS),
            "firm": list(st.firms),
            "source": ["grid", *st.power_tech["names"]],
            "vintage": st.sim_years,
            "lab": list(st.labs["names"]),
        }

    def dataset(
        self, arrays: dict[str, np.ndarray], attrs: dict[str, Any], first_draw: int = 0
    ) -> xr.Dataset:
        """Label raw arrays (adds across-draw summaries such as ``binding_share``)."""
        from aiinfra.results import build_dataset

        return build_dataset(*self.labelled(arrays, first_draw), attrs)

    def labelled(
        self, arrays: Mapping[str, np.ndarray], first_draw: int = 0
    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """The outputs with the across-draw summaries (``binding_share``) and the
        coordinates of every dimension: what :meth:`dataset` labels."""
        out = dict(arrays)
        draws = next(iter(out.values())).shape[0]
        out["binding_share"] = binding_share(out["binding_layer"])
        return out, {"draw": np.arange(first_draw, first_draw + draws), **self.coords()}


def binding_share(binding_layer: np.ndarray) -> np.ndarray:
    """Share of draws in which each layer binds, (year, binding) [1], from the binding
    layer index (draw, year)."""
    return (binding_layer[..., None] == np.arange(len(LAYERS) + 1)).mean(axis=0)


def run(
    scenario: Scenario | str | Mapping[str, Any] = "base",
    draws: int = 1,
    seed: int = 0,
    sampler: str | None = None,
    overrides: Any = None,
) -> xr.Dataset:
    """Run a scenario (object, path, shipped name or mapping); see :class:`Chain`."""
    if not isinstance(scenario, Scenario) or overrides:
        scenario = load_scenario(scenario, overrides)
    return Chain(scenario).run(draws=draws, seed=seed, sampler=sampler)
