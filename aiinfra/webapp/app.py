"""aiinfra dashboard (Streamlit): move an assumption, watch every layer respond.

Started by ``aiinfra serve`` (bound to 127.0.0.1 unless asked otherwise). User text
(uploaded or pasted YAML) is only ever parsed with the safe scenario loader.
"""

from __future__ import annotations

import io
import sys

import pandas as pd
import streamlit as st
import yaml

from aiinfra import dashboard as db
from aiinfra.errors import AiinfraError, ScenarioError
from aiinfra.memory import keep_freed_memory
from aiinfra.report.charts import Context, render_png
from aiinfra.report.figures import FIGURES
from aiinfra.report.i18n import claim_cells, fmt, human, t
from aiinfra.results import MC_QUANTILES, netcdf_bytes, summary_table
from aiinfra.scenario import load_scenario, parse_yaml, shipped_scenarios
from aiinfra.variables import VARIABLES

st.set_page_config(page_title="aiinfra", layout="wide")
# reruns allocate the same arrays again: keep freed pages in the heap (1,000 draws: ~120 ->
# ~80 ms; the server keeps its high-water mark, a few hundred MB at the dashboard's draws)
keep_freed_memory()


@st.cache_data(show_spinner=False, max_entries=16)
def _run(text: str, draws: int, seed: int):
    return db.run_cached(text, draws, seed)


@st.cache_data(show_spinner=False, max_entries=16)
def _shadow(text: str, year: int) -> list[dict]:
    from aiinfra.bottleneck import bottleneck, constraint_rows

    b = bottleneck(load_scenario(yaml.safe_load(text)), year)
    return [
        {
            "constraint": f"{r['constraint']} ({r['unit']})",
            "tokens_per_s": r["shadow_tokens_per_s"],
            "usd": r["shadow_usd_per_year"],
            "slack": r["slack"],
        }
        for r in constraint_rows(b)
    ]


