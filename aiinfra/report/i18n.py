"""Labels in English and German and locale-aware number formatting."""

from __future__ import annotations

__all__ = ["LABELS", "LOCALES", "category", "claim_cells", "fmt", "human", "t"]

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
    "track": {
        "en": "How well it explains what was observed: observations (90 % interval) over the "
        "model's 5-95 % band (grey), relative to the model median",
        "de": "Wie gut es Beobachtetes erklärt: Beobachtungen (90-%-Intervall) über dem "
        "5-95-%-Band des Modells (grau), relativ zum Modellmedian",
    },
    "track_axis": {"en": "observed / model median", "de": "beobachtet / Modellmedian"},
    "solver": {
        "en": "Solver: chips waiting for power, early retirements, bridge power (medians)",
        "de": "Löser: Chips ohne Strom, vorzeitige Stilllegungen, Brückenstrom (Mediane)",
    },
    "shadow": {
        "en": "Shadow prices (USD/yr per extra unit)",
        "de": "Schattenpreise (USD/Jahr je zusätzlicher Einheit)",
    },
    "uses": {
        "en": "XPUs by use: inference, training, other AI, ramp-up, idle (M units; points: "
        "installed)",
        "de": "XPUs nach Nutzung: Inferenz, Training, sonstige KI, Hochlauf, ungenutzt "
        "(Mio. Einheiten; Punkte: installiert)",
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
    # tables of the reconciliation (CLI and report)
    "reconciliation": {"en": "reconciliation", "de": "Abgleich"},
    "cross_checks": {"en": "cross-checks", "de": "Querprüfungen"},
    "claim": {"en": "claim", "de": "Aussage"},
    "seed_says": {"en": "seed says", "de": "laut Seed"},
    "model_band": {"en": "model p50 (p5–p95)", "de": "Modell p50 (p5–p95)"},
    "chain_band": {"en": "chain p50 (p5–p95)", "de": "Kette p50 (p5–p95)"},
    "p_holds": {"en": "P(holds)", "de": "P(erfüllt)"},
    "verdict": {"en": "verdict", "de": "Urteil"},
    "reason": {"en": "reason", "de": "Begründung"},
    "implied_ratio": {"en": "implied ratio", "de": "implizites Verhältnis"},
    "claims_col": {"en": "claims", "de": "Aussagen"},
    "draws": {"en": "draws", "de": "Ziehungen"},
    "seed_word": {"en": "seed", "de": "Startwert"},
    "field": {"en": "field", "de": "Feld"},
    "distribution": {"en": "distribution", "de": "Verteilung"},
    "unit": {"en": "unit", "de": "Einheit"},
    "source": {"en": "source or rationale", "de": "Quelle oder Begründung"},
    "sources": {"en": "Sources", "de": "Quellen"},
    # category values in figure legends
    "cat:ex_china": {"en": "ex-China", "de": "ohne China"},
    "cat:china": {"en": "China", "de": "China"},
    "cat:logic": {"en": "logic wafers", "de": "Logik-Wafer"},
    "cat:cowos": {"en": "CoWoS", "de": "CoWoS"},
    "cat:hbm": {"en": "HBM", "de": "HBM"},
    "cat:euv": {"en": "EUV", "de": "EUV"},
    "cat:transceivers": {"en": "transceivers", "de": "Transceiver"},
    "cat:finance": {"en": "financing", "de": "Finanzierung"},
    "cat:xpus_waiting_power": {"en": "XPUs waiting for power", "de": "XPUs ohne Strom"},
    "cat:early_retirements": {"en": "retired early", "de": "vorzeitig stillgelegt"},
    "cat:bridge_power": {"en": "on-site (bridge) power", "de": "Vor-Ort-Strom (Brücke)"},
    "cat:dc": {"en": "data-centre space", "de": "RZ-Fläche"},
    "cat:power": {"en": "power", "de": "Strom"},
    "cat:demand": {"en": "demand (nothing short)", "de": "Nachfrage (kein Engpass)"},
    "cat:inference": {"en": "inference", "de": "Inferenz"},
    "cat:training": {"en": "training", "de": "Training"},
    "cat:other_ai": {"en": "other AI", "de": "sonstige KI"},
    "cat:ramp_up": {"en": "ramp-up", "de": "Hochlauf"},
    "cat:idle": {"en": "idle", "de": "ungenutzt"},
    "cat:semis": {"en": "semiconductors & manufacturing", "de": "Halbleiter & Fertigung"},
    "cat:networking": {"en": "networking", "de": "Netzwerk"},
    "cat:dc_power": {"en": "data centres & power", "de": "Rechenzentren & Strom"},
    "cat:foundry_logic": {"en": "foundry/logic", "de": "Foundry/Logik"},
    "cat:dram": {"en": "DRAM/HBM", "de": "DRAM/HBM"},
    "cat:nand": {"en": "NAND", "de": "NAND"},
    "cat:other": {"en": "other", "de": "sonstige"},
    "cat:grid": {"en": "grid", "de": "Netz"},
    "cat:recip_engine": {"en": "reciprocating engines", "de": "Gasmotoren"},
    "cat:aero_turbine": {"en": "aeroderivative turbines", "de": "Aeroderivat-Turbinen"},
    "cat:fuel_cell": {"en": "fuel cells", "de": "Brennstoffzellen"},
    "cat:industrial_turbine": {"en": "industrial gas turbines", "de": "Industrie-Gasturbinen"},
    "cat:battery": {"en": "batteries", "de": "Batterien"},
    "swing_axis": {"en": "swing of ARR 2030 (bn USD)", "de": "Spanne des ARR 2030 (Mrd. USD)"},
    "band_median": {"en": "median (demand path)", "de": "Median (Nachfragepfad)"},
    # dashboard
    "ui_language": {"en": "Language / Sprache", "de": "Sprache / Language"},
    "ui_scenario": {"en": "Scenario", "de": "Szenario"},
    "ui_upload": {"en": "…or upload a scenario YAML", "de": "…oder Szenario-YAML hochladen"},
    "ui_paste": {"en": "…or paste YAML", "de": "…oder YAML einfügen"},
    "ui_invalid": {"en": "Invalid scenario:", "de": "Ungültiges Szenario:"},
    "ui_draws": {"en": "Draws", "de": "Ziehungen"},
    "ui_seed": {"en": "Seed", "de": "Startwert"},
    "ui_assumptions": {"en": "Assumptions", "de": "Annahmen"},
    "ui_source": {"en": "source", "de": "Quelle"},
    "ui_compare_with": {"en": "Compare with", "de": "Vergleichen mit"},
    "ui_none": {"en": "(none)", "de": "(keins)"},
    "ui_tab_overview": {"en": "Overview", "de": "Überblick"},
    "ui_tab_bottlenecks": {"en": "Bottlenecks", "de": "Engpässe"},
    "ui_tab_segments": {"en": "Segments", "de": "Segmente"},
    "ui_tab_energy": {"en": "Energy", "de": "Energie"},
    "ui_tab_sensitivity": {"en": "Sensitivity", "de": "Sensitivität"},
    "ui_tab_compute": {"en": "Compute", "de": "Rechenleistung"},
    "ui_lp_year": {"en": "LP year", "de": "LP-Jahr"},
    "ui_supportable": {
        "en": "XPUs supportable per layer vs desired (M/yr, median)",
        "de": "Je Ebene unterstützbare XPUs gegenüber gewünschten (Mio./Jahr, Median)",
    },
    "ui_firms": {
        "en": "Revenue by company 2027 (bn USD, median)",
        "de": "Umsatz nach Unternehmen 2027 (Mrd. USD, Median)",
    },
    "ui_electricity": {"en": "Electricity (TWh/yr, median)", "de": "Strom (TWh/Jahr, Median)"},
    "ui_ai": {"en": "AI", "de": "KI"},
    "ui_all_dc": {"en": "all data centres", "de": "alle Rechenzentren"},
    "ui_supply": {
        "en": "Power supply by source (GW, median)",
        "de": "Stromversorgung nach Quelle (GW, Median)",
    },
    "ui_co2": {
        "en": "CO2 of AI data centres (Mt/yr, median)",
        "de": "CO2 der KI-Rechenzentren (Mt/Jahr, Median)",
    },
    "ui_output": {"en": "Output", "de": "Ausgabe"},
    "ui_year": {"en": "Year", "de": "Jahr"},
    "ui_accelerator": {"en": "Accelerator", "de": "Beschleuniger"},
    "ui_model": {"en": "Model", "de": "Modell"},
    "ui_devices": {"en": "Devices", "de": "Geräte"},
    "ui_precision": {"en": "Precision", "de": "Genauigkeit"},
    "ui_input_tokens": {"en": "Input tokens", "de": "Eingabe-Tokens"},
    "ui_output_tokens": {"en": "Output tokens", "de": "Ausgabe-Tokens"},
    "ui_compare": {"en": "Compare", "de": "Vergleich"},
    "ui_difference": {"en": "difference", "de": "Differenz"},
    "ui_downloads": {"en": "Downloads", "de": "Downloads"},
    "ui_dl_yaml": {"en": "Scenario YAML", "de": "Szenario-YAML"},
    "ui_dl_csv": {"en": "Summary CSV", "de": "Zusammenfassung CSV"},
    "ui_dl_nc": {"en": "Results NetCDF", "de": "Ergebnisse NetCDF"},
    "ui_dl_png": {"en": "Shipments chart PNG", "de": "Auslieferungsgrafik PNG"},
    "ui_median": {"en": "median", "de": "Median"},
    "ui_constraint": {"en": "constraint", "de": "Beschränkung"},
    "ui_tokens_per_s": {"en": "tokens/s per extra unit", "de": "Tokens/s je zusätzlicher Einheit"},
    "ui_usd": {"en": "USD/yr per extra unit", "de": "USD/Jahr je zusätzlicher Einheit"},
    "ui_slack": {"en": "slack", "de": "Reserve"},
    "ui_swing": {"en": "swing", "de": "Spanne"},
    # headline metrics (long names of the variables registry)
    "hl_arr_usd": {"en": "ARR of leading LLM providers", "de": "ARR der führenden LLM-Anbieter"},
    "hl_shipments_total": {"en": "XPU shipments", "de": "XPU-Auslieferungen"},
    "hl_dc_capacity_mw": {
        "en": "AI data-centre capacity energised",
        "de": "KI-Rechenzentrumskapazität in Betrieb",
    },
    "hl_tokens_served_share": {
        "en": "Share of token demand served",
        "de": "Bediente Token-Nachfrage",
    },
    "hl_capex_total_usd": {"en": "AI capex", "de": "KI-Capex"},
    "hl_dc_energy_twh": {
        "en": "All data-centre electricity",
        "de": "Strom aller Rechenzentren",
    },
}


