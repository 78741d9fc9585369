"""Dialogs of the runs screen: a new run from the waiting items, and QC samples to add.

Each dialog's OK calls the service; a refusal (not authorized, instrument past its date,
an item already in a run …) is shown under the fields and the dialog stays open with
everything typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.services import instruments, methods, runs
from labdesk.ui.errors import error_text
from labdesk.ui.session import UiSession


class _ServiceDialog(QDialog):
    """OK runs `submit()`; a LabDeskError is shown and the dialog stays open."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("run_dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)
        self.submit: Callable[[], Any] | None = None
        self.outcome: Any = None
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _try(self) -> None:
        if self.submit is None:
            self.accept()
            return
        try:
            self.outcome = self.submit()
        except LabDeskError as exc:
            self.error.setText(error_text(exc))
            return
        self.accept()


def _qc_widgets(
    dialog: _ServiceDialog, method_code: str | None, labels: list[str], db: Any
) -> dict[str, QWidget]:
    """The QC rows of a form: blanks, duplicate of, spike of + amount, CRM, control."""
    blanks = QSpinBox()
    blanks.setObjectName("qc_blanks")
    blanks.setRange(0, 5)
    duplicate = QComboBox()
    duplicate.setObjectName("qc_duplicate")
    spike = QComboBox()
    spike.setObjectName("qc_spike")
    added = QLineEdit()
    added.setObjectName("qc_spike_added")
    added.setPlaceholderText(QCoreApplication.translate("RunQc", "amount added, in result units"))
    crm = QComboBox()
    crm.setObjectName("qc_crm")
    control = QComboBox()
    control.setObjectName("qc_control")
    for combo in (duplicate, spike):
        combo.addItem(QCoreApplication.translate("RunQc", "none"), None)
        for label in labels:
            combo.addItem(label, label)
    for combo, kind in ((crm, "crm"), (control, "control")):
        combo.addItem(QCoreApplication.translate("RunQc", "none"), None)
        if method_code:
            for material in methods.qc_materials(db, method_code):
                if material["kind"] == kind:
                    combo.addItem(f"{material['code']} {material['name']}", material["code"])
    dialog.form.addRow(QCoreApplication.translate("RunQc", "Blanks:"), blanks)
    dialog.form.addRow(QCoreApplication.translate("RunQc", "Duplicate of:"), duplicate)
    dialog.form.addRow(QCoreApplication.translate("RunQc", "Spike of:"), spike)
    dialog.form.addRow(QCoreApplication.translate("RunQc", "Spike added:"), added)
    dialog.form.addRow(QCoreApplication.translate("RunQc", "Reference material:"), crm)
    dialog.form.addRow(QCoreApplication.translate("RunQc", "Control material:"), control)
    return {
        "blanks": blanks,
        "duplicate": duplicate,
        "spike": spike,
        "added": added,
        "crm": crm,
        "control": control,
    }


def _qc_requests(widgets: dict[str, Any]) -> list[runs.QcRequest]:
    requests = [runs.QcRequest("blank") for _ in range(int(widgets["blanks"].value()))]
    if widgets["duplicate"].currentData():
        requests.append(runs.QcRequest("duplicate", of_label=widgets["duplicate"].currentData()))
    if widgets["spike"].currentData():
        requests.append(
            runs.QcRequest(
                "spike",
                of_label=widgets["spike"].currentData(),
                spike_added=widgets["added"].text().strip(),
            )
        )
    if widgets["crm"].currentData():
        requests.append(runs.QcRequest("crm", material=widgets["crm"].currentData()))
    if widgets["control"].currentData():
        requests.append(runs.QcRequest("control", material=widgets["control"].currentData()))
    return requests


class NewRunDialog(_ServiceDialog):
    """Method, instrument, the waiting items (all ticked), and the run's QC samples."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New analytical run"), parent)
        self.setObjectName("new_run_dialog")
        self.session = session
        self.method = QComboBox()
        self.method.setObjectName("new_run_method")
        for row in methods.list_methods(session.db):
            self.method.addItem(f"{row['code']} v{row['version']} — {row['name']}", row["code"])
        self.instrument = QComboBox()
        self.instrument.setObjectName("new_run_instrument")
        for row in instruments.list_instruments(session.db):
            problems = instruments.problems(row, date.today())
            state = self.tr("usable") if not problems else self.tr("past its date")
            self.instrument.addItem(f"{row['code']} {row['name']} ({state})", int(row["id"]))
        self.items = QListWidget()
        self.items.setObjectName("new_run_items")
        self.form.addRow(self.tr("Method:"), self.method)
        self.form.addRow(self.tr("Instrument:"), self.instrument)
        self.form.addRow(self.tr("Waiting items:"), self.items)
        self.qc: dict[str, Any] = {}
        self.items.itemChanged.connect(self._ticks_changed)
        self.method.currentIndexChanged.connect(self._load)
        self._load()
        self.submit = self._create
        self.resize(560, 620)

    def _load(self) -> None:
        self.items.clear()
        code = self.method.currentData()
        labels: list[str] = []
        if code:
            for row in runs.waiting_items(self.session.db, code):
                text = f"{row['sample_no']} {row['sample_name']} — {row['name']}"
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, int(row["id"]))
                item.setData(Qt.ItemDataRole.UserRole + 1, str(row["sample_no"]))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.items.addItem(item)
                labels.append(str(row["sample_no"]))
        for widget in self.qc.values():
            self.form.removeRow(widget)  # deletes the row's label and field
        self.qc = _qc_widgets(self, code, labels, self.session.db)
        self._ticks_changed()
        blanks = self.qc["blanks"]
        assert isinstance(blanks, QSpinBox)
        blanks.setValue(1)

    def _ticks_changed(self, *_: object) -> None:
        """A duplicate or spike can only repeat a sample that is ticked for the run."""
        if not self.qc:
            return
        ticked = [
            str(self.items.item(i).data(Qt.ItemDataRole.UserRole + 1))
            for i in range(self.items.count())
            if self.items.item(i).checkState() == Qt.CheckState.Checked
        ]
        for key in ("duplicate", "spike"):
            combo = self.qc[key]
            assert isinstance(combo, QComboBox)
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("none"), None)
            for label in ticked:
                combo.addItem(label, label)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
            combo.blockSignals(False)

    def chosen_items(self) -> list[int]:
        return [
            int(self.items.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.items.count())
            if self.items.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _create(self) -> int:
        code = self.method.currentData()
        instrument_id = self.instrument.currentData()
        if not code or instrument_id is None:
            raise LabDeskError(self.tr("Choose a method and an instrument."))
        return runs.create_run(
            self.session.context,
            str(code),
            int(instrument_id),
            self.chosen_items(),
            _qc_requests(self.qc),
        )


class AddQcDialog(_ServiceDialog):
    """QC samples added to an open run."""

    def __init__(self, session: UiSession, run_id: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Add QC samples"), parent)
        self.setObjectName("add_qc_dialog")
        self.session = session
        run = runs.get_run(session.db, run_id)
        labels = [
            str(i["label"]) for i in runs.run_items(session.db, run_id) if i["kind"] == "sample"
        ]
        self.qc = _qc_widgets(self, str(run["method_code"]), labels, session.db)
        self.submit = lambda: runs.add_qc(session.context, run_id, _qc_requests(self.qc))


class ReasonDialog(_ServiceDialog):
    """One reason line for an action that needs one (release, cancel, accept)."""

    def __init__(
        self, title: str, prompt: str, act: Callable[[str], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName("reason_dialog")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason_text")
        self.form.addRow(prompt, self.reason)
        self.submit = lambda: act(self.reason.text())
