"""The Users screen: real widgets, typed and clicked, checked against the services.

Sign-in, the audit trail and the lockout are checked through `services.auth` and the
audit table, never through the screen's own state.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from labdesk.services import auth
from labdesk.ui.screens import SCREENS, load_screen_class
from labdesk.ui.session import UiSession
from labdesk.ui.users_screen import UserActionDialog, UsersScreen
from tests.ui.conftest import password_of, sign_in_as
from tests.ui.typing import type_text


def _screen(qtbot: QtBot, session: UiSession, username: str) -> UsersScreen:
    sign_in_as(session, username)
    screen = UsersScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1100, 600)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _click_user(qtbot: QtBot, screen: UsersScreen, username: str) -> None:
    """Select a user's row with the mouse."""
    items = screen.table.findItems(username, Qt.MatchFlag.MatchExactly)
    assert items, username
    rect = screen.table.visualItemRect(items[0])
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.selected_user_id() == _user(screen.session, username)["id"]


def _cell(screen: UsersScreen, row: int, column: int) -> str:
    item = screen.table.item(row, column)
    assert item is not None
    return item.text()


def _dialog(screen: UsersScreen) -> UserActionDialog:
    assert screen.dialog is not None and screen.dialog.isVisible()
    return screen.dialog


def _field(dialog: UserActionDialog, name: str) -> QWidget:
    return dialog.fields[name]


def _type(qtbot: QtBot, dialog: UserActionDialog, name: str, text: str) -> None:
    widget = _field(dialog, name)
    assert isinstance(widget, QLineEdit | QPlainTextEdit)
    widget.setFocus()
    type_text(qtbot, widget, text)


def _user(session: UiSession, username: str) -> dict[str, Any]:
    return next(u for u in auth.list_users(session.db) if u["username"] == username)


def _audit_rows(session: UiSession) -> int:
    return int(session.db.scalar("SELECT count(*) FROM audit_log"))


def test_users_is_the_last_screen_in_the_navigation() -> None:
    # Daily work first, administration last (docs/desktop-app.md): no Ctrl+number for it.
    users = next(info for info in SCREENS if info.key == "users")
    assert SCREENS.index(users) == len(SCREENS) - 1 > 8
    assert load_screen_class(users) is UsersScreen


def test_table_lists_every_user(qtbot: QtBot, session: UiSession) -> None:
    screen = _screen(qtbot, session, "admin")
    names = {_cell(screen, r, 0) for r in range(screen.table.rowCount())}
    assert names == {u["username"] for u in auth.list_users(session.db)}
    assert not _field_secret_leak(screen)


def _field_secret_leak(screen: UsersScreen) -> bool:
    """No column shows anything like a password hash."""
    for row in range(screen.table.rowCount()):
        for column in range(screen.table.columnCount()):
            if "$argon2" in _cell(screen, row, column):
                return True
    return False


def test_admin_adds_a_user_who_can_then_sign_in(qtbot: QtBot, session: UiSession) -> None:
    screen = _screen(qtbot, session, "admin")
    _click(qtbot, screen.add_button)
    dialog = _dialog(screen)
    _type(qtbot, dialog, "username", "chen3")
    _type(qtbot, dialog, "display_name", "陈检验")
    role = dialog.fields["role"]
    role.setFocus()
    qtbot.keyClicks(role, "Reviewer")  # keyboard search in the combo's items
    _type(qtbot, dialog, "password", "chen-secret-1")
    # The passwords differ: refused before the service, naming the field; nothing written.
    _type(qtbot, dialog, "password_again", "chen-secret-2")
    _click(qtbot, dialog.ok_button())
    assert dialog.isVisible()
    assert "Password again" in dialog.error.text()
    assert not any(u["username"] == "chen3" for u in auth.list_users(session.db))
    again = _field(dialog, "password_again")
    assert isinstance(again, QLineEdit)
    assert again.echoMode() == QLineEdit.EchoMode.Password
    again.clear()
    _type(qtbot, dialog, "password_again", "chen-secret-1")
    _click(qtbot, dialog.ok_button())
    assert not dialog.isVisible()

    user = _user(session, "chen3")
    assert (user["display_name"], user["role"], user["active"]) == ("陈检验", "reviewer", 1)
    context = auth.sign_in(session.db, "chen3", "chen-secret-1")
    assert context.actor.role == "reviewer"
    assert screen.table.findItems("chen3", Qt.MatchFlag.MatchExactly)
    assert screen.message.text() == "User added."


