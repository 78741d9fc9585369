"""The standards library in the database: imported from `core.standards.StandardsLibrary`.

Stored flattened (`lib_items`: one row per item of each standard version, with the
version's effective/abolished dates), so freezing a sample's items is one query. An
import never changes existing samples: their items were copied onto them at registration.
Re-importing deactivates the previous rows (`active = 0`) and inserts the new ones.
`abolish_standard` closes one standard version from a date (废止) without a re-import.
"""

from __future__ import annotations

import operator
from datetime import date
from typing import Any

from labdesk.core.errors import NotFound, ValidationError
from labdesk.core.standards import StandardsLibrary
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import require
from labdesk.store.audit import Writer
from labdesk.store.db import Database
from labdesk.store.protocol import Store


def _item_rows(library: StandardsLibrary) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seq_by_cat: dict[str, int] = {}
    for item in library.items:
        std = library.standard(item.standard)
        seq = seq_by_cat[item.category] = seq_by_cat.get(item.category, 0) + 1
        rows.append(
            {
                "category_code": item.category,
                "seq": seq,
                "code": item.code,
                "name": item.name_zh,
                "name_en": item.name_en,
                "unit": item.unit,
                "limit_text": item.limit,
                "method": item.method,
                "interval": item.interval,
                "decimals": item.decimals,
                "lod": item.lod,
                "loq": item.loq,
                "test_method": item.test_method,
                "standard_no": std.number,
                "standard_year": std.year,
                "standard_title": std.title,
                "effective_from": std.effective_from.isoformat() if std.effective_from else None,
                "abolished_from": std.abolished_from.isoformat() if std.abolished_from else None,
                "note": item.note,
                "sample_data": int(std.sample_data),
                "active": 1,
            }
        )
        # the item's rule, only when it states one (a library of an older schema has no
        # rule columns; the defaults are the columns')
        if item.factor is not None:
            rows[-1]["factor"] = item.factor
        if item.rounding != "gb8170":
            rows[-1]["rounding"] = item.rounding
        if item.screening:
            rows[-1]["screening"] = 1
    return rows


def write_library(w: Writer, library: StandardsLibrary) -> int:
    """Inside an audited transaction: replaces the active library; returns items written."""
    db = w.db
    for row in db.query("SELECT id FROM lib_items WHERE active = 1"):
        w.update("lib_items", int(row[0]), {"active": 0}, action="library_replace")
    existing = {str(r["code"]): dict(r) for r in db.query("SELECT * FROM lib_categories")}
    sample_data = int(library.has_sample_data)
    for cat in library.categories:
        values = {
            "code": cat.code,
            "name": cat.name_zh,
            "name_en": cat.name_en,
            "standard": cat.standard,
            "sample_data": sample_data,
        }
        if cat.code in existing:
            w.update("lib_categories", int(existing[cat.code]["id"]), values)
        else:
            w.insert("lib_categories", values)
    rows = _item_rows(library)
    w.insert_many("lib_items", rows, action="library_import")
    return len(rows)


_COMPARED = (
    "category_code", "seq", "code", "name", "name_en", "unit", "limit_text", "method",
    "interval", "decimals", "lod", "loq", "test_method", "standard_no", "standard_year",
    "standard_title", "effective_from", "abolished_from", "note", "sample_data",
    "factor", "rounding", "screening",
)  # fmt: skip
_RULE_DEFAULTS = {"factor": None, "rounding": "gb8170", "screening": 0}


def _norm(value: Any) -> str:
    return "" if value is None else str(value)


def library_unchanged(db: Store, library: StandardsLibrary) -> bool:
    """True when `library` is exactly the active one: every item and category as stored
    (re-importing it would only write the same rows again, issue 21.7)."""
    wanted = sorted(
        tuple(_norm(row.get(c, _RULE_DEFAULTS.get(c))) for c in _COMPARED)
        for row in _item_rows(library)
    )
    stored = sorted(
        tuple(_norm(v) for v in row)
        for row in db.query(f"SELECT {', '.join(_COMPARED)} FROM lib_items WHERE active = 1")
    )
    if wanted != stored:
        return False
    categories = {
        str(r["code"]): (r["name"], r["name_en"], r["standard"], int(r["sample_data"]))
        for r in db.query("SELECT code, name, name_en, standard, sample_data FROM lib_categories")
    }
    sample_data = int(library.has_sample_data)
    return all(
        categories.get(cat.code) == (cat.name_zh, cat.name_en, cat.standard, sample_data)
        for cat in library.categories
    )


@retried_when_busy
def import_library(ctx: ServiceContext, library: StandardsLibrary) -> int:
    """Admin: makes `library` the active one (audited); returns the number of items
    written — 0, and nothing written, when it is the active library already."""
    require(ctx, "import_library")
    if library_unchanged(ctx.db, library):
        return 0
    with ctx.db.write(ctx.actor) as w:
        return write_library(w, library)


