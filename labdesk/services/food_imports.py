"""Importing into the food library: the classification, limit tables, the shipped
library on first run.

Imports are all or nothing (`core.limit_reader` validates every row first) and each
version is compared with the stored one by digest: re-importing an identical file
writes nothing. A changed version replaces the stored one (the old rows are kept,
inactive); a version named in 代替标准 is closed on the new one's 实施日期. A version's
limit rows are its content (`schema.CONTENT_TABLES`): one executemany, their digest
audited on the version row. Samples are never touched: their items were frozen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from labdesk.core.bulk import collector_paused
from labdesk.core.errors import ValidationError
from labdesk.core.foods import FoodTree
from labdesk.core.limit_reader import read_limit_table, version_problems
from labdesk.core.limit_tables import LimitFileError, LimitTable, StoredVersion
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.food_library import has_food_library, load_tree
from labdesk.services.permissions import require
from labdesk.store.audit import Writer
from labdesk.store.protocol import Store

SHIPPED_LIMIT_FILES = (
    "food-limits-gb2762.csv",
    "food-limits-gb2761.csv",
    "food-limits-gb2763.csv",
    "food-limits-gb31650.csv",
    "food-limits-product.csv",
)


def write_classes(w: Writer, tree: FoodTree) -> int:
    """Inside an audited transaction: adds new classes, updates changed ones (by code).
    Classes absent from `tree` stay: limits and samples may name them. Returns changes."""
    existing = {str(r["code"]): dict(r) for r in w.db.query("SELECT * FROM food_classes")}
    new_rows: list[dict[str, Any]] = []
    changed = 0
    for seq, cls in enumerate(tree.walk(), start=1):
        values = {
            "code": cls.code,
            "parent_code": cls.parent or None,
            "depth": tree.depth(cls.code),
            "seq": seq,
            "name": cls.name,
            "name_en": cls.name_en,
            "aliases": json.dumps(list(cls.aliases), ensure_ascii=False),
            "initials": cls.initials,
            "source": cls.source,
            "sample_data": int(cls.sample_data),
        }
        known = existing.get(cls.code)
        if known is None:
            new_rows.append(values)
        elif w.update("food_classes", int(known["id"]), values, action="classes_import"):
            changed += 1
    if new_rows:
        w.insert_many("food_classes", new_rows, action="classes_import")
    return changed + len(new_rows)


@retried_when_busy
def import_classes(ctx: ServiceContext, tree: FoodTree) -> int:
    """Admin: stores the classification (audited); returns the classes added or changed."""
    require(ctx, "import_library")
    if has_food_library(ctx.db):
        stored = load_tree(ctx.db)
        missing = [c.code for c in stored.classes if c.code not in tree]
        if missing:
            raise ValidationError(
                "code",
                "keeps_classes",
                f"the new classification leaves out {len(missing)} stored classes "
                f"({', '.join(missing[:5])}…): classes are never removed, since limits and "
                "samples name them (分类只能增改，不能删除)",
            )
    with ctx.db.write(ctx.actor) as w:
        return write_classes(w, tree)


# ---------------------------------------------------------------------------------------
# Limit versions


@dataclass
class ImportOutcome:
    """What an import did: versions loaded (new or changed), versions unchanged, rows."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.loaded or self.closed)

    def message(self) -> str:
        if not self.changed:
            return "no change: the library already holds " + ", ".join(self.unchanged) + " (无变化)"
        parts = [f"loaded {', '.join(self.loaded)} ({self.rows} limit rows)"]
        if self.closed:
            parts.append(f"closed {', '.join(self.closed)}")
        if self.unchanged:
            parts.append(f"unchanged {', '.join(self.unchanged)}")
        return "; ".join(parts)


def stored_versions(db: Store) -> list[StoredVersion]:
    rows = db.query(
        "SELECT standard_no, standard_year, effective_from, abolished_from FROM lib_versions "
        "WHERE active = 1"
    )
    return [
        StoredVersion(
            str(r["standard_no"]),
            str(r["standard_year"]),
            date.fromisoformat(r["effective_from"]) if r["effective_from"] else None,
            date.fromisoformat(r["abolished_from"]) if r["abolished_from"] else None,
        )
        for r in rows
    ]


def read_limits(db: Store, path: Path | str) -> LimitTable:
    """Read and validate a limit file against the stored classification and versions
    (nothing written): the import preview."""
    with collector_paused():  # its rows live as long as the table (core.bulk)
        return read_limit_table(path, load_tree(db), stored_versions(db))


