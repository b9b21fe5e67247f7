"""Loaders for the sourced catalogs in ``aiinfra/data`` (read once, cached).

Catalog rows become frozen dataclasses in canonical units (FLOP/s, bytes,
B/s, W, mm², USD). Unknown names raise :class:`~aiinfra.errors.AiinfraError`
with close matches suggested.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from aiinfra.errors import AiinfraError

__all__ = [
    "Accelerator",
    "Architecture",
    "accelerators",
    "architectures",
    "get_accelerator",
    "get_architecture",
    "read_csv",
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
NVL_RACK = {"GB200": 72, "GB300": 72, "Rubin": 72}


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
    close = difflib.get_close_matches(name.lower(), list(folded), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(folded[c] for c in close)}?" if close else ""
    msg = f"unknown {kind} {name!r}{hint} (known: {', '.join(table)})"
    raise AiinfraError(msg)


def get_accelerator(name: str) -> Accelerator:
    """Catalog accelerator by (case-insensitive) name."""
    return _lookup("accelerator", name, accelerators())


def get_architecture(name: str) -> Architecture:
    """Catalog model architecture by (case-insensitive) name."""
    return _lookup("model", name, architectures())
