"""Cancelling a sample: a reason is required (the service refuses an empty one too).

The dialog only collects the reason: OK stays disabled until something is typed. The
cancellation itself, its permission check (managers only) and the state check are the
service's (`services.samples.cancel_sample`); nothing is deleted, the sample moves to
`cancelled` with the reason in its history and the audit trail.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class CancelSampleDialog(QDialog):
    def __init__(self, sample_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cancel_sample_dialog")
        self.setWindowTitle(self.tr("Cancel sample {0}").format(sample_no))
        explanation = QLabel(
            self.tr(
                "The sample is kept, marked as cancelled, with this reason in its history "
                "and the audit trail. Reason (required):"
            )
        )
        explanation.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("cancel_reason")
        self.reason.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Cancel the sample"))
        ok.setEnabled(False)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText(self.tr("Keep it"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(
            lambda: ok.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()
