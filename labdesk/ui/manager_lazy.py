"""A table model that pulls rows page by page as the view scrolls (audit trail, items).

After Orange's `TablePreviewModel` (canFetchMore/fetchMore) and Datasette's keyset
pagination: the model remembers the key of its last row and asks the page function for
rows after it, never an OFFSET, so page 400 costs what page 1 costs. The cost of a view
then follows visible rows, not the size of the trail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget

from labdesk.core.errors import LabDeskError
from labdesk.ui.manager_widgets import display_text

AnyIndex = QModelIndex | QPersistentModelIndex

# A page function: given the key of the last row held (None for the first page) and a
# page size, return up to that many (key, row) pairs following it.
PageFn = Callable[[Any, int], Sequence[tuple[Any, Sequence[Any]]]]


class LazyRowsModel(QAbstractTableModel):
    """Read-only rows fetched on demand through a keyset page function.

    A page that cannot be read (a server away) changes nothing: a new query's first page
    is read before the old rows go (`set_source` raises, the rows shown stay), and a
    later page asked for by the view's scrolling emits `readFailed` instead of raising
    out of Qt's `fetchMore` — the rows stay, and the next scroll asks again.
    """

    readFailed = Signal(object)  # the LabDeskError a later page met

    def __init__(
        self,
        headers: Sequence[str],
        page_size: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._page_size = page_size
        self._page_fn: PageFn | None = None
        self._rows: list[Sequence[Any]] = []
        self._keys: list[Any] = []
        self._exhausted = True

    def set_source(self, page_fn: PageFn | None) -> None:
        """Start over with a new query (a new filter); loads the first page at once (a
        `LabDeskError` reading it propagates, with the rows shown before kept)."""
        page = [] if page_fn is None else list(page_fn(None, self._page_size))
        self.beginResetModel()
        self._page_fn = page_fn
        self._keys = [key for key, _row in page]
        self._rows = [tuple(row) for _key, row in page]
        self._exhausted = len(page) < self._page_size
        self.endResetModel()

    def key(self, row: int) -> Any:
        return self._keys[row]

    def row(self, row: int) -> Sequence[Any]:
        return self._rows[row]

    def fetch_all(self) -> None:
        """Load every remaining page (exports, tests)."""
        while self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() or self._exhausted or self._page_fn is None:
            return
        last = self._keys[-1] if self._keys else None
        try:
            page = list(self._page_fn(last, self._page_size))
        except LabDeskError as exc:
            self.readFailed.emit(exc)
            return
        if len(page) < self._page_size:
            self._exhausted = True
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        for key, row in page:
            self._keys.append(key)
            self._rows.append(tuple(row))
        self.endInsertRows()

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
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if section < len(self._headers) else None
        return section + 1
