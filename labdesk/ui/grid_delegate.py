"""The result grid's editor: a line edit that previews the verdict on every keystroke."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from labdesk.ui.grid_entry_model import ResultGridModel
from labdesk.ui.grid_model import ModelIndex

# Asks why a submitted result changes (the view's dialog): the reason, or None to stop.
AskReason = Callable[[ModelIndex], str | None]


class ResultDelegate(QStyledItemDelegate):
    """A line editor that previews the verdict on every keystroke.

    Enter/Tab first try to commit; refused text keeps the editor open with its text (the
    reason is shown by the screen), so nothing typed is thrown away silently.
    """

    def __init__(self, view: QTableView, ask_reason: AskReason) -> None:
        super().__init__(view)
        self.view = view
        self.ask_reason = ask_reason

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("result_editor")
        editor.setFrame(False)
        persistent = QPersistentModelIndex(index)
        editor.textEdited.connect(lambda text: self._preview(persistent, text))
        editor.setProperty("committed", False)
        return editor

    def _model(self) -> ResultGridModel:
        model = self.view.model()
        assert isinstance(model, ResultGridModel)
        return model

    def _preview(self, index: QPersistentModelIndex, text: str) -> None:
        if index.isValid():
            self._model().set_preview(index, text)

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        # Once, when the editor opens: Qt calls this again whenever the row repaints (each
        # preview as you type), and refilling an editor emptied with Backspace put the
        # old value back, so a unit could not be cleared.
        assert isinstance(editor, QLineEdit)
        if not editor.property("filled"):
            editor.setProperty("filled", True)
            if not editor.text():
                editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def try_commit(self, editor: QLineEdit, index: ModelIndex) -> bool:
        """Commit the editor's text now; True when accepted (or nothing to do)."""
        model = self._model()
        text = editor.text()
        current = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if text.strip() == current.strip():
            model.clear_preview(index)
            editor.setProperty("committed", True)
            return True
        reason: str | None = None
        if model.needs_reason(index):
            reason = self.ask_reason(index)
            if reason is None:
                return False
        ok = model.enter(index, text, reason)
        if ok:
            editor.setProperty("committed", True)
        return ok

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        # Reached on focus loss (Enter/Tab commit in eventFilter first and mark the editor).
        assert isinstance(editor, QLineEdit)
        if editor.property("committed"):
            return
        if editor.text().strip() == "" and not str(index.data(Qt.ItemDataRole.EditRole) or ""):
            return
        self.try_commit(editor, index)

    def destroyEditor(self, editor: QWidget, index: ModelIndex) -> None:
        self._model().clear_preview(index)
        super().destroyEditor(editor, index)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(obj, QLineEdit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                index = self.view.currentIndex()
                if not self.try_commit(obj, index):
                    return True  # keep the editor open with the refused text
                hint = {
                    Qt.Key.Key_Tab: QAbstractItemDelegate.EndEditHint.EditNextItem,
                    Qt.Key.Key_Backtab: QAbstractItemDelegate.EndEditHint.EditPreviousItem,
                }.get(Qt.Key(key), QAbstractItemDelegate.EndEditHint.SubmitModelCache)
                self.closeEditor.emit(obj, hint)
                return True
            if key == Qt.Key.Key_Escape:
                self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.RevertModelCache)
                return True
        return super().eventFilter(obj, event)
