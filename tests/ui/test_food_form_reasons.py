"""The sampling form (issue 15.3): before registering, the technician unticks a proposed
item and ticks an available one, each with its own reason typed in its row (F2); the
service refuses the change that has none, naming it, and keeps each reason beside its
item in the audit. Driven by keys and clicks on the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from labdesk.ui.sampling_form import COL_REASON
from labdesk.ui.session import UiSession
from tests.ui.test_food_form import _rice_form, _rows
from tests.ui.typing import type_text


def _toggle(qtbot: QtBot, table: QTableWidget, row: int) -> None:
    table.setFocus()
    table.setCurrentCell(row, 0)
    qtbot.keyClick(table, Qt.Key.Key_Space)


def _editor(table: QTableWidget) -> QLineEdit | None:
    """The cell editor F2 opened, if any (a line edit in the table's viewport)."""
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    return editors[0] if editors else None


def _type_reason(qtbot: QtBot, table: QTableWidget, row: int, text: str) -> None:
    table.setFocus()
    table.setCurrentCell(row, COL_REASON)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = _editor(table)
    assert editor is not None
    type_text(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next loop turn

    def committed() -> bool:
        cell = table.item(row, COL_REASON)
        return cell is not None and cell.text() == text

    qtbot.waitUntil(committed)


def test_each_added_or_removed_item_carries_its_own_reason(
    qtbot: QtBot, session: UiSession
) -> None:
    dialog = _rice_form(qtbot, session, 81)
    table = dialog.form.items_table
    rows = _rows(dialog)
    omethoate, tin, lead = rows["氧乐果"], rows["锡"], rows["铅"]
    _toggle(qtbot, table, omethoate)  # untick a proposed item
    _toggle(qtbot, table, tin)  # tick an available one
    tin_cell = table.item(tin, 0)
    assert tin_cell is not None and tin_cell.checkState() == Qt.CheckState.Checked
    # the item's own cells stay read-only: F2 on the limit edits nothing
    table.setCurrentCell(lead, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert _editor(table) is None
    _type_reason(qtbot, table, omethoate, "本次计划不检")
    before = session.db.scalar("SELECT count(*) FROM samples")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is None
    error = dialog.form.fields["items_reason"].error.text()
    assert "GB 2762|SN" in error and "omethoate" not in error  # the one without a reason
    assert session.db.scalar("SELECT count(*) FROM samples") == before
    _type_reason(qtbot, table, tin, "罐装加测锡")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is not None, dialog.message.text()
    names = {
        r["name"]
        for r in session.db.query(
            "SELECT name FROM sample_items WHERE sample_id = ?", (dialog.sample_id,)
        )
    }
    assert "锡" in names and "氧乐果" not in names
    reason = str(
        session.db.scalar(
            "SELECT reason FROM sample_events WHERE sample_id = ? AND action = 'items_changed'",
            (dialog.sample_id,),
        )
    )
    assert "GB 2763|omethoate（本次计划不检）" in reason and "GB 2762|SN（罐装加测锡）" in reason
