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