@retried_when_busy
def abolish_standard(
    ctx: ServiceContext, number: str, year: str, from_date: date, reason: str
) -> int:
    """Admin: the standard `number`-`year` is abolished from `from_date` (exclusive end).

    Sets `abolished_from` on every active item row of that standard version, audited
    with `reason`; samples sampled from that day on no longer get its items, samples
    already registered keep theirs (frozen). Refuses a date on or before the day the
    standard took effect (as the library file does). Returns the number of item rows
    changed (0 if already abolished that day).
    """
    require(ctx, "abolish_standard")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required to abolish a standard (废止须填写原因)"
        )
    if not isinstance(from_date, date):
        raise ValidationError("from_date", "date", "from_date: a date is required (废止日期)")
    number, year = number.strip(), (year or "").strip()
    label = f"{number}-{year}" if year else number
    rows = ctx.db.query(
        "SELECT id, effective_from FROM lib_items WHERE active = 1 AND standard_no = ? "
        "AND standard_year = ? ORDER BY id",
        (number, year),
    )
    if not rows:
        raise NotFound(f"standard {label} is not in the active library (标准库中无此标准)")
    effective = max((str(r["effective_from"]) for r in rows if r["effective_from"]), default="")
    day = from_date.isoformat()
    # Same rule as the library file (core.library_io): abolished strictly after effective.
    if effective and day <= effective:
        raise ValidationError(
            "from_date",
            "after_effective",
            f"from_date: {label} took effect on {effective}; it can only be abolished from "
            f"a later date, not {day} (废止日期须晚于实施日期)",
        )
    changed = 0
    with ctx.db.write(ctx.actor) as w:
        for row in rows:
            if w.update(
                "lib_items",
                int(row["id"]),
                {"abolished_from": day},
                reason=why,
                action="abolish_standard",
            ):
                changed += 1
    return changed


@retried_when_busy
def ensure_library(ctx: ServiceContext) -> None:
    """Loads the shipped sample libraries if none was imported (first run, demo): the
    flat library of non-food categories and the food classification with its limits
    (services.food_library)."""
    from labdesk.services.food_imports import ensure_food_library
    from labdesk.store.schema import audited_tables

    # (a database kept at an older schema, as the migration tests build, has no food tables)
    if "food_classes" in audited_tables(ctx.db.user_version):
        ensure_food_library(ctx)
    if ctx.db.scalar("SELECT count(*) FROM lib_items WHERE active = 1"):
        return
    from labdesk.core.library_io import load_sample_library

    with ctx.db.write(ctx.actor) as w:
        write_library(w, load_sample_library())


def categories(db: Database) -> list[dict[str, Any]]:
    """Categories with at least one active item, by code."""
    rows = db.query(
        "SELECT c.* FROM lib_categories c WHERE EXISTS (SELECT 1 FROM lib_items i "
        "WHERE i.category_code = c.code AND i.active = 1) ORDER BY c.code"
    )
    return [dict(r) for r in rows]


# The columns a library item hands to the sample item frozen from it (sample_items): the
# rule columns (core.judgement.RULE_COLUMNS) and what the report names. One list, so a
# new column of the library reaches every sample registered after it. `source` (where
# the limit came from), `mark` and `mark_meaning` (e.g. GB 2763's temporary-limit mark)
# come from the food library (services.food_library); a flat library item has none.
FROZEN_COLUMNS = (
    "code",
    "name",
    "name_en",
    "unit",
    "limit_text",
    "method",
    "interval",
    "decimals",
    "lod",
    "loq",
    "test_method",
    "standard_no",
    "standard_year",
    "sample_data",
    "source",
    "mark",
    "mark_meaning",
    # the item's rule (issue 14): 以…计 factor, rounding rule, screening flag
    "factor",
    "rounding",
    "screening",
)
# Columns a flat library item (lib_items) does not have: left to the column defaults.
# And the rule columns, which a library of a schema before them lacks.
_FOOD_ONLY = frozenset({"source", "mark", "mark_meaning", "factor", "rounding", "screening"})


_ALL_COLUMNS = operator.itemgetter(*FROZEN_COLUMNS)
_FLAT_NAMES = tuple(c for c in FROZEN_COLUMNS if c not in _FOOD_ONLY)
_FLAT_COLUMNS = operator.itemgetter(*_FLAT_NAMES)


def frozen_item(sample_id: int, seq: int, lib_item: Any) -> dict[str, Any]:
    """The sample_items row frozen from a library item: a row or dict of lib_items, or a
    composed food-library item (`services.food_library`, which carries `lib_limit_id`)."""
    keys = lib_item.keys()
    if "lib_limit_id" in keys:
        row = dict(zip(FROZEN_COLUMNS, _ALL_COLUMNS(lib_item), strict=True))
        row["lib_limit_id"] = lib_item["lib_limit_id"]
        row["lib_item_id"] = None
    else:
        row = dict(zip(_FLAT_NAMES, _FLAT_COLUMNS(lib_item), strict=True))
        row.update((c, lib_item[c]) for c in _FOOD_ONLY if c in keys)
        row["lib_item_id"] = lib_item["id"]
    row["sample_id"] = sample_id
    row["seq"] = seq
    return row


def items_for(db: Store, category_code: str, on: date) -> list[dict[str, Any]]:
    """Active items of the category whose standard version is in force on `on`."""
    if not db.scalar("SELECT 1 FROM lib_categories WHERE code = ?", (category_code,)):
        raise NotFound(f"product category {category_code} is not in the library")
    day = on.isoformat()
    rows = db.query(
        "SELECT * FROM lib_items WHERE category_code = ? AND active = 1 "
        "AND (effective_from IS NULL OR effective_from <= ?) "
        "AND (abolished_from IS NULL OR abolished_from > ?) ORDER BY seq",
        (category_code, day, day),
    )
    return [dict(r) for r in rows]
