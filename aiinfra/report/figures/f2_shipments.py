"""Seed figure 2: XPU unit shipments (demand path and shipped)."""

from aiinfra.report.charts import Context, fan
from aiinfra.report.i18n import t


def build(ctx: Context):
    """Fan of orders (demand path) with the shipped median dashed; seed 5 M and 25 M."""
    ds = ctx.ds
    return fan(
        ctx,
        ds["shipments_total_demand"],
        scale=1e-6,
        title_key="f2",
        seed=[(2023, 5), (2027, 25)],
        extra_line=(t("shipped", ctx.lang), ds["shipments_total"]),
    )
