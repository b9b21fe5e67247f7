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

No residual is fitted: in history years the installed fleet is what was
shipped, and ``coverage`` (installed / need) says how well the physics of
tokens, training and other AI explains it; later years ship what the need
requires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from aiinfra.arrays import dot_last, sum_last
from aiinfra.kernels import deploy, lag_weights

__all__ = [
    "LAYERS",
    "NO_RESPONSE",
    "WEIBULL_SHAPE",
    "Supply",
    "smooth_cuts",
    "stock_flow",
    "survival",
]

# The layers the bottleneck solver checks, in the order of Supply.flow then Supply.mw;
# "finance" is the capex the builders can pay for (no extra capacity is ordered for it).
LAYERS = ("logic", "cowos", "hbm", "euv", "transceivers", "finance", "dc", "power")
NO_RESPONSE = ("finance",)

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
        Share of a layer's shortage that is ordered as extra capacity [1] (none for
        the layers in :data:`NO_RESPONSE`).
    backlog_decay : ndarray, (draw,)
        Share of unmet demand cancelled each year [1].
    orders : ndarray, (draw, year)
        XPUs the demand path would ship (new orders each year) [units/yr].
    inventory_target : ndarray, (draw,)
        Stock of shipped XPUs buyers hold without cutting orders (in transit, bring-up,
        waiting for a hall), in years of what can be energised [yr]; the stock above it
        is netted out of new orders over ``order_cut_years``.
    order_cut_years : ndarray, (draw,)
        Time constant of netting excess inventory out of new orders [yr].
    work_per_unit : ndarray, (type,), optional
        Work one XPU of each type does (H100 equivalents) [1]; with ``retire_ratio``
        it sets economic retirement.
    retire_ratio : ndarray, (draw,), optional
        When data-centre space or power binds, surviving XPUs whose work per MW is
        below ``1 / retire_ratio`` of the new mix's are retired early to free MW for
        new ones [1]; None: no early retirement.
    """

    flow: np.ndarray
    mw: np.ndarray
    mw_per_unit: np.ndarray
    lead: np.ndarray
    response: np.ndarray
    backlog_decay: np.ndarray
    orders: np.ndarray
    inventory_target: np.ndarray
    order_cut_years: np.ndarray
    work_per_unit: np.ndarray | None = None
    retire_ratio: np.ndarray | None = None


def smooth_cuts(want: np.ndarray, previous: np.ndarray, tau_years: np.ndarray | None) -> np.ndarray:
    """Shipments when buyers cut orders gradually [units/yr].

    A rise ships at once; a cut closes the share ``1 - exp(-1/tau)`` of the gap
    to ``want`` (draw,) from last year's ``previous`` (draw,) shipments, because
    supply contracts and capacity are committed a lead time ahead (a first-order
    adjustment, as in Sterman's stock-management rule). The units shipped above
    the need stay in the fleet as surplus and cut the next years' orders.
    """
    if tau_years is None:
        return want
    keep = np.exp(-1.0 / np.maximum(tau_years, 1e-9))
    return np.where(want < previous, want + (previous - want) * keep, want)


def survival(age: Any, lifetime: Any, shape: float = WEIBULL_SHAPE) -> np.ndarray:
    """Share of units still in service at ``age`` years [1].

    Weibull survival ``exp(-(age/λ)^k)`` with scale ``λ = lifetime / Γ(1 + 1/k)``
    so that the mean service life equals ``lifetime`` [yr].
    """
    a = np.maximum(np.asarray(age, dtype=float), 0.0)
    lam = np.asarray(lifetime, dtype=float) / math.gamma(1.0 + 1.0 / float(shape))
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
    order_cut_years: np.ndarray | None = None,
    history_scale: np.ndarray | None = None,
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
    order_cut_years : ndarray, (draw,), optional
        Time constant of cutting orders (:func:`smooth_cuts`) [yr]; None cuts at once.
    history_scale : ndarray, (draw,), optional
        Multiplier on the history shipments (their uncertainty) [1]; None keeps them.

    Returns
    -------
    dict of ndarray
        ``shipments`` and ``installed`` (draw, year, type) [units/yr, units];
        ``vintage`` (draw, year, vintage) installed units by shipment year;
        ``retirements`` (draw, year) [units/yr]; ``coverage`` (draw, year):
        share of the year's need the installed fleet can serve (>1 means spare
        capacity, < 1 in history a fleet smaller than the physics needs) [1]. With
        ``supply`` also ``desired`` and ``backlog`` (draw, year) [units/yr],
        ``supportable`` (draw, year, layer) [units/yr] and ``binding`` (draw,
        year): index of the binding layer, ``n_layers`` when demand binds.
    """
    n_draw, n_year, n_type = need.shape
    lt = lifetime[:, None]
    # year-major inside the loop: each year's (draw, type) slice is contiguous
    ship = np.zeros((n_year, n_draw, n_type))
    inst = np.zeros_like(ship)
    vint = np.zeros((n_draw, n_year, n_year))
    cover = np.ones((n_draw, n_year))
    retire = np.zeros((n_draw, n_year))
    hist_rows = ~np.isnan(history).any(axis=1)
    prev_total = np.full(n_draw, initial.sum())
    solver = None if supply is None else _Solver.start(supply, n_draw, n_year, n_type)
    dep = ship if solver is None else solver.dep  # deployments: shipments unless chips wait
    stock = ship if solver is None else solver.stock  # deployments net of early retirement
    # survival by age, computed once: vintages shipped mid-year, the initial stock older
    s_age = survival(np.arange(n_year + 1) + 0.5, lt)  # (draw, age)
    s_init = survival(np.arange(n_year) + initial_age + 1.0, lt)  # (draw, year)
    ship_tot = np.zeros((n_draw, n_year))
    for i in range(n_year):
        init_i = initial[None, :] if solver is None else initial[None, :] * solver.init_keep
        surv = _survivors(i, init_i, s_init, s_age, stock, ship_tot, vint)
        eff_need = need[:, i]  # a strided view: each use makes a contiguous temporary
        if hist_rows[i]:
            ship[i] = history[i][None, :] * (
                1.0 if history_scale is None else history_scale[:, None]
            )
            x = sum_last(ship[i])
        else:
            covered = (surv / eff_need).sum(axis=-1)
            per_unit = (mix[i][None, :] / eff_need).sum(axis=-1)
            # new units, grossed up for attrition in their first half year
            x = np.maximum(0.0, 1.0 - covered) / per_unit / survival(0.5, lifetime)
            if i > 0:
                x = smooth_cuts(x, sum_last(ship[i - 1]), order_cut_years)
        if solver is not None:
            surv = solver.step(i, x, surv, mix[i], bool(hist_rows[i]), ship, ship_tot)
        elif not hist_rows[i]:
            ship[i] = x[:, None] * mix[i][None, :]
        if solver is not None:
            stock[i] = dep[i]
        inst[i] = surv + dep[i] * s_age[:, :1]
        ship_tot[:, i] = sum_last(dep[i])
        vint[:, i, i] = ship_tot[:, i] * s_age[:, 0]
        cover[:, i] = (inst[i] / eff_need).sum(axis=-1)
        retire[:, i] = np.maximum(prev_total + sum_last(dep[i]) - sum_last(inst[i]), 0)
        prev_total = sum_last(inst[i])
    out = {
        "shipments": _draw_major(ship),
        "installed": _draw_major(inst),
        "vintage": vint,
        "retirements": retire,
        "coverage": cover,
    }
    if solver is not None:
        out.update(solver.outputs(n_year))
    return out


@dataclass
class _Solver:
    """State of the bottleneck solver within one :func:`stock_flow` call (year-major).

    Not shared: each call starts its own. ``extra`` holds capacity ordered in
    shortages, arriving after each layer's lead time; ``inv`` the chips shipped
    but not yet energised; ``stock`` the deployments by year net of early retirement.
    """

    supply: Supply
    n_flow: int
    extra: np.ndarray
    sup_out: np.ndarray
    desired: np.ndarray
    backlog: np.ndarray
    binding: np.ndarray
    carried: np.ndarray
    dep: np.ndarray
    inv: np.ndarray
    inventory: np.ndarray
    arrived: np.ndarray
    responds: np.ndarray
    init_keep: np.ndarray
    early: np.ndarray
    stock: np.ndarray

    @classmethod
    def start(cls, supply: Supply, n_draw: int, n_year: int, n_type: int) -> _Solver:
        """Empty state for ``n_draw`` draws, ``n_year`` years and ``n_type`` types."""
        n_flow = supply.flow.shape[-1]
        n_layer = n_flow + supply.mw.shape[-1]
        return cls(
            supply=supply,
            n_flow=n_flow,
            extra=np.zeros((n_year + MAX_LAG + 1, n_draw, n_layer)),
            sup_out=np.zeros((n_draw, n_year, n_layer)),
            desired=np.zeros((n_draw, n_year)),
            backlog=np.zeros((n_draw, n_year)),
            binding=np.full((n_draw, n_year), float(n_layer)),
            carried=np.zeros(n_draw),
            dep=np.zeros((n_year, n_draw, n_type)),
            inv=np.zeros((n_draw, n_type)),
            inventory=np.zeros((n_draw, n_year)),
            arrived=np.cumsum(
                np.stack([lag_weights(supply.lead[:, k], MAX_LAG).T for k in range(n_layer)], -1),
                axis=0,
            ),
            responds=np.array(
                [0.0 if k in NO_RESPONSE else 1.0 for k in LAYERS[:n_layer]]
                if n_layer == len(LAYERS)
                else np.ones(n_layer)
            ),
            init_keep=np.ones((n_draw, n_type)),
            early=np.zeros((n_draw, n_year)),
            stock=np.zeros((n_year, n_draw, n_type)),
        )

    def step(
        self,
        i: int,
        x: np.ndarray,
        surv: np.ndarray,
        mix_i: np.ndarray,
        history: bool,
        ship: np.ndarray,
        ship_tot: np.ndarray,
    ) -> np.ndarray:
        """Solve year ``i``: fills ``ship[i]`` and this state's year-``i`` entries.

        ``x`` (draw,) [units/yr] is what the year's need (or history) ships on the
        demand path; ``surv`` (draw, type) [units] the surviving fleet, returned net
        of early retirements; ``ship_tot`` (draw, year) deployments by year [units/yr].
        """
        supply = self.supply
        sup = _supportable(supply, i, self.extra[i], surv, mix_i, self.n_flow)
        # buyers net the chips they hold above their normal stock out of new orders,
        # gradually (supply contracts are committed ahead): no hard cap on shipments
        mw_units = sup[:, self.n_flow :].min(axis=-1)
        excess = np.maximum(sum_last(self.inv) - supply.inventory_target * mw_units, 0.0)
        net = excess * (1.0 - np.exp(-1.0 / np.maximum(supply.order_cut_years, 1e-9)))
        want = x if history else np.maximum(supply.orders[:, i] + self.carried - net, 0.0)
        if not history and supply.retire_ratio is not None and i > 0:
            kept = self._retire_early(i, want, sup, surv, mix_i, ship_tot)
            if kept is not surv:  # some draws retired units early
                # the retired units' work is ordered again in new parts
                work = supply.work_per_unit
                want = want + dot_last(surv - kept, work[None]) / float(mix_i @ work)
                surv = kept
                sup = _supportable(supply, i, self.extra[i], surv, mix_i, self.n_flow)
        self.sup_out[:, i] = sup
        self.desired[:, i] = want
        if history:
            self.binding[:, i] = deploy(want, sup)[1]
            ship[i] = self.dep[i] = x[:, None] * mix_i[None, :]
            return surv
        x, ship[i], self.dep[i], self.inv, self.binding[:, i] = _ship_and_energise(
            want, sup, self.inv, mix_i, self.n_flow
        )
        self.inventory[:, i] = sum_last(self.inv)
        self.carried = (want - x) * (1.0 - supply.backlog_decay)
        self.backlog[:, i] = want - x
        gap_l = np.maximum(want[:, None] - sup, 0.0) * supply.response[:, None]
        gap_l *= self.responds
        # capacity built in a shortage arrives after the lead and then stays
        self.extra[i + 1 : i + 2 + MAX_LAG] += gap_l[None] * self.arrived
        self.extra[i + 2 + MAX_LAG :] += gap_l[None]
        return surv

    def _retire_early(
        self,
        i: int,
        want: np.ndarray,
        sup: np.ndarray,
        surv: np.ndarray,
        mix_i: np.ndarray,
        ship_tot: np.ndarray,
    ) -> np.ndarray:
        """Retire surviving XPUs that do too little work per MW where space or power
        binds; returns the survivors (draw, type) [units] and records the retired
        units in ``early``. Earlier vintages and the initial stock shrink alike; returns
        ``surv`` itself when nothing is short (no draw retires anything)."""
        supply = self.supply
        mw_unit = supply.mw_per_unit[:, i]  # (draw, type)
        work = supply.work_per_unit[None, :]
        new_mw = dot_last(mix_i[None, :], mw_unit)
        new_eff = dot_last(mix_i[None, :], work[0][None, :]) / new_mw  # (draw,)
        eligible = (work / mw_unit) * supply.retire_ratio[:, None] < new_eff[:, None]
        # MW short for what buyers hold plus what they order, beyond what can be energised
        mw_units = sup[:, self.n_flow :].min(axis=-1)
        short_mw = np.maximum(want + sum_last(self.inv) - mw_units, 0.0) * new_mw
        old_mw = (surv * mw_unit * eligible).sum(axis=-1)
        f = np.where(old_mw > 0, np.minimum(short_mw / np.maximum(old_mw, 1e-300), 1.0), 0.0)
        if not f.any():
            return surv
        keep = 1.0 - f[:, None] * eligible  # (draw, type)
        self.early[:, i] = (surv * (1.0 - keep)).sum(axis=-1)
        self.stock[:i] *= keep[None]
        ship_tot[:, :i] = sum_last(self.stock[:i]).T
        self.init_keep *= keep
        return surv * keep

    def outputs(self, n_year: int) -> dict[str, np.ndarray]:
        """The solver's outputs, draw-major."""
        return {
            "deployments": _draw_major(self.dep),
            "inventory": self.inventory,
            "early_retirements": self.early,
            "desired": self.desired,
            "backlog": self.backlog,
            "supportable": self.sup_out,
            "binding": self.binding,
            "extra": _draw_major(self.extra[:n_year]),
        }


def _draw_major(x: np.ndarray) -> np.ndarray:
    """(year, draw, k) -> contiguous (draw, year, k)."""
    return np.ascontiguousarray(x.transpose(1, 0, 2))


def _survivors(
    i: int,
    initial: np.ndarray,
    s_init: np.ndarray,
    s_age: np.ndarray,
    dep: np.ndarray,
    ship_tot: np.ndarray,
    vint: np.ndarray,
) -> np.ndarray:
    """Survivors at the end of year ``i`` (draw, type) [units]: the initial stock
    ``initial`` (1 or draw, type) plus earlier vintages; fills ``vint[:, i, :i]``
    (installed by vintage) on the way."""
    surv = initial * s_init[:, i, None]
    if i:
        s = s_age[:, i - np.arange(i)]  # (draw, vintage)
        vint[:, i, :i] = ship_tot[:, :i] * s
        older = dep[0] * s[:, 0, None]
        tmp = np.empty_like(older)
        for v in range(1, i):  # the same order as a sum over the vintage axis
            older += np.multiply(dep[v], s[:, v, None], out=tmp)
        surv = surv + older
    return surv


def _supportable(
    supply: Supply, i: int, extra_i: np.ndarray, surv: np.ndarray, mix_i: np.ndarray, n_flow: int
) -> np.ndarray:
    """New XPUs each layer supports in year ``i``, (draw, layer) [units/yr].

    Manufacturing and optics: their flow plus capacity ordered earlier
    (``extra_i`` (draw, layer)); data centres and power: the MW the surviving
    fleet ``surv`` (draw, type) leaves free, in XPUs of the mix ``mix_i``.
    """
    mw_unit = supply.mw_per_unit[:, i]  # (draw, type)
    new_mw = dot_last(mix_i[None, :], mw_unit)
    free_mw = supply.mw[:, i] + extra_i[:, n_flow:] * new_mw[:, None]
    free_mw = free_mw - dot_last(surv, mw_unit)[:, None]
    return np.concatenate(
        [supply.flow[:, i] + extra_i[:, :n_flow], np.maximum(free_mw, 0) / new_mw[:, None]],
        axis=-1,
    )


def _ship_and_energise(
    want: np.ndarray,
    sup: np.ndarray,
    inv: np.ndarray,
    mix_i: np.ndarray,
    n_flow: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One modelled year of the solver: vendors ship what is ordered (``want`` (draw,))
    and can be made; data centres and power then energise what they can of it plus the
    chips waiting from earlier years (``inv`` (draw, type)); the rest waits.

    Returns units shipped (draw,), shipments and deployments by type (draw, type),
    the new waiting stock (draw, type) and the binding layer index (draw,).
    """
    n_layer = sup.shape[-1]
    mw_units = sup[:, n_flow:].min(axis=-1)
    mw_bind = n_flow + sup[:, n_flow:].argmin(axis=-1)
    x, ship_bind = deploy(want, sup[:, :n_flow])
    ship = x[:, None] * mix_i[None, :]
    avail = inv + ship
    avail_tot = sum_last(avail)
    energised = np.minimum(avail_tot, mw_units)
    share = np.where(avail_tot > 0, energised / np.maximum(avail_tot, 1e-300), 1.0)
    dep = avail * share[:, None]
    # binding: the MW layer when chips wait, else what limited shipments
    ship_bind = np.where(ship_bind == n_flow, float(n_layer), ship_bind)
    binding = np.where(energised < avail_tot * (1 - 1e-12), mw_bind, ship_bind)
    return x, ship, dep, avail - dep, binding
