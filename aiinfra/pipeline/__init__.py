"""The stateless pipeline: :class:`Static` tables, pure stages, two explicit passes.

``build_static(scenario)`` reads every draw-independent table once;
``run_pipeline(static, params)`` calls the stages (see :mod:`.stages`) and returns
a :class:`PipelineResult` of frozen, documented stage results (:mod:`.outputs`).
"""

from aiinfra.pipeline.outputs import (
    ComputeOut,
    DemandOut,
    EconomicsOut,
    FabOut,
    FleetOut,
    NetworkOut,
    PowerOut,
    SupplySide,
)
from aiinfra.pipeline.run import PipelineResult, run_pipeline, supply_side
from aiinfra.pipeline.static import MODEL_REGISTRY, Static, build_static, resolve_model

__all__ = [
    "MODEL_REGISTRY",
    "ComputeOut",
    "DemandOut",
    "EconomicsOut",
    "FabOut",
    "FleetOut",
    "NetworkOut",
    "PipelineResult",
    "PowerOut",
    "Static",
    "SupplySide",
    "build_static",
    "resolve_model",
    "run_pipeline",
    "supply_side",
]
