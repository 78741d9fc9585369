"""The result grid's columns and the item roles it answers.

The item columns are fixed; a sampling-plan item (n=5,c=2,m=…,M=…) adds one column per
unit (1#…n#) after the result, as many as the largest n among the loaded items, so a
screen without plan items looks exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from labdesk.ui.i18n import QT_TRANSLATE_NOOP

# Roles as plain ints: Qt asks data() ~7 roles per painted cell, and comparing PySide
# enum members costs more than the rest of the call.
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
EDIT = int(Qt.ItemDataRole.EditRole.value)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
FONT = int(Qt.ItemDataRole.FontRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
ROLES = frozenset({DISPLAY, EDIT, BACKGROUND, FONT, TOOLTIP})
FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
EDITABLE_FLAGS = FLAGS | Qt.ItemFlag.ItemIsEditable

# What the editor's text would give (not written), and a value typed but not yet saved
# (units waiting for the rest of the plan, or a write waiting for the server).
PREVIEW_BRUSH = QBrush(QColor("#eef2fb"))
PENDING_BRUSH = QBrush(QColor("#fff4d6"))

UNIT_PREFIX = "unit#"


@dataclass(frozen=True)
class Column:
    key: str
    source_title: str
    width: int

    @property
    def unit_number(self) -> int:
        """1…n for a plan unit's column (1#…n#), else 0."""
        return int(self.key[len(UNIT_PREFIX) :]) if self.key.startswith(UNIT_PREFIX) else 0


SAMPLE_COLUMN = Column("sample", QT_TRANSLATE_NOOP("ResultGrid", "Sample"), 150)
ITEM_COLUMNS = (
    Column("item", QT_TRANSLATE_NOOP("ResultGrid", "Item"), 170),
    Column("unit", QT_TRANSLATE_NOOP("ResultGrid", "Unit"), 70),
    Column("limit", QT_TRANSLATE_NOOP("ResultGrid", "Limit"), 120),
    Column("method", QT_TRANSLATE_NOOP("ResultGrid", "Judged by"), 90),
    Column("result", QT_TRANSLATE_NOOP("ResultGrid", "Result"), 110),
    Column("rounded", QT_TRANSLATE_NOOP("ResultGrid", "Reported"), 90),
    Column("verdict", QT_TRANSLATE_NOOP("ResultGrid", "Verdict"), 80),
    # Read-only (set with Ctrl+I): Tab from a result still moves to the next result.
    Column("instrument", QT_TRANSLATE_NOOP("ResultGrid", "Instrument"), 140),
    # The explanation stretches over the rest: its default only has to fit at 1280 px.
    Column("explanation", QT_TRANSLATE_NOOP("ResultGrid", "Explanation"), 200),
)


def unit_column(number: int) -> Column:
    """The column of a plan's unit `number` (1#, 2#, …); its title is not translated."""
    return Column(f"{UNIT_PREFIX}{number}", f"{number}#", 64)


def with_units(columns: tuple[Column, ...], units: int) -> tuple[Column, ...]:
    """`columns` with `units` unit columns after the result column."""
    if units <= 0:
        return columns
    at = next(i for i, c in enumerate(columns) if c.key == "result") + 1
    return (*columns[:at], *(unit_column(n) for n in range(1, units + 1)), *columns[at:])
