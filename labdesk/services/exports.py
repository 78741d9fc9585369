"""Exporting lists and dashboard tables to CSV or Excel (Qt-free).

A table is a list of `Column`s and rows of values. Counts are written as numbers (so
Excel can sum them); anything else, Decimals included, as text, so a measured "0.30" or
a rate "91.30" is never turned into a float on the way out. CSV is UTF-8 with a BOM,
which Excel on Chinese Windows needs to show Chinese instead of mojibake. Every cell goes
through `labdesk.core.cells` (texts that a spreadsheet would run as a formula are
neutralised; Excel text cells are string cells).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labdesk.core.cells import append_xlsx_row, csv_row, export_value
from labdesk.core.errors import ValidationError

SUFFIXES = (".csv", ".xlsx")
#: Excel's limit on sheet-name length; longer names are cut.
_SHEET_NAME_MAX = 31


@dataclass(frozen=True)
class Column:
    key: str
    title: str


@dataclass(frozen=True)
class Table:
    """One exportable table (a sheet of a workbook)."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]


def _cell(value: Any) -> Any:
    """ints stay numbers; None → empty; everything else (Decimal, date, str) → its text,
    neutralised where a spreadsheet would run it (`core.cells.export_value`)."""
    return export_value(value)


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(
            "out", "supported_type", f"{path.name}: 请使用 .csv 或 .xlsx (use .csv or .xlsx)"
        )
    return suffix


def _atomic_target(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def write_table(path: Path, table: Table) -> Path:
    """Writes one table to `path` (.csv or .xlsx, by suffix)."""
    path = Path(path)
    if _check_suffix(path) == ".xlsx":
        return write_workbook(path, [table])
    partial = _atomic_target(path)
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(csv_row(c.title for c in table.columns))
            for row in table.rows:
                writer.writerow(csv_row(row.get(c.key) for c in table.columns))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def write_workbook(path: Path, tables: Iterable[Table]) -> Path:
    """Writes each table to its own sheet of an .xlsx workbook."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(
            "out", "xlsx", f"{path.name}: 工作簿须为 .xlsx (a workbook must be .xlsx)"
        )
    partial = _atomic_target(path)
    try:
        _fill_workbook(partial, tables)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _fill_workbook(partial: Path, tables: Iterable[Table]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        name = _sheet_name(table.name, used)
        if len(used) == 1:
            sheet = first
            sheet.title = name
        else:
            sheet = book.create_sheet(name)
        append_xlsx_row(sheet, [c.title for c in table.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            append_xlsx_row(sheet, [row.get(c.key) for c in table.columns])
        for index, column in enumerate(table.columns):
            width = max(
                [
                    len(column.title) * 2,
                    *(len(str(_cell(r.get(column.key)))) for r in table.rows[:200]),
                ]
            )
            sheet.column_dimensions[_letter(index)].width = min(max(width + 2, 8), 60)
    if not used:
        first.title = "Sheet1"
    book.save(partial)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _sheet_name(name: str, used: set[str]) -> str:
    # Excel forbids : \ / ? * [ ] in sheet names.
    clean = "".join("_" if ch in ":\\/?*[]" else ch for ch in name).strip() or "Sheet"
    clean = clean[:_SHEET_NAME_MAX]
    candidate, n = clean, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate = clean[: _SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


# -- ready-made tables ----------------------------------------------------------------------

SAMPLE_COLUMNS = (
    Column("sample_no", "样品编号"),
    Column("sample_name", "样品名称"),
    Column("enterprise_name", "受检单位"),
    Column("enterprise_uscc", "统一社会信用代码"),
    Column("region_code", "地区代码"),
    Column("category_code", "产品类别"),
    Column("task_no", "任务编号"),
    Column("sampling_date", "抽样日期"),
    Column("received_date", "收样日期"),
    Column("report_due_date", "报告期限"),
    Column("state", "状态"),
    Column("conclusion_label", "结论"),
    Column("failing_items", "不合格项目"),
)


def samples_table(db: Any, sample_ids: Sequence[int], name: str = "样品") -> Table:
    """The samples list (as the samples grid shows it) for `sample_ids`, in that order."""
    from labdesk.services.queries import sample_rows

    rows = []
    for row in sample_rows(db, sample_ids):
        row = dict(row)
        row["failing_items"] = "、".join(str(x) for x in row.get("failing_items") or [])
        rows.append(row)
    return Table(name, SAMPLE_COLUMNS, rows)


# -- the standards library -------------------------------------------------------------------


def stored_library(db: Any) -> Any:
    """The active standards library rebuilt from `lib_items` / `lib_categories`, as a
    `core.standards.StandardsLibrary` that `core.library_io` writes back to a file: an
    export imports again to the same library."""
    from datetime import date

    from labdesk.core.standards import ProductCategory, Standard, StandardsLibrary, TestItemDef

    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    items = db.query(
        "SELECT i.*, c.name AS cat_name, c.name_en AS cat_name_en, c.standard AS cat_standard "
        "FROM lib_items AS i JOIN lib_categories AS c ON c.code = i.category_code "
        "WHERE i.active = 1 ORDER BY i.id"
    )
    standards: dict[str, Standard] = {}
    categories: dict[str, ProductCategory] = {}
    defs: list[TestItemDef] = []
    for r in items:
        std = Standard(
            number=str(r["standard_no"]),
            year=str(r["standard_year"]),
            title=str(r["standard_title"]),
            effective_from=day(r["effective_from"]),
            abolished_from=day(r["abolished_from"]),
            sample_data=bool(r["sample_data"]),
        )
        standards.setdefault(std.key, std)
        categories.setdefault(
            str(r["category_code"]),
            ProductCategory(
                str(r["category_code"]),
                str(r["cat_name"]),
                str(r["cat_name_en"]),
                str(r["cat_standard"]),
            ),
        )
        defs.append(
            TestItemDef(
                category=str(r["category_code"]),
                code=str(r["code"]),
                name_zh=str(r["name"]),
                name_en=str(r["name_en"]),
                unit=str(r["unit"]),
                limit=str(r["limit_text"]),
                method=str(r["method"]),
                interval=r["interval"],
                decimals=None if r["decimals"] is None else int(r["decimals"]),
                lod=r["lod"],
                loq=r["loq"],
                test_method=str(r["test_method"]),
                standard=std.key,
                note=str(r["note"]),
                factor=r["factor"],
                rounding=str(r["rounding"]),
                screening=bool(r["screening"]),
            )
        )
    return StandardsLibrary(standards.values(), categories.values(), defs)
