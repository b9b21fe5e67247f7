"""Chart helpers shared by the figure modules (Altair specs, rendered by vl-convert)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from aiinfra.report.i18n import LOCALES, t

__all__ = ["Context", "fan", "render_png", "render_svg", "stacked"]

WIDTH, HEIGHT = 560, 300
PNG_SCALE = 2


@dataclass
class Context:
    """What the figure modules draw from."""

    ds: xr.Dataset
    lang: str = "en"
    extras: dict[str, Any] = field(default_factory=dict)


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
) -> alt.Chart:
    """Median line with 50 % and 90 % bands over years; seed values as red points."""
    lang = ctx.lang
    years = da["year"].values
    q = _quantiles(da.transpose("draw", "year").values * scale)
    df = pd.DataFrame({"year": years, **q})
    base = alt.Chart(df).encode(x=alt.X("year:O", title=t("year", lang)))
    layers = [
        base.mark_area(opacity=0.18, color="#1f77b4").encode(y="p5:Q", y2="p95:Q"),
        base.mark_area(opacity=0.3, color="#1f77b4").encode(y="p25:Q", y2="p75:Q"),
        base.mark_line(color="#1f77b4").encode(
            y=alt.Y("p50:Q", title=t(title_key, lang)), tooltip=["year", "p50"]
        ),
    ]
    if extra_line is not None:
        label, other = extra_line
        med = np.median(other.transpose("draw", "year").values * scale, axis=0)
        d2 = pd.DataFrame({"year": years, "value": med, "series": label})
        layers.append(
            alt.Chart(d2)
            .mark_line(strokeDash=[5, 3], color="#555")
            .encode(x="year:O", y="value:Q", detail="series:N")
        )
    if seed:
        sd = pd.DataFrame({"year": [int(y) for y, _ in seed], "value": [v for _, v in seed]})
        layers.append(
            alt.Chart(sd)
            .mark_point(color="#d62728", size=90, filled=True)
            .encode(x="year:O", y="value:Q", tooltip=["year", "value"])
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
    df[dim] = df[dim].astype(str)
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
