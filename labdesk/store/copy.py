"""Moving a whole centre between databases: `labdesk store copy --from A --to B`.

Either side may be a file or a server (a centre outgrowing one workstation moves from
its SQLite file to PostgreSQL; the way back works too). Every table is copied row for
row — users, library, samples, results, the audit log and its head, keys, batches —
in one transaction on the target with foreign keys checked at its end (rows refer
forward: a result to the one superseding it). The target must be empty: a copy never
merges two centres. Afterwards the audit chain is verified *on the target*, so what
arrived is what was signed into the chain.

And `labdesk store grant ROLE` on PostgreSQL: what the application's role may do —
read and write the record, but only append to the audit log (docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from labdesk.store.audit import AuditReport, verify_audit
from labdesk.store.db import Database, open_database, open_reader
from labdesk.store.engine import DbTarget
from labdesk.store.errors import StoreError
from labdesk.store.schema import LATEST_VERSION

CHUNK = 5_000
# Bookkeeping the target's own migrations wrote: replaced by the source's.
_REPLACED = ("meta", "audit_head")
# Bookkeeping of the target's own that the copy leaves as it is (schema.write_epoch).
_KEPT = ("write_epoch",)
_ENGINE_TABLES = frozenset({"labdesk_schema", "sqlite_sequence", "sqlite_stat1"})

Progress = Callable[[str, int], None]


@dataclass
class CopyReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    audit: AuditReport | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "rows": dict(self.rows),
            "audit": None if self.audit is None else self.audit.as_dict(),
            "ok": self.audit is not None and self.audit.ok,
        }


def tables_of(db: Database) -> list[str]:
    """The LabDesk tables of an open database, in creation order (parents first)."""
    if db.engine.is_file:
        rows = db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid")
    else:
        rows = db.query(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.oid"
        )
    return [str(r[0]) for r in rows if str(r[0]) not in _ENGINE_TABLES]


def columns_of(db: Database, table: str) -> list[str]:
    return [str(r[1]) for r in db.query(f"PRAGMA table_info({table})")]


def _non_empty(db: Database, tables: Sequence[str]) -> list[str]:
    full = [
        t for t in tables if t not in _REPLACED + _KEPT and db.scalar(f"SELECT count(*) FROM {t}")
    ]
    if int(db.scalar("SELECT seq FROM audit_head WHERE id = 1") or 0):
        full.append("audit_log")
    return sorted(set(full))


def copy_centre(
    source: DbTarget, target: DbTarget, *, progress: Progress | None = None
) -> CopyReport:
    """Copies the centre at `source` into the empty database `target` (created or
    migrated to this LabDesk's schema first), then verifies the audit on the target."""
    if str(source) == str(target):
        raise StoreError("the source and the target are the same database")
    report = CopyReport(str(source), str(target))
    reader = open_reader(source)
    try:
        if reader.user_version != LATEST_VERSION:
            raise StoreError(
                f"{source} has schema {reader.user_version}; open it once with this LabDesk "
                f"(schema {LATEST_VERSION}) to upgrade it, then copy (请先用本版本打开源数据库)"
            )
        db = open_database(target)
        try:
            tables = tables_of(reader)
            missing = sorted(set(tables) - set(tables_of(db)))
            if missing:
                raise StoreError(f"{target} lacks the tables {missing}: not the same schema")
            full = _non_empty(db, tables)
            if full:
                raise StoreError(
                    f"{target} is not empty ({', '.join(full[:5])} hold rows): a copy never "
                    "merges two centres; give an empty database (目标数据库不是空的)"
                )
            with reader.snapshot():
                _copy_tables(reader, db, tables, report, progress)
            report.audit = verify_audit(db)
        finally:
            db.close()
    finally:
        reader.close()
    return report


def _copy_tables(
    reader: Database,
    db: Database,
    tables: Sequence[str],
    report: CopyReport,
    progress: Progress | None,
) -> None:
    with db.transaction() as conn:
        # Rows refer forward (superseded_by, export_batch_id): check keys at commit.
        if db.engine.is_file:
            conn.execute("PRAGMA defer_foreign_keys = ON")
        else:
            conn.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            columns = columns_of(reader, table)
            names = ", ".join(columns)
            if table == "meta":  # the source's bookkeeping replaces the new target's
                conn.execute("DELETE FROM meta")
            insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
            if table in _KEPT:  # the target's own count: it means nothing elsewhere
                report.rows[table] = 1
                continue
            if table == "audit_head":
                head = reader.query_one("SELECT seq, hash FROM audit_head WHERE id = 1")
                if head is not None:
                    conn.execute(
                        "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
                        (int(head[0]), str(head[1])),
                    )
                report.rows[table] = 1
                continue
            order = "id" if "id" in columns else ("seq" if "seq" in columns else columns[0])
            count = 0
            cursor = reader.conn.execute(f"SELECT {names} FROM {table} ORDER BY {order}")
            while True:
                rows = cursor.fetchmany(CHUNK)
                if not rows:
                    break
                conn.executemany(insert, [tuple(r) for r in rows])
                count += len(rows)
                if progress is not None:
                    progress(table, count)
            report.rows[table] = count
