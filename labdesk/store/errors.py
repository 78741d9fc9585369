"""Storage errors a user can act on, and the translation of sqlite3's own errors.

SQLite reports a full disk, a read-only file or a damaged database as
`sqlite3.OperationalError` / `DatabaseError` with an English message; the user needs
to know what to do about it, not the trace. Anything else from sqlite3 is a bug and is
re-raised unchanged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from labdesk.core.errors import LabDeskError


class StoreError(LabDeskError):
    """A storage problem the user can act on (disk full, read-only, damaged file)."""


class ServerAway(StoreError):
    """The database server cannot be reached or the connection to it was lost: nothing of
    the change was written, and the same change may be tried again once it is back."""


class DatabaseBusy(StoreError):
    """The server gave up waiting for another workstation's lock on the same records
    (lock timeout) or cancelled this transaction to break a deadlock: the connection is
    fine, nothing of the change was written, and the same change may be tried again."""


class DatabaseLocked(StoreError):
    """Another LabDesk process already has the database open for writing."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        holder = f"process {pid}" if pid else "another process"
        holder_zh = f"进程 {pid} " if pid else "另一个程序"
        super().__init__(
            f"the database {path} is already open in {holder}; "
            "close the other LabDesk window or command first (数据库已被另一个程序打开)",
            en=f"the database {path} is already open in {holder}; "
            "close the other LabDesk window or command first",
            zh=f"数据库 {path} 已被{holder_zh}打开：请先关闭另一个 LabDesk 窗口或命令",
        )


class SchemaTooNew(StoreError):
    """The file was written by a newer LabDesk than this one."""


class NotALabDeskDatabase(StoreError):
    """The file is a SQLite database of some other program, or not a database at all."""


class ConstraintViolation(StoreError):
    """The database refused a write: a UNIQUE key, a CHECK, a foreign key or an
    append-only trigger. The same type on both engines (the driver's own error is its
    `__cause__`), so a service or test never names sqlite3 or psycopg. The transaction
    was rolled back: nothing of the change was saved."""

    def __init__(self, where: object, detail: str) -> None:
        first = detail.strip().splitlines()[0] if detail.strip() else "constraint failed"
        prefix = f"{where}: " if where is not None else ""
        super().__init__(
            f"{prefix}the database refused the change ({first}); nothing was saved "
            "(数据库拒绝了此修改，未保存)",
            en=f"{prefix}the database refused the change ({first}); nothing was saved",
            zh=f"{prefix}数据库拒绝了此修改（{first}），未保存",
        )
        self.detail = first


# Substrings of sqlite3 messages (stable across SQLite 3.3x-3.4x) → plain explanations.
_USER_ERRORS: tuple[tuple[str, str], ...] = (
    ("database or disk is full", "the disk is full: free some space and try again (磁盘已满)"),
    (
        "attempt to write a readonly database",
        "the database file is read-only: check the file's permissions (数据库文件只读)",
    ),
    (
        "database disk image is malformed",
        "the database file is damaged: restore the latest backup (数据库文件已损坏)",
    ),
    ("file is not a database", "the file is not a LabDesk database (不是 LabDesk 数据库文件)"),
    ("unable to open database file", "the database file cannot be opened: check the folder exists"),
    ("disk I/O error", "the disk reported an I/O error: check the drive and restore a backup"),
)


def translate(exc: sqlite3.Error, path: Path | str | None = None) -> Exception:
    """The exception to raise instead of `exc`: a StoreError for user problems, else `exc`."""
    message = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        error: Exception = ConstraintViolation(path, message)
        error.__cause__ = exc
        return error
    for needle, plain in _USER_ERRORS:
        if needle in message:
            where = f"{path}: " if path is not None else ""
            plain_error = StoreError(f"{where}{plain}")
            plain_error.__cause__ = exc
            return plain_error
    return exc
