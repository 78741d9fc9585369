"""The result grid's view: spreadsheet keys over the model.

Keys: Enter accepts and moves on (down the result column; in a plan item's unit cells
to the next unit, after the last unit to the next row), Tab accepts and moves to the
next cell that takes a value, arrows move, typing starts an entry, Ctrl+V pastes a
tab/newline block from a spreadsheet into consecutive cells (a row of values pasted on a
plan item fills its units), Ctrl+C copies the selection the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QDialog,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QTableView,
    QWidget,
)

from labdesk.ui.grid_delegate import ResultDelegate
from labdesk.ui.grid_dialogs import LodDialog, RetestDialog
from labdesk.ui.grid_entry_model import ResultGridModel


class ResultTableView(QTableView):
    """Spreadsheet keys over the result grid."""

    # Asked when a change on a submitted sample needs a reason; tests replace it.
    reason_provider: Callable[[ResultTableView, QModelIndex | QPersistentModelIndex], str | None]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("result_grid")
        # The editor (verdict preview as you type) only where values are typed: a Python
        # delegate on every column made each painted cell call into Python (+30 % on
        # the first paint, measured); the other columns keep Qt's own delegate.
        self.entry_delegate = ResultDelegate(self, self.ask_reason)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never ResizeToContents
        vertical.setDefaultSectionSize(26)
        # Row numbers would make the header size itself from hundreds of sections on
        # every reset; the item (and sample) columns already say which row is which.
        vertical.setVisible(False)
        horizontal = self.horizontalHeader()
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        horizontal.setStretchLastSection(True)
        self.reason_provider = ResultTableView._ask_reason_dialog
        self.retest_provider: Callable[
            [ResultTableView, QModelIndex | QPersistentModelIndex], tuple[str, str] | None
        ] = ResultTableView._ask_retest_dialog
        self.instrument_provider: Callable[
            [ResultTableView, QModelIndex | QPersistentModelIndex], str | None
        ] = ResultTableView._ask_instrument_dialog
        # 未检出 needs its 检出限: an item without one takes its LOD here, with a reason.
        self.lod_provider: Callable[
            [ResultTableView, QModelIndex | QPersistentModelIndex], tuple[str, str] | None
        ] = ResultTableView._ask_lod_dialog
        self._actions_made = False

    def showEvent(self, event: QShowEvent) -> None:
        # The actions (Ctrl+R/I/L, the context menu) are made when the grid is first
        # shown: a grid only opened to be painted (the benchmark) never needs them.
        if not self._actions_made:
            self._make_actions()
        super().showEvent(event)

    def _make_actions(self) -> None:
        self._actions_made = True
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for name, text, keys, slot in (
            ("action_retest", self.tr("Record a &retest…"), "Ctrl+R", self.retest_current),
            ("action_instrument", self.tr("Set the &instrument…"), "Ctrl+I",
             self.set_instrument_current),
            ("action_lod", self.tr("Set the &detection limit…"), "Ctrl+L", self.set_lod_current),
        ):  # fmt: skip
            action = QAction(text, self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if isinstance(model, ResultGridModel):
            model.columnsLaidOut.connect(self._assign_delegates)
            self._assign_delegates()

    def _assign_delegates(self) -> None:
        model = self.grid_model()
        plain = self.itemDelegate()  # Qt's own (C++) delegate
        for column in range(model.columnCount()):
            key = model.column_key(column)
            takes = key == "result" or model.unit_number(column) > 0
            self.setItemDelegateForColumn(column, self.entry_delegate if takes else plain)

    def grid_model(self) -> ResultGridModel:
        model = self.model()
        assert isinstance(model, ResultGridModel)
        return model

    def ask_reason(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        return self.reason_provider(self, index)

    def _ask_reason_dialog(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        text, ok = QInputDialog.getText(
            self,
            self.tr("Reason for the change"),
            self.tr(
                "This sample was already submitted. Why is the result changed? "
                "(kept in the audit trail)"
            ),
        )
        text = text.strip()
        return text if ok and text else None

    def _ask_retest_dialog(
        self, index: QModelIndex | QPersistentModelIndex
    ) -> tuple[str, str] | None:
        dialog = RetestDialog(self.grid_model(), index.row(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value.text(), dialog.reason.text()

    def _ask_instrument_dialog(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        data = self.grid_model().row_data(index.row())
        text, ok = QInputDialog.getText(
            self,
            self.tr("Instrument"),
            self.tr("Instrument used for {0} (name or number):").format(data.get("name", "")),
            text=str(data.get("instrument") or ""),
        )
        return text.strip() if ok and text.strip() else None

    def _ask_lod_dialog(self, index: QModelIndex | QPersistentModelIndex) -> tuple[str, str] | None:
        dialog = LodDialog(self.grid_model().row_data(index.row()), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.lod.text(), dialog.reason.text()

    def set_lod_current(self) -> bool:
        """Enter the detection limit of the current row's item (asks for it and why)."""
        index = self.currentIndex()
        if not index.isValid():
            return False
        answer = self.lod_provider(self, index)
        if answer is None:
            return False
        lod, reason = answer
        return self.grid_model().set_lod(index, lod, reason)

    def set_instrument_current(self) -> bool:
        """Record the instrument of the current row's result (asks for it, and for a
        reason when the sample was already submitted)."""
        index = self.currentIndex()
        if not index.isValid():
            return False
        model = self.grid_model()
        if model.row_data(index.row()).get("result_id") is None:
            model.message.emit(self.tr("Enter the result before its instrument."), True)
            return False
        instrument = self.instrument_provider(self, index)
        if instrument is None:
            return False
        reason = None
        if model.needs_reason(index):
            reason = self.ask_reason(index)
            if reason is None:
                return False
        return model.set_instrument(index, instrument, reason)

    def retest_current(self) -> bool:
        """Record a retest for the current row (asks for the value and the reason)."""
        index = self.currentIndex()
        if not index.isValid():
            return False
        model = self.grid_model()
        if model.row_data(index.row()).get("result_id") is None:
            model.message.emit(self.tr("Enter a first result before a retest."), True)
            return False
        answer = self.retest_provider(self, index)
        if answer is None:
            return False
        text, reason = answer
        return model.retest(index, text, reason)

    def focus_result(self, row: int = 0) -> None:
        model = self.grid_model()
        if model.rowCount() == 0:
            return
        row = max(0, min(row, model.rowCount() - 1))
        index = self.entry_cell(row)
        self.setCurrentIndex(index)
        self.scrollTo(index)

    def entry_cell(self, row: int, after_unit: int = 0) -> QModelIndex:
        """Where a value is typed in `row`: a plan item's first empty unit after
        `after_unit` (its 1# when all are in), else the result cell."""
        model = self.grid_model()
        n = model.plan_units(row)
        if n and model.unit_columns:
            units = model.units(row)
            number = next((i + 1 for i in range(after_unit, n) if not units[i]), 1)
            return model.index(row, model.column_of(f"unit#{number}"))
        return model.index(row, model.column_of("result"))

    def commit_open_editor(self) -> None:
        """Commit the text of an open editor (closing the window counts as accepting)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        index = self.currentIndex()
        editor = self.indexWidget(index)
        if editor is None:
            editor = self.focusWidget() if isinstance(self.focusWidget(), QLineEdit) else None
        if isinstance(editor, QLineEdit):
            delegate = self.entry_delegate
            delegate.try_commit(editor, index)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        move_down = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if move_down else hint)
        if move_down:
            self._move_down()

    def _move_down(self) -> None:
        """Enter: in a plan's unit cell to the next unit (after those the entry filled),
        after its last unit, or from any other cell, to the next row's entry cell."""
        model = self.grid_model()
        current = self.currentIndex()
        if not current.isValid():
            return
        number = model.unit_number(current.column())
        n = model.plan_units(current.row()) if number else 0
        if number and n:
            last = max(number, model.writes.last_unit)
            model.writes.last_unit = 0
            if last < n:
                target = model.index(current.row(), model.column_of(f"unit#{last + 1}"))
                self.setCurrentIndex(target)
                self.scrollTo(target)
                return
        if current.row() + 1 >= model.rowCount():
            return
        column = current.column()
        below = current.row() + 1
        if number or model.column_key(column) == "result":
            target = self.entry_cell(below)
        else:
            target = model.index(below, column)
        self.setCurrentIndex(target)
        self.scrollTo(target)

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Tab / Shift+Tab go to the next / previous cell that takes a value (the result,
        a plan's unit cells), row after row, like a form."""
        step = {
            QAbstractItemView.CursorAction.MoveNext: 1,
            QAbstractItemView.CursorAction.MovePrevious: -1,
        }.get(cursorAction)
        current = self.currentIndex()
        model = self.model()
        if step is None or not current.isValid() or not isinstance(model, ResultGridModel):
            return super().moveCursor(cursorAction, modifiers)
        columns = model.columnCount()
        at = current.row() * columns + current.column()
        for _ in range(2 * columns):
            at += step
            row, column = divmod(at, columns)
            if row < 0 or row >= model.rowCount():
                break
            index = model.index(row, column)
            if model.editable(row, column):
                return index
        return current

    def paintEvent(self, event: QPaintEvent) -> None:
        """The rows about to be painted hold their items first (one Python call per
        paint; the cells are then painted by Qt alone, grid_model.py)."""
        model = self.model()
        if isinstance(model, ResultGridModel) and model.rowCount():
            area = event.rect()  # in the viewport's coordinates, as rowAt takes them
            first = self.rowAt(area.top())
            last = self.rowAt(area.bottom())
            model.fill_rows(max(first, 0), model.rowCount() - 1 if last < 0 else last)
        super().paintEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_from_clipboard()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self._move_down()
            return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """Chinese typed through an IME starts an entry like a key press does.

        Qt's view opens the editor on an IME commit but drops the committed text, so the
        first characters (e.g. "未检出") would be lost; forward them to the editor.
        """
        index = self.currentIndex()
        if (
            self.state() != QAbstractItemView.State.EditingState
            and event.commitString()
            and index.isValid()
            and self.grid_model().editable(index.row(), index.column())
        ):
            self.edit(index)
            editor = self.indexWidget(index)
            if isinstance(editor, QLineEdit):
                editor.selectAll()
                QApplication.sendEvent(editor, event)
                event.accept()
                return
        super().inputMethodEvent(event)

    # ----- clipboard ------------------------------------------------------------------

    def copy_selection(self) -> None:
        indexes = self.selectedIndexes()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        model = self.grid_model()
        for row in rows:
            model.fill_rows(row, row)  # a row scrolled past may have been emptied
        lines = ["\t".join(str(model.index(r, c).data() or "") for c in cols) for r in rows]
        QGuiApplication.clipboard().setText("\n".join(lines))

    def paste_from_clipboard(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> tuple[int, int]:
        """Enter a tab/newline block starting at the current cell; (accepted, refused).

        The units of a plan item that a row of the block covers are entered together
        (one result, counted once); a row of several values pasted on a plan item's
        result cell is its units too."""
        model = self.grid_model()
        start = self.currentIndex()
        if not start.isValid():
            return 0, 0
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        block = [line.split("\t") for line in lines]
        outcome = [0, 0]
        errors: list[str] = []

        def collect(msg: str, is_error: bool) -> None:
            if is_error:
                errors.append(msg)

        model.message.connect(collect)
        try:
            self._paste_rows(block, start, outcome, errors)
        finally:
            model.message.disconnect(collect)
        accepted, refused = outcome
        model.writes.last_unit = 0
        last = model.index(min(start.row() + len(block) - 1, model.rowCount() - 1), start.column())
        self.selectionModel().select(last, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.setCurrentIndex(last)
        summary = self.tr("Pasted: {0} accepted, {1} refused.").format(accepted, refused)
        if refused and errors:
            summary += " " + self.tr("First refusal: {0}").format(errors[0])
        model.message.emit(summary, refused > 0)
        return accepted, refused

    def _paste_rows(
        self,
        block: list[list[str]],
        start: QModelIndex,
        outcome: list[int],
        errors: list[str],
    ) -> None:
        model = self.grid_model()
        reason: str | None = None

        def tally(ok: bool) -> None:
            outcome[0 if ok else 1] += 1

        for r, cells in enumerate(block):
            row = start.row() + r
            while row >= model.rowCount() and model.canFetchMore(QModelIndex()):
                model.fetchMore(QModelIndex())
            if row >= model.rowCount():
                return
            n = model.plan_units(row)
            if len(cells) > 1 and model.column_key(start.column()) == "result" and n:
                # An Excel row of unit values (1#…n#) on a plan item's result cell: its
                # cells are that item's units, entered as one result.
                cells = [";".join(cell.strip() for cell in cells if cell.strip())]
            units: dict[int, str] = {}
            first_unit: QModelIndex | None = None
            for c, cell in enumerate(cells):
                index = model.index(row, start.column() + c)
                if not index.isValid() or not model.editable(row, index.column()):
                    continue
                if not cell.strip():
                    continue
                needs = model.needs_reason(index)
                if needs and reason is None:
                    reason = self.ask_reason(index)
                    if reason is None:
                        return
                number = model.unit_number(index.column())
                if number:
                    units[number] = cell.strip()
                    first_unit = first_unit or index
                    continue
                tally(model.enter(index, cell, reason if needs else None))
            if units and first_unit is not None:
                needs = model.needs_reason(first_unit)
                tally(model.enter_units(row, units, reason if needs else None))
