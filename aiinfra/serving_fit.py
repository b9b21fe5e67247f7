"""Production serving efficiency fitted to fleet-level observations.

Each row of ``data/serving_observations.csv`` is a fleet serving known tokens
on a known number of devices (DeepSeek's published V3/R1 statistics, OpenAI's
inference spend against its token volume, Google's tokens against its TPU
fleet). The roofline under the observation's latency targets and model mix
gives the device-seconds those tokens need at benchmark efficiency; the
production efficiency is that over the device-seconds the fleet actually had,
after the load profile (capacity sized for peak plus headroom)::

    e = Σ (computed input / prefill rate + output / decode rate) · p2a · headroom
        / (devices · 86,400 s)

The scenario's ``compute.production_efficiency`` is a lognormal with the
geometric mean of the observations as median and their spread as width;
``python -m aiinfra.serving_fit --write`` records the fit in
``data/serving_fit.csv``.
"""

from __future__ import annotations

import csv
import io
import sys
from importlib import resources

import numpy as np

from aiinfra.catalogs import get_accelerator, read_csv
from aiinfra.layers.compute import Efficiency, serving_tables
from aiinfra.layers.serving import LatencyTarget
from aiinfra.scenario.compute import model_mix

__all__ = ["fit", "observations", "serving_fit_csv"]

SECONDS_PER_DAY = 86400.0
PERCENTILE = 0.95
REFERENCE_YEAR = 2025  # production_efficiency is stated at this year's software
GAIN = 0.3  # base scenario's efficiency_gain mode: brings observations to the reference year


def observations() -> list[dict[str, str]]:
    """Fleet-level serving observations with their sources."""
    return read_csv("serving_observations.csv")


def efficiency_of(row: dict[str, str], eff: Efficiency | None = None) -> dict[str, float]:
    """Implied production efficiency of one observation [1] and its parts.

    ``efficiency`` is stated at :data:`REFERENCE_YEAR`'s software: an earlier
    observation is scaled up by the yearly efficiency gain :data:`GAIN`.
    """
    acc = get_accelerator(row["accelerator"])
    target = LatencyTarget(float(row["ttft_s"]), float(row["tpot_s"]), PERCENTILE)
    r = serving_tables(
        [acc],
        [model_mix(row["models"])],
        n_in=np.array([float(row["request_input_tokens"])]),
        n_out=np.array([float(row["request_output_tokens"])]),
        targets=[target],
        precision="fp8",
        efficiency=eff or Efficiency(),
    )
    computed_in = float(row["input_tokens_per_day"]) * (1.0 - float(row["cached_share"]))
    model_s = computed_in / float(r["prefill_rate"][0, 0]) + float(
        row["output_tokens_per_day"]
    ) / float(r["decode_rate"][0, 0])
    load = float(row["peak_to_average"]) * float(row["headroom"])
    actual_s = float(row["devices"]) * SECONDS_PER_DAY
    tokens = float(row["input_tokens_per_day"]) + float(row["output_tokens_per_day"])
    at_year = model_s * load / actual_s
    return {
        "efficiency_at_year": at_year,
        "efficiency": at_year * (1.0 + GAIN) ** (REFERENCE_YEAR - int(row["year"])),
        "roofline_tokens_per_s_per_device": tokens / model_s,
        "observed_tokens_per_s_per_device": tokens / actual_s,
    }


def fit() -> dict[str, float]:
    """Geometric mean and log-standard deviation of the implied efficiencies."""
    e = np.array([efficiency_of(r)["efficiency"] for r in observations()])
    log = np.log(e)
    sd = float(log.std(ddof=1)) if len(e) > 1 else 0.0
    return {
        "median": float(np.exp(log.mean())),
        "log_sd": sd,
        "p90": float(np.exp(log.mean() + 1.2816 * sd)),
    }


def serving_fit_csv() -> str:
    """The content of ``data/serving_fit.csv``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "observation",
            "year",
            "observed_tokens_per_s_per_device",
            "roofline_tokens_per_s_per_device",
            "efficiency_that_year",
            "production_efficiency",
            "source",
            "year_published",
        ]
    )
    for r in observations():
        e = efficiency_of(r)
        w.writerow(
            [
                r["observation"],
                r["year"],
                f"{e['observed_tokens_per_s_per_device']:.4g}",
                f"{e['roofline_tokens_per_s_per_device']:.4g}",
                f"{e['efficiency_at_year']:.4f}",
                f"{e['efficiency']:.4f}",
                "derived: aiinfra.serving_fit from data/serving_observations.csv",
                r["year_published"],
            ]
        )
    f = fit()
    w.writerow(
        [
            "geometric_mean",
            "",
            "",
            "",
            "",
            f"{f['median']:.4f}",
            f"derived: log-sd {f['log_sd']:.3f}, lognormal p90 {f['p90']:.3f}",
            "2026",
        ]
    )
    return buf.getvalue()


def main() -> None:  # pragma: no cover - maintenance entry point
    """``python -m aiinfra.serving_fit [--write]``."""
    text = serving_fit_csv()
    sys.stdout.write(text)
    if "--write" in sys.argv:
        path = resources.files("aiinfra") / "data" / "serving_fit.csv"
        with open(str(path), "w", encoding="utf-8", newline="") as fh:
            fh.write(text)


if __name__ == "__main__":  # pragma: no cover
    main()
