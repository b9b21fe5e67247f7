"""Seed figure 3: WFE spend by application."""

from aiinfra.report.charts import Context, stacked


def build(ctx: Context):
    """Stacked WFE by application (demand path, bn USD); seed ~160 bn USD in 2027."""
    return stacked(
        ctx, ctx.ds["wfe_usd_demand"], "application", scale=1e-9, title_key="f3", seed=[(2027, 160)]
    )
