"""What if HBM4 is a year late?

Rubin (the first HBM4 part in the catalog) slips a year: the 2026-27 deployment mix keeps
shipping Blackwell Ultra (GB300, HBM3E) instead, and HBM capacity grows more slowly while
the new generation ramps. Prints the change in deployed XPUs, H100-equivalents and HBM bits.

Run: python examples/hbm4_late.py
"""

from __future__ import annotations

import aiinfra

base = aiinfra.load_scenario("base")
late_mix = {
    2026: {
        "GB300": 0.36,
        "B200": 0.06,
        "MI355X": 0.05,
        "TPU-v7": 0.2,
        "Trainium3": 0.1,
        "Trainium2": 0.05,
        "custom-ASIC": 0.18,
    },
    2027: {
        "Rubin": 0.1,
        "GB300": 0.38,
        "MI355X": 0.06,
        "TPU-v7": 0.2,
        "Trainium3": 0.12,
        "custom-ASIC": 0.14,
    },
    2030: {"Rubin": 0.5, "MI355X": 0.06, "TPU-v7": 0.18, "Trainium3": 0.1, "custom-ASIC": 0.16},
}
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
