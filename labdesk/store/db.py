"""Opening the LabDesk database: PRAGMAs, the single-writer lock, migrations.

One `Database` per file per process does all the writing (the *single-writer
discipline*): its connection is opened with `check_same_thread=False` so the UI may
hand it between threads, but every transaction runs under `Database.lock`, so two
threads never interleave inside one. Long read-only work (dashboards, exports) opens its
own connection with `open_reader(path)`, which WAL lets run beside the writer.

Every connection gets: `journal_mode=WAL`, `synchronous=FULL` (a commit is on disk when
`commit()` returns, so a power cut loses no acknowledged write), `foreign_keys=ON` and a
`busy_timeout`. Transactions are explicit (`isolation_level=None`, `BEGIN IMMEDIATE`).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labdesk.paths import create_private_file, make_private, make_private_folder
from labdesk.store import anchor, audit, health
from labdesk.store.audit import Actor, Writer
from labdesk.store.backup import backup_before_migration
from labdesk.store.errors import NotALabDeskDatabase, SchemaTooNew, StoreError, translate
from labdesk.store.lock import FileLock
from labdesk.store.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class Database:
    """A connection to a LabDesk database plus the lock that makes it the only writer."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, lock: FileLock | None, *, readonly: bool
    ) -> None:
        self.path = path
        self.conn = conn
        self.readonly = readonly
        self._file_lock = lock
        # Serialises transactions between threads sharing this Database.
        self.lock = threading.RLock()
        self._in_transaction = False

    # -- reading -------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """All rows of a SELECT (rows index by column name)."""
        with self.lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc

    def query_one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.query_one(sql, params)
        return None if row is None else row[0]

    # -- writing -------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """`BEGIN IMMEDIATE` … `COMMIT` (or `ROLLBACK` on any exception).

        Use `write(actor)` for audited tables; this bare form is for unaudited
        bookkeeping (meta) and migrations.
        """
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only")
        with self.lock:
            if self._in_transaction:
                raise RuntimeError("nested transaction: finish the outer one first")
            self._in_transaction = True
            try:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                except sqlite3.Error as exc:
                    raise translate(exc, self.path) from exc
                try:
                    yield self.conn
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise translate(exc, self.path) from exc
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc
            finally:
                self._in_transaction = False

    def write(self, actor: Actor) -> contextlib.AbstractContextManager[Writer]:
        """An audited transaction: `with db.write(actor) as w: w.insert(...)`."""
        return audit.write(self, actor)

    # -- meta ----------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def close(self) -> None:
        with self.lock:
            if not self.readonly and self._file_lock is not None:
                anchor.write_anchor(self)  # the chain head beside the file (issue 21.4)
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            if self._file_lock is not None:
                self._file_lock.release()
                self._file_lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(target: str, *, uri: bool, path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            target, uri=uri, isolation_level=None, check_same_thread=False, timeout=5.0
        )
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    conn.row_factory = sqlite3.Row
    return conn


def _configure(conn: sqlite3.Connection, path: Path, *, readonly: bool) -> None:
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{path}: cannot switch the database to WAL mode ({mode})")
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from exc


def open_database(path: Path, *, create: bool = True) -> Database:
    """Opens (or creates) the database at `path` as this process's single writer.

    Raises `DatabaseLocked` if another process has it open, `SchemaTooNew` if a newer
    LabDesk wrote it, `NotALabDeskDatabase` for a foreign file, `StoreError` for disk
    problems. An older schema is backed up beside the file and migrated in one
    transaction.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise StoreError(f"no database at {path} (数据库文件不存在)")
        try:
            make_private_folder(path.parent)
        except OSError as exc:
            raise StoreError(f"cannot create the folder {path.parent}: {exc.strerror}") from exc
    health.refuse_writes_on_read_only(path)
    lock = FileLock(path)
    lock.acquire()
    try:
        if create:
            create_private_file(path)
        conn = _connect(str(path), uri=False, path=path)
        _configure(conn, path, readonly=False)
        for private in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            make_private(private)  # issue 21.5; SQLite gives -wal/-shm the file's mode
        try:
            health.quick_check_on_open(conn, path)
        except BaseException:
            conn.close()
            raise
        db = Database(path, conn, lock, readonly=False)
        try:
            _check_and_migrate(db)
        except BaseException:
            conn.close()
            raise
        return db
    except BaseException:
        lock.release()
        raise


def open_reader(path: Path) -> Database:
    """A read-only connection for a worker thread; needs no lock and never writes."""
    path = Path(path)
    if not path.exists():
        raise StoreError(f"no database at {path} (数据库文件不存在)")
    conn = _connect(health.reader_uri(path), uri=True, path=path)
    try:
        _configure(conn, path, readonly=True)
        conn.execute("PRAGMA query_only = ON")
        health.quick_check_on_open(conn, path)
    except StoreError as exc:
        conn.close()
        if isinstance(exc.__cause__, sqlite3.OperationalError) and "unable to open" in str(
            exc.__cause__
        ):
            raise StoreError(f"{path}: {health.cannot_open_reason(path)}") from exc
        raise
    db = Database(path, conn, None, readonly=True)
    version = db.user_version
    if version > LATEST_VERSION:
        conn.close()
        raise _too_new(path, version)
    return db


def _too_new(path: Path, version: int) -> SchemaTooNew:
    return SchemaTooNew(
        f"{path} was written by a newer LabDesk (schema {version}, this program knows "
        f"{LATEST_VERSION}); update LabDesk to open it (请升级 LabDesk)"
    )


def _check_and_migrate(db: Database) -> None:
    try:
        app_id = int(db.conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(db.conn.execute("PRAGMA user_version").fetchone()[0])
        tables = db.conn.execute(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
        ).fetchone()[0]
    except sqlite3.Error as exc:
        raise translate(exc, db.path) from exc
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables > 0):
        raise NotALabDeskDatabase(f"{db.path} is not a LabDesk database (不是 LabDesk 数据库文件)")
    if version > LATEST_VERSION:
        raise _too_new(db.path, version)
    if version == LATEST_VERSION:
        return
    if version > 0:
        saved = backup_before_migration(db, version)
        log.info("backed up %s to %s before migrating from schema %d", db.path, saved, version)
    with db.transaction() as conn:
        for step in range(version, LATEST_VERSION):
            MIGRATIONS[step](conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")


def utc_now() -> datetime:
    return datetime.now(UTC)
