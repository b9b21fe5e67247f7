"""Bottleneck solver: the vectorised min over layers, and an LP with shadow prices.

The vectorised solver runs inside the fleet stock-flow (every draw and year at
once): new XPUs deployed = ``min(desired, supportable by every layer)``; the
argmin is the binding layer. For one year, :func:`lp_max_tokens` solves the
linear programme

    maximise   Σ_t r_t x_t                 (tokens/s of the new XPUs)
    subject to Σ_t a_lt x_t <= c_l         for every layer constraint l
               0 <= x_t <= u_t             (product availability)

with HiGHS (``scipy.optimize.linprog``). The dual value of each constraint is
its shadow price: tokens/s gained per extra unit of that capacity (per CoWoS
wafer, MW, EUV tool, thousand transceivers, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog

__all__ = ["LAYERS", "LPResult", "deploy", "lp_max_tokens", "year_constraints"]

LAYERS = ("logic", "cowos", "hbm", "euv", "transceivers", "dc", "power")


def deploy(want: np.ndarray, supportable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised bottleneck: deployed units and binding layer index.

    Parameters
    ----------
    want : ndarray, (...)
        Units desired [units/yr].
    supportable : ndarray, (..., layer)
        Units each layer can support [units/yr].

    Returns
    -------
    deployed : ndarray, (...)
        ``min(want, min over layers)`` [units/yr].
    binding : ndarray, (...)
        Index of the binding layer; ``n_layers`` where demand binds.
    """
    limit = supportable.min(axis=-1)
    binding = np.where(limit < want, supportable.argmin(axis=-1), supportable.shape[-1])
    return np.minimum(want, limit), binding


@dataclass(frozen=True)
class LPResult:
    """Solution of :func:`lp_max_tokens`."""

    x: np.ndarray  # units of each type deployed
    tokens_per_s: float
    shadow: np.ndarray  # tokens/s per extra unit of each constraint
    slack: np.ndarray  # unused capacity of each constraint
    used: np.ndarray
    names: list[str]
    status: str


def lp_max_tokens(
    rate: np.ndarray,
    a: np.ndarray,
    cap: np.ndarray,
    upper: np.ndarray,
    names: list[str] | None = None,
) -> LPResult:
    """Maximise tokens/s of new XPUs under layer capacities (HiGHS).

    Parameters
    ----------
    rate : ndarray, (type,)
        Tokens/s one XPU of each type serves [token/s].
    a : ndarray, (constraint, type)
        Capacity one XPU of each type uses [constraint unit].
    cap : ndarray, (constraint,)
        Capacity available [constraint unit].
    upper : ndarray, (type,)
        Largest number of each type available [units].
    names : list of str, optional
        Constraint names.

    Returns
    -------
    LPResult
        Optimal units, objective, shadow prices (>= 0) and slacks.
    """
    rate = np.asarray(rate, dtype=float)
    a = np.asarray(a, dtype=float)
    cap = np.maximum(np.asarray(cap, dtype=float), 0.0)
    res = linprog(
        -rate,
        A_ub=a,
        b_ub=cap,
        bounds=list(zip(np.zeros_like(rate), np.asarray(upper, dtype=float), strict=True)),
        method="highs",
    )
    if res.status != 0:  # pragma: no cover - bounded, feasible by construction (x = 0)
        msg = f"LP failed: {res.message}"
        raise RuntimeError(msg)
    used = a @ res.x
    return LPResult(
        x=res.x,
        tokens_per_s=float(-res.fun),
        shadow=np.maximum(-res.ineqlin.marginals, 0.0),
        slack=cap - used,
        used=used,
        names=list(names) if names is not None else [f"c{i}" for i in range(len(cap))],
        status=res.message,
    )


# constraint name, unit, scale (units per LP unit)
CONSTRAINT_UNITS = {
    "cowos": ("CoWoS wafers/yr", 1.0),
    "hbm": ("DRAM wafers/yr for HBM", 1.0),
    "euv": ("EUV scanners", 1.0),
    "transceivers": ("1k transceivers/yr", 1e3),
    "dc": ("MW energised", 1.0),
    "power": ("MW powered", 1.0),
}


