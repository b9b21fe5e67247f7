"""Seed figure 6: XPU capacity of LLM providers (inference)."""

from aiinfra.report.charts import Context, fan
from aiinfra.report.i18n import t


def build(ctx: Context):
    """Fan of LLM-provider inference IT power (GW) with the demand path dashed; seed 50 GW."""
    ds = ctx.ds
    return fan(
        ctx,
        ds["llm_provider_capacity_w"].sel(use="inference"),
        scale=1e-9,
        title_key="f6",
        seed=[(2030, 50)],
        extra_line=(
            t("demand_path", ctx.lang),
            ds["llm_provider_capacity_w_demand"].sel(use="inference"),
        ),
    )
