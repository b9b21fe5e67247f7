"""What the bottleneck solver does each year: chips waiting, early retirements, bridge power."""

import altair as alt
import pandas as pd

from aiinfra.report.charts import HEIGHT, WIDTH, Context
from aiinfra.report.i18n import category, t

# (variable, scale to the plotted unit, unit label)
SERIES = (
    ("xpus_waiting_power", 1e-6, "M units"),
    ("early_retirements", 1e-6, "M units/yr"),
    ("bridge_power", 1e-3, "GW"),
)


def build(ctx: Context):
    """Median lines per year (one panel per quantity, own unit)."""
    ds = ctx.ds
    rows = []
    for name, scale, unit in SERIES:
        if name == "bridge_power" and "power_supply_mw" in ds:
            da = ds["power_supply_mw"].isel(source=slice(1, None)).sum("source")
        elif name in ds:
            da = ds[name]
        else:
            continue
        med = da.median("draw").values * scale
        label = f"{category(name, ctx.lang)} ({unit})"
        rows += [
            {"year": int(y), "value": float(v), "series": label}
            for y, v in zip(ds.year.values, med, strict=True)
        ]
    df = pd.DataFrame(rows or [{"year": 0, "value": 0.0, "series": "-"}])
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=t("year", ctx.lang)),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", title=None),
            tooltip=["year", "series", "value"],
        )
        .properties(width=WIDTH, height=HEIGHT // 2, title=t("solver", ctx.lang))
        .facet(row=alt.Row("series:N", title=None))
        .resolve_scale(y="independent")
    )
