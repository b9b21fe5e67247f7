"""Loaders for the sourced catalogs in ``aiinfra/data`` (read once, cached).

Catalog rows become frozen dataclasses in canonical units (FLOP/s, bytes,
B/s, W, mm², USD). Unknown names raise :class:`~aiinfra.errors.AiinfraError`
with close matches suggested.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from aiinfra.errors import AiinfraError

__all__ = [
    "COMPANIES",
    "NODE_FAMILIES",
    "VENDORS",
    "Accelerator",
    "Architecture",
    "accelerators",
    "architectures",
    "at_software_year",
    "capacity_base",
    "capacity_series",
    "euv_history",
    "fleet_tables",
    "get_accelerator",
    "get_architecture",
    "installed_2022",
    "node_family_tables",
    "read_csv",
    "shipments_history",
    "software_factor",
    "step_overhead_factor",
    "wfe_history",
]


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of ``aiinfra/data/<name>`` as dicts of strings."""
    path = resources.files("aiinfra") / "data" / name
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _f(x: str, default: float | None = None) -> float | None:
    x = (x or "").strip()
    return float(x) if x else default


@dataclass(frozen=True)
class Accelerator:
    """One accelerator (per device/GPU package) in canonical units."""

    name: str
    vendor: str
    family: str
    year: int
    flops: dict[str, float]  # precision -> dense FLOP/s (fallback applied)
    hbm_bytes: float
    hbm_bw: float  # B/s
    hbm_stacks: int
    hbm_gen: str
    scaleup_bw: float  # B/s per direction
    nic_gbps: float  # back-end NIC, Gb/s
    scaleup_optics_per_xpu: float  # optical modules for scale-up (TPU ICI/OCS)
    scaleup_domain: int
    tdp_w: float
    die_area_mm2: float
    die_count: int
    process_node: str
    interposer_mm2: float
    packaging: str
    asp_usd: float
    software_efficiency: float
    source: str
    native: tuple[str, ...] = ("bf16",)  # precisions with their own tensor-core rate

    def peak(self, precision: str) -> float:
        """Dense peak FLOP/s at ``precision`` (falls back to a wider format)."""
        return self.flops[precision]


@dataclass(frozen=True)
class Architecture:
    """An LLM architecture; parameter counts in parameters (not billions)."""

    name: str
    kind: str
    total_params: float
    active_params: float
    layers: int
    hidden: int
    n_heads: int
    attention: str
    n_kv_heads: int
    head_dim: int
    kv_elems_per_token: float  # K+V elements cached per token, all layers
    n_experts: int
    experts_per_token: int
    max_context: int
    source: str

    @property
    def attn_dim(self) -> int:
        """Query width n_heads x head_dim (attention FLOP scale)."""
        return self.n_heads * self.head_dim

    @property
    def expert_params(self) -> float:
        """Parameters in routed experts (0 for dense models)."""
        if self.kind != "moe" or self.n_experts <= self.experts_per_token:
            return 0.0
        e, k = self.n_experts, self.experts_per_token
        return (self.total_params - self.active_params) * e / (e - k)

    @property
    def shared_params(self) -> float:
        """Parameters read by every token (attention, embeddings, shared experts)."""
        return self.total_params - self.expert_params


SCALEUP_DOMAIN = {"NVIDIA GPU": 8, "AMD GPU": 8, "Google TPU": 256, "AWS Trainium": 64}
# NVLink domain in packages (NVIDIA GTC 2025: Rubin Ultra NVL576 = 144 packages of 4 dies;
# later generations assumed to keep it)
NVL_RACK = {
    "GB200": 72,
    "GB300": 72,
    "Rubin": 72,
    "Rubin-Ultra": 144,
    "Feynman": 144,
    "NVIDIA-2030": 144,
    "NVIDIA-2032": 144,
    "NVIDIA-2034": 144,
}


