"""Importing instrument results from Excel / CSV files (Qt-free).

Three steps, so that nothing is written before the user has seen what will be:

1. `read_table(path)` reads every cell as text (never a float: "0.30" must stay "0.30"),
   after `services.table_files` has checked the file (size ≤ `MAX_FILE_BYTES`, not empty,
   a workbook or text; formula and merged cells refused; a CSV's encoding detected);
2. `guess_mapping(table)` proposes which column holds the sample number, the item, the
   result … and the user corrects it; `preview(table, mapping)` shows the mapped rows;
3. `plan_import(db, table, mapping)` checks every row against the database and returns
   an `ImportPlan`: the entries it would write and the errors, each naming the row as the
   user sees it in Excel, the column and the rule. Only `commit_import(...)` writes, and
   only a plan without errors, all rows in one transaction (all or nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from labdesk.core.errors import ValidationError
from labdesk.services.busy import retried_when_busy
from labdesk.services.table_files import (
    _cell_text,  # noqa: F401  (kept importable from here, where it used to live)
    _read_csv,  # noqa: F401
    _read_xls,
    _read_xlsx,
    inspect_file,
    read_csv_bytes,
    refuse_one_column,
)

#: Spreadsheet row holding the column titles (the first row, as instruments export).
HEADER_ROW = 1
#: The fields a mapping assigns to columns; the first three are required.
REQUIRED_FIELDS = ("sample_no", "item", "result")
OPTIONAL_FIELDS = ("unit", "instrument", "method")
FIELD_LABELS = {
    "sample_no": "样品编号",
    "item": "检验项目",
    "result": "检验结果",
    "unit": "单位",
    "instrument": "仪器",
    "method": "检验方法",
}
# Column titles seen in instrument exports and lab sheets, lower-cased, spaces removed.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "sample_no": (
        "样品编号",
        "样品编码",
        "样品号",
        "编号",
        "sampleno",
        "sampleid",
        "sample",
        "samplename",
        "sample_no",
        "sample_id",
        "id",
    ),
    "item": (
        "检验项目",
        "检测项目",
        "项目",
        "项目名称",
        "分析项目",
        "item",
        "analyte",
        "parameter",
        "test",
        "component",
        "元素",
    ),
    "result": (
        "检验结果",
        "检测结果",
        "结果",
        "测定值",
        "实测值",
        "result",
        "value",
        "concentration",
        "conc",
        "测定结果",
    ),
    "unit": ("单位", "计量单位", "unit", "units"),
    "instrument": ("仪器", "仪器名称", "仪器编号", "设备", "instrument", "device", "equipment"),
    "method": ("检验方法", "检测方法", "方法", "method"),
}
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")


@dataclass(frozen=True)
class ImportTable:
    """A sheet read as text: `columns` are the header titles, `frame` all cells as str.

    `encoding` is the text encoding a CSV was read in ("" for a workbook), `sha256` and
    `size` identify the file in the audit, `kind` says what its content was ("xlsx",
    "xls" or "text") whatever its name."""

    source: str
    columns: list[str]
    frame: pd.DataFrame
    encoding: str = ""
    sha256: str = ""
    size: int = 0
    kind: str = ""

    def excel_row(self, index: int) -> int:
        """Row number the user sees for data row `index` (0-based): the header is row 1."""
        return HEADER_ROW + 1 + index

    def column_ref(self, title: str) -> str:
        """ "C（结果）": the column letter as Excel shows it, and its title."""
        return f"{column_letter(self.columns.index(title))}（{title}）"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# -- reading -------------------------------------------------------------------------------


def read_table(path: Path) -> ImportTable:
    """Reads the first sheet of an .xlsx / .xls or a .csv file, every cell as text.

    The file is checked first (`table_files.inspect_file`: size, emptiness, what its
    bytes say it is); formula and merged cells are refused; a CSV's encoding is detected
    and named in `ImportTable.encoding`; a sheet of one column, or a CSV whose rows do not
    split into the header's columns, is not a table (`table_files.NotATable`, with the row
    when known). Raises ValidationError(field "file") otherwise.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValidationError(
            "file",
            "supported_type",
            f"{path.name}: 只支持 .xlsx、.xls 和 .csv 文件 (only .xlsx / .xls / .csv)",
        )
    facts = inspect_file(path)
    encoding = ""
    if facts.kind == "xlsx":
        header, body = _read_xlsx(path)
    elif facts.kind == "xls":
        header, body = _read_xls(path)
    else:
        frame, encoding = read_csv_bytes(path, path.read_bytes())
        header = [str(c) for c in frame.columns]
        body = [[str(v) for v in row] for row in frame.itertuples(index=False)]
        del frame
    width = max([len(header), *(len(r) for r in body)], default=0)
    header = [*header, *[""] * (width - len(header))]
    for index, row in enumerate(body):  # padded in place: a second list of rows would cost
        if len(row) < width:
            body[index] = [*row, *[""] * (width - len(row))]
    columns = _unique_titles(header)
    refuse_one_column(path.name, columns)
    frame = pd.DataFrame(body, columns=columns, dtype=str)
    del body
    frame = frame.fillna("").astype(str)
    # Trailing empty rows are common in sheets; keep interior blank rows so numbers match Excel.
    nonblank = frame.apply(lambda col: col.str.strip() != "").any(axis=1)
    if nonblank.any():
        last = int(nonblank[nonblank].index[-1])
        frame = frame.iloc[: last + 1]
    else:
        frame = frame.iloc[0:0]
    return ImportTable(
        path.name,
        columns,
        frame.reset_index(drop=True),
        encoding=encoding,
        sha256=facts.sha256,
        size=facts.size,
        kind=facts.kind,
    )


