"""Is the database file whole, and can its medium be written? (issue 21.6)

Two faults a user can meet and must be told about plainly, not read past:

* **A damaged file.** SQLite reads only the pages a query touches, so with 4 KB overwritten
  mid-file `samples` and `summary` used to answer from the rest as if nothing were wrong.
  `PRAGMA quick_check` on open finds it, but costs time in proportion to the file: measured
  at about 2 GB/s warm (4 ms for a 2 MB demo, 70 ms for 140 MB; docs/robustness.md), so it
  runs on open only for files up to `QUICK_CHECK_MAX_BYTES` (≈ 16 ms warm, well under the
  50 ms budget), once per file state per process. Larger files are checked on the first read
  error (every sqlite3 "malformed" becomes a plain StoreError) and by the full
  `integrity_check` of each automatic backup (`restore.check_backup`).
* **A read-only medium** (a CD, a write-protected USB stick, a folder without write
  permission). A WAL database opened read-only still needs to create its `-shm` file, so
  every read used to fail with "check the folder exists". When the folder cannot be written
  and no `-wal` file holds committed pages, the file is opened `immutable` (nobody can be
  writing it); writes are refused up front with the real reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from pathlib import Path

from labdesk.store.errors import StoreError, translate

QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024

_checked: set[tuple[str, int, int]] = set()
# Checks started ahead of the open (`check_ahead`), by file: the open waits for its file's.
_ahead: dict[str, threading.Thread] = {}
_checked_lock = threading.Lock()


def damaged_message(path: Path | str, detail: str = "") -> str:
    more = f" ({detail})" if detail else ""
    return (
        f"{path}: the database file is damaged{more}: restore the latest backup (数据库文件已损坏)"
    )


def _state(path: Path) -> tuple[str, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def check_ahead(path: Path) -> threading.Thread | None:
    """Start the open's `quick_check` of `path` now, on a worker thread.

    SQLite runs the check without Python's lock, so the desktop app starts it before
    Qt and its translators, and the open (`quick_check_on_open`) waits for it instead of
    checking the same file state again. The worker reads through its own read-only
    connection and only ever records a pass: a file it finds damaged, or cannot read, is
    checked again by the open, which says why plainly. Returns the thread (None when the
    open would not check: no file, too large, already checked) for the caller to join.
    """
    state = _state(path)
    if state is None or state[1] > QUICK_CHECK_MAX_BYTES:
        return None
    with _checked_lock:
        if state in _checked or state[0] in _ahead:
            return None
        thread = threading.Thread(
            target=_check_for_open, args=(path, state), name="labdesk-quick-check", daemon=True
        )
        _ahead[state[0]] = thread
    thread.start()
    return thread


def _check_for_open(path: Path, state: tuple[str, int, int]) -> None:
    try:
        conn = sqlite3.connect(reader_uri(path), uri=True, check_same_thread=False)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except (sqlite3.Error, StoreError, OSError):
        return  # the open checks again and reports it
    if [str(r[0]) for r in rows] == ["ok"]:
        with _checked_lock:
            _checked.add(state)


def quick_check_on_open(conn: sqlite3.Connection, path: Path) -> None:
    """Raises StoreError if a small enough database fails `PRAGMA quick_check`."""
    state = _state(path)
    if state is None or state[1] > QUICK_CHECK_MAX_BYTES:
        return
    with _checked_lock:
        ahead = _ahead.pop(state[0], None)
    if ahead is not None:
        ahead.join()  # started before the open (check_ahead): its pass counts if the
        # file is still as it checked it (switching a file to WAL mode changes it)
    with _checked_lock:
        if state in _checked:
            return
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        translated = translate(exc, path)
        if isinstance(translated, StoreError):
            raise translated from exc
        raise StoreError(damaged_message(path, str(exc))) from exc
    messages = [str(r[0]) for r in rows]
    if messages != ["ok"]:
        first = messages[0].splitlines()
        raise StoreError(damaged_message(path, first[-1] if first else ""))
    with _checked_lock:
        _checked.add(state)


def folder_is_read_only(folder: Path) -> str | None:
    """Why files cannot be created in `folder` (a sentence), or None if they can."""
    with contextlib.suppress(OSError, AttributeError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the folder {folder} is on a read-only medium (只读介质)"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} cannot be written: no permission (没有写权限)"
    return None


def _wal_has_pages(path: Path) -> bool:
    try:
        return os.path.getsize(path.with_name(path.name + "-wal")) > 0
    except OSError:
        return False


def reader_uri(path: Path) -> str:
    """The URI to open `path` read-only: `immutable` on a medium that cannot be written
    (SQLite could not create the `-shm` file otherwise), plain `mode=ro` elsewhere."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    reason = folder_is_read_only(path.parent)
    if reason is None:
        return uri
    if _wal_has_pages(path):
        shm = path.with_name(path.name + "-shm")
        if shm.exists():
            return uri  # SQLite reads a WAL database read-only when both files are there
        raise StoreError(
            f"{path}: {reason}, and the file's last changes are still in its -wal file, which "
            "cannot be read without creating a -shm file: copy the database and its -wal "
            "file to a writable folder"
        )
    return uri + "&immutable=1"


def refuse_writes_on_read_only(path: Path) -> None:
    """Raises StoreError naming the real reason if `path` cannot be opened for writing."""
    folder = path.parent
    if not folder.is_dir():
        return  # the caller says the folder is missing
    reason = folder_is_read_only(folder)
    if reason is None and path.exists() and not os.access(path, os.W_OK):
        reason = f"the file {path} is read-only (文件只读)"
    if reason is not None:
        raise StoreError(
            f"{path}: {reason}; LabDesk can read it but cannot save changes there — "
            "copy it to a writable folder to change it"
        )


def cannot_open_reason(path: Path) -> str:
    """A plain reason why SQLite could not open `path` ("unable to open database file")."""
    folder = path.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist (文件夹不存在)"
    if not path.exists():
        return f"no database at {path} (数据库文件不存在)"
    if not os.access(path, os.R_OK):
        return f"no permission to read {path} (没有读权限)"
    reason = folder_is_read_only(folder)
    if reason is not None:
        return reason
    return os.strerror(errno.EIO)
