"""The HQ database: SQLite by default, PostgreSQL (psycopg 3) for a province-sized load.

The SQL is written once, portable: `?` placeholders (turned into `%s` for psycopg),
TEXT/INTEGER columns only, `INSERT … ON CONFLICT DO NOTHING` (both engines). The only
other dialect differences are how a write transaction is opened, STRICT tables and
reading JSON in the one data migration.

Versions (`hq_meta.schema`): 1 — first release; 2 — `hq_samples.report_no` (检验报告编号,
the centre's report number carried by `samples.jsonl`); 3 — what the province counts by
(`labdesk.province`): the centre's GB/T 2260 region (`hq_centres.region_code`), per
sample its product class, the sampled unit's region and 统一社会信用代码, the task's
organising level and category and the failing items (`batch/hq_facts.py`), and the
per-batch item counts `hq_item_counts`; 4 — `hq_reports`, the test report versions and
their states from `labdesk-batch/2` (batch/hq_reports.py). Opening an older database
migrates it step by step, each step in one transaction, filling the new columns from the
signed lines already stored (`record`, `manifest`), so nothing has to be re-sent (no
batch before schema 4 carried `reports.jsonl`, so `hq_reports` starts empty). A new
database is created at version 2 and goes through the same steps.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from labdesk.batch.hq_facts import SAMPLE_FACT_COLUMNS, SampleFacts, item_counts, sample_facts
from labdesk.core.errors import LabDeskError
from labdesk.paths import create_private_file
from labdesk.store.errors import ServerAway

SCHEMA_VERSION = "4"
_BASE_VERSION = "2"  # what _TABLES creates; migrations take it on from there

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
)

# Schema 3: the province's facts (docstring). Columns default to '' so old rows are valid
# before the migration fills them.
_V3 = (
    "ALTER TABLE hq_centres ADD COLUMN region_code TEXT NOT NULL DEFAULT ''",
    *(
        f"ALTER TABLE hq_samples ADD COLUMN {column} TEXT NOT NULL DEFAULT "
        + ("'[]'" if column == "failing_items" else "''")
        for column in SAMPLE_FACT_COLUMNS
    ),
    """CREATE TABLE hq_item_counts (
        centre_code TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        item TEXT NOT NULL,
        category_code TEXT NOT NULL,
        month TEXT NOT NULL,
        unit_region TEXT NOT NULL,
        tested INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        PRIMARY KEY (centre_code, sequence, item, category_code, month, unit_region),
        FOREIGN KEY (centre_code, sequence) REFERENCES hq_batches (centre_code, sequence)
    )""",
    "CREATE INDEX hq_samples_uscc ON hq_samples (uscc, sampling_date)",
    "CREATE INDEX hq_samples_date ON hq_samples (sampling_date)",
    "CREATE INDEX hq_item_counts_month ON hq_item_counts (month)",
)

# Schema 4: report versions from labdesk-batch/2 (batch/hq_reports.py), one row per
# (centre, report number, version).
_V4 = (
    """CREATE TABLE hq_reports (
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
    "CREATE INDEX hq_reports_sample ON hq_reports (centre_code, sample_id)",
    # The province leaves withdrawn reports' samples out of every figure: found by this.
    "CREATE INDEX hq_reports_withdrawn ON hq_reports (centre_code, sample_id) "
    "WHERE state = 'withdrawn'",
)


# A sample's report is withdrawn when the newest version HQ holds of it is (a report
# corrected after its withdrawal is in force again). `wr` is that hq_reports row.
_WITHDRAWN = (
    "wr.state = 'withdrawn' AND NOT EXISTS (SELECT 1 FROM hq_reports nr WHERE "
    "nr.centre_code = wr.centre_code AND nr.sample_id = wr.sample_id AND nr.version > wr.version)"
)


