"""Backups through SQLite's online backup API, and their rotation.

The online backup API copies a consistent snapshot while the database stays open (a
plain file copy of a WAL database can miss committed pages still in the -wal file).
Automatic backups go to `<db folder>/backups/<db stem>-<UTC stamp>.sqlite`, the newest
`keep` (10) are kept; the UI takes one on exit and at most once a day (`auto_backup`).
Checking a backup and restoring it need the audit verifier and a reader connection, so
they live one floor up, in `restore.py`; this module uses only an open database.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from labdesk.paths import create_private_file, make_private_folder
from labdesk.store.errors import StoreError, translate
from labdesk.store.health import folder_is_read_only
from labdesk.store.protocol import Store

log = logging.getLogger(__name__)

KEEP_BACKUPS = 10
AUTO_INTERVAL = timedelta(days=1)
_META_LAST_AUTO = "last_auto_backup_utc"


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def backup_to(db: Store, out: Path) -> Path:
    """Writes a consistent copy of `db` to `out` (refuses to overwrite) and returns it."""
    out = Path(out)
    if out.exists():
        raise StoreError(f"{out} already exists; choose another file name")
    try:
        make_private_folder(out.parent)
    except OSError as exc:
        raise StoreError(f"cannot create the folder {out.parent}: {exc.strerror}") from exc
    reason = folder_is_read_only(out.parent)
    if reason is not None:
        raise StoreError(f"cannot write the backup {out}: {reason}")
    partial = out.with_name(out.name + ".partial")
    _remove_partial(partial)
    try:
        create_private_file(partial)  # the copy holds everything the database does
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
        _anchor(db, out)
    except sqlite3.Error as exc:
        _remove_partial(partial)
        raise translate(exc, out) from exc
    except OSError as exc:
        _remove_partial(partial)
        raise StoreError(f"cannot write the backup {out}: {exc.strerror}") from exc
    except BaseException:
        _remove_partial(partial)
        raise
    return out


def _anchor(db: Store, out: Path) -> None:
    """The copy's chain head in its manifest, and the database's in its anchor file
    (issue 21.4). A copy without its manifest is still a good copy: not fatal."""
    from labdesk.store.anchor import write_anchor, write_manifest

    try:
        write_manifest(out)
    except (sqlite3.Error, OSError) as exc:
        log.warning("no manifest for the backup %s: %s", out, exc)
    write_anchor(db)


def remove_backup(path: Path) -> None:
    """An automatic backup and its manifest."""
    from labdesk.store.anchor import manifest_path

    for each in (path, manifest_path(path)):
        with contextlib.suppress(OSError):
            each.unlink()


def _remove_partial(partial: Path) -> None:
    """A failed backup leaves nothing: the half-written copy and the rollback journal
    SQLite keeps beside it while writing (`*.partial-journal`, issue 21.8)."""
    for name in (partial.name, *(partial.name + s for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(OSError):
            partial.with_name(name).unlink()


def backup_before_migration(db: Store, from_version: int) -> Path:
    folder = backups_dir(db.path)
    return backup_to(db, folder / f"{db.path.stem}-schema{from_version}-{stamp()}.sqlite")


def list_backups(db_path: Path) -> list[Path]:
    """Automatic backups of this database, oldest first."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-auto-*.sqlite"))


def auto_backup(db: Store, *, keep: int = KEEP_BACKUPS, force: bool = False) -> Path | None:
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
    path = backup_to(db, backups_dir(db.path) / f"{db.path.stem}-auto-{stamp()}.sqlite")
    db.set_meta(_META_LAST_AUTO, now.isoformat())
    existing = list_backups(db.path)
    for old in existing[: max(0, len(existing) - keep)]:
        remove_backup(old)
    return path