def test_service_rules_are_shown_naming_the_field(qtbot: QtBot, session: UiSession) -> None:
    screen = _screen(qtbot, session, "admin")
    before = _audit_rows(session)
    _click(qtbot, screen.add_button)
    dialog = _dialog(screen)
    _type(qtbot, dialog, "username", "shorty")
    _type(qtbot, dialog, "password", "abc")
    _type(qtbot, dialog, "password_again", "abc")
    _click(qtbot, dialog.ok_button())
    assert dialog.isVisible()
    assert dialog.error.text().startswith("Password")
    assert str(auth.MIN_PASSWORD) in dialog.error.text()
    assert dialog.focusWidget() is _field(dialog, "password")
    # An existing name: the service's uniqueness rule, on the Username field.
    username = _field(dialog, "username")
    assert isinstance(username, QLineEdit)
    username.clear()
    _type(qtbot, dialog, "username", "tech1")
    for name in ("password", "password_again"):
        line = _field(dialog, name)
        assert isinstance(line, QLineEdit)
        line.clear()
        _type(qtbot, dialog, name, "long-enough-1")
    _click(qtbot, dialog.ok_button())
    assert dialog.isVisible()
    assert dialog.error.text().startswith("Username")
    assert "already exists" in dialog.error.text()
    assert _audit_rows(session) == before


def test_change_role_with_reason_is_audited(qtbot: QtBot, session: UiSession) -> None:
    screen = _screen(qtbot, session, "admin")
    tech = _user(session, "tech2")
    _click_user(qtbot, screen, "tech2")
    _click(qtbot, screen.role_button)
    dialog = _dialog(screen)
    role = dialog.fields["role"]
    role.setFocus()
    qtbot.keyClicks(role, "Manager")
    # No reason: the service refuses, naming the Reason field; the role is unchanged.
    _click(qtbot, dialog.ok_button())
    assert dialog.isVisible()
    assert dialog.error.text().startswith("Reason")
    assert _user(session, "tech2")["role"] == "technician"
    _type(qtbot, dialog, "reason", "王 moved to the approvals desk")
    _click(qtbot, dialog.ok_button())
    assert not dialog.isVisible()

    assert _user(session, "tech2")["role"] == "manager"
    row = session.db.query_one(
        "SELECT username, old_value, new_value, reason FROM audit_log "
        "WHERE table_name = 'users' AND record_id = ? AND field = 'role' "
        "ORDER BY seq DESC LIMIT 1",
        (tech["id"],),
    )
    assert row is not None
    # Values are stored JSON-encoded in the audit trail.
    assert (row[0], json.loads(row[1]), json.loads(row[2]), row[3]) == (
        "admin",
        "technician",
        "manager",
        "王 moved to the approvals desk",
    )
    items = screen.table.findItems("tech2", Qt.MatchFlag.MatchExactly)
    assert _cell(screen, items[0].row(), 2) == "Manager"


def test_deactivate_blocks_sign_in_and_reactivate_restores_it(
    qtbot: QtBot, session: UiSession
) -> None:
    screen = _screen(qtbot, session, "admin")
    password = password_of(session.db, "tech1")
    _click_user(qtbot, screen, "tech1")
    _click(qtbot, screen.deactivate_button)
    dialog = _dialog(screen)
    _type(qtbot, dialog, "reason", "left the centre")
    _click(qtbot, dialog.ok_button())
    assert not dialog.isVisible()
    assert _user(session, "tech1")["active"] == 0
    with pytest.raises(auth.AuthError, match="disabled"):
        auth.sign_in(session.db, "tech1", password)
    items = screen.table.findItems("tech1", Qt.MatchFlag.MatchExactly)
    assert _cell(screen, items[0].row(), 3) == "No"

    _click_user(qtbot, screen, "tech1")
    _click(qtbot, screen.reactivate_button)
    dialog = _dialog(screen)
    _type(qtbot, dialog, "reason", "came back")
    _click(qtbot, dialog.ok_button())
    assert auth.sign_in(session.db, "tech1", password).actor.username == "tech1"


