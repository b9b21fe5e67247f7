import re
import struct

import pytest
from typer.testing import CliRunner

from aiinfra.cli import app
from aiinfra.report.figures import FIGURES
from aiinfra.report.i18n import fmt

EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I
)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("lang", ["en", "de"])
def test_report_offline_with_every_figure(tmp_path, lang):
    out = tmp_path / lang
    res = CliRunner().invoke(app, ["report", "--out", str(out), "--lang", lang, "--draws", "40"])
    assert res.exit_code == 0, res.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert "<script" not in page.lower()
    for name in FIGURES:
        assert f'id="fig-{name}"' in page, name
        png = (out / "figures" / f"{name}.png").read_bytes()
        w, h = _png_size(png)
        assert w >= 2 * 560 and h >= 2 * 300, (name, w, h)
        assert len(png) > 10_000
    assert page.count("<svg") == len(FIGURES)
    if lang == "de":
        assert "Abgleich" in page and "Jahr" in page
    else:
        assert "Reconciliation" in page


def test_locale_number_format():
    assert fmt(1234.5, "en", 5) == "1,234.5"
    assert fmt(1234.5, "de", 5) == "1.234,5"
    assert fmt(0.5, "de") == "0,500"


def test_report_rejects_bad_lang(tmp_path):
    res = CliRunner().invoke(app, ["report", "--lang", "fr", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "--lang" in res.stderr


def test_fan_has_a_legend_and_stops_at_the_seed_horizon():
    import aiinfra
    from aiinfra.report.charts import Context
    from aiinfra.report.figures import FIGURES

    ds = aiinfra.run("base", draws=20, seed=1)
    spec = FIGURES["f2_shipments"].build(Context(ds=ds, lang="en")).to_dict()
    text = str(spec)
    for entry in ("median (demand path)", "50 % band", "90 % band", "shipped", "seed figure"):
        assert entry in text, entry
    years = {row["year"] for d in spec["datasets"].values() for row in d if "year" in row}
    assert max(years) == 2030
    f7 = str(FIGURES["f7_dc_capacity"].build(Context(ds=ds, lang="de")).to_dict())
    assert "ohne China" in f7 and "ex_china" not in f7
    tornado = (
        FIGURES["tornado"]
        .build(Context(ds=ds, lang="en", extras={"tornado": [{"field": "a", "swing": 1e9}]}))
        .to_dict()
    )
    assert tornado["encoding"]["x"]["title"] != tornado["title"]


def test_report_counts_draws_and_lists_sources(tmp_path):
    import aiinfra
    from aiinfra.report.html import build_report

    paths = build_report(aiinfra.load_scenario("base"), tmp_path, lang="en", draws=40, seed=0)
    page = paths["report"].read_text()
    assert "40 draws" in page and "40.000" not in page
    assert "<th>source or rationale</th>" in page


def test_track_record_puts_observations_over_the_model_band():
    import aiinfra
    from aiinfra.report.figures import track_record

    ds = aiinfra.run("base", draws=50, seed=2)
    rows = track_record.rows(ds)
    layers = {r["layer"] for r in rows}
    assert len(rows) >= 40 and len(layers) >= 7
    for r in rows:
        assert 0 < r["model_lo"] <= 1.0 <= r["model_hi"]  # the band brackets its median
        assert r["obs_lo"] < r["obs"] < r["obs_hi"]
    # a run without the variables (a lean mc output) still draws, with fewer rows
    assert len(track_record.rows(ds[["arr_usd"]])) < len(rows)
