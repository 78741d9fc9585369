"""Importing a file of results, as the screen and `labdesk results import` do it (Qt-free).

On top of `services.excel_import` (read, map, plan, commit):

- mappings saved by name (`import_mappings`, audited): an instrument's layout is mapped
  once and reused (`save_mapping`, `load_mapping`, `mapping_names`);
- `prepare(db, path, mapping_name=None, columns=None)`: the file read, its mapping (the
  saved one, else the proposed one, with `columns` overriding fields), and the plan — every
  row checked against the database, nothing written;
- `plan_rows(prepared)`: every data row with its verdict or the rules it breaks, for the
  preview;
- `commit(ctx, prepared)`: `excel_import.commit_import` — all rows or none, the file's name
  and SHA-256 recorded with them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from labdesk.core.errors import NotFound, ValidationError
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.excel_import import (
    FIELD_LABELS,
    HEADER_ROW,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    ColumnMapping,
    ImportPlan,
    ImportTable,
    RowError,
    commit_import,
    guess_mapping,
    plan_import,
    read_table,
)
from labdesk.services.permissions import require
from labdesk.store.protocol import Store

FIELDS = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)
_NAME_MAX = 60


# -- mappings saved by name -----------------------------------------------------------------


def _mapping_json(mapping: ColumnMapping) -> str:
    values = {f.name: getattr(mapping, f.name) for f in fields(mapping)}
    return json.dumps({k: v for k, v in values.items() if v}, ensure_ascii=False, sort_keys=True)


@retried_when_busy
def save_mapping(ctx: ServiceContext, name: str, mapping: ColumnMapping) -> int:
    """Saves (or replaces) the mapping called `name`; audited. Technicians save them."""
    require(ctx, "enter_result")
    label = (name or "").strip()
    if not label:
        raise ValidationError("mapping", "required", "请为映射命名 (name the mapping)")
    if len(label) > _NAME_MAX:
        raise ValidationError(
            "mapping", "max_length", f"映射名称最多 {_NAME_MAX} 个字符 (at most {_NAME_MAX})"
        )
    for required in REQUIRED_FIELDS:
        if not mapping.get(required):
            raise ValidationError(
                required,
                "mapped",
                f"请指定“{FIELD_LABELS[required]}”所在的列 (map a column to {required})",
            )
    values = {"fields": _mapping_json(mapping), "saved_by": ctx.actor.user_id}
    existing = ctx.db.scalar("SELECT id FROM import_mappings WHERE name = ?", (label,))
    with ctx.db.write(ctx.actor) as w:
        values["saved_at"] = w.at_utc
        if existing is not None:
            w.update("import_mappings", int(existing), values, action="save_mapping")
            return int(existing)
        return w.insert("import_mappings", {"name": label, **values}, action="save_mapping")


def load_mapping(db: Store, name: str) -> ColumnMapping:
    row = db.query_one("SELECT fields FROM import_mappings WHERE name = ?", ((name or "").strip(),))
    if row is None:
        raise NotFound(f"没有名为“{name}”的映射 (no saved mapping {name!r})")
    stored = json.loads(str(row["fields"]))
    return ColumnMapping(**{k: v for k, v in stored.items() if k in FIELDS})


def mapping_names(db: Store) -> list[str]:
    return [str(r["name"]) for r in db.query("SELECT name FROM import_mappings ORDER BY name")]


# -- checking a file ----------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A file read and checked: nothing has been written."""

    table: ImportTable
    mapping: ColumnMapping
    plan: ImportPlan
    mapping_name: str = ""
    guessed: bool = True


