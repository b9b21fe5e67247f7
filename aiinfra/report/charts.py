"""Chart helpers shared by the figure modules (Altair specs, rendered by vl-convert)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from aiinfra.report.i18n import LOCALES, category, t

__all__ = ["Context", "fan", "render_png", "render_svg", "stacked"]

WIDTH, HEIGHT = 560, 300
PNG_SCALE = 2


@dataclass
class Context:
    """What the figure modules draw from."""

    ds: xr.Dataset
    lang: str = "en"
    extras: dict[str, Any] = field(default_factory=dict)


LAST_SEED_YEAR = 2030  # the seed's figures end in 2030


def _quantiles(values: np.ndarray) -> dict[str, np.ndarray]:
    q = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    return dict(zip(("p5", "p25", "p50", "p75", "p95"), q, strict=True))


def fan(
    ctx: Context,
    da: xr.DataArray,
    *,
    scale: float,
    title_key: str,
    seed: list[tuple[float, float]] | None = None,
    extra_line: tuple[str, xr.DataArray] | None = None,
    last_year: int = LAST_SEED_YEAR,
) -> alt.Chart:
    """Median line with 50 % and 90 % bands over years (up to ``last_year``, the seed
    figures' horizon, so later growth does not squash the years the seed speaks of);
    an optional dashed median of a second series; seed values as red points. Every mark
    has a legend entry."""
    lang = ctx.lang
    da = da.sel(year=[y for y in da["year"].values if y <= last_year])
    years = da["year"].values
    q = _quantiles(da.transpose("draw", "year").values * scale)
    names = {
        "median": t("band_median", lang) if extra_line is not None else t("median", lang),
        "band50": t("band50", lang),
        "band90": t("band90", lang),
        "seed": t("seed", lang),
    }
    domain = [names["median"], names["band50"], names["band90"]]
    colours = ["#1f77b4", "#8fb9dc", "#d2e3f1"]
    if extra_line is not None:
        domain.append(extra_line[0])
        colours.append("#555555")
    if seed:
        domain.append(names["seed"])
        colours.append("#d62728")
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(title=None, orient="top-left"),
    )
    df = pd.DataFrame({"year": years, **q})
    base = alt.Chart(df).encode(x=alt.X("year:O", title=t("year", lang)))
    layers = [
        base.mark_area(opacity=0.5)
        .transform_calculate(series=f"'{names['band90']}'")
        .encode(y="p5:Q", y2="p95:Q", color=colour),
        base.mark_area(opacity=0.6)
        .transform_calculate(series=f"'{names['band50']}'")
        .encode(y="p25:Q", y2="p75:Q", color=colour),
        base.mark_line()
        .transform_calculate(series=f"'{names['median']}'")
        .encode(y=alt.Y("p50:Q", title=t(title_key, lang)), color=colour, tooltip=["year", "p50"]),
    ]
    if extra_line is not None:
        label, other = extra_line
        other = other.sel(year=list(years))
        med = np.median(other.transpose("draw", "year").values * scale, axis=0)
        d2 = pd.DataFrame({"year": years, "value": med, "series": label})
        layers.append(
            alt.Chart(d2).mark_line(strokeDash=[5, 3]).encode(x="year:O", y="value:Q", color=colour)
        )
    if seed:
        sd = pd.DataFrame(
            {
                "year": [int(y) for y, _ in seed],
                "value": [v for _, v in seed],
                "series": names["seed"],
            }
        )
        layers.append(
            alt.Chart(sd)
            .mark_point(size=90, filled=True)
            .encode(x="year:O", y="value:Q", color=colour, tooltip=["year", "value"])
        )
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=t(title_key, lang))


def stacked(
    ctx: Context,
    da: xr.DataArray,
    dim: str,
    *,
    scale: float,
    title_key: str,
    seed: list[tuple[float, float]] | None = None,
) -> alt.Chart:
    """Stacked areas of the median by category; seed totals as red points."""
    lang = ctx.lang
    med = da.median("draw").transpose("year", dim) * scale
    df = med.to_dataframe(name="value").reset_index()
    df[dim] = [category(v, lang) for v in df[dim]]
    area = (
        alt.Chart(df)
        .mark_area()
        .encode(
            x=alt.X("year:O", title=t("year", lang)),
            y=alt.Y("value:Q", stack="zero", title=t(title_key, lang)),
            color=alt.Color(f"{dim}:N", title=t("category", lang)),
            tooltip=["year", dim, "value"],
        )
    )
    layers = [area]
    if seed:
        sd = pd.DataFrame({"year": [int(y) for y, _ in seed], "value": [v for _, v in seed]})
        layers.append(
            alt.Chart(sd)
            .mark_point(color="#d62728", size=90, filled=True)
            .encode(x="year:O", y="value:Q")
        )
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=t(title_key, lang))


def render_svg(chart: alt.Chart, lang: str) -> str:
    """SVG text of a chart (numbers formatted for ``lang``)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_json(), format_locale=LOCALES.get(lang, "en-US"))


def render_png(chart: alt.Chart, lang: str) -> bytes:
    """PNG bytes of a chart at 2x scale."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(
        chart.to_json(), scale=PNG_SCALE, format_locale=LOCALES.get(lang, "en-US")
    )


def frontier_chart(points: list[dict[str, Any]], title: str) -> alt.Chart:
    """Throughput-interactivity Pareto curve: tokens/s per device against tokens/s per
    user, one line per precision, each point a configuration (TP, batch, load)."""
    df = pd.DataFrame(points)
    return (
        alt.Chart(df)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=alt.X("tokens_per_s_per_user:Q", title="tokens/s per user (interactivity)"),
            y=alt.Y("tokens_per_s_per_device:Q", title="tokens/s per device (throughput)"),
            color=alt.Color("precision:N", title="precision"),
            tooltip=list(df.columns),
        )
        .properties(width=WIDTH, height=HEIGHT, title=title)
    )
