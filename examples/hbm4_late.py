"""What if HBM4 is a year late?

Rubin (the first HBM4 part in the catalog) slips a year: the 2026-27 deployment mix keeps
shipping Blackwell Ultra (GB300, HBM3E) instead, and HBM capacity grows more slowly while
the new generation ramps. Prints the change in deployed XPUs, H100-equivalents and HBM bits.

Run: python examples/hbm4_late.py
"""

from __future__ import annotations

import aiinfra
from aiinfra.scenario import DEFAULT_MIX

base = aiinfra.load_scenario("base")
# the shipped deployment mix with Rubin's 2026-27 share moved to GB300 (kept in 2030)
late_mix = {y: dict(m) for y, m in DEFAULT_MIX.items()}
for year in (2026, 2027):
    slipped = late_mix[year].pop("Rubin", 0.0) * (0.75 if year == 2027 else 1.0)
    late_mix[year]["GB300"] = late_mix[year].get("GB300", 0.0) + slipped
    if year == 2027:
        late_mix[year]["Rubin"] = DEFAULT_MIX[year]["Rubin"] - slipped
late = aiinfra.load_scenario(
    base, {"compute.mix": late_mix, "fab.hbm_share_growth": 0.3, "name": "hbm4-late"}
)

runs = {sc.name: aiinfra.run(sc, draws=200, seed=1) for sc in (base, late)}
print(f"{'year':>6} {'scenario':>10} {'deployed M':>11} {'H100e M':>9} {'HBM EB':>8}")
for year in (2026, 2027, 2028):
    for name, ds in runs.items():
        d = ds.sel(year=year)
        print(
            f"{year:>6} {name:>10} {float(d.shipments_total.median()) / 1e6:>11.1f} "
            f"{float(d.installed_h100e.median()) / 1e6:>9.1f} "
            f"{float(d.hbm_bits.median()) / 8e18:>8.2f}"
        )