def _unique_titles(titles: Sequence[Any]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for index, title in enumerate(titles):
        text = str(title).strip() if title is not None else ""
        if not text or text.startswith("Unnamed:"):
            text = f"列{column_letter(index)}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        result.append(text)
    return result


# -- mapping -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (by title) holds each field; None = not in the file."""

    sample_no: str | None = None
    item: str | None = None
    result: str | None = None
    unit: str | None = None
    instrument: str | None = None
    method: str | None = None

    def get(self, name: str) -> str | None:
        value: str | None = getattr(self, name)
        return value

    def with_field(self, name: str, column: str | None) -> ColumnMapping:
        if name not in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS):
            raise ValidationError("mapping", "known_field", f"unknown field: {name}")
        return replace(self, **{name: column})

    def check(self, table: ImportTable) -> None:
        """Raises ValidationError unless every required field has a column of the table and
        no column is used twice."""
        used: dict[str, str] = {}
        for name in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS):
            column = self.get(name)
            if column is None:
                if name in REQUIRED_FIELDS:
                    raise ValidationError(
                        name,
                        "mapped",
                        f"请指定“{FIELD_LABELS[name]}”所在的列 (map a column to {name})",
                    )
                continue
            if column not in table.columns:
                raise ValidationError(name, "known_column", f"文件中没有列“{column}”")
            if column in used:
                raise ValidationError(
                    name,
                    "distinct_columns",
                    f"列“{column}”同时用作“{FIELD_LABELS[used[column]]}”和“{FIELD_LABELS[name]}”",
                )
            used[column] = name


def _squash(title: str) -> str:
    return re.sub(r"[\s_\-（）()]", "", title).lower()


def guess_mapping(table: ImportTable) -> ColumnMapping:
    """Proposes a mapping from the column titles: exact synonyms first, then titles that
    contain a synonym. Each column is used at most once."""
    squashed = {title: _squash(title) for title in table.columns}
    chosen: dict[str, str] = {}
    for exact in (True, False):
        for name in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS):
            if name in chosen:
                continue
            for synonym in _SYNONYMS[name]:
                key = _squash(synonym)
                hit = next(
                    (
                        title
                        for title, sq in squashed.items()
                        if title not in chosen.values()
                        and (sq == key if exact else (len(key) > 1 and key in sq))
                    ),
                    None,
                )
                if hit is not None:
                    chosen[name] = hit
                    break
    return ColumnMapping(**chosen)


def preview(table: ImportTable, mapping: ColumnMapping, rows: int = 20) -> list[dict[str, str]]:
    """The first `rows` data rows as the mapping reads them (plus the Excel row number)."""
    out = []
    head = table.frame.head(rows)
    columns = {
        name: None if (column := mapping.get(name)) is None else head[column].tolist()
        for name in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)
    }
    for index in range(len(head)):
        record = {"row": str(table.excel_row(index))}
        for name, values in columns.items():
            record[name] = "" if values is None else str(values[index])
        out.append(record)
    return out


# -- checking against the database ---------------------------------------------------------

#: Sample states in which an instrument import may fill results. Submitted or later work
#: is corrected by hand with a reason, never overwritten by a file.
IMPORT_STATES = ("received", "testing", "returned")


@dataclass(frozen=True)
class RowError:
    """A problem in one cell: `row` as Excel numbers it, `column` its letter and title."""

    row: int
    column: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.column}：{self.message}"