def year_constraints(
    internals: dict[str, Any],
    *,
    index: int,
    draw: int,
    installed: np.ndarray,
    shipments: np.ndarray,
    want: float,
    mix: np.ndarray,
    nodes: list[str],
    flex: float = 1.0,
) -> dict[str, Any]:
    """Assemble the LP for one simulated year and draw from chain internals.

    ``installed`` and ``shipments`` (type,) are that year's fleet, so the MW
    the surviving fleet already uses is netted out of data-centre and power
    capacity. Product availability is ``want · mix · (1 + flex)``.
    """
    req, capf = internals["_lp_fab"]
    net_req, net_cap = internals["_lp_net"]
    mw_avail, mw_unit = internals["_lp_mw"]
    rate = internals["_lp_rate"][draw, index]
    # capacity the solver ordered in earlier shortages, in XPUs of the deployment mix
    extra = dict(zip(LAYERS, internals["_lp_extra"][draw, index], strict=True))
    rows: list[np.ndarray] = []
    caps: list[float] = []
    names: list[str] = []
    units: list[str] = []
    logic_req = req["logic"][draw, index]  # (type, node)
    for k, node in enumerate(nodes):
        if float(mix @ logic_req[:, k]) > 0:
            rows.append(logic_req[:, k])
            more = extra["logic"] * float(mix @ logic_req[:, k])
            caps.append(float(capf["logic"][draw, index, k]) + more)
            names.append(f"logic_{node}")
            units.append(f"{node} wafers/yr")
    for key in ("cowos", "hbm", "euv"):
        rows.append(req[key][draw, index])
        caps.append(float(capf[key][draw, index]) + extra[key] * float(mix @ rows[-1]))
        names.append(key)
        units.append(CONSTRAINT_UNITS[key][0])
    scale = CONSTRAINT_UNITS["transceivers"][1]
    rows.append(net_req[draw, index] / scale)
    more = extra["transceivers"] * float(mix @ rows[-1])
    caps.append(float(net_cap[draw, index]) / scale + more)
    names.append("transceivers")
    units.append(CONSTRAINT_UNITS["transceivers"][0])
    survivors_mw = float(((installed - shipments) * mw_unit[draw, index]).sum())
    for j, key in enumerate(("dc", "power")):
        rows.append(mw_unit[draw, index])
        more = extra[key] * float(mix @ rows[-1])
        caps.append(max(float(mw_avail[draw, index, j]) + more - survivors_mw, 0.0))
        names.append(key)
        units.append(CONSTRAINT_UNITS[key][0])
    return {
        "rate": rate,
        "a": np.vstack(rows),
        "cap": np.asarray(caps),
        "upper": want * mix * (1.0 + flex),
        "names": names,
        "units": units,
    }


def bottleneck(
    scenario: Any, year: int, *, draw: int = 0, seed: int = 0, flex: float = 1.0
) -> dict[str, Any]:
    """LP shadow prices for one year of a scenario (point run by default).

    Returns the LP inputs and :class:`LPResult`, the blended revenue per
    million tokens of that year [USD/Mtok] and, priced with it, each
    constraint's shadow value [USD/yr per extra unit].
    """
    from aiinfra.catalogs import NODE_FAMILIES
    from aiinfra.chain import Chain
    from aiinfra.errors import AiinfraError
    from aiinfra.layers.compute import SECONDS_PER_YEAR

    chain = Chain(scenario)
    years = list(chain.sim_years)
    if year not in years:
        msg = f"--year: {year} is not simulated; use {years[0]} to {years[-1]}"
        raise AiinfraError(msg)
    out = chain.compute(max(draw + 1, 1), seed=seed, keep_internals=True)
    i = years.index(year)
    j = i - int(chain.years[0] - chain.sim_years[0])
    ship = out["shipments"][draw, j]
    want = float(out["shipments_desired"][draw, j])
    mix = ship / ship.sum() if ship.sum() > 0 else chain._mix[i]
    lp_in = year_constraints(
        chain.internals,
        index=i,
        draw=draw,
        installed=out["installed_base"][draw, j],
        shipments=chain.internals["_lp_deployments"][draw, i],  # this year's energised units
        want=want,
        mix=chain._mix[i],
        nodes=list(NODE_FAMILIES),
        flex=flex,
    )
    res = lp_max_tokens(
        lp_in["rate"], lp_in["a"], lp_in["cap"], lp_in["upper"], names=lp_in["names"]
    )
    price = float(out["arr_usd"][draw, j] / out["tokens_total"][draw, j] * 1e6)
    binding = int(out["binding_layer"][draw, j])
    names = [*LAYERS, "demand"]
    return {
        "year": year,
        "lp": res,
        "inputs": lp_in,
        "usd_per_mtok": price,
        "shadow_usd_per_year": res.shadow * SECONDS_PER_YEAR * price / 1e6,
        "solver_binding": names[binding],
        "shipped": float(ship.sum()),
        "deployed": float(out["deployments_total"][draw, j]),
        "waiting": float(out["xpus_waiting_power"][draw, j]),
        "desired": want,
        "mix": mix,
    }
