"""Importing instrument results: text cells, mapping, row-level errors, all or nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.services import auth
from labdesk.services.excel_import import (
    ColumnMapping,
    ImportTable,
    column_letter,
    commit_import,
    guess_mapping,
    plan_import,
    preview,
    read_table,
)
from labdesk.store.db import Database, open_database
from tests.reports.lab import PASSWORD, build_scenario

HEADER: list[object] = ["样品编号", "检测项目", "单位", "检测结果", "仪器"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scenario(tmp_path_factory.mktemp("lab") / "lab.sqlite")


@pytest.fixture
def db(scenario: Path, tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "lab.sqlite"
    shutil.copy(scenario, copy)
    database = open_database(copy)
    yield database
    database.close()


def _xlsx(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    book.save(path)
    return path


def _results(db: Database) -> list[tuple[str, str, str]]:
    return [
        (str(r[0]), str(r[1]), str(r[2]))
        for r in db.query(
            "SELECT s.sample_no, i.code, r.text FROM results r "
            "JOIN sample_items i ON i.id = r.sample_item_id JOIN samples s ON s.id = i.sample_id "
            "ORDER BY s.sample_no, i.seq"
        )
    ]


def _snapshot(db: Database) -> tuple[int, int, list[tuple[str, str]]]:
    audit = int(db.scalar("SELECT count(*) FROM audit_log"))
    results = int(db.scalar("SELECT count(*) FROM results"))
    states = [(str(r[0]), str(r[1])) for r in db.query("SELECT sample_no, state FROM samples")]
    return audit, results, states


# -- reading ------------------------------------------------------------------------------


def test_xlsx_numbers_come_back_as_typed_text(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["S-003", "CD", "mg/kg", 0.3, "ICP"],
        ["S-003", "PB", "mg/kg", 0.35, "ICP"],
        ["S-003", "SN", "mg/kg", 250, "ICP"],
        ["S-003", "HG", "mg/kg", "0.0100", "ICP"],
    ]
    table = read_table(_xlsx(tmp_path / "r.xlsx", rows, formats={"D2": "0.00"}))
    assert table.columns == HEADER
    # A number formatted to two places keeps its zero ("0.30"); a General number prints as
    # the shortest text that gives back the same double (what was typed); text stays text.
    assert table.frame["检测结果"].tolist() == ["0.30", "0.35", "250", "0.0100"]


def test_csv_in_gb18030_with_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("样品编号;检测项目;检测结果\nS-003;镉;0.050\n".encode("gb18030"))
    table = read_table(path)
    assert table.columns == ["样品编号", "检测项目", "检测结果"]
    assert table.frame.iloc[0].tolist() == ["S-003", "镉", "0.050"]


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ValidationError) as caught:
        read_table(path)
    assert caught.value.field == "file"


def test_guess_mapping_and_preview(tmp_path: Path) -> None:
    table = read_table(
        _xlsx(tmp_path / "r.xlsx", [HEADER, ["S-003", "CD", "mg/kg", "0.05", "ICP"]])
    )
    mapping = guess_mapping(table)
    assert mapping == ColumnMapping(
        sample_no="样品编号", item="检测项目", result="检测结果", unit="单位", instrument="仪器"
    )
    assert preview(table, mapping) == [
        {
            "row": "2",
            "sample_no": "S-003",
            "item": "CD",
            "result": "0.05",
            "unit": "mg/kg",
            "instrument": "ICP",
            "method": "",
        }
    ]


def test_guess_mapping_english_titles(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Sample ID,Analyte,Conc,Units\nS-003,Cd,0.05,mg/kg\n", encoding="utf-8")
    mapping = guess_mapping(read_table(path))
    assert (mapping.sample_no, mapping.item, mapping.result, mapping.unit) == (
        "Sample ID",
        "Analyte",
        "Conc",
        "Units",
    )


def test_mapping_must_name_required_distinct_columns(tmp_path: Path) -> None:
    table = read_table(_xlsx(tmp_path / "r.xlsx", [HEADER]))
    with pytest.raises(ValidationError) as caught:
        ColumnMapping(sample_no="样品编号", item="检测项目").check(table)
    assert caught.value.field == "result"
    with pytest.raises(ValidationError) as caught:
        ColumnMapping(sample_no="样品编号", item="样品编号", result="检测结果").check(table)
    assert caught.value.rule == "distinct_columns"


@given(st.integers(min_value=0, max_value=5000))
@settings(max_examples=200)
def test_column_letters_are_bijective(index: int) -> None:
    letters = column_letter(index)
    value = 0
    for ch in letters:
        value = value * 26 + (ord(ch) - ord("A") + 1)
    assert value - 1 == index


# -- checking and committing ---------------------------------------------------------------


def test_good_file_lands_whole(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["S-003", "镉", "mg/kg", "0.05", "ICP-MS 02"],
        ["S-003", "AS-I", "mg/kg", "0.10", "AFS 01"],
        ["S-003", "总汞", "mg/kg", "ND(0.003)", "AFS 01"],
        ["S-003", "PB", "mg/kg", "0.30", "ICP-MS 02"],
        ["S-003", "黄曲霉毒素B1", "μg/kg", "2.0", "HPLC 01"],
        ["S-004", "铅", "mg/kg", "0.21", "ICP-MS 02"],
    ]
    table = read_table(_xlsx(tmp_path / "good.xlsx", rows))
    plan = plan_import(db, table, guess_mapping(table))
    assert plan.errors == []
    assert [e.row for e in plan.entries] == [2, 3, 4, 5, 6, 7]
    assert [e.verdict for e in plan.entries] == ["pass", "pass", "pass", "fail", "pass", "fail"]
    assert _results(db)[-1][0] == "S-002"  # nothing written by planning
    tech = auth.sign_in(db, "tech", PASSWORD)
    assert commit_import(tech, plan) == 6
    written = [r for r in _results(db) if r[0] in ("S-003", "S-004")]
    assert written == [
        ("S-003", "CD", "0.05"),
        ("S-003", "AS-I", "0.10"),
        ("S-003", "HG-T", "ND(0.003)"),
        ("S-003", "PB", "0.30"),
        ("S-003", "AFB1", "2.0"),
        ("S-004", "PB", "0.21"),
    ]
    instruments = db.query(
        "SELECT r.instrument FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
        "WHERE i.code = 'AFB1'"
    )
    assert [r[0] for r in instruments][-1] == "HPLC 01"


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        (["S-999", "铅", "mg/kg", "0.1", ""], "A（样品编号）", "known_sample"),
        (["S-005", "铅", "mg/kg", "0.1", ""], "A（样品编号）", "sample_state"),
        (["S-001", "铅", "mg/kg", "0.1", ""], "A（样品编号）", "sample_state"),
        (["S-003", "锡", "mg/kg", "0.1", ""], "B（检测项目）", "known_item"),
        (["S-003", "铅", "mg/L", "0.1", ""], "C（单位）", "unit_matches"),
        (["S-003", "铅", "mg/kg", "0.1 mg/kg", ""], "D（检测结果）", None),
        (["S-003", "铅", "mg/kg", "", ""], "D（检测结果）", "required"),
        (["S-003", "铅", "mg/kg", "1e999", ""], "D（检测结果）", None),
        (["S-003", "CD", "mg/kg", "0.2", ""], "B（检测项目）", "unique"),
    ],
)
def test_bad_row_names_row_and_column_and_changes_nothing(
    db: Database, tmp_path: Path, row: list[object], column: str, rule: str | None
) -> None:
    rows: list[list[object]] = [HEADER, ["S-003", "镉", "mg/kg", "0.05", ""], [], row]
    table = read_table(_xlsx(tmp_path / "bad.xlsx", rows))
    before = _snapshot(db)
    plan = plan_import(db, table, guess_mapping(table))
    assert len(plan.errors) == 1
    error = plan.errors[0]
    assert error.row == 4  # header row 1, good row 2, blank row 3
    assert error.column == column
    if rule is not None:
        assert error.rule == rule
    assert "第 4 行" in str(error)
    tech = auth.sign_in(db, "tech", PASSWORD)
    with pytest.raises(ValidationError):
        commit_import(tech, plan)
    assert _snapshot(db) == before


def test_changed_database_between_plan_and_commit_writes_nothing(
    db: Database, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["S-003", "镉", "mg/kg", "0.05", ""],
        ["S-004", "铅", "mg/kg", "0.05", ""],
    ]
    table = read_table(_xlsx(tmp_path / "r.xlsx", rows))
    plan = plan_import(db, table, guess_mapping(table))
    assert plan.ok
    manager = auth.sign_in(db, "boss", PASSWORD)
    from labdesk.services.samples import cancel_sample

    sample_id = int(db.scalar("SELECT id FROM samples WHERE sample_no = 'S-004'"))
    cancel_sample(manager, sample_id, "样品破损")
    before = _snapshot(db)
    tech = auth.sign_in(db, "tech", PASSWORD)
    with pytest.raises(ValidationError) as caught:
        commit_import(tech, plan)
    assert "第 3 行" in str(caught.value)
    assert _snapshot(db) == before


def test_only_technicians_import(db: Database, tmp_path: Path) -> None:
    from labdesk.core.errors import PermissionDenied

    table = read_table(_xlsx(tmp_path / "r.xlsx", [HEADER, ["S-003", "镉", "mg/kg", "0.05", ""]]))
    plan = plan_import(db, table, guess_mapping(table))
    before = _snapshot(db)
    with pytest.raises(PermissionDenied):
        commit_import(auth.sign_in(db, "rev", PASSWORD), plan)
    assert _snapshot(db) == before


def test_empty_file_is_an_error(db: Database, tmp_path: Path) -> None:
    table = read_table(_xlsx(tmp_path / "r.xlsx", [HEADER]))
    plan = plan_import(db, table, guess_mapping(table))
    assert not plan.ok
    assert plan.errors[0].rule == "not_empty"


def test_table_row_numbers() -> None:
    import pandas as pd

    table = ImportTable("x", ["a"], pd.DataFrame({"a": ["1", "2"]}, dtype=str))
    assert [table.excel_row(i) for i in range(2)] == [2, 3]
    assert table.column_ref("a") == "A（a）"


def test_second_import_of_the_same_results_is_refused(db: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [HEADER, ["S-003", "镉", "mg/kg", "0.05", ""]])
    table = read_table(path)
    tech = auth.sign_in(db, "tech", PASSWORD)
    assert commit_import(tech, plan_import(db, table, guess_mapping(table))) == 1
    again = plan_import(db, table, guess_mapping(table))
    assert [(e.row, e.rule) for e in again.errors] == [(2, "no_current_result")]


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=0, max_value=3),
)
@settings(max_examples=300)
def test_excel_number_cells_read_back_as_typed(units: int, places: int) -> None:
    """A decimal typed into Excel (stored as a double, shown with a fixed number of places)
    reads back as exactly the text typed — the double never leaks its binary digits."""
    from decimal import Decimal

    from labdesk.services.excel_import import _cell_text

    typed = Decimal(units).scaleb(-places)
    number_format = "0." + "0" * places if places else "0"
    assert _cell_text(float(typed), number_format) == format(typed, "f")
    if places == 0:
        assert _cell_text(int(typed), "General") == format(typed, "f")
