"""The task form's organising level (国家级/省级/市级/县级), chosen by keyboard and saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from labdesk.services.tasks import task_by_no
from labdesk.ui.session import UiSession
from labdesk.ui.tasks import TaskDialog
from tests.ui.conftest import sign_in_as
from tests.ui.typing import type_text


def test_manager_sets_the_level_of_a_new_task(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "manager")
    dialog = TaskDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.task_no, "RW-LEVEL-1")
    type_text(qtbot, dialog.source, "安徽省市场监督管理局")
    assert dialog.org_level.currentData() == ""  # not stated until chosen
    dialog.org_level.setFocus()
    qtbot.keyClick(dialog.org_level, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.org_level, Qt.Key.Key_Down)
    assert dialog.org_level.currentText() == "省级"
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.task_id is not None, dialog.error.text()
    task = task_by_no(session.db, "RW-LEVEL-1")
    assert task is not None and task["org_level"] == "省级"
