"""Validation of the compute layer against published benchmarks.

Cases live in ``data/validation_cases.csv`` (MLPerf Inference v4.0-v5.1 Llama-2-70B
and Llama-3.1-405B results in Offline, Server and Interactive, MLPerf Training and
published pre-training GPU-hours). Inference cases run with the serving software of
their round (:func:`aiinfra.catalogs.software_factor`; 1 at v4.1). :func:`predict`
runs the roofline for every case with given efficiencies; :func:`fit` fits the
default efficiencies once (least squares on log residuals) on the cases whose
``split`` is ``fit`` -- MLPerf v4.1 (the reference round) and v5.0 Interactive
(the only cases that pin the per-step overhead) -- and every other case is held
out. ``python -m aiinfra.validation --write`` records fit and residuals in
``data/validation.csv``.

MLPerf's Llama-2-70B data set: OpenOrca, 24,576 samples, prompts capped at
1,024 tokens; reference output 294.45 tokens/sample (mlcommons/inference,
language/llama2-70b/README.md). Server runs must keep p99 TPOT <= 200 ms and
TTFT <= 2 s (Interactive: 40 ms and 450 ms); the queueing model of
:mod:`aiinfra.layers.serving` finds the load that meets them, so Server and
Interactive cases use no fitted factor of their own.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, replace
from importlib import resources

import numpy as np

from aiinfra.catalogs import (
    Accelerator,
    Architecture,
    at_software_year,
    get_accelerator,
    get_architecture,
    read_csv,
    step_overhead_factor,
)
from aiinfra.layers import training
from aiinfra.layers.compute import Efficiency, best_inference
from aiinfra.layers.serving import SCENARIOS, LatencyTarget

__all__ = ["DEFAULTS", "Defaults", "cases", "fit", "fit_stack", "predict", "target_of"]

# physically plausible ranges: achieved MFU 30-80 %, HBM utilisation 60-85 % (streaming
# kernels reach ~85-90 % of HBM peak), FP4 GEMMs at 0.8-2x the FP8 rate,
# 0-60 us per layer and decode iteration (a dozen kernels of a few us launch/tail each)
FIT_BOUNDS = [(0.3, 0.8), (0.6, 0.85), (0.8, 2.0), (0.0, 1e-4)]


@dataclass(frozen=True)
class Defaults:
    """Default efficiencies of the compute layer (fitted by :func:`fit`)."""

    mfu: float = 0.721
    mbu: float = 0.665
    comm_eff: float = 0.70
    fp4_gemm: float = 1.122
    layer_overhead_s: float = 6.32e-05
    gemm_tile_rows: float = 64.0
    training_mfu: float = 0.454

    @property
    def inference(self) -> Efficiency:
        """Inference efficiencies as an :class:`Efficiency`."""
        return Efficiency(
            self.mfu,
            self.mbu,
            self.comm_eff,
            self.fp4_gemm,
            self.layer_overhead_s,
            self.gemm_tile_rows,
        )


DEFAULTS = Defaults()


def cases() -> list[dict[str, str]]:
    """Benchmark cases with their sources."""
    return read_csv("validation_cases.csv")


def target_of(case: dict[str, str]) -> LatencyTarget | None:
    """The case's latency targets: its scenario's, or its own ``ttft_ms``/``tpot_ms``."""
    base = SCENARIOS[case["scenario"]]
    if not case.get("ttft_ms"):
        return base
    return LatencyTarget(ttft_s=float(case["ttft_ms"]) / 1e3, tpot_s=float(case["tpot_ms"]) / 1e3)


def train(
    acc: Accelerator, arch: Architecture, case: dict[str, str], d: Defaults = DEFAULTS
) -> dict[str, object]:
    """Training time of a case on ``acc`` (:func:`aiinfra.layers.training.train`):
    pre-training (``scenario`` ``train``) or LoRA fine-tuning (``lora``)."""
    return training.train(
        acc,
        arch,
        tokens=float(case["train_tokens"]) if case.get("train_tokens") else 1e9,
        devices=int(case["devices"]),
        precision=case["precision"],
        mfu=d.training_mfu * acc.software_efficiency,
        lora=case["scenario"] == "lora",
    )


def predict(case: dict[str, str], d: Defaults = DEFAULTS, acc: Accelerator | None = None) -> float:
    """Model value for one case in the case's unit (token/s or device-hour).

    ``acc`` replaces the catalog accelerator (to fit its software efficiency); a ``tp``
    entry fixes the devices per replica.
    """
    acc = acc or get_accelerator(case["accelerator"])
    arch = get_architecture(case["model"])
    devices = int(case["devices"])
    if case["kind"] == "training":
        return float(train(acc, arch, case, d)["device_hours"])
    if case["kind"] == "training_ratio":
        versus = get_accelerator(case["versus"])
        one = train(acc, arch, case, d)["seconds"]
        return float(train(versus, arch, case, d)["seconds"] / one)
    # the serving software of the benchmark round (data/software_maturity.csv)
    acc = at_software_year(acc, float(case["round_year"]) if case.get("round_year") else None)
    n_out = float(case["output_tokens"])
    target = target_of(case)

    def run(tgt: LatencyTarget | None) -> float:
        res = best_inference(
            [acc],
            arch,
            devices=devices,
            n_in=float(case["input_tokens"]),
            n_out=n_out,
            precision=case["precision"],
            efficiency=d.inference,
            target=tgt,
            replica=int(case["tp"]) if case.get("tp") else None,
        )
        return float(res["tokens_per_s_per_device"][0]) * devices

    rate = run(target)
    if target is not None and case.get("min_duration_s") and rate > 0:
        # MLPerf's early stopping: the p99 must hold with 99 % confidence over the
        # queries of the run, a stricter percentile for short runs (two passes)
        for _ in range(2):
            queries = rate / n_out * float(case["min_duration_s"])
            p = early_stopping_percentile(queries, target.percentile)
            rate = run(replace(target, percentile=p)) or rate
    return rate


def early_stopping_percentile(queries: float, percentile: float = 0.99) -> float:
    """Latency percentile a run of ``queries`` queries must meet under MLPerf's early stopping [1].

    LoadGen discards the ``k`` slowest queries, ``k`` the largest count whose
    binomial probability at the nominal tail ``1 - percentile`` stays below 1 %
    (99 % confidence; normal approximation), and requires the slowest remaining
    query within the target: ``1 - k / queries``, or ``1 - 1 / (queries + 1)`` when
    none may be discarded (mlcommons/inference, loadgen/early_stopping.cc).
    """
    n = max(float(queries), 1.0)
    q = 1.0 - percentile
    k = np.floor(n * q - 2.326 * np.sqrt(n * q * (1.0 - q)))
    return float(1.0 - k / n) if k >= 1 else float(1.0 - 1.0 / (n + 1.0))


def residuals(d: Defaults = DEFAULTS) -> list[dict[str, object]]:
    """Every case with measured, model and relative error."""
    out = []
    for c in cases():
        model = predict(c, d)
        meas = float(c["measured"])
        out.append(
            {
                "case": c["case"],
                "measured": meas,
                "model": model,
                "rel_error": model / meas - 1.0,
                "unit": c["unit"],
                "split": c["split"],
                "source": c["source"],
                "year_published": c["year_published"],
            }
        )
    return out


def _fit_cases(kind: str, vendor: str | None = None) -> list[dict[str, str]]:
    rows = [c for c in cases() if c["kind"] == kind and c["split"] == "fit"]
    if vendor is None:
        return rows
    return [c for c in rows if get_accelerator(c["accelerator"]).vendor == vendor]


def _log_loss(rows: list[dict[str, str]], d: Defaults, acc: Accelerator | None = None) -> float:
    return float(sum(np.log(predict(c, d, acc) / float(c["measured"])) ** 2 for c in rows))


def fit() -> Defaults:
    """Fit mfu, mbu, fp4_gemm, layer_overhead_s (NVIDIA ``fit`` cases) and training_mfu."""
    from scipy.optimize import minimize

    inf = _fit_cases("inference", "NVIDIA")
    names = ("mfu", "mbu", "fp4_gemm", "layer_overhead_s")

    def with_x(x: np.ndarray) -> Defaults:
        return replace(DEFAULTS, **{k: float(v) for k, v in zip(names, x, strict=True)})

    x0 = [getattr(DEFAULTS, k) for k in names]
    opts = {"xatol": 1e-4, "fatol": 1e-6, "maxiter": 600}
    loss = lambda x: _log_loss(inf, with_x(x))  # noqa: E731
    d = with_x(minimize(loss, x0, method="Nelder-Mead", bounds=FIT_BOUNDS, options=opts).x)
    # training: device-hours scale as 1/mfu, so the log-least-squares fit is closed-form
    logs = [np.log(predict(c, d) / float(c["measured"])) for c in _fit_cases("training")]
    return replace(d, training_mfu=float(d.training_mfu * np.exp(np.mean(logs))))


def fit_stack(accelerator: str, d: Defaults = DEFAULTS) -> tuple[float, float]:
    """Fit one part's ``software_efficiency`` [1] and its stack's step-overhead factor [1].

    On the ``fit`` cases of that accelerator (for AMD: MI300X in MLPerf v4.1 and v5.1
    Interactive), with the global efficiencies ``d`` held.
    """
    from scipy.optimize import minimize

    acc = get_accelerator(accelerator)
    rows = [c for c in _fit_cases("inference") if c["accelerator"] == acc.name]
    base = step_overhead_factor(acc)

    def loss(x: np.ndarray) -> float:
        dd = replace(d, layer_overhead_s=d.layer_overhead_s * float(x[1]) / base)
        return _log_loss(rows, dd, replace(acc, software_efficiency=float(x[0])))

    x = minimize(
        loss,
        [acc.software_efficiency, base],
        method="Nelder-Mead",
        bounds=[(0.3, 1.0), (0.5, 10.0)],
        options={"xatol": 1e-3},
    ).x
    return float(x[0]), float(x[1])


def validation_csv(d: Defaults = DEFAULTS) -> str:
    """The content of ``data/validation.csv`` for efficiencies ``d``."""
    buf = io.StringIO()
    cols = ["case", "measured", "model", "rel_error", "unit", "split", "fitted"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*cols, "source", "year_published"])
    fitted = f"mfu={d.mfu:.3f} mbu={d.mbu:.3f} fp4_gemm={d.fp4_gemm:.3f} "
    fitted += f"layer_overhead_s={d.layer_overhead_s:.2e} gemm_tile_rows={d.gemm_tile_rows:.0f} "
    fitted += f"training_mfu={d.training_mfu:.3f}"
    for r in residuals(d):
        w.writerow(
            [
                r["case"],
                f"{r['measured']:.6g}",
                f"{r['model']:.6g}",
                f"{r['rel_error']:+.4f}",
                r["unit"],
                r["split"],
                fitted,
                r["source"],
                r["year_published"],
            ]
        )
    return buf.getvalue()


def main() -> None:  # pragma: no cover - maintenance entry point
    """``python -m aiinfra.validation [--fit] [--write]``."""
    d = fit() if "--fit" in sys.argv else DEFAULTS
    if "--fit" in sys.argv:
        sys.stderr.write(
            f"{d}\nMI300X software_efficiency, AMD step overhead: {fit_stack('MI300X', d)}\n"
        )
    text = validation_csv(d)
    sys.stdout.write(text)
    if "--write" in sys.argv:
        path = resources.files("aiinfra") / "data" / "validation.csv"
        with open(str(path), "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":  # pragma: no cover
    main()
