"""The app's automatic backups: one a day and one on exit, and the last good one shown.

`BackupKeeper` belongs to the main window. When the window opens, and every hour after
(a window left open for days still takes its daily copy), it asks for the daily backup;
when the window closes it takes one more. Each runs off the GUI thread on the writer pool
(`store/auto_backup.take_automatic_backup`: copied through a read-only connection, then
integrity-checked and its audit trail verified). The status bar shows the last good
backup's time, with its folder in the tooltip, and turns into a warning when there has
been none for more than two days or the last attempt failed.

Only the real app switches it on (`UiSession.auto_backups`); a window built in a test is
not backed up unless the test asks for it. A centre on a server is backed up by the
server's own tools (pg_dump, docs/deployment.md): the keeper takes nothing there and says
so, instead of a failed backup each day and a status line that reads the server.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from labdesk.store.auto_backup import BackupOutcome, backup_status, take_automatic_backup
from labdesk.ui.operations import TaskState, run_operation
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60 * 60 * 1000  # is the daily backup due? asked hourly


class BackupKeeper(QObject):
    """Takes the automatic backups of the session's database and shows the last good one."""

    attemptFinished = Signal(object)  # the BackupOutcome (or the exception) of an attempt

    def __init__(self, session: UiSession, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self._window = parent
        self.label = QLabel(parent)
        self.label.setObjectName("status_backup")
        self.problem = ""
        self.stale = False
        self._busy = False
        self._pending_exit: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.take_daily)
        self.update_label()

    @property
    def enabled(self) -> bool:
        return (
            bool(getattr(self.session, "auto_backups", False))
            and self.on_file
            and not self.session.db.readonly
        )

    @property
    def on_file(self) -> bool:
        """The centre is a database file (the only kind this program copies itself)."""
        return isinstance(self.session.db_path, Path)

    def start(self) -> None:
        """The daily backup now if due, and the hourly check."""
        if not self.enabled:
            return
        self._timer.start()
        self.take_daily()

    def take_daily(self) -> None:
        self._run(force=False, then=None)

    def take_on_exit(self, then: Callable[[], None]) -> bool:
        """Starts the exit backup and calls `then` when it is over (good or not).
        False when there is nothing to do (switched off, or one is running)."""
        if not self.enabled or self._pending_exit is not None:
            return False
        self._timer.stop()
        if self._busy:  # the daily one is running: the exit one follows it
            self._pending_exit = then
            return True
        self._run(force=True, then=then)
        return True

    def _run(self, *, force: bool, then: Callable[[], None] | None) -> None:
        if self._busy:
            return
        self._busy = True
        db = self.session.db

        def work(_state: TaskState) -> BackupOutcome:
            return take_automatic_backup(db, force=force)

        def done(result: Any) -> None:
            self._busy = False
            if isinstance(result, BackupOutcome):
                if result.problem:
                    log.warning("automatic backup failed: %s", result.problem)
                    self.problem = result.problem
                elif result.path is not None:
                    self.problem = ""
            else:
                if not isinstance(result, Exception) or not _is_user_fault(result):
                    log.error("automatic backup failed", exc_info=result)
                from labdesk.ui.errors import user_message

                self.problem = user_message(result)  # the UI's language, never a trace
            self.update_label()
            self.attemptFinished.emit(result)
            if then is not None:
                then()
            elif self._pending_exit is not None:
                self._run(force=True, then=self._pending_exit)

        run_operation(
            self._window if force else None,
            work,
            label=self.tr("Backing up the database before closing…"),
            on_success=done,
            on_failure=done,
            writes=True,
            show_progress=force,
        )

    def update_label(self) -> None:
        if not self.on_file:
            self.label.setText(self.tr("Backups: by the database server (pg_dump)"))
            self.label.setStyleSheet("")
            self.label.setToolTip("")
            self.stale = False
            return
        try:
            status = backup_status(self.session.db)
        except sqlite3.ProgrammingError:
            return  # the database was closed (the app is ending): nothing left to show
        if status.taken_at is None:
            text = self.tr("No backup yet")
        else:
            local = status.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            folder = str(status.path.parent) if status.path is not None else ""
            text = self.tr("Last backup: {0} in {1}").format(local, folder)
        tip = str(status.path) if status.path is not None else ""
        warn = ""
        if self.problem:
            warn = self.tr("The last backup failed: {0}").format(self.problem)
        elif status.stale(datetime.now(UTC)):
            warn = self.tr("No good backup for more than two days")
        if warn:
            text = f"⚠ {text} — {warn}"
            self.label.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.label.setStyleSheet("")
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.stale = bool(warn)


def _is_user_fault(exc: Exception) -> bool:
    from labdesk.core.errors import LabDeskError

    return isinstance(exc, LabDeskError)