@lru_cache(maxsize=1)
def accelerators() -> dict[str, Accelerator]:
    """The accelerator catalog keyed by name."""
    out = {}
    for r in read_csv("accelerators.csv"):
        # formats a part lacks fall back to the next wider one (fp4 -> fp8 -> bf16)
        bf16 = float(r["bf16_tflops"]) * 1e12
        fp8 = _f(r["fp8_tflops"], bf16 / 1e12) * 1e12  # type: ignore[operator]
        fp4 = _f(r["fp4_tflops"], fp8 / 1e12) * 1e12  # type: ignore[operator]
        domain = NVL_RACK.get(r["name"], SCALEUP_DOMAIN.get(r["family"], 8))
        out[r["name"]] = Accelerator(
            name=r["name"],
            vendor=r["vendor"],
            family=r["family"],
            year=int(r["year"]),
            flops={"bf16": bf16, "fp8": fp8, "fp4": fp4},
            hbm_bytes=float(r["hbm_gb"]) * 1e9,
            hbm_bw=float(r["hbm_tbps"]) * 1e12,
            hbm_stacks=int(r["hbm_stacks"]),
            hbm_gen=r["hbm_gen"],
            scaleup_bw=float(r["scaleup_gbps"]) * 1e9,
            nic_gbps=float(r["nic_gbps"]),
            scaleup_optics_per_xpu=float(r["scaleup_optics_per_xpu"]),
            scaleup_domain=domain,
            tdp_w=float(r["tdp_w"]),
            die_area_mm2=float(r["die_area_mm2"]),
            die_count=int(r["die_count"]),
            process_node=r["process_node"],
            interposer_mm2=float(r["interposer_mm2"]),
            packaging=r["packaging"],
            asp_usd=float(r["asp_usd"]),
            software_efficiency=float(r["software_efficiency"]),
            source=r["source"],
            native=tuple(prec for prec in ("bf16", "fp8", "fp4") if r[f"{prec}_tflops"].strip()),
        )
    return out


@lru_cache(maxsize=1)
def architectures() -> dict[str, Architecture]:
    """The LLM architecture catalog keyed by name."""
    out = {}
    for r in read_csv("llm_architectures.csv"):
        layers = int(r["layers"])
        if r["attention"] == "MLA":
            per_layer = float(r["kv_lora_rank"]) + float(r["rope_dim"])
        else:
            per_layer = 2.0 * int(r["n_kv_heads"]) * int(r["head_dim"])
        out[r["name"]] = Architecture(
            name=r["name"],
            kind=r["kind"],
            total_params=float(r["total_params_b"]) * 1e9,
            active_params=float(r["active_params_b"]) * 1e9,
            layers=layers,
            hidden=int(r["hidden"]),
            n_heads=int(r["n_heads"]),
            attention=r["attention"],
            n_kv_heads=int(r["n_kv_heads"]),
            head_dim=int(r["head_dim"]),
            kv_elems_per_token=per_layer * layers,
            n_experts=int(_f(r["n_experts"], 1) or 1),
            experts_per_token=int(_f(r["experts_per_token"], 1) or 1),
            max_context=int(r["max_context"]),
            source=r["source"],
        )
    return out


def _lookup(kind: str, name: str, table: dict[str, Any]) -> Any:
    if name in table:
        return table[name]
    folded = {k.lower(): k for k in table}
    if name.lower() in folded:
        return table[folded[name.lower()]]
    prefix = [k for k in folded if k.startswith(name.lower()) or name.lower().startswith(k)]
    fuzzy = difflib.get_close_matches(name.lower(), list(folded), n=3, cutoff=0.5)
    close = list(dict.fromkeys(prefix + fuzzy))[:3]
    hint = f"; did you mean {', '.join(folded[c] for c in close)}?" if close else ""
    msg = f"unknown {kind} {name!r}{hint} (known: {', '.join(table)})"
    raise AiinfraError(msg)


@lru_cache(maxsize=1)
def _maturity() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rows: dict[str, list[tuple[float, float]]] = {}
    for r in read_csv("software_maturity.csv"):
        rows.setdefault(r["family"], []).append((float(r["year"]), float(r["factor"])))
    out = {}
    for fam, pts in rows.items():
        pts.sort()
        out[fam] = (np.array([y for y, _ in pts]), np.log([f for _, f in pts]))
    return out


@lru_cache(maxsize=1)
def _stacks() -> dict[str, float]:
    return {r["family"]: float(r["step_overhead_factor"]) for r in read_csv("serving_stacks.csv")}


