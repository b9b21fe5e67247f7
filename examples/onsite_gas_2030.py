"""How much on-site gas generation would 2030 need?

Compares the base scenario with a slower grid (six-year interconnection queue) and reports
the on-site generation by technology, the gas it burns and its CO2 in 2030, with the
5-95 % range over 300 Monte Carlo draws.

Run: python examples/onsite_gas_2030.py
"""

from __future__ import annotations

import aiinfra

for grid_lead in (4, 6):
    ds = aiinfra.run("base", draws=300, seed=2, overrides=[f"power.grid_lead_years={grid_lead}"])
    d = ds.sel(year=2030)
    onsite = d.power_supply_mw.drop_sel(source="grid")
    total = onsite.sum("source") / 1e3
    lo, med, hi = (float(total.quantile(q)) for q in (0.05, 0.5, 0.95))
    print(f"grid queue {grid_lead} years: on-site generation {med:.1f} GW ({lo:.1f}-{hi:.1f})")
    for src in onsite.source.values:
        print(f"    {src:<20} {float(onsite.sel(source=src).median()) / 1e3:6.1f} GW")
    gas = float(d.onsite_fuel_mmbtu.median()) / 1e6 * 1.055  # MMBtu -> PJ (1 MMBtu = 1.055 GJ)
    co2 = float(d.co2_t.median()) / 1e6
    print(f"    gas burnt {gas:,.0f} PJ/yr; CO2 of AI data centres {co2:,.0f} Mt")
