"""The sampling form and the result grid on the common lab screen, 1366×768 (issue 20),
asserted by geometry: the credit code shown whole, fixed-length fields wide enough, the
dialog inside the screen, the verdict column in view; information is not styled as an
error; sealing and the unit's signature (or a witnessed refusal) before a non-draft save."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame, QWidget
from pytestqt.qtbot import QtBot

from labdesk.ui.entry import ResultEntryScreen, layout_key
from labdesk.ui.main_window import MainWindow
from labdesk.ui.sampling_form import (
    ERROR_STYLE,
    FIXED_WIDTH_SAMPLES,
    INFO_STYLE,
    SamplingFormDialog,
)
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import fill_form, fresh_sample, new_uscc
from tests.ui.typing import type_text

# A 1366×768 screen less a 40 px task bar: what a maximised window gets.
LAB_SCREEN = QSize(1366, 728)
CODE = "914403001922038216"


def text_width(edit: QLineEdit) -> int:
    """The width a line edit has for its text (inside frame and margins)."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    return rect.width() - margins.left() - margins.right() - 4  # 2 px each side (Qt)


def inside(child: QWidget, window: QWidget) -> bool:
    top_left = child.mapTo(window, child.rect().topLeft())
    bottom_right = child.mapTo(window, child.rect().bottomRight())
    return window.rect().contains(top_left) and window.rect().contains(bottom_right)


def test_the_sampling_form_fits_the_lab_screen(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    screen = dialog.screen().availableGeometry().size()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    dialog.show()
    dialog.resize(LAB_SCREEN)
    qtbot.waitUntil(lambda: dialog.size() == LAB_SCREEN)
    form = dialog.form
    type_text(qtbot, form.uscc, CODE)
    assert form.uscc.text() == CODE
    assert form.uscc.fontMetrics().horizontalAdvance(CODE) <= text_width(form.uscc)
    for key, widest in FIXED_WIDTH_SAMPLES.items():
        edit = form.fields[key].editor
        assert isinstance(edit, QLineEdit)
        assert edit.fontMetrics().horizontalAdvance(widest) <= text_width(edit) + 12, key
    # Every other field holds at least ten Chinese characters side by side.
    ten = form.uscc.fontMetrics().horizontalAdvance("测" * 10)
    for key, field in form.fields.items():
        if isinstance(field.editor, QLineEdit) and key != "reason":
            assert text_width(field.editor) >= ten, key
    for button in (dialog.save_button, dialog.draft_button):
        assert inside(button, dialog)


def test_a_new_unit_note_is_information_not_an_error(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.form.uscc, new_uscc(61))
    name = dialog.form.fields["enterprise_name"]
    assert name.info.isVisible() and "New unit" in name.info.text()
    assert name.info.styleSheet() == INFO_STYLE != ERROR_STYLE
    assert not name.error.isVisible()
    dialog.form.form_errors()  # the checks again: the note stays information
    assert name.info.isVisible() and not name.error.text()


def test_a_registered_form_is_sealed_and_signed_or_the_refusal_witnessed(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    uscc = new_uscc(62)
    fill_form(qtbot, dialog, uscc, "UITEST-0062")
    form = dialog.form
    qtbot.mouseClick(form.sealed, Qt.MouseButton.LeftButton)  # untick both
    qtbot.mouseClick(form.acknowledged, Qt.MouseButton.LeftButton)
    samples_before = session.db.scalar("SELECT count(*) FROM samples")

    def refused(field: str) -> None:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.sample_id is None and dialog.isVisible()
        shown = {k: f.error.text() for k, f in form.fields.items() if f.error.text()}
        assert form.fields[field].error.isVisible(), (field, shown, dialog.message.text())
        assert session.db.scalar("SELECT count(*) FROM samples") == samples_before
        # Nothing partial: the new unit is not registered either.
        assert session.db.scalar("SELECT count(*) FROM enterprises WHERE uscc = ?", (uscc,)) == 0

    refused("sealed")
    assert "封样" in form.fields["sealed"].error.text()
    qtbot.mouseClick(form.sealed, Qt.MouseButton.LeftButton)
    refused("unit_acknowledged")
    qtbot.mouseClick(form.refused, Qt.MouseButton.LeftButton)
    assert form.witness.isEnabled() and not form.acknowledged.isChecked()
    refused("refusal_witness")
    type_text(qtbot, form.witness, "张伟")  # one of the samplers
    refused("refusal_witness")
    form.witness.clear()
    type_text(qtbot, form.witness, "王社区")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is not None, dialog.message.text()
    row = session.db.query_one(
        "SELECT sealed, unit_acknowledged, unit_refused_sign, refusal_witness FROM samples "
        "WHERE id = ?",
        (dialog.sample_id,),
    )
    assert row is not None and tuple(row) == (1, 0, 1, "王社区")


def test_a_draft_needs_no_seal_yet(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    dialog = SamplingFormDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form.sample_no.clear()
    type_text(qtbot, dialog.form.sample_no, "UIDRAFT-0063")
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    assert dialog.sample_id is not None, dialog.message.text()


def _entry_window(qtbot: QtBot, session: UiSession, sample_id: int) -> ResultEntryScreen:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.show()
    window.resize(LAB_SCREEN)
    qtbot.waitUntil(lambda: window.size() == LAB_SCREEN)
    window.navigate("entry", sample_id)
    screen = window.screen_widget("entry")
    assert isinstance(screen, ResultEntryScreen)
    return screen


def _verdict_in_view(screen: ResultEntryScreen) -> bool:
    view = screen.view
    model = view.grid_model()
    rect = view.visualRect(model.index(0, model.column_of("verdict")))
    return rect.left() >= 0 and rect.right() <= view.viewport().width()


def test_the_verdict_column_is_in_view_at_1366x768(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    screen = _entry_window(qtbot, session, fresh_sample(session, 64))
    assert screen.view.grid_model().rowCount() > 0
    qtbot.waitUntil(lambda: _verdict_in_view(screen))


def test_a_widened_column_saved_earlier_does_not_push_the_verdict_away(
    qtbot: QtBot, session: UiSession
) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 65)
    first = _entry_window(qtbot, session, sample_id)
    header = first.view.horizontalHeader()
    header.resizeSection(first.view.grid_model().column_of("item"), 700)
    first.save_layout()
    saved = session.settings.value(f"columns/{layout_key('sample')}")
    assert isinstance(saved, QByteArray) and not saved.isEmpty()
    again = _entry_window(qtbot, session, sample_id)
    qtbot.waitUntil(lambda: _verdict_in_view(again))
    model = again.view.grid_model()
    assert again.view.horizontalHeader().sectionSize(model.column_of("result")) >= 110
