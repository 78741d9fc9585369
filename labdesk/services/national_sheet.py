"""The national item sheet: one row per tested item, in the national sampling system's shape.

Columns (domain.md, "The national sampling system's data shape"; the field names are those
of an unofficial client of that system — the shape to map to, not an official schema):
the sample's fields (抽样单编号, 报告编号, 检验目的, 报告类别, 样品名称 …), then per item
检验项目, 检验结果, 结果单位, 结果判定 (合格项 / 不合格项 / 问题项), 检验依据 (the method
standard), 判定依据 (the limit's standard), 最小允许限, 最大允许限, 允许限单位, 方法检出限,
检出限单位, and 备注, which says when an item's limit is sample data rather than official.

最小/最大允许限 come from the parsed limit (`core.limits`): ``≤0.2`` → max 0.2, ``4.0～7.5``
→ 4.0 and 7.5, ``10±0.5`` → 9.5 and 10.5; an exclusive bound (``<0.05``) keeps its number
and says so in 备注; 不得检出 is written as the 最大允许限 ``不得检出``; text criteria and
report-only items leave both empty.

Scope: concluded samples (approved or exported), by the day their conclusion was made
(`--from` / `--to`, inclusive). Every cell is written as a string cell (`write_sheet`),
never as a number or a formula: a value that starts with ``=`` stays text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from labdesk.core.errors import ValidationError
from labdesk.core.limits import LimitSyntaxError, parse_limit
from labdesk.core.report_class import item_judgement
from labdesk.store.protocol import Store

SAMPLE_COLUMNS = (
    ("sample_no", "抽样单编号"),
    ("report_no", "报告编号"),
    ("purpose", "检验目的"),
    ("report_class", "报告类别"),
    ("task_no", "任务编号"),
    ("task_source", "任务来源"),
    ("sample_name", "样品名称"),
    ("brand", "商标"),
    ("spec_model", "规格型号"),
    ("batch_no", "生产日期/批号"),
    ("production_date", "生产日期"),
    ("enterprise_name", "被抽样单位名称"),
    ("enterprise_uscc", "被抽样单位统一社会信用代码"),
    ("producer_name", "标称生产者名称"),
    ("producer_address", "标称生产者地址"),
    ("sampling_date", "抽样日期"),
    ("received_date", "收样日期"),
    ("concluded_on", "报告日期"),
    ("conclusion", "检验结论"),
)
ITEM_COLUMNS = (
    ("item", "检验项目"),
    ("result", "检验结果"),
    ("result_unit", "结果单位"),
    ("judgement", "结果判定"),
    ("method_standard", "检验依据"),
    ("limit_standard", "判定依据"),
    ("min_limit", "最小允许限"),
    ("max_limit", "最大允许限"),
    ("limit_unit", "允许限单位"),
    ("lod", "方法检出限"),
    ("lod_unit", "检出限单位"),
    ("note", "备注"),
)
COLUMNS = SAMPLE_COLUMNS + ITEM_COLUMNS
HEADERS = tuple(title for _key, title in COLUMNS)

_LOD_SUFFIX = re.compile(r"（检出限[^）]*）$")


def limit_bounds(limit_text: str) -> tuple[str, str, str, str]:
    """(最小允许限, 最大允许限, 允许限单位, note) of a limit text."""
    try:
        limit = parse_limit(limit_text)
    except LimitSyntaxError:
        return "", "", "", f"限量无法解析：{limit_text}"
    if limit.is_not_detected:
        return "", "不得检出", limit.unit, ""
    if not limit.is_numeric:
        return "", "", "", ""
    notes = []
    low = up = ""
    if limit.lower is not None:
        low = limit.lower.text
        if not limit.lower.inclusive:
            notes.append(f"不含下限 {low}")
    if limit.upper is not None:
        up = limit.upper.text
        if not limit.upper.inclusive:
            notes.append(f"不含上限 {up}")
    return low, up, limit.unit, "；".join(notes)


def _shown_result(row: Any) -> str:
    display = str(row["display"] or "")
    if display:
        return _LOD_SUFFIX.sub("", display)
    return str(row["rounded"] or row["result_text"] or "")


_SELECT = (
    "SELECT s.id AS sample_id, s.sample_no, s.sample_name, s.brand, s.spec_model, s.batch_no, "
    "s.production_date, s.producer_name, s.producer_address, s.sampling_date, s.received_date, "
    "s.concluded_on, s.conclusion_label, s.report_no AS sample_report_no, "
    "coalesce(e.name, '') AS enterprise_name, coalesce(e.uscc, '') AS enterprise_uscc, "
    "coalesce(t.task_no, '') AS task_no, coalesce(t.source, '') AS task_source, "
    "coalesce(t.purpose, '') AS purpose, "
    "si.seq, si.name AS item, si.unit, si.limit_text, si.lod, si.test_method, si.standard_no, "
    "si.standard_year, si.sample_data, r.text AS result_text, r.rounded, r.display, r.verdict "
    "FROM samples s LEFT JOIN enterprises e ON e.id = s.enterprise_id "
    "LEFT JOIN tasks t ON t.id = s.task_id "
    "JOIN sample_items si ON si.sample_id = s.id "
    "JOIN results r ON r.sample_item_id = si.id AND r.superseded_by IS NULL "
)


def sheet_rows(
    db: Store, *, date_from: date | None = None, date_to: date | None = None
) -> list[dict[str, str]]:
    """The sheet's rows (every value a string), in sample number and item order."""
    if date_from and date_to and date_from > date_to:
        raise ValidationError("to", "not_before_from", "结束日期早于开始日期 (--to before --from)")
    where = ["s.state IN ('approved', 'exported')"]
    params: list[Any] = []
    if date_from:
        where.append("s.concluded_on >= ?")
        params.append(date_from.isoformat())
    if date_to:
        where.append("s.concluded_on <= ?")
        params.append(date_to.isoformat())
    rows = db.query(
        f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY s.sample_no, si.seq, r.id", params
    )
    classes = {
        int(r["sample_id"]): (str(r["report_no"]), str(r["report_class"]))
        for r in db.query(
            "SELECT sample_id, report_no, report_class FROM reports WHERE state = 'current'"
        )
    }
    out: list[dict[str, str]] = []
    for row in rows:
        report_no, report_class = classes.get(
            int(row["sample_id"]), (str(row["sample_report_no"] or ""), "")
        )
        low, up, limit_unit, limit_note = limit_bounds(str(row["limit_text"]))
        notes = [limit_note] if limit_note else []
        if row["sample_data"]:
            notes.append("样例限量，非官方数据（sample data）")
        standard = "-".join(p for p in (str(row["standard_no"]), str(row["standard_year"])) if p)
        values = {
            "sample_no": row["sample_no"],
            "report_no": report_no,
            "purpose": row["purpose"],
            "report_class": report_class,
            "task_no": row["task_no"],
            "task_source": row["task_source"],
            "sample_name": row["sample_name"],
            "brand": row["brand"],
            "spec_model": row["spec_model"],
            "batch_no": row["batch_no"],
            "production_date": row["production_date"],
            "enterprise_name": row["enterprise_name"],
            "enterprise_uscc": row["enterprise_uscc"],
            "producer_name": row["producer_name"],
            "producer_address": row["producer_address"],
            "sampling_date": row["sampling_date"],
            "received_date": row["received_date"],
            "concluded_on": row["concluded_on"],
            "conclusion": row["conclusion_label"],
            "item": row["item"],
            "result": _shown_result(row),
            "result_unit": row["unit"],
            "judgement": item_judgement(str(row["verdict"]), str(row["purpose"])),
            "method_standard": row["test_method"],
            "limit_standard": standard,
            "min_limit": low,
            "max_limit": up,
            "limit_unit": limit_unit or (row["unit"] if (low or up) else ""),
            "lod": row["lod"] or "",
            "lod_unit": row["unit"] if row["lod"] else "",
            "note": "；".join(notes),
        }
        out.append({k: "" if v is None else str(v) for k, v in values.items()})
    return out


def write_sheet(path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    """Writes one worksheet in which every cell is a string cell (data type "s").

    openpyxl turns a str starting with "=" into a formula when it is assigned; setting
    the data type after the value keeps it text. This is the one place the national sheet
    writes cells, so a shared neutralisation of exported text can replace it here.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "检验项目"
    for r, values in enumerate([list(headers), *map(list, rows)], start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = str(value)
            cell.data_type = "s"
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        workbook.save(partial)
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    return path


def export_sheet(
    db: Store, out: Path, *, date_from: date | None = None, date_to: date | None = None
) -> int:
    """Writes the national item sheet to `out` (.xlsx); returns the number of item rows."""
    if out.suffix.lower() != ".xlsx":
        raise ValidationError("out", "xlsx", f"{out.name}: 请使用 .xlsx 文件 (use an .xlsx file)")
    rows = sheet_rows(db, date_from=date_from, date_to=date_to)
    write_sheet(out, HEADERS, [[row[key] for key, _title in COLUMNS] for row in rows])
    return len(rows)
