"""Seed figure 7: AI data-centre capacity ex-China."""

from aiinfra.report.charts import Context, stacked


def build(ctx: Context):
    """Stacked energised capacity by region (GW facility); seed 16 GW and 60 GW ex-China."""
    return stacked(
        ctx,
        ctx.ds["dc_capacity_mw"],
        "region",
        scale=1e-3,
        title_key="f7",
        seed=[(2025, 16), (2028, 60)],
    )
