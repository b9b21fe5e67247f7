"""Validation of the compute layer against published benchmarks.

Cases live in ``data/validation_cases.csv`` (MLPerf Inference v4.0-v5.0 Llama-2-70B
results, published pre-training GPU-hours). Inference cases run with the serving
software of their round (:func:`aiinfra.catalogs.software_factor`; 1 at v4.1).
:func:`predict` runs the roofline for every case with given efficiencies;
:func:`fit` fits the default efficiencies once (least squares on log residuals); ``python -m
aiinfra.validation --write`` records fit and residuals in
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

from aiinfra.catalogs import at_software_year, get_accelerator, get_architecture, read_csv
from aiinfra.layers.compute import Efficiency, best_inference, training_time
from aiinfra.layers.serving import SCENARIOS

__all__ = ["DEFAULTS", "Defaults", "cases", "fit", "predict"]

FIT_BOUNDS = [(0.3, 0.8), (0.6, 0.9)]  # mfu, mbu


@dataclass(frozen=True)
class Defaults:
    """Default efficiencies of the compute layer (fitted by :func:`fit`)."""

    mfu: float = 0.490
    mbu: float = 0.600
    comm_eff: float = 0.70
    training_mfu: float = 0.443

    @property
    def inference(self) -> Efficiency:
        """Inference efficiencies as an :class:`Efficiency`."""
        return Efficiency(self.mfu, self.mbu, self.comm_eff)


DEFAULTS = Defaults()


def cases() -> list[dict[str, str]]:
    """Benchmark cases with their sources."""
    return read_csv("validation_cases.csv")


def predict(case: dict[str, str], d: Defaults = DEFAULTS) -> float:
    """Model value for one case in the case's unit (token/s or device-hour)."""
    acc = get_accelerator(case["accelerator"])
    arch = get_architecture(case["model"])
    devices = int(case["devices"])
    if case["kind"] == "training":
        t = training_time(
            float(case["train_tokens"]),
            active_params=arch.active_params,
            devices=devices,
            peak_flops=acc.peak(case["precision"]),
            mfu=d.training_mfu * acc.software_efficiency,
        )
        return float(t["device_hours"])
    # the serving software of the benchmark round (data/software_maturity.csv)
    acc = at_software_year(acc, float(case["round_year"]) if case.get("round_year") else None)
    res = best_inference(
        [acc],
        arch,
        devices=devices,
        n_in=float(case["input_tokens"]),
        n_out=float(case["output_tokens"]),
        precision=case["precision"],
        efficiency=d.inference,
        target=SCENARIOS[case["scenario"]],
    )
    return float(res["tokens_per_s_per_device"][0]) * devices


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
                "source": c["source"],
                "year_published": c["year_published"],
            }
        )
    return out


def fit() -> Defaults:
    """Fit mfu, mbu (inference) and training_mfu (training) once."""
    from scipy.optimize import minimize

    inf = [c for c in cases() if c["kind"] == "inference"]
    trn = [c for c in cases() if c["kind"] == "training"]

    def loss_inf(x: np.ndarray) -> float:
        d = replace(DEFAULTS, mfu=x[0], mbu=x[1])
        return sum(np.log(predict(c, d) / float(c["measured"])) ** 2 for c in inf)

    # physically plausible ranges: achieved MFU 30-80 %, HBM utilisation 60-90 %
    x = minimize(
        loss_inf, [0.5, 0.7], method="Nelder-Mead", bounds=FIT_BOUNDS, options={"xatol": 1e-3}
    ).x
    d = replace(DEFAULTS, mfu=float(x[0]), mbu=float(x[1]))
    # training: device-hours scale as 1/mfu, so the log-least-squares fit is closed-form
    logs = [np.log(predict(c, d) / float(c["measured"])) for c in trn]
    return replace(d, training_mfu=float(d.training_mfu * np.exp(np.mean(logs))))


def validation_csv(d: Defaults = DEFAULTS) -> str:
    """The content of ``data/validation.csv`` for efficiencies ``d``."""
    buf = io.StringIO()
    cols = ["case", "measured", "model", "rel_error", "unit", "fitted"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*cols, "source", "year_published"])
    fitted = f"mfu={d.mfu:.3f} mbu={d.mbu:.3f} "
    fitted += f"training_mfu={d.training_mfu:.3f}"
    for r in residuals(d):
        w.writerow(
            [
                r["case"],
                f"{r['measured']:.6g}",
                f"{r['model']:.6g}",
                f"{r['rel_error']:+.4f}",
                r["unit"],
                fitted,
                r["source"],
                r["year_published"],
            ]
        )
    return buf.getvalue()


def main() -> None:  # pragma: no cover - maintenance entry point
    """``python -m aiinfra.validation [--fit] [--write]``."""
    d = fit() if "--fit" in sys.argv else DEFAULTS
    text = validation_csv(d)
    sys.stdout.write(text)
    if "--write" in sys.argv:
        path = resources.files("aiinfra") / "data" / "validation.csv"
        with open(str(path), "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":  # pragma: no cover
    main()
