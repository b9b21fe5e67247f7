"""Bottleneck analysis: the LP of one year, its shadow prices and their table.

Used by ``aiinfra bottleneck``, the report and the dashboard. The vectorised
solver itself runs inside the fleet stock-flow (:mod:`aiinfra.layers.fleet`);
the LP kernel is :mod:`aiinfra.lp`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aiinfra.catalogs import NODE_FAMILIES
from aiinfra.chain import Chain
from aiinfra.errors import AiinfraError
from aiinfra.layers.compute import SECONDS_PER_YEAR
from aiinfra.layers.fleet import LAYERS
from aiinfra.lp import lp_max_tokens, year_constraints

__all__ = ["bottleneck", "constraint_rows"]


def bottleneck(
    scenario: Any, year: int, *, draw: int = 0, seed: int = 0, flex: float = 1.0
) -> dict[str, Any]:
    """LP shadow prices for one year of a scenario (point run by default).

    Returns the LP inputs and :class:`~aiinfra.lp.LPResult`, the blended revenue
    per million tokens of that year [USD/Mtok] and, priced with it, each
    constraint's shadow value [USD/yr per extra unit].
    """
    chain = Chain(scenario)
    years = [int(y) for y in chain.sim_years]
    if year not in years:
        msg = f"--year: {year} is not simulated; use {years[0]} to {years[-1]}"
        raise AiinfraError(msg)
    res = chain.solve(max(draw + 1, 1), seed=seed, lp=True)
    lp = res.lp
    assert lp is not None
    out = res.outputs()
    i = years.index(year)
    ship = out["shipments"][draw, i]
    want = float(out["shipments_desired"][draw, i])
    mix = ship / ship.sum() if ship.sum() > 0 else lp.mix[i]
    lp_in = year_constraints(
        lp,
        layers=LAYERS,
        index=i,
        draw=draw,
        installed=out["installed_base"][draw, i],
        shipments=lp.deployments[draw, i],  # this year's energised units
        want=want,
        mix=lp.mix[i],
        nodes=list(NODE_FAMILIES),
        flex=flex,
    )
    sol = lp_max_tokens(
        lp_in["rate"], lp_in["a"], lp_in["cap"], lp_in["upper"], names=lp_in["names"]
    )
    price = float(out["arr_usd"][draw, i] / out["tokens_total"][draw, i] * 1e6)
    binding = int(out["binding_layer"][draw, i])
    return {
        "year": year,
        "lp": sol,
        "inputs": lp_in,
        "usd_per_mtok": price,
        "shadow_usd_per_year": sol.shadow * SECONDS_PER_YEAR * price / 1e6,
        "solver_binding": [*LAYERS, "demand"][binding],
        "shipped": float(ship.sum()),
        "deployed": float(out["deployments_total"][draw, i]),
        "waiting": float(out["xpus_waiting_power"][draw, i]),
        "retired_early": float(out["early_retirements"][draw, i]),
        "bridge_mw": float(out["power_supply_mw"][draw, i, 1:].sum()),
        "financing_limit_usd": float(out["financing_limit_usd"][draw, i]),
        "desired": want,
        "mix": mix,
    }


def constraint_rows(b: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per LP constraint of :func:`bottleneck`'s result, most valuable first.

    Keys: ``constraint``, ``unit``, ``capacity``, ``used``, ``slack`` [constraint
    unit], ``shadow_tokens_per_s`` [token/s per unit], ``shadow_usd_per_year``
    [USD/yr per unit]. Ties (zero shadow price) sort by relative slack.
    """
    res = b["lp"]
    rows = [
        {
            "constraint": n,
            "unit": u,
            "capacity": float(c),
            "used": float(us),
            "slack": float(sl),
            "shadow_tokens_per_s": float(sh),
            "shadow_usd_per_year": float(v),
        }
        for n, u, c, us, sl, sh, v in zip(
            res.names,
            b["inputs"]["units"],
            np.asarray(b["inputs"]["cap"]),
            res.used,
            res.slack,
            res.shadow,
            b["shadow_usd_per_year"],
            strict=True,
        )
    ]
    return sorted(
        rows, key=lambda r: (-r["shadow_tokens_per_s"], r["slack"] / max(r["capacity"], 1e-30))
    )
