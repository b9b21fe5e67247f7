"""Reconcile headline claims with the physics of the chain.

Each claim (``data/claims.yaml`` or a user file) names an output variable, a
year, a comparator and a value. For every claim: the model's median and 5-95 %
band, the probability the claim holds over the (optionally calibration-
weighted) draws, and a verdict — *consistent* (holds in >= 33 % of the
weight), *tension* (5-33 %) or *inconsistent* (< 5 %). Cross-checks then
compare the physical ratios that pairs of claims imply (transceivers per XPU,
CoWoS wafers per XPU, facility kW per XPU, inference share of data-centre
capacity, tokens per ARR dollar) with the model's.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
import yaml

from aiinfra.errors import AiinfraError
from aiinfra.results import draw_values, weighted_quantile

__all__ = ["COMPARATORS", "cross_checks", "evaluate_claims", "load_claims", "verdict"]

COMPARATORS = (">", "<", "~", "ratio>", "ratio<")
CONSISTENT, TENSION = 0.33, 0.05
WORDS = {
    "en": {"consistent": "consistent", "tension": "tension", "inconsistent": "inconsistent"},
    "de": {"consistent": "konsistent", "tension": "Spannung", "inconsistent": "inkonsistent"},
}


def load_claims(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Claims from YAML (default: the seed's seven), validated."""
    if path is None:
        text = (resources.files("aiinfra") / "data" / "claims.yaml").read_text(encoding="utf-8")
        where = "claims.yaml"
    else:
        p = Path(path)
        if not p.exists():
            msg = f"--claims: file not found: {p}"
            raise AiinfraError(msg)
        if p.stat().st_size > 1_000_000:
            msg = f"--claims: {p} is larger than 1 MB"
            raise AiinfraError(msg)
        text, where = p.read_text(encoding="utf-8", errors="replace"), str(p)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        msg = f"{where}: malformed YAML: {str(exc).splitlines()[0]}"
        raise AiinfraError(msg) from None
    claims = data.get("claims") if isinstance(data, dict) else None
    if not isinstance(claims, list) or not claims:
        msg = f"{where}: expected a mapping with a non-empty 'claims' list"
        raise AiinfraError(msg)
    for i, c in enumerate(claims):
        if not isinstance(c, dict):
            msg = f"{where}: claim {i + 1} is not a mapping"
            raise AiinfraError(msg)
        for key in ("id", "variable", "year", "comparator", "value"):
            if key not in c:
                msg = f"{where}: claim {c.get('id', i + 1)} misses {key!r}"
                raise AiinfraError(msg)
        if c["comparator"] not in COMPARATORS:
            msg = (
                f"{where}: claim {c['id']}: comparator {c['comparator']!r} is not one of "
                f"{', '.join(COMPARATORS)}"
            )
            raise AiinfraError(msg)
        years = c["year"] if isinstance(c["year"], list) else [c["year"]]
        if c["comparator"].startswith("ratio") and len(years) != 2:
            msg = f"{where}: claim {c['id']}: a ratio claim needs year: [from, to]"
            raise AiinfraError(msg)
        try:  # YAML 1.1 reads 3.0e11 (no exponent sign) as text
            value = float(c["value"]) if not isinstance(c["value"], bool) else None
        except (TypeError, ValueError):
            value = None
        if value is None or not np.isfinite(value):
            msg = f"{where}: claim {c['id']}: value must be a finite number, got {c['value']!r}"
            raise AiinfraError(msg)
        c["value"] = value
    return claims


def _values(ds: xr.Dataset, claim: dict[str, Any], year: int, suffix: str = "") -> np.ndarray:
    try:
        return draw_values(ds, claim["variable"] + suffix, year, claim.get("select"))
    except KeyError as exc:
        msg = f"claim {claim['id']}: {exc.args[0]}"
        raise AiinfraError(msg) from None


def _series(ds: xr.Dataset, c: dict[str, Any], years: list[int], suffix: str = "") -> np.ndarray:
    """Per-draw values a claim is tested on (a ratio of two years for ratio claims)."""
    if c["comparator"].startswith("ratio"):
        top = _values(ds, c, years[1], suffix)
        return top / np.maximum(_values(ds, c, years[0], suffix), 1e-300)
    return _values(ds, c, years[0], suffix)


