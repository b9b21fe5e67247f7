"""Sampling uncertain scenario parameters into arrays with a leading draw axis.

All distributions of a scenario are sampled together as one ``(draws,
n_params)`` matrix of probabilities from a seeded design (Latin hypercube,
scrambled Sobol, or plain random), then mapped through each distribution's
inverse CDF and clipped to the field's allowed range. A point run
(``draws=1``) uses each distribution's median/mode instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np
from pydantic import BaseModel

from aiinfra.distributions import Dist
from aiinfra.quantity import QSpec

__all__ = [
    "MAX_DRAWS",
    "design",
    "iman_conover",
    "iter_quantities",
    "parameters_from_design",
    "sample_parameters",
    "slice_parameters",
    "uncertain_fields",
    "uniform_design",
]

MAX_DRAWS = 10_000_000
SAMPLERS = ("lhs", "sobol", "random")


def _spec(field_info: Any) -> QSpec | None:
    return next((m for m in field_info.metadata if isinstance(m, QSpec)), None)


def iter_quantities(
    model: BaseModel, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], float | Dist, QSpec]]:
    """Yield ``(path, value, spec)`` for every quantity field, in schema order."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        spec = _spec(info)
        if spec is not None:
            yield (*prefix, name), value, spec
        elif isinstance(value, BaseModel):
            yield from iter_quantities(value, (*prefix, name))


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """Scrambled Latin hypercube in [0, 1), shape ``(n, d)``: the draws of
    ``scipy.stats.qmc.LatinHypercube(d, rng=rng).random(n)`` (tested equal), without
    importing ``scipy.stats``. Like scipy, it draws from a child spawned off ``rng``'s
    seed sequence (advancing its spawn counter, not its state)."""
    bg = rng.bit_generator
    rng = np.random.Generator(type(bg)(bg.seed_seq.spawn(1)[0]))
    jitter = rng.uniform(size=(n, d))
    perms = np.tile(np.arange(1, n + 1), (d, 1))
    for i in range(d):  # one permutation per dimension, in scipy's order
        rng.shuffle(perms[i, :])
    return (perms.T - jitter) / n


def uniform_design(
    n: int, d: int, *, sampler: str = "lhs", seed: int | np.random.Generator = 0
) -> np.ndarray:
    """Probabilities in (0, 1), shape ``(n, d)``, from a seeded design."""
    if sampler not in SAMPLERS:
        msg = f"unknown sampler {sampler!r}; allowed: {', '.join(SAMPLERS)}"
        raise ValueError(msg)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if d == 0:
        return np.empty((n, 0))
    if sampler == "random":
        u = rng.random((n, d))
    elif sampler == "lhs":
        u = latin_hypercube(n, d, rng)
    else:
        from scipy.stats import qmc  # ~0.8 s to import: only for Sobol designs

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # balance warning for n != 2**m
            u = qmc.Sobol(d=d, scramble=True, rng=rng).random(n)
    eps = np.finfo(float).eps
    return np.clip(u, eps, 1.0 - eps)


def uncertain_fields(model: BaseModel) -> list[tuple[tuple[str, ...], Dist, QSpec]]:
    """The distribution-valued fields of a scenario, in schema order."""
    return [(p, v, sp) for p, v, sp in iter_quantities(model) if isinstance(v, Dist)]


