"""Writing the province's lists for others (the credit platform, reports): .xlsx, .csv, .json.

Every text cell leaves as text: in Excel a string cell (never a formula, never a number
guessed from digits — a 统一社会信用代码 or a rate "91.30" stays exactly as written), in
CSV a quoted field. Text that a spreadsheet would run as a formula (starting with = + - @
or a tab / carriage return) is neutralised by a leading apostrophe, in `text_cell` — the
one place to point at a shared neutralisation. Counts stay numbers so they can be summed.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from labdesk.core.errors import ValidationError

SUFFIXES = (".xlsx", ".csv", ".json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Column = tuple[str, str]  # key, title


def text_cell(value: str) -> str:
    """`value` safe to open in a spreadsheet: formula-looking text gets a leading '."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def cell(value: Any) -> Any:
    """ints stay numbers; None → ''; booleans → 是/否; everything else → neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        raise TypeError("province exports never take floats; pass a Decimal or text")
    return text_cell(str(value))


def check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError("out", "supported_type", f"{path.name}: use .xlsx, .csv or .json")
    return suffix


def write_table(
    path: Path, columns: Sequence[Column], rows: Sequence[dict[str, Any]], *, sheet: str = "Sheet"
) -> Path:
    """One table as .xlsx (a sheet) or .csv (UTF-8 with BOM, for Excel on Chinese Windows)."""
    path = Path(path)
    suffix = check_suffix(path)
    partial = path.with_name(path.name + ".part")
    try:
        if suffix == ".xlsx":
            _write_xlsx(partial, columns, rows, sheet)
        elif suffix == ".csv":
            with partial.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
                writer.writerow([text_cell(title) for _, title in columns])
                for row in rows:
                    writer.writerow([cell(row.get(key)) for key, _ in columns])
        else:
            raise ValidationError("out", "table", "a table is written as .xlsx or .csv")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _write_xlsx(
    path: Path, columns: Sequence[Column], rows: Sequence[dict[str, Any]], sheet: str
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "".join("_" if ch in ":\\/?*[]" else ch for ch in sheet)[:31] or "Sheet"
    for col, (_, title) in enumerate(columns, 1):
        _put(ws, 1, col, text_cell(title))
    for r, row in enumerate(rows, 2):
        for col, (key, _) in enumerate(columns, 1):
            _put(ws, r, col, cell(row.get(key)))
    for col, (key, title) in enumerate(columns, 1):
        width = max([len(title) * 2, *(len(str(row.get(key) or "")) for row in rows[:200])])
        ws.column_dimensions[ws.cell(1, col).column_letter].width = min(max(width + 2, 8), 60)
    book.save(path)


def _put(ws: Any, row: int, col: int, value: Any) -> None:
    target = ws.cell(row=row, column=col)
    target.value = value
    if isinstance(value, str):
        target.data_type = "s"  # openpyxl would make "=…" a formula; text is text


def write_json(path: Path, value: Any) -> Path:
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(
            json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


# -- the province's tables ------------------------------------------------------------

CREDIT_COLUMNS: tuple[Column, ...] = (
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("samples", "抽检批次"),
    ("passed", "合格"),
    ("failed", "不合格"),
    ("failing_items", "不合格项目"),
    ("centres", "检验机构"),
    ("years", "年度"),
    ("repeat", "24个月内重复不合格"),
    ("evidence", "证据（样品编号 / 报告编号 / 机构 / 抽样日期）"),
)


def _ref_text(ref: dict[str, Any]) -> str:
    return (
        f"{ref['sample_id']} / {ref['report_no'] or '—'} / {ref['centre']} / {ref['sampling_date']}"
    )


def credit_rows(report_json: dict[str, Any]) -> list[dict[str, Any]]:
    """The credit list as table rows, from `credit.report_json` (one row per enterprise)."""
    rows = []
    for e in report_json["enterprises"]:
        rows.append(
            {
                "uscc": e["uscc"],
                "name": e["name"],
                "samples": e["samples"],
                "passed": e["passed"],
                "failed": e["failed"],
                "failing_items": "、".join(
                    f"{i['item']}×{i['failures']}" for i in e["failing_items"]
                ),
                "centres": "、".join(e["centres"]),
                "years": "、".join(e["years"]),
                "repeat": e["repeat_nonconformity"],
                "evidence": "；".join(
                    f"{_ref_text(x['earlier'])} → {_ref_text(x['later'])}"
                    for x in e.get("evidence", [])
                ),
            }
        )
    return rows


def write_credit(path: Path, report_json: dict[str, Any]) -> Path:
    if check_suffix(Path(path)) == ".json":
        return write_json(path, report_json)
    return write_table(path, CREDIT_COLUMNS, credit_rows(report_json), sheet="企业质量信用")


RATE_COLUMNS: tuple[Column, ...] = (
    ("key", "代码"),
    ("name", "名称"),
    ("tested", "检验批次"),
    ("passed", "合格"),
    ("failed", "不合格"),
    ("pass_rate", "合格率(%)"),
    ("fail_rate", "不合格率(%)"),
    ("previous_tested", "上期检验批次"),
    ("previous_pass_rate", "上期合格率(%)"),
    ("change", "变化(百分点)"),
)


def rate_rows(report_json: dict[str, Any]) -> list[dict[str, Any]]:
    label = {"level": "level", "class": "class"}.get(report_json["by"], "region")
    rows = []
    for r in [*report_json["rows"], {**report_json["total"], "name": "合计 " + "安徽省"}]:
        previous = r.get("previous") or {}
        rows.append(
            {
                "key": r.get(label) or r.get("region"),
                "name": r["name"],
                "tested": r["tested"],
                "passed": r["passed"],
                "failed": r["failed"],
                "pass_rate": r["pass_rate"],
                "fail_rate": r["fail_rate"],
                "previous_tested": previous.get("tested"),
                "previous_pass_rate": previous.get("pass_rate"),
                "change": r["change"],
            }
        )
    return rows


def write_rates(path: Path, report_json: dict[str, Any]) -> Path:
    if check_suffix(Path(path)) == ".json":
        return write_json(path, report_json)
    return write_table(path, RATE_COLUMNS, rate_rows(report_json), sheet="合格率")