def _scenario_from_upload(data: bytes):
    if len(data) > db.MAX_UPLOAD_BYTES:
        raise ScenarioError(
            [("file", f"upload is {len(data)} bytes; the limit is {db.MAX_UPLOAD_BYTES}")]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([("file", "upload is not UTF-8 text")]) from None
    raw = parse_yaml(text, "upload")
    return load_scenario(raw if raw is not None else {})


def _default_name() -> str:
    args = sys.argv[1:]
    if "--scenario" in args and args.index("--scenario") + 1 < len(args):
        return args[args.index("--scenario") + 1]
    return "base"


with st.sidebar:
    st.title("aiinfra")
    lang = st.radio(t("ui_language", "en"), ["en", "de"], horizontal=True, key="lang")
    names = sorted(shipped_scenarios())
    default = _default_name()
    choice = st.selectbox(
        t("ui_scenario", lang),
        names,
        index=names.index(default) if default in names else 0,
        key="scenario",
    )
    upload = st.file_uploader(t("ui_upload", lang), type=["yaml", "yml"], key="upload")
    pasted = st.text_area(t("ui_paste", lang), value="", height=80, key="pasted")
    error = None
    try:
        if pasted.strip():
            scenario = _scenario_from_upload(pasted.encode("utf-8"))
        elif upload is not None:
            scenario = _scenario_from_upload(upload.getvalue())
        else:
            scenario = load_scenario(choice)
    except (ScenarioError, AiinfraError) as exc:
        error = exc
        scenario = load_scenario(choice)
    if error is not None:
        lines = error.lines() if isinstance(error, ScenarioError) else [str(error)]
        st.error(t("ui_invalid", lang) + "\n\n" + "\n\n".join(f"- {line}" for line in lines))
    draws = st.number_input(
        t("ui_draws", lang), 50, db.MAX_DASHBOARD_DRAWS, 1000, step=50, key="draws"
    )
    seed = st.number_input(t("ui_seed", lang), 0, 2**31 - 1, 0, key="seed")
    st.subheader(t("ui_assumptions", lang))
    knobs = {}
    for k in db.KNOBS:
        v = db.current_value(scenario, k.path)
        knobs[k.path] = st.slider(
            f"{k.title(lang)} [{k.unit}]",
            float(k.low),
            float(max(k.high, v)),
            float(v),
            key=f"knob:{k.path}",
            help=f"{k.path} — {t('ui_source', lang)}: {k.source}",
        )
    none = t("ui_none", lang)
    compare_with = st.selectbox(t("ui_compare_with", lang), [none, *names], key="compare")

try:
    scenario, over = db.apply_knobs(scenario, knobs)
except ScenarioError as exc:
    st.error("\n\n".join(exc.lines()))
    st.stop()
text = db.scenario_yaml(scenario)
ds = _run(text, int(draws), int(seed))
ctx = Context(ds=ds, lang=lang)

st.header(f"{scenario.name}")
cols = st.columns(len(db.HEADLINE_VARS))
for col, row in zip(cols, db.headline(ds), strict=True):
    col.metric(
        f"{t('hl_' + row['variable'], lang)} {row['year']} ({row['unit']})",
        fmt(row["median"], lang),
        help=f"{row['variable']}: {VARIABLES[row['variable']].long_name}",
    )

tabs = st.tabs(
    [
        t(f"ui_tab_{k}", lang)
        for k in ("overview", "bottlenecks", "segments", "energy", "sensitivity", "compute")
    ]
)
with tabs[0]:
    from aiinfra import reconcile as rc

    claims = rc.load_claims()
    rows = rc.evaluate_claims(ds, claims, None, lang)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("claim", lang): r["text"],
                    t("seed_says", lang): c["said"],
                    t("model_band", lang): c["band"],
                    t("p_holds", lang): c["p"],
                    t("verdict", lang): r["verdict_label"],
                }
                for r, c in ((r, claim_cells(r, lang)) for r in rows)
            ]
        ),
        hide_index=True,
    )
    for name in (
        "f1_arr",
        "f2_shipments",
        "f3_wfe",
        "f4_cowos",
        "f5_transceivers",
        "f6_llm_capacity",
        "f7_dc_capacity",
        "track_record",
    ):
        st.altair_chart(FIGURES[name].build(ctx), width="stretch")
with tabs[1]:
    st.altair_chart(FIGURES["binding"].build(ctx), width="stretch")
    st.altair_chart(FIGURES["solver"].build(ctx), width="stretch")
    lp_year = st.selectbox(
        t("ui_lp_year", lang), [int(y) for y in ds["year"].values], index=4, key="lp_year"
    )
    shadow = _shadow(text, int(lp_year))
    ctx.extras.update(shadow=shadow, shadow_year=int(lp_year))
    st.altair_chart(FIGURES["shadow_prices"].build(ctx), width="stretch")
    st.dataframe(
        pd.DataFrame(shadow).rename(
            columns={
                "constraint": t("ui_constraint", lang),
                "tokens_per_s": t("ui_tokens_per_s", lang),
                "usd": t("ui_usd", lang),
                "slack": t("ui_slack", lang),
            }
        ),
        hide_index=True,
    )
    sup = ds["xpus_supportable"].median("draw").to_pandas() / 1e6
    sup["desired"] = ds["shipments_desired"].median("draw").to_pandas() / 1e6
    st.caption(t("ui_supportable", lang))
    st.line_chart(sup)
with tabs[2]:
    st.altair_chart(FIGURES["segments"].build(ctx), width="stretch")
    firms = ds["firm_revenue_usd"].sel(year=2027).median("draw").to_pandas() / 1e9
    st.caption(t("ui_firms", lang))
    st.bar_chart(firms.sort_values(ascending=False))
