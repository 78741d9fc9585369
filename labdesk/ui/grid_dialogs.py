"""The result grid's small dialogs: a retest (value previewed as typed, and why) and an
item's detection limit (and why); both reasons are kept in the audit."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from labdesk.ui.grid_entry_model import ResultGridModel
from labdesk.ui.labels import verdict_text


class RetestDialog(QDialog):
    """A retest: the new value (previewed as typed) and why it was retested."""

    def __init__(self, model: ResultGridModel, row: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        data = model.row_data(row)
        self.setWindowTitle(self.tr("Retest — {0}").format(data.get("name", "")))
        form = QFormLayout(self)
        form.addRow(
            self.tr("Current result"),
            QLabel(f"{data.get('result_text') or ''} ({verdict_text(data.get('verdict'))})"),
        )
        self.value = QLineEdit()
        self.value.setObjectName("retest_value")
        self.reason = QLineEdit()
        self.reason.setObjectName("retest_reason")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        form.addRow(self.tr("Retest result"), self.value)
        form.addRow("", self.preview)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.value.textEdited.connect(
            lambda text: self.preview.setText(model.judge_preview(row, text) if text else "")
        )


class LodDialog(QDialog):
    """The detection limit (检出限) of one item and why it is entered (kept in the audit)."""

    def __init__(self, data: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Detection limit — {0}").format(data.get("name", "")))
        form = QFormLayout(self)
        self.lod = QLineEdit(str(data.get("lod") or ""))
        self.lod.setObjectName("lod_value")
        self.lod.setPlaceholderText(self.tr("e.g. 0.01"))
        self.reason = QLineEdit()
        self.reason.setObjectName("lod_reason")
        self.reason.setPlaceholderText(self.tr("e.g. the method standard and its clause"))
        unit = str(data.get("unit") or "")
        label = (
            self.tr("Detection limit ({0})").format(unit) if unit else self.tr("Detection limit")
        )
        form.addRow(label, self.lod)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