def step_overhead_factor(acc: Accelerator) -> float:
    """Host time per decode iteration of ``acc``'s serving stack relative to TensorRT-LLM [1].

    From ``data/serving_stacks.csv`` (families without a row: ``Other ASIC``).
    """
    return _stacks().get(acc.family, _stacks()["Other ASIC"])


def software_factor(acc: Accelerator, year: float) -> float:
    """Serving-software efficiency of ``acc``'s stack in ``year`` relative to MLPerf v4.1 [1].

    Log-linear between the dated factors of ``data/software_maturity.csv`` (same
    hardware across MLPerf rounds), held flat before the first and after the last.
    """
    years, logs = _maturity().get(acc.family, _maturity()["Other ASIC"])
    return float(np.exp(np.interp(float(year), years, logs)))


def at_software_year(acc: Accelerator, year: float | None) -> Accelerator:
    """``acc`` with its serving-software efficiency of ``year`` (None: the reference)."""
    if year is None:
        return acc
    return replace(acc, software_efficiency=acc.software_efficiency * software_factor(acc, year))


def get_accelerator(name: str) -> Accelerator:
    """Catalog accelerator by (case-insensitive) name."""
    return _lookup("accelerator", name, accelerators())


def get_architecture(name: str) -> Architecture:
    """Catalog model architecture by (case-insensitive) name."""
    return _lookup("model", name, architectures())


NODE_FAMILIES = ("N12", "N7", "N5", "N3", "N2")
COMPANIES = ("NVIDIA", "AMD", "Broadcom/Google", "AWS/Marvell", "Other")
VENDORS = ("NVIDIA", "AMD", "Google", "AWS", "Other")
_COMPANY_OF_VENDOR = {
    "NVIDIA": "NVIDIA",
    "AMD": "AMD",
    "Google": "Broadcom/Google",
    "AWS": "AWS/Marvell",
    "Other": "Other",
}


def _onehot(keys: list[str], cats: tuple[str, ...]) -> np.ndarray:
    out = np.zeros((len(keys), len(cats)))
    for i, k in enumerate(keys):
        out[i, cats.index(k)] = 1.0
    return out


@lru_cache(maxsize=8)
def _nodes() -> dict[str, dict[str, str]]:
    return {r["node"]: r for r in read_csv("process_nodes.csv")}


@lru_cache(maxsize=8)
def _hbm() -> dict[str, dict[str, str]]:
    return {r["generation"]: r for r in read_csv("hbm_generations.csv")}


