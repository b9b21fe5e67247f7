"""One module per figure; each exposes ``build(ctx) -> altair chart``."""

from __future__ import annotations

from aiinfra.report.figures import (
    binding,
    f1_arr,
    f2_shipments,
    f3_wfe,
    f4_cowos,
    f5_transceivers,
    f6_llm_capacity,
    f7_dc_capacity,
    flow,
    segments,
    shadow_prices,
    solver,
    tornado,
    track_record,
    uses,
)

FIGURES = {
    "f1_arr": f1_arr,
    "f2_shipments": f2_shipments,
    "f3_wfe": f3_wfe,
    "f4_cowos": f4_cowos,
    "f5_transceivers": f5_transceivers,
    "f6_llm_capacity": f6_llm_capacity,
    "f7_dc_capacity": f7_dc_capacity,
    "uses": uses,
    "binding": binding,
    "solver": solver,
    "shadow_prices": shadow_prices,
    "segments": segments,
    "tornado": tornado,
    "flow": flow,
    "track_record": track_record,
}

__all__ = ["FIGURES"]
