"""The food classification as a file (CSV or .xlsx), one class per row.

Columns: `code`, `parent_code` (empty for the one root), `name`, `name_en`, `aliases`
(the Appendix A names the class stands for, separated by `|`), `initials` (pinyin
initials; empty = computed by `core.pinyin`), `source` (where the class and its
mapping come from), `sample_data` (true/false). Every problem is reported with its row;
nothing is kept from a file with any problem.
"""

from __future__ import annotations

import csv
from pathlib import Path

from labdesk.core.foods import ClassTreeError, FoodClass, FoodTree
from labdesk.core.limit_tables import MAX_FILE_BYTES, LimitFileError, Problem

COLUMNS = ("code", "parent_code", "name", "name_en", "aliases", "initials", "source", "sample_data")
_TRUE = {"true", "yes", "y", "1", "是"}
_FALSE = {"false", "no", "n", "0", "否", ""}


def read_food_classes(path: Path | str) -> FoodTree:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise LimitFileError(path, [Problem(0, "", "file", "file not found")]) from None
    if size > MAX_FILE_BYTES:
        raise LimitFileError(
            path,
            [Problem(0, "", "max_size", f"the file is {size:,} bytes (limit {MAX_FILE_BYTES:,})")],
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
    except UnicodeDecodeError as exc:
        raise LimitFileError(
            path, [Problem(0, "", "encoding", f"not UTF-8 (byte {exc.start}); save as UTF-8 CSV")]
        ) from None
    return classes_from_rows(path, records)


def classes_from_rows(path: Path, records: list[list[str]]) -> FoodTree:
    from labdesk.core.pinyin import initials

    problems: list[Problem] = []
    if not records:
        raise LimitFileError(path, [Problem(1, "", "header", "the first row must be the headers")])
    header = [h.strip() for h in records[0]]
    position = {name: i for i, name in enumerate(header) if name}
    for name in header:
        if name and name not in COLUMNS:
            problems.append(
                Problem(1, name, "unknown_column", f"unknown column (known: {', '.join(COLUMNS)})")
            )
    for name in ("code", "parent_code", "name"):
        if name not in position:
            problems.append(Problem(1, name, "required", "required column missing"))
    if problems:
        raise LimitFileError(path, problems)
    classes: list[FoodClass] = []
    rows: list[int] = []
    for offset, record in enumerate(records[1:]):
        row_no = offset + 2
        if not any(c.strip() for c in record):
            continue

        def cell(name: str, record: list[str] = record) -> str:
            index = position.get(name)
            return record[index].strip() if index is not None and index < len(record) else ""

        flag = cell("sample_data").lower()
        if flag not in _TRUE | _FALSE:
            problems.append(
                Problem(row_no, "sample_data", "boolean", f"{flag!r} is not true/false")
            )
            continue
        name = cell("name")
        classes.append(
            FoodClass(
                code=cell("code"),
                parent=cell("parent_code"),
                name=name,
                name_en=cell("name_en"),
                aliases=tuple(a.strip() for a in cell("aliases").split("|") if a.strip()),
                initials=cell("initials").lower() or initials(name),
                source=cell("source"),
                sample_data=flag in _TRUE,
            )
        )
        rows.append(row_no)
    if problems:
        raise LimitFileError(path, problems)
    try:
        return FoodTree(classes)
    except ClassTreeError as exc:
        raise LimitFileError(
            path,
            [
                Problem(
                    rows[p.index] if p.index is not None else 0,
                    p.field,
                    "classification",
                    p.message,
                )
                for p in exc.problems
            ],
        ) from None


def shipped_classes_path() -> Path:
    from labdesk.paths import resources_dir

    return resources_dir() / "standards" / "food-classes.csv"
