"""Opening the LabDesk database: PRAGMAs, the single-writer lock, migrations.

The file may also be a PostgreSQL database (`--db postgresql://…`): `open_database` and
`open_reader` take a path or a `ServerUrl`, and everything that differs between the two
engines is behind `db.engine` (store/engine.py); on a server, any number of processes
write and the audit chain's head row serializes them.

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
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labdesk.paths import create_private_file, make_private, make_private_folder
from labdesk.store import health
from labdesk.store.backup import backup_before_migration
from labdesk.store.engine import SQLITE, DbTarget, Engine, ServerUrl, file_only, target_of
from labdesk.store.errors import NotALabDeskDatabase, SchemaTooNew, StoreError, translate
from labdesk.store.lock import FileLock
from labdesk.store.schema import LATEST_VERSION, MIGRATIONS, audited_tables, content_tables

if TYPE_CHECKING:
    from labdesk.store.audit import Actor, Writer

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class Database:
    """A connection to a LabDesk database plus the lock that makes it the only writer."""

    def __init__(
        self,
        path: DbTarget,
        conn: sqlite3.Connection,
        lock: FileLock | None,
        *,
        readonly: bool,
        engine: Engine = SQLITE,
    ) -> None:
        self.target = path
        # On PostgreSQL `conn` is a PgConnection, which offers the same calls (engine.py).
        self.conn = conn
        self.engine = engine
        self.readonly = readonly
        self._file_lock = lock
        # Serialises transactions between threads sharing this Database.
        self.lock = threading.RLock()
        self._in_transaction = False
        # Writes that run alone begun on this connection: on a file, the only writer,
        # what tells rows read for a decision from rows since changed (first_result).
        self.alone_writes = 0

    @property
    def path(self) -> Path:
        """The database file; on a server, a clear refusal (the caller needs a file)."""
        if isinstance(self.target, ServerUrl):
            raise file_only(self.target)
        return self.target

    # -- reading -------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """All rows of a SELECT (rows index by column name)."""
        with self.lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except self.engine.errors as exc:
                raise self.engine.translate(exc, self.target) from exc

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
    def transaction(
        self, *, audited: str = "", before_commit: Callable[[], None] | None = None
    ) -> Iterator[sqlite3.Connection]:
        """`BEGIN IMMEDIATE` … `COMMIT` (or `ROLLBACK` on any exception).

        Use `write(actor)` for audited tables; this bare form is for unaudited
        bookkeeping (meta) and migrations. `before_commit` sends the transaction's last
        statements (the audit append) in one pipeline with the COMMIT (on a server, one
        round trip); if any of it fails, everything is rolled back.
        """
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only")
        with self.lock:
            if self._in_transaction:
                raise RuntimeError("nested transaction: finish the outer one first")
            self._in_transaction = True
            if audited == "alone":
                self.alone_writes += 1
            try:
                try:
                    self.engine.begin_write(self.conn, audited)
                except self.engine.errors as exc:
                    self._rollback()  # a BEGIN that went through, its lock that did not
                    raise self.engine.translate(exc, self.target) from exc
                try:
                    yield self.conn
                except BaseException:
                    self._rollback()
                    raise
                try:
                    with self.engine.pipeline(self.conn):
                        if before_commit is not None:
                            before_commit()
                        self.conn.execute("COMMIT")
                except BaseException as exc:
                    self._rollback()
                    if isinstance(exc, self.engine.errors):
                        raise self.engine.translate(exc, self.target) from exc
                    raise
            except self.engine.errors as exc:
                raise self.engine.translate(exc, self.target) from exc
            finally:
                self._in_transaction = False

    def _rollback(self) -> None:
        # A connection the server dropped cannot roll back: the server already did.
        with contextlib.suppress(*self.engine.errors):
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction (a consistent view while other processes write)."""
        with self.lock:
            try:
                with self.engine.snapshot(self.conn):
                    yield
            except self.engine.errors as exc:
                raise self.engine.translate(exc, self.target) from exc

    def wait_for_change(self, timeout: float) -> bool:
        """Waits up to `timeout` seconds for another connection's audited commit; True
        when one was announced (a server's notification), False when the time ran out
        (a file announces nothing: it just waits). The head is worth reading either way."""
        with self.lock:
            try:
                return self.engine.wait_for_change(self.conn, timeout)
            except self.engine.errors as exc:
                raise self.engine.translate(exc, self.target) from exc

    def take_draft_writers(self) -> set[int]:
        """The server processes (`backend_id`) that `wait_for_change` heard write or
        delete a plan's draft units since this was last asked; empty on a file. Drafts
        are unaudited: they move no audit head, so this is how a window learns of them."""
        with self.lock:
            return self.engine.take_draft_writers(self.conn)

    def backend_id(self) -> int | None:
        """This connection's server process, as announced with its writes (None on a
        file, or while the link is lost: it is replaced, with a new id, when next used)."""
        with self.lock:
            return self.engine.backend_id(self.conn)

    def write(
        self, actor: Actor, *, shared: bool = False
    ) -> contextlib.AbstractContextManager[Writer]:
        """An audited transaction: `with db.write(actor) as w: w.insert(...)`.

        `shared=True` lets it run beside other workstations' shared writes on a server;
        only for a service whose every check holds a row lock (`Writer.lock`): audit.write.
        """
        from labdesk.store import audit  # the chain's encoders: not needed to read

        return audit.write(self, actor, shared=shared)

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
                from labdesk.store import anchor

                anchor.write_anchor(self)  # the chain head beside the file (issue 21.4)
            with contextlib.suppress(*self.engine.errors):
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


