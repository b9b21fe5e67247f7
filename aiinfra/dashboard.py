"""Pure helpers for the dashboard (no Streamlit import): knobs, overrides, runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
import yaml

from aiinfra.distributions import Dist
from aiinfra.montecarlo import run_mc
from aiinfra.quantity import point
from aiinfra.results import draw_values
from aiinfra.scenario import Scenario, load_scenario

__all__ = [
    "KNOBS",
    "MAX_DASHBOARD_DRAWS",
    "MAX_UPLOAD_BYTES",
    "Knob",
    "apply_knobs",
    "headline",
    "run_cached",
    "scenario_yaml",
]

MAX_DASHBOARD_DRAWS = 5_000
MAX_UPLOAD_BYTES = 200_000


@dataclass(frozen=True)
class Knob:
    """A slider: the field it moves, its range and where its default comes from."""

    path: str
    label: str
    unit: str
    low: float
    high: float
    source: str
    label_de: str = ""

    def title(self, lang: str) -> str:
        """Label in ``lang`` (English where no German label is given)."""
        return self.label_de if lang == "de" and self.label_de else self.label


# The most influential inputs by Sobol/tornado ranking of ARR, shipments and data-centre MW
# in the base scenario (`aiinfra sensitivity`), plus the supply levers of the seed thesis.
KNOBS = [
    Knob(
        "demand.chat.intensity_growth",
        "chat tokens/user growth",
        "1/yr",
        0.3,
        3.0,
        "ChatGPT prompts/day, Google tokens/month (demand_history.csv)",
        label_de="Wachstum Chat-Tokens je Nutzer",
    ),
    Knob(
        "demand.coding.intensity_growth",
        "coding tokens/user growth",
        "1/yr",
        0.5,
        5.0,
        "agentic coding adoption; assumption",
        label_de="Wachstum Coding-Tokens je Nutzer",
    ),
    Knob(
        "demand.enterprise_api.intensity_growth",
        "API tokens/user growth",
        "1/yr",
        0.3,
        3.0,
        "OpenAI API 6 B tokens/min (DevDay 2025)",
        label_de="Wachstum API-Tokens je Nutzer",
    ),
    Knob(
        "demand.chat.price_decline",
        "chat price decline",
        "1/yr",
        0.05,
        0.6,
        "API list prices 2023-2025",
        label_de="Preisrückgang Chat",
    ),
    Knob(
        "demand.training.frontier_growth_2023",
        "frontier compute growth",
        "1/yr",
        1.0,
        5.0,
        "Epoch AI: 4-5x per year",
        label_de="Wachstum Frontier-Rechenaufwand",
    ),
    Knob(
        "demand.training.lab_funding_growth",
        "growth of capital raised by labs (2026)",
        "1/yr",
        0.0,
        2.0,
        "late-2025 funding rounds of OpenAI, Anthropic, xAI",
        label_de="Wachstum des Kapitals der KI-Labore (2026)",
    ),
    Knob(
        "compute.production_efficiency",
        "production vs roofline",
        "share",
        0.05,
        1.0,
        "DeepSeek open-infra-index; OpenAI 2024 economics",
        label_de="Produktion gegenüber Roofline",
    ),
    Knob(
        "compute.headroom",
        "serving headroom over peak",
        "x",
        1.0,
        2.0,
        "assumption (SRE practice)",
        label_de="Reserve über Spitzenlast",
    ),
    Knob(
        "fleet.lifetime_years",
        "XPU service life",
        "yr",
        3.0,
        8.0,
        "assumption",
        label_de="XPU-Nutzungsdauer",
    ),
    Knob(
        "power.grid_lead_years",
        "grid queue",
        "yr",
        1.0,
        8.0,
        "LBNL Queued Up (2024)",
        label_de="Netzanschluss-Warteschlange",
    ),
    Knob(
        "power.dc_start_capacity_2026",
        "DC starts 2026",
        "MW/yr",
        5e3,
        8e4,
        "announced campuses; assumption",
        label_de="RZ-Baubeginne 2026",
    ),
    Knob(
        "fab.cowos_capacity_scale",
        "CoWoS vs plan",
        "x",
        0.3,
        2.0,
        "TrendForce capacity plans",
        label_de="CoWoS gegenüber Plan",
    ),
]


def current_value(scenario: Scenario, path: str) -> float:
    """Point value (median/mode) of a field."""
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return float(point(node))


def recentre(value: Any, target: float) -> Any:
    """Move a field to ``target`` keeping its uncertainty: a distribution is shifted
    (normal, triangular, uniform, pert) or rescaled (lognormal); a number is replaced."""
    if not isinstance(value, Dist):
        return target
    p = dict(value.params)
    if value.kind == "lognormal":
        return {"dist": "lognormal", "median": target, "sigma": p["sigma"]}
    if value.kind == "normal":
        return {"dist": "normal", "mean": target, "sd": p["sd"]}
    shift = target - value.point()
    out: dict[str, Any] = {"dist": value.kind}
    for k, v in p.items():
        out[k] = v + shift if k in ("min", "mode", "max") else v
    if value.kind in ("triangular", "uniform", "pert") and out["min"] < 0 <= value.get("min"):
        return target  # the shifted range would leave the allowed values: drop the spread
    return out


def overrides_for(scenario: Scenario, knobs: dict[str, float]) -> dict[str, Any]:
    """Overrides that move each knob to its slider value."""
    out = {}
    for path, target in knobs.items():
        node: Any = scenario
        for part in path.split("."):
            node = getattr(node, part)
        if abs(float(point(node)) - target) > 1e-12 * max(1.0, abs(target)):
            out[path] = recentre(node, target)
    return out


def apply_knobs(scenario: Scenario, knobs: dict[str, float]) -> tuple[Scenario, dict[str, Any]]:
    """The scenario with every knob moved; falls back to a fixed value where a shifted
    distribution would leave a field's allowed range."""
    from aiinfra.errors import ScenarioError

    over = overrides_for(scenario, knobs)
    for _ in range(len(over) + 1):
        try:
            return load_scenario(scenario, over), over
        except ScenarioError as exc:
            bad = {loc for loc, _ in exc.problems}
            fixable = [k for k in over if k in bad and isinstance(over[k], dict)]
            if not fixable:
                raise
            for k in fixable:
                over[k] = knobs[k]
    return load_scenario(scenario, over), over


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as YAML that round-trips through ``aiinfra run``."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def run_cached(scenario_text: str, draws: int, seed: int) -> xr.Dataset:
    """Run a scenario given as YAML text, knobs already applied (the app caches this)."""
    sc = load_scenario(yaml.safe_load(scenario_text))
    return run_mc(sc, min(draws, MAX_DASHBOARD_DRAWS), seed=seed)


HEADLINE_VARS = [
    ("arr_usd", 1e-9, "bn USD", 2030),
    ("shipments_total", 1e-6, "M XPUs", 2027),
    ("dc_capacity_mw", 1e-3, "GW", 2028),
    ("tokens_served_share", 100.0, "%", 2030),
    ("capex_total_usd", 1e-9, "bn USD", 2027),
    ("dc_energy_twh", 1.0, "TWh", 2030),
]


def headline(ds: xr.Dataset) -> list[dict[str, Any]]:
    """Median of the headline variables (one year each)."""
    rows = []
    for name, scale, unit, year in HEADLINE_VARS:
        values = draw_values(ds, name, year)
        rows.append(
            {
                "variable": name,
                "year": year,
                "unit": unit,
                "median": float(np.median(values)) * scale,
            }
        )
    return rows