def verdict(probability: float) -> str:
    """consistent / tension / inconsistent from the probability a claim holds."""
    if probability >= CONSISTENT:
        return "consistent"
    if probability >= TENSION:
        return "tension"
    return "inconsistent"


def _wq(v: np.ndarray, w: np.ndarray, q: float) -> float:
    """Weighted quantile ``q`` of the draw values ``v`` (weights ``w``)."""
    return float(weighted_quantile(v, w, (q,))[0])


def evaluate_claims(
    ds: xr.Dataset,
    claims: list[dict[str, Any]],
    weights: np.ndarray | None = None,
    lang: str = "en",
) -> list[dict[str, Any]]:
    """Model band, probability and verdict for every claim."""
    n = ds.sizes["draw"]
    w = np.full(n, 1.0 / n) if weights is None else np.asarray(weights) / np.sum(weights)
    out = []
    for c in claims:
        years = c["year"] if isinstance(c["year"], list) else [c["year"]]
        comp = c["comparator"]

        v = _series(ds, c, years)
        target = float(c["value"])
        tol = float(c.get("tolerance", 0.2))
        holds = {
            ">": v > target,
            "<": v < target,
            "ratio>": v > target,
            "ratio<": v < target,
            "~": np.abs(v / target - 1.0) <= tol,
        }[comp]
        prob = float(np.sum(w * holds))
        med = _wq(v, w, 0.5)
        kind = verdict(prob)
        text = c.get(f"text_{lang}") or c.get("text_en") or c["id"]
        claim_txt = f"{comp} {target:.4g}" + (f" (±{tol:.0%})" if comp == "~" else "")
        reason = (
            f"model median {med:.3g} vs claim {claim_txt}: holds in {prob:.0%} of draws"
            if lang == "en"
            else f"Modell-Median {med:.3g} gegenüber Aussage {claim_txt}: "
            f"erfüllt in {prob:.0%} der Ziehungen"
        )
        demand_median = None
        if f"{c['variable']}_demand" in ds:
            demand_median = _wq(_series(ds, c, years, "_demand"), w, 0.5)
            reason += (
                f"; demand path (orders before the bottleneck solver) {demand_median:.3g}"
                if lang == "en"
                else f"; Nachfragepfad (Bestellungen vor dem Engpass-Löser) {demand_median:.3g}"
            )
        out.append(
            {
                "id": c["id"],
                "text": text,
                "model_median_demand_path": demand_median,
                "variable": c["variable"],
                "year": years if len(years) > 1 else years[0],
                "comparator": comp,
                "value": target,
                "unit": c.get("unit", ""),
                "model_median": med,
                "model_p5": _wq(v, w, 0.05),
                "model_p95": _wq(v, w, 0.95),
                "probability": prob,
                "verdict": kind,
                "verdict_label": WORDS.get(lang, WORDS["en"])[kind],
                "reason": reason,
                "source": c.get("source", ""),
            }
        )
    return out


def _band(v: np.ndarray) -> dict[str, float]:
    return {
        "median": float(np.median(v)),
        "p5": float(np.quantile(v, 0.05)),
        "p95": float(np.quantile(v, 0.95)),
    }


CHECK_NAMES: dict[str, dict[str, str]] = {
    "trx_per_xpu": {
        "en": "800G transceivers per XPU (fig 5 / fig 2)",
        "de": "800G-Transceiver je XPU (Abb. 5 / Abb. 2)",
    },
    "cowos_per_xpu": {
        "en": "growth of CoWoS wafers per XPU 2023-2027 (fig 4 / fig 2)",
        "de": "Wachstum der CoWoS-Wafer je XPU 2023–2027 (Abb. 4 / Abb. 2)",
    },
    "kw_per_xpu": {
        "en": "facility kW per added XPU (fig 7 / fig 2)",
        "de": "Anlagen-kW je zusätzlicher XPU (Abb. 7 / Abb. 2)",
    },
    "inference_share": {
        "en": "inference share of AI IT capacity in 2030 (fig 6 / fig 7)",
        "de": "Inferenzanteil der KI-IT-Kapazität 2030 (Abb. 6 / Abb. 7)",
    },
    "w_per_tps": {
        "en": "inference watts per token/s (fig 6 / fig 1)",
        "de": "Inferenz-Watt je Token/s (Abb. 6 / Abb. 1)",
    },
}