def t(key: str, lang: str) -> str:
    """Label ``key`` in ``lang`` (English fallback)."""
    entry = LABELS.get(key, {})
    return entry.get(lang) or entry.get("en") or key


def category(value: object, lang: str) -> str:
    """A category value as a legend shows it ("ex_china" -> "ex-China")."""
    key = f"cat:{value}"
    return t(key, lang) if key in LABELS else str(value).replace("_", " ")


def fmt(x: float, lang: str, digits: int = 3) -> str:
    """Number with ``digits`` significant figures, 1,234.5 (en) or 1.234,5 (de); integers
    (counts such as draws) keep all their digits and no decimals."""
    if x != x:  # NaN
        return "–"
    mag = abs(x)
    decimals = (
        0
        if isinstance(x, int) or mag >= 10 ** (digits - 1) or mag == 0
        else max(0, digits - 1 - int(f"{mag:e}".split("e")[1]))
    )
    text = f"{x:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


# number words by language, largest first
_SCALES = {
    "en": ((1e12, "tn"), (1e9, "bn"), (1e6, "M"), (1e3, "k")),
    "de": ((1e12, "Bio."), (1e9, "Mrd."), (1e6, "Mio."), (1e3, "Tsd.")),
}
# canonical unit -> how it reads after the number, by language
_UNIT_WORDS = {
    "USD/year": {"en": "USD/yr", "de": "USD/Jahr"},
    "USD": {"en": "USD", "de": "USD"},
    "device/year": {"en": "units/yr", "de": "Einheiten/Jahr"},
    "device": {"en": "units", "de": "Einheiten"},
    "1/year": {"en": "/yr", "de": "/Jahr"},
    "token/year": {"en": "tokens/yr", "de": "Tokens/Jahr"},
    "wafer/year": {"en": "wafers/yr", "de": "Wafer/Jahr"},
    "TWh": {"en": "TWh", "de": "TWh"},
}
_POWER = ((1e12, "TW"), (1e9, "GW"), (1e6, "MW"), (1e3, "kW"), (1.0, "W"))


