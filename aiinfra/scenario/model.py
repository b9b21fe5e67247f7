"""The complete scenario: every section together."""

from __future__ import annotations

from pydantic import Field, model_validator

from aiinfra.scenario.base import Section
from aiinfra.scenario.compute import ComputeSection
from aiinfra.scenario.demand import DemandSection, HorizonSection
from aiinfra.scenario.supply import (
    EconomicsSection,
    FabSection,
    FleetSection,
    NetworkSection,
    PowerSection,
    UncertaintySection,
)


# --------------------------------------------------------------------------- scenario
class Scenario(Section):
    """A complete aiinfra scenario."""

    @model_validator(mode="after")
    def _check_correlations(self) -> Scenario:
        if not self.uncertainty.correlations:
            return self
        from aiinfra.uncertainty import uncertain_fields

        known = {".".join(p) for p, _, _ in uncertain_fields(self)}
        for c in self.uncertainty.correlations:
            for end in (c.a, c.b):
                if end not in known:
                    msg = (
                        f"correlation field {end!r} is not a distribution in this scenario; "
                        f"uncertain fields: {', '.join(sorted(known)) or 'none'}"
                    )
                    raise ValueError(msg)
            if c.a == c.b:
                msg = f"correlation needs two different fields, got {c.a!r} twice"
                raise ValueError(msg)
        import numpy as np

        index = {p: i for i, p in enumerate(sorted(known))}
        corr = np.eye(len(index))
        for c in self.uncertainty.correlations:
            corr[index[c.a], index[c.b]] = corr[index[c.b], index[c.a]] = c.rho
        if np.linalg.eigvalsh(corr).min() <= 0:
            msg = "correlations are not consistent (matrix not positive definite)"
            raise ValueError(msg)
        return self

    name: str = Field("unnamed", max_length=200, description="Short scenario name.")
    description: str = Field("", max_length=5000, description="Narrative and sources.")
    horizon: HorizonSection = HorizonSection()
    demand: DemandSection
    compute: ComputeSection = ComputeSection()
    fleet: FleetSection = FleetSection()
    fab: FabSection = FabSection()
    network: NetworkSection = NetworkSection()
    power: PowerSection = PowerSection()
    economics: EconomicsSection = EconomicsSection()
    uncertainty: UncertaintySection = UncertaintySection()

    @property
    def years(self) -> list[int]:
        """Simulated years."""
        return self.horizon.years


_TOP_KEYS = frozenset({*Scenario.model_fields, "extends"})
