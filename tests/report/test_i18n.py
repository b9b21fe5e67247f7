"""Every user-facing label exists in English and German; numbers read as people write them."""

from __future__ import annotations

import ast
from pathlib import Path

from typer.testing import CliRunner

from aiinfra.cli import app
from aiinfra.report.i18n import LABELS, fmt, human

PKG = Path(__file__).resolve().parents[2] / "aiinfra"


def test_every_label_has_both_languages():
    missing = [k for k, v in LABELS.items() if not v.get("en") or not v.get("de")]
    assert not missing, missing


def test_every_t_call_names_a_known_label():
    unknown = []
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value not in LABELS
            ):
                unknown.append(f"{path.name}:{node.lineno} {node.args[0].value!r}")
    assert not unknown, unknown


def test_counts_and_quantities_read_well():
    # "200.000 draws" was printed for 200 in English
    assert fmt(200, "en", 6) == "200" and fmt(1000, "de") == "1.000"
    assert human(3.1549e11, "USD/year") == "315 bn USD/yr"
    assert human(3.1549e11, "USD/year", "de") == "315 Mrd. USD/Jahr"
    assert human(5e10, "W") == "50.0 GW" and human(60000, "MW", "de") == "60,0 GW"
    assert human(1.12e8, "1/year") == "112 M/yr" and human(9.2, "1") == "9.20×"


def test_reconcile_cli_in_german_and_with_units():
    res = CliRunner().invoke(app, ["reconcile", "--draws", "50", "--lang", "de"])
    assert res.exit_code == 0, res.output
    for english in ("claim", "P(holds)", " draws", "cross-checks", "inconsistent"):
        assert english not in res.output, english
    assert "Aussage" in res.output and "Ziehungen" in res.output and "GW" in res.output
    en = CliRunner().invoke(app, ["reconcile", "--draws", "50"])
    assert "bn USD/yr" in en.output and "e+" not in en.output