def test_unlock_clears_a_lockout(qtbot: QtBot, session: UiSession) -> None:
    screen = _screen(qtbot, session, "admin")
    for _ in range(auth.MAX_FAILURES - 1):
        with pytest.raises(auth.AuthError):
            auth.sign_in(session.db, "reviewer", "wrong-password")
    with pytest.raises(auth.AccountLocked):
        auth.sign_in(session.db, "reviewer", "wrong-password")
    password = password_of(session.db, "reviewer")
    with pytest.raises(auth.AccountLocked):
        auth.sign_in(session.db, "reviewer", password)
    screen.refresh()
    row = screen.table.findItems("reviewer", Qt.MatchFlag.MatchExactly)[0].row()
    assert _cell(screen, row, 4) != ""  # the lock's end is shown

    _click_user(qtbot, screen, "reviewer")
    _click(qtbot, screen.unlock_button)
    assert _user(session, "reviewer")["locked_until"] is None
    assert _cell(screen, row, 4) == ""
    assert auth.sign_in(session.db, "reviewer", password).actor.username == "reviewer"


def test_admin_resets_a_password(qtbot: QtBot, session: UiSession) -> None:
    screen = _screen(qtbot, session, "admin")
    _click_user(qtbot, screen, "tech2")
    _click(qtbot, screen.password_button)
    dialog = _dialog(screen)
    _type(qtbot, dialog, "password", "brand-new-pass")
    _type(qtbot, dialog, "password_again", "brand-new-pass")
    _click(qtbot, dialog.ok_button())
    assert not dialog.isVisible()
    assert auth.sign_in(session.db, "tech2", "brand-new-pass").actor.username == "tech2"
    with pytest.raises(auth.AuthError):
        auth.sign_in(session.db, "tech2", password_of(session.db, "tech2"))


def test_a_technician_is_refused_and_nothing_changes(qtbot: QtBot, session: UiSession) -> None:
    # Lock someone so the unlock has something to refuse.
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(auth.AuthError):
            auth.sign_in(session.db, "reviewer", "wrong-password")
    screen = _screen(qtbot, session, "tech1")
    assert "Read-only" in screen.note.text()
    users_before = auth.list_users(session.db)
    audit_before = _audit_rows(session)

    _click(qtbot, screen.add_button)
    dialog = _dialog(screen)
    _type(qtbot, dialog, "username", "sneaky")
    _type(qtbot, dialog, "password", "sneaky-pass-1")
    _type(qtbot, dialog, "password_again", "sneaky-pass-1")
    _click(qtbot, dialog.ok_button())
    assert dialog.isVisible()
    assert "may not" in dialog.error.text()
    _click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    _click_user(qtbot, screen, "tech2")
    _click(qtbot, screen.role_button)
    dialog = _dialog(screen)
    role = dialog.fields["role"]
    role.setFocus()
    qtbot.keyClicks(role, "Administrator")
    _type(qtbot, dialog, "reason", "promote myself")
    _click(qtbot, dialog.ok_button())
    assert dialog.isVisible()
    assert "may not" in dialog.error.text()
    _click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    _click_user(qtbot, screen, "reviewer")
    _click(qtbot, screen.unlock_button)
    assert screen.message.text().startswith("Refused:")
    assert "may not" in screen.message.text()

    assert auth.list_users(session.db) == users_before
    assert _audit_rows(session) == audit_before
    with pytest.raises(auth.AuthError):
        auth.sign_in(session.db, "sneaky", "sneaky-pass-1")
