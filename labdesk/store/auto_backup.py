"""The automatic backups the desktop app takes: one a day and one on exit, each verified.

A backup is copied through a read-only connection (a consistent snapshot: the writer is
not held while pages are copied, so the app stays responsive), then opened and checked
like a restore would check it — `PRAGMA integrity_check` over every page and the audit
chain re-walked (`restore.check_backup`). Only a copy that passes counts as the *last
good backup* (its time and file are kept in `meta`), and only then are old automatic
backups rotated out. A copy that fails is removed and its reason returned: the daily
backup is also where a damage too large for the quick check on open is found
(store/health.py).

The app shows `backup_status()` and warns when the last good backup is older than
`STALE_AFTER` (two days). Callers run `take_automatic_backup` off the GUI thread.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from labdesk.store.backup import (
    _META_LAST_AUTO,
    AUTO_INTERVAL,
    KEEP_BACKUPS,
    backup_to,
    backups_dir,
    list_backups,
    remove_backup,
    stamp,
)
from labdesk.store.db import Database, open_reader
from labdesk.store.errors import StoreError

STALE_AFTER = timedelta(days=2)
META_GOOD_AT = "last_good_backup_utc"
META_GOOD_PATH = "last_good_backup_path"


@dataclass(frozen=True)
class BackupStatus:
    """The last backup that was taken and verified, if any."""

    taken_at: datetime | None
    path: Path | None

    def stale(self, now: datetime | None = None) -> bool:
        """No good backup, or the last one is older than two days."""
        if self.taken_at is None:
            return True
        return (now or datetime.now(UTC)) - self.taken_at > STALE_AFTER


@dataclass(frozen=True)
class BackupOutcome:
    """What one attempt did: `path` None when none was due; `problem` empty when good."""

    path: Path | None
    entries: int = 0
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def backup_status(db: Database) -> BackupStatus:
    at = db.get_meta(META_GOOD_AT)
    where = db.get_meta(META_GOOD_PATH)
    taken: datetime | None = None
    if at:
        with contextlib.suppress(ValueError):
            taken = datetime.fromisoformat(at)
    return BackupStatus(taken, Path(where) if where else None)


def backup_due(db: Database, now: datetime | None = None) -> bool:
    last = db.get_meta(_META_LAST_AUTO)
    if last is None:
        return True
    try:
        return (now or datetime.now(UTC)) - datetime.fromisoformat(last) >= AUTO_INTERVAL
    except ValueError:
        return True


def take_automatic_backup(
    db: Database, *, force: bool = False, keep: int = KEEP_BACKUPS
) -> BackupOutcome:
    """A verified rotating backup of `db` if one is due (or `force`: on exit)."""
    now = datetime.now(UTC)
    if not force and not backup_due(db, now):
        return BackupOutcome(None)
    out = backups_dir(db.path) / f"{db.path.stem}-auto-{stamp()}.sqlite"
    reader = open_reader(db.path)
    try:
        backup_to(reader, out)
    finally:
        reader.close()
    # Tried today, good or not: a failing one is not retried until tomorrow or exit.
    db.set_meta(_META_LAST_AUTO, now.isoformat())
    # Imported here: the check brings the whole audit chain, which the main window's
    # status bar (`backup_status`) does not need to open (docs/performance.md).
    from labdesk.store.restore import check_backup

    try:
        report = check_backup(out)
    except StoreError as exc:
        _discard(out)
        return BackupOutcome(None, problem=str(exc))
    if not report.ok:
        _discard(out)
        return BackupOutcome(None, problem=f"the audit trail fails verification: {report.problem}")
    db.set_meta(META_GOOD_AT, now.isoformat())
    db.set_meta(META_GOOD_PATH, str(out))
    existing = list_backups(db.path)
    for old in existing[: max(0, len(existing) - keep)]:
        remove_backup(old)
    return BackupOutcome(out, entries=report.entries_checked)


def _discard(path: Path) -> None:
    remove_backup(path)
