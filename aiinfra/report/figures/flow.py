"""From tokens to watts: how each stage scales from 2025 to 2030 (Sankey-like chain)."""

import altair as alt
import numpy as np
import pandas as pd

from aiinfra.report.charts import HEIGHT, WIDTH, Context
from aiinfra.report.i18n import t

STAGES = [
    ("tokens", "tokens_total"),
    ("XPUs", "installed_total"),
    ("logic wafers", "logic_wafers"),
    ("CoWoS wafers", "cowos_wafers_total"),
    ("transceivers", "transceivers"),
    ("facility MW", "facility_power_w"),
    ("TWh", "ai_dc_energy_twh"),
]


def build(ctx: Context):
    """Bars of each stage in 2030 relative to 2025 (median), tokens first, watts last."""
    ds = ctx.ds
    rows = []
    for i, (label, var) in enumerate(STAGES):
        da = ds[var]
        extra = [d for d in da.dims if d not in ("draw", "year")]
        if extra:
            da = da.sum(extra)
        a = np.median(da.sel(year=2030).values)
        b = np.median(da.sel(year=2025).values)
        rows.append({"stage": f"{i + 1}. {label}", "x": float(a / b) if b else 0.0})
    df = pd.DataFrame(rows)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("stage:N", sort=None, title=None),
            y=alt.Y("x:Q", scale=alt.Scale(type="log"), title="2030 / 2025"),
            tooltip=["stage", "x"],
        )
        .properties(width=WIDTH, height=HEIGHT, title=t("flow", ctx.lang))
    )