@dataclass(frozen=True)
class PlannedEntry:
    """A row that passed every check: what would be written, and the verdict it would get."""

    row: int
    sample_no: str
    item_name: str
    sample_item_id: int
    text: str
    instrument: str
    method: str
    verdict: str
    display: str


@dataclass(frozen=True)
class ImportPlan:
    """The outcome of checking a file; nothing has been written."""

    source: str
    mapping: ColumnMapping
    entries: list[PlannedEntry]
    errors: list[RowError]
    skipped_blank: int = 0
    #: The file, as the audit records it with the results (from `ImportTable`).
    sha256: str = ""
    size: int = 0
    encoding: str = ""
    mapping_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.entries)

    def error_table(self) -> list[dict[str, str]]:
        return [
            {"row": str(e.row), "column": e.column, "rule": e.rule, "message": e.message}
            for e in self.errors
        ]


def _load_items(db: Any, sample_nos: Sequence[str]) -> tuple[dict[str, Any], dict[int, list[Any]]]:
    """Samples by number and their frozen items, fetched in chunks (no per-row queries)."""
    samples: dict[str, Any] = {}
    items: dict[int, list[Any]] = {}
    unique = sorted(set(sample_nos))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in db.query(
            f"SELECT id, sample_no, state FROM samples WHERE sample_no IN ({marks})", chunk
        ):
            samples[str(row["sample_no"])] = row
    ids = [int(r["id"]) for r in samples.values()]
    for start in range(0, len(ids), 500):
        chunk_ids = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk_ids)
        for row in db.query(
            "SELECT i.*, (SELECT count(*) FROM results AS r WHERE r.sample_item_id = i.id "
            "AND r.superseded_by IS NULL) AS has_result "
            f"FROM sample_items AS i WHERE i.sample_id IN ({marks}) ORDER BY i.seq",
            chunk_ids,
        ):
            items.setdefault(int(row["sample_id"]), []).append(row)
    return samples, items


def _match_item(candidates: list[Any], wanted: str) -> Any | None:
    """The sample's item named `wanted`: by code, Chinese name or English name."""
    key = wanted.strip().casefold()
    for attribute in ("code", "name", "name_en"):
        for item in candidates:
            if str(item[attribute] or "").strip().casefold() == key and key:
                return item
    return None


