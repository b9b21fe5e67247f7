"""The chain: wires the layers for one scenario over all years and draws.

Like pvlib's ModelChain, sub-models are picked by name from registries
(``demand.model: tokens | revenue``); the chain holds no physics. Every array
carries a leading ``draw`` axis; a point run is one draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from aiinfra import __version__
from aiinfra.catalogs import accelerators, get_accelerator, get_architecture
from aiinfra.errors import ScenarioError
from aiinfra.layers import compute, demand
from aiinfra.quantity import point
from aiinfra.results import build_dataset
from aiinfra.scenario import DemandSection, Scenario, load_scenario
from aiinfra.uncertainty import sample_parameters

__all__ = ["MODEL_REGISTRY", "Chain", "run"]

# layer -> {name: function}; unknown names are rejected with the known list.
MODEL_REGISTRY: dict[str, Mapping[str, Callable[..., Any]]] = {
    "demand": demand.MODELS,
    "compute": compute.MODELS,
}


def resolve_model(layer: str, name: str) -> Callable[..., Any]:
    """Look up sub-model ``name`` of ``layer``; clear error if unknown."""
    models = MODEL_REGISTRY[layer]
    if name not in models:
        msg = f"unknown {layer} model {name!r}; known models: {', '.join(sorted(models))}"
        raise ScenarioError([(f"{layer}.model", msg)])
    return models[name]


@dataclass
class Chain:
    """Runs one scenario through every layer, vectorised over draws."""

    scenario: Scenario
    models: dict[str, Any] = field(init=False)
    accelerators: list[str] = field(init=False)
    rates: dict[str, np.ndarray] | None = field(init=False)

    def __post_init__(self) -> None:
        sc = self.scenario
        self.models = {
            "demand": resolve_model("demand", sc.demand.model),
            "compute": resolve_model("compute", sc.compute.model),
        }
        self.accelerators = list(accelerators())
        self.rates = self._serving_rates() if self.models["compute"] == "roofline" else None

    def _serving_rates(self) -> dict[str, np.ndarray]:
        """Roofline rates per accelerator x workload (draw-independent, computed once)."""
        c = self.scenario.compute
        shapes = [getattr(c.shapes, w) for w in DemandSection.WORKLOADS]
        try:
            return compute.serving_tables(
                [get_accelerator(a) for a in self.accelerators],
                get_architecture(c.serving_model),
                n_in=np.array([point(s.input_tokens) for s in shapes]),
                n_out=np.array([point(s.output_tokens) for s in shapes]),
                precision=c.precision,
                efficiency=compute.Efficiency(c.mfu, c.mbu),
                tpot_slo_s=c.tpot_slo_s,
            )
        except ValueError as exc:
            raise ScenarioError([("compute.serving_model", str(exc))]) from None

    @property
    def years(self) -> np.ndarray:
        """Simulated years, shape (year,)."""
        return np.asarray(self.scenario.years)

    def compute(
        self, draws: int = 1, seed: int | np.random.Generator = 0, sampler: str | None = None
    ) -> dict[str, np.ndarray]:
        """Run all layers; return raw output arrays keyed by registry name."""
        p = sample_parameters(
            self.scenario, draws, seed=seed, sampler=sampler or self.scenario.uncertainty.sampler
        )
        t = (self.years - demand.BASE_YEAR).astype(float)
        workloads = DemandSection.WORKLOADS
        d = self.models["demand"](t, p.demand, workloads)
        tr = demand.training_flop(t, p.demand.training)
        c = self.scenario.compute
        accs = [get_accelerator(a) for a in self.accelerators]
        h100 = get_accelerator("H100-SXM").peak("fp8")
        req = compute.requirements(
            t,
            input_tokens=d["input_tokens"],
            output_tokens=d["output_tokens"],
            training_flop=tr["training_flop"],
            p=p.compute,
            lifetime=p.fleet.lifetime_years,
            rates=self.rates,
            mix=compute.mix_table(c.mix, self.accelerators, self.years),
            train_flops=np.array([a.peak(c.training_precision) for a in accs]),
            software_eff=np.array([a.software_efficiency for a in accs]),
            h100e=np.array([a.peak("fp8") / h100 for a in accs]),
        )
        return {
            "xpus_needed": req["xpus_by_type"],
            "xpus_needed_by_workload": req["xpus_by_workload"],
            "xpus_needed_by_use": req["xpus_by_use"],
            "xpus_needed_total": req["xpus_total"],
            "h100e_needed": req["h100e_total"],
            "shipments_needed": req["shipments_needed"],
            "shipments_needed_h100e": req["shipments_needed_h100e"],
            "token_rate_needed": req["token_rate_needed"],
            "demand_users": d["users"],
            "demand_tokens": d["tokens"],
            "demand_input_tokens": d["input_tokens"],
            "demand_output_tokens": d["output_tokens"],
            "token_price": d["price"],
            "revenue_usd": d["revenue"],
            "tokens_total": d["tokens_total"],
            "arr_usd": d["revenue_total"],
            "training_flop": tr["training_flop"],
            "frontier_run_flop": tr["frontier_run_flop"],
            "frontier_runs": tr["frontier_runs"],
        }

    def run(self, draws: int = 1, seed: int = 0, sampler: str | None = None) -> xr.Dataset:
        """Run the chain and return a labelled Dataset (dims draw, year, ...)."""
        arrays = self.compute(draws, seed, sampler)
        coords = {
            "draw": np.arange(draws),
            "year": self.years,
            "workload": list(DemandSection.WORKLOADS),
            "accelerator": self.accelerators,
            "use": ["inference", "training", "other_ai"],
        }
        attrs = {
            "scenario": self.scenario.name,
            "draws": draws,
            "seed": seed,
            "sampler": sampler or self.scenario.uncertainty.sampler,
            "demand_model": self.scenario.demand.model,
            "compute_model": self.scenario.compute.model,
            "aiinfra_version": __version__,
        }
        return build_dataset(arrays, coords, attrs)


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
