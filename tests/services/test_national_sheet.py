"""The national item sheet's limits and its string-only cells."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from labdesk.services.national_sheet import limit_bounds, write_sheet


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        ("≤0.2", ("", "0.2", "", "")),
        ("≤0.2 mg/kg", ("", "0.2", "mg/kg", "")),
        ("≥90", ("90", "", "", "")),
        ("4.0～7.5", ("4.0", "7.5", "", "")),
        ("10±0.5", ("9.5", "10.5", "", "")),
        ("<0.05", ("", "0.05", "", "不含上限 0.05")),
        ("不得检出", ("", "不得检出", "", "")),
        ("阴性", ("", "", "", "")),
        ("实测", ("", "", "", "")),
    ],
)
def test_limit_bounds(limit: str, expected: tuple[str, str, str, str]) -> None:
    assert limit_bounds(limit) == expected


def test_an_unreadable_limit_is_said_not_guessed() -> None:
    low, up, _unit, note = limit_bounds("约 5")
    assert (low, up) == ("", "") and "无法解析" in note


def test_every_cell_is_a_string_never_a_formula(tmp_path: Path) -> None:
    out = write_sheet(
        tmp_path / "s.xlsx",
        ["检验项目", "检验结果"],
        [['=HYPERLINK("http://x")', "0.30"], ["+1", "-2"], ["@SUM(A1)", "1E3"]],
    )
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    assert {c.data_type for c in cells} == {"s"}
    assert [c.value for c in cells][2:] == [
        '=HYPERLINK("http://x")',
        "0.30",
        "+1",
        "-2",
        "@SUM(A1)",
        "1E3",
    ]
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and 't="n"' not in xml
