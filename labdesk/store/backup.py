"""Backups through SQLite's online backup API, rotation, and verified restore.

The online backup API copies a consistent snapshot while the database stays open (a
plain file copy of a WAL database can miss committed pages still in the -wal file).
Automatic backups go to `<db folder>/backups/<db stem>-<UTC stamp>.sqlite`, the newest
`keep` (10) are kept; the UI takes one on exit and at most once a day (`auto_backup`).
A restore first checks the candidate with `PRAGMA integrity_check` and `verify_audit`,
refuses while another process holds the database, and keeps the replaced file aside.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from labdesk.store.errors import StoreError, translate
from labdesk.store.lock import FileLock

if TYPE_CHECKING:
    from labdesk.store.audit import AuditReport
    from labdesk.store.db import Database

KEEP_BACKUPS = 10
AUTO_INTERVAL = timedelta(days=1)
_META_LAST_AUTO = "last_auto_backup_utc"


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def backup_to(db: Database, out: Path) -> Path:
    """Writes a consistent copy of `db` to `out` (refuses to overwrite) and returns it."""
    out = Path(out)
    if out.exists():
        raise StoreError(f"{out} already exists; choose another file name")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder {out.parent}: {exc.strerror}") from exc
    partial = out.with_name(out.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        target = sqlite3.connect(str(partial))
        try:
            with db.lock:
                db.conn.backup(target)
            # A backup is a standalone file: no -wal beside it.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, out)
    except sqlite3.Error as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise translate(exc, out) from exc
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise StoreError(f"cannot write the backup {out}: {exc.strerror}") from exc
    return out


def backup_before_migration(db: Database, from_version: int) -> Path:
    folder = backups_dir(db.path)
    return backup_to(db, folder / f"{db.path.stem}-schema{from_version}-{_stamp()}.sqlite")


def list_backups(db_path: Path) -> list[Path]:
    """Automatic backups of this database, oldest first."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-auto-*.sqlite"))


def auto_backup(db: Database, *, keep: int = KEEP_BACKUPS, force: bool = False) -> Path | None:
    """Takes a rotating backup if none was taken in the last day (or `force`).

    Returns the new file, or None when one was recent enough. Old ones beyond `keep`
    are deleted (only files named like our automatic backups).
    """
    now = datetime.now(UTC)
    last = db.get_meta(_META_LAST_AUTO)
    if not force and last is not None:
        with contextlib.suppress(ValueError):
            if now - datetime.fromisoformat(last) < AUTO_INTERVAL:
                return None
    path = backup_to(db, backups_dir(db.path) / f"{db.path.stem}-auto-{_stamp()}.sqlite")
    db.set_meta(_META_LAST_AUTO, now.isoformat())
    existing = list_backups(db.path)
    for old in existing[: max(0, len(existing) - keep)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return path


def check_backup(candidate: Path) -> AuditReport:
    """Opens a backup read-only and checks integrity and the audit trail.

    Raises StoreError when the file is unreadable or damaged; returns the audit report.
    """
    from labdesk.store.audit import verify_audit
    from labdesk.store.db import open_reader

    candidate = Path(candidate)
    if not candidate.is_file():
        raise StoreError(f"no backup file at {candidate}")
    reader = open_reader(candidate)
    try:
        try:
            rows = reader.conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.Error as exc:
            raise translate(exc, candidate) from exc
        messages = [str(r[0]) for r in rows]
        if messages != ["ok"]:
            raise StoreError(f"{candidate} is damaged: {'; '.join(messages[:3])}")
        from labdesk.store.schema import APPLICATION_ID

        if int(reader.scalar("PRAGMA application_id")) != APPLICATION_ID:
            raise StoreError(f"{candidate} is not a LabDesk database")
        return verify_audit(reader)
    finally:
        reader.close()


def restore(db_path: Path, backup_file: Path) -> Path | None:
    """Replaces `db_path` by a verified copy of `backup_file`.

    Refuses (DatabaseLocked) while another process has the database open, and refuses a
    backup that fails integrity_check or audit verification. The replaced database is
    kept as `<db>.replaced-<stamp>` (returned), so a restore can itself be undone.
    """
    db_path = Path(db_path)
    report = check_backup(backup_file)
    if not report.ok:
        raise StoreError(f"{backup_file} fails audit verification ({report.problem}); not restored")
    lock = FileLock(db_path)
    lock.acquire()
    try:
        staging = db_path.with_name(db_path.name + ".restoring")
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()
        source = sqlite3.connect(f"{Path(backup_file).resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(str(staging))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        with open(staging, "rb") as handle:
            os.fsync(handle.fileno())
        kept: Path | None = None
        if db_path.exists():
            # Through SQLite, so committed pages still in the -wal file come along.
            kept = db_path.with_name(f"{db_path.name}.replaced-{_stamp()}")
            old = sqlite3.connect(str(db_path))
            kept_conn = sqlite3.connect(str(kept))
            try:
                old.backup(kept_conn)
            finally:
                old.close()
                kept_conn.close()
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                db_path.with_name(db_path.name + suffix).unlink()
        os.replace(staging, db_path)
        return kept
    except sqlite3.Error as exc:
        raise translate(exc, backup_file) from exc
    finally:
        lock.release()
