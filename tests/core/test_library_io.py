"""Loading and writing the flat standards-library table (CSV and .xlsx), and the sample file."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from labdesk.core.errors import ValidationError
from labdesk.core.library_io import (
    COLUMNS,
    LibraryFileError,
    load_library,
    load_library_csv,
    load_library_excel,
    load_sample_library,
    sample_library_path,
    write_library_csv,
    write_library_excel,
)
from labdesk.core.limits import parse_limit
from labdesk.core.standards import StandardsLibrary

HEADER = list(COLUMNS)


def row(**values: str) -> list[str]:
    base = {
        "standard_number": "GB 2762",
        "standard_year": "2022",
        "standard_title": "污染物限量",
        "effective_from": "2023-06-30",
        "abolished_from": "",
        "sample_data": "true",
        "category_code": "VEG",
        "category_name_zh": "新鲜蔬菜",
        "category_name_en": "Fresh vegetables",
        "item_code": "CD",
        "item_name_zh": "镉",
        "item_name_en": "Cadmium",
        "unit": "mg/kg",
        "limit": "≤0.05",
        "method": "full",
        "interval": "",
        "decimals": "",
        "lod": "",
        "loq": "",
        "test_method": "",
        "note": "",
    }
    base.update(values)
    return [base[name] for name in HEADER]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def good_rows() -> list[list[str]]:
    return [
        HEADER,
        row(),
        row(item_code="HG", item_name_zh="总汞", limit="≤0.01", lod="0.003", loq="0.010"),
        row(
            item_code="AS",
            item_name_zh="总砷",
            limit="≤0.5",
            method="rounded",
            interval="0.50",
            decimals="2",
        ),
        row(standard_year="2017", effective_from="2017-09-17", abolished_from="2023-06-30"),
        row(
            category_code="TEX",
            category_name_zh="纺织品",
            category_name_en="Textiles",
            standard_number="GB 18401",
            standard_year="2010",
            standard_title="纺织",
            effective_from="",
            item_code="PH",
            item_name_zh="pH值",
            unit="",
            limit="4.0～7.5",
        ),
    ]


# -- the shipped sample library ---------------------------------------------------------


def test_sample_library_size_and_flags() -> None:
    lib = load_sample_library()
    assert len(lib.categories) >= 6
    assert len(lib.items) >= 40
    assert lib.has_sample_data
    assert all(s.sample_data for s in lib.standards)
    assert all(item.note.startswith("sample data") for item in lib.items)
    for item in lib.items:
        parse_limit(item.limit)  # every limit reads


def test_sample_library_keeps_verify_marks() -> None:
    lib = load_sample_library()
    # domain.md marks every row of these standards "(verify)"; the mark must survive.
    verify_only = {"GB 2761", "GB 2763", "GB 29921", "GB 18401", "GB 6675.4", "GB 5749"}
    for item in lib.items:
        if lib.standard(item.standard).number in verify_only:
            assert "(verify)" in item.note, item


def test_sample_library_selects_gb2762_version_by_date() -> None:
    lib = load_sample_library()
    assert lib.in_force("GB 2762", dt.date(2020, 5, 1)).key == "GB 2762-2017"  # type: ignore[union-attr]
    assert lib.in_force("GB 2762", dt.date(2024, 5, 1)).key == "GB 2762-2022"  # type: ignore[union-attr]
    old = {i.standard for i in lib.items_for("VEG-FRESH", dt.date(2020, 5, 1))}
    new = {i.standard for i in lib.items_for("VEG-FRESH", dt.date(2024, 5, 1))}
    assert "GB 2762-2017" in old and "GB 2762-2022" not in old
    assert "GB 2762-2022" in new and "GB 2762-2017" not in new


def test_sample_file_round_trips_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "again.csv"
    write_library_csv(load_sample_library(), out)
    assert out.read_bytes() == sample_library_path().read_bytes()


def test_sample_library_through_excel(tmp_path: Path) -> None:
    """The .xlsx path, with the workbook generated from the shipped CSV (not committed)."""
    lib = load_sample_library()
    xlsx = tmp_path / "sample-library.xlsx"
    write_library_excel(lib, xlsx)
    assert load_library(xlsx) == lib
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == HEADER
    assert all(
        c.data_type == "s" for r in sheet.iter_rows(min_row=2) for c in r if c.value is not None
    )


# -- round trips --------------------------------------------------------------------------


def test_csv_with_and_without_bom(tmp_path: Path) -> None:
    plain = load_library_csv(write_csv(tmp_path / "plain.csv", good_rows()))
    bom = load_library_csv(write_csv(tmp_path / "bom.csv", good_rows(), encoding="utf-8-sig"))
    assert plain == bom
    assert len(plain.items) == 5
    assert len(plain.standards) == 3
    assert [c.code for c in plain.categories] == ["VEG", "TEX"]


def test_text_survives_round_trips(tmp_path: Path) -> None:
    lib = load_library(write_csv(tmp_path / "in.csv", good_rows()))
    arsenic = next(i for i in lib.items if i.code == "AS")
    assert (arsenic.interval, arsenic.decimals) == ("0.50", 2)
    assert next(i for i in lib.items if i.code == "HG").loq == "0.010"

    write_library_csv(lib, tmp_path / "out.csv")
    write_library_excel(lib, tmp_path / "out.xlsx")
    assert load_library(tmp_path / "out.csv") == lib
    assert load_library(tmp_path / "out.xlsx") == lib
    write_library_csv(load_library(tmp_path / "out.xlsx"), tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "out.csv").read_bytes()


def test_hand_made_workbook_with_typed_cells(tmp_path: Path) -> None:
    """Excel users type dates and numbers as such: read them as their text, never floats."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    values = row(item_code="AS", limit="≤0.5")
    values[HEADER.index("effective_from")] = dt.datetime(2023, 6, 30)  # type: ignore[call-overload]
    values[HEADER.index("decimals")] = 2  # type: ignore[call-overload]
    values[HEADER.index("lod")] = 0.05  # type: ignore[call-overload]
    sheet.append(values)
    book.save(tmp_path / "typed.xlsx")
    lib = load_library_excel(tmp_path / "typed.xlsx")
    only = lib.items[0]
    assert only.decimals == 2 and only.lod == "0.05"
    assert lib.standards[0].effective_from == dt.date(2023, 6, 30)


