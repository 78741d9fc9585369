"""A receptionist prints labels and receives by scanning; a manager approves (the key's
passphrase once per session), corrects and withdraws reports — keystrokes and clicks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QTableWidget
from pytestqt.qtbot import QtBot

from labdesk.services import report_issues, samples
from labdesk.signing.report_verify import verify_pdf
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.labels_dialog import LabelsDialog
from labdesk.ui.main_window import MainWindow
from labdesk.ui.report_dialog import ReasonDialog, ReportDialog
from labdesk.ui.report_signing import PassphraseDialog
from labdesk.ui.review import ReviewScreen
from labdesk.ui.samples import SamplesScreen
from labdesk.ui.sampling_form import SamplingFormDialog
from labdesk.ui.scanning import ReceivingDialog, ScanDialog
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import fill_form, fresh_sample, new_uscc


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item.text()


def _scan(qtbot: QtBot, field: object, code: str) -> None:
    """What a scanner does: type the code, then Enter."""
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _one(session: UiSession, state: str) -> tuple[int, str]:
    row = session.db.query_one(
        "SELECT id, sample_no FROM samples WHERE state = ? ORDER BY id LIMIT 1", (state,)
    )
    assert row is not None, f"the demo has no {state} sample"
    return int(row[0]), str(row[1])


def test_receiving_by_scanning_counts_and_refuses_with_reasons(
    qtbot: QtBot, session: UiSession
) -> None:
    from labdesk.services import enterprises, tasks

    sign_in_as(session, "tech1")
    received = fresh_sample(session, 901)  # registered and received already
    received_no = str(session.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (received,)))
    # Two samples freshly registered (not yet received) to scan in.
    nos = []
    for serial in (903, 904):
        uscc = new_uscc(serial)
        enterprises.register_enterprise(
            session.context, enterprises.EnterpriseForm(uscc=uscc, name=f"单位{serial}")
        )
        sample_id = samples.register_sample(
            session.context,
            samples.SampleForm(
                sample_no=f"SCAN-{serial}",
                sample_name="韭菜",
                category_code="VEG-CHIVES",
                sampling_date=date.today(),
                enterprise_uscc=uscc,
                task_no=str(tasks.list_tasks(session.db)[0]["task_no"]),
                samplers=["张伟", "李芳"],
                sealed=True,
                unit_acknowledged=True,
            ),
        )
        nos.append((sample_id, f"SCAN-{serial}"))
    cancelled_id, cancelled_no = _one(session, "cancelled")
    screen = SamplesScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.mouseClick(screen.receive_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(ReceivingDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.count.text() == "Received: 0"
    _scan(qtbot, dialog.code, f"{nos[0][1]}/J")  # a portion label
    assert dialog.count.text() == "Received: 1"
    assert "received" in dialog.message.text()
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", (nos[0][0],)) == "received"
    for code, words in (
        (nos[0][1], "scanned already"),
        ("NOT-A-LABEL", "No sample has the code NOT-A-LABEL"),
        (cancelled_no, "is cancelled"),
        (received_no, "was received before"),
    ):
        _scan(qtbot, dialog.code, code)
        assert words in dialog.message.text(), dialog.message.text()
        assert dialog.count.text() == "Received: 1"
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", (cancelled_id,)) == (
        "cancelled"
    )
    _scan(qtbot, dialog.code, nos[1][1])
    assert dialog.count.text() == "Received: 2"
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
        nos[1][1],
        nos[0][1],
    ]


def test_f8_and_every_search_field_open_a_scanned_sample(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 911)  # received
    number = str(session.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (sample_id,)))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.show_screen("tasks")
    qtbot.keyClick(window, Qt.Key.Key_F8)
    scan = window.findChild(ScanDialog)
    assert scan is not None and scan.isVisible()
    _scan(qtbot, scan.code, "NO-SUCH-CODE")
    assert "No sample has the code" in scan.message.text() and scan.isVisible()
    _scan(qtbot, scan.code, f"{number}/B")
    assert window.current_key() == "entry"
    entry = window.screen_widget("entry")
    assert isinstance(entry, ResultEntryScreen) and entry.model.sample_id == sample_id

    samples_screen = window.show_screen("samples")
    assert isinstance(samples_screen, SamplesScreen)
    samples_screen.text_filter.clear()
    _scan(qtbot, samples_screen.text_filter, f"{number}/F")
    assert window.current_key() == "entry"
    assert entry.model.sample_id == sample_id


def test_the_result_grid_jumps_to_a_scanned_sample(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    ids = [fresh_sample(session, 920 + n) for n in range(3)]
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.mode.setCurrentIndex(screen.mode.findData("item"))
    index = next(
        i
        for i in range(screen.item_choice.count())
        if screen.item_choice.itemData(i)[0] == "VEG-CHIVES"
    )
    screen.item_choice.setCurrentIndex(index)
    screen.item_choice.activated.emit(index)  # what choosing it in the list does
    target = ids[-1]
    number = str(session.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (target,)))
    screen.sample_no.clear()
    _scan(qtbot, screen.sample_no, f"{number}/J")
    row = screen.view.currentIndex().row()
    assert screen.model.row_data(row)["sample_id"] == target
    _scan(qtbot, screen.sample_no, "NOPE-1")
    assert "No sample has the code" in screen.message.text()


def test_labels_at_registration_and_on_demand(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    sign_in_as(session, "tech1")
    screen = SamplesScreen(session)
    qtbot.addWidget(screen)
    screen.show()

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SamplingFormDialog)
        fill_form(qtbot, dialog, new_uscc(931), "LABEL-0001")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_and_save)
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    labels = screen.findChild(LabelsDialog)
    assert labels is not None and labels.isVisible(), "labels open after registration"
    assert labels.sample_nos == ["LABEL-0001"]
    target = tmp_path / "labels.pdf"
    labels.ask_path = lambda: str(target)
    qtbot.mouseClick(labels.portions["retest"], Qt.MouseButton.LeftButton)  # untick 复检样
    qtbot.mouseClick(labels.pdf_button, Qt.MouseButton.LeftButton)
    assert "3 labels saved" in labels.message.text(), labels.message.text()
    assert target.read_bytes().count(b"/Type /Page\n") == 3

    # The system print dialog is the user's; the provider stands for it, a PDF printer.
    from PySide6.QtPrintSupport import QPrinter

    printed: list[int] = []

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))

    def ask_printer() -> QPrinter:
        printed.append(1)
        return printer

    labels.ask_printer = ask_printer
    qtbot.mouseClick(labels.print_button, Qt.MouseButton.LeftButton)
    assert printed and "3 labels sent to the printer" in labels.message.text()

    # On demand: the selected sample; a cancelled sample is refused plainly.
    qtbot.mouseClick(labels.close_button, Qt.MouseButton.LeftButton)
    cancelled_id, cancelled_no = _one(session, "cancelled")
    screen.text_filter.setText(cancelled_no)
    qtbot.wait(400)  # the filter applies after its typing pause
    qtbot.mouseClick(screen.labels_button, Qt.MouseButton.LeftButton)
    again = screen.findChild(LabelsDialog)
    assert again is not None and again.sample_nos == [cancelled_no]
    again.ask_path = lambda: str(tmp_path / "never.pdf")
    qtbot.mouseClick(again.pdf_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in again.message.text() and not (tmp_path / "never.pdf").exists()
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", (cancelled_id,)) == (
        "cancelled"
    )


def test_approval_asks_the_passphrase_once_and_issues_a_verifiable_report(
    qtbot: QtBot, session: UiSession
) -> None:
    from labdesk.batch.demo import DEMO_KDF, DEMO_KEY_PASSPHRASE
    from labdesk.reports.issue import stored_pdf
    from labdesk.services import keys

    sign_in_as(session, "manager")
    keys.init_keys(session.context, "sm2", DEMO_KEY_PASSPHRASE, kdf=DEMO_KDF)
    public = keys.public_key(session.db)
    reviewed = [
        int(r[0])
        for r in session.db.query("SELECT id FROM samples WHERE state = 'reviewed' ORDER BY id")
    ]
    assert len(reviewed) >= 2
    screen = ReviewScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.state_choice.setCurrentIndex(screen.state_choice.findData("reviewed"))
    assert screen.select_sample(reviewed[0])
    qtbot.mouseClick(screen.approve_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(PassphraseDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert "does not open the key" in dialog.error.text() and dialog.isVisible()
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", (reviewed[0],)) == (
        "reviewed"
    )
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, DEMO_KEY_PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert "report is issued" in screen.message.text(), screen.message.text()
    report = report_issues.current_report(session.db, reviewed[0])
    assert report is not None and report["payload"]
    pdf = stored_pdf(session.db, int(report["id"]))
    assert pdf is not None and verify_pdf(pdf, [public]).payload.version == 1

    # The second approval in the session does not ask again.
    assert screen.select_sample(reviewed[1])
    before = len(screen.findChildren(PassphraseDialog))
    qtbot.mouseClick(screen.approve_button, Qt.MouseButton.LeftButton)
    assert len(screen.findChildren(PassphraseDialog)) == before
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", (reviewed[1],)) == (
        "approved"
    )
    session.sign_out()
    assert session.report_signer is None  # forgotten at sign-out


def test_a_manager_withdraws_and_corrects_from_the_report_dialog(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    sign_in_as(session, "manager")
    approved_id, approved_no = _one(session, "approved")
    screen = SamplesScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.text_filter.setText(approved_no)
    qtbot.wait(400)  # the filter applies after its typing pause
    qtbot.mouseClick(screen.report_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(ReportDialog)
    assert dialog is not None and dialog.table.rowCount() == 1
    assert _cell(dialog.table, 0, 2) == "In force"
    target = tmp_path / "report.pdf"
    dialog.ask_path = lambda _name: str(target)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # unsigned demo: no key
    assert target.read_bytes().startswith(b"%PDF-"), dialog.message.text()

    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    reason = dialog.findChild(ReasonDialog)
    assert reason is not None and reason.isVisible()
    ok = reason.buttons.buttons()[0]
    assert not ok.isEnabled()  # a reason is required
    qtbot.keyClicks(reason.reason, "sample data mixed up")
    qtbot.mouseClick(reason.buttons.button(reason.buttons.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert _cell(dialog.table, 0, 2) == "Withdrawn", dialog.message.text()
    (row,) = report_issues.report_history(session.db, approved_id)
    assert row["state"] == "withdrawn" and row["withdrawn_reason"] == "sample data mixed up"
    assert not dialog.withdraw_button.isEnabled()

    qtbot.mouseClick(dialog.correct_button, Qt.MouseButton.LeftButton)
    reason = dialog.reason_dialog
    assert reason is not None
    qtbot.keyClicks(reason.reason, "name misspelt")
    qtbot.mouseClick(reason.buttons.button(reason.buttons.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert "back with the technicians" in dialog.message.text(), dialog.message.text()
    assert session.db.scalar("SELECT state FROM samples WHERE id = ?", (approved_id,)) == (
        "returned"
    )
