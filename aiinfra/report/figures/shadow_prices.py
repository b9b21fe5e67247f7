"""Shadow prices of the LP for one year."""

import altair as alt
import pandas as pd

from aiinfra.report.charts import HEIGHT, WIDTH, Context
from aiinfra.report.i18n import t


def build(ctx: Context):
    """Bars of USD/yr per extra unit of each constraint (all constraints shown)."""
    rows = ctx.extras.get("shadow", [])
    df = pd.DataFrame(rows or [{"constraint": "-", "usd": 0.0}])
    year = ctx.extras.get("shadow_year", "")
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("constraint:N", sort="-x", title=None),
            x=alt.X("usd:Q", title=f"{t('shadow', ctx.lang)} {year}"),
            tooltip=["constraint", "usd"],
        )
        .properties(width=WIDTH, height=HEIGHT, title=f"{t('shadow', ctx.lang)} {year}")
    )
