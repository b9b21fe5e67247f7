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
from scipy.stats import qmc

from aiinfra.distributions import Dist
from aiinfra.quantity import QSpec

__all__ = ["MAX_DRAWS", "iter_quantities", "sample_parameters", "uniform_design"]

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
        u = qmc.LatinHypercube(d=d, rng=rng).random(n)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # balance warning for n != 2**m
            u = qmc.Sobol(d=d, scramble=True, rng=rng).random(n)
    eps = np.finfo(float).eps
    return np.clip(u, eps, 1.0 - eps)


def sample_parameters(
    model: BaseModel,
    draws: int = 1,
    *,
    seed: int | np.random.Generator = 0,
    sampler: str = "lhs",
) -> SimpleNamespace:
    """Turn every quantity field of ``model`` into an array of shape ``(draws,)``.

    Returns a namespace tree mirroring the model; non-quantity fields (model
    names, labels) are copied as they are.
    """
    if not 1 <= draws <= MAX_DRAWS:
        msg = f"draws must be between 1 and {MAX_DRAWS}, got {draws}"
        raise ValueError(msg)
    entries = list(iter_quantities(model))
    uncertain = [i for i, (_, v, _) in enumerate(entries) if isinstance(v, Dist)]
    arrays: dict[tuple[str, ...], np.ndarray] = {}
    u = uniform_design(draws, len(uncertain), sampler=sampler, seed=seed) if draws > 1 else None
    col = {i: j for j, i in enumerate(uncertain)}
    for i, (path, value, spec) in enumerate(entries):
        if isinstance(value, Dist):
            if u is None:
                arr = np.full(draws, value.point())
            else:
                arr = value.ppf(u[:, col[i]])
                arr = np.clip(arr, *spec.bounds())
        else:
            arr = np.full(draws, float(value))
        arrays[path] = arr
    return _tree(model, arrays, ())


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
