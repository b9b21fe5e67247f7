"""Machinery of the variables registry: :class:`Variable`, ``VARIABLES``, ``register``.

The registrations themselves live in :mod:`aiinfra.variables` (demand, compute,
fleet; the public entry point) and :mod:`aiinfra.variables_supply` (fab, solver,
network, power, economics).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["DY", "DYW", "VARIABLES", "Variable", "register"]


@dataclass(frozen=True)
class Variable:
    """Metadata of one output variable."""

    name: str
    units: str
    dims: tuple[str, ...]
    layer: str
    long_name: str
    description: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly mapping."""
        d = asdict(self)
        d["dims"] = list(self.dims)
        return d


VARIABLES: dict[str, Variable] = {}


def register(
    name: str, units: str, dims: tuple[str, ...], layer: str, long_name: str, description: str = ""
) -> Variable:
    """Add a variable to the registry (names must be unique)."""
    if name in VARIABLES:
        msg = f"variable {name!r} is already registered"
        raise ValueError(msg)
    var = Variable(name, units, dims, layer, long_name, description)
    VARIABLES[name] = var
    return var


DY = ("draw", "year")


DYW = ("draw", "year", "workload")
