"""Every number in aiinfra/data/*.csv carries a source and a year of publication."""

import csv
from importlib import resources

import pytest

DATA = resources.files("aiinfra") / "data"
CSVS = sorted(p for p in DATA.iterdir() if str(p).endswith(".csv"))


def test_there_are_catalogs():
    assert CSVS


@pytest.mark.parametrize("path", CSVS, ids=lambda p: p.name)
def test_sources_present(path):
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows, path
    assert "source" in rows[0] and "year_published" in rows[0]
    for i, row in enumerate(rows):
        assert row["source"].strip(), f"{path.name} row {i + 2} has no source"
        year = int(row["year_published"])
        assert 1990 <= year <= 2027, f"{path.name} row {i + 2}: year_published {year}"
        if row["source"].strip().lower().startswith("assumption"):
            assert len(row["source"]) > len("assumption") + 5, (
                f"{path.name} row {i + 2}: an assumption needs a rationale"
            )


@pytest.mark.parametrize("path", CSVS, ids=lambda p: p.name)
def test_every_row_has_the_header_columns(path):
    # an unquoted comma in a note shifts no value but adds a column that breaks readers
    with path.open(encoding="utf-8", newline="") as fh:
        header, *rows = csv.reader(fh)
    for i, row in enumerate(rows):
        assert len(row) == len(header), f"{path.name} row {i + 2}: {len(row)} fields"
