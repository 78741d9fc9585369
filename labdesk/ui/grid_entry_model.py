"""`ResultGridModel`: the result grid's rows (grid_model.py) with its writes
(grid_writes.py) — the model the entry screen, a run's screen and the benchmark use."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt

from labdesk.ui.grid_model import GridRows, ModelIndex
from labdesk.ui.grid_writes import GridWrites
from labdesk.ui.session import UiSession


class ResultGridModel(GridRows):
    """Id-only rows of frozen sample items with their current results; each accepted
    cell committed at once through the service."""

    def __init__(self, session: UiSession, parent: QObject | None = None) -> None:
        super().__init__(session, parent)
        self.writes = GridWrites(self)

    def needs_reason(self, index: ModelIndex) -> bool:
        return self.writes.needs_reason(index)

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        return self.enter(index, str(value), None)

    def enter(self, index: ModelIndex, text: str, reason: str | None) -> bool:
        """Commit one cell through the service. False (and a message) if refused."""
        return self.writes.enter(index, text, reason)

    def enter_units(self, row: int, typed: dict[int, str], reason: str | None) -> bool:
        """Units of a plan item (number → text), committed together once all are in."""
        return self.writes.enter_units(row, typed, reason)

    def set_instrument(self, index: ModelIndex, instrument: str, reason: str | None) -> bool:
        return self.writes.set_instrument(index, instrument, reason)

    def set_lod(self, index: ModelIndex, lod: str, reason: str) -> bool:
        return self.writes.set_lod(index, lod, reason)

    def retest(self, index: ModelIndex, text: str, reason: str) -> bool:
        return self.writes.retest(index, text, reason)
