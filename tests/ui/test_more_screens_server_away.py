"""Every other screen that reads the store, when the database server is away (issue 18.5),
on a real PostgreSQL server, in English and in Chinese: the screen's refresh (F5, the
screen shown again, another workstation's change) says so plainly on the screen's own
message line — no unhandled error, no trace, no driver's words — keeps the rows it showed
and what the user typed in its filter, and the next refresh once the server is back reads
again and takes the notice away.

The server goes away as in test_result_grid_server_away.py (connections ended, new ones
refused for this one database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from labdesk.ui.screens import load_screen_class, screen_info
from labdesk.ui.session import UiSession
from tests.ui import test_result_grid_server_away as away
from tests.ui import test_screens_server_away as said
from tests.ui.conftest import sign_in_as

pg_demo_template = away.pg_demo_template
pg_session = away.pg_session
language = said.language


@dataclass(frozen=True)
class Case:
    key: str  # the screen's key in labdesk.ui.screens
    user: str
    line: str  # objectName of the screen's message line
    shown: Callable[[QWidget], object]  # what the screen shows (must stay while away)
    typed: str = ""  # objectName of a filter field typed into before (must stay)
    later: bool = False  # the screen reads off the GUI thread: the notice comes later
    pick: str = ""  # objectName of a list whose next row the user picks while away


def _rows(name: str) -> Callable[[QWidget], object]:
    def shown(screen: QWidget) -> object:
        from PySide6.QtWidgets import QAbstractItemView

        view = screen.findChild(QAbstractItemView, name)
        assert view is not None, name
        model = view.model()
        return [
            [model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]

    return shown


def _combo(name: str) -> Callable[[QWidget], object]:
    def shown(screen: QWidget) -> object:
        from PySide6.QtWidgets import QComboBox

        combo = screen.findChild(QComboBox, name)
        assert combo is not None, name
        return [combo.itemText(i) for i in range(combo.count())], combo.currentIndex()

    return shown


CASES = (
    Case("tasks", "manager", "tasks_message", _rows("tasks_table"), pick="tasks_table"),
    Case("runs", "tech1", "run_message", _rows("runs_list")),
    Case("clocks", "manager", "backups_message", _rows("backups_table"), typed="backups_filter"),
    Case("qc_chart", "tech1", "qc_chart_message", _combo("qc_chart_method")),
    Case("standards", "manager", "messageBanner", _rows("standards_tree"), pick="standards_tree"),
    Case("methods", "manager", "methods_message", _rows("methods_table")),
    Case("instruments", "manager", "instruments_message", _rows("instruments_table")),
    Case("audit", "manager", "messageBanner", _rows("audit_table"), typed="sample_edit"),
    Case("users", "admin", "users_message", _rows("users_table"), pick="users_table"),
    Case("batches", "manager", "messageBanner", _rows("batch_list"), later=True),
    Case("dashboard", "manager", "messageBanner", _rows("state_table"), later=True),
)


def _pick_next(qtbot: QtBot, screen: QWidget, name: str) -> None:
    """The user moves to the list's next row with the arrow key (a selection that reads)."""
    from PySide6.QtWidgets import QAbstractItemView

    view = screen.findChild(QAbstractItemView, name)
    assert view is not None, name
    assert view.model().rowCount() > 1, f"{name}: the demo has one row only"
    view.setFocus()
    if not view.currentIndex().isValid():
        view.setCurrentIndex(view.model().index(0, 0))
    before = QPersistentModelIndex(view.currentIndex())
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert QPersistentModelIndex(view.currentIndex()) != before