def iman_conover(u: np.ndarray, corr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reorder each column of ``u`` so the rank correlation approaches ``corr``.

    Iman & Conover (1982): van der Waerden scores in random order, rotated by
    ``P Q^-1`` (Cholesky factors of the target and of their own correlation);
    each column of ``u`` then takes the ranks of the rotated scores. Marginals
    are unchanged. ``u`` is (n, k), ``corr`` (k, k) positive definite.
    """
    n, k = u.shape
    if k < 2:
        return u
    from scipy.special import ndtri

    base = ndtri(np.arange(1, n + 1) / (n + 1))
    scores = np.stack([rng.permutation(base) for _ in range(k)], axis=1)
    p = np.linalg.cholesky(corr)
    q = np.linalg.cholesky(np.corrcoef(scores, rowvar=False))
    target = scores @ (p @ np.linalg.inv(q)).T
    out = np.empty_like(u)
    for j in range(k):
        ranks = np.argsort(np.argsort(target[:, j]))
        out[:, j] = np.sort(u[:, j])[ranks]
    return out


def design(
    model: BaseModel,
    draws: int,
    *,
    seed: int | np.random.Generator = 0,
    sampler: str = "lhs",
    correlations: list[tuple[tuple[str, ...], tuple[str, ...], float]] | None = None,
) -> np.ndarray:
    """Probabilities ``(draws, n_uncertain)`` for the scenario's distributions."""
    fields = uncertain_fields(model)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    u = uniform_design(draws, len(fields), sampler=sampler, seed=rng)
    if correlations and draws > 2:
        index = {p: i for i, (p, _, _) in enumerate(fields)}
        corr = np.eye(len(fields))
        for a, b, rho in correlations:
            corr[index[a], index[b]] = corr[index[b], index[a]] = rho
        u = iman_conover(u, corr, rng)
    return u


def parameters_from_design(model: BaseModel, u: np.ndarray | None, draws: int) -> SimpleNamespace:
    """Map a design (or None for a point run) to the parameter tree of arrays."""
    arrays: dict[tuple[str, ...], np.ndarray] = {}
    col = 0
    for path, value, spec in iter_quantities(model):
        if isinstance(value, Dist):
            if u is None:
                arr = _constant(value.point(), draws)
            else:
                arr = np.clip(value.ppf(u[:, col]), *spec.bounds())
            col += 1
        else:
            arr = _constant(float(value), draws)
        arrays[path] = arr
    return _tree(model, arrays, ())


def _constant(value: float, draws: int) -> np.ndarray:
    """A read-only ``(draws,)`` view of one value (no memory per draw)."""
    return np.broadcast_to(np.float64(value), (draws,))


def slice_parameters(tree: Any, start: int, stop: int) -> Any:
    """The draws ``start:stop`` of a parameter tree (arrays sliced, rest shared)."""
    out = SimpleNamespace()
    for name, value in vars(tree).items():
        if isinstance(value, SimpleNamespace):
            setattr(out, name, slice_parameters(value, start, stop))
        elif isinstance(value, np.ndarray):
            setattr(out, name, value[start:stop])
        else:
            setattr(out, name, value)
    return out


def sample_parameters(
    model: BaseModel,
    draws: int = 1,
    *,
    seed: int | np.random.Generator = 0,
    sampler: str = "lhs",
) -> SimpleNamespace:
    """Turn every quantity field of ``model`` into an array of shape ``(draws,)``.

    Returns a namespace tree mirroring the model; non-quantity fields (model
    names, labels) are copied as they are. Correlations declared in the
    scenario's ``uncertainty.correlations`` are imposed (Iman-Conover).
    """
    if not 1 <= draws <= MAX_DRAWS:
        msg = f"draws must be between 1 and {MAX_DRAWS}, got {draws}"
        raise ValueError(msg)
    if draws == 1:
        return parameters_from_design(model, None, 1)
    corr = None
    unc = getattr(model, "uncertainty", None)
    if unc is not None and getattr(unc, "correlations", None):
        corr = [(tuple(c.a.split(".")), tuple(c.b.split(".")), c.rho) for c in unc.correlations]
    u = design(model, draws, seed=seed, sampler=sampler, correlations=corr)
    return parameters_from_design(model, u, draws)


def _tree(model: BaseModel, arrays: dict[tuple[str, ...], np.ndarray], prefix: tuple) -> Any:
    out = SimpleNamespace()
    for name in type(model).model_fields:
        path = (*prefix, name)
        value = getattr(model, name)
        if path in arrays:
            setattr(out, name, arrays[path])
        elif isinstance(value, BaseModel):
            setattr(out, name, _tree(value, arrays, path))
        else:
            setattr(out, name, value)
    return out