def human(x: float, unit: str, lang: str = "en", digits: int = 3) -> str:
    """``x`` in canonical ``unit`` as a person reads it: "315 bn USD/yr", "50.0 GW",
    "9.2×", with ``digits`` significant figures and the language's number words."""
    if x != x:
        return "–"
    if unit in ("W", "MW", "kW", "GW"):
        watts = x * {"W": 1.0, "kW": 1e3, "MW": 1e6, "GW": 1e9}[unit]
        scale, name = next(((s, n) for s, n in _POWER if abs(watts) >= s), (1.0, "W"))
        return f"{fmt(watts / scale, lang, digits)} {name}"
    if unit in ("1", ""):
        return f"{fmt(x, lang, digits)}×"
    words = _UNIT_WORDS.get(unit, {}).get(lang, unit)
    scale, name = next(((s, n) for s, n in _SCALES[lang] if abs(x) >= s), (1.0, ""))
    number = fmt(x / scale, lang, digits)
    sep = "" if words.startswith("/") else " "
    return " ".join(p for p in (number, name) if p) + (sep + words if words else "")


def claim_cells(row: dict, lang: str) -> dict[str, str]:
    """What the seed says, the model's p50 (p5–p95) and P(holds) of one evaluated claim
    (:func:`aiinfra.reconcile.evaluate_claims`), in the claim's unit ("1" for ratios)."""
    unit = "1" if row["comparator"].startswith("ratio") else row["unit"]
    band = (
        f"{human(row['model_median'], unit, lang)} "
        f"({human(row['model_p5'], unit, lang)}–{human(row['model_p95'], unit, lang)})"
    )
    return {
        "said": f"{row['comparator'].removeprefix('ratio')} {human(row['value'], unit, lang)}",
        "band": band,
        "p": f"{fmt(100 * row['probability'], lang, 2)} %",
    }
