"""The audit trail: search by sample, user, date range and action; old → new with the
reason; and "Verify audit trail", which re-walks the hash chain and replays the log.

The list is a lazy model paged by sequence number (newest first), with Fixed headers, so
a trail of a million entries opens as fast as one of ten. Verification runs off the GUI
thread on its own read-only connection and reports intact or the first broken entry.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.services.audit import AuditReport
from labdesk.store.engine import DbTarget
from labdesk.ui.errors import error_text
from labdesk.ui.manager_lazy import LazyRowsModel
from labdesk.ui.manager_queries import (
    AuditQuery,
    audit_actions,
    audit_page,
    audit_usernames,
    local_time,
    value_text,
)
from labdesk.ui.manager_widgets import MessageBanner, make_table
from labdesk.ui.operations import TaskState, run_operation
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

PAGE = 300


def verify_file(db_path: DbTarget, state: TaskState | None = None) -> AuditReport:
    """The worker: verify the trail over a read-only connection (never the writer).

    With a `state`, progress goes to its dialog and Cancel there really stops the walk:
    `verify_audit` polls `state.is_cancelled` and raises `VerificationCancelled`.
    """
    import dataclasses

    from labdesk.services.audit import verify_audit
    from labdesk.store.anchor import check_against_anchors
    from labdesk.store.db import open_reader

    reader = open_reader(db_path)
    try:
        if state is None:
            report = verify_audit(reader)
        else:
            report = verify_audit(reader, progress=state.set_progress, cancel=state.is_cancelled)
        from labdesk.batch.outbox_anchors import outbox_anchors

        # The head kept outside the file (21.4): the anchor file, backups, the outbox.
        anchored = check_against_anchors(reader, more=outbox_anchors(reader).anchors)
    finally:
        reader.close()
    if report.ok and not anchored.ok:
        first = anchored.anchor.seq if anchored.anchor is not None else None
        return dataclasses.replace(
            report,
            ok=False,
            first_broken_seq=first,
            problem=anchored.problem,
            problems=[anchored.problem],
        )
    return report


class AuditScreen(QWidget):
    """Search the audit trail and verify it."""

    # Emitted when a verification finished and its result is shown (tests wait on it).
    verified = Signal()
    # Emitted when `refresh()` has reloaded the filter choices.
    refreshed = Signal()

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_audit")
        self.report: AuditReport | None = None
        self._entries: dict[int, dict[str, Any]] = {}
        self.choices_loaded = False

        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.banner = MessageBanner(self)
        self.read_notice = ReadNotice(self.banner)
        outer.addWidget(self.banner)

        filters = QHBoxLayout()
        self.sample_edit = QLineEdit(self)
        self.sample_edit.setObjectName("sample_edit")
        self.sample_edit.setPlaceholderText(self.tr("Sample no."))
        self.sample_edit.returnPressed.connect(self.search)
        self.user_combo = QComboBox(self)
        self.user_combo.setObjectName("user_combo")
        self.user_combo.addItem(self.tr("Any user"), "")
        self.action_combo = QComboBox(self)
        self.action_combo.setObjectName("action_combo")
        self.action_combo.addItem(self.tr("Any action"), "")
        self.dates_check = QCheckBox(self.tr("From"), self)
        self.dates_check.setObjectName("dates_check")
        self.date_from = QDateEdit(self)
        self.date_from.setObjectName("date_from")
        self.date_to = QDateEdit(self)
        self.date_to.setObjectName("date_to")
        today = QDate.currentDate()
        self.date_from.setDate(today.addMonths(-1))
        self.date_to.setDate(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.dates_check.toggled.connect(self.date_from.setEnabled)
        self.dates_check.toggled.connect(self.date_to.setEnabled)
        self.search_button = QPushButton(self.tr("Search"), self)
        self.search_button.setObjectName("search_button")
        self.search_button.clicked.connect(self.search)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.clicked.connect(self.clear_filters)
        self.user_combo.activated.connect(lambda _i: self.search())
        self.action_combo.activated.connect(lambda _i: self.search())
        filters.addWidget(QLabel(self.tr("Sample:"), self))
        filters.addWidget(self.sample_edit)
        filters.addWidget(QLabel(self.tr("User:"), self))
        filters.addWidget(self.user_combo)
        filters.addWidget(QLabel(self.tr("Action:"), self))
        filters.addWidget(self.action_combo)
        filters.addWidget(self.dates_check)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(self.tr("to"), self))
        filters.addWidget(self.date_to)
        filters.addWidget(self.search_button)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        outer.addLayout(filters)

        verify_row = QHBoxLayout()
        self.verify_button = QPushButton(self.tr("Verify audit trail"), self)
        self.verify_button.setObjectName("verify_button")
        self.verify_button.clicked.connect(self.verify)
        self.verify_label = QLabel(self.tr("Not verified in this session."), self)
        self.verify_label.setObjectName("verify_label")
        self.verify_label.setWordWrap(True)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        verify_row.addWidget(self.verify_button)
        verify_row.addWidget(self.verify_label, 1)
        outer.addLayout(verify_row)

        self.model = LazyRowsModel(
            [
                self.tr("#"),
                self.tr("When (local)"),
                self.tr("User"),
                self.tr("Action"),
                self.tr("Record"),
                self.tr("Field"),
                self.tr("Old value"),
                self.tr("New value"),
                self.tr("Reason"),
            ],
            page_size=PAGE,
            parent=self,
        )
        self.model.readFailed.connect(self.read_notice.failed)
        self.table = make_table(self.model, self)
        self.table.setObjectName("audit_table")
        for column, width in ((0, 70), (1, 190), (2, 90), (3, 110), (4, 140), (5, 120)):
            self.table.setColumnWidth(column, width)
        for column in (6, 7):
            self.table.setColumnWidth(column, 200)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("audit_detail")
        self.detail.setReadOnly(True)
        self.problems = QPlainTextEdit(self)
        self.problems.setObjectName("verify_problems")
        self.problems.setReadOnly(True)
        self.problems.hide()
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.addWidget(self.problems)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter, 1)
        self.refresh()

    # ----- searching ------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the list now and the filter choices off the GUI thread (listing the
        distinct actions reads the whole trail)."""
        self.search()
        db_path = self.session.db_path

        def work(state: TaskState) -> tuple[list[str], list[str]]:
            from labdesk.store.db import open_reader

            reader = open_reader(db_path)
            try:
                return audit_usernames(reader), audit_actions(reader)
            finally:
                reader.close()

        run_operation(
            self,
            work,
            label=self.tr("Reading the audit trail…"),
            on_success=self._fill_choices,
            on_failure=self._on_choices_failed,
        )

    def _fill_choices(self, choices: tuple[list[str], list[str]]) -> None:
        usernames, actions = choices

        def fill(combo: QComboBox, all_text: str, values: list[str]) -> None:
            current = combo.currentData()
            combo.clear()
            combo.addItem(all_text, "")
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0))

        fill(self.user_combo, self.tr("Any user"), usernames)
        fill(self.action_combo, self.tr("Any action"), actions)
        self.choices_loaded = True
        self.refreshed.emit()

    def _on_choices_failed(self, exc: BaseException) -> None:
        from labdesk.ui.errors import user_message

        if not isinstance(exc, LabDeskError):
            log.error("audit choices failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.banner.show_error(user_message(exc))
        self.refreshed.emit()

    def clear_filters(self) -> None:
        self.sample_edit.clear()
        self.user_combo.setCurrentIndex(0)
        self.action_combo.setCurrentIndex(0)
        self.dates_check.setChecked(False)
        self.search()

    def current_query(self) -> AuditQuery:
        """The query the controls describe (raises NotFound for an unknown sample no.)."""
        from labdesk.core.errors import ValidationError
        from labdesk.services import queries

        sample_id = None
        sample_no = self.sample_edit.text().strip()
        if sample_no:
            sample_id = queries.sample_id_by_no(self.session.db, sample_no)
        date_from: date | None = None
        date_to: date | None = None
        if self.dates_check.isChecked():
            date_from = self.date_from.date().toPython()  # type: ignore[assignment]
            date_to = self.date_to.date().toPython()  # type: ignore[assignment]
            if date_from and date_to and date_from > date_to:
                raise ValidationError(
                    "date_to", "not_before_date_from", self.tr("The end date is before the start.")
                )
        return AuditQuery(
            sample_id=sample_id,
            username=str(self.user_combo.currentData() or ""),
            action=str(self.action_combo.currentData() or ""),
            date_from=date_from,
            date_to=date_to,
        )

    def search(self) -> None:
        """The list for the filters as they are now; a server away keeps the list shown
        and the filters typed, and says so."""
        self.read_notice.read(self._search)

    def _search(self) -> None:
        from labdesk.ui.scanning import resolve

        found = resolve(self.session, self.sample_edit.text()) if self.sample_edit.text() else ""
        if not isinstance(found, str):  # a scanned label code: search its sample
            self.sample_edit.setText(found.sample_no)
        self.banner.clear_message()
        try:
            query = self.current_query()
        except LabDeskError as exc:
            self.banner.show_error(error_text(exc))
            self.model.set_source(None)
            return
        kept: dict[int, dict[str, Any]] = {}  # the new query's entries, shown once read
        db = self.session.db

        def page(last: Any, limit: int) -> list[tuple[Any, list[Any]]]:
            entries = audit_page(db, query, last, limit)
            out = []
            for e in entries:
                seq = int(e["seq"])
                kept[seq] = e
                out.append((seq, self._row(e)))
            return out

        self.model.set_source(page)
        self._entries = kept
        self.detail.clear()

    def _row(self, e: dict[str, Any]) -> list[Any]:
        field = e["field"]
        if field is None:
            field = self.tr("(new record)")
            old = ""
        else:
            old = value_text(e["old_value"])
        return [
            e["seq"],
            local_time(str(e["at_utc"]), str(e["at_offset"])),
            e["username"],
            e["action"],
            f"{e['table_name']} #{e['record_id']}",
            field,
            old,
            value_text(e["new_value"]),
            e["reason"],
        ]

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.detail.clear()
            return
        e = self._entries.get(int(self.model.key(rows[0].row())))
        if e is None:
            return
        lines = [
            self.tr("Entry {0}, {1} by {2}: {3} on {4} #{5}").format(
                e["seq"],
                local_time(str(e["at_utc"]), str(e["at_offset"])),
                e["username"],
                e["action"],
                e["table_name"],
                e["record_id"],
            ),
            self.tr("Field: {0}").format(e["field"] or self.tr("(new record)")),
            self.tr("Old: {0}").format(value_text(e["old_value"], limit=100_000)),
            self.tr("New: {0}").format(value_text(e["new_value"], limit=100_000)),
            self.tr("Reason: {0}").format(e["reason"] or "—"),
        ]
        self.detail.setPlainText("\n".join(lines))

    # ----- verifying ------------------------------------------------------------------

    def verify(self) -> None:
        """Run `verify_audit` off the GUI thread (with progress and Cancel) and show it."""
        self.banner.clear_message()
        self.verify_button.setEnabled(False)
        self.verify_label.setText(self.tr("Verifying…"))
        db_path = self.session.db_path

        def work(state: TaskState) -> AuditReport:
            state.set_progress(0, 0)
            return verify_file(db_path, state)

        run_operation(
            self,
            work,
            label=self.tr("Verifying the audit trail…"),
            on_success=self._on_verified,
            on_failure=self._on_verify_failed,
        )

    def _on_verify_failed(self, exc: BaseException) -> None:
        from labdesk.services.audit import VerificationCancelled
        from labdesk.ui.errors import user_message

        self.verify_label.setStyleSheet("")
        if isinstance(exc, VerificationCancelled):
            # The user's choice, not a failure: say so plainly, no error banner.
            self.verify_button.setEnabled(True)
            self.report = None
            self.verify_label.setText(self.tr("Verification cancelled."))
            self.problems.hide()
            self.verified.emit()
            return
        if not isinstance(exc, LabDeskError):
            log.error("audit verification failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.verify_button.setEnabled(True)
        self.verify_label.setText(self.tr("Verification could not run."))
        self.banner.show_error(user_message(exc))
        self.verified.emit()

    def _on_verified(self, report: AuditReport) -> None:
        self.report = report
        self.verify_button.setEnabled(True)
        if report.ok:
            self.verify_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
            self.verify_label.setText(
                self.tr("Audit trail intact: {0} entries checked; head {1} ({2}…).").format(
                    report.entries_checked, report.head_seq, report.head_hash[:16]
                )
            )
            self.problems.hide()
        else:
            self.verify_label.setStyleSheet("color: #b71c1c; font-weight: bold;")
            where = (
                self.tr("first broken entry: {0}").format(report.first_broken_seq)
                if report.first_broken_seq is not None
                else self.tr("the chain head")
            )
            self.verify_label.setText(
                self.tr("Audit trail BROKEN — {0}: {1}").format(where, report.problem)
            )
            self.problems.setPlainText("\n".join(report.problems))
            self.problems.show()
        self.verified.emit()
