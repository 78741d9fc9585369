"""Checking a backup and restoring from it.

A restore first checks the candidate with `PRAGMA integrity_check` and `verify_audit`,
refuses while another process holds the database, and keeps the replaced file aside.
This sits above the connection (`db.py`), the audit chain and `backup.py`, which it uses.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from labdesk.paths import create_private_file
from labdesk.store.audit import AuditReport, verify_audit
from labdesk.store.backup import stamp
from labdesk.store.db import open_reader
from labdesk.store.errors import StoreError, translate
from labdesk.store.lock import FileLock
from labdesk.store.schema import APPLICATION_ID


def check_backup(candidate: Path) -> AuditReport:
    """Opens a backup read-only and checks integrity and the audit trail.

    Raises StoreError when the file is unreadable or damaged; returns the audit report.
    """
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
        create_private_file(staging)
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
            kept = db_path.with_name(f"{db_path.name}.replaced-{stamp()}")
            create_private_file(kept)
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
        from labdesk.store.anchor import anchor_restore

        restored = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            anchor_restore(db_path, restored)  # the rewind is deliberate: say so
        finally:
            restored.close()
        return kept
    except sqlite3.Error as exc:
        raise translate(exc, backup_file) from exc
    finally:
        lock.release()
