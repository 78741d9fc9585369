"""The single-writer lock: `<db>.lock` beside the database, holding the owner's PID.

SQLite itself would let two processes write in turn, but LabDesk keeps state in memory
(signed-in user, open forms, the audit chain head) that a second writer would silently
invalidate. So the first process takes an exclusive OS lock on the lock file
(`fcntl.flock` on POSIX, `msvcrt.locking` on Windows) for as long as it has the
database open; a second one is refused with `DatabaseLocked` naming the PID. The OS
drops the lock when the holder dies, even by SIGKILL, so a crash never leaves a stale
lock behind (the file itself may remain; its content is only informative).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from labdesk.store.errors import DatabaseLocked, StoreError


def lock_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class FileLock:
    """An exclusive, non-blocking lock on `<db>.lock`; `release()` is idempotent."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = lock_path_for(db_path)
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        try:
            handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held until release
        except OSError as exc:
            raise StoreError(f"cannot create the lock file {self.path}: {exc.strerror}") from exc
        try:
            _lock(handle)
        except OSError:
            text = ""
            with contextlib.suppress(OSError):  # Windows locks are mandatory: may be unreadable
                handle.seek(0)
                text = handle.read().strip()
            handle.close()
            raise DatabaseLocked(self.db_path, int(text) if text.isdigit() else None) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            handle.flush()
            _unlock(handle)
        handle.close()

    @property
    def held(self) -> bool:
        return self._handle is not None


def holder_pid(db_path: Path) -> int | None:
    """The PID written in the lock file if another process holds it, else None."""
    probe = FileLock(db_path)
    try:
        probe.acquire()
    except DatabaseLocked as exc:
        return exc.pid if exc.pid is not None else -1
    probe.release()
    return None


if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
