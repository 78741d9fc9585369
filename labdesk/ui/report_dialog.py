"""A sample's issued report: its versions, their PDFs, correction (更正) and withdrawal (作废).

Every version is listed with its state (in force, superseded, withdrawn) and reason; the
PDF of any version is saved exactly as it was issued (an old one byte for byte, marked
here as no longer in force). A manager opens a correction — the sample goes back to the
technicians and its next approval issues the next version — or withdraws the report in
force; both need a reason, and the service decides who may (`services.report_issues`).
The file question is a replaceable provider (`ask_path`) for tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.errors import error_text
from labdesk.ui.report_signing import with_signer
from labdesk.ui.session import UiSession


class ReasonDialog(QDialog):
    """Collects a required reason: OK stays disabled until something is typed.

    With `submit` set, OK runs it and the dialog closes only when it succeeds: a refusal
    (a server away, above all) is said on the dialog's own line and the reason typed stays
    for the next try (issue 18.5).
    """

    def __init__(self, title: str, explanation: str, ok_text: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("report_reason_dialog")
        self.setWindowTitle(title)
        label = QLabel(explanation)
        label.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("report_reason")
        self.reason.setTabChangesFocus(True)
        self.submit: Callable[[str], bool] | None = None
        self.error = QLabel()
        self.error.setObjectName("report_reason_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setEnabled(False)
        self.reason.textChanged.connect(
            lambda: ok.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        self.buttons.accepted.connect(self._try_submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _try_submit(self) -> None:
        if self.submit is None or self.submit(self.reason_text()):
            self.accept()

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()


def _ask_path(parent: QWidget, name: str) -> str:
    title = QCoreApplication.translate("ReportDialog", "Save the report PDF")
    path, _filter = QFileDialog.getSaveFileName(parent, title, name, "PDF (*.pdf)")
    return path


class ReportDialog(QDialog):
    """`changed()` is emitted after a correction is opened or the report withdrawn."""

    changed = Signal()

    def __init__(self, session: UiSession, sample_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.sample_id = sample_id
        self.setObjectName("report_dialog")
        self.sample_no = str(
            session.db.scalar("SELECT sample_no FROM samples WHERE id = ?", [sample_id])
        )
        self.setWindowTitle(self.tr("Report of sample {0}").format(self.sample_no))
        self.ask_path: Callable[[str], str] = lambda name: _ask_path(self, name)
        self.reason_dialog: ReasonDialog | None = None
        self.passphrase_dialog: QWidget | None = None
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("report_versions")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Report no."),
                self.tr("Version"),
                self.tr("State"),
                self.tr("Issued"),
                self.tr("Reason"),
            ]
        )
        for column, width in enumerate((170, 60, 110, 150)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.message = QLabel()
        self.message.setObjectName("report_message")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save &PDF…"))
        self.save_button.setObjectName("report_save_pdf")
        self.save_button.clicked.connect(self.save_pdf)
        self.correct_button = QPushButton(self.tr("&Correct…"))
        self.correct_button.setObjectName("report_correct")
        self.correct_button.setToolTip(
            self.tr("Open a correction: the sample goes back for rework and is approved again")
        )
        self.correct_button.clicked.connect(self.start_correction)
        self.withdraw_button = QPushButton(self.tr("&Withdraw…"))
        self.withdraw_button.setObjectName("report_withdraw")
        self.withdraw_button.clicked.connect(self.start_withdrawal)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(720, 320)
        self.refresh()

    def state_text(self, state: str) -> str:
        return {
            "current": self.tr("In force"),
            "superseded": self.tr("Superseded"),
            "withdrawn": self.tr("Withdrawn"),
        }.get(state, state)

    def refresh(self) -> None:
        from labdesk.services import report_issues

        self.versions = report_issues.report_history(self.session.db, self.sample_id)
        self.table.setRowCount(len(self.versions))
        for row, issue in enumerate(self.versions):
            reason = issue["withdrawn_reason"] or issue["reason"] or ""
            values = (
                issue["report_no"],
                str(issue["version"]),
                self.state_text(str(issue["state"])),
                str(issue["issued_at"])[:19].replace("T", " ") + " UTC",
                reason,
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if self.versions:
            self.table.selectRow(len(self.versions) - 1)
        else:
            self._say(self.tr("No report has been issued for this sample yet."), True)
        has_current = any(v["state"] == "current" for v in self.versions)
        self.withdraw_button.setEnabled(has_current)
        self.correct_button.setEnabled(bool(self.versions))
        self.save_button.setEnabled(bool(self.versions))

    def _say(self, text: str, error: bool) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def selected(self) -> dict[str, Any] | None:
        row = self.table.currentRow()
        return self.versions[row] if 0 <= row < len(self.versions) else None

    # ----- the PDF --------------------------------------------------------------------

    def save_pdf(self) -> bool:
        from labdesk.reports.issue import stored_pdf

        issue = self.selected()
        if issue is None:
            return False
        kept = stored_pdf(self.session.db, int(issue["id"]))
        if kept is not None:
            return self._write(issue, kept)
        if not issue["payload"]:
            from labdesk.reports.issue import render_issue

            return self._write(issue, render_issue(self.session.db, int(issue["id"]), None))
        done: list[bool] = []
        self.passphrase_dialog = with_signer(
            self.session, self, lambda signer: done.append(self._render_kept(issue, signer))
        )
        return bool(done and done[0])

    def _render_kept(self, issue: dict[str, Any], signer: Any) -> bool:
        from labdesk.reports.issue import issue_pdf, render_issue

        try:
            if issue["state"] == "current":
                pdf = issue_pdf(self.session.context, int(issue["id"]), signer)
            else:  # an old version never kept: rendered now, not kept as "issued"
                pdf = render_issue(self.session.db, int(issue["id"]), signer)
        except LabDeskError as exc:
            self._say(error_text(exc), True)
            return False
        return self._write(issue, pdf)

    def _write(self, issue: dict[str, Any], pdf: bytes) -> bool:
        name = f"{issue['report_no']}-v{issue['version']}.pdf"
        path = self.ask_path(name)
        if not path:
            return False
        try:
            Path(path).write_bytes(pdf)
        except OSError as exc:
            self._say(error_text(exc), True)  # names the file and why, in the UI's language
            return False
        if issue["state"] == "current":
            self._say(self.tr("Saved {0}, the report in force.").format(path), False)
        else:
            self._say(
                self.tr("Saved {0} as issued; this version is no longer in force ({1}).").format(
                    path, self.state_text(str(issue["state"]))
                ),
                False,
            )
        return True

    # ----- correction and withdrawal ----------------------------------------------------

    def _ask_reason(self, title: str, explanation: str, ok: str, then: Callable[[str], object]):
        if self.reason_dialog is not None:
            self.reason_dialog.setParent(None)  # see SamplesScreen.start_cancel
        dialog = ReasonDialog(title, explanation, ok, self)

        def submit(reason: str) -> bool:
            done = bool(then(reason))
            dialog.error.setText("" if done else self.message.text())
            return done

        dialog.submit = submit
        self.reason_dialog = dialog
        dialog.open()
        return dialog

    def start_correction(self) -> ReasonDialog:
        return self._ask_reason(
            self.tr("Correct report of {0}").format(self.sample_no),
            self.tr(
                "The report in force stays as issued. The sample goes back for rework; when "
                "it is approved again the corrected version is issued and replaces it. "
                "Reason for the correction (required, printed on the new version):"
            ),
            self.tr("Open the correction"),
            self.correct,
        )

    def start_withdrawal(self) -> ReasonDialog:
        return self._ask_reason(
            self.tr("Withdraw report of {0}").format(self.sample_no),
            self.tr(
                "The report is kept, marked withdrawn, and HQ is told with the next batch. "
                "Reason (required):"
            ),
            self.tr("Withdraw the report"),
            self.withdraw,
        )

    def correct(self, reason: str) -> bool:
        from labdesk.services import report_issues

        try:
            report_issues.open_correction(self.session.context, self.sample_id, reason)
        except LabDeskError as exc:
            self._say(error_text(exc), True)
            return False
        self._say(self.tr("Correction opened: the sample is back with the technicians."), False)
        self.session.notify_changed("samples")
        self.refresh()
        self.changed.emit()
        return True

    def withdraw(self, reason: str) -> bool:
        from labdesk.services import report_issues

        try:
            report_issues.withdraw(self.session.context, self.sample_id, reason)
        except LabDeskError as exc:
            self._say(error_text(exc), True)
            return False
        self._say(self.tr("Report withdrawn; HQ is told with the next batch."), False)
        self.session.notify_changed("samples")
        self.refresh()
        self.changed.emit()
        return True