with tabs[3]:
    st.altair_chart(FIGURES["f7_dc_capacity"].build(ctx), width="stretch")
    energy = pd.DataFrame(
        {
            t("ui_ai", lang): ds["ai_dc_energy_twh"].median("draw").to_pandas(),
            t("ui_all_dc", lang): ds["dc_energy_twh"].median("draw").to_pandas(),
        }
    )
    st.caption(t("ui_electricity", lang))
    st.line_chart(energy)
    st.caption(t("ui_supply", lang))
    st.area_chart(ds["power_supply_mw"].median("draw").to_pandas() / 1e3)
    st.caption(t("ui_co2", lang))
    st.line_chart(ds["co2_t"].median("draw").to_pandas() / 1e6)
with tabs[4]:
    from aiinfra.sensitivity import tornado

    out_var = st.selectbox(
        t("ui_output", lang),
        ["arr_usd", "shipments_total", "dc_capacity_mw", "capex_total_usd"],
        key="sens_var",
    )
    year = st.selectbox(
        t("ui_year", lang), [int(y) for y in ds["year"].values], index=7, key="sens_year"
    )
    rows_t = tornado(scenario, out_var, int(year))
    unit = VARIABLES[out_var].units
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("field", lang): r["field"],
                    "p10": fmt(r["p10"], lang),
                    "p90": fmt(r["p90"], lang),
                    t("ui_swing", lang): human(r["swing"], unit, lang),
                }
                for r in rows_t
            ]
        ),
        hide_index=True,
    )
with tabs[5]:
    from aiinfra.catalogs import accelerators, architectures, get_accelerator, get_architecture
    from aiinfra.layers.compute import perf

    c1, c2, c3 = st.columns(3)
    acc = c1.selectbox(t("ui_accelerator", lang), list(accelerators()), index=2, key="perf_acc")
    mod = c2.selectbox(t("ui_model", lang), list(architectures()), index=1, key="perf_model")
    dev = c3.number_input(t("ui_devices", lang), 1, 1024, 8, key="perf_dev")
    prec = c1.selectbox(t("ui_precision", lang), ["fp8", "bf16", "fp4"], key="perf_prec")
    n_in = c2.number_input(t("ui_input_tokens", lang), 1, 1_000_000, 294, key="perf_in")
    n_out = c3.number_input(t("ui_output_tokens", lang), 1, 1_000_000, 294, key="perf_out")
    try:
        res = perf(
            get_accelerator(acc),
            get_architecture(mod),
            devices=int(dev),
            n_in=float(n_in),
            n_out=float(n_out),
            precision=prec,
        )
        st.json(res.as_dict())
    except AiinfraError as exc:
        st.warning(str(exc))

if compare_with != none:
    other = _run(db.scenario_yaml(load_scenario(compare_with)), int(draws), int(seed))
    a, b = db.headline(ds), db.headline(other)
    st.subheader(f"{t('ui_compare', lang)}: {scenario.name} vs {compare_with}")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "variable": x["variable"],
                    "year": x["year"],
                    scenario.name: x["median"],
                    compare_with: y["median"],
                    t("ui_difference", lang): y["median"] - x["median"],
                }
                for x, y in zip(a, b, strict=True)
            ]
        ),
        hide_index=True,
    )

st.subheader(t("ui_downloads", lang))
d1, d2, d3, d4 = st.columns(4)
d1.download_button(t("ui_dl_yaml", lang), text, file_name=f"{scenario.name}.yaml", key="dl_yaml")
rows_s = summary_table(ds, MC_QUANTILES)
buf = io.StringIO()
pd.DataFrame(rows_s).to_csv(buf, index=False)
d2.download_button(t("ui_dl_csv", lang), buf.getvalue(), file_name="summary.csv", key="dl_csv")
d3.download_button(t("ui_dl_nc", lang), netcdf_bytes(ds), file_name="results.nc", key="dl_nc")
d4.download_button(
    t("ui_dl_png", lang),
    render_png(FIGURES["f2_shipments"].build(ctx), lang),
    file_name="shipments.png",
    key="dl_png",
)