def fleet_tables(names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Per-accelerator arrays (type,) and maps the fleet and fab layers need.

    Keys: ``die_area_mm2``, ``die_count``, ``interposer_mm2``, ``hbm_stacks``,
    ``hbm_gb``, ``hbm_die_gb``, ``hbm_die_area_mm2``, ``tdp_w``, ``asp_usd``,
    node parameters (``ramp_year``, ``d0_initial``, ``d0_mature``, ``d0_tau``,
    ``wafer_price``) and one-hot maps ``node_map`` (type, node family),
    ``company_map`` (type, company), ``vendor_map`` (type, vendor).
    """
    accs = [get_accelerator(n) for n in names]
    nodes = _nodes()
    hbm = _hbm()
    node_rows = [nodes[a.process_node] for a in accs]
    return {
        "die_area_mm2": np.array([a.die_area_mm2 for a in accs]),
        "die_count": np.array([float(a.die_count) for a in accs]),
        "interposer_mm2": np.array([a.interposer_mm2 for a in accs]),
        "hbm_stacks": np.array([float(a.hbm_stacks) for a in accs]),
        "hbm_gb": np.array([a.hbm_bytes / 1e9 for a in accs]),
        "hbm_die_gb": np.array([float(hbm[a.hbm_gen]["gb_per_die"]) for a in accs]),
        "hbm_die_area_mm2": np.array([float(hbm[a.hbm_gen]["die_area_mm2"]) for a in accs]),
        "tdp_w": np.array([a.tdp_w for a in accs]),
        "asp_usd": np.array([a.asp_usd for a in accs]),
        "ramp_year": np.array([float(r["ramp_year"]) for r in node_rows]),
        "d0_initial": np.array([float(r["d0_initial_per_cm2"]) for r in node_rows]),
        "d0_mature": np.array([float(r["d0_mature_per_cm2"]) for r in node_rows]),
        "d0_tau": np.array([float(r["d0_tau_years"]) for r in node_rows]),
        "wafer_price": np.array([float(r["wafer_price_usd"]) for r in node_rows]),
        "node_map": _onehot([r["family"] for r in node_rows], NODE_FAMILIES),
        "company_map": _onehot([_COMPANY_OF_VENDOR[a.vendor] for a in accs], COMPANIES),
        "vendor_map": _onehot([a.vendor for a in accs], VENDORS),
    }


def node_family_tables() -> dict[str, np.ndarray]:
    """Per node family (NODE_FAMILIES order): EUV exposures, capex/wpm, cleanroom m²/wpm."""
    fam = {r["family"]: r for r in _nodes().values() if r["node"] == r["family"]}
    return {
        "euv_exposures": np.array([float(fam[f]["euv_exposures"]) for f in NODE_FAMILIES]),
        "capex_per_wpm": np.array([float(fam[f]["capex_per_wpm_usd"]) for f in NODE_FAMILIES]),
        "cleanroom_m2_per_wpm": np.array(
            [float(fam[f]["cleanroom_m2_per_wpm"]) for f in NODE_FAMILIES]
        ),
    }


def capacity_base(kind: str, years: Any) -> tuple[np.ndarray, np.ndarray]:
    """Capacity of ``kind`` from the data (wafers/month, end of year) and years past it.

    Returns ``base`` (year,): linear between data years, the first value before
    them, the last after; and ``after`` (year,) [yr]: years past the last data year
    (where a growth rate compounds). No rows: zeros.
    """
    rows = [r for r in read_csv("capacity.csv") if r["kind"] == kind]
    yrs = np.asarray(years, dtype=float)
    if not rows:
        return np.zeros(len(yrs)), np.zeros(len(yrs))
    ys = np.array([float(r["year"]) for r in rows])
    vs = np.array([float(r["wafers_per_month"]) for r in rows])
    return np.interp(yrs, ys, vs), np.maximum(yrs - ys.max(), 0.0)


def capacity_series(kind: str, years: Any, growth: Any) -> np.ndarray:
    """Capacity (wafers/month, end of year) of ``kind`` for ``years``, (draw, year).

    :func:`capacity_base`, compounding at ``growth`` (draw,) after the last data year.
    """
    base, after = capacity_base(kind, years)
    return base[None, :] * np.power(1.0 + np.asarray(growth)[:, None], after[None, :])


def shipments_history(names: tuple[str, ...], years: Any) -> np.ndarray:
    """Historical shipments (year, type) [units/yr]; NaN rows for years without data."""
    yrs = [int(y) for y in years]
    out = np.full((len(yrs), len(names)), np.nan)
    rows = read_csv("shipments_history.csv")
    data_years = {int(r["year"]) for r in rows}
    for i, y in enumerate(yrs):
        if y in data_years:
            out[i] = 0.0
    for r in rows:
        y = int(r["year"])
        if y in yrs and r["accelerator"] in names:
            out[yrs.index(y), names.index(r["accelerator"])] += float(r["units"])
    return out


def installed_2022(names: tuple[str, ...]) -> np.ndarray:
    """Installed base at the end of 2022 by type [units]."""
    out = np.zeros(len(names))
    for r in read_csv("installed_base_2022.csv"):
        out[names.index(r["accelerator"])] += float(r["units"])
    return out


def euv_history() -> dict[int, tuple[float, float]]:
    """ASML EUV shipments by year: (low-NA, high-NA) [tools]."""
    return {
        int(r["year"]): (float(r["low_na_shipped"]), float(r["high_na_shipped"]))
        for r in read_csv("euv_tools.csv")
    }


def wfe_history() -> dict[tuple[int, str], float]:
    """WFE spend by (year, application) [USD]."""
    return {
        (int(r["year"]), r["application"]): float(r["usd"]) for r in read_csv("wfe_history.csv")
    }
