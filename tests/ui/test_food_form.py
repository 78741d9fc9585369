"""The sampling form registers a food sample against a leaf class found by its pinyin
initials, and shows the composed items with their sources; changing them needs a
reason. Driven by typing and clicking on the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.ui.sampling_form import SamplingFormDialog
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import column_text, fill_form, new_uscc
from tests.ui.typing import type_text

RICE = "F01020101"


def _pick_rice(qtbot: QtBot, dialog: SamplingFormDialog) -> None:
    picker = dialog.form.food_class
    picker.edit.setFocus()
    type_text(qtbot, picker.edit, "dm")
    assert not picker.matches.isHidden() and picker.matches.count() >= 1
    first = picker.matches.item(0)
    assert first is not None and first.text().startswith("大米 — 粮食加工品 / 大米 / 大米 / 大米")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.matches, Qt.Key.Key_Return)
    assert picker.code() == RICE


def _rice_form(qtbot: QtBot, session: UiSession, serial: int) -> SamplingFormDialog:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_form(qtbot, dialog, new_uscc(serial), f"UIFOOD-{serial:04d}")
    form = dialog.form
    form.sample_name.clear()
    type_text(qtbot, form.sample_name, "东北大米")
    _pick_rice(qtbot, dialog)
    type_text(qtbot, form.executive_standard, "GB/T 1354-2018")
    qtbot.keyClick(form.executive_standard, Qt.Key.Key_Return)  # finishes the field
    type_text(qtbot, form.quality_grade, "一级")
    qtbot.keyClick(form.quality_grade, Qt.Key.Key_Return)
    return dialog


def _rows(dialog: SamplingFormDialog) -> dict[str, int]:
    table = dialog.form.items_table
    return {column_text(table, r, 0): r for r in range(table.rowCount())}


def test_a_rice_sample_registered_in_the_form_gets_items_from_four_standards(
    qtbot: QtBot, session: UiSession
) -> None:
    dialog = _rice_form(qtbot, session, 71)
    form = dialog.form
    assert form.category.currentData() == ""  # a food sample has no flat category
    rows = _rows(dialog)
    table = form.items_table
    lead = rows["铅"]
    assert column_text(table, lead, 5).startswith("GB 2762-2022 表1, 谷物及其制品 → 大米")
    assert "[sample data]" in column_text(table, lead, 5) or "样例" in column_text(table, lead, 5)
    assert column_text(table, rows["碎米总量"], 1) == "≤15.0"  # the label's grade
    assert "GB 2761-2017" in form.items_note.text() and "GB 2763-2021" in form.items_note.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is not None, dialog.message.text()
    frozen = session.db.query(
        "SELECT standard_no, standard_year, source FROM sample_items WHERE sample_id = ?",
        (dialog.sample_id,),
    )
    assert {f"{r['standard_no']}-{r['standard_year']}" for r in frozen} == {
        "GB 2762-2022",
        "GB 2761-2017",
        "GB 2763-2021",
        "GB/T 1354-2018",
    }
    assert "GB 2762-2022 表1, 谷物及其制品 → 大米" in {r["source"] for r in frozen}
    sample = session.db.query_one(
        "SELECT food_class_code, category_code FROM samples WHERE id = ?", (dialog.sample_id,)
    )
    assert sample is not None and tuple(sample) == (RICE, "")


def test_unticking_an_item_needs_a_reason_and_is_kept(qtbot: QtBot, session: UiSession) -> None:
    dialog = _rice_form(qtbot, session, 72)
    table = dialog.form.items_table
    row = _rows(dialog)["氧乐果"]
    table.setFocus()
    table.setCurrentCell(row, 0)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # untick
    cell = table.item(row, 0)
    assert cell is not None and cell.checkState() == Qt.CheckState.Unchecked
    before = session.db.scalar("SELECT count(*) FROM samples")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is None
    assert dialog.form.fields["items_reason"].error.text()
    assert session.db.scalar("SELECT count(*) FROM samples") == before
    type_text(qtbot, dialog.form.items_reason, "本次计划不检氧乐果")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is not None, dialog.message.text()
    names = {
        r["name"]
        for r in session.db.query(
            "SELECT name FROM sample_items WHERE sample_id = ?", (dialog.sample_id,)
        )
    }
    assert "氧乐果" not in names and "铅" in names
    reason = session.db.scalar(
        "SELECT reason FROM sample_events WHERE sample_id = ? AND action = 'items_changed'",
        (dialog.sample_id,),
    )
    assert "本次计划不检氧乐果" in str(reason)


def test_choosing_a_category_clears_the_food_class(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    _pick_rice(qtbot, dialog)
    assert dialog.form.category.currentData() == ""
    dialog.form.category.setCurrentIndex(dialog.form.category.findData("VEG-CHIVES"))
    assert dialog.form.food_class.code() == ""
    assert column_text(dialog.form.items_table, 0, 5) == ""  # flat items have no source
