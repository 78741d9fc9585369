"""Adding and removing a registered sample's test items from the Samples screen, with a
reason (issue 15 item 3): driven by clicks and keys on the real widgets."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.services import enterprises, samples, tasks
from labdesk.ui.sample_items_dialog import COL_NAME, COL_STATUS, SampleItemsDialog
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_sampling_form_edit import samples_screen
from tests.ui.test_workflow import new_uscc
from tests.ui.typing import type_text

RICE = "F01020101"


def _rice(session: UiSession, serial: int) -> int:
    uscc = new_uscc(serial)
    enterprises.register_enterprise(
        session.context, enterprises.EnterpriseForm(uscc=uscc, name=f"项目测试单位{serial}")
    )
    return samples.register_sample(
        session.context,
        samples.SampleForm(
            sample_no=f"UIITEMS-{serial:04d}",
            sample_name="大米",
            category_code="",
            food_class_code=RICE,
            executive_standard="GB/T 1354-2018",
            quality_grade="一级",
            sampling_date=date.today(),
            enterprise_uscc=uscc,
            task_no=str(tasks.list_tasks(session.db)[0]["task_no"]),
            sample_qty="2",
            qty_unit="kg",
            samplers=["张伟", "李芳"],
            sealed=True,
            unit_acknowledged=True,
        ),
    )


def _open(qtbot: QtBot, session: UiSession, sample_id: int) -> SampleItemsDialog:
    screen = samples_screen(qtbot, session, sample_id)
    qtbot.mouseClick(screen.items_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(SampleItemsDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def _row_of(dialog: SampleItemsDialog, name: str) -> int:
    for row in range(dialog.table.rowCount()):
        cell = dialog.table.item(row, COL_NAME)
        if cell is not None and cell.text() == name:
            return row
    raise AssertionError(f"{name} not listed")


def _live_names(session: UiSession, sample_id: int) -> list[str]:
    rows = session.db.query(
        "SELECT name FROM sample_items WHERE sample_id = ? AND withdrawn_at IS NULL ORDER BY seq",
        [sample_id],
    )
    return [str(r[0]) for r in rows]


def test_an_item_is_removed_and_another_added_with_a_reason(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "tech1")
    sample_id = _rice(session, 81)
    assert "氧乐果" in _live_names(session, sample_id)
    dialog = _open(qtbot, session, sample_id)
    # --- remove: pick the row by keys, a reason, then the button --------------------
    row = _row_of(dialog, "氧乐果")
    dialog.table.setFocus()
    dialog.table.setCurrentCell(0, 0)
    for _ in range(row):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.selected_item_id() is not None
    assert not dialog.remove_button.isEnabled()  # no reason yet
    dialog.reason.setFocus()
    type_text(qtbot, dialog.reason, "委托方本次不检氧乐果")
    assert dialog.remove_button.isEnabled()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert "氧乐果" not in _live_names(session, sample_id), dialog.message.text()
    status = dialog.table.item(_row_of(dialog, "氧乐果"), COL_STATUS)
    assert status is not None and "委托方本次不检氧乐果" in status.text()
    assert dialog.reason.text() == ""  # each change has its own reason
    reason = session.db.scalar(
        "SELECT reason FROM sample_events WHERE sample_id = ? AND action = 'items_changed'",
        [sample_id],
    )
    assert "委托方本次不检氧乐果" in str(reason)
    # A removed row cannot be removed again: selecting it leaves the button off.
    dialog.table.setCurrentCell(_row_of(dialog, "氧乐果"), 0)
    type_text(qtbot, dialog.reason, "x")
    assert dialog.selected_item_id() is None and not dialog.remove_button.isEnabled()
    dialog.reason.clear()

    # --- add: the removed item is offered again; choose it by keys ------------------
    choice = dialog.add_choice
    keys = [choice.itemData(i) for i in range(choice.count())]
    assert "GB 2762|SN" in keys  # 锡: applicable to rice, not on the sample
    choice.setFocus()
    choice.setCurrentIndex(0)
    for _ in range(keys.index("GB 2762|SN")):
        qtbot.keyClick(choice, Qt.Key.Key_Down)
    assert choice.currentData() == "GB 2762|SN"
    assert not dialog.add_button.isEnabled()
    type_text(qtbot, dialog.reason, "罐装大米加测锡")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "锡" in _live_names(session, sample_id), dialog.message.text()
    assert "GB 2762|SN" not in [choice.itemData(i) for i in range(choice.count())]
    added = session.db.query_one(
        "SELECT a.reason FROM audit_log a JOIN sample_items si ON si.id = a.record_id "
        "WHERE a.table_name = 'sample_items' AND si.sample_id = ? AND si.code = 'SN'",
        [sample_id],
    )
    assert added is not None and added["reason"] == "罐装大米加测锡"


def test_a_refusal_is_shown_and_nothing_changes(qtbot: QtBot, session: UiSession) -> None:
    from labdesk.services import results

    sign_in_as(session, "tech1")
    sample_id = _rice(session, 82)
    samples.receive_sample(session.context, sample_id)
    samples.start_testing(session.context, sample_id)
    lead = session.db.scalar(
        "SELECT id FROM sample_items WHERE sample_id = ? AND name = '铅'", [sample_id]
    )
    results.enter_result(session.context, int(lead), "0.01")
    dialog = _open(qtbot, session, sample_id)
    status = dialog.table.item(_row_of(dialog, "铅"), COL_STATUS)
    assert status is not None and status.text() in ("Has a result", "已有结果")
    dialog.table.setFocus()
    dialog.table.setCurrentCell(_row_of(dialog, "铅"), 0)
    type_text(qtbot, dialog.reason, "try")
    before = _live_names(session, sample_id)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert _live_names(session, sample_id) == before
    assert "已有检验结果" in dialog.message.text() or "has a result" in dialog.message.text()
