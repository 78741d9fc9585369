"""Dialogs that write, when the database server is away (issue 18.5), on a real
PostgreSQL server, in English and in Chinese: OK says so plainly on the dialog's own line,
the dialog stays open with everything typed still in its fields, nothing is written, and
the same OK once the server is back writes it and closes the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from labdesk.ui.session import UiSession
from tests.ui import test_result_grid_server_away as away
from tests.ui import test_screens_server_away as said
from tests.ui.conftest import password_of, sign_in_as
from tests.ui.typing import type_text

pg_demo_template = away.pg_demo_template
pg_session = away.pg_session
language = said.language


def _add_user(session: UiSession, parent: QWidget) -> QDialog:
    from labdesk.ui.users_screen import UsersScreen

    screen = UsersScreen(session, parent)
    dialog = screen.start_add()
    assert dialog is not None
    return dialog


def _register_instrument(session: UiSession, parent: QWidget) -> QDialog:
    from labdesk.ui.instruments_screen import InstrumentsScreen

    return InstrumentsScreen(session, parent).start_register()


def _new_task(session: UiSession, parent: QWidget) -> QDialog:
    from labdesk.ui.tasks import TaskDialog

    dialog = TaskDialog(session, parent)
    dialog.show()
    return dialog


def _change_password(session: UiSession, parent: QWidget) -> QDialog:
    from labdesk.ui.change_password import ChangePasswordDialog

    dialog = ChangePasswordDialog(session, parent)
    dialog.show()
    return dialog


@dataclass(frozen=True)
class Case:
    name: str
    user: str
    open: Callable[[UiSession, QWidget], QDialog]
    fields: tuple[tuple[str, str], ...]  # (objectName, text typed)
    error: str  # objectName of the dialog's own message line
    written: Callable[[UiSession], bool]  # what OK writes is in the store


CASES = (
    Case(
        "add_user",
        "admin",
        _add_user,
        (
            ("user_username", "tech9"),
            ("user_display_name", "Tech Nine"),
            ("user_password", "a-long-passphrase-9"),
            ("user_password_again", "a-long-passphrase-9"),
        ),
        "user_dialog_error",
        lambda s: bool(s.db.scalar("SELECT count(*) FROM users WHERE username = 'tech9'")),
    ),
    Case(
        "register_instrument",
        "manager",
        _register_instrument,
        (("instrument_code", "EQ-AWAY-1"), ("instrument_name", "Balance")),
        "run_dialog_error",
        lambda s: bool(s.db.scalar("SELECT count(*) FROM instruments WHERE code = 'EQ-AWAY-1'")),
    ),
    Case(
        "new_task",
        "manager",
        _new_task,
        (("task_no", "RW-AWAY-1"), ("task_source", "安徽省市场监督管理局")),
        "task_error",
        lambda s: bool(s.db.scalar("SELECT count(*) FROM tasks WHERE task_no = 'RW-AWAY-1'")),
    ),
    Case(
        "change_password",
        "tech1",
        _change_password,
        (
            ("old_password", ""),  # filled with the demo password below
            ("new_password", "another-long-passphrase"),
            ("new_password_again", "another-long-passphrase"),
        ),
        "change_password_message",
        lambda s: (
            s.db.scalar(
                "SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.record_id "
                "WHERE a.table_name = 'users' AND u.username = 'tech1' "
                "AND a.field = 'password_hash'"
            )
            > 0
        ),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_dialog_says_the_server_is_away_stays_open_filled_and_saves_on_the_next_ok(
    qtbot: QtBot, pg_session: UiSession, language: str, case: Case
) -> None:
    sign_in_as(pg_session, case.user)
    host = QWidget()
    qtbot.addWidget(host)
    host.show()
    dialog = case.open(pg_session, host)
    assert dialog.isVisible()
    typed = {}
    for name, text in case.fields:
        edit = dialog.findChild(QLineEdit, name)
        assert edit is not None, name
        text = text or password_of(pg_session.db, case.user)
        type_text(qtbot, edit, text)
        typed[name] = text
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    error = dialog.findChild(QLabel, case.error)
    assert error is not None
    assert not case.written(pg_session)

    away._allow(pg_session, False)
    try:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        said._said_plainly(error.text(), language)
        assert dialog.isVisible()  # not closed: what was typed is there to send again
        for name, text in typed.items():
            edit = dialog.findChild(QLineEdit, name)
            assert edit is not None and edit.text() == text, name
    finally:
        away._allow(pg_session, True)

    assert not case.written(pg_session)  # nothing of it was written while away
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), error.text()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert case.written(pg_session)


def test_a_report_withdrawal_keeps_its_reason_while_the_server_is_away(
    qtbot: QtBot, pg_session: UiSession, language: str
) -> None:
    from labdesk.services import report_issues
    from labdesk.ui.report_dialog import ReasonDialog, ReportDialog
    from tests.ui.test_scanning_and_reports import _one

    sign_in_as(pg_session, "manager")
    sample_id, _number = _one(pg_session, "approved")
    dialog = ReportDialog(pg_session, sample_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    reason = dialog.findChild(ReasonDialog)
    assert reason is not None and reason.isVisible()
    qtbot.keyClicks(reason.reason, "sample data mixed up")
    ok = reason.buttons.button(QDialogButtonBox.StandardButton.Ok)

    away._allow(pg_session, False)
    try:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        said._said_plainly(reason.error.text(), language)
        assert reason.isVisible()  # the reason typed is there to send again
        assert reason.reason.toPlainText() == "sample data mixed up"
    finally:
        away._allow(pg_session, True)

    (row,) = report_issues.report_history(pg_session.db, sample_id)
    assert row["state"] == "current"  # nothing written while away
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not reason.isVisible(), reason.error.text()
    (row,) = report_issues.report_history(pg_session.db, sample_id)
    assert row["state"] == "withdrawn" and row["withdrawn_reason"] == "sample data mixed up"
    state = dialog.table.item(0, 2)
    assert state is not None
    assert state.text() in ("Withdrawn", "已作废"), dialog.message.text()


def test_labels_asked_for_while_the_server_is_away_say_so_and_come_next_time(
    qtbot: QtBot, pg_session: UiSession, language: str, tmp_path: Path
) -> None:
    from labdesk.ui.labels_dialog import LabelsDialog
    from tests.ui.test_scanning_and_reports import _one

    sign_in_as(pg_session, "tech1")
    _sample_id, number = _one(pg_session, "received")
    dialog = LabelsDialog(pg_session, [number])
    qtbot.addWidget(dialog)
    dialog.show()
    target = tmp_path / "labels.pdf"
    dialog.ask_path = lambda: str(target)

    away._allow(pg_session, False)
    try:
        qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
        said._said_plainly(dialog.message.text(), language)
        assert dialog.isVisible() and not target.exists()
    finally:
        away._allow(pg_session, True)

    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF-"), dialog.message.text()


def test_a_backup_sample_registered_while_the_server_is_away_keeps_its_form(
    qtbot: QtBot, pg_session: UiSession, language: str
) -> None:
    """The clocks screen's inline form (no dialog): said plainly, every field stays, the
    same click once the server is back registers it."""
    from datetime import date

    from labdesk.ui.clocks_screen import ClocksScreen

    sign_in_as(pg_session, "tech1")
    screen = ClocksScreen(pg_session)
    qtbot.addWidget(screen)
    screen.show()
    tab = screen.backups
    screen.tabs.setCurrentWidget(tab)
    number, concluded = pg_session.db.query_one(
        "SELECT sample_no, concluded_on FROM samples WHERE state = 'approved' "
        "ORDER BY concluded_on DESC LIMIT 1"
    ) or ("", "")
    assert number, "the demo has an approved sample"
    tab.today = date.fromisoformat(str(concluded))
    typed = {
        tab.sample_no: str(number),
        tab.location: "留样室 A-3-2",
        tab.seal_no: "FY-AWAY-1",
        tab.quantity: "2",
        tab.qty_unit: "袋",
    }
    for edit, text in typed.items():
        type_text(qtbot, edit, text)

    away._allow(pg_session, False)
    try:
        qtbot.mouseClick(tab.register_button, Qt.MouseButton.LeftButton)
        said._said_plainly(tab.message.text(), language)
        assert tab.message.is_error
        assert {edit: edit.text() for edit in typed} == typed
    finally:
        away._allow(pg_session, True)

    assert tab.table.rowCount() == 0  # nothing registered while away
    qtbot.mouseClick(tab.register_button, Qt.MouseButton.LeftButton)
    assert not tab.message.is_error, tab.message.text()
    assert tab.table.rowCount() == 1
