"""The technician's day, driven by keystrokes and clicks on real widgets.

Sign in → fill a sampling form by typing → start testing → type results (a failing one,
ND, 未检出) while watching the verdict preview → submit → another user reviews → the
manager approves. Also: refused text stays in place, nobody reviews their own work,
and closing the window mid-entry loses no accepted value.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QApplication, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from labdesk.core.limits import parse_limit
from labdesk.core.uscc import make_uscc, org_code_check_digit
from labdesk.services import auth
from labdesk.store.db import open_database
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.result_grid import ResultTableView
from labdesk.ui.review import ReviewScreen
from labdesk.ui.sampling_form import SamplingFormDialog
from labdesk.ui.session import UiSession
from labdesk.ui.signin import SignInDialog
from tests.ui.conftest import password_of, sign_in_as
from tests.ui.typing import commit_text, type_text


def new_uscc(serial: int) -> str:
    """A valid code for a new enterprise (built by the rules, not copied from somewhere)."""
    body = f"MA2T{serial:04d}"
    return make_uscc("91340100" + body + org_code_check_digit(body))


def fresh_sample(session: UiSession, serial: int, category: str = "VEG-CHIVES") -> int:
    """A newly registered and received sample (no results yet), made through the services
    as the signed-in technician."""
    from labdesk.services import enterprises, samples, tasks

    uscc = new_uscc(serial)
    enterprises.register_enterprise(
        session.context, enterprises.EnterpriseForm(uscc=uscc, name=f"测试单位{serial}")
    )
    task_no = str(tasks.list_tasks(session.db)[0]["task_no"])
    sample_id = samples.register_sample(
        session.context,
        samples.SampleForm(
            sample_no=f"UITEST-{serial:04d}",
            sample_name="韭菜",
            category_code=category,
            sampling_date=date.today(),
            enterprise_uscc=uscc,
            task_no=task_no,
            samplers=["张伟", "李芳"],
            sealed=True,
            unit_acknowledged=True,
        ),
    )
    samples.receive_sample(session.context, sample_id)
    return sample_id


def sign_in_by_typing(qtbot: QtBot, session: UiSession, username: str) -> None:
    dialog = SignInDialog(session, show_demo_accounts=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.clear()
    type_text(qtbot, dialog.username, username)
    type_text(qtbot, dialog.password, password_of(session.db, username))
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == SignInDialog.DialogCode.Accepted, dialog.message.text()
    assert session.user_name == username


def type_result(
    qtbot: QtBot, view: ResultTableView, text: str, *, accept: bool = True
) -> QLineEdit:
    """Type into the current result cell as a technician would: the first key opens the
    editor, the rest go to it; Enter accepts."""
    if text[0].isascii():
        qtbot.keyClicks(view, text[0])
    else:
        commit_text(view, text[0])
    # Closed editors linger until deleted later: take the open one.
    open_editors = [e for e in view.findChildren(QLineEdit, "result_editor") if e.isVisible()]
    assert len(open_editors) == 1
    editor = open_editors[0]
    if len(text) > 1:
        type_text(qtbot, editor, text[1:])
    if accept:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    return editor


def column_text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def cell(
    view: ResultTableView, row: int, key: str, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    model = view.grid_model()
    return model.index(row, model.column_of(key)).data(role)


def fill_form(qtbot: QtBot, dialog: SamplingFormDialog, uscc: str, sample_no: str) -> None:
    dialog.show()  # laid out, so a click lands on the check boxes
    form = dialog.form
    form.sample_no.clear()
    type_text(qtbot, form.sample_no, sample_no)
    form.category.setCurrentIndex(form.category.findData("VEG-CHIVES"))
    type_text(qtbot, form.uscc, uscc)
    type_text(qtbot, form.unit_name, "测试蔬菜种植合作社")
    type_text(qtbot, form.unit_address, "合肥市包河区测试路1号")
    type_text(qtbot, form.sample_name, "韭菜")
    type_text(qtbot, form.batch_no, "20260301")
    type_text(qtbot, form.sample_qty, "2.5")
    type_text(qtbot, form.reserve_qty, "1")
    type_text(qtbot, form.qty_unit, "kg")
    type_text(qtbot, form.sampler1, "张伟")
    type_text(qtbot, form.sampler2, "李芳")
    type_text(qtbot, form.sampling_org, "测试中心")
    qtbot.mouseClick(form.sealed, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.acknowledged, Qt.MouseButton.LeftButton)
    assert form.sealed.isChecked() and form.acknowledged.isChecked()


def test_sign_in_refuses_wrong_password_in_place(qtbot: QtBot, session: UiSession) -> None:
    dialog = SignInDialog(session, show_demo_accounts=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.demo_table is not None and dialog.demo_table.rowCount() >= 4
    type_text(qtbot, dialog.username, "tech1")
    type_text(qtbot, dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() != SignInDialog.DialogCode.Accepted
    assert dialog.message.text()  # the service's refusal, shown in place
    assert not session.signed_in
    for _ in range(5):
        dialog.password.clear()
        type_text(qtbot, dialog.password, "still-wrong")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    locked_message = dialog.message.text()
    # Even the right password is refused now: the account is locked by the service.
    dialog.password.clear()
    type_text(qtbot, dialog.password, password_of(session.db, "tech1"))
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert not session.signed_in
    assert dialog.message.text() == locked_message or "lock" in dialog.message.text().lower()


def test_sampling_form_validates_as_you_type(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    form = dialog.form
    good = new_uscc(1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    type_text(qtbot, form.uscc, bad)
    error = form.fields["enterprise_uscc"].error
    assert error.isVisibleTo(form) and "check" in error.text().lower()
    form.uscc.clear()
    type_text(qtbot, form.uscc, good.lower())  # lowercase is accepted
    assert not form.fields["enterprise_uscc"].error.text()
    type_text(qtbot, form.sample_qty, "-2")
    assert form.fields["sample_qty"].error.text()
    form.sample_qty.clear()
    type_text(qtbot, form.sample_qty, "1.5")
    assert not form.fields["sample_qty"].error.text()
    form.production_date.clear()
    type_text(qtbot, form.production_date, "2026-02-30")
    assert form.fields["production_date"].error.text()
    type_text(qtbot, form.sampler1, "张伟")
    assert form.fields["samplers"].error.text()  # only one sampler so far
    type_text(qtbot, form.sampler2, "张伟")
    assert form.fields["samplers"].error.text()  # the same person twice
    form.sampler2.clear()
    type_text(qtbot, form.sampler2, "李芳")
    assert not form.fields["samplers"].error.text()
    # The items that will be frozen follow the category.
    form.category.setCurrentIndex(form.category.findData("VEG-CHIVES"))
    names = {column_text(form.items_table, r, 0) for r in range(form.items_table.rowCount())}
    assert {"腐霉利", "克百威", "氧乐果"} <= names


def test_service_validation_error_shown_next_to_field(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    existing = session.db.scalar("SELECT sample_no FROM samples LIMIT 1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    fill_form(qtbot, dialog, new_uscc(2), str(existing))
    before = session.db.scalar("SELECT count(*) FROM samples")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is None
    assert dialog.form.fields["sample_no"].error.text()  # duplicate number, from the service
    assert session.db.scalar("SELECT count(*) FROM samples") == before


def test_technician_to_approval(qtbot: QtBot, session: UiSession) -> None:
    # --- the technician signs in and registers a sample by typing the form ----------
    sign_in_by_typing(qtbot, session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    uscc = new_uscc(3)
    fill_form(qtbot, dialog, uscc, "UITEST-0001")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is not None, dialog.message.text()
    sample = session.db.query_one("SELECT * FROM samples WHERE id = ?", (dialog.sample_id,))
    assert sample is not None
    assert sample["state"] == "registered" and sample["sample_qty"] == "2.5"
    assert session.db.scalar("SELECT name FROM enterprises WHERE uscc = ?", (uscc,))
    items = session.db.query(
        "SELECT name, limit_text FROM sample_items WHERE sample_id = ? ORDER BY seq",
        (dialog.sample_id,),
    )
    assert len(items) >= 3

    # --- results, typed into the grid ----------------------------------------------
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(dialog.sample_id)
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    view = screen.view
    view.focus_result(0)
    # A value twice the first item's upper limit must fail.
    limit = parse_limit(str(items[0]["limit_text"]))
    upper = limit.bounds[1]
    assert upper is not None
    failing = str(Decimal(upper.value) * 2)
    editor = type_result(qtbot, view, failing, accept=False)
    # The verdict appears while typing, in words (italic preview), nothing written yet.
    assert cell(view, 0, "verdict") == "Fail"
    font = cell(view, 0, "verdict", Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert (
        session.db.scalar(
            "SELECT count(*) FROM results r JOIN sample_items i ON "
            "i.id = r.sample_item_id WHERE i.sample_id = ?",
            (dialog.sample_id,),
        )
        == 0
    )
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert cell(view, 0, "result") == failing
    assert cell(view, 0, "verdict") == "Fail"
    assert view.currentIndex().row() == 1  # Enter moved down
    # Refused text stays in the editor with the reason shown; nothing written.
    editor = type_result(qtbot, view, "abc", accept=True)
    assert editor.isVisible() and editor.text() == "abc"
    assert screen.message.is_error and "abc" in screen.message.text()
    assert cell(view, 1, "result") == ""
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    # ND of an item without a detection limit is refused with its reason (issue 20); with
    # this measurement's LOD it is accepted and reported with it.
    assert not view.grid_model().row_data(1).get("lod")
    editor = type_result(qtbot, view, "ND")
    assert editor.isVisible() and screen.message.is_error
    # Said in the UI's language (issue 21.8; these tests run in English).
    shown = screen.message.text()
    assert "detection limit" in shown and "该项目" not in shown and "ND(0.01)" in shown
    assert cell(view, 1, "result") == ""
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    type_result(qtbot, view, "ND(0.01)")
    assert cell(view, 1, "verdict") == "Pass"
    assert "检出限 0.01" in str(cell(view, 1, "rounded"))
    view.focus_result(2)
    type_result(qtbot, view, "未检出（0.005）")
    assert cell(view, 2, "verdict") == "Pass"
    for row in range(3, view.grid_model().rowCount()):
        view.focus_result(row)
        type_result(qtbot, view, "<0.001")
    assert screen.submit_button.isEnabled()
    qtbot.mouseClick(screen.submit_button, Qt.MouseButton.LeftButton)
    state = session.db.scalar("SELECT state FROM samples WHERE id = ?", (dialog.sample_id,))
    assert state == "submitted", screen.message.text()

    # --- the technician cannot review their own work ---------------------------------
    review = ReviewScreen(session)
    qtbot.addWidget(review)
    review.state_choice.setCurrentIndex(review.state_choice.findData("submitted"))
    assert review.select_sample(dialog.sample_id)
    qtbot.mouseClick(review.review_button, Qt.MouseButton.LeftButton)
    assert review.message.is_error and review.message.text()
    session.sign_out()

    # --- the reviewer reviews; the sample is first in the queue (it fails) -----------
    sign_in_by_typing(qtbot, session, "reviewer")
    review.refresh()
    assert review.queue_model.ids()[0] == dialog.sample_id or review.queue_model.attention(
        review.queue_model.ids()[0]
    )
    assert review.select_sample(dialog.sample_id)
    assert review.queue_model.attention(dialog.sample_id)  # "1 failing"
    assert review.history.rowCount() > 0
    who = {column_text(review.history, r, 1) for r in range(review.history.rowCount())}
    assert "tech1" in who
    qtbot.mouseClick(review.review_button, Qt.MouseButton.LeftButton)
    assert not review.message.is_error, review.message.text()
    state = session.db.scalar("SELECT state FROM samples WHERE id = ?", (dialog.sample_id,))
    assert state == "reviewed"
    session.sign_out()

    # --- the manager approves ---------------------------------------------------------
    sign_in_by_typing(qtbot, session, "manager")
    review.state_choice.setCurrentIndex(review.state_choice.findData("reviewed"))
    assert review.select_sample(dialog.sample_id)
    qtbot.mouseClick(review.approve_button, Qt.MouseButton.LeftButton)
    assert not review.message.is_error, review.message.text()
    row = session.db.query_one(
        "SELECT state, conclusion_code FROM samples WHERE id = ?", (dialog.sample_id,)
    )
    assert row is not None and row["state"] == "approved" and row["conclusion_code"] == "fail"


def test_return_needs_reason_and_change_after_submit_asks_why(
    qtbot: QtBot, session: UiSession
) -> None:
    from labdesk.services import results, workflow

    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 13)
    for (item_id,) in session.db.query(
        "SELECT id FROM sample_items WHERE sample_id = ?", (sample_id,)
    ):
        results.enter_result(session.context, int(item_id), "0.3")
    workflow.submit(session.context, sample_id)
    session.sign_out()
    sign_in_as(session, "reviewer")
    review = ReviewScreen(session)
    qtbot.addWidget(review)
    assert review.select_sample(sample_id)
    assert not review.return_sample("")  # no reason: refused, stays submitted
    assert review.return_sample("铅 复测")
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", (sample_id,)) == "returned"
    # The technician corrects a value: the grid asks for a reason first.
    session.sign_out()
    sign_in_as(session, "tech1")
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    asked: list[int] = []

    def reason(view: ResultTableView, index: QModelIndex | QPersistentModelIndex) -> str | None:
        asked.append(index.row())
        return "复测后更正"

    screen.view.reason_provider = reason
    screen.view.focus_result(0)
    type_result(qtbot, screen.view, "ND(0.01)")
    assert asked == [0]
    latest = session.db.query_one(
        "SELECT r.text, r.reason FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
        "WHERE i.sample_id = ? AND r.superseded_by IS NULL AND i.seq = "
        "(SELECT min(seq) FROM sample_items WHERE sample_id = ?)",
        (sample_id, sample_id),
    )
    assert latest is not None and latest["text"] == "ND(0.01)" and latest["reason"] == "复测后更正"


def test_closing_mid_entry_loses_no_accepted_value(
    qtbot: QtBot, session: UiSession, demo_path: Path
) -> None:
    from labdesk.ui.main_window import MainWindow

    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 11)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.navigate("entry", sample_id)
    screen = window.screen_widget("entry")
    assert isinstance(screen, ResultEntryScreen)
    model = screen.view.grid_model()
    empty = [r for r in range(model.rowCount()) if not model.row_data(r).get("result_id")]
    assert len(empty) >= 1
    screen.view.focus_result(empty[0])
    type_result(qtbot, screen.view, "0.001")  # accepted with Enter
    accepted_item = model.item_id(empty[0])
    pending_item = None
    if len(empty) >= 2:
        screen.view.focus_result(empty[1])
        type_result(qtbot, screen.view, "ND(0.01)", accept=False)  # still in the editor
        pending_item = model.item_id(empty[1])
    window.close()
    QApplication.processEvents()
    session.db.close()
    reopened = open_database(demo_path)
    try:
        text = reopened.scalar(
            "SELECT text FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
            (accepted_item,),
        )
        assert text == "0.001"
        if pending_item is not None:  # closing accepts the open editor like leaving the cell
            assert (
                reopened.scalar(
                    "SELECT text FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
                    (pending_item,),
                )
                == "ND(0.01)"
            )
    finally:
        reopened.close()
    session.db = open_database(demo_path)  # the fixture closes it again


def test_paste_block_from_excel(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 12)
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    screen.view.focus_result(0)
    accepted, refused = screen.view.paste_text("ND(0.01)\r\nbad value\r\n<0.01\r\n")
    assert (accepted, refused) == (2, 1)
    assert cell(screen.view, 0, "result") == "ND(0.01)"
    assert cell(screen.view, 1, "result") == ""
    assert cell(screen.view, 2, "result") == "<0.01"
    assert screen.message.is_error and "bad value" in screen.message.text()
    assert auth.centre(session.db) is not None


def test_enterprise_lookup_completes_and_fills_the_unit(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    known = session.db.query_one("SELECT uscc, name, address FROM enterprises LIMIT 1")
    assert known is not None
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    form.unit_name.setFocus()
    type_text(qtbot, form.unit_name, str(known["name"])[2:6])  # a piece from the middle
    completions = form._completer_model
    qtbot.waitUntil(lambda: completions.rowCount() > 0, timeout=15000)
    offered = [completions.index(r, 0).data() for r in range(completions.rowCount())]
    choice = next(o for o in offered if str(known["uscc"]) in o)
    form.unit_name.completer().activated.emit(choice)
    qtbot.waitUntil(lambda: form.uscc.text() == known["uscc"], timeout=15000)
    assert form.unit_name.text() == known["name"]
    assert form.unit_address.text() == (known["address"] or "")


def test_tasks_created_by_manager_and_refused_to_technician(
    qtbot: QtBot, session: UiSession
) -> None:
    from labdesk.ui.tasks import TaskDialog, TasksScreen

    sign_in_as(session, "tech1")
    refused = TaskDialog(session)
    qtbot.addWidget(refused)
    type_text(qtbot, refused.task_no, "RW-UI-1")
    type_text(qtbot, refused.source, "合肥市市场监督管理局")
    refused.save()
    assert refused.task_id is None and refused.error.text()  # the service said no
    session.sign_out()
    sign_in_as(session, "manager")
    screen = TasksScreen(session)
    qtbot.addWidget(screen)
    before = screen.table.rowCount()
    dialog = TaskDialog(session)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.task_no, "RW-UI-1")
    type_text(qtbot, dialog.source, "合肥市市场监督管理局")
    dialog.save()
    assert dialog.task_id is not None, dialog.error.text()
    screen.refresh()
    assert screen.table.rowCount() == before + 1
    numbers = {column_text(screen.table, r, 0) for r in range(screen.table.rowCount())}
    assert "RW-UI-1" in numbers


def test_retest_keeps_the_first_result(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 14)
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    view = screen.view
    view.focus_result(0)
    view.retest_provider = lambda _view, _index: ("ND(0.01)", "复检")
    assert not view.retest_current()  # nothing to retest yet: refused in place
    assert screen.message.is_error
    type_result(qtbot, view, "0.5")
    view.focus_result(0)
    assert cell(view, 0, "verdict") == "Fail"
    assert view.retest_current()
    assert cell(view, 0, "result") == "ND(0.01)"
    assert cell(view, 0, "verdict") == "Pass"
    rows = session.db.query(
        "SELECT text, kind, attempt, superseded_by FROM results WHERE sample_item_id = ? "
        "ORDER BY id",
        (view.grid_model().item_id(0),),
    )
    assert [(r["text"], r["kind"], r["attempt"]) for r in rows] == [
        ("0.5", "entry", 1),
        ("ND(0.01)", "retest", 2),
    ]
    assert rows[0]["superseded_by"] is not None and rows[1]["superseded_by"] is None


def test_enter_moves_through_the_form_and_never_saves_it(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    dialog.form.sample_no.setFocus()
    assert dialog.form.sample_no.hasFocus()
    before = session.db.scalar("SELECT count(*) FROM samples")
    qtbot.keyClick(dialog.form.sample_no, Qt.Key.Key_Return)
    assert not dialog.form.sample_no.hasFocus()
    assert QApplication.focusWidget() is dialog.form.task  # the next field on the paper form
    assert dialog.result() != SamplingFormDialog.DialogCode.Accepted
    assert session.db.scalar("SELECT count(*) FROM samples") == before


def test_incomplete_form_registers_nothing(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    uscc = new_uscc(15)
    fill_form(qtbot, dialog, uscc, "UITEST-0015")
    dialog.form.sample_name.clear()  # required by the service
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is None
    assert dialog.form.fields["sample_name"].error.text()
    assert session.db.scalar("SELECT count(*) FROM enterprises WHERE uscc = ?", (uscc,)) == 0
    assert session.db.scalar("SELECT count(*) FROM samples WHERE sample_no = 'UITEST-0015'") == 0


def test_cancelling_a_sample_needs_a_reason_and_goes_through_the_service(
    qtbot: QtBot, session: UiSession
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from labdesk.ui.cancel_sample import CancelSampleDialog
    from labdesk.ui.samples import SamplesScreen

    sample_id = int(
        session.db.scalar("SELECT id FROM samples WHERE state = 'registered' ORDER BY id LIMIT 1")
    )

    def select(screen: SamplesScreen) -> None:
        screen.show_ids([sample_id], "one sample")
        screen.table.selectRow(0)
        assert screen.table.current_sample_id() == sample_id

    # A technician is refused by the service: the sample stays as it was.
    sign_in_as(session, "tech1")
    screen = SamplesScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    select(screen)
    assert not screen.cancel_sample(sample_id, "broken seal")
    assert screen.message.text() and "cancel" in screen.message.text().lower()
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", [sample_id]) == "registered"

    sign_in_as(session, "manager")
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(CancelSampleDialog)
    assert dialog is not None and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no reason, no cancellation
    type_text(qtbot, dialog.reason, "   ")
    assert not ok.isEnabled()
    type_text(qtbot, dialog.reason, "样品封条破损")
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", [sample_id]) == "cancelled"
    reason = session.db.scalar(
        "SELECT reason FROM sample_events WHERE sample_id = ? AND to_state = 'cancelled'",
        [sample_id],
    )
    assert reason == "样品封条破损"


def test_instrument_is_recorded_with_the_result(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 31)
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    view = screen.view
    asked: list[int] = []

    def instrument(_view: ResultTableView, index: QModelIndex | QPersistentModelIndex) -> str:
        asked.append(index.row())
        return "ICP-MS 02"

    view.instrument_provider = instrument
    action = view.findChild(QAction, "action_instrument")  # Ctrl+I, and the context menu
    assert action is not None and action.shortcut().toString() == "Ctrl+I"
    # No result yet: nothing to attach an instrument to, nothing written.
    view.focus_result(0)
    action.trigger()
    assert asked == [] and "result" in screen.message.text().lower()

    type_result(qtbot, view, "ND(0.01)")
    item_id = view.grid_model().item_id(0)
    view.focus_result(0)  # Enter moved down: back to the first row
    action.trigger()
    assert asked == [0]
    latest = session.db.query_one(
        "SELECT text, instrument FROM results WHERE sample_item_id = ? AND superseded_by IS NULL "
        "ORDER BY id DESC LIMIT 1",
        [item_id],
    )
    assert latest is not None
    assert (latest["text"], latest["instrument"]) == ("ND(0.01)", "ICP-MS 02")
    assert cell(view, 0, "instrument") == "ICP-MS 02"
    assert cell(view, 0, "result") == "ND(0.01)"
