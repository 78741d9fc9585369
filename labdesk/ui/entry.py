"""Result entry (结果录入): the grid for one sample, or one item across many samples.

Mode A ("by sample"): type the sample number (completion offers the samples awaiting
results), the grid lists its frozen test items. Mode B ("by item"): pick category and
item, the grid lists that item for every sample awaiting results, newest first.

Each accepted cell is committed at once by the service; the inline message line shows
what was saved or why text was refused. "Start testing" receives the sample and starts
testing when needed; "Submit sample" (Ctrl+Enter) sends a complete sample to review.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QStringListModel, Qt
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.store.schema import live_item
from labdesk.ui import grid_data
from labdesk.ui.errors import user_message
from labdesk.ui.grid_replay import ReplaySummary
from labdesk.ui.inline_message import InlineMessage
from labdesk.ui.labels import state_title
from labdesk.ui.layout_state import restore_header, save_header
from labdesk.ui.result_grid import ResultGridModel, ResultTableView
from labdesk.ui.session import UiSession


def layout_key(mode: str, units: int = 0) -> str:
    """Settings key of the grid's column layout in `mode` ("sample" or "item"), with
    `units` plan-unit columns (1#…n#): a layout saved for other columns is not applied.

    "v2": states saved by earlier builds hold the never-applied 100 px widths.
    """
    return f"entry/v2/{mode}" + (f"/units{units}" if units else "")


class ResultEntryScreen(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_entry")

        self.mode = QComboBox()
        self.mode.setObjectName("entry_mode")
        self.mode.addItem(self.tr("By sample"), "sample")
        self.mode.addItem(self.tr("By item across samples"), "item")
        self.sample_no = QLineEdit()
        self.sample_no.setObjectName("entry_sample_no")
        self.sample_no.setPlaceholderText(self.tr("Sample number, then Enter"))
        self._completion = QStringListModel(self)
        completer = QCompleter(self._completion, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.sample_no.setCompleter(completer)
        self.sample_no.returnPressed.connect(self._open_typed_sample)
        self.item_choice = QComboBox()
        self.item_choice.setObjectName("entry_item")
        self.item_choice.setMinimumWidth(260)
        self.item_choice.activated.connect(self._open_item)

        top = QHBoxLayout()
        top.addWidget(self.mode)
        top.addWidget(self.sample_no, 1)
        top.addWidget(self.item_choice, 1)
        self.start_button = QPushButton(self.tr("Start testing"))
        self.start_button.setObjectName("entry_start")
        self.start_button.clicked.connect(self.start_testing)
        self.submit_button = QPushButton(self.tr("Submit sample"))
        self.submit_button.setObjectName("entry_submit")
        self.submit_button.setToolTip(self.tr("Send the complete sample to review (Ctrl+Enter)"))
        self.submit_button.clicked.connect(self.submit)
        top.addWidget(self.start_button)
        top.addWidget(self.submit_button)
        self.import_button = QPushButton(self.tr("Import results…"))
        self.import_button.setObjectName("entry_import")
        self.import_button.setToolTip(
            self.tr("Import results from an Excel or CSV file: preview, then all rows or none")
        )
        self.import_button.clicked.connect(self.open_import)
        top.addWidget(self.import_button)
        self.import_dialog: QDialog | None = None

        self.heading = QLabel()
        self.heading.setObjectName("entry_heading")
        self.model = ResultGridModel(session, self)
        # The mode whose column widths the header currently shows (None: not yet sized).
        self._layout_mode: str | None = None
        self._layout_units = 0
        self.view = ResultTableView(self)
        self.view.setModel(self.model)
        self.message = InlineMessage(self)
        self.replay = ReplaySummary(self)  # hidden until a sign-in replays the journal
        self.replay.openSample.connect(self._open_replayed)
        self.model.message.connect(self.message.show_message)
        self.model.committed.connect(lambda _id: self._update_buttons())
        self.model.unitColumnsAdded.connect(self._size_added_columns)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.replay)
        layout.addWidget(self.message)
        hint = QLabel(
            self.tr(
                "Enter accepts and moves on (a plan's units 1#…n# one after another) · Tab "
                "moves to the next cell · Esc abandons · Ctrl+V pastes a block from Excel · "
                "Ctrl+R records a retest · accepted: numbers, ND, 未检出, <0.01, <LOD, <LOQ, "
                "阴性 …"
            )
        )
        hint.setObjectName("entry_hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        submit_key = QShortcut(QKeySequence("Ctrl+Return"), self)
        submit_key.activated.connect(self.submit)

        self.mode.currentIndexChanged.connect(self._mode_changed)
        self._mode_changed()
        self.refresh()

    # ----- screen protocol ------------------------------------------------------------

    def refresh(self) -> None:
        numbers = [
            str(r["sample_no"])
            for r in self.session.db.query(
                "SELECT sample_no FROM samples WHERE state IN "
                "('registered', 'received', 'testing', 'returned', 'submitted') "
                "ORDER BY id DESC LIMIT 2000"
            )
        ]
        self._completion.setStringList(numbers)
        current = self.item_choice.currentData()
        self.item_choice.blockSignals(True)
        self.item_choice.clear()
        for code, name, item in grid_data.item_choices(self.session.db):
            self.item_choice.addItem(f"{name} · {item}", (code, item))
        if current is not None:
            found = self.item_choice.findData(current)
            if found >= 0:
                self.item_choice.setCurrentIndex(found)
        self.item_choice.blockSignals(False)
        self.model.reload()
        self._update_heading()
        self._update_buttons()

    def save_layout(self) -> None:
        # Only a header whose widths were applied for the current mode is worth keeping:
        # saving the never-sized header (every column 100 px) before the first load was
        # what made the default widths never take effect.
        if (
            self._layout_mode is not None
            and self._layout_mode == self.model.mode
            and self._layout_units == self.model.unit_columns
        ):
            save_header(
                self.session.settings,
                layout_key(self._layout_mode, self._layout_units),
                self.view.horizontalHeader(),
            )

    def commit_pending(self) -> None:
        self.view.commit_open_editor()

    def unsaved_values(self) -> list[str]:
        """Items whose typed values are not saved yet (the window asks before closing)."""
        return self.model.unsaved()

    def resume_waiting(self) -> int:
        """Values typed at an earlier session that the server never took (kept on this
        computer: services/pending_journal.py) are written again; the sample of the first
        is opened, its rows showing them as not saved yet, and the replay panel lists
        every sample with what became of its values, each openable. Returns how many."""
        self.replay.follow(self.model.writes.retry)  # before the queue's first answer
        restored = self.model.writes.resume()
        self.replay.show_replay(restored)
        first = next((p.sample_id for p in restored if p.sample_id is not None), None)
        if first is not None and self.mode.currentData() == "sample":
            self._open_replayed(first, keep_message=True)
        return len(restored)

    def _open_replayed(self, sample_id: int, keep_message: bool = False) -> None:
        """A sample of the replay panel opened (the message line says what the replay
        did when it was the first, opened for the user)."""
        before = self.message.text(), self.message.is_error
        try:
            self.open_sample(sample_id)
        except LabDeskError as exc:  # the rows are read when the sample is next opened
            said = user_message(exc)
            self.message.show_message(before[0] + " " + said if keep_message else said, True)
            return
        if keep_message:
            self.message.show_message(*before)

    def open_record(self, record: object) -> None:
        """Navigation target: `record` is a sample id."""
        if isinstance(record, int):
            self.open_sample(record)

    # ----- opening --------------------------------------------------------------------

    def _mode_changed(self) -> None:
        by_sample = self.mode.currentData() == "sample"
        # The number field stays in both modes: across samples, a scan jumps to the row.
        self.sample_no.setPlaceholderText(
            self.tr("Sample number, then Enter")
            if by_sample
            else self.tr("Scan or type a sample number to jump to its row")
        )
        self.item_choice.setVisible(not by_sample)
        self.start_button.setVisible(by_sample)
        self.submit_button.setVisible(by_sample)
        if by_sample:
            self.open_sample(self.model.sample_id)
        else:
            self._open_item()

    def _open_typed_sample(self) -> None:
        """A typed number or a scanned label code (ui/scanning): opens the sample, or
        across samples jumps to its row."""
        from labdesk.ui.scanning import resolve

        text = self.sample_no.text().strip()
        if not text:
            return
        found = resolve(self.session, text)
        if isinstance(found, str):
            self.message.show_message(found, True)
            return
        if self.model.mode == "item":
            self.jump_to_sample(found.sample_id)
            return
        self.open_sample(found.sample_id)

    def jump_to_sample(self, sample_id: int) -> bool:
        """Across samples: puts the cursor on the sample's row (paging it in if needed)."""
        choice = self.item_choice.currentData()
        item_id = None
        if choice is not None:
            item_id = self.session.db.scalar(
                f"SELECT id FROM sample_items WHERE sample_id = ? AND name = ? AND {live_item()}",
                [sample_id, choice[1]],
            )
        ids = self.model.ids()
        while item_id is not None and item_id not in ids and self.model.canFetchMore():
            self.model.fetchMore()
            ids = self.model.ids()
        if item_id is None or item_id not in ids:
            number = self.session.db.scalar(
                "SELECT sample_no FROM samples WHERE id = ?", [sample_id]
            )
            self.message.show_message(
                self.tr("Sample {0} is not in this list (no such item awaiting a result).").format(
                    number
                ),
                True,
            )
            return False
        self.view.focus_result(ids.index(item_id))
        self.view.setFocus()
        return True

    def open_sample(self, sample_id: int | None) -> None:
        """Show one sample's items (mode A) and put the cursor on the first empty result."""
        self.save_layout()
        if self.mode.currentData() != "sample":
            self.mode.blockSignals(True)
            self.mode.setCurrentIndex(0)
            self.mode.blockSignals(False)
            self.sample_no.setPlaceholderText(self.tr("Sample number, then Enter"))
            self.item_choice.hide()
            self.start_button.show()
            self.submit_button.show()
        self.model.load_sample(sample_id)
        self._apply_widths()
        if sample_id is not None:
            brief = grid_data.sample_brief(self.session.db, sample_id)
            if brief:
                self.sample_no.setText(str(brief["sample_no"]))
        first_empty = next(
            (
                r
                for r in range(self.model.rowCount())
                if not self.model.row_data(r).get("result_id")
            ),
            0,
        )
        self.view.focus_result(first_empty)
        self.view.setFocus()
        self._update_heading()
        self._update_buttons()

    def _open_item(self) -> None:
        choice = self.item_choice.currentData()
        self.save_layout()
        if choice is None:
            self.model.load_sample(None)
        else:
            code, item = choice
            self.model.load_item(item, code)
        self._apply_widths()
        self.view.focus_result(0)
        self._update_heading()

    def _apply_widths(self) -> None:
        """Default widths (at least the title's), then the user's saved ones if any.

        Called after every load: a model reset puts every section back to 100 px.
        """
        header = self.view.horizontalHeader()
        metrics = header.fontMetrics()
        for column, width in enumerate(self.model.column_widths()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, max(width, metrics.horizontalAdvance(title) + 24))
        restore_header(
            self.session.settings, layout_key(self.model.mode, self.model.unit_columns), header
        )
        # Whatever a saved state said, the columns stay user-resizable and the
        # explanation takes the rest of the width (never ResizeToContents: slow).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._layout_mode = self.model.mode
        self._layout_units = self.model.unit_columns
        self.fit_verdict()

    def _size_added_columns(self, first: int, count: int) -> None:
        """Unit columns a later page added (mode B) get their default widths, like the
        first ones (a new section would be 100 px), and the layout is saved from now on
        under the new column count (a saved layout is kept per count)."""
        header = self.view.horizontalHeader()
        metrics = header.fontMetrics()
        widths = self.model.column_widths()
        for column in range(first, first + count):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, max(widths[column], metrics.horizontalAdvance(title) + 24))
        if self._layout_mode == self.model.mode:
            self._layout_units = self.model.unit_columns
        self.fit_verdict()

    def fit_verdict(self) -> None:
        """Keep the verdict column in view (a 1366×768 screen, a widened column saved from
        an earlier session): narrow the columns before it, widest first, down to their
        titles — never the result column being typed into."""
        if not self.isVisible() or self.model.columnCount() == 0:
            return  # a hidden screen has no real width yet; its resize fits it when shown
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the view's width as laid out, not as it was before
        header = self.view.horizontalHeader()
        available = self.view.viewport().width()
        if available <= 0:
            return
        verdict = self.model.column_of("verdict")
        excess = header.sectionPosition(verdict) + header.sectionSize(verdict) - available
        if excess <= 0:
            return
        metrics = header.fontMetrics()
        before = [c for c in range(verdict) if self.model.column_key(c) != "result"]
        for column in sorted(before, key=header.sectionSize, reverse=True):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            floor = max(48, metrics.horizontalAdvance(title) + 16)
            give = min(excess, header.sectionSize(column) - floor)
            if give > 0:
                header.resizeSection(column, header.sectionSize(column) - give)
                excess -= give
            if excess <= 0:
                break

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._layout_mode is not None:
            self.fit_verdict()

    # ----- state ----------------------------------------------------------------------

    def _brief(self) -> dict[str, object] | None:
        if self.model.sample_id is None:
            return None
        return grid_data.sample_brief(self.session.db, self.model.sample_id)

    def _update_heading(self) -> None:
        if self.model.mode == "item":
            self.heading.setText(
                self.tr("{0} samples loaded (more load as you scroll)").format(
                    self.model.rowCount()
                )
            )
            return
        brief = self._brief()
        if brief is None:
            self.heading.setText(self.tr("Type a sample number to enter its results."))
            return
        self.heading.setText(
            self.tr("{0} — {1} — {2} — state: {3}").format(
                brief["sample_no"],
                brief["sample_name"],
                brief.get("enterprise_name") or "",
                state_title(str(brief["state"])),
            )
        )

    def _update_buttons(self) -> None:
        brief = self._brief()
        state = str(brief["state"]) if brief else ""
        self.start_button.setEnabled(state in ("registered", "received", "returned"))
        self.submit_button.setEnabled(
            state in ("testing", "received", "returned") and self.model.complete()
        )

    def start_testing(self) -> None:
        from labdesk.services import samples

        brief = self._brief()
        if brief is None:
            return
        sample_id = int(str(brief["id"]))
        try:
            if brief["state"] == "registered":
                samples.receive_sample(self.session.context, sample_id)
            samples.start_testing(self.session.context, sample_id)
        except LabDeskError as exc:
            self.message.show_message(user_message(exc), True)
            return
        self.session.notify_changed("samples")
        self.message.show_message(self.tr("Testing started."), False)
        self._update_heading()
        self._update_buttons()
        self.model.reload()
        self.view.setFocus()

    def submit(self) -> None:
        from labdesk.services import workflow

        self.view.commit_open_editor()
        brief = self._brief()
        if brief is None or self.model.mode != "sample":
            return
        try:
            workflow.submit(self.session.context, int(str(brief["id"])))
        except LabDeskError as exc:
            self.message.show_message(user_message(exc), True)
            return
        self.session.notify_changed("samples")
        self.message.show_message(
            self.tr("Sample {0} submitted for review.").format(brief["sample_no"]), False
        )
        self.model.reload()
        self._update_heading()
        self._update_buttons()

    def open_import(self) -> QDialog:
        """The result-import dialog (window-modal); the grid reloads after an import."""
        from labdesk.ui.result_import import ResultImportDialog

        dialog = ResultImportDialog(self.session, self)
        dialog.accepted.connect(self.refresh)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def current_index(self) -> QModelIndex:
        return self.view.currentIndex()
