"""The variables registry: every output variable with unit, dims and meaning.

The registry is the single glossary of output names. The chain may only emit
registered variables, and :mod:`aiinfra.results` attaches ``units`` and
``long_name`` attributes from here. ``aiinfra variables`` prints it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["HEADLINE", "VARIABLES", "Variable", "register"]


@dataclass(frozen=True)
class Variable:
    """Metadata of one output variable."""

    name: str
    units: str
    dims: tuple[str, ...]
    layer: str
    long_name: str
    description: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly mapping."""
        d = asdict(self)
        d["dims"] = list(self.dims)
        return d


VARIABLES: dict[str, Variable] = {}


def register(
    name: str, units: str, dims: tuple[str, ...], layer: str, long_name: str, description: str = ""
) -> Variable:
    """Add a variable to the registry (names must be unique)."""
    if name in VARIABLES:
        msg = f"variable {name!r} is already registered"
        raise ValueError(msg)
    var = Variable(name, units, dims, layer, long_name, description)
    VARIABLES[name] = var
    return var


DY = ("draw", "year")
DYW = ("draw", "year", "workload")

# ----------------------------------------------------------------- demand
register("demand_users", "user", DYW, "demand", "Active users by workload",
         "Logistic user curve per workload (users, seats or agent instances).")  # fmt: skip
register("demand_tokens", "token/year", DYW, "demand", "Token demand by workload",
         "Input plus output tokens processed per year.")  # fmt: skip
register("demand_input_tokens", "token/year", DYW, "demand", "Input (prefill) tokens by workload")
register("demand_output_tokens", "token/year", DYW, "demand", "Output (decode) tokens by workload",
         "Includes hidden reasoning tokens.")  # fmt: skip
register("token_price", "USD/Mtok", DYW, "demand", "Effective revenue per million tokens",
         "API price, or subscription revenue divided by tokens served.")  # fmt: skip
register("revenue_usd", "USD/year", DYW, "demand", "LLM provider revenue by workload")
register("tokens_total", "token/year", DY, "demand", "Total token demand")
register("arr_usd", "USD/year", DY, "demand", "ARR of leading LLM providers",
         "Calendar-year revenue, equal to the run rate at mid-year for smooth growth "
         "(seed figure 1).")  # fmt: skip
register("training_flop", "FLOP/year", DY, "demand", "Training compute demand",
         "All training: frontier runs plus other runs and experiments.")  # fmt: skip
register("frontier_run_flop", "FLOP", DY, "demand", "Compute of one frontier training run")
register("frontier_runs", "1/year", DY, "demand", "Frontier-scale training runs per year")

# ----------------------------------------------------------------- compute
DYA = ("draw", "year", "accelerator")
register("xpus_needed", "device", DYA, "compute", "XPUs needed by accelerator type",
         "Active accelerators needed for LLM inference, training and other AI, split by the "
         "fleet mix.")  # fmt: skip
register("xpus_needed_by_workload", "device", DYW, "compute", "Inference XPUs needed by workload")
register("xpus_needed_by_use", "device", ("draw", "year", "use"), "compute",
         "XPUs needed by use", "inference, training, other (non-LLM) AI.")  # fmt: skip
register("xpus_needed_total", "device", DY, "compute", "XPUs needed (all uses)")
register("h100e_needed", "device", DY, "compute", "H100-equivalents needed",
         "Needed units weighted by dense FP8 FLOP/s relative to an H100 SXM.")  # fmt: skip
register("shipments_needed", "device/year", DY, "compute", "XPU shipments needed",
         "Growth of the needed fleet plus replacement after the service life.")  # fmt: skip
register("shipments_needed_h100e", "device/year", DY, "compute",
         "XPU shipments needed in H100-equivalents",
         "shipments_needed computed on the H100-equivalent fleet.")  # fmt: skip
register("token_rate_needed", "token/s", DY, "compute", "Token rate capacity needed",
         "Average token rate divided by utilisation (provisioned serving capacity).")  # fmt: skip

# Variables printed by `aiinfra run` (name, scale, display unit).
HEADLINE: list[tuple[str, float, str]] = [
    ("arr_usd", 1e-9, "bn USD"),
    ("tokens_total", 1e-15, "Ptok/yr"),
    ("training_flop", 1e-27, "1e27 FLOP/yr"),
    ("xpus_needed_total", 1e-6, "M units"),
    ("shipments_needed", 1e-6, "M units/yr"),
    ("h100e_needed", 1e-6, "M H100e"),
    ("shipments_needed_h100e", 1e-6, "M H100e/yr"),
]
