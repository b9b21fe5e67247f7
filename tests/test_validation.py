"""The compute validation set: every case sourced and predicted."""

import numpy as np

from aiinfra import validation


def test_every_case_is_sourced_and_predicted():
    rows = validation.residuals()
    assert len(rows) == len(validation.cases()) > 5
    for r in rows:
        assert np.isfinite(r["model"]) and r["model"] > 0
    assert all(c["source"] for c in validation.cases())


def test_csv_lists_every_case():
    text = validation.validation_csv()
    assert text.count("\n") >= len(validation.cases())


def test_docs_validation_table_is_current():
    # docs/methodology/compute.md carries the table python -m aiinfra.validation_report
    # --write generates from data/validation.csv
    from pathlib import Path

    from aiinfra import validation_report as vr

    page = (Path(__file__).resolve().parents[1] / "docs/methodology/compute.md").read_text()
    block = page.split(vr.BEGIN)[1].split(vr.END)[0]
    assert block.strip() == vr.markdown().strip()
    assert (Path(__file__).resolve().parents[1] / "docs/img/validation.png").stat().st_size > 1e4
    s = vr.summary()
    assert s["held-out inference"][2] >= 10 and s["training"][2] >= 6


def test_vendor_tables_compared_and_current():
    # NVIDIA's TensorRT-LLM v1.0 performance overview, not fitted on: Llama 70B on 1-2 GPUs
    # within 15 % at the median of every system (405B at TP4/TP8 runs high: a known gap)
    import statistics
    from pathlib import Path

    from aiinfra import validation_report as vr

    rows = vr.vendor_rows()
    assert len(rows) >= 80 and all(r["source"] for r in rows)
    for acc in ("B200", "GB200", "H200-SXM", "H100-SXM"):
        errs = [
            r["rel_error"]
            for r in rows
            if r["model"] == "llama-3.1-70b" and r["accelerator"] == acc
        ]
        assert abs(statistics.median(errs)) <= 0.15, acc
    assert all(-0.3 < r["rel_error"] < 0.6 for r in rows)  # the 405B gap does not widen unseen
    page = (Path(__file__).resolve().parents[1] / "docs/methodology/compute.md").read_text()
    assert page.split(vr.VBEGIN)[1].split(vr.VEND)[0].strip() == vr.vendor_markdown().strip()
