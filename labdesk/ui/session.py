"""What every screen shares: the open database, who is signed in, and a change notifier.

`UiSession` is a plain object (no Qt signals) so it can be built in tests without a
window. Screens that change data call `session.notify_changed(...)`; every screen that
shows data listens to `session.events.dataChanged` and refreshes itself.

`db` is the store's single writer `labdesk.store.db.Database`; workers that read a lot
open their own `labdesk.store.db.open_reader(session.db_path)`. The service layer's
per-user context is typed loosely (`Any`): the UI only passes it to service calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal

if TYPE_CHECKING:
    from labdesk.store.db import Database
    from labdesk.store.engine import DbTarget

ORGANISATION = "LabDesk"
APPLICATION = "LabDesk"


class SessionEvents(QObject):
    """Qt notifier for session-wide events.

    `dataChanged(topic)`: something was written; `topic` is a short word ("samples",
    "results", "review", "batches", "users", "standards", …) or "" for "anything".
    `userChanged()`: someone signed in or out.
    `navigate(screen_key, record)`: a screen asks the window to show another screen and
    open `record` there (e.g. the samples list opens a sample in result entry); the
    target screen's `open_record(record)` is called if it has one.
    """

    dataChanged = Signal(str)
    userChanged = Signal()
    navigate = Signal(str, object)


class Settings(QSettings):
    """QSettings that leaves the store alone when a value is set to what it already is.

    QSettings rewrites (and syncs to disk) its whole file after any `setValue`, equal or
    not: closing the main window saved the unchanged geometry, splitter and column
    layouts again each time, ~10 ms of file writing (docs/performance.md).
    """

    def setValue(self, key: str, value: Any) -> None:
        if self.contains(key):
            try:
                if bool(self.value(key) == value):
                    return
            except (TypeError, ValueError):  # values that cannot be compared: store it
                pass
        super().setValue(key, value)


def open_settings(path: Path | None = None) -> QSettings:
    """The app's settings: the per-user store, or an INI file (tests pass a temp path)."""
    if path is not None:
        return Settings(str(path), QSettings.Format.IniFormat)
    return Settings(ORGANISATION, APPLICATION)


@dataclass
class UiSession:
    """The open database, its path, the signed-in user's service context, settings.

    `db` is the store's writer `Database`; `context` is the service layer's per-user
    context (None until someone signs in). `user` holds display facts about the signed-in
    user (username, display name, role) for the status bar.
    """

    db: Database
    # A file, or a PostgreSQL server's database (store/engine.py).
    db_path: DbTarget
    settings: QSettings
    context: Any = None
    user_name: str = ""
    display_name: str = ""
    role: str = ""
    events: SessionEvents = field(default_factory=SessionEvents)
    # The centre's signing key once a manager opened it to approve (ui/report_signing);
    # held in memory until sign-out, never the passphrase.
    report_signer: Any = None
    # The daily and on-exit automatic backups (ui/backups.py): on in the real app only.
    auto_backups: bool = False

    @property
    def signed_in(self) -> bool:
        return self.context is not None

    def sign_in(self, context: Any, user_name: str, display_name: str, role: str) -> None:
        self.context = context
        self.user_name = user_name
        self.display_name = display_name
        self.role = role
        self.events.userChanged.emit()

    def sign_out(self) -> None:
        self.context = None
        self.report_signer = None
        self.user_name = self.display_name = self.role = ""
        self.events.userChanged.emit()

    def notify_changed(self, topic: str = "") -> None:
        """Tell every screen that data changed so it refreshes."""
        self.events.dataChanged.emit(topic)