def _check(key: str, claimed: float, model: np.ndarray, unit: str, note: str) -> dict[str, Any]:
    band = _band(model)
    lo, hi = band["p5"], band["p95"]
    factor = claimed / band["median"] if band["median"] else float("inf")
    inside = lo <= claimed <= hi or 1 / 1.15 <= factor <= 1.15
    kind = "consistent" if inside else ("tension" if 0.5 <= factor <= 2.0 else "inconsistent")
    return {
        "id": key,
        "name": CHECK_NAMES[key]["en"],
        "name_de": CHECK_NAMES[key]["de"],
        "claimed_ratio": claimed,
        "model_ratio": band,
        "unit": unit,
        "verdict": kind,
        "reason": f"{note}: claims imply {claimed:.3g} {unit}, the chain gives "
        f"{band['median']:.3g} ({lo:.3g}-{hi:.3g})",
    }


def cross_checks(ds: xr.Dataset, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Physical ratios implied by pairs of the seed's claims vs the chain's.

    Uses the seed claims by id when present (fig2, fig4, fig5, fig6, fig7, fig1).
    """
    by_id = {c["id"]: c for c in claims}
    out = []
    ship = by_id.get("fig2-xpu-shipments-2027")
    trx = by_id.get("fig5-800g-2027")
    if ship and trx:
        model = ds["transceivers_800g_demand"].sel(year=2027) / ds["shipments_total_demand"].sel(
            year=2027
        )
        out.append(
            _check(
                "trx_per_xpu",
                trx["value"] / ship["value"],
                model.values,
                "per XPU",
                "800G modules shipped per XPU deployed in 2027",
            )
        )
    cowos = by_id.get("fig4-cowos-growth")
    if cowos and ship:
        c = ds["cowos_wafers_total_demand"]
        s = ds["shipments_total_demand"]
        model = (c.sel(year=2027) / s.sel(year=2027)) / (c.sel(year=2023) / s.sel(year=2023))
        seed_ship_growth = ship["value"] / float(s.sel(year=2023).median())
        out.append(
            _check(
                "cowos_per_xpu",
                cowos["value"] / seed_ship_growth,
                model.values,
                "x",
                "CoWoS wafers per XPU (bigger packages)",
            )
        )
    dc = by_id.get("fig7-dc-ex-china-2028")
    if dc and ship:
        added_mw = dc["value"] - float(ds["dc_capacity_mw"].sel(year=2025, region="ex_china")[0])
        # seed shipments 2026-2028 taken as >= the 2027 figure each year
        seed_units = 3 * ship["value"]
        fac = ds["facility_power_w"]
        inst = ds["installed_total"]
        model = (fac.sel(year=2028) - fac.sel(year=2025)) / (
            inst.sel(year=2028) - inst.sel(year=2025)
        )
        out.append(
            _check(
                "kw_per_xpu",
                added_mw * 1e3 / seed_units,
                model.values / 1e3,
                "kW per XPU",
                "data-centre MW added ex-China 2025-2028 per XPU shipped 2026-2028",
            )
        )
    inf = by_id.get("fig6-llm-inference-2030")
    if inf and dc:
        model = ds["llm_provider_capacity_w"].sel(year=2030, use="inference") / (
            ds["facility_power_w"].sel(year=2030) / ds["pue"].sel(year=2030)
        )
        out.append(
            _check(
                "inference_share",
                inf["value"] / (dc["value"] * 1e6 / 1.2),
                model.values,
                "share",
                "LLM-provider inference IT power over all AI IT power",
            )
        )
    arr = by_id.get("fig1-arr-2030")
    if arr and inf:
        tokens = ds["tokens_total"].sel(year=2030)
        price = ds["arr_usd"].sel(year=2030) / tokens  # USD per token
        model_w_per_tps = ds["llm_provider_capacity_w"].sel(year=2030, use="inference") / (
            tokens / (365.25 * 86400)
        )
        claimed_tokens = arr["value"] / float(price.median())
        claimed_w_per_tps = inf["value"] / (claimed_tokens / (365.25 * 86400))
        out.append(
            _check(
                "w_per_tps",
                claimed_w_per_tps,
                model_w_per_tps.values,
                "W per token/s",
                "inference power per token served, with ARR turned into tokens at the "
                "model's price",
            )
        )
    return out
