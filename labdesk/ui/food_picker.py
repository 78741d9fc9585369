"""Choosing the food class of a sample: type a name or its pinyin initials ("dm" → 大米),
pick a leaf from the list under the field (Down, then Enter; or a click).

Only leaves are offered (a sample is registered against a leaf); each match shows its
path in the classification, since the same name appears on several levels
(粮食加工品 / 大米 / 大米 / 大米).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from labdesk.core.errors import LabDeskError
from labdesk.core.foods import FoodTree
from labdesk.ui.session import UiSession

CODE_ROLE = Qt.ItemDataRole.UserRole


class FoodClassPicker(QWidget):
    """A search field with its matches; `chosen(code)` when a leaf is picked ('' cleared)."""

    chosen = Signal(str)

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._code = ""
        self.tree: FoodTree | None = None
        self.edit = QLineEdit(self)
        self.edit.setObjectName("food_class_search")
        self.edit.setPlaceholderText(self.tr("name or pinyin initials, e.g. dm"))
        self.edit.setClearButtonEnabled(True)
        self.matches = QListWidget(self)
        self.matches.setObjectName("food_class_matches")
        self.matches.setMaximumHeight(130)
        self.matches.hide()
        self.path_label = QLabel(self)
        self.path_label.setObjectName("food_class_path")
        self.path_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.matches)
        layout.addWidget(self.path_label)
        self.edit.textEdited.connect(self._search)
        self.edit.installEventFilter(self)
        self.matches.itemActivated.connect(self._activated)
        self.matches.itemClicked.connect(self._activated)
        self._load_tree()

    def _load_tree(self) -> None:
        from labdesk.services import food_library

        try:
            self.tree = food_library.load_tree(self.session.db)
        except LabDeskError as exc:
            self.tree = None
            self.edit.setEnabled(False)
            from labdesk.ui.errors import error_text

            self.path_label.setText(error_text(exc))

    # ----- state ----------------------------------------------------------------------

    def code(self) -> str:
        return self._code

    def set_code(self, code: str, *, notify: bool = False) -> None:
        """Show `code` as chosen ('' clears); `chosen` only when `notify`."""
        self._code = code
        self.matches.hide()
        if code and self.tree is not None and code in self.tree:
            cls = self.tree.get(code)
            self.edit.setText(cls.name)
            label = self.tree.path_text(code)
            if cls.sample_data:
                label += " " + self.tr("[classification: sample data]")
            self.path_label.setText(label)
        else:
            self._code = ""
            if not code:
                self.edit.clear()
            self.path_label.setText("")
        if notify:
            self.chosen.emit(self._code)

    # ----- searching ------------------------------------------------------------------

    def _search(self, text: str) -> None:
        if self._code:
            self._code = ""
            self.path_label.setText("")
            self.chosen.emit("")
        self.matches.clear()
        if self.tree is None or not text.strip():
            self.matches.hide()
            return
        tree = self.tree
        hits = [c for c in tree.search(text, limit=60) if tree.is_leaf(c.code)][:20]
        for cls in hits:
            item = QListWidgetItem(f"{cls.name} — {tree.path_text(cls.code)}")
            item.setData(CODE_ROLE, cls.code)
            self.matches.addItem(item)
        if hits:
            self.matches.setCurrentRow(0)
            self.matches.show()
        else:
            self.matches.hide()
            self.path_label.setText(self.tr("No food class matches."))

    def _activated(self, item: QListWidgetItem) -> None:
        self.set_code(str(item.data(CODE_ROLE)), notify=True)
        self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down and not self.matches.isHidden():
                self.matches.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.matches.isHidden():
                current = self.matches.currentItem()
                if current is not None:
                    self._activated(current)
                    return True
        return super().eventFilter(watched, event)