def test_blank_lines_are_skipped_and_rows_still_counted(tmp_path: Path) -> None:
    rows = [HEADER, row(), [], row(item_code="X", method="bogus")]
    with pytest.raises(LibraryFileError) as info:
        load_library(write_csv(tmp_path / "blank.csv", rows))
    assert [(p.row, p.column) for p in info.value.problems] == [(4, "method")]


# -- bad files ----------------------------------------------------------------------------


def test_every_problem_named_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        HEADER,
        row(),  # 2: fine
        row(item_code="A", method="approx"),  # 3
        row(item_code="B", effective_from="2023-02-30"),  # 4
        row(item_code="C", limit="≤≤0.2"),  # 5
        row(),  # 6: duplicate of row 2
        row(item_code="D", interval="0.3", decimals="2.0"),  # 7
        row(item_code="E", lod="0.5", loq="0.1"),  # 8
        row(item_code="F", standard_title="另一个标题"),  # 9
        row(item_code="G", abolished_from="30/06/2030"),  # 10
        row(item_code="H", sample_data="maybe"),  # 11
        row(item_code="", item_name_zh=""),  # 12
    ]
    with pytest.raises(LibraryFileError) as info:
        load_library(write_csv(tmp_path / "bad.csv", rows))
    got = {(p.row, p.column) for p in info.value.problems}
    assert {
        (3, "method"),
        (4, "effective_from"),
        (5, "limit"),
        (6, "item_code"),
        (7, "interval"),
        (7, "decimals"),
        (9, "standard_title"),
        (10, "abolished_from"),
        (11, "sample_data"),
        (12, "item_code"),
        (12, "item_name_zh"),
    } <= got
    messages = {(p.row, p.column): p.message for p in info.value.problems}
    assert "approx" in messages[(3, "method")]
    assert "not a real date" in messages[(4, "effective_from")]
    assert "position" in messages[(5, "limit")]
    assert "row 2" in messages[(6, "item_code")]
    assert "row 2" in messages[(9, "standard_title")]
    text = str(info.value)
    assert "row 3, method:" in text and "bad.csv" in text
    assert isinstance(info.value, ValidationError)


