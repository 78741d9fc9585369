"""The result grid's model: id-only rows, contents fetched in blocks as they are painted.

Mode A lists the items of one sample; mode B one item across many samples, paged in by
keyset as the user scrolls; a run lists its items. Row contents are fetched in blocks
the first time a row is painted and kept in a small bounded cache, so memory does not
grow with the number of rows.

Entry: `setData` on the result column (or a plan unit's column, grid_units.py) calls
`services.results.enter_result`, which judges and commits at once. Refused text returns
False and the reason goes out through the `message` signal (the screen shows it inline)
— never a dialog from the model. The writes themselves are in grid_writes.py, and
`ResultGridModel` (grid_entry_model.py) puts the two halves together.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from labdesk.core.errors import LabDeskError
from labdesk.core.judgement import CompiledRule, compile_rule, item_rule
from labdesk.ui import grid_data, grid_units
from labdesk.ui.errors import user_message
from labdesk.ui.grid_cells import CellText, Preview, RowState
from labdesk.ui.grid_columns import (
    DISPLAY,
    EDITABLE_FLAGS,
    FLAGS,
    ITEM_COLUMNS,
    ROLES,
    SAMPLE_COLUMN,
    Column,
    with_units,
)
from labdesk.ui.session import UiSession

ModelIndex = QModelIndex | QPersistentModelIndex

FETCH_BLOCK = 64
CACHE_ROWS = 2000


class GridRows(QAbstractTableModel):
    """Id-only rows of frozen sample items with their current results (the reading half
    of `ResultGridModel`: loading, shape, cells, previews)."""

    message = Signal(str, bool)  # text, is_error
    committed = Signal(int)  # sample_item_id

    def __init__(self, session: UiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.mode = "sample"
        self._ids: list[int] = []
        self._base: tuple[Column, ...] = ITEM_COLUMNS
        self._columns: tuple[Column, ...] = ITEM_COLUMNS
        self._titles: list[str] = []
        self.unit_columns = 0
        self._set_columns(ITEM_COLUMNS)
        self._cache: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._rules: dict[int, CompiledRule | LabDeskError] = {}
        # Per item id: preview, plan n, typed units, a write waiting for the server.
        # Kept across loads (a draft or a waiting value must survive switching samples).
        self._states: dict[int, RowState] = {}
        self._plan_of_limit: dict[str, int] = {}
        self._more = False
        self._item_name = ""
        self._category = ""
        self.sample_id: int | None = None
        self._cells = CellText()

    # ----- loading --------------------------------------------------------------------

    def _set_columns(self, base: tuple[Column, ...], units: int = 0) -> None:
        self._base = base
        self.unit_columns = units
        self._columns = with_units(base, units)
        # Translated once per load: headerData is asked for every section on each paint.
        self._titles = [
            c.source_title
            if c.unit_number
            else QCoreApplication.translate("ResultGrid", c.source_title)
            for c in self._columns
        ]

    def _units_for(self, ids: list[int]) -> int:
        """How many unit columns these rows need (the largest plan n among them)."""
        if not ids:
            return 0
        return grid_units.widest_plan(grid_data.limit_texts(self.session.db, ids))

    def load_sample(self, sample_id: int | None) -> None:
        """Mode A: one row per test item of the sample."""
        self.beginResetModel()
        self.mode = "sample"
        self.sample_id = sample_id
        self._reset_rows()
        self._ids = (
            [] if sample_id is None else grid_data.sample_item_ids(self.session.db, sample_id)
        )
        self._set_columns(ITEM_COLUMNS, self._units_for(self._ids))
        self._more = False
        self.endResetModel()

    def load_item(self, item_name: str, category_code: str) -> None:
        """Mode B: one item across the samples awaiting results, paged in on scroll."""
        self.beginResetModel()
        self.mode = "item"
        self.sample_id = None
        self._item_name, self._category = item_name, category_code
        self._reset_rows()
        self._ids = grid_data.item_across_samples_page(
            self.session.db, item_name, category_code, None
        )
        self._set_columns((SAMPLE_COLUMN, *ITEM_COLUMNS), self._units_for(self._ids))
        self._more = len(self._ids) == grid_data.PAGE_SIZE
        self.endResetModel()

    def load_items(self, sample_item_ids: list[int]) -> None:
        """A run's items (any samples), in the order given; entry works as in mode A."""
        self.beginResetModel()
        self.mode = "run"
        self.sample_id = None
        self._reset_rows()
        self._ids = list(sample_item_ids)
        self._set_columns((SAMPLE_COLUMN, *ITEM_COLUMNS), self._units_for(self._ids))
        self._more = False
        self.endResetModel()

    def _reset_rows(self) -> None:
        self._cache.clear()
        self._rules.clear()
        for item_id in [i for i, s in self._states.items() if s.preview is not None]:
            self._states[item_id].preview = None
        self._forget_empty_states()

    def _forget_empty_states(self) -> None:
        for item_id in [
            i for i, s in self._states.items() if s.draft is None and s.waiting is None
        ]:
            del self._states[item_id]

    def reload(self) -> None:
        """Refetch row contents (ids stay); after someone else changed data."""
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1)
            )

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or not self._ids:
            return
        page = grid_data.item_across_samples_page(
            self.session.db, self._item_name, self._category, self._ids[-1]
        )
        self._more = len(page) == grid_data.PAGE_SIZE
        if not page:
            return
        units = self._units_for(page)
        if units > self.unit_columns:  # a later page holds a plan with more units
            at = self.column_of("result") + 1 + self.unit_columns
            self.beginInsertColumns(QModelIndex(), at, at + units - self.unit_columns - 1)
            self._set_columns(self._base, units)
            self.endInsertColumns()
        start = len(self._ids)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._ids.extend(page)
        self.endInsertRows()

    # ----- shape ----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def column_key(self, column: int) -> str:
        return self._columns[column].key

    def unit_number(self, column: int) -> int:
        """1…n if `column` is a plan unit's column (1#…n#), else 0."""
        return self._columns[column].unit_number if 0 <= column < len(self._columns) else 0

    def column_of(self, key: str) -> int:
        for i, col in enumerate(self._columns):
            if col.key == key:
                return i
        raise KeyError(key)

    def column_widths(self) -> list[int]:
        return [c.width for c in self._columns]

    def item_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, item_id: int) -> int | None:
        try:
            return self._ids.index(item_id)
        except ValueError:
            return None

    def ids(self) -> list[int]:
        return list(self._ids)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if int(role) != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._titles[section]
        return str(section + 1)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return FLAGS
        column = self._columns[index.column()]
        if column.key == "result":
            return EDITABLE_FLAGS
        if column.unit_number and column.unit_number <= self.plan_units(index.row()):
            return EDITABLE_FLAGS
        return FLAGS

    # ----- rows -----------------------------------------------------------------------

    def row_data(self, row: int) -> dict[str, Any]:
        """The row's item + current result, fetched in a block around `row` if needed.

        If the database cannot be read (a server that is away), the row shows what the
        cache held, or a placeholder, and is fetched again on the next paint."""
        item_id = self._ids[row]
        data = self._cache.get(item_id)
        if data is not None:
            self._cache.move_to_end(item_id)
            return data
        start = max(0, row - FETCH_BLOCK // 4)
        block = [i for i in self._ids[start : start + FETCH_BLOCK] if i not in self._cache]
        try:
            fetched = grid_data.item_rows(self.session.db, block)
        except LabDeskError:
            return {"id": item_id, "name": "…", "state": ""}
        for key in block:
            if key in fetched:
                self._cache[key] = found = fetched[key]
                self._note_plan(key, found)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(item_id) or {"id": item_id, "name": "?", "state": ""}

    def _note_plan(self, item_id: int, data: dict[str, Any]) -> None:
        """A plan item's row keeps its n (its unit cells need it on every paint)."""
        limit = str(data.get("limit_text") or "")
        n = self._plan_of_limit.get(limit)
        if n is None:
            n = self._plan_of_limit[limit] = grid_units.plan_n(limit)
        state = self._states.get(item_id)
        if n:
            if state is None:
                state = self._states[item_id] = RowState()
            state.plan_n = n
        elif state is not None:
            state.plan_n = 0

    def state(self, row: int) -> RowState:
        """The row's state (made if it has none: for writing it)."""
        item_id = int(self.row_data(row)["id"])
        state = self._states.get(item_id)
        if state is None:
            state = self._states[item_id] = RowState()
        return state

    def plan_units(self, row: int) -> int:
        """n for a sampling-plan item (each unit has its own cell), else 0."""
        data = self.row_data(row)
        state = self._states.get(int(data["id"]))
        return state.plan_n if state is not None else 0

    def units(self, row: int) -> list[str]:
        """The plan's unit values as the row shows them (typed draft, else stored)."""
        n = self.plan_units(row)
        state = self._states.get(self._ids[row])
        if state is not None and state.draft is not None:
            return list(state.draft)
        return grid_units.stored_units(self.row_data(row).get("result_text"), n)

    def rule(self, data: dict[str, Any]) -> CompiledRule | LabDeskError:
        item_id = int(data["id"])
        rule = self._rules.get(item_id)
        if rule is None:
            try:
                rule = compile_rule(item_rule(data))
            except LabDeskError as exc:
                rule = exc
            self._rules[item_id] = rule
        return rule

    def forget_rule(self, item_id: int) -> None:
        self._rules.pop(item_id, None)

    def forget_row(self, item_id: int) -> None:
        """Fetch the row again on its next paint (after a write)."""
        self._cache.pop(item_id, None)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role not in ROLES or not index.isValid():
            return None
        key = self._columns[index.column()].key
        data = self.row_data(index.row())
        state = self._states.get(int(data["id"])) if self._states else None
        return self._cells.value(key, data, state, role)

    def multiData(
        self,
        index: ModelIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,
    ) -> None:
        """All the roles a delegate asks for a cell in one call (Qt 6's item delegates
        ask seven roles per painted cell through this; the default calls data() seven
        times, each a C++ → Python call): the row is looked up once per cell."""
        if not index.isValid():
            return
        key = self._columns[index.column()].key
        data = self.row_data(index.row())
        state = self._states.get(int(data["id"])) if self._states else None
        value = self._cells.value
        # Every entry is written or cleared: one left alone keeps what it held before
        # (seen: a verdict colour spilling into the following cells).
        entries: Iterable[QModelRoleData] = (
            (roleDataSpan,)
            if isinstance(roleDataSpan, QModelRoleData)
            else cast("Iterable[QModelRoleData]", roleDataSpan)  # a span iterates by index
        )
        for role_data in entries:
            role = role_data.role()
            cell = value(key, data, state, role) if role in ROLES else None
            if cell is None:
                role_data.clearData()
            else:
                role_data.setData(cell)

    # ----- preview --------------------------------------------------------------------

    def set_preview(self, index: ModelIndex, text: str) -> None:
        """Judge `text` for the row without writing; the row shows it until cleared.

        In a plan unit's cell, `text` is that unit: the plan is judged once every unit
        has a value, else the row says how many are missing."""
        if not index.isValid():
            return
        row = index.row()
        data = self.row_data(row)
        state = self.state(row)
        number = self.unit_number(index.column())
        if not text.strip():
            state.preview = None
        elif number:
            state.preview = self._unit_preview(row, number, text, data)
        else:
            state.preview = self._judged(data, text)
        self._emit_row(row)

    def _judged(self, data: dict[str, Any], text: str) -> Preview:
        rule = self.rule(data)
        if isinstance(rule, LabDeskError):
            return Preview(text, None, user_message(rule))
        try:
            return Preview(text, rule.judge(text), "")
        except LabDeskError as exc:
            return Preview(text, None, user_message(exc))

    def _unit_preview(self, row: int, number: int, text: str, data: dict[str, Any]) -> Preview:
        try:
            spread = grid_units.spread(self.units(row), number, text)
        except LabDeskError as exc:
            return Preview(text, None, user_message(exc))
        left = grid_units.missing(spread)
        if left:
            note = QCoreApplication.translate(
                "ResultGridModel",
                "{0} of {1} units still to enter — nothing saved until all are in",
            )
            return Preview(text, None, "", note.format(left, len(spread)))
        return self._judged(data, grid_units.joined(spread))

    def clear_preview(self, index: ModelIndex) -> None:
        if not index.isValid():
            return
        state = self._states.get(self._ids[index.row()])
        if state is not None and state.preview is not None:
            state.preview = None
            self._emit_row(index.row())

    def preview(self, row: int) -> Preview | None:
        state = self._states.get(self._ids[row])
        return state.preview if state is not None else None

    def emit_row(self, row: int) -> None:
        self._emit_row(row)

    def _emit_row(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def judge_preview(self, row: int, text: str) -> str:
        """'合格 — explanation' for `text` on row's item, without writing (dialogs use it)."""
        from labdesk.ui.labels import chinese_ui, verdict_text

        preview = self._judged(self.row_data(row), text)
        if preview.verdict is None:
            return preview.error
        verdict = preview.verdict
        explanation = verdict.explanation_zh if chinese_ui() else verdict.explanation_en
        return f"{verdict_text(verdict.verdict)} — {explanation}"

    def complete(self) -> bool:
        """Mode A: every item has a current result."""
        return bool(self._ids) and all(
            self.row_data(r).get("result_id") is not None for r in range(len(self._ids))
        )

    def unsaved(self) -> list[str]:
        """Items with typed values not saved yet (units still missing, or waiting for
        the server): the screen says so instead of letting them go silently."""
        names = []
        for item_id, state in self._states.items():
            if state.draft is not None or state.waiting is not None:
                data = self._cache.get(item_id)
                names.append(str(data.get("name", item_id)) if data else str(item_id))
        return names
