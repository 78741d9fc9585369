"""Reopening sampling forms: drafts saved, completed and registered; registered and
received samples corrected through `update_sample`, with the audit trail showing
old → new and who; a reason required exactly where the service requires one.

Driven by typing and clicking on real widgets (the Samples screen, the form dialog).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.services import enterprises, queries, samples, tasks
from labdesk.ui.samples import SamplesScreen
from labdesk.ui.sampling_form import SamplingFormDialog
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import new_uscc
from tests.ui.typing import type_text


def registered_sample(session: UiSession, serial: int, *, receive: bool = False) -> int:
    """A sample registered (and optionally received) through the services."""
    uscc = new_uscc(serial)
    enterprises.register_enterprise(
        session.context, enterprises.EnterpriseForm(uscc=uscc, name=f"编辑测试单位{serial}")
    )
    sample_id = samples.register_sample(
        session.context,
        samples.SampleForm(
            sample_no=f"UIEDIT-{serial:04d}",
            sample_name="韭菜",
            category_code="VEG-CHIVES",
            sampling_date=date.today(),
            enterprise_uscc=uscc,
            task_no=str(tasks.list_tasks(session.db)[0]["task_no"]),
            batch_no="B-OLD",
            sample_qty="2",
            samplers=["张伟", "李芳"],
            sealed=True,
            unit_acknowledged=True,
        ),
    )
    if receive:
        samples.receive_sample(session.context, sample_id)
    return sample_id


def samples_screen(qtbot: QtBot, session: UiSession, sample_id: int) -> SamplesScreen:
    """The Samples screen showing just `sample_id`, selected, with focus on the list."""
    screen = SamplesScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    screen.show_ids([sample_id], "one sample")
    screen.table.setFocus()
    screen.table.selectRow(0)
    assert screen.table.current_sample_id() == sample_id
    return screen


def edit_dialog(screen: SamplesScreen) -> SamplingFormDialog:
    dialog = screen.findChild(SamplingFormDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def click(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def history(session: UiSession, sample_id: int, field: str) -> list[dict[str, object]]:
    return [
        e
        for e in queries.sample_history(session.db, sample_id)
        if e["table"] == "samples" and e["field"] == field and e["action"] == "update"
    ]


def test_draft_saved_reopened_completed_and_registered(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    # --- a form with only a few fields is kept as a draft ---------------------------
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    dialog.form.sample_no.clear()
    type_text(qtbot, dialog.form.sample_no, "UIDRAFT-0001")
    type_text(qtbot, dialog.form.sample_name, "韭菜")
    type_text(qtbot, dialog.form.sampler1, "张伟")  # a second sampler comes later
    click(qtbot, dialog.draft_button)
    assert dialog.sample_id is None  # one named sampler: refused, by the form
    assert dialog.form.fields["samplers"].error.text()
    dialog.form.sampler1.clear()
    click(qtbot, dialog.draft_button)
    assert dialog.sample_id is not None, dialog.message.text()
    draft_id = dialog.sample_id
    row = session.db.query_one("SELECT * FROM samples WHERE id = ?", [draft_id])
    assert row is not None
    assert (row["state"], row["sample_name"], row["enterprise_id"]) == ("draft", "韭菜", None)
    assert not session.db.scalar(
        "SELECT count(*) FROM sample_items WHERE sample_id = ?", [draft_id]
    )

    # --- Enter on the draft reopens it, filled from the stored sample --------------
    screen = samples_screen(qtbot, session, draft_id)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    edit = edit_dialog(screen)
    form = edit.form
    assert form.sample_no.text() == "UIDRAFT-0001" and form.sample_no.isReadOnly()
    assert form.sample_name.text() == "韭菜" and not form.uscc.text()
    assert edit.register_button.isVisible() and not edit.draft_button.isVisible()
    assert not edit.reason_row.isVisible()  # a draft is corrected without a reason

    # Register while still incomplete: refused next to the field, still a draft.
    click(qtbot, edit.register_button)
    assert form.fields["samplers"].error.text()  # a registered sample needs two
    assert edit.isVisible() and edit.message.text()
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", [draft_id]) == "draft"

    # Complete it by typing, then Register: validated in full, items frozen.
    uscc = new_uscc(8101)
    type_text(qtbot, form.uscc, uscc)
    type_text(qtbot, form.unit_name, "草稿测试合作社")
    form.category.setCurrentIndex(form.category.findData("VEG-CHIVES"))
    type_text(qtbot, form.batch_no, "20260302")
    type_text(qtbot, form.sampler1, "张伟")
    type_text(qtbot, form.sampler2, "李芳")
    click(qtbot, form.sealed)  # sealed and signed: what a registered form needs
    click(qtbot, form.acknowledged)
    click(qtbot, edit.register_button)
    assert not edit.isVisible(), edit.message.text()
    row = session.db.query_one("SELECT * FROM samples WHERE id = ?", [draft_id])
    assert row is not None
    assert row["state"] == "registered" and row["batch_no"] == "20260302"
    assert row["category_code"] == "VEG-CHIVES"
    assert row["enterprise_id"] == session.db.scalar(
        "SELECT id FROM enterprises WHERE uscc = ?", [uscc]
    )
    frozen = session.db.scalar("SELECT count(*) FROM sample_items WHERE sample_id = ?", [draft_id])
    assert frozen and frozen > 0
    events = [(e["action"], e["to_state"]) for e in queries.sample_events(session.db, draft_id)]
    assert events == [("draft", "draft"), ("register", "registered")]
    assert "UIDRAFT-0001" in screen.message.text()


def test_draft_corrections_saved_without_registering(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    draft_id = samples.register_sample(
        session.context,
        samples.SampleForm(
            sample_no="UIDRAFT-0002", sample_name="", category_code="", sampling_date=None
        ),
        draft=True,
    )
    screen = samples_screen(qtbot, session, draft_id)
    qtbot.keyClick(screen.table, Qt.Key.Key_F2)
    edit = edit_dialog(screen)
    type_text(qtbot, edit.form.sample_name, "菠菜")
    type_text(qtbot, edit.form.sample_qty, "-1")
    click(qtbot, edit.save_button)
    assert edit.isVisible() and edit.form.fields["sample_qty"].error.text()
    edit.form.sample_qty.clear()
    type_text(qtbot, edit.form.sample_qty, "1.5")
    click(qtbot, edit.save_button)
    assert not edit.isVisible(), edit.message.text()
    row = session.db.query_one("SELECT * FROM samples WHERE id = ?", [draft_id])
    assert row is not None
    assert (row["state"], row["sample_name"], row["sample_qty"]) == ("draft", "菠菜", "1.5")
    assert [e["new"] for e in history(session, draft_id, "sample_name")] == ["菠菜"]


def test_registered_sample_corrected_and_audited(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = registered_sample(session, 8102)
    items_before = session.db.query(
        "SELECT id, limit_text FROM sample_items WHERE sample_id = ? ORDER BY seq", [sample_id]
    )
    screen = samples_screen(qtbot, session, sample_id)
    where = screen.table.visualRect(screen.table.model().index(0, 0)).center()
    # A real double-click: the first click, then the second arriving as a double-click.
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    edit = edit_dialog(screen)
    form = edit.form
    assert form.batch_no.text() == "B-OLD" and form.sampler2.text() == "李芳"
    # The category and date fixed the frozen items: read-only, the frozen items shown.
    assert not form.category.isEnabled() and not form.sampling_date.isEnabled()
    assert form.items_table.rowCount() == len(items_before)
    assert not edit.register_button.isVisible()

    # Nothing changed: nothing written.
    click(qtbot, edit.save_button)
    assert edit.isVisible() and edit.message.text()
    assert not history(session, sample_id, "batch_no")

    form.batch_no.clear()
    type_text(qtbot, form.batch_no, "B-NEW")
    click(qtbot, edit.save_button)
    assert not edit.isVisible(), edit.message.text()
    (entry,) = history(session, sample_id, "batch_no")
    assert (entry["old"], entry["new"], entry["username"]) == ("B-OLD", "B-NEW", "tech1")
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", [sample_id]) == (
        "registered"
    )
    # Nothing re-frozen: the very same item rows.
    assert (
        session.db.query(
            "SELECT id, limit_text FROM sample_items WHERE sample_id = ? ORDER BY seq",
            [sample_id],
        )
        == items_before
    )


def test_received_sample_change_needs_a_reason(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = registered_sample(session, 8103, receive=True)
    screen = samples_screen(qtbot, session, sample_id)
    click(qtbot, screen.edit_button)
    edit = edit_dialog(screen)
    assert edit.reason_row.isVisible()
    edit.form.sample_qty.clear()
    type_text(qtbot, edit.form.sample_qty, "3.5")

    # Without a reason the service refuses: shown next to the reason, nothing written.
    click(qtbot, edit.save_button)
    assert edit.isVisible()
    assert "reason" in edit.form.fields["reason"].error.text().lower()
    assert session.db.scalar("SELECT sample_qty FROM samples WHERE id = ?", [sample_id]) == "2"
    assert not history(session, sample_id, "sample_qty")

    type_text(qtbot, edit.reason, "称量记录笔误")
    click(qtbot, edit.save_button)
    assert not edit.isVisible(), edit.message.text()
    (entry,) = history(session, sample_id, "sample_qty")
    assert (entry["old"], entry["new"], entry["reason"]) == ("2", "3.5", "称量记录笔误")
    assert entry["username"] == "tech1"
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", [sample_id]) == "received"


def test_enter_on_a_received_sample_still_opens_result_entry(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "tech1")
    sample_id = registered_sample(session, 8104, receive=True)
    screen = samples_screen(qtbot, session, sample_id)
    opened: list[tuple[str, object]] = []
    session.events.navigate.connect(lambda key, record: opened.append((key, record)))
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert opened == [("entry", sample_id)]
    assert screen.findChild(SamplingFormDialog) is None


def test_edit_refused_for_a_submitted_sample(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = int(
        session.db.scalar("SELECT id FROM samples WHERE state = 'approved' ORDER BY id LIMIT 1")
    )
    screen = samples_screen(qtbot, session, sample_id)
    click(qtbot, screen.edit_button)
    assert screen.findChild(SamplingFormDialog) is None
    assert screen.message.text()


def test_service_refusal_shown_plainly(qtbot: QtBot, session: UiSession) -> None:
    """Permissions are the service's: a manager (who may not edit sampling forms) gets
    the form, but saving is refused with the service's message and nothing written."""
    sign_in_as(session, "tech1")
    sample_id = registered_sample(session, 8105)
    sign_in_as(session, "manager")
    screen = samples_screen(qtbot, session, sample_id)
    qtbot.keyClick(screen.table, Qt.Key.Key_F2)
    edit = edit_dialog(screen)
    edit.form.batch_no.clear()
    type_text(qtbot, edit.form.batch_no, "B-MGR")
    click(qtbot, edit.save_button)
    assert edit.isVisible()
    assert "edit a sampling form" in edit.message.text()
    assert session.db.scalar("SELECT batch_no FROM samples WHERE id = ?", [sample_id]) == "B-OLD"
    assert not history(session, sample_id, "batch_no")
