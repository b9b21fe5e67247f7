"""Linear programme of one year: tokens/s of new XPUs under layer capacities.

For one simulated year and draw, :func:`lp_max_tokens` solves

    maximise   Σ_t r_t x_t                 (tokens/s of the new XPUs)
    subject to Σ_t a_lt x_t <= c_l         for every layer constraint l
               0 <= x_t <= u_t             (product availability)

with HiGHS (``scipy.optimize.linprog``). The dual value of each constraint is
its shadow price: tokens/s gained per extra unit of that capacity (per CoWoS
wafer, MW, EUV tool, thousand transceivers, ...). This module imports only
numpy and scipy; :func:`year_constraints` assembles the LP from the
:class:`LPInternals` the pipeline returns when asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["CONSTRAINT_UNITS", "LPInternals", "LPResult", "lp_max_tokens", "year_constraints"]


@dataclass(frozen=True)
class LPInternals:
    """Per-type tables of a solved run, for the LP of any year (all simulated years).

    Attributes
    ----------
    fab_req, fab_cap : mapping
        Per-type requirements and AI-available capacities of logic (by node),
        CoWoS, HBM and EUV (:func:`aiinfra.layers.fab.manufacturing` ``req``/``cap``).
    net_modules : ndarray, (draw, year, type)
        Optical modules one new XPU needs [modules].
    net_capacity : ndarray, (draw, year)
        Transceiver capacity [modules/yr].
    mw_avail : ndarray, (draw, year, 2)
        Energised and powered facility MW [MW].
    mw_per_unit : ndarray, (draw, year, type)
        Facility MW per installed XPU [MW].
    rate : ndarray, (draw, year, type)
        Production tokens/s per device [token/s].
    extra : ndarray, (draw, year, layer)
        Capacity the solver ordered in earlier shortages [units/yr].
    deployments : ndarray, (draw, year, type)
        XPUs energised each year [units/yr].
    mix : ndarray, (year, type)
        Deployment mix [1].
    finance : tuple of ndarray, (draw, year)
        What the financing limit leaves for XPUs [USD/yr] and the capex per XPU of
        the deployment mix [USD/unit] (:func:`aiinfra.pipeline.stages.finance_room`).
    asp_usd : ndarray, (type,)
        Price per XPU [USD]; each type's capex is the mix's in proportion to it.
    """

    fab_req: Mapping[str, np.ndarray]
    fab_cap: Mapping[str, np.ndarray]
    net_modules: np.ndarray
    net_capacity: np.ndarray
    mw_avail: np.ndarray
    mw_per_unit: np.ndarray
    rate: np.ndarray
    extra: np.ndarray
    deployments: np.ndarray
    mix: np.ndarray
    finance: tuple[np.ndarray, np.ndarray]
    asp_usd: np.ndarray


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
    from scipy.optimize import linprog  # ~0.35 s to import: only when an LP is solved

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
    "finance": ("bn USD/yr", 1e9),
    "dc": ("MW energised", 1.0),
    "power": ("MW powered", 1.0),
}


def year_constraints(
    internals: LPInternals,
    *,
    layers: Sequence[str],
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
    req, capf = internals.fab_req, internals.fab_cap
    net_req, net_cap = internals.net_modules, internals.net_capacity
    mw_avail, mw_unit = internals.mw_avail, internals.mw_per_unit
    rate = internals.rate[draw, index]
    # capacity the solver ordered in earlier shortages, in XPUs of the deployment mix
    extra = dict(zip(layers, internals.extra[draw, index], strict=True))
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
    room, per_unit = (f[draw, index] for f in internals.finance)
    asp = internals.asp_usd
    scale = CONSTRAINT_UNITS["finance"][1]
    rows.append(asp * float(per_unit) / max(float(mix @ asp), 1e-300) / scale)
    caps.append(float(room) / scale)
    names.append("finance")
    units.append(CONSTRAINT_UNITS["finance"][0])
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
