"""The automatic backups the README promises (issue 21.9), driven through the real window:
one when it opens (at most one a day), one when it closes, each verified, the last good
one's time and folder in the status bar, a warning after two days without one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from labdesk.store.auto_backup import META_GOOD_AT, backup_status
from labdesk.store.backup import list_backups
from labdesk.store.restore import check_backup
from labdesk.ui.main_window import MainWindow
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as


def _file(session: UiSession) -> Path:
    """The session's database file: backups are a file's (a server's are pg_dump's)."""
    assert isinstance(session.db_path, Path)
    return session.db_path


def _window(qtbot: QtBot, session: UiSession) -> MainWindow:
    session.auto_backups = True
    sign_in_as(session, "manager")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_backup_on_opening_and_one_on_closing(qtbot: QtBot, session: UiSession) -> None:
    window = _window(qtbot, session)
    assert list_backups(_file(session)) == []
    assert "No backup yet" in window.backups.label.text()
    with qtbot.waitSignal(window.backups.attemptFinished, timeout=30000):
        window.open_initial_screen()
    daily = list_backups(_file(session))
    assert len(daily) == 1
    assert check_backup(daily[0]).ok
    text = window.backups.label.text()
    assert "Last backup:" in text and str(daily[0].parent) in text
    assert "⚠" not in text
    # The next opening the same day takes none: one a day.
    again = MainWindow(session)
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.backups.attemptFinished, timeout=30000):
        again.open_initial_screen()
    assert len(list_backups(_file(session))) == 1
    # Closing a window takes the exit backup: the window stays until that backup, taken
    # off the GUI thread, is done.
    for shown in (again, window):
        with qtbot.waitSignal(shown.backups.attemptFinished, timeout=30000):
            shown.close()
            assert shown.isVisible()  # still there while the copy is made
        qtbot.waitUntil(lambda w=shown: not w.isVisible(), timeout=30000)  # type: ignore[misc]
    made = list_backups(_file(session))
    assert len(made) == 3
    assert all(check_backup(p).ok for p in made)
    status = backup_status(session.db)
    assert status.path == made[-1]


def test_a_warning_when_the_last_good_backup_is_older_than_two_days(
    qtbot: QtBot, session: UiSession
) -> None:
    old = datetime.now(UTC) - timedelta(days=3)
    session.db.set_meta(META_GOOD_AT, old.isoformat())
    session.db.set_meta("last_good_backup_path", str(_file(session).parent / "backups" / "x"))
    session.db.set_meta("last_auto_backup_utc", datetime.now(UTC).isoformat())  # not due
    window = _window(qtbot, session)
    with qtbot.waitSignal(window.backups.attemptFinished, timeout=30000):
        window.open_initial_screen()
    text = window.backups.label.text()
    assert text.startswith("⚠") and "No good backup for more than two days" in text
    assert old.astimezone().strftime("%Y-%m-%d") in text
    _close(qtbot, window)


def _close(qtbot: QtBot, window: MainWindow) -> None:
    """Close as a user would, and wait for the exit backup (before the database closes)."""
    with qtbot.waitSignal(window.backups.attemptFinished, timeout=30000):
        window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)


def test_a_failed_backup_is_shown_and_leaves_no_file(
    qtbot: QtBot, session: UiSession, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    from labdesk.store import restore
    from labdesk.store.errors import StoreError

    def broken(path: Path) -> object:
        raise StoreError(f"{path} is damaged: test")

    # The backup imports its check when it runs it (store/auto_backup.py).
    monkeypatch.setattr(restore, "check_backup", broken)
    window = _window(qtbot, session)
    with qtbot.waitSignal(window.backups.attemptFinished, timeout=30000):
        window.open_initial_screen()
    assert list_backups(_file(session)) == []
    text = window.backups.label.text()
    assert "⚠" in text and "The last backup failed" in text and "damaged" in text
    _close(qtbot, window)
    assert list_backups(_file(session)) == []


def test_the_window_of_a_test_or_screenshot_takes_no_backup(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "manager")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.open_initial_screen()
    window.close()
    assert not window.isVisible()
    assert list_backups(_file(session)) == []
