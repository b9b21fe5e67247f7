"""Network layer: scale-out fabric, optical transceivers, switches, network power.

Each deployed XPU joins a non-blocking folded-Clos (fat-tree) back-end
fabric. With switches of ``switch_gbps`` broken out to the NIC speed, the
radix is ``k = switch_gbps / nic_gbps`` and an L-tier tree connects up to
``2·(k/2)^L`` endpoints. Per XPU (bandwidth conserved tier by tier):

* tier 1 (NIC to leaf): one NIC-side module at the NIC speed and
  ``nic/port`` switch-side modules at the switch port speed (twin-port
  modules carry two NIC links), or copper (DAC/AEC) for in-rack links;
* every further tier: ``nic/port`` links, each with a module at both ends.

This reproduces the public rules of thumb: H100 + 400G NIC + 51.2T switches,
two tiers: 1 x 400G + 1.5 x 800G per GPU (FiberMall, 2023); A100 + 200G HDR,
three tiers: 6 x 200G. Switches per XPU: ``(2L - 1) / k``. Scale-up optics
(TPU optical circuit switching) and a front-end network are added per XPU;
co-packaged optics replace a share of switch-side pluggables.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aiinfra.arrays import dot_last, per_year_contract, sum_last

__all__ = [
    "cpo_share",
    "fabric_tables",
    "fat_tree_tiers",
    "fleet_power_w",
    "modules_per_xpu",
    "modules_per_xpu_lp",
    "switches_per_xpu",
    "transceivers",
    "watts_per_xpu",
]


def fat_tree_tiers(n_endpoints: Any, radix: Any) -> np.ndarray:
    """Tiers of a non-blocking fat tree for ``n_endpoints`` at switch ``radix`` [1].

    The smallest L >= 1 with ``2·(k/2)^L >= N`` (L = 1 when ``N <= k``).
    """
    n = np.asarray(n_endpoints, dtype=float)
    k = np.asarray(radix, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        tiers = np.ceil(np.log(np.maximum(n, 1.0) / 2.0) / np.log(k / 2.0) - 1e-9)
    return np.where(n <= k, 1.0, np.maximum(tiers, 2.0))


def modules_per_xpu(tiers: Any, nic_gbps: Any, port_gbps: Any) -> dict[str, np.ndarray]:
    """Optical modules per XPU by position in the fabric [modules].

    Returns ``nic_side`` (at the NIC speed), ``leaf_side`` and ``upper`` (at the
    switch port speed); tier-1 modules (``nic_side``, ``leaf_side``) disappear
    where tier-1 links are copper.
    """
    ratio = np.asarray(nic_gbps, dtype=float) / np.asarray(port_gbps, dtype=float)
    tiers = np.asarray(tiers, dtype=float)
    ones = np.ones_like(ratio * tiers)
    return {
        "nic_side": ones,
        "leaf_side": ratio * ones,
        "upper": 2.0 * (tiers - 1.0) * ratio,
    }


def switches_per_xpu(tiers: Any, radix: Any) -> np.ndarray:
    """Switch boxes per XPU in an L-tier fat tree, ``(2L - 1)/k`` [1]."""
    return (2.0 * np.asarray(tiers, dtype=float) - 1.0) / np.asarray(radix, dtype=float)


def fabric_tables(
    *,
    nic_gbps: np.ndarray,
    switch_gbps: np.ndarray,
    switch_share: np.ndarray,
    cluster_sizes: np.ndarray,
    cluster_share: np.ndarray,
    speeds: np.ndarray,
    ports_per_switch: float = 64.0,
) -> dict[str, np.ndarray]:
    """Per-XPU fabric bill of materials by year and accelerator type.

    Parameters
    ----------
    nic_gbps : ndarray, (type,)
        Back-end NIC bandwidth per XPU [Gb/s].
    switch_gbps : ndarray, (gen,)
        Switch ASIC bandwidth by generation [Gb/s].
    switch_share : ndarray, (year, gen)
        Share of new deployments on each switch generation [1].
    cluster_sizes : ndarray, (size,)
        Cluster size classes [XPUs].
    cluster_share : ndarray, (year, size)
        Share of new XPUs deployed in each cluster size class [1].
    speeds : ndarray, (speed,)
        Module speed classes [Gb/s].

    Returns
    -------
    dict of ndarray
        ``tier1`` and ``upper`` modules (year, type, speed) per XPU,
        ``switches`` (year, type, gen) per XPU and ``tiers`` (year, type) mean.
    """
    port = switch_gbps / ports_per_switch  # (gen,)
    k = switch_gbps[None, :] / nic_gbps[:, None]  # (type, gen) radix at the NIC speed
    tiers = fat_tree_tiers(cluster_sizes[None, None, :], k[..., None])  # (type, gen, size)
    mods = modules_per_xpu(tiers, nic_gbps[:, None, None], port[None, :, None])
    sw = switches_per_xpu(tiers, k[..., None])
    # weight over cluster sizes and switch generations for each year
    wsize = cluster_share  # (year, size)
    wgen = switch_share  # (year, gen)
    w = wgen[:, None, :, None] * wsize[:, None, None, :]  # (year, 1, gen, size)
    nic_idx = np.searchsorted(speeds, nic_gbps)  # (type,)
    port_idx = np.searchsorted(speeds, port)  # (gen,)
    n_year, n_type, n_speed = wsize.shape[0], nic_gbps.shape[0], speeds.shape[0]
    tier1 = np.zeros((n_year, n_type, n_speed))
    upper = np.zeros((n_year, n_type, n_speed))
    nic_w = (w * mods["nic_side"][None]).sum(axis=(2, 3))  # (year, type)
    tier1[:, np.arange(n_type), nic_idx] += nic_w
    for g in range(port.shape[0]):
        tier1[:, :, port_idx[g]] += dot_last(w[:, :, g], mods["leaf_side"][None, :, g])
        upper[:, :, port_idx[g]] += dot_last(w[:, :, g], mods["upper"][None, :, g])
    return {
        "tier1": tier1,
        "upper": upper,
        "switches": dot_last(w, sw[None]),
        "tiers": (w * tiers[None]).sum(axis=(2, 3)),
    }


def transceivers(
    *,
    shipments: np.ndarray,
    tier1: np.ndarray,
    upper: np.ndarray,
    extra: np.ndarray,
    first_tier_copper: np.ndarray,
    cpo_share: np.ndarray,
) -> np.ndarray:
    """Pluggable optical modules shipped with the year's XPUs by speed [modules/yr].

    Parameters
    ----------
    shipments : ndarray, (draw, year, type)
        XPUs deployed [units/yr].
    tier1, upper : ndarray, (year, type, speed)
        Modules per XPU from :func:`fabric_tables`.
    extra : ndarray, (year, type, speed)
        Scale-up optics and front-end modules per XPU.
    first_tier_copper : ndarray, (draw,)
        Share of NIC-to-leaf links on copper (DAC/AEC) [1].
    cpo_share : ndarray, (draw, year)
        Share of switch-to-switch optics that are co-packaged (no pluggable) [1].

    Returns
    -------
    ndarray, (draw, year, speed)
    """
    t1 = per_year_contract(shipments, tier1)
    up = per_year_contract(shipments, upper)
    ex = per_year_contract(shipments, extra)
    return (1.0 - first_tier_copper[:, None, None]) * t1 + (1.0 - cpo_share[..., None]) * up + ex


def cpo_share(cpo_share_max: np.ndarray, start_year: float, years: np.ndarray) -> np.ndarray:
    """Share of switch-side optics co-packaged, (draw, year) [1]: a linear ramp over four
    years from ``start_year`` to ``cpo_share_max`` (draw,) [1]."""
    ramp = np.clip((years - start_year + 1) / 4.0, 0.0, 1.0)
    return cpo_share_max[:, None] * ramp[None]


def watts_per_xpu(
    *,
    fabric: Any,
    module_w: np.ndarray,
    switch_w: np.ndarray,
    first_tier_copper: np.ndarray,
    cpo: np.ndarray,
    frontend_modules: np.ndarray,
    frontend_module_w: float,
) -> np.ndarray:
    """Network power per XPU by draw, year and type, (draw, year, type) [W].

    Tier-1 optics only where links are not copper; co-packaged optics at half
    the power of pluggables; scale-up optics, switches and ``frontend_modules``
    (draw,) 400G modules per XPU at ``frontend_module_w`` [W] each.
    """
    w_t1 = fabric["tier1"] @ module_w  # (year, type)
    w_up = fabric["upper"] @ module_w
    w_ex = fabric["scaleup"] @ module_w + fabric["switches"] @ switch_w
    return (
        (1.0 - first_tier_copper)[:, None, None] * w_t1[None]
        + (1.0 - 0.5 * cpo)[..., None] * w_up[None]
        + w_ex[None]
        + (frontend_modules * frontend_module_w)[:, None, None]
    )


def fleet_power_w(
    shipments: np.ndarray, w_per_xpu: np.ndarray, installed_by_vintage: np.ndarray
) -> np.ndarray:
    """Network power of the installed fleet, (draw, year) [W].

    Each vintage keeps the watts per XPU of the year it shipped: ``shipments``
    (draw, year, type) [units/yr], ``w_per_xpu`` (draw, year, type) [W],
    ``installed_by_vintage`` (draw, year, vintage) [units].
    """
    total = sum_last(shipments)
    w_vintage = dot_last(shipments, w_per_xpu) / np.maximum(total, 1e-9)  # (draw, vintage)
    return dot_last(installed_by_vintage, w_vintage[:, None, :])


def modules_per_xpu_lp(
    fabric: Any, first_tier_copper: np.ndarray, cpo: np.ndarray, frontend_modules: np.ndarray
) -> np.ndarray:
    """Optical modules one new XPU needs, (draw, year, type) [modules] (for the LP)."""
    return (
        (1.0 - first_tier_copper)[:, None, None] * sum_last(fabric["tier1"])[None]
        + (1.0 - cpo)[..., None] * sum_last(fabric["upper"])[None]
        + sum_last(fabric["scaleup"])[None]
        + frontend_modules[:, None, None]
    )
