"""Seed figure 4: CoWoS wafers by company."""

from aiinfra.report.charts import Context, stacked


def build(ctx: Context):
    """Stacked CoWoS wafers by company (demand path); seed marker at 10x the 2023 total."""
    da = ctx.ds["cowos_wafers_demand"]
    base = float(da.sum("company").sel(year=2023).median()) / 1e3
    return stacked(ctx, da, "company", scale=1e-3, title_key="f4", seed=[(2027, 10 * base)])