def plan_import(
    db: Any, table: ImportTable, mapping: ColumnMapping, *, mapping_name: str = ""
) -> ImportPlan:
    """Checks every row; returns the entries that would be written and every error.

    Reads only. Each error names the Excel row, the column and the rule: unknown sample,
    unknown item, sample not in a state that takes results, result text the judgement
    cannot read, unit different from the item's, the same item twice, an item that already
    has a result.
    """
    from labdesk.services.result_bulk import judge_entries

    mapping.check(table)
    frame = table.frame
    col = {name: mapping.get(name) for name in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)}
    # Each mapped column read once as a list: `frame.iloc[i][c]` per cell built a Series per
    # row, ~9 of the 9.2 s a 100,000-row file took to check (docs/robustness.md).
    values = {name: None if c is None else frame[c].tolist() for name, c in col.items()}

    def cell(index: int, name: str) -> str:
        column = values[name]
        return "" if column is None else str(column[index]).strip()

    def ref(name: str) -> str:
        column = col[name]
        return table.column_ref(column) if column else FIELD_LABELS[name]

    sample_col = col["sample_no"]
    assert sample_col is not None  # mapping.check
    samples, items = _load_items(db, [s.strip() for s in frame[sample_col].tolist()])
    # Each row's error, or its entry waiting for its verdict: the rows are judged together
    # after the loop (`result_bulk.judge_entries`), the plan keeps the rows' order.
    checked: list[RowError | tuple[int, str, str, int, str, str, str]] = []
    judged_items: list[Any] = []
    seen: dict[int, int] = {}
    said: dict[str, str] = {}
    blank = 0
    for index in range(len(frame)):
        row_no = table.excel_row(index)
        sample_no, item_text, result = (cell(index, n) for n in REQUIRED_FIELDS)
        if not (sample_no or item_text or result):
            blank += 1
            continue

        def fail(name: str, rule: str, message: str, row_no: int = row_no) -> None:
            # One string per distinct wording: a file's rows name a few samples many times,
            # and 100,000 equal copies of a refusal cost 20 MB (docs/robustness.md).
            column = ref(name)
            column = said.setdefault(column, column)
            checked.append(RowError(row_no, column, rule, said.setdefault(message, message)))

        if not sample_no:
            fail("sample_no", "required", "样品编号为空 (sample number is empty)")
            continue
        sample = samples.get(sample_no)
        if sample is None:
            fail("sample_no", "known_sample", f"没有样品 {sample_no} (unknown sample)")
            continue
        if sample["state"] not in IMPORT_STATES:
            fail(
                "sample_no",
                "sample_state",
                f"样品 {sample_no} 当前状态为 {sample['state']}，只能向已收样/检验中的样品导入结果 "
                "(the sample does not take imported results in this state)",
            )
            continue
        if not item_text:
            fail("item", "required", "检验项目为空 (item is empty)")
            continue
        item = _match_item(items.get(int(sample["id"]), []), item_text)
        if item is None:
            fail("item", "known_item", f"样品 {sample_no} 没有检验项目“{item_text}” (unknown item)")
            continue
        unit = cell(index, "unit")
        if unit and item["unit"] and unit != str(item["unit"]):
            fail("unit", "unit_matches", f"单位“{unit}”与项目单位“{item['unit']}”不一致")
            continue
        item_id = int(item["id"])
        if item_id in seen:
            fail(
                "item",
                "unique",
                f"样品 {sample_no} 的“{item['name']}”在第 {seen[item_id]} 行已出现 (duplicate)",
            )
            continue
        seen[item_id] = row_no
        if int(item["has_result"]):
            fail(
                "item",
                "no_current_result",
                f"样品 {sample_no} 的“{item['name']}”已有结果；请在样品中修改并填写原因",
            )
            continue
        judged_items.append(item)
        checked.append(
            (
                row_no,
                sample_no,
                str(item["name"]),
                item_id,
                result,
                cell(index, "instrument"),
                cell(index, "method"),
            )
        )
    judged = judge_entries(
        judged_items, [row[4] for row in checked if not isinstance(row, RowError)]
    )
    del judged_items
    errors: list[RowError] = []
    entries: list[PlannedEntry] = []
    n = 0
    for row in checked:
        if isinstance(row, RowError):
            errors.append(row)
            continue
        code = judged.code(n)
        if code:
            entries.append(PlannedEntry(*row, verdict=code, display=judged.display(n)))
        else:
            try:
                judged.verdict(n)
            except ValidationError as exc:
                column, message = ref("result"), str(exc)
                column, message = said.setdefault(column, column), said.setdefault(message, message)
                errors.append(RowError(row[0], column, exc.rule, message))
        n += 1
    if not entries and not errors:
        errors.append(RowError(HEADER_ROW, "—", "not_empty", "文件中没有数据行 (no data rows)"))
    return ImportPlan(
        table.source,
        mapping,
        entries,
        errors,
        blank,
        sha256=table.sha256,
        size=table.size,
        encoding=table.encoding,
        mapping_name=mapping_name,
    )


# Tried again whole when busy: the entries are listed from the plan again on each try
# (enter_results_bulk consumes what it is given), and nothing leaves the database.
@retried_when_busy
def commit_import(ctx: Any, plan: ImportPlan) -> int:
    """Writes a checked plan: every entry in one transaction through
    `services.result_bulk.enter_results_bulk` (all or nothing), with a `result_imports` row
    naming the file and its SHA-256 in the same audited transaction. Refuses a plan with
    errors. Returns the number of results written."""
    from labdesk.services.result_bulk import ResultEntry, ResultSource, enter_results_bulk

    if plan.errors:
        raise ValidationError(
            "file", "no_errors", f"{len(plan.errors)} 行有错误，未导入任何结果 (nothing imported)"
        )
    if not plan.entries:
        raise ValidationError("file", "not_empty", "没有可导入的结果 (nothing to import)")
    try:
        enter_results_bulk(
            ctx,
            [
                ResultEntry(e.sample_item_id, e.text, instrument=e.instrument, method=e.method)
                for e in plan.entries
            ],
            source=ResultSource(
                file_name=plan.source,
                sha256=plan.sha256,
                size=plan.size,
                encoding=plan.encoding,
                mapping=plan.mapping_name,
            ),
        )
    except ValidationError as exc:
        # The database changed since the plan was made; say which row the entry came from.
        match = re.match(r"entries\[(\d+)\]", exc.field)
        if match:
            entry = plan.entries[int(match.group(1))]
            raise ValidationError(
                "file", exc.rule, f"第 {entry.row} 行: {exc} (nothing imported / 未导入任何结果)"
            ) from exc
        raise
    return len(plan.entries)
