"""The one-line message under a screen's table: what was saved, or why it was refused.

In a module of its own so a screen can show one without importing another screen (the
Tasks screen, the first one built, would otherwise load the whole result-entry screen and
its grid at start-up; docs/performance.md).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class InlineMessage(QLabel):
    """One line under the grid: what was saved, or why something was refused."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entry_message")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.is_error = False

    def show_message(self, text: str, is_error: bool) -> None:
        self.is_error = is_error
        self.setStyleSheet("color: #b00020;" if is_error else "color: #1b5e20;")
        self.setText(text)
