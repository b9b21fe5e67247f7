"""Scenario field type for physical quantities that may be uncertain.

``Q("USD/Mtok")`` is a pydantic-compatible annotated type. It accepts a bare
number (already in the canonical unit), a quantity string with units, or a
distribution mapping, and stores a ``float`` or a :class:`~aiinfra.distributions.Dist`
in canonical units. Range limits (``ge``, ``gt``, ``le``, ``lt``) are checked
against a bare value, or against a distribution's point value and bounded
support.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from aiinfra.distributions import KINDS, Dist, parse_dist
from aiinfra.units import to_canonical

__all__ = ["MAX_ABS", "Param", "Q", "QSpec", "point"]

Param = float | Dist
MAX_ABS = 1e40  # no physical input of the model comes near; larger values are typos or attacks


@dataclass(frozen=True)
class QSpec:
    """Canonical unit and allowed range of a quantity field."""

    unit: str
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def describe_range(self) -> str:
        """Human-readable allowed range, e.g. ``>= 0 and <= 1``."""
        parts = []
        if self.ge is None and self.gt is None:
            parts.append(f">= {-MAX_ABS:g}")
        if self.ge is not None:
            parts.append(f">= {self.ge:g}")
        if self.gt is not None:
            parts.append(f"> {self.gt:g}")
        if self.le is not None:
            parts.append(f"<= {self.le:g}")
        if self.lt is not None:
            parts.append(f"< {self.lt:g}")
        if self.le is None and self.lt is None:
            parts.append(f"<= {MAX_ABS:g}")
        return " and ".join(parts)

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies in the allowed range (and below :data:`MAX_ABS` in size)."""
        if not abs(x) <= MAX_ABS:
            return False
        return not (
            (self.ge is not None and x < self.ge)
            or (self.gt is not None and x <= self.gt)
            or (self.le is not None and x > self.le)
            or (self.lt is not None and x >= self.lt)
        )

    def bounds(self) -> tuple[float, float]:
        """Closed interval used to clip samples."""
        lo = self.ge if self.ge is not None else self.gt if self.gt is not None else -math.inf
        hi = self.le if self.le is not None else self.lt if self.lt is not None else math.inf
        return lo, hi

    @property
    def _u(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def validate(self, value: Any) -> Param:
        """Convert ``value`` to canonical units and check the range."""
        unit_txt = self.unit or "dimensionless"
        if isinstance(value, Dist):
            return value
        if isinstance(value, Mapping):
            dist = parse_dist(value, lambda v: to_canonical(v, self.unit))
            pt = dist.point()
            if not self.contains(pt):
                msg = (
                    f"distribution point value {pt:g}{self._u} is out of range; "
                    f"allowed: {self.describe_range()}"
                )
                raise ValueError(msg)
            lo, hi = dist.support()
            if any(abs(v) > MAX_ABS for _, v in dist.params):
                msg = f"distribution parameters must be at most {MAX_ABS:g} in size"
                raise ValueError(msg)
            tails = dist.extremes()  # what a seeded design can draw at u = eps, 1 - eps
            if not all(abs(t) <= MAX_ABS for t in tails):
                msg = (
                    f"distribution is too wide: its extreme draws reach {tails[0]:.3g} and "
                    f"{tails[1]:.3g}{self._u}; keep them within ±{MAX_ABS:g}"
                )
                raise ValueError(msg)
            if dist.kind in {"triangular", "uniform", "pert"} and not (
                self.contains(lo) and self.contains(hi)
            ):
                msg = (
                    f"distribution range [{lo:g}, {hi:g}]{self._u} leaves the allowed "
                    f"range ({self.describe_range()})"
                )
                raise ValueError(msg)
            return dist
        if isinstance(value, list | tuple):
            msg = f"expected a number, a quantity in {unit_txt} or a distribution, got a list"
            raise ValueError(msg)
        x = to_canonical(value, self.unit)
        if not self.contains(x):
            msg = f"value {value!r} is out of range; allowed: {self.describe_range()}{self._u}"
            raise ValueError(msg)
        return x


def _serialize(v: Param) -> Any:
    return v.to_dict() if isinstance(v, Dist) else v


def _json_schema(spec: QSpec) -> dict[str, Any]:
    num: dict[str, Any] = {"type": "number"}
    for key, js in (("ge", "minimum"), ("le", "maximum")):
        if getattr(spec, key) is not None:
            num[js] = getattr(spec, key)
    for key, js in (("gt", "exclusiveMinimum"), ("lt", "exclusiveMaximum")):
        if getattr(spec, key) is not None:
            num[js] = getattr(spec, key)
    return {
        "anyOf": [
            num,
            {"type": "string", "description": f"quantity convertible to {spec.unit or '1'}"},
            {
                "type": "object",
                "properties": {"dist": {"enum": list(KINDS)}},
                "required": ["dist"],
            },
        ],
        "x-unit": spec.unit,
    }


def Q(
    unit: str,
    *,
    ge: float | None = 0.0,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
) -> Any:
    """Annotated type for a quantity field in canonical ``unit``.

    Non-negative by default (``ge=0``); pass ``ge=None`` to allow negatives.
    """
    if gt is not None:
        ge = None
    spec = QSpec(unit, ge=ge, gt=gt, le=le, lt=lt)
    return Annotated[
        Param,
        PlainValidator(spec.validate),
        PlainSerializer(_serialize),
        WithJsonSchema(_json_schema(spec)),
        spec,
    ]


def point(value: Param) -> float:
    """Point value of a field: the number itself, or a distribution's median/mode."""
    return value.point() if isinstance(value, Dist) else float(value)
