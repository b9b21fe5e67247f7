"""Sensitivity: Sobol indices (SALib) and one-at-a-time tornado swings.

Both run the vectorised chain once over all the samples they need. The Sobol
path samples the unit hypercube with SALib's Sobol (Saltelli) design, maps each
column through the distribution's inverse CDF, and analyses with
``SALib.analyze.sobol``; :func:`sobol_indices` is the generic core, also used
for analytic test functions (Ishigami) so the same code path is validated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from aiinfra.errors import AiinfraError
from aiinfra.scenario import Scenario
from aiinfra.uncertainty import parameters_from_design, uncertain_fields

# Sobol base sample: doubled from N_START until the indices are stable (at most N_MAX)
N_START = 256
N_MAX = 4096

__all__ = ["output_values", "scenario_sobol", "sobol_indices", "tornado"]


def sobol_indices(
    func: Callable[[np.ndarray], np.ndarray],
    names: Sequence[str],
    *,
    n: int = 1024,
    seed: int = 0,
    ppfs: Sequence[Callable[[np.ndarray], np.ndarray]] | None = None,
    num_resamples: int = 200,
) -> dict[str, Any]:
    """First-order and total Sobol indices with 95 % confidence intervals.

    Parameters
    ----------
    func : callable
        Maps a (N, D) array of inputs to (N,) outputs in one vectorised call.
    names : sequence of str
        Input names (D).
    n : int
        Base sample size (a power of two); the model is evaluated N·(D+2) times.
    seed : int
        Seed of the Sobol design and the bootstrap.
    ppfs : sequence of callables, optional
        Inverse CDFs mapping U(0, 1) to each input (identity when omitted).

    Returns
    -------
    dict
        ``names``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (arrays) and ``evaluations``.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    d = len(names)
    if d == 0:
        msg = "no uncertain inputs: write some fields as distributions to analyse sensitivity"
        raise AiinfraError(msg)
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    u = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    u = np.clip(u, 1e-9, 1.0 - 1e-9)
    x = u if ppfs is None else np.column_stack([ppfs[j](u[:, j]) for j in range(d)])
    y = np.asarray(func(x), dtype=float)
    if not np.all(np.isfinite(y)):
        msg = "the output is not finite for some samples; cannot compute Sobol indices"
        raise AiinfraError(msg)
    if np.ptp(y) == 0:  # no input moves the output: every index is zero
        zeros = np.zeros(d)
        return {
            "names": list(names),
            "S1": zeros,
            "S1_conf": zeros,
            "ST": zeros,
            "ST_conf": zeros,
            "evaluations": int(y.shape[0]),
        }
    res = sobol_analyze.analyze(
        problem, y, calc_second_order=False, num_resamples=num_resamples, seed=seed
    )
    return {
        "names": list(names),
        "S1": np.asarray(res["S1"]),
        "S1_conf": np.asarray(res["S1_conf"]),
        "ST": np.asarray(res["ST"]),
        "ST_conf": np.asarray(res["ST_conf"]),
        "evaluations": int(y.shape[0]),
    }


