"""Changing one's own password from the main window (File → Change my password), typed.

A technician (no administrator rights) opens the dialog from the menu by keys, types the
old and new passwords, and signs in with the new one; the refusals are shown in the
dialog in the interface language and change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from labdesk.services import auth
from labdesk.ui.change_password import ChangePasswordDialog
from labdesk.ui.i18n import install_translators, remove_translators
from labdesk.ui.main_window import MainWindow
from labdesk.ui.session import UiSession
from tests.ui.conftest import password_of
from tests.ui.test_workflow import sign_in_by_typing
from tests.ui.typing import type_text

NEW = "tech1-changed-pw"


def _open_from_menu(qtbot: QtBot, window: MainWindow) -> ChangePasswordDialog:
    """Alt+F opens the File menu, P (the action's mnemonic) picks Change my password."""
    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    menu = window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: window.findChild(ChangePasswordDialog) is not None)
    dialog = window.findChild(ChangePasswordDialog)
    assert isinstance(dialog, ChangePasswordDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _type_and_submit(qtbot: QtBot, dialog: ChangePasswordDialog, old: str, new: str) -> None:
    for field, text in ((dialog.old, old), (dialog.new, new), (dialog.again, new)):
        field.clear()
        type_text(qtbot, field, text)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)


@pytest.fixture
def window(qtbot: QtBot, session: UiSession) -> Iterator[MainWindow]:
    sign_in_by_typing(qtbot, session, "tech1")
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win


def test_a_technician_changes_their_password_by_keys(
    qtbot: QtBot, session: UiSession, window: MainWindow
) -> None:
    old = password_of(session.db, "tech1")
    dialog = _open_from_menu(qtbot, window)
    # A wrong current password: refused in the dialog, nothing changed.
    _type_and_submit(qtbot, dialog, "not-my-password", NEW)
    assert dialog.isVisible()
    assert "wrong" in dialog.message.text() and "4" in dialog.message.text()
    # Two different new passwords: refused before the service is asked.
    dialog.old.clear()
    type_text(qtbot, dialog.old, old)
    dialog.new.clear()
    type_text(qtbot, dialog.new, NEW)
    dialog.again.clear()
    type_text(qtbot, dialog.again, NEW + "x")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.isVisible() and "differ" in dialog.message.text()
    with pytest.raises(auth.AuthError):
        auth.sign_in(session.db, "tech1", NEW)
    # Right this time.
    _type_and_submit(qtbot, dialog, old, NEW)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert auth.sign_in(session.db, "tech1", NEW).actor.username == "tech1"
    with pytest.raises(auth.AuthError):
        auth.sign_in(session.db, "tech1", old)


def test_refusals_are_chinese_in_the_chinese_ui(
    qtbot: QtBot, qapp: QApplication, session: UiSession, window: MainWindow
) -> None:
    install_translators("zh")
    try:
        dialog = ChangePasswordDialog(session, window)
        qtbot.addWidget(dialog)
        dialog.show()
        old = password_of(session.db, "tech1")
        _type_and_submit(qtbot, dialog, old, "short")
        assert dialog.message.text() == "新密码至少需要 8 个字符。"
        _type_and_submit(qtbot, dialog, old, old)
        assert dialog.message.text() == "新密码不能与当前密码相同。"
        _type_and_submit(qtbot, dialog, "not-my-password", NEW)
        assert dialog.message.text().startswith("当前密码错误")
    finally:
        remove_translators()
    assert auth.sign_in(session.db, "tech1", old)
