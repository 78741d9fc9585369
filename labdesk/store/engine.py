"""The two engines behind one store: SQLite (the embedded default) and PostgreSQL.

Everything engine-specific lives here, so the rest of the program writes one SQL
dialect — SQLite's, as it always has — and never asks which engine it runs on:

* `SqliteEngine` is the file as before: WAL, `synchronous=FULL`, `foreign_keys=ON`,
  STRICT tables, `BEGIN IMMEDIATE`, the version in `PRAGMA user_version`.
* `PostgresEngine` opens a libpq URL through psycopg and hands out a `PgConnection`
  that looks like an `sqlite3.Connection` to the layers above: `execute()` translates
  each statement once (cached) — placeholders, `json_each`, `LIKE`, PRAGMAs — and the
  DDL of the migrations (STRICT, INTEGER, BLOB, triggers, forward foreign keys), see
  `pg_sql.py`. The version lives in the one-row table `labdesk_schema`.

The audit chain is serialized on its head row on both: SQLite has one writer per file
(the file lock and `BEGIN IMMEDIATE`); on PostgreSQL every audited transaction locks
`audit_head` (`SELECT … FOR UPDATE`) to append its entries at its end, so they are
appended in one order by any number of workstations. Audited transactions run one at a
time unless they are `shared` (an advisory lock, shared or exclusive: audit.write), and
ids come from one sequence per table (`take_ids`), so concurrent writers never collide.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from labdesk.store.errors import StoreError

SERVER_SCHEMES = ("postgresql://", "postgres://")
_KEYWORDS = re.compile(r"^\s*(host|dbname|user|port|service)\s*=", re.IGNORECASE)


def is_server_url(text: str | Path) -> bool:
    """True for a libpq URL (`postgresql://…`), which must never be taken as a file name."""
    return isinstance(text, str) and text.strip().lower().startswith(SERVER_SCHEMES)


@dataclass(frozen=True)
class ServerUrl:
    """A PostgreSQL database named by a libpq URL without a password.

    The password comes from the libpq environment (`PGPASSWORD`, `PGPASSFILE`) or
    `~/.pgpass`: a password typed on a command line is visible to every user of the
    machine (`ps`) and lands in shell histories, so such a URL is refused.
    """

    url: str

    @classmethod
    def parse(cls, text: str) -> ServerUrl:
        from psycopg.conninfo import conninfo_to_dict

        text = text.strip()
        try:
            params = conninfo_to_dict(text)
        except Exception as exc:  # psycopg.ProgrammingError: libpq's own parse message
            raise StoreError(f"the database URL {text!r} is not a valid libpq URL: {exc}") from exc
        if params.get("password"):
            raise StoreError(
                "the database URL holds a password: remove it and put the password in "
                "~/.pgpass or the PGPASSWORD environment variable (a password on the command "
                "line is visible to other users) (请勿在网址中写密码，改用 .pgpass 或 PGPASSWORD)"
            )
        if not params.get("dbname"):
            raise StoreError(
                f"the database URL {text!r} names no database: add it after the host, "
                "e.g. postgresql://labdesk@server/centre (网址中缺少数据库名)"
            )
        return cls(text)

    def __str__(self) -> str:
        return self.url

    @property
    def name(self) -> str:
        """The database's name on its server (what a window title shows, as a file's name)."""
        from psycopg.conninfo import conninfo_to_dict

        return str(conninfo_to_dict(self.url).get("dbname", self.url))


DbTarget = Path | ServerUrl


def file_only(target: ServerUrl) -> StoreError:
    """The refusal of something that needs a database file (a backup, the demo)."""
    return StoreError(
        f"{target} is a PostgreSQL database: this works on a database file only "
        "(on a server, back up with pg_dump: docs/deployment.md) (此功能仅适用于数据库文件)"
    )


def target_of(value: str | Path | ServerUrl) -> DbTarget:
    """A file path or, for `postgresql://…`, the server URL (checked: no password)."""
    if isinstance(value, ServerUrl):
        return value
    if isinstance(value, str) and is_server_url(value):
        return ServerUrl.parse(value)
    if isinstance(value, str) and _KEYWORDS.match(value):
        # libpq's "host=… dbname=…" form would become a folder tree named after it.
        raise StoreError(
            f"{value!r} looks like libpq connection keywords: name a PostgreSQL database "
            "as a URL, postgresql://USER@HOST/DB (请使用 postgresql:// 网址)"
        )
    return Path(value)


class Cursor(Protocol):
    description: Any

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the store uses of a connection; `sqlite3.Connection` and `PgConnection` fit."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = (), /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...

    def close(self) -> None: ...


class Engine:
    """The engine-specific operations; one instance per open database."""

    name = ""
    # A file on this machine (backups beside it, a lock file, integrity_check)?
    is_file = True
    # Exceptions a driver raises for database trouble (wrapped by `translate`).
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    # Constraint and trigger refusals (a UNIQUE key, an append-only trigger).
    integrity_errors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)
    head_select = "SELECT seq, hash FROM audit_head WHERE id = 1"
    # Appended to a SELECT of rows a transaction is about to change (Writer.update/lock).
    row_lock = ""

    def row_lock_of(self, alias: str) -> str:
        """Appended to a SELECT joining rows to lock only those of `alias` (Writer.lock_joined)."""
        return ""

    def take_ids(self, conn: Connection, table: str, count: int, known: int | None) -> int:
        """The first of `count` new consecutive ids of `table`, for this transaction.

        `known` is the id after the last one this transaction took (None: none yet).
        The file's one writer takes max(id) + 1; a server reserves them (sequences)."""
        if known is not None:
            return known
        return int(conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])

    # Can an INSERT take its row's new id itself (insert_taking_id)?
    ids_on_insert = False

    def insert_taking_id(self, conn: Connection, table: str, sql: str, row: Sequence[Any]) -> int:
        """Runs `sql` (an INSERT of one row, its id the first value) with a new id of
        `table` in place of row[0], which is ignored; returns that id."""
        raise NotImplementedError

    def pipeline(self, conn: Connection) -> contextlib.AbstractContextManager[Any]:
        """Statements inside are sent without waiting for each answer (a server's
        pipeline mode; errors surface when it ends). A file is in-process: as usual."""
        return contextlib.nullcontext()

    def append_audit(
        self, conn: Connection, entries: list[tuple[Any, ...]], first: bool
    ) -> Callable[[], tuple[int, int]] | None:
        """Appends the Writer's pending entries on the server (see Writer.flush) and
        returns how to read (first, last) entry number once answered; None: the Writer
        chains them itself (a file's one writer)."""
        return None

    # Does the server write a result decided on rows read before in one statement
    # (enter_first, store/first_result.py)? A file's one writer holds db.lock from the
    # read to its write instead, which is quicker in-process.
    one_statement_entries = False
    # The columns after the id whose values enter_first takes for the result's row, in
    # its order (the table's, when the schema and the server function agree).
    first_result_columns: tuple[str, ...] = ()

    def enter_first(self, conn: Connection, params: Sequence[Any]) -> list[int] | None:
        raise NotImplementedError

    def wait_for_change(self, conn: Connection, timeout: float) -> bool:
        """Database.wait_for_change: nothing announces a change in a file."""
        time.sleep(timeout)
        return False

    def take_draft_writers(self, conn: Connection) -> set[int]:
        """Database.take_draft_writers: a file announces nothing."""
        return set()

    def backend_id(self, conn: Connection) -> int | None:
        """Database.backend_id: a file has no server process."""
        return None

    def prepare(self, conn: Connection, tables: Sequence[str], *, check_only: bool = False) -> bool:
        """Creates what the engine needs beside the migrated schema (a server's id
        sequences) where it is missing; True if something was (`check_only`: would be)
        missing. A no-op on a file."""
        return False

    def begin_write(self, conn: Connection, audited: str = "") -> None:
        """Starts a write transaction. `audited` is "" (bookkeeping, migrations), "alone"
        or "shared" (audit.write): where one writer has the whole file, all the same; on
        a server, an audited one runs alone or beside other shared ones."""
        raise NotImplementedError

    def begin_snapshot(self, conn: Connection) -> None:
        raise NotImplementedError

    def lock_schema(self, conn: Connection) -> None:
        """Serializes concurrent migrations (a no-op where the file lock does it)."""

    def probe(self, conn: Connection) -> tuple[bool, int]:
        """(is this some other program's database?, schema version)."""
        raise NotImplementedError

    def stamp(self, conn: Connection, version: int) -> None:
        raise NotImplementedError

    def translate(self, exc: BaseException, where: object) -> BaseException:
        raise NotImplementedError

    @contextlib.contextmanager
    def snapshot(self, conn: Connection) -> Iterator[None]:
        """One read transaction: every statement inside sees the same committed state."""
        if conn.in_transaction:  # already inside the caller's transaction: its view
            yield
            return
        self.begin_snapshot(conn)
        try:
            yield
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")


class SqliteEngine(Engine):
    name = "sqlite"

    def begin_write(self, conn: Connection, audited: str = "") -> None:
        conn.execute("BEGIN IMMEDIATE")

    def begin_snapshot(self, conn: Connection) -> None:
        # A deferred BEGIN takes its WAL snapshot at the first read; read it now.
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()

    def probe(self, conn: Connection) -> tuple[bool, int]:
        from labdesk.store.schema import APPLICATION_ID

        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()
        foreign = app_id not in (0, APPLICATION_ID) or (app_id == 0 and int(tables[0]) > 0)
        return foreign, version

    def stamp(self, conn: Connection, version: int) -> None:
        from labdesk.store.schema import APPLICATION_ID

        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {int(version)}")

    def translate(self, exc: BaseException, where: object) -> BaseException:
        from labdesk.store.errors import translate

        if isinstance(exc, sqlite3.Error):
            return translate(exc, where if isinstance(where, Path | str) else str(where))
        return exc


SQLITE = SqliteEngine()
