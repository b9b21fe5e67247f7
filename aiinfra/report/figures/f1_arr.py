"""Seed figure 1: ARR of leading LLM providers."""

from aiinfra.report.charts import Context, fan


def build(ctx: Context):
    """Fan chart of ARR (bn USD) with the seed's April 2026 and 2030 values."""
    return fan(ctx, ctx.ds["arr_usd"], scale=1e-9, title_key="f1", seed=[(2026, 30), (2030, 300)])
