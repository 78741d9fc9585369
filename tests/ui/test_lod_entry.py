"""未检出 needs its 检出限, in the result grid: refused with its reason, then the LOD is
entered on the item (Ctrl+L, with a reason) and the same ND is accepted and shown with it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.result_grid import ResultTableView
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import cell, fresh_sample, type_result


def test_nd_refused_then_lod_entered_on_the_item_then_accepted(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 31)
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    screen.open_sample(sample_id)
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    view = screen.view
    view.focus_result(0)
    assert not view.grid_model().row_data(0).get("lod")
    editor = type_result(qtbot, view, "ND")
    shown = screen.message.text()  # in the UI's language (issue 21.8)
    assert screen.message.is_error and "detection limit" in shown and "该项目" not in shown
    assert cell(view, 0, "result") == ""
    qtbot.keyClick(editor, Qt.Key.Key_Escape)

    asked: list[int] = []

    def lod(_view: ResultTableView, index: QModelIndex | QPersistentModelIndex) -> tuple[str, str]:
        asked.append(index.row())
        return "0.01", "GB 23200.113 方法检出限"

    view.lod_provider = lod
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert asked == [0], screen.message.text()
    assert not screen.message.is_error
    type_result(qtbot, view, "ND")
    assert cell(view, 0, "verdict") == "Pass"
    assert cell(view, 0, "rounded").startswith("未检出（检出限 0.01")
    reason = session.db.scalar(
        "SELECT reason FROM audit_log WHERE table_name = 'sample_items' AND field = 'lod' "
        "AND record_id = ?",
        (view.grid_model().item_id(0),),
    )
    assert reason == "GB 23200.113 方法检出限"
