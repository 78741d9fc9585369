"""Review queue (审核/批准), by exception: failing, edited and retested samples first.

Select a sample to see its items and results and its history (the audit trail: old →
new, who, when, why). A reviewer marks it reviewed, a manager approves; either may
return it with a reason. Who may do what — and that nobody reviews or approves their
own entries — is decided by `services.workflow`; its refusal is shown plainly here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.entry import InlineMessage
from labdesk.ui.history import describe_action, describe_value, local_time
from labdesk.ui.i18n import QT_TRANSLATE_NOOP
from labdesk.ui.labels import VERDICT_BRUSHES, chinese_ui, state_title, verdict_text
from labdesk.ui.layout_state import restore_header, save_header
from labdesk.ui.report_signing import keep_issued_pdf, with_signer
from labdesk.ui.session import UiSession

ModelIndex = QModelIndex | QPersistentModelIndex


def queue_flags(db: Any, sample_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per sample: failing items, edited items (corrections) and retests, for the queue."""
    if not sample_ids:
        return {}
    marks = ", ".join("?" * len(sample_ids))
    rows = db.query(
        "SELECT si.sample_id, "
        "sum(CASE WHEN r.superseded_by IS NULL AND r.verdict = 'fail' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN r.kind = 'correction' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN r.kind = 'retest' THEN 1 ELSE 0 END) "
        "FROM sample_items si JOIN results r ON r.sample_item_id = si.id "
        f"WHERE si.sample_id IN ({marks}) GROUP BY si.sample_id",
        sample_ids,
    )
    return {
        int(r[0]): {"failing": int(r[1] or 0), "edited": int(r[2] or 0), "retested": int(r[3] or 0)}
        for r in rows
    }


