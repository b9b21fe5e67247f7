"""Seed figure 5: optical transceivers by speed class."""

from aiinfra.report.charts import Context, stacked


def build(ctx: Context):
    """Stacked transceivers by speed (demand path, M/yr); seed 800G 25 M and 112 M."""
    return stacked(
        ctx,
        ctx.ds["transceivers_demand"],
        "speed",
        scale=1e-6,
        title_key="f5",
        seed=[(2025, 25), (2027, 112)],
    )
