"""Exporting tables to CSV and Excel keeps text as text and counts as numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from labdesk.core.errors import ValidationError
from labdesk.services.exports import Column, Table, write_table, write_workbook

COLUMNS = [Column("no", "样品编号"), Column("result", "结果"), Column("n", "数量")]
ROWS: list[dict[str, Any]] = [
    {"no": "AH-001", "result": Decimal("0.30"), "n": 3},
    {"no": "AH-002", "result": "未检出", "n": 0},
    {"no": "AH-003", "result": None, "n": 12},
]


def test_csv_has_bom_and_exact_text(tmp_path: Path) -> None:
    path = write_table(tmp_path / "list.csv", Table("样品", COLUMNS, ROWS))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == ["样品编号,结果,数量", "AH-001,0.30,3", "AH-002,未检出,0", "AH-003,,12"]


def test_xlsx_keeps_decimal_text_and_numeric_counts(tmp_path: Path) -> None:
    path = write_table(tmp_path / "list.xlsx", Table("样品", COLUMNS, ROWS))
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["样品编号", "结果", "数量"]
    assert values[1] == ["AH-001", "0.30", 3]
    assert values[2][1] == "未检出"


def test_workbook_one_sheet_per_table_with_safe_unique_names(tmp_path: Path) -> None:
    tables = [
        Table("a/b", COLUMNS, ROWS),
        Table("a/b", COLUMNS, ROWS[:1]),
        Table("x" * 40, COLUMNS, []),
    ]
    path = write_workbook(tmp_path / "book.xlsx", tables)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["a_b", "a_b (2)", "x" * 31]
    assert book["a_b (2)"].max_row == 2


def test_floats_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_table(tmp_path / "f.csv", Table("t", COLUMNS, [{"no": "x", "result": 0.3, "n": 1}]))
    assert list(tmp_path.iterdir()) == []


def test_unknown_suffix_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        write_table(tmp_path / "list.pdf", Table("t", COLUMNS, ROWS))
    assert caught.value.field == "out"


def test_samples_table_from_the_record(tmp_path: Path) -> None:
    from labdesk.services.exports import samples_table
    from labdesk.store.db import open_reader
    from tests.reports.lab import build_scenario

    db_file = build_scenario(tmp_path / "lab.sqlite")
    db = open_reader(db_file)
    try:
        ids = [int(r[0]) for r in db.query("SELECT id FROM samples ORDER BY sample_no DESC")]
        table = samples_table(db, ids)
    finally:
        db.close()
    out = write_table(tmp_path / "samples.csv", table)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("样品编号,样品名称,受检单位")
    assert [line.split(",")[0] for line in lines[1:]] == [
        "S-005",
        "S-004",
        "S-003",
        "S-002",
        "S-001",
    ]
    assert lines[-1].endswith(",approved,不合格,铅")
