"""Every exported spreadsheet cell is data: the one place CSV and Excel cells are made.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by Excel, LibreOffice and WPS when a CSV is opened or a cell edited
(OWASP, "CSV Injection"): a library row named ``=cmd|' /C calc'!A0`` or an enterprise
named ``=HYPERLINK(…)`` would act on the reader's machine. So every export writes its
cells through this module:

- `export_value(value)`: ints stay numbers (counts, so Excel can sum them); None is
  empty; a Decimal is its plain text (a measured "0.30" never becomes a float); a text
  that begins with one of the characters above gets a leading apostrophe (OWASP's
  rule), so it is shown, never run. A text that is a plain signed decimal (``-0.036``,
  ``+5``) is left alone: it cannot be a formula, and a measured value keeps its sign.
  Texts that already begin with apostrophes before such a character get one more, so
  `restore` gives back exactly what was exported.
- `csv_row(values)`: a row for `csv.writer`.
- `append_xlsx_row(sheet, values)`: an openpyxl row in which every text is a *string*
  cell (openpyxl would otherwise store a text beginning with "=" as a formula).
- `restore(text)`: the inverse, for imports of files LabDesk wrote (library round trip).
- `formula_cells(path)`: the formula cells of a workbook's first sheet, for imports that
  refuse them (a formula's value is whatever Excel last computed, not what was typed).

Other exports (the national item sheet, credit lists …) use the same three functions;
docs/architecture.md points here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "TRIGGERS",
    "append_xlsx_row",
    "csv_row",
    "export_value",
    "formula_cells",
    "neutralise",
    "restore",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
TRIGGERS = frozenset("=+-@\t\r")
_QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _needs_quote(text: str) -> bool:
    first = text.lstrip(_QUOTE)[:1]
    if first not in TRIGGERS or not first:
        return False
    return text[0] == _QUOTE or _PLAIN_NUMBER.fullmatch(text) is None


def neutralise(text: str) -> str:
    """The text as an exported cell holds it: quoted when a spreadsheet would run it."""
    return _QUOTE + text if text and _needs_quote(text) else text


def restore(text: str) -> str:
    """`neutralise` undone: the text a LabDesk export started from."""
    if text[:1] == _QUOTE and text[1:].lstrip(_QUOTE)[:1] in TRIGGERS and len(text) > 1:
        return text[1:]
    return text


def export_value(value: Any) -> str | int:
    """The value an exported cell holds: an int, or neutralised text (never a float)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return value
    if isinstance(value, float):  # refuse to guess a float's digits
        raise TypeError("exports never take floats; pass a Decimal or text")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_row(values: Iterable[Any]) -> list[str | int]:
    """One CSV row, every cell through `export_value`."""
    return [export_value(v) for v in values]


def append_xlsx_row(sheet: Any, values: Sequence[Any], *, text_format: bool = False) -> None:
    """Appends one row to an openpyxl worksheet: ints as numbers, everything else as a
    string cell (data type "s", never "f"). `text_format` also marks each text cell with
    the "@" (text) number format, so Excel keeps what the user types there as text."""
    from openpyxl.cell.cell import Cell

    row = []
    for value in values:
        exported = export_value(value)
        cell = Cell(sheet)
        if isinstance(exported, int):
            cell.value = exported
        else:
            cell.value = exported
            cell.data_type = "s"
            if text_format:
                cell.number_format = "@"
        row.append(cell)
    sheet.append(row)


def formula_cells(path: Path | str, *, limit: int = 10) -> list[str]:
    """Up to `limit` references ("C7") of formula cells on the first sheet of an .xlsx."""
    import openpyxl

    found: list[str] = []
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", "") == "f":
                    found.append(f"{cell.column_letter}{cell.row}")
                    if len(found) >= limit:
                        return found
    finally:
        book.close()
    return found