def withdrawn_samples(store: HqStore, code: str | None = None) -> set[tuple[str, str]]:
    """(centre code, sample id) of every sample whose report is withdrawn (of `code`)."""
    where, params = (
        (_WITHDRAWN, ()) if code is None else (f"wr.centre_code = ? AND {_WITHDRAWN}", (code,))
    )
    return {
        (str(c), str(sample))
        for c, sample in store.query(
            f"SELECT wr.centre_code, wr.sample_id FROM hq_reports wr WHERE {where}", params
        )
    }


ITEM_COUNTS_INSERT = (
    "INSERT INTO hq_item_counts (centre_code, sequence, item, category_code, month, "
    "unit_region, tested, failed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def item_count_rows(
    code: str, sequence: int, counts: dict[tuple[str, str, str, str], list[int]]
) -> list[tuple[Any, ...]]:
    return [(code, sequence, *key, tested, failed) for key, (tested, failed) in counts.items()]


class HqStoreError(LabDeskError):
    """The HQ database cannot be opened or used (bad URL, server down, …)."""


class HqServerAway(HqStoreError, ServerAway):
    """The HQ database server cannot be reached, or the connection to it was lost: the
    server rolled back whatever was unfinished (an ingest is one transaction per batch),
    so the same command or screen action may simply be tried again.

    Both an `HqStoreError` (the commands print it as before) and the store's
    `ServerAway` (the screens say so plainly and keep what they show: ui/server_words)."""


class HqReadCancelled(HqStoreError):
    """A read stopped by `HqStore.interrupt()` (the user pressed Cancel): nothing is
    wrong with the database or the connection; the screen that asked drops the read."""


_CANCELLED = "the read was cancelled"
_CANCELLED_ZH = "读取已取消"


def _cancelled() -> HqReadCancelled:
    return HqReadCancelled(f"{_CANCELLED} ({_CANCELLED_ZH})", en=_CANCELLED, zh=_CANCELLED_ZH)


_LOST = (
    "the connection to the HQ database server was lost; nothing of the unfinished "
    "change was saved — try again"
)
_LOST_ZH = "与省局数据库服务器的连接中断，未完成的修改均未保存，请重试"


@contextlib.contextmanager
def _link_kept(conn: Any) -> Iterator[None]:
    """A PostgreSQL link that broke under a statement (the server stopped or restarted,
    its backend ended, the network dropped) as `HqServerAway`; psycopg's own error would
    reach the user as a program fault with a trace. Other errors pass unchanged."""
    import psycopg

    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
        if not conn.broken and not conn.closed:
            raise  # the link is fine (a cancelled statement, …): not the server away
        raise HqServerAway(f"{_LOST} ({_LOST_ZH})", en=_LOST, zh=_LOST_ZH) from exc


def _stopped_by_interrupt(exc: BaseException) -> bool:
    """Whether `exc` is a statement stopped by `HqStore.interrupt()`."""
    if isinstance(exc, sqlite3.OperationalError):
        return "interrupted" in str(exc)
    import psycopg

    return isinstance(exc, psycopg.errors.QueryCanceled)


def _refused_not_away(exc: BaseException) -> bool:
    """Whether a failed connect is the server refusing us (credentials, a database or
    user it does not have): trying again changes nothing, unlike a server away."""
    low = str(exc).lower()
    return (
        "password" in low
        or "authentication" in low
        or ("does not exist" in low and ("database" in low or "role" in low))
    )


