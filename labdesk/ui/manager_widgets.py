"""Small widgets the manager screens share: a plain table model, table views with Fixed
headers, a message banner, big-figure tiles.

Why a banner instead of message boxes: errors from the service layer (permission refused,
workflow errors) are shown plainly inside the screen, so the user can read them while
looking at what they tried, and tests can read them without a modal loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.errors import error_text

ROW_HEIGHT = 24
AnyIndex = QModelIndex | QPersistentModelIndex


def display_text(value: Any) -> str:
    """Cell text: None is blank; everything else (Decimals included) is its str()."""
    if value is None:
        return ""
    return str(value)


class RowsModel(QAbstractTableModel):
    """A read-only table over rows already in memory (dashboard tables, batch lists).

    `rows` are sequences aligned with `headers`; `keys[i]` is what a click on row i
    opens (a sample id list, a batch id, …). Right-aligned columns hold numbers.
    """

    def __init__(
        self,
        headers: Sequence[str],
        right_aligned: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._right = set(right_aligned)
        self._rows: list[Sequence[Any]] = []
        self._keys: list[Any] = []

    def set_rows(self, rows: Sequence[Sequence[Any]], keys: Sequence[Any] | None = None) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self._keys = list(keys) if keys is not None else [None] * len(self._rows)
        self.endResetModel()

    def set_headers(self, headers: Sequence[str]) -> None:
        self._headers = list(headers)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def key(self, row: int) -> Any:
        return self._keys[row]

    def row(self, row: int) -> Sequence[Any]:
        return self._rows[row]

    def rows(self) -> list[Sequence[Any]]:
        return list(self._rows)

    def headers(self) -> list[str]:
        return list(self._headers)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self._rows[index.row()]
            return display_text(row[index.column()]) if index.column() < len(row) else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if section < len(self._headers) else None
        return section + 1


def make_table(
    model: QAbstractTableModel, parent: QWidget | None = None, *, fit_width: bool = False
) -> QTableView:
    """A row-selecting, read-only table view with Fixed headers.

    Fixed, not ResizeToContents: measuring every row is what made a 20k-row header take
    seconds; the last column stretches instead. `fit_width` shares the width between all
    columns (short top-N tables that must show every column without scrolling).
    """
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    vertical = view.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(ROW_HEIGHT)
    vertical.setVisible(False)
    horizontal = view.horizontalHeader()
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    horizontal.setDefaultSectionSize(120)
    horizontal.setStretchLastSection(True)
    if fit_width:
        horizontal.setStretchLastSection(False)  # else the last keeps the default width
        horizontal.setMinimumSectionSize(30)
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view


class MessageBanner(QLabel):
    """A one-line message at the top of a screen: errors in red, information in grey."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setObjectName("messageBanner")
        self.hide()
        self.is_error = False

    def show_error(self, message: str) -> None:
        self.is_error = True
        self.setStyleSheet(
            "QLabel#messageBanner { background: #fde8e8; color: #8a1111; padding: 6px; }"
        )
        self.setText(message)
        self.show()

    def show_info(self, message: str) -> None:
        self.is_error = False
        self.setStyleSheet(
            "QLabel#messageBanner { background: #eef3f8; color: #1d3a57; padding: 6px; }"
        )
        self.setText(message)
        self.show()

    def clear_message(self) -> None:
        self.is_error = False
        self.setText("")
        self.hide()


def run_guarded(banner: MessageBanner, action: Callable[[], Any]) -> Any:
    """Run `action`; a `LabDeskError` (the user's problem) goes to the banner, plainly.

    Other exceptions are bugs and propagate, so they are logged with their trace.
    """
    try:
        return action()
    except LabDeskError as exc:
        banner.show_error(error_text(exc))
        return None


class FigureTile(QFrame):
    """A headline number with a caption under it (pass rate, samples, …)."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.value_label = QLabel("—", self)
        font = QFont(self.value_label.font())
        font.setPointSize(max(font.pointSize(), 9) * 2)
        font.setBold(True)
        self.value_label.setFont(font)
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption_label = QLabel(caption, self)
        self.caption_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_label = QLabel("", self)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.detail_label)

    def set_value(self, value: str, detail: str = "") -> None:
        self.value_label.setText(value)
        self.detail_label.setText(detail)

    def value(self) -> str:
        return self.value_label.text()


def titled(title: str, widget: QWidget, parent: QWidget | None = None) -> QWidget:
    """`widget` under a bold caption (sections of the dashboard and batch screen)."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title, box)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    layout.addWidget(label)
    layout.addWidget(widget)
    return box


def hbox(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    layout = QHBoxLayout()
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    return layout
