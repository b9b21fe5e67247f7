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
