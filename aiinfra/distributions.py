"""Probability distributions for uncertain scenario parameters.

Any numeric scenario field may be written as a mapping such as
``{dist: lognormal, median: 1.0, p90: 2.0}``. Values inside the mapping may
carry units; they are converted to the field's canonical unit first.

Supported forms (all parameters in the field's canonical unit):

============  ==========================================  ============
dist          parameters                                  point value
============  ==========================================  ============
lognormal     ``median`` and one of ``p90`` or ``sigma``  median
normal        ``mean`` (or ``median``), ``sd`` or ``p90``  mean
triangular    ``min``, ``mode``, ``max``                  mode
uniform       ``min``, ``max``                            midpoint
pert          ``min``, ``mode``, ``max`` [, ``lambda``]   mode
============  ==========================================  ============

``sigma`` of a lognormal is the standard deviation of ``log(x)``. Samples are
clipped to the field's allowed range (e.g. a share never exceeds 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["KINDS", "Dist", "parse_dist"]

Z90 = 1.2815515655446004  # scipy.special.ndtri(0.9)
# scipy.special.ndtri(eps) for float64 eps: the most extreme standard normal a design with
# u in [eps, 1 - eps] can draw (ndtri(1 - eps) is its negative; both tested against scipy)
Z_EPS = -8.125890664701908

_ALLOWED: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required keys, optional keys)
    "lognormal": ({"median"}, {"p90", "sigma"}),
    "normal": (set(), {"mean", "median", "sd", "p90"}),
    "triangular": ({"min", "mode", "max"}, set()),
    "uniform": ({"min", "max"}, set()),
    "pert": ({"min", "mode", "max"}, {"lambda"}),
}
KINDS = tuple(_ALLOWED)


@dataclass(frozen=True)
class Dist:
    """A univariate distribution in canonical units.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    params : tuple of (str, float)
        Canonical parameters: lognormal ``(median, sigma)``, normal
        ``(mean, sd)``, triangular/pert ``(min, mode, max[, lambda])``,
        uniform ``(min, max)``.
    """

    kind: str
    params: tuple[tuple[str, float], ...]

    def get(self, name: str) -> float:
        """Return parameter ``name``."""
        return dict(self.params)[name]

    def point(self) -> float:
        """Value used by a point (single-draw) run: the median or mode."""
        p = dict(self.params)
        if self.kind == "lognormal":
            return p["median"]
        if self.kind == "normal":
            return p["mean"]
        if self.kind == "uniform":
            return 0.5 * (p["min"] + p["max"])
        return p["mode"]

    def support(self) -> tuple[float, float]:
        """Smallest and largest value the distribution can produce."""
        p = dict(self.params)
        if self.kind == "lognormal":
            return (0.0, float("inf"))
        if self.kind == "normal":
            return (float("-inf"), float("inf"))
        return (p["min"], p["max"])

    def extremes(self) -> tuple[float, float]:
        """The most extreme values a seeded design can draw (u = eps and 1 - eps),
        without scipy: the bounds for bounded kinds, ``Z_EPS`` standard deviations out
        for the normal family."""
        p = dict(self.params)
        if self.kind == "lognormal":
            with np.errstate(over="ignore"):
                lo, hi = np.exp(p["sigma"] * np.array([Z_EPS, -Z_EPS]))
            return p["median"] * float(lo), p["median"] * float(hi)
        if self.kind == "normal":
            return p["mean"] + p["sd"] * Z_EPS, p["mean"] - p["sd"] * Z_EPS
        return self.support()

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at probabilities ``u`` (array in (0, 1))."""
        return _PPF[self.kind](np.asarray(u, dtype=float), dict(self.params))

    def to_dict(self) -> dict[str, float | str]:
        """Mapping form, round-trips through :func:`parse_dist`."""
        return {"dist": self.kind, **dict(self.params)}