class QueueModel(QAbstractTableModel):
    """The queue: sample ids in the service's order (exceptions first)."""

    # Attention second: it is why the order is what it is, so it must stay visible.
    COLUMNS = (
        QT_TRANSLATE_NOOP("QueueModel", "Sample no."),
        QT_TRANSLATE_NOOP("QueueModel", "Attention"),
        QT_TRANSLATE_NOOP("QueueModel", "Sample"),
        QT_TRANSLATE_NOOP("QueueModel", "Enterprise"),
        QT_TRANSLATE_NOOP("QueueModel", "State"),
    )

    def __init__(self, session: UiSession, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self._ids: list[int] = []
        self._rows: dict[int, dict[str, Any]] = {}
        self._flags: dict[int, dict[str, int]] = {}

    def load(self, state: str) -> None:
        from labdesk.services import queries
        from labdesk.ui import grid_data

        # Read before the reset: a database that cannot be read leaves the queue shown.
        ids = list(queries.review_queue(self.session.db, state=state))
        # A queue is tens or hundreds of samples: fetching its rows at once is cheap.
        rows = grid_data.sample_rows(self.session.db, ids)
        flags = queue_flags(self.session.db, ids)
        self.beginResetModel()
        self._ids, self._rows, self._flags = ids, rows, flags
        self.endResetModel()

    def sample_id(self, row: int) -> int:
        return self._ids[row]

    def ids(self) -> list[int]:
        return list(self._ids)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            from PySide6.QtCore import QCoreApplication

            return QCoreApplication.translate("QueueModel", self.COLUMNS[section])
        return None

    def attention(self, sample_id: int) -> str:
        flags = self._flags.get(sample_id, {})
        parts = []
        if flags.get("failing"):
            parts.append(self.tr("{0} failing").format(flags["failing"]))
        if flags.get("edited"):
            parts.append(self.tr("{0} edited").format(flags["edited"]))
        if flags.get("retested"):
            parts.append(self.tr("{0} retested").format(flags["retested"]))
        return ", ".join(parts)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        sample_id = self._ids[index.row()]
        row = self._rows.get(sample_id, {})
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 1:
            if self._flags.get(sample_id, {}).get("failing"):
                return VERDICT_BRUSHES["fail"]
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return row.get("sample_no", "")
        if column == 1:
            return self.attention(sample_id)
        if column == 2:
            return row.get("sample_name", "")
        if column == 3:
            return row.get("enterprise_name") or ""
        return state_title(str(row.get("state", "")))


class ReviewScreen(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._notice_shown = False  # the message line holds a "cannot be read" notice
        self.session = session
        self.setObjectName("screen_review")

        self.state_choice = QComboBox()
        self.state_choice.setObjectName("review_state")
        self.state_choice.addItem(self.tr("Submitted — to review"), "submitted")
        self.state_choice.addItem(self.tr("Reviewed — to approve"), "reviewed")
        if session.role == "manager":
            self.state_choice.setCurrentIndex(1)
        self.state_choice.currentIndexChanged.connect(self.refresh)

        self.queue_model = QueueModel(session, self)
        self.queue = QTableView()
        self.queue.setObjectName("review_queue")
        self.queue.setModel(self.queue_model)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.queue.verticalHeader().setDefaultSectionSize(26)
        self.queue.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((140, 110, 90, 150)):
            self.queue.horizontalHeader().resizeSection(column, width)
        restore_header(session.settings, "review/queue", self.queue.horizontalHeader())
        self.queue.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())

        self.items = QTableWidget(0, 7)
        self.items.setObjectName("review_items")
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.items.horizontalHeader().setStretchLastSection(True)
        self.items.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("Limit"),
                self.tr("Result"),
                self.tr("Reported"),
                self.tr("Verdict"),
                self.tr("Attempt"),
                self.tr("Explanation"),
            ]
        )
        for column, width in enumerate((150, 100, 90, 80, 70, 60)):
            self.items.horizontalHeader().resizeSection(column, width)

        self.history = QTableWidget(0, 6)
        self.history.setObjectName("review_history")
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setHorizontalHeaderLabels(
            [
                self.tr("When"),
                self.tr("Who"),
                self.tr("What"),
                self.tr("Old"),
                self.tr("New"),
                self.tr("Why"),
            ]
        )
        for column, width in enumerate((170, 70, 150, 120, 140)):
            self.history.horizontalHeader().resizeSection(column, width)

        self.comment = QLineEdit()
        self.comment.setObjectName("review_comment")
        self.comment.setPlaceholderText(self.tr("Comment (optional for review/approval)"))
        self.review_button = QPushButton(self.tr("Mark &reviewed"))
        self.review_button.setObjectName("review_button")
        self.review_button.clicked.connect(self.review)
        # 报告类别: derived from the conclusion, confirmed or changed by the approver.
        from labdesk.core.report_class import REPORT_CLASSES

        self.report_class = QComboBox()
        self.report_class.setObjectName("review_report_class")
        self.report_class.setToolTip(self.tr("Report class (报告类别) confirmed at approval"))
        self.report_class.addItem(self.tr("(no report class)"), "")
        for report_class in REPORT_CLASSES:
            self.report_class.addItem(report_class, report_class)
        self.approve_button = QPushButton(self.tr("&Approve"))
        self.approve_button.setObjectName("approve_button")
        self.approve_button.clicked.connect(self.approve)
        self.return_button = QPushButton(self.tr("Re&turn…"))
        self.return_button.setObjectName("return_button")
        self.return_button.clicked.connect(lambda: self.return_sample())
        self.message = InlineMessage(self)
        self.message.setObjectName("review_message")
        self.detail_heading = QLabel()
        self.detail_heading.setObjectName("review_heading")

        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("review_find")
        self.find_edit.setPlaceholderText(self.tr("Scan or type a sample number, then Enter"))
        self.find_edit.returnPressed.connect(self.find_scanned)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.state_choice)
        left_layout.addWidget(self.find_edit)
        left_layout.addWidget(self.queue)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail_heading)
        # Beside each result: its readings, formula and the run's QC (issue 16).
        from labdesk.ui.raw_data_panel import RawDataPanel

        self.raw_data = RawDataPanel(session, self)
        self._item_ids: list[int] = []
        self.items.itemSelectionChanged.connect(self._show_raw_data)
        beside = QSplitter()
        beside.addWidget(self.items)
        beside.addWidget(self.raw_data)
        beside.setSizes([560, 320])
        right_layout.addWidget(beside, 3)
        history_label = QLabel(self.tr("History (audit trail)"))
        right_layout.addWidget(history_label)
        right_layout.addWidget(self.history, 2)
        actions = QHBoxLayout()
        actions.addWidget(self.comment, 1)
        actions.addWidget(self.review_button)
        actions.addWidget(self.report_class)
        actions.addWidget(self.approve_button)
        actions.addWidget(self.return_button)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.message)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([480, 760])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.passphrase_dialog: QWidget | None = None  # asked before the first approval
        self.refresh()

    # ----- screen protocol ------------------------------------------------------------

    def refresh(self) -> None:
        """The queue read again. If the database cannot be read (a server that is away),
        the queue, the sample shown and the comment typed stay; the line says so and the
        next action reads again."""
        selected = self.selected_sample_id()
        try:
            self.queue_model.load(str(self.state_choice.currentData()))
        except LabDeskError as exc:
            self._read_failed(exc)
            return
        ids = self.queue_model.ids()
        row = ids.index(selected) if selected in ids else 0
        if ids:
            self.queue.selectRow(row)
        self._show_selected()

    def save_layout(self) -> None:
        save_header(self.session.settings, "review/queue", self.queue.horizontalHeader())

    # ----- selection ------------------------------------------------------------------

    def selected_sample_id(self) -> int | None:
        index = self.queue.currentIndex()
        if not index.isValid() or index.row() >= self.queue_model.rowCount():
            return None
        return self.queue_model.sample_id(index.row())

    def open_record(self, record: object) -> None:
        if isinstance(record, int):
            self.select_sample(record)

    def select_sample(self, sample_id: int) -> bool:
        ids = self.queue_model.ids()
        if sample_id not in ids:
            return False
        self.queue.selectRow(ids.index(sample_id))
        self._show_selected()
        return True

    def find_scanned(self) -> bool:
        """A scanned label (or typed number) selects the sample in the queue."""
        from labdesk.ui.scanning import resolve

        try:
            found = resolve(self.session, self.find_edit.text())
        except LabDeskError as exc:
            self._read_failed(exc)  # the typed number stays in the field
            return False
        self.find_edit.clear()
        if isinstance(found, str):
            self.message.show_message(found, True)
            return False
        if not self.select_sample(found.sample_id):
            self.message.show_message(
                self.tr("Sample {0} is not in this queue ({1}).").format(
                    found.sample_no, state_title(found.state)
                ),
                True,
            )
            return False
        self.queue.setFocus()
        return True

    def _read_failed(self, exc: LabDeskError) -> None:
        from labdesk.ui.server_notice import notice

        self.message.show_message(notice(exc), True)
        self._notice_shown = True

    def _show_selected(self) -> None:
        try:
            self._show_sample()
        except LabDeskError as exc:
            self._read_failed(exc)
            return
        if self._notice_shown:  # read again: the notice no longer holds
            self._notice_shown = False
            self.message.show_message("", False)

    def _show_sample(self) -> None:
        sample_id = self.selected_sample_id()
        self.items.setRowCount(0)
        self.history.setRowCount(0)
        has = sample_id is not None
        for button in (self.review_button, self.approve_button, self.return_button):
            button.setEnabled(has)
        if sample_id is None:
            self.detail_heading.setText(self.tr("Nothing waiting here."))
            return
        self._fill_items(sample_id)
        self._fill_history(sample_id)
        from labdesk.services.workflow import proposed_report_class

        proposed = proposed_report_class(self.session.db, sample_id)
        self.report_class.setCurrentIndex(max(0, self.report_class.findData(proposed)))

    def _fill_items(self, sample_id: int) -> None:
        from labdesk.services import queries

        detail = queries.sample_detail(self.session.db, sample_id)
        self.detail_heading.setText(
            f"{detail.get('sample_no', '')} — {detail.get('sample_name', '')} — "
            f"{state_title(str(detail.get('state', '')))}"
        )
        items = queries.sample_items_with_results(self.session.db, sample_id)
        self._item_ids = [int(i["id"]) for i in items]
        self.items.setRowCount(len(items))
        for row, item in enumerate(items):
            current = item.get("current") or {}
            verdict = current.get("verdict")
            explanation = current.get("explanation_zh" if chinese_ui() else "explanation_en", "")
            values = (
                item.get("name", ""),
                item.get("limit_text", ""),
                current.get("text", ""),
                current.get("rounded") or current.get("display") or "",
                verdict_text(verdict),
                str(current.get("attempt", "")),
                explanation or "",
            )
            for column, value in enumerate(values):
                cell = QTableWidgetItem(str(value))
                if column == 4 and verdict in VERDICT_BRUSHES:
                    cell.setBackground(QBrush(VERDICT_BRUSHES[verdict]))
                self.items.setItem(row, column, cell)

    def _show_raw_data(self) -> None:
        row = self.items.currentRow()
        self.raw_data.show_item(self._item_ids[row] if 0 <= row < len(self._item_ids) else None)

    def _fill_history(self, sample_id: int) -> None:
        from labdesk.services import queries

        entries = queries.sample_history(self.session.db, sample_id)
        self.history.setRowCount(len(entries))
        for row, entry in enumerate(reversed(entries)):  # newest first
            values = (
                local_time(str(entry.get("at_utc", "")), str(entry.get("at_offset", ""))),
                entry.get("username", ""),
                describe_action(entry),
                describe_value(entry, entry.get("old")) if entry.get("field") else "",
                describe_value(entry, entry.get("new")),
                entry.get("reason", ""),
            )
            for column, value in enumerate(values):
                self.history.setItem(row, column, QTableWidgetItem(str(value)))

    # ----- actions --------------------------------------------------------------------

    def _act(self, action: str, reason: str = "", signer: Any = None) -> bool:
        from labdesk.services import workflow

        sample_id = self.selected_sample_id()
        if sample_id is None:
            return False
        ctx = self.session.context
        comment = self.comment.text().strip()
        problem = ""
        try:
            if action == "review":
                workflow.review(ctx, sample_id, comment=comment)
            elif action == "approve":
                workflow.approve(
                    ctx,
                    sample_id,
                    comment=comment,
                    report_class=str(self.report_class.currentData() or ""),
                    signer=signer,
                )
                problem = keep_issued_pdf(self.session, sample_id, signer)
            else:
                workflow.return_sample(ctx, sample_id, reason)
        except LabDeskError as exc:
            from labdesk.ui.server_notice import notice

            self.message.show_message(notice(exc), True)  # the comment typed stays
            return False
        done = {
            "review": self.tr("Marked reviewed."),
            "approve": self.tr("Approved; the report is issued.")
            if not problem
            else self.tr("Approved, but the report PDF could not be kept: {0}").format(problem),
            "return": self.tr("Returned for rework."),
        }[action]
        self.comment.clear()
        self.message.show_message(done, False)
        self.session.notify_changed("review")
        self.refresh()
        return True

    def review(self) -> bool:
        return self._act("review")

    def approve(self) -> bool:
        """Approves (and issues the signed report); with a signing key not yet opened in
        this session, the passphrase dialog comes first (`self.passphrase_dialog`) and the
        approval happens when it is accepted."""
        if self.selected_sample_id() is None:
            return False
        done: list[bool] = []
        self.passphrase_dialog = with_signer(
            self.session, self, lambda signer: done.append(self._act("approve", signer=signer))
        )
        return bool(done and done[0])

    def return_sample(self, reason: str | None = None) -> bool:
        if reason is None:
            text, ok = QInputDialog.getText(
                self,
                self.tr("Return the sample"),
                self.tr("Why is it returned? (the technician sees this)"),
            )
            if not ok:
                return False
            reason = text.strip()
        if not reason:
            self.message.show_message(self.tr("A return needs a reason."), True)
            return False
        return self._act("return", reason)
