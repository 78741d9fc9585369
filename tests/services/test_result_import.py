"""Result import as a technician meets it (issue 20): GBK/UTF-8/BOM CSV, .xlsx and .xls,
headers recognised or mapped and saved by name, every row's verdict in the preview, all or
nothing, the file's name and SHA-256 in the audit, and every kind of bad file refused."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import xlwt

from labdesk.core.errors import NotFound, ValidationError
from labdesk.services import auth, result_import
from labdesk.services.context import ServiceContext
from labdesk.services.excel_import import ColumnMapping
from labdesk.services.table_files import MAX_FILE_BYTES
from labdesk.store.audit import verify_audit
from labdesk.store.db import Database, open_database
from tests.reports.lab import PASSWORD, build_scenario

GOOD_ROWS = [
    ["样品编号", "检验项目", "检验结果"],
    ["S-003", "镉", "0.05"],
    ["S-003", "无机砷", "0.10"],
    ["S-003", "总汞", "ND(0.003)"],
    ["S-003", "铅", "0.30"],
    ["S-003", "黄曲霉毒素B1", "2.0"],
]


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


def _csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def _state(db: Database) -> tuple[int, int, int]:
    return (
        int(db.scalar("SELECT count(*) FROM audit_log")),
        int(db.scalar("SELECT count(*) FROM results")),
        int(db.scalar("SELECT count(*) FROM result_imports")),
    )


def _tech(db: Database) -> ServiceContext:
    return auth.sign_in(db, "tech", PASSWORD)


# -- encodings and formats ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        ("gbk", "GBK"),
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("utf-16", "UTF-16"),  # Excel's "Unicode text"
        ("utf-32", "UTF-32"),  # its mark begins with UTF-16 LE's: the longer mark wins
    ],
)
def test_a_csv_lands_whole_with_its_encoding_named(
    db: Database, tmp_path: Path, encoding: str, named: str
) -> None:
    path = _csv(tmp_path / "results.csv", GOOD_ROWS, encoding)
    prepared = result_import.prepare(db, path)
    assert prepared.guessed and prepared.table.encoding == named
    assert prepared.plan.errors == [] and len(prepared.plan.entries) == 5
    rows = result_import.plan_rows(prepared)
    assert [r.verdict for r in rows] == ["pass", "pass", "pass", "fail", "pass"]
    assert rows[2].display == "未检出（检出限 0.003 mg/kg）"
    before = _state(db)
    assert result_import.commit(_tech(db), prepared) == 5
    _audit, results, imports = _state(db)
    assert (results, imports) == (before[1] + 5, before[2] + 1)
    record = db.query_one("SELECT * FROM result_imports ORDER BY id DESC LIMIT 1")
    assert record is not None
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert (record["file_name"], record["sha256"], record["encoding"]) == (
        "results.csv",
        sha,
        named,
    )
    assert record["rows"] == 5 and record["size"] == path.stat().st_size
    reasons = {
        str(r[0])
        for r in db.query(
            "SELECT reason FROM audit_log WHERE table_name = 'results' AND action = 'import'"
        )
    }
    assert reasons == {f"导入 results.csv (#{record['id']}, sha256 {sha})"}
    assert verify_audit(db).ok


def test_english_headers_are_recognised(db: Database, tmp_path: Path) -> None:
    rows = [["sample_no", "item", "result"], ["S-004", "PB", "0.10"], ["S-004", "克百威", "<0.01"]]
    prepared = result_import.prepare(db, _csv(tmp_path / "en.csv", rows, "utf-8"))
    assert prepared.mapping == ColumnMapping("sample_no", "item", "result")
    assert prepared.plan.ok


def test_an_xls_file_is_read_with_its_decimals(db: Database, tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("结果", cell_overwrite_ok=True)
    two = xlwt.easyxf(num_format_str="0.00")
    for r, row in enumerate(GOOD_ROWS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.write(1, 2, 0.3, two)  # shows 0.30
    path = tmp_path / "old.xls"
    book.save(str(path))
    prepared = result_import.prepare(db, path)
    assert prepared.table.kind == "xls"
    assert prepared.plan.entries[0].text == "0.30"
    assert prepared.plan.ok


def test_tab_separated_text_named_xls_is_read_by_its_content(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "instrument.xls"
    path.write_bytes("\n".join("\t".join(r) for r in GOOD_ROWS).encode("gbk"))
    prepared = result_import.prepare(db, path)
    assert (prepared.table.kind, prepared.table.encoding) == ("text", "GBK")
    assert prepared.plan.ok


# -- mappings ------------------------------------------------------------------------------


def test_another_layout_gets_a_proposal_edited_and_saved_by_name(
    db: Database, tmp_path: Path
) -> None:
    rows = [["样品", "分析物", "读数", "备注"], ["S-004", "铅", "0.10", ""]]
    path = _csv(tmp_path / "layout.csv", rows, "gbk")
    proposed = result_import.prepare(db, path)
    assert proposed.mapping.result is None  # 读数 is not a known title
    (problem,) = result_import.plan_rows(proposed)
    assert problem.refused and "mapped" in problem.problems[0]
    tech = _tech(db)
    columns = {"sample_no": "样品", "item": "分析物", "result": "读数"}
    edited = result_import.prepare(db, path, columns=columns)
    assert edited.plan.ok
    result_import.save_mapping(tech, "AAS 01", edited.mapping)
    assert result_import.mapping_names(db) == ["AAS 01"]
    again = result_import.prepare(db, path, mapping_name="AAS 01")
    assert not again.guessed and again.mapping == edited.mapping and again.plan.ok
    assert again.plan.mapping_name == "AAS 01"
    result_import.save_mapping(tech, "AAS 01", edited.mapping.with_field("unit", "备注"))
    assert result_import.load_mapping(db, "AAS 01").unit == "备注"
    with pytest.raises(NotFound):
        result_import.load_mapping(db, "nope")
    with pytest.raises(ValidationError):
        result_import.save_mapping(tech, " ", edited.mapping)
    assert verify_audit(db).ok


def test_a_mapping_needs_the_three_required_columns(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        result_import.save_mapping(_tech(db), "x", ColumnMapping("A", "B"))
    assert caught.value.field == "result"


# -- bad input: a clear message, nothing written --------------------------------------------


def _refused(db: Database, path: Path, rule: str) -> str:
    before = _state(db)
    with pytest.raises(ValidationError) as caught:
        result_import.prepare(db, path)
    assert caught.value.rule == rule, str(caught.value)
    assert _state(db) == before
    return str(caught.value)


def test_an_empty_file(db: Database, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "为空" in _refused(db, tmp_path / "empty.csv", "not_empty")


def test_a_binary_file(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(256))
    assert "不是表格" in _refused(db, path, "table")


def test_a_damaged_workbook(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(512))
    _refused(db, path, "readable_xlsx")


def test_a_50_mb_file_is_refused_from_its_size_before_it_is_read(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write("样品编号,检验项目,检验结果\n".encode())
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    assert path.stat().st_size > MAX_FILE_BYTES
    assert "50.0 MB" in _refused(db, path, "max_size")


def test_not_a_table(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "letter.csv"
    path.write_text('a,b\n1,2,3,4\n"unclosed\n', encoding="utf-8")
    assert "第 3 行的引号没有闭合" in _refused(db, path, "table")


def test_a_row_that_does_not_split_into_the_header_names_its_row(
    db: Database, tmp_path: Path
) -> None:
    # A decimal comma in row 4 (row 3 is blank): the row as the user counts them, in words
    # rather than the parser's trace.
    path = tmp_path / "comma.csv"
    path.write_text(
        "样品编号,检验项目,检验结果\nS-003,镉,0.05\n\nS-003,铅,0,30\n", encoding="utf-8"
    )
    message = _refused(db, path, "table")
    assert "第 4 行有 4 个单元格，而表头只有 3 列" in message
    assert "tokenizing" not in message and "C error" not in message


def test_one_column_is_not_a_table(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "pipes.csv"  # a separator the reader does not split by
    path.write_text("样品编号|检验项目|检验结果\nS-003|镉|0.05\n", encoding="utf-8")
    assert "只有一列" in _refused(db, path, "table")


def test_merged_header_cells(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["样品信息", "", "检验结果"])
    sheet.append(["S-003", "镉", "0.05"])
    sheet.merge_cells("A1:B1")
    book.save(tmp_path / "merged.xlsx")
    assert "A1:B1" in _refused(db, tmp_path / "merged.xlsx", "no_merged_cells")
    old = xlwt.Workbook()
    ws = old.add_sheet("s")
    ws.write_merge(0, 0, 0, 1, "样品信息")
    ws.write(0, 2, "检验结果")
    old.save(str(tmp_path / "merged.xls"))
    assert "A1:B1" in _refused(db, tmp_path / "merged.xls", "no_merged_cells")


def test_formula_cells(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in GOOD_ROWS:
        sheet.append(row)
    sheet["C3"] = "=0.05*2"
    book.save(tmp_path / "formula.xlsx")
    assert "C3" in _refused(db, tmp_path / "formula.xlsx", "no_formulas")
    old = xlwt.Workbook(encoding="utf-8")
    ws = old.add_sheet("s", cell_overwrite_ok=True)
    for r, row in enumerate(GOOD_ROWS):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    ws.write(2, 2, xlwt.Formula("0.05*2"))
    old.save(str(tmp_path / "formula.xls"))
    _refused(db, tmp_path / "formula.xls", "no_formulas")


def test_duplicated_rows_and_unknown_samples_name_row_column_and_rule(
    db: Database, tmp_path: Path
) -> None:
    rows = [
        *GOOD_ROWS,
        ["S-003", "镉", "0.05"],  # the same row again
        ["S-999", "铅", "0.1"],  # no such sample
        ["S-004", "铅", "ND"],  # 未检出 without its 检出限? PB of S-004 has one: fine
        ["S-004", "克百威", "ND"],  # no LOD: refused with its reason
    ]
    path = _csv(tmp_path / "bad.csv", rows, "gbk")
    before = _state(db)
    prepared = result_import.prepare(db, path)
    problems = {r.row: r.problems for r in result_import.plan_rows(prepared) if r.refused}
    assert sorted(problems) == [7, 8, 10]
    assert "unique" in problems[7][0] and problems[7][0].startswith("B（检验项目）")
    assert "known_sample" in problems[8][0] and problems[8][0].startswith("A（样品编号）")
    assert "lod_required" in problems[10][0] and problems[10][0].startswith("C（检验结果）")
    with pytest.raises(ValidationError):
        result_import.commit(_tech(db), prepared)
    assert _state(db) == before  # all or nothing: the good rows were not written either


def test_a_header_only_file_has_no_rows(db: Database, tmp_path: Path) -> None:
    prepared = result_import.prepare(db, _csv(tmp_path / "h.csv", GOOD_ROWS[:1], "utf-8"))
    assert [e.rule for e in prepared.plan.errors] == ["not_empty"]
    assert result_import.plan_rows(prepared)[0].refused