def write_limits(w: Writer, table: LimitTable) -> ImportOutcome:
    """Inside an audited transaction: the versions of `table` that differ from the
    stored ones are loaded; unchanged ones are left alone."""
    db = w.db
    outcome = ImportOutcome()
    stored = {
        (str(r["standard_no"]), str(r["standard_year"])): dict(r)
        for r in db.query("SELECT * FROM lib_versions WHERE active = 1")
    }
    fresh: dict[str, int] = {}
    for key, version in table.versions.items():
        digest = table.digest(key)
        known = stored.get((version.number, version.year))
        if known is not None and known["digest"] == digest:
            outcome.unchanged.append(key)
            continue
        if known is not None:
            w.update("lib_versions", int(known["id"]), {"active": 0}, action="limits_replace")
        rows = table.rows_of(key)
        version_id = w.insert(
            "lib_versions",
            {
                "standard_no": version.number,
                "standard_year": version.year,
                "title": version.title,
                "kind": version.kind,
                "effective_from": _iso(version.effective_from),
                "abolished_from": _iso(version.abolished_from),
                "replaces": json.dumps(list(version.replaces), ensure_ascii=False),
                "sample_data": int(any(r.sample_data for r in rows)),
                "digest": digest,
                "file_name": table.path.name,
            },
            action="limits_import",
        )
        fresh[key] = version_id
        outcome.loaded.append(key)
    if not outcome.loaded:
        return outcome
    # versions named in 代替标准 end on the new version's 实施日期
    for key in outcome.loaded:
        version = table.versions[key]
        for old_key in version.replaces:
            number, _, year = old_key.rpartition("-")
            old = stored.get((number, year))
            if old is None or version.effective_from is None or old_key in table.versions:
                continue
            end = _iso(version.effective_from)
            if old["abolished_from"] is None or str(old["abolished_from"]) > str(end):
                w.update(
                    "lib_versions",
                    int(old["id"]),
                    {"abolished_from": end},
                    reason=f"replaced by {key} (代替)",
                    action="limits_replace",
                )
                outcome.closed.append(old_key)
    # The rows are the version's content: one executemany, their digest audited on the
    # version row (schema.CONTENT_TABLES; `audit verify` recomputes it).
    for key, version_id in fresh.items():
        stored_rows = table.stored_rows(key)
        columns, inserted = table.inserted_rows(key)
        digest = w.insert_content(
            "lib_limits", version_id, inserted, table.body_digest(key), columns=columns
        )
        w.update(
            "lib_versions",
            version_id,
            {"rows_digest": digest, "row_count": len(stored_rows)},
            action="limits_import",
        )
        outcome.rows += len(stored_rows)
        rules = table.rules(key)
        if rules:  # the items' rules the version states, frozen onto samples with the limit
            w.insert_many(
                "lib_item_rules",
                [
                    {
                        "version_id": version_id,
                        "code": r.code,
                        "factor": r.factor,
                        "rounding": r.rounding,
                        "screening": int(r.screening),
                    }
                    for r in rules
                ],
                action="limits_import",
            )
        by_class = table.class_rules(key)
        if by_class:  # an item given other rules for other classes (issue 15.2)
            w.insert_many(
                "lib_class_rules",
                [
                    {
                        "version_id": version_id,
                        "code": r.code,
                        "class_code": class_code,
                        "factor": r.factor,
                        "rounding": r.rounding,
                        "screening": int(r.screening),
                    }
                    for class_code, r in by_class
                ],
                action="limits_import",
            )
    return outcome


@retried_when_busy
def import_limits(ctx: ServiceContext, table: LimitTable) -> ImportOutcome:
    """Admin: loads a validated limit table. Nothing is written when nothing changed."""
    require(ctx, "import_library")
    # validated against the library as it was read; check the versions again now
    read_check = stored_versions(ctx.db)
    first_rows = {key: table.first_row(key) for key in table.versions}
    problems = version_problems(table.versions, first_rows, read_check)
    if problems:
        raise LimitFileError(table.path, problems)
    with collector_paused():  # the stored rows, their digest and insert (core.bulk)
        if all(_unchanged(ctx.db, table, key) for key in table.versions):
            return ImportOutcome(unchanged=list(table.versions))
        with ctx.db.write(ctx.actor) as w:
            return write_limits(w, table)


def _unchanged(db: Store, table: LimitTable, key: str) -> bool:
    version = table.versions[key]
    digest = db.scalar(
        "SELECT digest FROM lib_versions WHERE active = 1 AND standard_no = ? "
        "AND standard_year = ?",
        (version.number, version.year),
    )
    return digest == table.digest(key)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ---------------------------------------------------------------------------------------
# First run


def shipped_dir() -> Path:
    from labdesk.paths import resources_dir

    return resources_dir() / "standards"


@retried_when_busy
def ensure_food_library(ctx: ServiceContext) -> bool:
    """Loads the shipped classification, limits and templates if no classification is
    stored (first run, demo), all in one transaction: a run killed half-way leaves
    nothing, so the next run loads it whole. False when one was already there."""
    if has_food_library(ctx.db):
        return False
    from labdesk.core.foods_io import read_food_classes

    folder = shipped_dir()
    tree = read_food_classes(folder / "food-classes.csv")
    tables = []
    stored: list[StoredVersion] = []
    for name in SHIPPED_LIMIT_FILES:
        table = read_limit_table(folder / name, tree, stored)
        stored += [
            StoredVersion(v.number, v.year, v.effective_from, v.abolished_from)
            for v in table.versions.values()
        ]
        tables.append(table)
    templates = _template_rows(folder / "food-templates.csv")
    with ctx.db.write(ctx.actor) as w:
        write_classes(w, tree)
        for table in tables:
            write_limits(w, table)
        w.insert_many("food_templates", templates, action="template_edit")
    return True


def _template_rows(path: Path) -> list[dict[str, Any]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        entries = list(csv.DictReader(handle))
    return [
        {
            "class_code": e["class_code"],
            "seq": seq,
            "standard_no": e["standard_no"],
            "item_code": e["item_code"],
            "test_method": e.get("test_method", ""),
            "source": e.get("source", ""),
        }
        for seq, e in enumerate(entries, start=1)
    ]