def open_database(path: DbTarget | str, *, create: bool = True) -> Database:
    """Opens (or creates) the database at `path` as this process's single writer.

    Raises `DatabaseLocked` if another process has it open, `SchemaTooNew` if a newer
    LabDesk wrote it, `NotALabDeskDatabase` for a foreign file, `StoreError` for disk
    problems. An older schema is backed up beside the file and migrated in one
    transaction. A `postgresql://` URL opens the server database (engine.py).
    """
    target = target_of(path)
    if isinstance(target, ServerUrl):
        return _open_server(target, readonly=False)
    path = target
    if not path.exists():
        if not create:
            raise StoreError(
                f"no database at {path} (数据库文件不存在)",
                en=f"no database at {path}",
                zh=f"数据库文件不存在：{path}",
            )
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


def open_reader(path: DbTarget | str) -> Database:
    """A read-only connection for a worker thread; needs no lock and never writes."""
    target = target_of(path)
    if isinstance(target, ServerUrl):
        return _open_server(target, readonly=True)
    path = target
    if not path.exists():
        raise StoreError(
            f"no database at {path} (数据库文件不存在)",
            en=f"no database at {path}",
            zh=f"数据库文件不存在：{path}",
        )
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


def _open_server(target: ServerUrl, *, readonly: bool) -> Database:
    from labdesk.store.pg_engine import POSTGRES, connect

    conn = connect(target, readonly=readonly)
    # Typed as sqlite3's: PgConnection offers the calls the store makes (engine.py).
    db = Database(target, conn, None, readonly=readonly, engine=POSTGRES)  # type: ignore[arg-type]
    try:
        if readonly:
            foreign, version = POSTGRES.probe(conn)
            if foreign or version == 0:
                raise NotALabDeskDatabase(
                    f"{target} is not a LabDesk database (不是 LabDesk 数据库)"
                )
            if version > LATEST_VERSION:
                raise _too_new(target, version)
        else:
            _check_and_migrate(db)
    except BaseException:
        conn.close()
        raise
    return db


def _too_new(path: DbTarget, version: int) -> SchemaTooNew:
    return SchemaTooNew(
        f"{path} was written by a newer LabDesk (schema {version}, this program knows "
        f"{LATEST_VERSION}); update LabDesk to open it (请升级 LabDesk)"
    )


def _check_and_migrate(db: Database) -> None:
    engine = db.engine
    try:
        foreign, version = engine.probe(db.conn)
    except engine.errors as exc:
        raise engine.translate(exc, db.target) from exc
    if foreign:
        raise NotALabDeskDatabase(
            f"{db.target} is not a LabDesk database (不是 LabDesk 数据库文件)"
        )
    if version > LATEST_VERSION:
        raise _too_new(db.target, version)
    if version == LATEST_VERSION:
        _prepare(db)
        return
    if version > 0 and engine.is_file:
        saved = backup_before_migration(db, version)
        log.info("backed up %s to %s before migrating from schema %d", db.path, saved, version)
    with db.transaction() as conn:
        # Two workstations opening a new server database at once: one migrates.
        engine.lock_schema(conn)
        foreign, version = engine.probe(conn)
        if foreign or version > LATEST_VERSION:
            raise NotALabDeskDatabase(f"{db.target} changed while opening it: open it again")
        for step in range(version, LATEST_VERSION):
            MIGRATIONS[step](conn)
        engine.stamp(conn, LATEST_VERSION)
        engine.prepare(conn, _id_tables(LATEST_VERSION))


def _id_tables(version: int) -> list[str]:
    """The tables whose ids the Writer allocates (engine.take_ids)."""
    return [*audited_tables(version), *content_tables(version)]


def _prepare(db: Database) -> None:
    """What the engine keeps beside the schema (a server's id sequences), made if a
    database of this schema version was created without it."""
    engine = db.engine
    tables = _id_tables(LATEST_VERSION)
    try:
        if not engine.prepare(db.conn, tables, check_only=True):
            return
    except engine.errors as exc:
        raise engine.translate(exc, db.target) from exc
    with db.transaction() as conn:
        engine.lock_schema(conn)
        engine.prepare(conn, tables)


def utc_now() -> datetime:
    return datetime.now(UTC)
