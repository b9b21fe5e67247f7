"""Tornado of the most influential inputs."""

import altair as alt
import pandas as pd

from aiinfra.report.charts import HEIGHT, WIDTH, Context
from aiinfra.report.i18n import t


def build(ctx: Context):
    """Horizontal bars of the output swing between each input's p10 and p90."""
    rows = ctx.extras.get("tornado", [])[:12]
    df = pd.DataFrame(
        [{"input": r["field"], "swing": r["swing"] / 1e9} for r in rows]
        or [{"input": "-", "swing": 0.0}]
    )
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y(
                "input:N",
                sort=alt.EncodingSortField("swing", op="max", order="descending"),
                title=None,
            ),
            x=alt.X("swing:Q", title=t("swing_axis", ctx.lang)),
            color=alt.condition("datum.swing > 0", alt.value("#1f77b4"), alt.value("#d62728")),
        )
        .properties(width=WIDTH, height=HEIGHT, title=t("tornado", ctx.lang))
    )