def _line(screen: QWidget, name: str) -> QLabel:
    found = [w for w in screen.findChildren(QLabel, name)]
    assert len(found) >= 1, name
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_a_screen_says_the_server_is_away_keeps_what_it_shows_and_reads_again(
    qtbot: QtBot, pg_session: UiSession, language: str, case: Case
) -> None:
    sign_in_as(pg_session, case.user)
    screen = load_screen_class(screen_info(case.key))(pg_session)
    qtbot.addWidget(screen)
    screen.show()
    refresh = screen.refresh  # type: ignore[attr-defined]  # each screen class has one
    if case.later:  # its first read finished
        qtbot.waitUntil(lambda: not screen._loading, timeout=10_000)  # type: ignore[attr-defined]
    before = case.shown(screen)
    typed = screen.findChild(QLineEdit, case.typed) if case.typed else None
    if typed is not None:
        typed.setFocus()
        qtbot.keyClicks(typed, "zz")  # matches nothing here: only kept, never searched
    line = _line(screen, case.line)

    away._allow(pg_session, False)
    try:
        refresh()  # what F5, the screen shown again, or another workstation's change does
        if case.later:
            qtbot.waitUntil(lambda: said.AWAY[language] in line.text(), timeout=10_000)
        said._said_plainly(line.text(), language)
        assert getattr(line, "is_error", True)
        assert case.shown(screen) == before  # nothing emptied or half-replaced
        if case.pick:
            _pick_next(qtbot, screen, case.pick)
            said._said_plainly(line.text(), language)
        if typed is not None:
            qtbot.keyClick(typed, Qt.Key.Key_Return)  # the user's own try while away
            said._said_plainly(line.text(), language)
            assert typed.text() == "zz"
            typed.clear()  # back to the whole list (its search meets the server away)
    finally:
        away._allow(pg_session, True)

    refresh()
    if case.later:
        qtbot.waitUntil(lambda: said.AWAY[language] not in line.text(), timeout=10_000)
    assert said.AWAY[language] not in line.text()
    assert case.shown(screen) == before


def test_a_centre_on_a_server_is_not_copied_by_the_window_and_its_status_says_who_backs_up(
    qtbot: QtBot, pg_session: UiSession, language: str
) -> None:
    """The daily and on-exit copies are of a database file; a server centre is backed up
    with the server's tools (pg_dump). The window takes none (it failed every day and
    showed the store's message in both languages before), and reads nothing for the
    status line — so a server away cannot break it either."""
    from labdesk.ui.main_window import MainWindow

    pg_session.auto_backups = True
    sign_in_as(pg_session, "manager")
    window = MainWindow(pg_session)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.assertNotEmitted(window.backups.attemptFinished, wait=1000):
            window.open_initial_screen()
        text = window.backups.label.text()
        assert {"en": "pg_dump", "zh": "由数据库服务器"}[language] in text, text
        assert "⚠" not in text, text
        assert not window.backups.take_on_exit(lambda: None)  # nothing to wait for on exit
    finally:
        window.change_watch.stop()


def test_a_screen_first_opened_while_away_is_built_when_shown_again(
    qtbot: QtBot, pg_session: UiSession, language: str
) -> None:
    """Result entry reads the store as it is built: opened first while the server is away,
    the window shows the plain reason in its place and builds the screen once the user
    comes back to it (or presses F5) with the server back — before, the placeholder stayed
    until the program was restarted."""
    from labdesk.ui.main_window import MainWindow, ScreenLoadError
    from labdesk.ui.screens import SCREENS

    sign_in_as(pg_session, "tech1")
    window = MainWindow(pg_session)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # F5 is a window shortcut: the window must be active
        window.show()
        window.activateWindow()
    rows = {info.key: row for row, info in enumerate(SCREENS)}
    try:
        window.nav.setCurrentRow(rows["tasks"])
        away._allow(pg_session, False)
        try:
            window.nav.setCurrentRow(rows["entry"])
            placeholder = window.stack.currentWidget()
            assert isinstance(placeholder, ScreenLoadError) and placeholder.retryable
            said._said_plainly(placeholder.text(), language)
            qtbot.keyClick(window, Qt.Key.Key_F5)  # still away: the reason again, no trace
            shown = window.stack.currentWidget()
            assert isinstance(shown, ScreenLoadError)
            said._said_plainly(shown.text(), language)
        finally:
            away._allow(pg_session, True)
        qtbot.keyClick(window, Qt.Key.Key_F5)  # the server back: F5 builds the screen
        built = window.stack.currentWidget()
        assert type(built).__name__ == "ResultEntryScreen"
        assert window.screen_widget("entry") is built
        window.nav.setCurrentRow(rows["tasks"])
        window.nav.setCurrentRow(rows["entry"])  # and it is the screen from now on
        assert window.stack.currentWidget() is built
    finally:
        window.change_watch.stop()
