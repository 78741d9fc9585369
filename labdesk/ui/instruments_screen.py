"""The equipment register (仪器设备): due dates of calibration, verification and the
intermediate check (期间核查), status, and whether each instrument may be used today.

Registering and updating are for the technical manager and the administrator; allowing
a run on an instrument past its date is the technical manager's (the manager role),
with a reason — the services decide, a refusal is shown under the table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import ValidationError
from labdesk.services import instruments
from labdesk.ui.entry import InlineMessage
from labdesk.ui.labels import VERDICT_BRUSHES, chinese_ui
from labdesk.ui.run_dialogs import _ServiceDialog
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession


def _date(text: str, field: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            field, "date", f"{field}: {text!r} is not a date YYYY-MM-DD"
        ) from None


class InstrumentsScreen(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_instruments")
        self.dialog: _ServiceDialog | None = None
        self._rows: list[dict[str, Any]] = []
        self.table = QTableWidget(0, 9)
        self.table.setObjectName("instruments_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Number"),
                self.tr("Name"),
                self.tr("Model"),
                self.tr("Location"),
                self.tr("Calibration valid through"),
                self.tr("Verification valid through"),
                self.tr("Intermediate check due"),
                self.tr("Status"),
                self.tr("Today"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("register", self.tr("Register…"), self.start_register),
            ("update", self.tr("Update dates…"), self.start_update),
            ("allow", self.tr("Allow past its date…"), self.start_allow),
        ):
            button = QPushButton(text)
            button.setObjectName(f"instruments_{key}")
            button.clicked.connect(lambda _=False, s=slot: s())
            self.buttons[key] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = InlineMessage(self)
        self.read_notice = ReadNotice(self.message)
        self.message.setObjectName("instruments_message")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        """Read again; a server away leaves what is shown and says so (server_notice)."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
        self._rows = instruments.list_instruments(self.session.db)
        today = date.today()
        zh = chinese_ui()
        self.table.setRowCount(len(self._rows))
        for row, item in enumerate(self._rows):
            problems = instruments.problems(item, today)
            allowed = (
                problems
                and not any(p.rule == "out_of_service" for p in problems)
                and item["override_until"]
                and date.fromisoformat(item["override_until"]) >= today
            )
            if not problems:
                usable = self.tr("usable")
            elif allowed:
                usable = self.tr("allowed through {0}: {1}").format(
                    item["override_until"], item["override_reason"]
                )
            else:
                usable = "; ".join(p.message_zh if zh else p.message_en for p in problems)
            status = (
                self.tr("in service")
                if item["status"] == "in_service"
                else self.tr("out of service")
            )
            cells = (
                item["code"],
                item["name"],
                item["model"],
                item["location"],
                item["calibration_due"] or "",
                item["verification_due"] or "",
                item["check_due"] or "",
                status,
                usable,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(str(text))
                cell.setData(Qt.ItemDataRole.UserRole, int(item["id"]))
                if column == 8:
                    key = "pass" if not problems else ("not_judged" if allowed else "fail")
                    cell.setBackground(QBrush(VERDICT_BRUSHES[key]))
                self.table.setItem(row, column, cell)

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            self.message.show_message(self.tr("Select an instrument first."), True)
            return None
        return self._rows[rows[0].row()]

    def _open(self, dialog: _ServiceDialog, done: str) -> _ServiceDialog:
        if self.dialog is not None:
            self.dialog.setParent(None)
        self.dialog = dialog

        def finished() -> None:
            self.message.show_message(done, False)
            self.session.notify_changed("instruments")
            self.refresh()

        dialog.accepted.connect(finished)
        dialog.open()
        return dialog

    def _line(self, dialog: _ServiceDialog, name: str, label: str, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(f"instrument_{name}")
        dialog.form.addRow(label, edit)
        return edit

    def start_register(self) -> _ServiceDialog:
        dialog = _ServiceDialog(self.tr("Register an instrument"), self)
        dialog.setObjectName("instrument_dialog")
        code = self._line(dialog, "code", self.tr("Equipment number:"))
        name = self._line(dialog, "name", self.tr("Name:"))
        model = self._line(dialog, "model", self.tr("Model:"))
        location = self._line(dialog, "location", self.tr("Location:"))
        dates = {
            f: self._line(dialog, f, label)
            for f, label in (
                ("calibration_due", self.tr("Calibration valid through (YYYY-MM-DD):")),
                ("verification_due", self.tr("Verification valid through (YYYY-MM-DD):")),
                ("check_due", self.tr("Intermediate check due (YYYY-MM-DD):")),
            )
        }

        def submit() -> int:
            return instruments.register_instrument(
                self.session.context,
                instruments.InstrumentForm(
                    code.text(),
                    name.text(),
                    model=model.text(),
                    location=location.text(),
                    calibration_due=_date(dates["calibration_due"].text(), "calibration_due"),
                    verification_due=_date(dates["verification_due"].text(), "verification_due"),
                    check_due=_date(dates["check_due"].text(), "check_due"),
                ),
            )

        dialog.submit = submit
        return self._open(dialog, self.tr("Instrument registered."))

    def start_update(self) -> _ServiceDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = _ServiceDialog(self.tr("Update {0}").format(row["code"]), self)
        dialog.setObjectName("instrument_update_dialog")
        dates = {
            f: self._line(dialog, f, label, row[f] or "")
            for f, label in (
                ("calibration_due", self.tr("Calibration valid through (YYYY-MM-DD):")),
                ("verification_due", self.tr("Verification valid through (YYYY-MM-DD):")),
                ("check_due", self.tr("Intermediate check due (YYYY-MM-DD):")),
            )
        }
        status = QComboBox()
        status.setObjectName("instrument_status")
        status.addItem(self.tr("in service"), "in_service")
        status.addItem(self.tr("out of service"), "out_of_service")
        status.setCurrentIndex(max(0, status.findData(row["status"])))
        dialog.form.addRow(self.tr("Status:"), status)
        reason = self._line(dialog, "reason", self.tr("Reason (required):"))
        instrument_id = int(row["id"])

        def submit() -> None:
            changes: dict[str, Any] = {f: _date(e.text(), f) for f, e in dates.items()}
            changes["status"] = status.currentData()
            instruments.update_instrument(
                self.session.context, instrument_id, changes, reason.text()
            )

        dialog.submit = submit
        return self._open(dialog, self.tr("Instrument updated."))

    def start_allow(self) -> _ServiceDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = _ServiceDialog(self.tr("Allow {0} past its date").format(row["code"]), self)
        dialog.setObjectName("instrument_allow_dialog")
        until = self._line(
            dialog, "until", self.tr("Allowed through (YYYY-MM-DD):"), date.today().isoformat()
        )
        reason = self._line(dialog, "reason", self.tr("Reason (required):"))
        instrument_id = int(row["id"])

        def submit() -> None:
            day = _date(until.text(), "until")
            if day is None:
                raise ValidationError("until", "required", "until: a date is required")
            instruments.allow_past_due(self.session.context, instrument_id, day, reason.text())

        dialog.submit = submit
        return self._open(dialog, self.tr("Allowed; the reason is kept on every run."))
