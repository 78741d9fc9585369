"""Clocks & re-inspection (时限与复检): backup samples, 复检 / 异议 cases, the calendar.

Three tabs over `services.backups`, `services.cases` and `services.calendar_import`.
Every action goes to a service, which decides who may do it and refuses with the reason
(shown under the tab); the tables are re-read after each accepted action.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.ui.clock_panel import KIND_TITLES, OUTCOME_TITLES, _t
from labdesk.ui.errors import error_text
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession

DUE_BRUSH = QBrush(QColor("#fbecc0"))


class Message(QLabel):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.is_error = False

    def show_message(self, text: str, is_error: bool) -> None:
        self.is_error = is_error
        self.setStyleSheet("color: #b00020;" if is_error else "color: #1b5e20;")
        self.setText(text)


def _table(name: str, titles: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(titles))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(titles)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _group(title: str, inner: QLayout) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(inner)
    return box


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def _day(edit: QLineEdit, field: str, *, required: bool = True) -> date | None:
    text = edit.text().strip()
    if not text:
        if required:
            raise ValidationError(field, "required", f"{field}: YYYY-MM-DD")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "date", f"{field}: “{text}” — YYYY-MM-DD") from None


def _fill(table: QTableWidget, rows: list[list[Any]], ids: list[int]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem("" if value is None else str(value))
            item.setData(Qt.ItemDataRole.UserRole, ids[r])
            table.setItem(r, c, item)


def _selected_id(table: QTableWidget) -> int | None:
    item = table.item(table.currentRow(), 0) if table.currentRow() >= 0 else None
    return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))


class BackupsTab(QWidget):
    """The register of sealed backup samples; release by two people."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.today: date | None = None
        self.filter = _line("backups_filter", self.tr("Filter: sample number, name or seal"))
        self.filter.textChanged.connect(lambda _t: self.refresh())
        self.reminder = QLabel()
        self.reminder.setObjectName("backups_reminder")
        self.table = _table(
            "backups_table",
            [
                self.tr("Seal no."),
                self.tr("Sample no."),
                self.tr("Sample"),
                self.tr("Location"),
                self.tr("Quantity"),
                self.tr("Shelf life to"),
                self.tr("Keep until"),
                self.tr("State"),
                self.tr("Asked by"),
                self.tr("Released by"),
            ],
        )
        self.sample_no = _line("backup_sample_no", self.tr("sample number"))
        self.location = _line("backup_location", self.tr("e.g. 留样室 A-3-2"))
        self.seal_no = _line("backup_seal_no")
        self.quantity = _line("backup_quantity", self.tr("e.g. 2"))
        self.qty_unit = _line("backup_qty_unit", self.tr("e.g. 袋"))
        self.shelf_life_end = _line("backup_shelf_life_end", self.tr("YYYY-MM-DD (optional)"))
        self.register_button = QPushButton(self.tr("Register backup sample"))
        self.register_button.setObjectName("backup_register")
        self.register_button.clicked.connect(self.register)
        form = QFormLayout()
        form.addRow(self.tr("Sample no."), self.sample_no)
        form.addRow(self.tr("Location"), self.location)
        form.addRow(self.tr("Seal no."), self.seal_no)
        quantity = QHBoxLayout()
        quantity.addWidget(self.quantity)
        quantity.addWidget(self.qty_unit)
        form.addRow(self.tr("Quantity"), quantity)
        form.addRow(self.tr("Shelf life to"), self.shelf_life_end)
        form.addRow(self.register_button)

        self.reason = _line("backup_reason", self.tr("note or reason"))
        self.request_reinspection = QPushButton(self.tr("Ask release for re-inspection"))
        self.request_reinspection.setObjectName("backup_request_reinspection")
        self.request_reinspection.clicked.connect(lambda: self.request("reinspection"))
        self.request_disposal = QPushButton(self.tr("Ask disposal"))
        self.request_disposal.setObjectName("backup_request_disposal")
        self.request_disposal.clicked.connect(lambda: self.request("disposal"))
        self.confirm_button = QPushButton(self.tr("Confirm release (second person)"))
        self.confirm_button.setObjectName("backup_confirm")
        self.confirm_button.clicked.connect(self.confirm)
        self.withdraw_button = QPushButton(self.tr("Withdraw request"))
        self.withdraw_button.setObjectName("backup_withdraw")
        self.withdraw_button.clicked.connect(self.withdraw)
        actions = QHBoxLayout()
        actions.addWidget(self.reason, 1)
        for button in (
            self.request_reinspection,
            self.request_disposal,
            self.confirm_button,
            self.withdraw_button,
        ):
            actions.addWidget(button)
        self.message = Message("backups_message", self)
        self.read_notice = ReadNotice(self.message)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.reminder)
        layout.addWidget(self.table, 1)
        layout.addWidget(_group(self.tr("Selected backup sample"), actions))
        layout.addWidget(_group(self.tr("Register a backup sample"), form))
        layout.addWidget(self.message)

    def _today(self) -> date:
        return self.today or date.today()

    def refresh(self) -> None:
        """Read again; a server away leaves what is shown and says so (server_notice)."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
        from labdesk.services import backups

        rows = backups.list_backups(self.session.db, today=self._today(), text=self.filter.text())
        states = {
            "kept": self.tr("kept"),
            "release_requested": self.tr("release asked"),
            "released": self.tr("released"),
            "disposed": self.tr("disposed"),
        }
        _fill(
            self.table,
            [
                [
                    r["seal_no"],
                    r["sample_no"],
                    r["sample_name"],
                    r["location"],
                    f"{r['quantity']} {r['qty_unit']}".strip(),
                    r["shelf_life_end"] or "",
                    r["retain_until"] or "",
                    states.get(str(r["state"]), r["state"]),
                    r["requested_by_name"],
                    r["released_by_name"],
                ]
                for r in rows
            ],
            [int(r["id"]) for r in rows],
        )
        due = [r for r in rows if r["disposal_due"]]
        for row, entry in enumerate(rows):
            if entry["disposal_due"]:
                for column in range(self.table.columnCount()):
                    cell = self.table.item(row, column)
                    if cell is not None:
                        cell.setBackground(DUE_BRUSH)
        self.reminder.setText(
            self.tr("{0} backup samples are past their retention and due for disposal.").format(
                len(due)
            )
            if due
            else ""
        )

    def _act(self, action: Any, done: str) -> bool:
        try:
            action()
        except LabDeskError as exc:
            self.message.show_message(error_text(exc), True)
            return False
        self.message.show_message(done, False)
        self.session.notify_changed("backups")
        self.refresh()
        return True

    def register(self) -> bool:
        from labdesk.services import backups, queries

        def do() -> None:
            sample_id = queries.sample_id_by_no(self.session.db, self.sample_no.text().strip())
            backups.register_backup(
                self.session.context,
                backups.BackupForm(
                    sample_id,
                    self.location.text(),
                    self.seal_no.text(),
                    self.quantity.text(),
                    self.qty_unit.text(),
                    _day(self.shelf_life_end, "shelf_life_end", required=False),
                ),
            )

        ok = self._act(do, self.tr("Backup sample registered."))
        if ok:
            for edit in (self.seal_no, self.quantity, self.shelf_life_end):
                edit.clear()
        return ok

    def _selected(self) -> int | None:
        backup_id = _selected_id(self.table)
        if backup_id is None:
            self.message.show_message(self.tr("Select a backup sample first."), True)
        return backup_id

    def request(self, purpose: str) -> bool:
        from labdesk.services import backups

        backup_id = self._selected()
        if backup_id is None:
            return False
        return self._act(
            lambda: backups.request_release(
                self.session.context,
                backup_id,
                purpose,
                today=self._today(),
                note=self.reason.text(),
            ),
            self.tr("Release asked: a second person confirms it."),
        )

    def confirm(self) -> bool:
        from labdesk.services import backups

        backup_id = self._selected()
        if backup_id is None:
            return False
        return self._act(
            lambda: backups.confirm_release(self.session.context, backup_id),
            self.tr("Release confirmed."),
        )

    def withdraw(self) -> bool:
        from labdesk.services import backups

        backup_id = self._selected()
        if backup_id is None:
            return False
        return self._act(
            lambda: backups.withdraw_request(self.session.context, backup_id, self.reason.text()),
            self.tr("Request withdrawn: the sample is kept."),
        )


class CasesTab(QWidget):
    """复检 applications and 异议, their refusals, results and outcomes."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.table = _table(
            "cases_table",
            [
                self.tr("Case"),
                self.tr("Sample no."),
                self.tr("Report no."),
                self.tr("Kind"),
                self.tr("Applicant"),
                self.tr("Applied on"),
                self.tr("Window ends"),
                self.tr("Backup seal"),
                self.tr("Laboratory"),
                self.tr("Result"),
                self.tr("Outcome"),
            ],
        )
        self.sample_no = _line("case_sample_no", self.tr("sample number"))
        self.kind = QComboBox()
        self.kind.setObjectName("case_kind")
        self.kind.addItem(self.tr("Re-inspection (复检)"), ("reinspection", ""))
        self.kind.addItem(self.tr("Objection to the result (异议)"), ("objection", "result"))
        self.kind.addItem(self.tr("Objection to the sampling (异议)"), ("objection", "sampling"))
        self.applicant = _line("case_applicant")
        self.applied_on = _line("case_applied_on", "YYYY-MM-DD")
        self.received_on = _line(
            "case_received_on", self.tr("YYYY-MM-DD (default: the recorded receipt)")
        )
        self.open_button = QPushButton(self.tr("Register application"))
        self.open_button.setObjectName("case_open")
        self.open_button.clicked.connect(self.open_case)
        form = QFormLayout()
        form.addRow(self.tr("Sample no."), self.sample_no)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Applicant"), self.applicant)
        form.addRow(self.tr("Applied on"), self.applied_on)
        form.addRow(self.tr("Conclusion received on"), self.received_on)
        form.addRow(self.open_button)

        self.lab = _line("case_lab", self.tr("re-inspecting laboratory"))
        self.result = _line("case_result", self.tr("its result"))
        self.outcome = QComboBox()
        self.outcome.setObjectName("case_outcome")
        self.outcome.addItem(_t(OUTCOME_TITLES["upheld"]), "upheld")
        self.outcome.addItem(_t(OUTCOME_TITLES["overturned"]), "overturned")
        self.record_button = QPushButton(self.tr("Record result and close"))
        self.record_button.setObjectName("case_record")
        self.record_button.clicked.connect(self.record)
        result_row = QHBoxLayout()
        result_row.addWidget(self.lab, 1)
        result_row.addWidget(self.result, 1)
        result_row.addWidget(self.outcome)
        result_row.addWidget(self.record_button)

        self.notified_sample = _line("notified_sample_no", self.tr("sample number"))
        self.notified_on = _line("notified_on", "YYYY-MM-DD")
        self.notified_button = QPushButton(self.tr("Record receipt of the conclusion"))
        self.notified_button.setObjectName("notified_record")
        self.notified_button.clicked.connect(self.record_notification)
        notified_row = QHBoxLayout()
        notified_row.addWidget(QLabel(self.tr("Conclusion received (送达日)")))
        notified_row.addWidget(self.notified_sample)
        notified_row.addWidget(self.notified_on)
        notified_row.addWidget(self.notified_button)

        self.message = Message("cases_message", self)
        self.read_notice = ReadNotice(self.message)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(_group(self.tr("Selected case: the re-inspection's result"), result_row))
        layout.addWidget(_group(self.tr("New application"), form))
        layout.addLayout(notified_row)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        """Read again; a server away leaves what is shown and says so (server_notice)."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
        from labdesk.services import cases

        rows = cases.list_cases(self.session.db)
        kinds = {
            ("reinspection", ""): self.tr("Re-inspection"),
            ("objection", "result"): self.tr("Objection (result)"),
            ("objection", "sampling"): self.tr("Objection (sampling)"),
        }
        _fill(
            self.table,
            [
                [
                    r["id"],
                    r["sample_no"],
                    r["report_no"] or "",
                    kinds.get((str(r["kind"]), str(r["about"])), _t(KIND_TITLES[str(r["kind"])])),
                    r["applicant"],
                    r["applied_on"],
                    r["window_end"] or self.tr("none known"),
                    r["seal_no"] or "",
                    r["lab"],
                    r["result"],
                    _t(OUTCOME_TITLES.get(str(r["outcome"]), "")),
                ]
                for r in rows
            ],
            [int(r["id"]) for r in rows],
        )

    def _act(self, action: Any, done: str) -> bool:
        try:
            action()
        except LabDeskError as exc:
            self.message.show_message(error_text(exc), True)
            return False
        self.message.show_message(done, False)
        self.session.notify_changed("cases")
        self.refresh()
        return True

    def open_case(self) -> bool:
        from labdesk.services import cases, queries

        def do() -> None:
            kind, about = self.kind.currentData()
            sample_id = queries.sample_id_by_no(self.session.db, self.sample_no.text().strip())
            applied = _day(self.applied_on, "applied_on")
            assert applied is not None
            cases.open_case(
                self.session.context,
                cases.CaseForm(
                    sample_id,
                    kind,
                    self.applicant.text(),
                    applied,
                    received_on=_day(self.received_on, "received_on", required=False),
                    about=about,
                ),
            )

        return self._act(do, self.tr("Application registered."))

    def record(self) -> bool:
        from labdesk.services import cases

        case_id = _selected_id(self.table)
        if case_id is None:
            self.message.show_message(self.tr("Select a case first."), True)
            return False
        return self._act(
            lambda: cases.record_outcome(
                self.session.context,
                case_id,
                lab=self.lab.text(),
                result=self.result.text(),
                outcome=str(self.outcome.currentData()),
            ),
            self.tr("Result recorded; the case is closed."),
        )

    def record_notification(self) -> bool:
        from labdesk.services import clocks, queries

        def do() -> None:
            sample_id = queries.sample_id_by_no(
                self.session.db, self.notified_sample.text().strip()
            )
            day = _day(self.notified_on, "notified_on")
            assert day is not None
            clocks.record_notification(self.session.context, sample_id, day)

        return self._act(do, self.tr("Receipt recorded: the windows run from it."))


class CalendarTab(QWidget):
    """The years the working-day calendar knows, and the import of a year's file."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.table = _table(
            "calendar_table",
            [
                self.tr("Year"),
                self.tr("From"),
                self.tr("Source"),
                self.tr("Imported at"),
                self.tr("Imported by"),
            ],
        )
        self.path = _line("calendar_path", self.tr("the year's calendar file (.csv)"))
        self.browse = QPushButton(self.tr("Browse…"))
        self.browse.setObjectName("calendar_browse")
        self.browse.clicked.connect(self._browse)
        self.import_button = QPushButton(self.tr("Import calendar"))
        self.import_button.setObjectName("calendar_import")
        self.import_button.clicked.connect(self.import_file)
        note = QLabel(
            self.tr(
                "Working days follow the State Council's yearly holiday notice. A year that "
                "is not listed here is refused, never counted as plain weekdays: import its "
                "calendar when the notice is published (format: docs/clocks.md)."
            )
        )
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        row.addWidget(self.import_button)
        self.message = Message("calendar_message", self)
        self.read_notice = ReadNotice(self.message)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        """Read again; a server away leaves what is shown and says so (server_notice)."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
        from labdesk.services.calendars import year_list

        years = year_list(self.session.db)
        origins = {"package": self.tr("chinese-calendar package"), "imported": self.tr("imported")}
        _fill(
            self.table,
            [
                [
                    y["year"],
                    origins[str(y["origin"])],
                    y.get("source") or "",
                    y.get("imported_at") or "",
                    y.get("imported_by") or "",
                ]
                for y in reversed(years)
            ],
            [int(y["year"]) for y in reversed(years)],
        )

    def _browse(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Year calendar file"), "", self.tr("Calendar files (*.csv *.txt)")
        )
        if name:
            self.path.setText(name)

    def import_file(self) -> bool:
        from labdesk.services.calendar_import import import_calendar

        path = Path(self.path.text().strip())
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.message.show_message(error_text(exc), True)  # names the file and why
            return False
        try:
            outcome = import_calendar(self.session.context, data, path.name)
        except LabDeskError as exc:
            self.message.show_message(error_text(exc), True)
            return False
        if outcome.unchanged:
            text = self.tr("The calendar of {0} is already imported: nothing changed.").format(
                outcome.year
            )
        else:
            text = self.tr(
                "Calendar of {0} imported: {1} days off, {2} make-up working days; "
                "{3} samples' clocks recomputed."
            ).format(outcome.year, outcome.holidays, outcome.workdays, outcome.clocks_updated)
            if outcome.differs_from_package:
                text += " " + self.tr("It differs from the package on {0} days.").format(
                    len(outcome.differs_from_package)
                )
        self.message.show_message(text, False)
        self.session.notify_changed("calendar")
        self.refresh()
        return True


class ClocksScreen(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_clocks")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("clocks_tabs")
        self.backups = BackupsTab(session, self)
        self.cases = CasesTab(session, self)
        self.calendar = CalendarTab(session, self)
        self.tabs.addTab(self.backups, self.tr("Backup samples"))
        self.tabs.addTab(self.cases, self.tr("Re-inspections and objections"))
        self.tabs.addTab(self.calendar, self.tr("Working-day calendar"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.refresh()

    def refresh(self) -> None:
        self.backups.refresh()
        self.cases.refresh()
        self.calendar.refresh()