def output_values(
    arrays: dict[str, np.ndarray],
    chain: Any,
    output: str,
    year: int,
    category: str | None = None,
) -> np.ndarray:
    """One scalar per draw: ``output`` in ``year`` (a category or summed over them)."""
    from aiinfra.variables import VARIABLES

    if output not in arrays or output not in VARIABLES:
        import difflib

        close = difflib.get_close_matches(output, list(arrays), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        msg = f"--output: {output!r} is not an output variable{hint} (see `aiinfra variables`)"
        raise AiinfraError(msg)
    years = list(chain.years)
    if year not in years:
        msg = f"--year: {year} is not reported; use {years[0]} to {years[-1]}"
        raise AiinfraError(msg)
    var = VARIABLES[output]
    values = arrays[output][:, years.index(year)]
    if values.ndim == 1:
        return values
    if category is None:
        return values.reshape(values.shape[0], -1).sum(axis=1)
    dim = var.dims[2]
    labels = [str(c) for c in chain.coords()[dim]]
    if category not in labels:
        msg = f"--category: {category!r} is not a {dim}; choose one of {', '.join(labels)}"
        raise AiinfraError(msg)
    return values[:, labels.index(category)]


def scenario_sobol(
    scenario: Scenario,
    output: str,
    year: int,
    *,
    n: int | None = None,
    seed: int = 0,
    category: str | None = None,
    workers: int = 1,
    n_max: int = N_MAX,
) -> dict[str, Any]:
    """Sobol indices of one output and year over every distribution of a scenario.

    ``n`` (a power of two) fixes the base sample; ``None`` picks it by a convergence
    check (:func:`converged`). The model evaluations run in chunks of draws (on
    ``workers`` forked processes), so ~100k evaluations need no more memory than one
    chunk each.
    """
    from aiinfra.chain import Chain
    from aiinfra.montecarlo import map_chunks
    from aiinfra.uncertainty import slice_parameters

    chain = Chain(scenario)
    fields = uncertain_fields(scenario)
    names = [".".join(p) for p, _, _ in fields]

    def values(arrays: dict[str, np.ndarray]) -> np.ndarray:
        return output_values(arrays, chain, output, year, category)

    def model(u: np.ndarray) -> np.ndarray:
        params = parameters_from_design(scenario, u, u.shape[0])
        values(chain.compute(params=slice_parameters(params, 0, 1)))  # bad names fail here
        return map_chunks(chain, params, values, u.shape[0], workers=workers)

    if n is not None:
        return _flag_s1_above_st(sobol_indices(model, names, n=n, seed=seed))
    return converged(lambda m: sobol_indices(model, names, n=m, seed=seed), n_max=n_max)


def converged(
    indices_at: Callable[[int], dict[str, Any]], n_start: int = N_START, n_max: int = N_MAX
) -> dict[str, Any]:
    """Sobol indices at the smallest base sample ``n`` (doubling from ``n_start``) at which
    every S1 and ST moved by less than its 95 % confidence half-width since ``n / 2``.

    Adds ``n``, ``converged`` (False when ``n_max`` was reached first), ``history``
    (``[n, largest change]`` per step) and ``s1_above_st`` (see :func:`_flag_s1_above_st`).
    """
    prev = indices_at(n_start)
    history = [[n_start, None]]
    n, done = n_start, False
    while n < n_max:
        n *= 2
        cur = indices_at(n)
        d1, dt = np.abs(cur["S1"] - prev["S1"]), np.abs(cur["ST"] - prev["ST"])
        history.append([n, float(np.maximum(d1, dt).max(initial=0.0))])
        prev = cur
        # each index moved less than its own 95 % half-width (floor 0.001)
        if np.all(d1 <= np.maximum(cur["S1_conf"], 1e-3)) and np.all(
            dt <= np.maximum(cur["ST_conf"], 1e-3)
        ):
            done = True
            break
    return {**_flag_s1_above_st(prev), "n": n, "converged": done, "history": history}


def _flag_s1_above_st(res: dict[str, Any]) -> dict[str, Any]:
    """Names whose first-order index exceeds the total beyond both intervals (S1 <= ST
    must hold; larger gaps mean too few samples)."""
    gap = res["S1"] - res["ST"]
    tol = np.hypot(res["S1_conf"], res["ST_conf"])
    bad = [name for name, g, w in zip(res["names"], gap, tol, strict=True) if g > w]
    return {**res, "s1_above_st": bad}


def tornado(
    scenario: Scenario, output: str, year: int, *, category: str | None = None
) -> list[dict[str, Any]]:
    """One-at-a-time swings: each distribution at its p10 and p90, others at the point.

    Rows are sorted by the absolute swing of the output (largest first).
    """
    from aiinfra.chain import Chain

    chain = Chain(scenario)
    fields = uncertain_fields(scenario)
    if not fields:
        msg = "no uncertain inputs: write some fields as distributions to analyse sensitivity"
        raise AiinfraError(msg)
    d = len(fields)
    # every row sits at the point values (medians/modes) except one input at p10 or p90
    u = np.tile(np.array([_point_probability(dist) for _, dist, _ in fields]), (2 * d + 1, 1))
    for j in range(d):
        u[1 + 2 * j, j] = 0.1
        u[2 + 2 * j, j] = 0.9
    params = parameters_from_design(scenario, u, u.shape[0])
    y = output_values(chain.compute(params=params), chain, output, year, category)
    rows = []
    for j, (path, dist, spec) in enumerate(fields):
        lo, hi = np.clip(dist.ppf(np.array([0.1, 0.9])), *spec.bounds())
        rows.append(
            {
                "field": ".".join(path),
                "unit": spec.unit,
                "p10": float(lo),
                "p90": float(hi),
                "output_at_p10": float(y[1 + 2 * j]),
                "output_at_p90": float(y[2 + 2 * j]),
                "swing": float(y[2 + 2 * j] - y[1 + 2 * j]),
                "base": float(y[0]),
            }
        )
    return sorted(rows, key=lambda r: -abs(r["swing"]))


def _point_probability(dist: Any) -> float:
    """Probability whose inverse CDF is the distribution's point value (median/mode)."""
    from scipy.optimize import brentq

    target = dist.point()
    lo, hi = 1e-9, 1 - 1e-9
    f = lambda q: float(dist.ppf(np.array([q]))[0]) - target  # noqa: E731
    if f(lo) >= 0:
        return lo
    if f(hi) <= 0:
        return hi
    return float(brentq(f, lo, hi, xtol=1e-12))