class HqStore:
    """One connection to the HQ database with a portable execute/query API."""

    def __init__(self, conn: Any, dialect: str, url: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.url = url
        self.created = False  # set by open_hq: this open made a new SQLite file
        # Set by interrupt() from another thread: every statement after it is refused,
        # so a read interrupted between two statements stops there too.
        self._interrupted = threading.Event()
        # interrupt() runs on another thread than the read it stops, which closes the
        # store when it ends: the two must never overlap. SQLite says sqlite3_interrupt
        # is unsafe on a connection that closes before it returns (Python releases the
        # GIL for the close), and libpq's cancel is set up from the connection's memory.
        self._link_lock = threading.Lock()
        self._closed = False

    def _sql(self, sql: str) -> str:
        if self.dialect == "postgresql":
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[None]:
        if self._interrupted.is_set():
            raise _cancelled()
        try:
            if self.dialect == "postgresql":
                with _link_kept(self.conn):
                    yield
            else:
                yield
        except Exception as exc:
            if self._interrupted.is_set() and _stopped_by_interrupt(exc):
                raise _cancelled() from exc
            raise

    def interrupt(self) -> None:
        """Stop the statement running on this store's connection, from any thread (a
        Cancel button): PostgreSQL is sent a cancel request (`cancel_safe`, over a
        connection of its own; the statement then fails with QueryCanceled), SQLite's
        `interrupt()` stops its statement. Either way the read raises `HqReadCancelled`,
        and so does every statement the store is asked for after it."""
        self._interrupted.set()
        with self._link_lock:
            if self._closed:  # the read is over: nothing runs to stop
                return
            if self.dialect == "postgresql":
                self.conn.cancel_safe(timeout=5.0)
            else:
                self.conn.interrupt()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """One consistent, read-only view of the database for all the statements inside
        (a screen's figures from several queries), never the half of an ingest that
        committed between two of them.

        PostgreSQL: one READ ONLY transaction at REPEATABLE READ (its snapshot is taken
        by the first query and kept to the end). SQLite: one deferred transaction, whose
        snapshot in WAL mode is likewise the first read's, with `query_only` on so the
        block cannot write; an ingest may commit meanwhile (WAL) and is not seen."""
        if self.dialect == "postgresql":
            with _link_kept(self.conn), self.conn.transaction():
                self.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield
            return
        self.conn.execute("PRAGMA query_only = ON")
        try:
            self.conn.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                if self.conn.in_transaction:  # nothing was written: nothing to keep
                    self.conn.execute("ROLLBACK")
        finally:
            self.conn.execute("PRAGMA query_only = OFF")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._guarded():
            self.conn.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.dialect == "postgresql":
            with _link_kept(self.conn), self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        else:
            self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._guarded():
            cursor = self.conn.execute(self._sql(sql), tuple(params))
            return [tuple(row) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    @contextlib.contextmanager
    def transaction(self, *, lock: bool = True) -> Iterator[None]:
        """All or nothing; writers are serialised (BEGIN IMMEDIATE / a table lock)."""
        if self.dialect == "postgresql":
            # The COMMIT (or the ROLLBACK after an error) meets a lost link too: said as
            # the statements are. The server rolled the transaction back — unless the
            # link broke after it committed and before its answer came, which an ingest
            # tried again finds as a duplicate (nothing loaded twice).
            with _link_kept(self.conn), self.conn.transaction():
                if lock:
                    self.execute("LOCK TABLE hq_batches IN SHARE ROW EXCLUSIVE MODE")
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _schema_current(self) -> bool:
        """Whether the tables are there at this version: opening then writes nothing."""
        exists = (
            "SELECT to_regclass('hq_meta') IS NOT NULL"
            if self.dialect == "postgresql"
            else "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'hq_meta'"
        )
        return bool(self.scalar(exists)) and (
            self.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") == SCHEMA_VERSION
        )

    def create_schema(self) -> None:
        """Create the tables of a new database, or bring an older one up to date.

        A database already up to date is only read: the DDL below, though it creates
        nothing then, takes locks an ingest's open transaction holds against it (the
        write lock on SQLite; on PostgreSQL, CREATE INDEX … IF NOT EXISTS a SHARE lock on
        hq_samples), so every HQ screen's read and `hq` command waited for the ingest
        to finish (SQLite: "database is locked" after 10 s)."""
        if self._schema_current():
            return
        with self.transaction(lock=False):
            for statement in _TABLES:
                self.execute(statement + self._strict(statement))
            self.execute(
                "INSERT INTO hq_meta (key, value) VALUES ('schema', ?) ON CONFLICT DO NOTHING",
                (_BASE_VERSION,),
            )
        steps = (("1", self._migrate_to_2), ("2", self._migrate_to_3), ("3", self._migrate_to_4))
        for source, step in steps:
            if self.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") == source:
                step()
        version = self.scalar("SELECT value FROM hq_meta WHERE key = 'schema'")
        if version != SCHEMA_VERSION:
            raise HqStoreError(
                f"HQ database schema {version} is not {SCHEMA_VERSION}: "
                "it was made by another LabDesk version"
            )

    def _strict(self, statement: str) -> str:
        return " STRICT" if self.dialect == "sqlite" and "CREATE TABLE" in statement else ""

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

    def _migrate_to_3(self) -> None:
        """Schema 2 → 3: the province's columns and item counts, from the stored lines.

        Python reads the lines (the same `hq_facts` functions as ingest, so a migrated
        database and a re-ingested one agree), in one transaction under the write lock."""
        with self.transaction():
            if self.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") != "2":
                return
            for statement in _V3:
                self.execute(statement + self._strict(statement))
            regions: dict[str, str] = {}
            for code, manifest in self.query(
                "SELECT centre_code, manifest FROM hq_batches ORDER BY centre_code, sequence"
            ):
                region = json.loads(manifest).get("centre", {}).get("region_code")
                if isinstance(region, str) and region:
                    regions.setdefault(str(code), region)
            self.executemany(
                "UPDATE hq_centres SET region_code = ? WHERE code = ?",
                [(region, code) for code, region in regions.items()],
            )
            facts: dict[str, dict[str, tuple[SampleFacts, str]]] = {}
            for code, sample_id, month, record in self.query(
                "SELECT centre_code, sample_id, month, record FROM hq_samples"
            ):
                owner = facts.setdefault(str(code), {})
                owner[str(sample_id)] = (sample_facts(json.loads(record)), str(month))
            sets = ", ".join(f"{column} = ?" for column in SAMPLE_FACT_COLUMNS)
            self.executemany(
                f"UPDATE hq_samples SET {sets} WHERE centre_code = ? AND sample_id = ?",
                [
                    (*f.row(), code, sid)
                    for code, owned in facts.items()
                    for sid, (f, _month) in owned.items()
                ],
            )
            for code, sequence in self.query("SELECT centre_code, sequence FROM hq_batches"):
                self._insert_item_counts(str(code), int(sequence), facts.get(str(code), {}))
            self.execute("UPDATE hq_meta SET value = '3' WHERE key = 'schema'")

    def _migrate_to_4(self) -> None:
        """Schema 3 → 4: the `hq_reports` table (empty: no earlier batch carried reports)."""
        with self.transaction():
            if self.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") != "3":
                return
            for statement in _V4:
                self.execute(statement + self._strict(statement))
            self.execute("UPDATE hq_meta SET value = '4' WHERE key = 'schema'")

    def recount_items(self, code: str, sequence: int) -> None:
        """hq_item_counts of one stored batch again, over the samples it still holds whose
        report is not withdrawn.

        A sample whose corrected report arrived in a later batch moved there (ingest
        replaces its line), so it counts in that batch only, never twice; a withdrawn
        report's sample counts nowhere (as in the rates)."""
        self.execute(
            "DELETE FROM hq_item_counts WHERE centre_code = ? AND sequence = ?", (code, sequence)
        )
        gone = withdrawn_samples(self, code)
        mine = {
            str(sid): (sample_facts(json.loads(record)), str(month))
            for sid, month, record in self.query(
                "SELECT sample_id, month, record FROM hq_samples "
                "WHERE centre_code = ? AND sequence = ?",
                (code, sequence),
            )
            if (code, str(sid)) not in gone
        }
        self._insert_item_counts(code, sequence, mine)

    def _insert_item_counts(
        self, code: str, sequence: int, mine: dict[str, tuple[SampleFacts, str]]
    ) -> None:
        """hq_item_counts of one stored batch, from its stored item and result lines."""
        lines: dict[str, list[dict[str, Any]]] = {"items.jsonl": [], "results.jsonl": []}
        for file, record in self.query(
            "SELECT file, record FROM hq_records WHERE centre_code = ? AND sequence = ? "
            "AND file IN ('items.jsonl', 'results.jsonl') ORDER BY file, line",
            (code, sequence),
        ):
            value = json.loads(record)
            if isinstance(value, dict):
                lines[str(file)].append(value)
        counts = item_counts(mine, lines["items.jsonl"], lines["results.jsonl"])
        self.executemany(ITEM_COUNTS_INSERT, item_count_rows(code, sequence, counts))

    def close(self) -> None:
        with self._link_lock:  # not while interrupt() uses the connection
            self._closed = True
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


def open_hq(url: str, *, create: bool = True) -> HqStore:
    """Open the HQ database at `url`, creating the tables if needed.

    An SQLite file that does not exist is created only when `create` (ingest, the demo)
    and only inside an existing folder: a typo in a read command's `--db` is refused
    rather than answered with the zeros of a new, empty database (issue 21.6). After the
    call, `store.created` says whether the file is new, so the command can say so.
    """
    path = sqlite_path(url)
    created = False
    if path is None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency
            raise HqStoreError("PostgreSQL needs psycopg (pip install psycopg[binary])") from exc
        from psycopg.conninfo import conninfo_to_dict

        from labdesk.store import pg_engine

        try:
            # As the centre's store: a server that does not answer (a host gone from the
            # network, a server hung) is away after a while, not a screen waiting for
            # ever — unless the URL says how long itself.
            waits = conninfo_to_dict(url).get("connect_timeout") or pg_engine.CONNECT_TIMEOUT_S
            conn: Any = psycopg.connect(url, autocommit=True, connect_timeout=waits)
        except psycopg.Error as exc:
            if isinstance(exc, psycopg.OperationalError) and not _refused_not_away(exc):
                raise HqServerAway(f"cannot connect to the HQ database: {exc}") from exc
            raise HqStoreError(f"cannot connect to the HQ database: {exc}") from exc
        store = HqStore(conn, "postgresql", url)
    else:
        if not path.exists():
            if not create:
                raise HqStoreError(
                    f"no HQ database at {path}: check --db (`labdesk hq ingest` creates one) "
                    "(HQ 数据库不存在)",
                    en=f"no HQ database at {path}: check --db (`labdesk hq ingest` creates one)",
                    zh=f"HQ 数据库不存在：{path}，请检查 --db（`labdesk hq ingest` 会创建数据库）",
                )
            if not path.parent.is_dir():
                raise HqStoreError(
                    f"the folder {path.parent} does not exist: create it first, or check --db "
                    "(文件夹不存在)",
                    en=f"the folder {path.parent} does not exist: create it first, or check --db",
                    zh=f"文件夹 {path.parent} 不存在：请先创建，或检查 --db",
                )
            created = True
            create_private_file(path)  # 0600, its -wal and -shm follow (issue 21.5)
        try:
            sconn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            sconn.execute("PRAGMA journal_mode=WAL")
            sconn.execute("PRAGMA synchronous=FULL")
            sconn.execute("PRAGMA foreign_keys=ON")
            sconn.execute("PRAGMA busy_timeout=10000")
        except (sqlite3.Error, OSError) as exc:
            raise HqStoreError(f"cannot open the HQ database {path}: {exc}") from exc
        store = HqStore(sconn, "sqlite", str(path))
    store.created = created
    try:
        store.create_schema()
    except BaseException:
        store.close()  # a refused database (schema too new, server error) is not left open
        raise
    return store
