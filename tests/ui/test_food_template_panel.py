"""The item template of a food class on the Standards screen (issue 15 §3): what a class
inherits, ticking and unticking items, editing a method, saving (admins and managers),
and going back to the inherited template — all through the widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from labdesk.services import food_library
from labdesk.ui.food_template_panel import COL_CODE, COL_METHOD, COL_TICK, FoodTemplatePanel
from labdesk.ui.session import UiSession
from labdesk.ui.standards_screen import StandardsScreen
from tests.ui.conftest import sign_in_as
from tests.ui.typing import type_text

RICE = "F01020101"


def _panel(qtbot: QtBot, session: UiSession) -> tuple[StandardsScreen, FoodTemplatePanel]:
    screen = StandardsScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1400, 1000)
    screen.show()
    panel = screen.food_panel
    type_text(qtbot, panel.search_edit, "dm")
    item = panel.tree.currentItem()
    assert item is not None
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected_code() == RICE
    return screen, panel.template_panel


def _row(panel: FoodTemplatePanel, code: str) -> int:
    for r in range(panel.table.rowCount()):
        cell = panel.table.item(r, COL_CODE)
        if cell is not None and cell.text() == code:
            return r
    raise AssertionError(f"no row for {code}")


def _ticked(panel: FoodTemplatePanel) -> set[str]:
    out = set()
    for r in range(panel.table.rowCount()):
        tick, code = panel.table.item(r, COL_TICK), panel.table.item(r, COL_CODE)
        if tick is not None and code is not None and tick.checkState() == Qt.CheckState.Checked:
            out.add(code.text())
    return out


def test_a_manager_edits_the_template_of_a_class_and_returns_to_the_inherited_one(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "manager")
    _screen, panel = _panel(qtbot, session)
    assert "F0102" in panel.owner_label.text()  # 大米's template, inherited by the leaf
    assert {"PB", "CD", "AFB1", "BROKEN"} <= _ticked(panel)
    assert panel.save_button.isEnabled() and not panel.clear_button.isEnabled()
    table = panel.table
    # Untick 镉 with the keyboard, and give 铅 another method.
    table.setFocus()
    table.setCurrentCell(_row(panel, "CD"), COL_TICK)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert "CD" not in _ticked(panel)
    table.setCurrentCell(_row(panel, "PB"), COL_METHOD)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editors = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1  # F2 opened the cell's editor
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, "GB 5009.268")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commits the cell and moves on
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert "F01020101" in panel.banner.text(), panel.banner.text()
    owner, entries = food_library.template_for(session.db, RICE)
    assert owner == RICE
    codes = {e["item_code"]: e for e in entries}
    assert "CD" not in codes and codes["PB"]["test_method"] == "GB 5009.268"
    assert "BROKEN" in codes  # a product-standard entry is kept, not dropped unseen
    # The panel shows the class's own template now, and can go back to the inherited one.
    assert "own template" in panel.owner_label.text() or "自己" in panel.owner_label.text()
    assert panel.clear_button.isEnabled()
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert food_library.template_for(session.db, RICE)[0] == "F0102"
    assert "CD" in _ticked(panel)
    changes = session.db.scalar(
        "SELECT count(*) FROM audit_log WHERE table_name = 'food_templates'"
    )
    assert int(changes) > 0


def test_a_technician_sees_the_template_but_cannot_save_it(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "tech1")
    _screen, panel = _panel(qtbot, session)
    assert _ticked(panel) and not panel.save_button.isEnabled()
    assert not panel.clear_button.isEnabled()
