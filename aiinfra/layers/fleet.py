"""Fleet layer: shipments, installed base by vintage, retirements.

A stock-flow model run year by year (vectorised over draws):

* survivors of earlier vintages follow a Weibull survival curve with mean
  ``lifetime`` (shape :data:`WEIBULL_SHAPE`);
* history years take shipments from ``data/shipments_history.csv``;
* later years ship what the need requires beyond the survivors, in the
  deployment mix of that year. A fleet ``{E_t}`` covers the year's work when
  ``Σ_t E_t / N_t >= 1``, where ``N_t`` is the number of type-t devices that
  would do all the work alone (from the compute layer), so the new units are
  ``x = max(0, 1 - Σ_t S_t/N_t) / Σ_t m_t/N_t``.

The fleet that history built is larger than the physics of tokens and
training requires (build-ahead, immature serving stacks, non-LLM work). The
ratio at the last history year, the *fleet gap*, is measured per draw and
decays towards 1 with a half-life, so shipments continue smoothly from history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import gamma

from aiinfra.arrays import dot_last, sum_last
from aiinfra.layers.power import lag_weights
from aiinfra.solve import deploy

__all__ = ["WEIBULL_SHAPE", "Supply", "stock_flow", "survival"]

WEIBULL_SHAPE = 3.0
MAX_LAG = 10


@dataclass(frozen=True)
class Supply:
    """What every layer can supply, for the bottleneck solver.

    Attributes
    ----------
    flow : ndarray, (draw, year, flow layer)
        New XPUs per year each manufacturing/network layer can support [units/yr].
    mw : ndarray, (draw, year, MW layer)
        Facility MW available (data-centre shells energised, powered) [MW].
    mw_per_unit : ndarray, (draw, year, type)
        Facility MW one installed XPU of each type uses [MW].
    lead : ndarray, (draw, layer)
        Years for extra capacity ordered in a shortage to arrive [yr].
    response : ndarray, (draw,)
        Share of a layer's shortage that is ordered as extra capacity [1].
    backlog_decay : ndarray, (draw,)
        Share of unmet demand cancelled each year [1].
    orders : ndarray, (draw, year)
        XPUs the demand path would ship (new orders each year) [units/yr].
    max_waiting : ndarray, (draw,)
        Largest stock of shipped XPUs buyers hold waiting for data-centre space or
        power, in years of what can be energised [yr].
    """

    flow: np.ndarray
    mw: np.ndarray
    mw_per_unit: np.ndarray
    lead: np.ndarray
    response: np.ndarray
    backlog_decay: np.ndarray
    orders: np.ndarray
    max_waiting: np.ndarray


def survival(age: Any, lifetime: Any, shape: float = WEIBULL_SHAPE) -> np.ndarray:
    """Share of units still in service at ``age`` years [1].

    Weibull survival ``exp(-(age/λ)^k)`` with scale ``λ = lifetime / Γ(1 + 1/k)``
    so that the mean service life equals ``lifetime`` [yr].
    """
    a = np.maximum(np.asarray(age, dtype=float), 0.0)
    lam = np.asarray(lifetime, dtype=float) / gamma(1.0 + 1.0 / shape)
    return np.exp(-np.power(a / lam, shape))


def stock_flow(
    *,
    years: np.ndarray,
    history: np.ndarray,
    initial: np.ndarray,
    initial_age: float,
    need: np.ndarray,
    mix: np.ndarray,
    lifetime: np.ndarray,
    gap_halflife: np.ndarray,
    supply: Supply | None = None,
) -> dict[str, np.ndarray]:
    """Shipments and installed base by type, year by year.

    Without ``supply`` every year ships what the need requires (the demand
    path). With ``supply`` it is the bottleneck solver: each modelled year ships
    ``min(desired, supportable by every layer)``, where desired is the year's
    new orders (what the demand path ships) plus the surviving backlog; the
    argmin is the binding layer, the rest becomes backlog, and each shortage
    orders extra capacity that arrives after the layer's lead time.

    Parameters
    ----------
    years : ndarray, (year,)
        Simulated calendar years.
    history : ndarray, (year, type)
        Historical shipments [units/yr]; NaN rows are modelled years.
    initial : ndarray, (type,)
        Installed base before the first year [units], of mean age ``initial_age`` [yr].
    need : ndarray, (draw, year, type)
        Devices of each type that would do all of a year's work alone [units].
    mix : ndarray, (year, type)
        Deployment mix of new shipments [1].
    lifetime : ndarray, (draw,)
        Mean service life [yr].
    gap_halflife : ndarray, (draw,)
        Half-life of the fleet gap after the last history year [yr].

    Returns
    -------
    dict of ndarray
        ``shipments`` and ``installed`` (draw, year, type) [units/yr, units];
        ``vintage`` (draw, year, vintage) installed units by shipment year;
        ``retirements`` (draw, year) [units/yr]; ``gap`` (draw, year) [1];
        ``coverage`` (draw, year): share of the year's gap-adjusted need the
        installed fleet can serve (>1 means spare capacity) [1]. With
        ``supply`` also ``desired`` and ``backlog`` (draw, year) [units/yr],
        ``supportable`` (draw, year, layer) [units/yr] and ``binding`` (draw,
        year): index of the binding layer, ``n_layers`` when demand binds.
    """
    n_draw, n_year, n_type = need.shape
    lt = lifetime[:, None]
    # year-major inside the loop: each year's (draw, type) slice is contiguous
    ship = np.zeros((n_year, n_draw, n_type))
    dep = ship  # deployments: the shipments themselves unless chips wait for power
    inst = np.zeros_like(ship)
    need = np.ascontiguousarray(need.transpose(1, 0, 2))
    vint = np.zeros((n_draw, n_year, n_year))
    gap = np.ones((n_draw, n_year))
    cover = np.ones((n_draw, n_year))
    retire = np.zeros((n_draw, n_year))
    hist_rows = ~np.isnan(history).any(axis=1)
    last_hist = int(np.flatnonzero(hist_rows).max()) if hist_rows.any() else -1
    gap0 = np.ones(n_draw)
    prev_total = np.full(n_draw, initial.sum())
    if supply is not None:
        n_flow = supply.flow.shape[-1]
        n_layer = n_flow + supply.mw.shape[-1]
        # (lag, draw, layer): share of an order for layer k arriving after each lag
        lags = np.stack([lag_weights(supply.lead[:, k], MAX_LAG).T for k in range(n_layer)], -1)
        extra = np.zeros((n_year + MAX_LAG + 1, n_draw, n_layer))  # year-major
        sup_out = np.zeros((n_draw, n_year, n_layer))
        desired = np.zeros((n_draw, n_year))
        backlog = np.zeros((n_draw, n_year))
        binding = np.full((n_draw, n_year), float(n_layer))
        carried = np.zeros(n_draw)
        dep = np.zeros_like(ship)
        inv = np.zeros((n_draw, n_type))  # shipped, not yet energised, by type
        inventory = np.zeros((n_draw, n_year))
    # survival by age, computed once: vintages shipped mid-year, the initial stock older
    s_age = survival(np.arange(n_year + 1) + 0.5, lt)  # (draw, age)
    s_init = survival(np.arange(n_year) + initial_age + 1.0, lt)  # (draw, year)
    ship_tot = np.zeros((n_draw, n_year))
    for i in range(n_year):
        # survivors at the end of year i: initial stock plus earlier vintages
        surv = initial[None, :] * s_init[:, i, None]
        if i:
            s = s_age[:, i - np.arange(i)]  # (draw, vintage)
            vint[:, i, :i] = ship_tot[:, :i] * s
            older = dep[0] * s[:, 0, None]
            for v in range(1, i):  # the same order as a sum over the vintage axis
                older += dep[v] * s[:, v, None]
            surv = surv + older
        if i > last_hist:
            gap[:, i] = 1.0 + (gap0 - 1.0) * np.exp2(-(i - last_hist) / gap_halflife)
        eff_need = need[i] * gap[:, i, None]
        if hist_rows[i]:
            ship[i] = history[i][None, :]
            x = sum_last(ship[i])
        else:
            covered = (surv / eff_need).sum(axis=-1)
            per_unit = (mix[i][None, :] / eff_need).sum(axis=-1)
            # new units, grossed up for attrition in their first half year
            x = np.maximum(0.0, 1.0 - covered) / per_unit / survival(0.5, lifetime)
        if supply is not None:
            # buyers net the chips they already hold but cannot power yet out of new orders
            want = x if hist_rows[i] else np.maximum(supply.orders[:, i] + carried - inv.sum(-1), 0)
            mw_unit = supply.mw_per_unit[:, i]  # (draw, type)
            new_mw = dot_last(mix[i][None, :], mw_unit)
            free_mw = supply.mw[:, i] + extra[i, :, n_flow:] * new_mw[:, None]
            free_mw = free_mw - dot_last(surv, mw_unit)[:, None]
            sup = np.concatenate(
                [
                    supply.flow[:, i] + extra[i, :, :n_flow],
                    np.maximum(free_mw, 0) / new_mw[:, None],
                ],
                axis=-1,
            )
            sup_out[:, i] = sup
            desired[:, i] = want
            if hist_rows[i]:
                binding[:, i] = deploy(want, sup)[1]
                ship[i] = dep[i] = x[:, None] * mix[i][None, :]
            else:
                # vendors ship what is ordered and can be made; data centres and power then
                # energise what they can of it plus the chips waiting from earlier years
                mw_units = sup[:, n_flow:].min(axis=-1)
                mw_bind = n_flow + sup[:, n_flow:].argmin(axis=-1)
                # buyers stop taking chips once the stock waiting for power would exceed
                # max_waiting years of what can be energised
                room = np.maximum(mw_units * (1.0 + supply.max_waiting) - sum_last(inv), 0.0)
                x, ship_bind = deploy(want, np.concatenate([sup[:, :n_flow], room[:, None]], -1))
                ship_bind = np.where(ship_bind == n_flow, mw_bind, ship_bind)  # room: MW
                ship[i] = x[:, None] * mix[i][None, :]
                avail = inv + ship[i]
                avail_tot = sum_last(avail)
                energised = np.minimum(avail_tot, mw_units)
                share = np.where(avail_tot > 0, energised / np.maximum(avail_tot, 1e-300), 1.0)
                dep[i] = avail * share[:, None]
                inv = avail - dep[i]
                inventory[:, i] = sum_last(inv)
                # binding: the MW layer when chips wait, else what limited shipments
                binding[:, i] = np.where(
                    energised < avail_tot * (1 - 1e-12),
                    mw_bind,
                    np.where(x < want, ship_bind, float(n_layer)),
                )
                carried = (want - x) * (1.0 - supply.backlog_decay)
                backlog[:, i] = want - x
                gap_l = np.maximum(want[:, None] - sup, 0.0) * supply.response[:, None]
                extra[i + 1 : i + 2 + MAX_LAG] += gap_l[None] * lags
        elif not hist_rows[i]:
            ship[i] = x[:, None] * mix[i][None, :]
        inst[i] = surv + dep[i] * s_age[:, :1]
        ship_tot[:, i] = sum_last(dep[i])
        vint[:, i, i] = ship_tot[:, i] * s_age[:, 0]
        cover[:, i] = (inst[i] / eff_need).sum(axis=-1)
        retire[:, i] = np.maximum(prev_total + sum_last(dep[i]) - sum_last(inst[i]), 0)
        prev_total = sum_last(inst[i])
        if hist_rows[i]:  # history: the gap is what the built fleet exceeds the physics by
            gap[:, i] = np.maximum(cover[:, i], 1.0)
            cover[:, i] = cover[:, i] / gap[:, i]
            gap0 = gap[:, i]
    out = {
        "shipments": np.ascontiguousarray(ship.transpose(1, 0, 2)),
        "installed": np.ascontiguousarray(inst.transpose(1, 0, 2)),
        "vintage": vint,
        "retirements": retire,
        "gap": gap,
        "coverage": cover,
    }
    if supply is not None:
        out.update(
            deployments=np.ascontiguousarray(dep.transpose(1, 0, 2)),
            inventory=inventory,
            desired=desired,
            backlog=backlog,
            supportable=sup_out,
            binding=binding,
            extra=np.ascontiguousarray(extra[:n_year].transpose(1, 0, 2)),
        )
    return out
