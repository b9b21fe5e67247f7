"""Binding layer over time: share of draws in which each layer binds."""

import altair as alt

from aiinfra.report.charts import HEIGHT, WIDTH, Context
from aiinfra.report.i18n import category, t


def build(ctx: Context):
    """Stacked bars of the binding-layer share by year."""
    df = ctx.ds["binding_share"].to_dataframe(name="share").reset_index()
    df = df[df["share"] > 0]
    df["binding"] = [category(v, ctx.lang) for v in df["binding"]]
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=t("year", ctx.lang)),
            y=alt.Y("share:Q", stack="zero", title=t("share", ctx.lang)),
            color=alt.Color("binding:N", title=t("category", ctx.lang)),
            tooltip=["year", "binding", "share"],
        )
        .properties(width=WIDTH, height=HEIGHT, title=t("binding", ctx.lang))
    )
