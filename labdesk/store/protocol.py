"""What the layers above the connection need of an open database.

`db.Database` is the one implementation. The audit chain (`audit.py`) and backups
(`backup.py`) are written against this structural type instead of importing `db.py`,
because `db.py` itself uses them (an audited `write()`, a backup before a migration):
naming the type here keeps the store's modules in one direction — protocol and schema
at the bottom, the audit chain and backups above them, the connection that opens and
migrates a file on top — with no import circle.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from labdesk.store.engine import DbTarget, Engine


class Store(Protocol):
    """An open LabDesk database: its file, connection, transaction lock and reads."""

    # A PostgreSQL connection stands in for sqlite3's with the same calls (engine.py).
    conn: sqlite3.Connection
    lock: threading.RLock
    alone_writes: int
    readonly: bool
    target: DbTarget
    engine: Engine

    @property
    def path(self) -> Path: ...

    def snapshot(self) -> AbstractContextManager[None]: ...

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]: ...

    def query_one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None: ...

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any: ...

    def transaction(
        self, *, audited: str = "", before_commit: Callable[[], None] | None = None
    ) -> AbstractContextManager[sqlite3.Connection]: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...
