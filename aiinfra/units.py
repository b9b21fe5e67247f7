"""Unit handling: one pint registry with the domain units aiinfra needs.

Scenario quantities may be written as strings with units (``"1.2 kW"``,
``"0.5 USD/Mtok"``); :func:`to_canonical` converts them to the canonical unit a
field declares, or raises :class:`ValueError` with a message that names the
expected dimension.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint

__all__ = ["describe_dimension", "registry", "to_canonical"]

_DEFINITIONS = """
USD = [currency]
kUSD = 1e3 USD
MUSD = 1e6 USD
BUSD = 1e9 USD
token = [tokens] = tok = tokens
Mtok = 1e6 token
Btok = 1e9 token
FLOP = [computation] = flop
user = [] = users
wafer = [wafers] = wafers
device = [devices] = devices = XPU
"""


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """Return the shared unit registry (built once, lazily: building it costs ~1 s)."""
    import pint

    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


def to_canonical(value: object, unit: str) -> float:
    """Convert a number or a quantity string to ``unit`` and return a float.

    Parameters
    ----------
    value : float, int or str
        A bare number (already in ``unit``) or a string such as ``"1.2 kW"``.
    unit : str
        Canonical unit of the field, e.g. ``"W"``, ``"USD/Mtok"``, ``""`` for
        dimensionless.

    Returns
    -------
    float
        The magnitude in ``unit``.
    """
    if isinstance(value, bool):
        msg = f"expected a number or a quantity in {unit or 'dimensionless'}, got a boolean"
        raise ValueError(msg)
    if isinstance(value, int | float):
        out = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            msg = "empty string is not a quantity"
            raise ValueError(msg)
        try:
            out = float(text)
        except ValueError:
            out = _parse_quantity(text, unit)
    else:
        msg = f"expected a number or a quantity string, got {type(value).__name__}"
        raise ValueError(msg)
    if not math.isfinite(out):
        msg = f"value {value!r} is not finite"
        raise ValueError(msg)
    return out


_QUANTITY = re.compile(
    r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?(\s*[A-Za-z%µΩ(][A-Za-z0-9_%µΩ/*^(). -]*)?$"
)


def _same_unit(text: str, unit: str) -> float | None:
    """The magnitude of ``text`` when it is written in ``unit`` itself, else None."""
    number, _, rest = text.partition(" ")
    if not unit or rest.strip() != unit:
        return None
    try:
        return float(number)
    except ValueError:
        return None


def _parse_quantity(text: str, unit: str) -> float:
    if len(text) > 200:
        msg = "quantity string longer than 200 characters"
        raise ValueError(msg)
    if not _QUANTITY.match(text):
        msg = f"cannot parse {text!r} as a quantity: write a number and a unit, e.g. '1.2 kW'"
        raise ValueError(msg)
    same = _same_unit(text, unit)
    if same is not None:  # already canonical: no need to build the registry
        return same
    import pint

    ureg = registry()
    try:
        q = ureg.Quantity(text)
    except Exception as exc:  # pint raises many types on garbage input
        msg = f"cannot parse {text!r} as a quantity ({type(exc).__name__})"
        raise ValueError(msg) from None
    target = ureg.Unit(unit) if unit else ureg.dimensionless
    try:
        return float(q.to(target).magnitude)
    except pint.DimensionalityError:
        want = describe_dimension(unit) if unit else "a plain number (dimensionless)"
        example = f" such as {unit}" if unit else ""
        msg = f"{text!r} is {describe_dimension(str(q.units))}; this field needs {want}{example}"
        raise ValueError(msg) from None
    except Exception as exc:
        msg = f"cannot convert {text!r} to {unit or 'dimensionless'} ({type(exc).__name__})"
        raise ValueError(msg) from None


# kinds of quantity in words, each with a unit of that kind (first match wins)
_KINDS = (
    ("a plain number (dimensionless)", ""),
    ("a power", "W"),
    ("an energy", "Wh"),
    ("a power added per year", "W/year"),
    ("a time", "s"),
    ("a rate per year", "1/year"),
    ("a length", "m"),
    ("an area", "m**2"),
    ("a mass", "kg"),
    ("an amount of money", "USD"),
    ("money per year", "USD/year"),
    ("a price per million tokens", "USD/Mtok"),
    ("money per unit of power", "USD/W"),
    ("money per unit of energy", "USD/Wh"),
    ("a number of tokens", "token"),
    ("tokens per second", "token/s"),
    ("tokens per year", "token/year"),
    ("tokens per day", "token/day"),
    ("an amount of compute", "FLOP"),
    ("a compute rate", "FLOP/s"),
    ("an amount of data", "byte"),
    ("a bandwidth", "byte/s"),
    ("a number of wafers", "wafer"),
    ("wafers per month", "wafer/month"),
    ("a number of devices", "device"),
    ("devices per year", "device/year"),
)


def describe_dimension(unit: str) -> str:
    """The kind of quantity ``unit`` measures, in words ("a power", "an energy", ...)."""
    ureg = registry()
    try:
        dims = ureg.Unit(unit).dimensionality if unit else ureg.dimensionless.dimensionality
    except Exception:  # an unknown unit: say so plainly
        return f"a quantity in {unit}"
    for words, ref in _KINDS:
        ref_dims = ureg.Unit(ref).dimensionality if ref else ureg.dimensionless.dimensionality
        if dims == ref_dims:
            return words
    return f"a quantity in {unit}"
