"""AI capex by segment."""

from aiinfra.report.charts import Context, stacked


def build(ctx: Context):
    """Stacked median capex by segment (bn USD/yr)."""
    return stacked(ctx, ctx.ds["capex_segment_usd"], "segment", scale=1e-9, title_key="segments")
