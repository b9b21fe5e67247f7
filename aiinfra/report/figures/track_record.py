"""How well the model explains what was observed: observations over the model's band.

Every row of ``data/observations.csv`` whose variable the run holds is drawn relative to
the model's median for it, so one axis serves all units: the model's 5-95 % band (grey)
and the observation with its 90 % interval (points by status), one panel per layer. A
point inside the grey bar is explained; guidance rows (2026) are forecasts, not data.
"""

import altair as alt
import numpy as np
import pandas as pd

from aiinfra.backtest import load_observations
from aiinfra.calibrate import observation_draws
from aiinfra.report.charts import Context
from aiinfra.report.i18n import t

Z90 = 1.645


def rows(ds) -> list[dict]:
    """One record per observation the dataset can score: ratios to the model median."""
    out = []
    for obs in load_observations():
        if obs["variable"] not in ds or obs["year"] not in ds["year"].values:
            continue
        try:
            draws = observation_draws(ds, obs)
        except KeyError:
            continue
        p5, p50, p95 = np.percentile(draws, [5, 50, 95])
        if not p50 > 0:
            continue
        spread = np.exp(Z90 * np.log1p(obs["rel_sigma"]))
        label = obs["variable"] + (f" [{obs['category']}]" if obs["category"] else "")
        out.append(
            {
                "layer": obs["layer"],
                "year": obs["year"],
                "observation": f"{label} {obs['year']}",
                "status": obs["status"],
                "model_lo": p5 / p50,
                "model_hi": p95 / p50,
                "obs": obs["value"] / p50,
                "obs_lo": obs["value"] / spread / p50,
                "obs_hi": obs["value"] * spread / p50,
            }
        )
    return out


def build(ctx: Context):
    """Per layer: model band and observations, as ratios to the model median (log)."""
    df = pd.DataFrame(rows(ctx.ds))
    if df.empty:
        df = pd.DataFrame(
            [dict.fromkeys(("model_lo", "model_hi", "obs", "obs_lo", "obs_hi"), 1.0)]
        ).assign(layer="-", year=2025, observation="-", status="observed")
    scale = alt.Scale(type="log", domain=[0.1, 10], clamp=True)
    x = alt.X("obs:Q", scale=scale, title=t("track_axis", ctx.lang))
    base = alt.Chart().encode(y=alt.Y("observation:N", sort=None, title=None))
    band = base.mark_bar(size=10, color="#d0d0d0").encode(
        x=alt.X("model_lo:Q", scale=scale, title=t("track_axis", ctx.lang)), x2="model_hi:Q"
    )
    err = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("obs_lo:Q", scale=scale), x2="obs_hi:Q", color=alt.Color("status:N", title=None)
    )
    points = base.mark_point(filled=True, size=50).encode(
        x=x, color="status:N", tooltip=list(df.columns)
    )
    return (
        alt.layer(band, err, points, data=df)
        .properties(width=520)
        .facet(row=alt.Row("layer:N", title=None, header=alt.Header(labelAngle=0)))
        .resolve_scale(y="independent")
        .properties(title=t("track", ctx.lang))
    )
