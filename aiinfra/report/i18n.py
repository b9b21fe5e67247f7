"""Labels in English and German and locale-aware number formatting."""

from __future__ import annotations

__all__ = ["LOCALES", "fmt", "t"]

LOCALES = {"en": "en-US", "de": "de-DE"}

LABELS: dict[str, dict[str, str]] = {
    "year": {"en": "Year", "de": "Jahr"},
    "median": {"en": "median", "de": "Median"},
    "band50": {"en": "50 % band", "de": "50-%-Band"},
    "band90": {"en": "90 % band", "de": "90-%-Band"},
    "seed": {"en": "seed figure", "de": "Seed-Wert"},
    "demand_path": {"en": "demand path (orders)", "de": "Nachfragepfad (Bestellungen)"},
    "deployed": {"en": "deployed", "de": "installiert"},
    "shipped": {"en": "shipped", "de": "ausgeliefert"},
    "f1": {
        "en": "ARR of leading LLM providers (bn USD)",
        "de": "ARR der führenden LLM-Anbieter (Mrd. USD)",
    },
    "f2": {"en": "XPU shipments (M units/yr)", "de": "XPU-Auslieferungen (Mio. Einheiten/Jahr)"},
    "f3": {
        "en": "WFE spend by application, demand path (bn USD)",
        "de": "WFE-Ausgaben nach Anwendung, Nachfragepfad (Mrd. USD)",
    },
    "f4": {
        "en": "CoWoS wafers by company, demand path (k wafers/yr)",
        "de": "CoWoS-Wafer nach Unternehmen, Nachfragepfad (Tsd. Wafer/Jahr)",
    },
    "f5": {
        "en": "Optical transceivers by speed, demand path (M/yr)",
        "de": "Optische Transceiver nach Geschwindigkeit, Nachfragepfad (Mio./Jahr)",
    },
    "f6": {
        "en": "XPU capacity of LLM providers (GW IT)",
        "de": "XPU-Kapazität der LLM-Anbieter (GW IT)",
    },
    "f7": {
        "en": "AI data-centre capacity (GW facility)",
        "de": "KI-Rechenzentrumskapazität (GW Anlage)",
    },
    "binding": {"en": "Binding layer: share of draws", "de": "Engpass-Ebene: Anteil der Ziehungen"},
    "shadow": {
        "en": "Shadow prices (USD/yr per extra unit)",
        "de": "Schattenpreise (USD/Jahr je zusätzlicher Einheit)",
    },
    "segments": {
        "en": "AI capex by segment (bn USD/yr)",
        "de": "KI-Capex nach Segment (Mrd. USD/Jahr)",
    },
    "tornado": {
        "en": "Tornado: swing of ARR 2030 (bn USD)",
        "de": "Tornado: Spanne des ARR 2030 (Mrd. USD)",
    },
    "flow": {
        "en": "From tokens to watts (median, relative to 2025)",
        "de": "Von Tokens zu Watt (Median, relativ zu 2025)",
    },
    "share": {"en": "share", "de": "Anteil"},
    "value": {"en": "value", "de": "Wert"},
    "category": {"en": "category", "de": "Kategorie"},
    "input": {"en": "input", "de": "Eingabe"},
    "title": {"en": "aiinfra report", "de": "aiinfra-Bericht"},
    "claims": {
        "en": "Reconciliation of the seed's headline figures",
        "de": "Abgleich der Kennzahlen des Seeds",
    },
    "checks": {"en": "Cross-checks between claims", "de": "Querprüfungen zwischen den Aussagen"},
    "assumptions": {"en": "Key assumptions and sources", "de": "Wichtigste Annahmen und Quellen"},
    "figures": {"en": "Figures", "de": "Abbildungen"},
}


def t(key: str, lang: str) -> str:
    """Label ``key`` in ``lang`` (English fallback)."""
    entry = LABELS.get(key, {})
    return entry.get(lang) or entry.get("en") or key


def fmt(x: float, lang: str, digits: int = 3) -> str:
    """Number with ``digits`` significant figures, 1,234.5 (en) or 1.234,5 (de)."""
    if x != x:  # NaN
        return "–"
    mag = abs(x)
    decimals = (
        0 if mag >= 10 ** (digits - 1) else max(0, digits - 1 - int(f"{mag:e}".split("e")[1]))
    )
    text = f"{x:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text
