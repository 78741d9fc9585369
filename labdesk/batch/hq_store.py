"""The HQ database: SQLite by default, PostgreSQL (psycopg 3) for a province-sized load.

The SQL is written once, portable: `?` placeholders (turned into `%s` for psycopg),
TEXT/INTEGER columns only, `INSERT … ON CONFLICT DO NOTHING` (both engines). The only
other dialect differences are how a write transaction is opened, STRICT tables and
reading JSON in the one data migration.

Versions (`hq_meta.schema`): 1 — first release; 2 — `hq_samples.report_no` (检验报告编号,
the centre's report number carried by `samples.jsonl`). Opening a schema-1 database
migrates it in one transaction: the column is added and filled from the signed sample
lines already stored (`record`), so nothing has to be re-sent. `hq_reports` (report
versions from `labdesk-batch/2`, batch/hq_reports.py) is a new table created on open by
`CREATE TABLE IF NOT EXISTS` in any schema version: older data needs nothing from it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from labdesk.core.errors import LabDeskError

SCHEMA_VERSION = "2"

_TABLES = (
    """CREATE TABLE IF NOT EXISTS hq_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS hq_centres (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        first_received_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS hq_centre_keys (
        centre_code TEXT NOT NULL REFERENCES hq_centres (code),
        key_id TEXT NOT NULL,
        public_pem TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        PRIMARY KEY (centre_code, key_id)
    )""",
    """CREATE TABLE IF NOT EXISTS hq_batches (
        centre_code TEXT NOT NULL REFERENCES hq_centres (code),
        sequence INTEGER NOT NULL,
        batch_id TEXT NOT NULL UNIQUE,
        manifest_sha256 TEXT NOT NULL,
        previous_manifest_sha256 TEXT,
        archive_sha256 TEXT NOT NULL,
        key_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        sample_count INTEGER NOT NULL,
        source TEXT NOT NULL,
        manifest TEXT NOT NULL,
        PRIMARY KEY (centre_code, sequence)
    )""",
    """CREATE TABLE IF NOT EXISTS hq_samples (
        centre_code TEXT NOT NULL,
        sample_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        form_no TEXT NOT NULL,
        category TEXT NOT NULL,
        sampling_date TEXT NOT NULL,
        month TEXT NOT NULL,
        verdict TEXT NOT NULL,
        record TEXT NOT NULL,
        report_no TEXT,
        PRIMARY KEY (centre_code, sample_id),
        FOREIGN KEY (centre_code, sequence) REFERENCES hq_batches (centre_code, sequence)
    )""",
    """CREATE TABLE IF NOT EXISTS hq_records (
        centre_code TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        sample_id TEXT,
        record TEXT NOT NULL,
        PRIMARY KEY (centre_code, sequence, file, line),
        FOREIGN KEY (centre_code, sequence) REFERENCES hq_batches (centre_code, sequence)
    )""",
    "CREATE INDEX IF NOT EXISTS hq_samples_month ON hq_samples (month, category)",
    # Report versions from labdesk-batch/2 (batch/hq_reports.py). A new table, created on
    # first open by this version whatever the schema number: older data needs no change.
    """CREATE TABLE IF NOT EXISTS hq_reports (
        centre_code TEXT NOT NULL,
        report_no TEXT NOT NULL,
        version INTEGER NOT NULL,
        sample_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        withdrawn_reason TEXT NOT NULL,
        payload TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        state_sequence INTEGER NOT NULL,
        record TEXT NOT NULL,
        sample_record TEXT,
        PRIMARY KEY (centre_code, report_no, version)
    )""",
    "CREATE INDEX IF NOT EXISTS hq_reports_sample ON hq_reports (centre_code, sample_id)",
)


class HqStoreError(LabDeskError):
    """The HQ database cannot be opened or used (bad URL, server down, …)."""


class HqStore:
    """One connection to the HQ database with a portable execute/query API."""

    def __init__(self, conn: Any, dialect: str, url: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.url = url

    def _sql(self, sql: str) -> str:
        if self.dialect == "postgresql":
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.dialect == "postgresql":
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        else:
            self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.conn.execute(self._sql(sql), tuple(params))
        return [tuple(row) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    @contextlib.contextmanager
    def transaction(self, *, lock: bool = True) -> Iterator[None]:
        """All or nothing; writers are serialised (BEGIN IMMEDIATE / a table lock)."""
        if self.dialect == "postgresql":
            with self.conn.transaction():
                if lock:
                    self.conn.execute("LOCK TABLE hq_batches IN SHARE ROW EXCLUSIVE MODE")
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def create_schema(self) -> None:
        """Create the tables of a new database, or bring an older one up to date."""
        with self.transaction(lock=False):
            for statement in _TABLES:
                strict = " STRICT" if self.dialect == "sqlite" and "TABLE" in statement else ""
                self.execute(statement + strict)
            self.execute(
                "INSERT INTO hq_meta (key, value) VALUES ('schema', ?) ON CONFLICT DO NOTHING",
                (SCHEMA_VERSION,),
            )
        if self.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") == "1":
            self._migrate_to_2()
        version = self.scalar("SELECT value FROM hq_meta WHERE key = 'schema'")
        if version != SCHEMA_VERSION:
            raise HqStoreError(
                f"HQ database schema {version} is not {SCHEMA_VERSION}: "
                "it was made by another LabDesk version"
            )

    def _migrate_to_2(self) -> None:
        """Schema 1 → 2: add `hq_samples.report_no`, filled from the stored sample lines.

        The version is read again under the write lock: when two processes open the same
        schema-1 database at once, the second finds the work done. Batches exported
        before `report_no` was a top-level field carried it inside `form`, so that is the
        fallback; samples from before report numbers existed stay NULL."""
        with self.transaction():
            if self.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") != "1":
                return
            self.execute("ALTER TABLE hq_samples ADD COLUMN report_no TEXT")
            if self.dialect == "postgresql":
                self.execute(
                    "UPDATE hq_samples SET report_no = CASE "
                    "WHEN jsonb_typeof(record::jsonb -> 'report_no') = 'string' "
                    "THEN record::jsonb ->> 'report_no' "
                    "WHEN jsonb_typeof(record::jsonb #> '{form,report_no}') = 'string' "
                    "THEN record::jsonb #>> '{form,report_no}' END"
                )
            else:
                # Only text is a report number (the verifier now refuses anything else).
                self.execute(
                    "UPDATE hq_samples SET report_no = CASE "
                    "WHEN json_type(record, '$.report_no') = 'text' "
                    "THEN json_extract(record, '$.report_no') "
                    "WHEN json_type(record, '$.form.report_no') = 'text' "
                    "THEN json_extract(record, '$.form.report_no') END"
                )
            self.execute("UPDATE hq_meta SET value = '2' WHERE key = 'schema'")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> HqStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (`sqlite:///path` or a plain path); None for PostgreSQL."""
    if url.startswith(("postgresql://", "postgres://")):
        return None
    if url.startswith("sqlite:///"):
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute/hq.db
        return Path(url[len("sqlite:///") :])
    if url.startswith("sqlite://"):
        raise HqStoreError(f"unsupported SQLite URL {url!r}: use sqlite:///path")
    return Path(url)


def open_hq(url: str) -> HqStore:
    """Open (creating the tables if needed) the HQ database at `url`."""
    path = sqlite_path(url)
    if path is None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency
            raise HqStoreError("PostgreSQL needs psycopg (pip install psycopg[binary])") from exc
        try:
            conn: Any = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise HqStoreError(f"cannot connect to the HQ database: {exc}") from exc
        store = HqStore(conn, "postgresql", url)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            sconn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            sconn.execute("PRAGMA journal_mode=WAL")
            sconn.execute("PRAGMA synchronous=FULL")
            sconn.execute("PRAGMA foreign_keys=ON")
            sconn.execute("PRAGMA busy_timeout=10000")
        except (sqlite3.Error, OSError) as exc:
            raise HqStoreError(f"cannot open the HQ database {path}: {exc}") from exc
        store = HqStore(sconn, "sqlite", str(path))
    try:
        store.create_schema()
    except BaseException:
        store.close()  # a refused database (schema too new, server error) is not left open
        raise
    return store
