"""The samples list (样品): lazy, id-only, filtered by state and text.

`SampleListModel` holds sample ids only, loaded a page at a time by keyset as the user
scrolls, and fetches row contents in blocks when rows are painted, so a 50,000-sample
database opens as fast as an empty one. Enter or double-click opens the sample in result
entry — except a draft or registered sample (nothing to enter yet), which opens its
sampling form for correction; "Edit…" (F2) opens the form of a sample in any state the
service lets it be edited in; "New sample" (Ctrl+N) opens a blank sampling form.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.services.clock_counts import week_end
from labdesk.ui import grid_data
from labdesk.ui.clock_panel import ClockPanel, due_brush
from labdesk.ui.i18n import QT_TRANSLATE_NOOP
from labdesk.ui.labels import VERDICT_BRUSHES, chinese_ui, state_title
from labdesk.ui.layout_state import restore_header, save_header
from labdesk.ui.session import UiSession

ModelIndex = QModelIndex | QPersistentModelIndex

FETCH_BLOCK = 64
CACHE_ROWS = 2000

COLUMNS = (
    ("sample_no", QT_TRANSLATE_NOOP("SampleList", "Sample no."), 150),
    ("sample_name", QT_TRANSLATE_NOOP("SampleList", "Sample"), 160),
    ("enterprise_name", QT_TRANSLATE_NOOP("SampleList", "Sampled unit"), 240),
    ("category_name", QT_TRANSLATE_NOOP("SampleList", "Category"), 140),
    ("sampling_date", QT_TRANSLATE_NOOP("SampleList", "Sampled on"), 100),
    ("state", QT_TRANSLATE_NOOP("SampleList", "State"), 80),
    ("conclusion_label", QT_TRANSLATE_NOOP("SampleList", "Conclusion"), 80),
    ("report_due_date", QT_TRANSLATE_NOOP("SampleList", "Report due"), 100),
)

# States whose sample opens in its sampling form (Enter / double-click) rather than in
# result entry: nothing can be entered yet, the form is what there is to correct.
FORM_STATES = ("draft", "registered")
# States in which the service lets the sampling form be changed (update_sample).
EDITABLE_STATES = ("draft", "registered", "received", "testing", "returned")

CONCLUSION_BRUSH = {"合格": "pass", "不合格": "fail", "不判定": "not_judged"}


class SampleListModel(QAbstractTableModel):
    """Sample ids by keyset pages; row contents fetched lazily in blocks.

    A read the database cannot answer (a server that is away) changes nothing shown:
    `set_query` raises before the list is reset, a page not read is read again on the
    next scroll, rows not read stay blank until the next refresh, and `readFailed` tells
    the screen."""

    readFailed = Signal(object)  # the LabDeskError of a page or rows not read

    def __init__(self, session: UiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.query = grid_data.SampleQuery()
        self._ids: list[int] = []
        self._more = False
        self._cache: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.today: date | None = None  # tests pin the day
        self._due_bounds = ("", "")

    def set_query(self, query: grid_data.SampleQuery) -> None:
        # Read before the reset: a database that cannot be read leaves the list shown.
        ids = grid_data.sample_id_page(self.session.db, query, None)
        self.beginResetModel()
        today = self.today or date.today()
        # Once per refresh, not per paint: a due date is coloured by comparing its text.
        self._due_bounds = (today.isoformat(), week_end(today).isoformat())
        self.query = query
        self._cache.clear()
        self._ids = ids
        self._more = len(self._ids) == grid_data.PAGE_SIZE
        self.endResetModel()

    def reload(self) -> None:
        self.set_query(self.query)

    def sample_id(self, row: int) -> int:
        return self._ids[row]

    def loaded_ids(self) -> list[int]:
        return list(self._ids)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or not self._ids:
            return
        try:
            page = grid_data.sample_id_page(self.session.db, self.query, self._ids[-1])
        except LabDeskError as exc:
            self.readFailed.emit(exc)  # still more to fetch: the next scroll tries again
            return
        self._more = len(page) == grid_data.PAGE_SIZE
        if page:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._ids.extend(page)
            self.endInsertRows()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            from PySide6.QtCore import QCoreApplication

            return QCoreApplication.translate("SampleList", COLUMNS[section][1])
        return None

    def row_data(self, row: int) -> dict[str, Any]:
        sample_id = self._ids[row]
        data = self._cache.get(sample_id)
        if data is not None:
            return data
        start = max(0, row - FETCH_BLOCK // 4)
        block = [i for i in self._ids[start : start + FETCH_BLOCK] if i not in self._cache]
        try:
            fetched = grid_data.sample_rows(self.session.db, block)
        except LabDeskError as exc:
            # Shown blank until the user's next action reads the list again (a paint
            # asks for every cell: trying the server for each would freeze the window).
            for key in block:
                self._cache[key] = {}
            self.readFailed.emit(exc)
            return {}
        for key in block:
            if key in fetched:
                self._cache[key] = fetched[key]
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(sample_id, {})

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.row_data(index.row())
            value = row.get(key)
            if key == "category_name" and row.get("category_name_en") and not chinese_ui():
                value = row["category_name_en"]
            if key == "state":
                return state_title(str(value or ""))
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.BackgroundRole and key == "report_due_date":
            row = self.row_data(index.row())
            return due_brush(row.get(key), row.get("state"), *self._due_bounds)
        if role == Qt.ItemDataRole.BackgroundRole and key == "conclusion_label":
            label = self.row_data(index.row()).get(key)
            return VERDICT_BRUSHES.get(CONCLUSION_BRUSH.get(str(label), ""))
        return None


class SampleTable(QTableView):
    """A table of samples; Enter opens the current one."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.sample_model = SampleListModel(session, self)
        self.setModel(self.sample_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never ResizeToContents
        vertical.setDefaultSectionSize(24)
        vertical.setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, (_key, _title, width) in enumerate(COLUMNS):
            header.resizeSection(column, width)
        self.doubleClicked.connect(lambda _index: self.open_current())
        # Set by the Samples screen: how a draft or registered sample is opened (its
        # sampling form, for correction); without it everything opens in result entry.
        self.edit_handler: Callable[[int], object] | None = None

    def current_sample_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.sample_model.sample_id(index.row())

    def current_state(self) -> str:
        index = self.currentIndex()
        if not index.isValid():
            return ""
        return str(self.sample_model.row_data(index.row()).get("state") or "")

    def open_current(self) -> None:
        """A draft or registered sample (nothing to enter yet) opens its sampling form;
        any other opens in result entry."""
        sample_id = self.current_sample_id()
        if sample_id is None:
            return
        if self.edit_handler is not None and self.current_state() in FORM_STATES:
            self.edit_handler(sample_id)
            return
        self.session.events.navigate.emit("entry", sample_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current()
            return
        sample_id = self.current_sample_id()
        if event.key() == Qt.Key.Key_F2 and self.edit_handler and sample_id is not None:
            self.edit_handler(sample_id)  # the sampling form, in any state
            return
        super().keyPressEvent(event)


STATE_FILTERS = (
    "",
    "registered",
    "received",
    "testing",
    "returned",
    "submitted",
    "reviewed",
    "approved",
    "exported",
    "draft",
    "cancelled",
)


class SamplesScreen(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_samples")
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("samples_state")
        for state in STATE_FILTERS:
            self.state_filter.addItem(state_title(state) if state else self.tr("All"), state)
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("samples_text")
        self.text_filter.setPlaceholderText(
            self.tr("Filter: sample number, name, batch, enterprise or USCC")
        )
        self.text_filter.setClearButtonEnabled(True)
        self.new_button = QPushButton(self.tr("&New sample…"))
        self.new_button.setObjectName("samples_new")
        self.new_button.clicked.connect(self.new_sample)
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.setObjectName("samples_edit")
        self.edit_button.setToolTip(
            self.tr("Open the selected sample's sampling form to correct it (F2)")
        )
        self.edit_button.clicked.connect(lambda: self.start_edit())
        self._edit_dialog: QWidget | None = None
        self.cancel_button = QPushButton(self.tr("Cancel sample…"))
        self.cancel_button.setObjectName("samples_cancel")
        self.cancel_button.clicked.connect(self.start_cancel)
        self._cancel_dialog: QWidget | None = None
        # Labels, receiving by scanning and the issued report (ui/labels_dialog,
        # ui/scanning, ui/report_dialog): one non-modal dialog each, replaced when reopened.
        self.labels_button = QPushButton(self.tr("&Labels…"))
        self.labels_button.setObjectName("samples_labels")
        self.labels_button.setToolTip(self.tr("Print the selected sample's labels (Ctrl+L)"))
        self.labels_button.clicked.connect(lambda: self.start_labels())
        self.receive_button = QPushButton(self.tr("&Receive by scanning…"))
        self.receive_button.setObjectName("samples_receive")
        self.receive_button.clicked.connect(self.start_receiving)
        self.report_button = QPushButton(self.tr("Re&port…"))
        self.report_button.setObjectName("samples_report")
        self.report_button.setToolTip(
            self.tr("The issued report: versions, PDF, correction, withdrawal")
        )
        self.report_button.clicked.connect(self.start_report)
        self.items_button = QPushButton(self.tr("Test &items…"))
        self.items_button.setObjectName("samples_items")
        self.items_button.setToolTip(
            self.tr("Add or remove the selected sample's test items, with a reason")
        )
        self.items_button.clicked.connect(lambda: self.start_items())
        self._dialogs: dict[str, QWidget] = {}
        self.message = QLabel()
        self.message.setObjectName("samples_message")
        self.message.setWordWrap(True)
        self.count_label = QLabel()
        # A drill-down from the dashboard: exactly these samples, with what they are.
        self._ids_filter: tuple[int, ...] | None = None
        self.ids_caption = QLabel()
        self.ids_caption.setObjectName("samples_ids_caption")
        self.clear_ids_button = QPushButton(self.tr("Show all samples"))
        self.clear_ids_button.setObjectName("samples_clear_ids")
        self.clear_ids_button.clicked.connect(self.clear_ids)
        self.ids_bar = QWidget(self)
        ids_row = QHBoxLayout(self.ids_bar)
        ids_row.setContentsMargins(0, 0, 0, 0)
        ids_row.addWidget(self.ids_caption, 1)
        ids_row.addWidget(self.clear_ids_button)
        self.ids_bar.hide()
        self.table = SampleTable(session, self)
        self.table.setObjectName("samples_table")
        self.table.edit_handler = self.start_edit
        restore_header(session.settings, "samples", self.table.horizontalHeader())

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("State")))
        top.addWidget(self.state_filter)
        top.addWidget(self.text_filter, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.cancel_button)
        actions = QHBoxLayout()
        actions.addWidget(self.labels_button)
        actions.addWidget(self.receive_button)
        actions.addWidget(self.report_button)
        actions.addWidget(self.items_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.ids_bar)
        layout.addWidget(self.table, 1)
        self.clocks = ClockPanel(session, self)
        layout.addWidget(self.clocks)
        layout.addWidget(self.message)
        layout.addWidget(self.count_label)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_clocks())
        self._notice_shown = False  # the message line holds a "cannot be read" notice
        self.table.sample_model.readFailed.connect(self._read_failed)

        # Typing filters after a short pause, not on every keystroke.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        self.text_filter.textChanged.connect(lambda _t: self._debounce.start())
        # A scanner types a label's code and Enter: that sample opens.
        self.text_filter.returnPressed.connect(self.open_scanned)
        self.state_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        new_key = QShortcut(QKeySequence.StandardKey.New, self)
        new_key.activated.connect(self.new_sample)
        edit_key = QShortcut(QKeySequence(Qt.Key.Key_F2), self)
        edit_key.activated.connect(lambda: self.start_edit())
        labels_key = QShortcut(QKeySequence("Ctrl+L"), self)
        labels_key.activated.connect(lambda: self.start_labels())
        self.refresh()

    def show_ids(self, ids: list[int], caption: str) -> None:
        """List exactly `ids` (e.g. the samples behind a dashboard bar), captioned; the
        state and text filters are reset so nothing hides part of them."""
        self._ids_filter = tuple(ids)
        self.ids_caption.setText(self.tr("{0} ({1} samples)").format(caption, len(ids)))
        self.ids_bar.show()
        for widget in (self.state_filter, self.text_filter):
            widget.blockSignals(True)
        self.state_filter.setCurrentIndex(0)
        self.text_filter.clear()
        for widget in (self.state_filter, self.text_filter):
            widget.blockSignals(False)
        self.refresh()

    def clear_ids(self) -> None:
        """Back to the whole list."""
        self._ids_filter = None
        self.ids_bar.hide()
        self.refresh()

    @property
    def ids_filter(self) -> tuple[int, ...] | None:
        return self._ids_filter

    def refresh(self) -> None:
        """The list for the filters as they are now. If the database cannot be read (a
        server that is away), the list and the filters stay as they are and the line
        under the list says so; the next action (a filter change, Enter, F5) reads again."""
        state = str(self.state_filter.currentData() or "")
        try:
            self.table.sample_model.set_query(
                grid_data.SampleQuery(
                    states=(state,) if state else (),
                    text=self.text_filter.text(),
                    ids=self._ids_filter,
                )
            )
            self._show_count()
        except LabDeskError as exc:
            self._read_failed(exc)
            return
        if self._notice_shown:
            self._notice_shown = False
            self.message.clear()

    def _read_failed(self, exc: LabDeskError) -> None:
        from labdesk.ui.server_notice import notice

        self.message.setText(notice(exc))
        self._notice_shown = True

    def _show_count(self) -> None:
        shown = self.table.sample_model.rowCount()
        more = self.table.sample_model.canFetchMore()
        self.count_label.setText(
            self.tr("{0}+ samples (more load as you scroll)").format(shown)
            if more
            else self.tr("{0} samples").format(shown)
        )
        if shown:
            self.table.selectRow(0)
        self.clocks.show_sample(self.table.current_sample_id())

    def _show_clocks(self) -> None:
        try:
            self.clocks.show_sample(self.table.current_sample_id())
        except LabDeskError as exc:
            self._read_failed(exc)

    def save_layout(self) -> None:
        save_header(self.session.settings, "samples", self.table.horizontalHeader())

    # ----- cancelling -----------------------------------------------------------------

    def start_cancel(self) -> QWidget | None:
        """Ask for the reason to cancel the selected sample (non-blocking; the dialog is
        returned for tests). The service decides whether this user may."""
        from labdesk.ui.cancel_sample import CancelSampleDialog

        sample_id = self.table.current_sample_id()
        if sample_id is None:
            self.message.setText(self.tr("Select the sample to cancel first."))
            return None
        sample_no = str(
            self.session.db.scalar("SELECT sample_no FROM samples WHERE id = ?", [sample_id])
        )
        # One dialog at a time, replaced (not deleteLater()-ed: see operations.ProgressHost
        # for the PySide6 crash a pending deferred delete could cause).
        if self._cancel_dialog is not None:
            self._cancel_dialog.setParent(None)  # now Python's: deleted with the reference
        dialog = CancelSampleDialog(sample_no, self)
        dialog.accepted.connect(lambda: self.cancel_sample(sample_id, dialog.reason_text()))
        self._cancel_dialog = dialog
        dialog.open()
        return dialog

    def cancel_sample(self, sample_id: int, reason: str) -> bool:
        """Cancel through the service; say what happened under the list."""
        from labdesk.core.errors import LabDeskError
        from labdesk.services import samples

        try:
            samples.cancel_sample(self.session.context, sample_id, reason)
        except LabDeskError as exc:
            from labdesk.ui.errors import error_text

            self.message.setText(self.tr("Not cancelled: {0}").format(error_text(exc)))
            return False
        self.message.setText(self.tr("Sample cancelled."))
        self.refresh()
        self.session.notify_changed("samples")
        return True

    # ----- the sampling form ----------------------------------------------------------

    def start_edit(self, sample_id: int | None = None) -> QWidget | None:
        """Open the sampling form of the selected (or given) sample to correct it, or to
        complete and register a draft (non-blocking; the dialog is returned for tests).
        What may change, and whether a reason is needed, is the service's decision."""
        from labdesk.ui.sampling_form import SamplingFormDialog

        if sample_id is None:
            sample_id = self.table.current_sample_id()
        if sample_id is None:
            self.message.setText(self.tr("Select the sample to edit first."))
            return None
        state = str(self.session.db.scalar("SELECT state FROM samples WHERE id = ?", [sample_id]))
        if state not in EDITABLE_STATES:
            self.message.setText(
                self.tr("A sample that is {0} can no longer be edited.").format(state_title(state))
            )
            return None
        self.message.clear()
        if self._edit_dialog is not None:
            self._edit_dialog.setParent(None)  # see start_cancel
        dialog = SamplingFormDialog(self.session, self, sample_id=sample_id)
        dialog.accepted.connect(lambda: self._edited(sample_id))
        self._edit_dialog = dialog
        dialog.open()
        return dialog

    def _edited(self, sample_id: int) -> None:
        sample_no, state = self.session.db.query_one(
            "SELECT sample_no, state FROM samples WHERE id = ?", [sample_id]
        ) or ("", "")
        self.message.setText(
            self.tr("Sample {0} saved ({1}).").format(sample_no, state_title(str(state)))
        )
        self.refresh()

    def new_sample(self) -> None:
        from labdesk.ui.labels_dialog import labels_at_registration
        from labdesk.ui.sampling_form import SamplingFormDialog

        dialog = SamplingFormDialog(self.session, self)
        if dialog.exec() == SamplingFormDialog.DialogCode.Accepted and dialog.sample_id:
            self.refresh()
            state = self.session.db.scalar(
                "SELECT state FROM samples WHERE id = ?", [dialog.sample_id]
            )
            if state == "draft":
                self.message.setText(self.tr("Draft saved: open it with Edit… (F2) to finish."))
                return
            self.session.events.navigate.emit("entry", dialog.sample_id)
            if labels_at_registration(self.session):
                self.start_labels(dialog.sample_id)

    # ----- labels, scanning, the issued report ------------------------------------------

    def _open_dialog(self, key: str, dialog: QWidget) -> QWidget:
        old = self._dialogs.get(key)
        if old is not None:
            old.setParent(None)  # see start_cancel
        self._dialogs[key] = dialog
        dialog.open()  # type: ignore[attr-defined]
        return dialog

    def _number(self, sample_id: int) -> str:
        return str(
            self.session.db.scalar("SELECT sample_no FROM samples WHERE id = ?", [sample_id])
        )

    def start_labels(self, sample_id: int | None = None) -> QWidget | None:
        """The labels of the selected (or given) sample: print or save as PDF."""
        from labdesk.ui.labels_dialog import LabelsDialog

        if sample_id is None:
            sample_id = self.table.current_sample_id()
        if sample_id is None:
            self.message.setText(self.tr("Select the sample to label first."))
            return None
        return self._open_dialog(
            "labels", LabelsDialog(self.session, [self._number(sample_id)], self)
        )

    def start_items(self, sample_id: int | None = None) -> QWidget | None:
        """The selected (or given) sample's test items: add or remove one, with a reason
        (ui/sample_items_dialog; the service decides what may change)."""
        from labdesk.ui.sample_items_dialog import SampleItemsDialog

        if sample_id is None:
            sample_id = self.table.current_sample_id()
        if sample_id is None:
            self.message.setText(self.tr("Select the sample first."))
            return None
        dialog = SampleItemsDialog(self.session, sample_id, self)
        dialog.changed.connect(self.refresh)
        return self._open_dialog("items", dialog)

    def start_receiving(self) -> QWidget:
        """Receiving mode: scan the samples as they arrive."""
        from labdesk.ui.scanning import ReceivingDialog

        dialog = ReceivingDialog(self.session, self)
        dialog.received_one.connect(lambda _id: self.refresh())
        return self._open_dialog("receiving", dialog)

    def start_report(self) -> QWidget | None:
        """The selected sample's issued report: versions, PDF, correction, withdrawal."""
        from labdesk.ui.report_dialog import ReportDialog

        sample_id = self.table.current_sample_id()
        if sample_id is None:
            self.message.setText(self.tr("Select the sample first."))
            return None
        dialog = ReportDialog(self.session, sample_id, self)
        dialog.changed.connect(self.refresh)
        return self._open_dialog("report", dialog)

    def open_scanned(self) -> bool:
        """Enter in the filter: a sample number or label code opens that sample."""
        from labdesk.ui.scanning import resolve

        text = self.text_filter.text().strip()
        if not text:
            return False
        try:
            found = resolve(self.session, text)
        except LabDeskError as exc:
            self._read_failed(exc)  # the typed number stays in the field
            return False
        if isinstance(found, str):
            return False  # plain filter text: the list shows what matches
        self._debounce.stop()
        if self._ids_filter is not None:
            self.clear_ids()
        self.text_filter.blockSignals(True)
        self.text_filter.setText(found.sample_no)
        self.text_filter.blockSignals(False)
        self.refresh()
        ids = self.table.sample_model.loaded_ids()
        if found.sample_id in ids:
            self.table.selectRow(ids.index(found.sample_id))
        self.table.open_current()
        return True

    def open_record(self, record: object) -> None:
        """Navigation target: `record` is a sample id, selected in the list."""
        if isinstance(record, int):
            self.text_filter.setText(self._number(record))
            self.refresh()