def test_lod_above_loq_reported_after_row_checks(tmp_path: Path) -> None:
    rows = [HEADER, row(), row(item_code="E", lod="0.5", loq="0.1")]
    with pytest.raises(LibraryFileError) as info:
        load_library(write_csv(tmp_path / "lod.csv", rows))
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "lod")]
    assert "greater than LOQ" in info.value.problems[0].message


def test_overlapping_versions_reported(tmp_path: Path) -> None:
    rows = [HEADER, row(), row(standard_year="2017", effective_from="2017-09-17")]
    with pytest.raises(LibraryFileError) as info:
        load_library(write_csv(tmp_path / "overlap.csv", rows))
    assert any("both in force" in p.message for p in info.value.problems)


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    header = [c for c in HEADER if c not in {"limit", "method"}] + ["colour"]
    rows = [header, [""] * len(header)]
    with pytest.raises(LibraryFileError) as info:
        load_library(write_csv(tmp_path / "cols.csv", rows))
    got = {(p.row, p.column, p.message.split(" (")[0]) for p in info.value.problems}
    assert (1, "limit", "required column is missing") in got
    assert (1, "method", "required column is missing") in got
    assert (1, "colour", "unknown column") in got


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    header = ["standard_number", "standard_year", "category_code", "category_name_zh", "item_code",
              "item_name_zh", "limit", "method"]  # fmt: skip
    lib = load_library(
        write_csv(
            tmp_path / "min.csv", [header, ["GB 1", "2020", "C", "类", "I", "项", "≤1", "full"]]
        )
    )
    assert lib.items[0].lod is None and lib.items[0].note == ""
    assert lib.standards[0].sample_data is False


def test_not_utf8(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", good_rows(), encoding="gbk")
    with pytest.raises(LibraryFileError, match="UTF-8"):
        load_library(path)


def test_empty_and_header_only(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(LibraryFileError, match="column names"):
        load_library(tmp_path / "empty.csv")
    with pytest.raises(LibraryFileError, match="no test items"):
        load_library(write_csv(tmp_path / "header.csv", [HEADER]))


def test_unsupported_and_damaged_files(tmp_path: Path) -> None:
    with pytest.raises(LibraryFileError, match="unsupported"):
        load_library(tmp_path / "library.xls")
    for missing in ("gone.csv", "gone.xlsx"):
        with pytest.raises(LibraryFileError, match="not found"):
            load_library(tmp_path / missing)
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip file")
    with pytest.raises(LibraryFileError, match="xlsx"):
        load_library(tmp_path / "broken.xlsx")
    with zipfile.ZipFile(tmp_path / "foreign.xlsx", "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a workbook")
    with pytest.raises(LibraryFileError, match=r"not a readable \.xlsx"):
        load_library(tmp_path / "foreign.xlsx")


def test_library_equality_is_by_content() -> None:
    lib = load_sample_library()
    assert lib == StandardsLibrary(lib.standards, lib.categories, lib.items)
    changed = (*lib.items[:-1], dataclasses.replace(lib.items[-1], loq="0.02"))
    assert lib != StandardsLibrary(lib.standards, lib.categories, changed)


def test_a_library_workbook_with_a_formula_cell_is_refused(tmp_path: Path) -> None:
    """Imports refuse formula cells: a formula's value is what Excel last computed."""
    import openpyxl

    from labdesk.core.library_io import (
        LibraryFileError,
        load_library_excel,
        load_sample_library,
        write_library_excel,
    )

    good = tmp_path / "good.xlsx"
    write_library_excel(load_sample_library(), good)
    book = openpyxl.load_workbook(good)
    sheet = book.active
    assert sheet is not None
    sheet["N2"] = "=0.1*2"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    with pytest.raises(LibraryFileError) as caught:
        load_library_excel(bad)
    assert [p.column for p in caught.value.problems] == ["N2"]
    assert "formula" in str(caught.value)