def _ndtri(u: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri  # imported on first sampling (~0.3 s), not at start-up

    return ndtri(u)


def _ppf_lognormal(u: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    return p["median"] * np.exp(p["sigma"] * _ndtri(u))


def _ppf_normal(u: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    return p["mean"] + p["sd"] * _ndtri(u)


def _ppf_triangular(u: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    lo, mode, hi = p["min"], p["mode"], p["max"]
    c = (mode - lo) / (hi - lo)
    # the inverse CDF of scipy.stats.triang, written out (importing scipy.stats costs ~0.8 s)
    x = np.where(u < c, np.sqrt(c * u), 1.0 - np.sqrt((1.0 - c) * (1.0 - u)))
    return x * (hi - lo) + lo


def _ppf_uniform(u: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    return p["min"] + (p["max"] - p["min"]) * u


def _ppf_pert(u: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    lo, mode, hi, lam = p["min"], p["mode"], p["max"], p["lambda"]
    a = 1.0 + lam * (mode - lo) / (hi - lo)
    b = 1.0 + lam * (hi - mode) / (hi - lo)
    from scipy.special import betaincinv

    return lo + (hi - lo) * betaincinv(a, b, u)


_PPF: dict[str, Callable[[np.ndarray, Mapping[str, float]], np.ndarray]] = {
    "lognormal": _ppf_lognormal,
    "normal": _ppf_normal,
    "triangular": _ppf_triangular,
    "uniform": _ppf_uniform,
    "pert": _ppf_pert,
}


def parse_dist(raw: Mapping[str, object], convert: Callable[[object], float]) -> Dist:
    """Build a :class:`Dist` from a scenario mapping.

    Parameters
    ----------
    raw : mapping
        ``{dist: kind, <parameters>}`` as written in the scenario.
    convert : callable
        Turns one written value (number or quantity string) into a float in the
        field's canonical unit; raises ``ValueError`` on bad input.

    Raises
    ------
    ValueError
        Unknown kind, missing or unknown keys, or inconsistent parameters.
    """
    kind = raw.get("dist")
    if not isinstance(kind, str) or kind not in _ALLOWED:
        msg = f"unknown distribution {kind!r}; allowed: {', '.join(KINDS)}"
        raise ValueError(msg)
    required, optional = _ALLOWED[kind]
    keys = set(raw) - {"dist"}
    unknown = keys - required - optional
    if unknown:
        allowed = ", ".join(sorted(required | optional))
        msg = f"{kind} does not take {', '.join(sorted(unknown))}; allowed keys: {allowed}"
        raise ValueError(msg)
    missing = required - keys
    if missing:
        msg = f"{kind} needs {', '.join(sorted(missing))}"
        raise ValueError(msg)
    vals: dict[str, float] = {}
    for key in sorted(keys):
        # sigma and lambda are shape parameters: dimensionless, never unit-converted.
        vals[key] = float(raw[key]) if key in {"sigma", "lambda"} else convert(raw[key])  # type: ignore[arg-type]
        if not np.isfinite(vals[key]):
            msg = f"{kind} parameter {key}={raw[key]!r} is not finite"
            raise ValueError(msg)
    return Dist(kind, _canonical(kind, vals))


def _canonical(kind: str, v: dict[str, float]) -> tuple[tuple[str, float], ...]:
    if kind == "lognormal":
        median = v["median"]
        if median <= 0:
            msg = f"lognormal median must be > 0, got {median}"
            raise ValueError(msg)
        if ("p90" in v) == ("sigma" in v):
            msg = "lognormal needs exactly one of p90 or sigma"
            raise ValueError(msg)
        if "p90" in v:
            if v["p90"] <= median:
                msg = f"lognormal p90 ({v['p90']}) must be greater than median ({median})"
                raise ValueError(msg)
            sigma = float(np.log(v["p90"] / median) / Z90)
        else:
            sigma = v["sigma"]
            if sigma <= 0:
                msg = f"lognormal sigma must be > 0, got {sigma}"
                raise ValueError(msg)
        return (("median", median), ("sigma", sigma))
    if kind == "normal":
        if ("mean" in v) == ("median" in v):
            msg = "normal needs exactly one of mean or median"
            raise ValueError(msg)
        mean = v.get("mean", v.get("median", 0.0))
        if ("sd" in v) == ("p90" in v):
            msg = "normal needs exactly one of sd or p90"
            raise ValueError(msg)
        if "p90" in v:
            if v["p90"] <= mean:
                msg = f"normal p90 ({v['p90']}) must be greater than mean ({mean})"
                raise ValueError(msg)
            sd = (v["p90"] - mean) / Z90
        else:
            sd = v["sd"]
            if sd <= 0:
                msg = f"normal sd must be > 0, got {sd}"
                raise ValueError(msg)
        return (("mean", mean), ("sd", sd))
    if kind == "uniform":
        if not v["min"] < v["max"]:
            msg = f"uniform needs min < max, got min={v['min']}, max={v['max']}"
            raise ValueError(msg)
        return (("min", v["min"]), ("max", v["max"]))
    # triangular, pert
    lo, mode, hi = v["min"], v["mode"], v["max"]
    if not (lo <= mode <= hi and lo < hi):
        msg = f"{kind} needs min <= mode <= max and min < max, got {lo}, {mode}, {hi}"
        raise ValueError(msg)
    out = [("min", lo), ("mode", mode), ("max", hi)]
    if kind == "pert":
        lam = v.get("lambda", 4.0)
        if lam <= 0:
            msg = f"pert lambda must be > 0, got {lam}"
            raise ValueError(msg)
        out.append(("lambda", lam))
    return tuple(out)