def mapping_for(
    db: Store,
    table: ImportTable,
    mapping_name: str | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> tuple[ColumnMapping, bool]:
    """(mapping, whether it was proposed rather than saved) with `columns` applied."""
    if mapping_name:
        mapping, guessed = load_mapping(db, mapping_name), False
    else:
        mapping, guessed = guess_mapping(table), True
    for field_name, title in (columns or {}).items():
        mapping = mapping.with_field(field_name, title or None)
    return mapping, guessed


def prepare(
    db: Store,
    path: Path,
    mapping_name: str | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> Prepared:
    """Reads `path`, maps it and checks every row (ValidationError for a bad file or an
    unknown saved mapping; row and mapping problems are in `plan.errors`)."""
    table = read_table(Path(path))
    mapping, guessed = mapping_for(db, table, mapping_name, columns)
    return Prepared(
        table, mapping, check(db, table, mapping, mapping_name), mapping_name or "", guessed
    )


def check(
    db: Store, table: ImportTable, mapping: ColumnMapping, mapping_name: str | None = None
) -> ImportPlan:
    """The plan for `mapping`; an incomplete mapping is the plan's one (file-level) error,
    so the preview can show it and the user correct it."""
    try:
        return plan_import(db, table, mapping, mapping_name=mapping_name or "")
    except ValidationError as exc:
        if exc.field not in FIELDS:
            raise
        error = RowError(HEADER_ROW, "—", exc.rule, str(exc))
        return ImportPlan(table.source, mapping, [], [error], mapping_name=mapping_name or "")


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One data row of the file in the preview: what it says and what it would give.

    It keeps the plan's own RowError objects and words them when asked: at the
    100,000-row bound the worded problems made up front cost 30 MB, and slots 10 MB
    more (docs/robustness.md)."""

    row: int
    sample_no: str
    item: str
    result: str
    verdict: str  # "pass" / "fail" / "not_judged", or "" when refused or blank
    display: str
    refusals: tuple[RowError, ...] = ()

    @property
    def problems(self) -> tuple[str, ...]:
        """ "C（结果）: rule — message" for each reason a row is refused."""
        return tuple(f"{e.column}: {e.rule} — {e.message}" for e in self.refusals)

    @property
    def refused(self) -> bool:
        return bool(self.refusals)


def plan_rows(prepared: Prepared) -> list[PlanRow]:
    """Every data row with its verdict or its problems (the preview shows them all)."""
    table, mapping, plan = prepared.table, prepared.mapping, prepared.plan
    entries = {e.row: e for e in plan.entries}
    # Tuples, shared with the rows below: a list per refused row and a tuple copied from it
    # cost 13 MB at the 100,000-row bound, over the 200 MB ceiling (docs/robustness.md).
    problems: dict[int, tuple[RowError, ...]] = {}
    for error in plan.errors:
        problems[error.row] = (*problems.get(error.row, ()), error)
    frame = table.frame
    # Each mapped column read once as a list: `frame.iloc[i][c]` per cell made a Series per
    # row (100,000 rows at the 20 MB bound: most of the 20 s a check took).
    columns = {
        name: (None if mapping.get(name) is None else frame[mapping.get(name)].tolist())
        for name in ("sample_no", "item", "result")
    }

    def cell(index: int, name: str) -> str:
        values = columns[name]
        return "" if values is None else str(values[index]).strip()

    rows: list[PlanRow] = []
    for index in range(len(frame)):
        row_no = table.excel_row(index)
        entry = entries.get(row_no)
        values = (cell(index, "sample_no"), cell(index, "item"), cell(index, "result"))
        if not any(values) and row_no not in problems:
            continue  # a blank line: skipped, as the plan skips it
        rows.append(
            PlanRow(
                row_no,
                *values,
                verdict=entry.verdict if entry else "",
                display=entry.display if entry else "",
                refusals=problems.get(row_no, ()),
            )
        )
    for row_no, found in sorted(problems.items()):
        if row_no < table.excel_row(0):  # whole-file problems (mapping, no data rows)
            rows.insert(0, PlanRow(row_no, "", "", "", "", "", found))
    return rows


def commit(ctx: ServiceContext, prepared: Prepared) -> int:
    """Writes every planned result in one transaction, or none (refused plan)."""
    return commit_import(ctx, prepared.plan)


def file_facts(table: ImportTable) -> dict[str, Any]:
    """What the preview and the audit say about the file."""
    return {
        "file": table.source,
        "sha256": table.sha256,
        "size": table.size,
        "kind": table.kind,
        "encoding": table.encoding,
        "rows": len(table.frame),
        "columns": list(table.columns),
    }
