"""The result grid's rows: ids only, contents fetched in blocks as they are shown.

Mode A lists the items of one sample; mode B one item across many samples, paged in by
keyset as the user scrolls; a run lists its items. Row contents are fetched from the
database in blocks (a bounded cache of row dicts), so memory does not grow with the
number of rows.

Painting never calls into Python per cell (issue 13: the first paint at ≤ 1.5× Qt's own
C++ model). The model is a `QStandardItemModel` whose rows are empty until shown: the
view asks `fill_rows` for the rows it is about to paint (one Python call per paint), and
those rows get C++ items holding each cell's text, colour, font, tooltip and flags
(grid_cells.py decides them). At most `FILLED_ROWS` rows hold items; the oldest are
emptied again. Mode A and a run (tens of rows) are filled when loaded. A row is filled
again whenever what it shows changes (a preview, a write, typed units).

Entry: `setData` on the result column (or a plan unit's column, grid_units.py) calls
`services.results.enter_result`, which judges and commits at once. Refused text returns
False and the reason goes out through the `message` signal (the screen shows it inline)
— never a dialog from the model. The writes themselves are in grid_writes.py, and
`ResultGridModel` (grid_entry_model.py) puts the two halves together.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel

from labdesk.core.errors import LabDeskError
from labdesk.core.judgement import CompiledRule, compile_rule, item_rule
from labdesk.ui import grid_data, grid_units
from labdesk.ui.errors import user_message
from labdesk.ui.grid_cells import CellText, Preview, RowState
from labdesk.ui.grid_columns import (
    BACKGROUND,
    DISPLAY,
    EDITABLE_FLAGS,
    FLAGS,
    FONT,
    ITEM_COLUMNS,
    SAMPLE_COLUMN,
    TOOLTIP,
    Column,
    with_units,
)
from labdesk.ui.session import UiSession

if TYPE_CHECKING:
    from labdesk.services.drafts import UnitDraft

ModelIndex = QModelIndex | QPersistentModelIndex

FETCH_BLOCK = 64
CACHE_ROWS = 2000
FILLED_ROWS = 600  # rows holding C++ items: a few screens' worth
_FLAGS_ROLE = int(Qt.ItemDataRole.UserRole.value) - 1  # where QStandardItem keeps its flags
_READ_ONLY = int(FLAGS.value)
_TAKES_VALUE = int(EDITABLE_FLAGS.value)


class GridRows(QStandardItemModel):
    """Id-only rows of frozen sample items with their current results (the reading half
    of `ResultGridModel`: loading, shape, cells, previews)."""

    message = Signal(str, bool)  # text, is_error
    committed = Signal(int)  # sample_item_id
    columnsLaidOut = Signal()  # the columns changed (the view puts its editor on them)
    # A later page's plan needs more units: columns first…first+count-1 were added.
    unitColumnsAdded = Signal(int, int)

    def __init__(self, session: UiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.mode = "sample"
        self._ids: list[int] = []
        self._base: tuple[Column, ...] = ITEM_COLUMNS
        self._columns: tuple[Column, ...] = ITEM_COLUMNS
        self._titles: list[str] = []
        self.unit_columns = 0
        self._keys: list[str] = []
        self._numbers: list[int] = []
        self._result_column = 0
        self._cells = CellText()
        prototype = QStandardItem()  # what Qt makes each cell's item from
        prototype.setFlags(FLAGS)
        self.setItemPrototype(prototype)
        self._touched: set[int] = set()  # rows that hold (or held) items since the load
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
        self._filled: OrderedDict[int, None] = OrderedDict()  # rows holding items, oldest first

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
        self._keys = [c.key for c in self._columns]
        self._numbers = [c.unit_number for c in self._columns]
        self._result_column = self._keys.index("result")
        self._cells.forget_words()
        self.setColumnCount(len(self._columns))
        self.setHorizontalHeaderLabels(self._titles)
        self.columnsLaidOut.emit()

    def _units_for(self, ids: list[int]) -> int:
        """How many unit columns these rows need (the largest plan n among them)."""
        if not ids:
            return 0
        return grid_units.widest_plan(grid_data.limit_texts(self.session.db, ids))

    def _load(
        self,
        mode: str,
        base: tuple[Column, ...],
        ids: list[int],
        more: bool,
        limits: list[str] | None = None,
    ) -> None:
        """Shows `ids` (a reset: no row holds items until filled); `limits`, when the
        ids' query read them, size the plan-unit columns without another query."""
        self.mode = mode
        self._reset_rows()
        self._ids = ids
        self._more = more
        if self.rowCount():
            self.clear()  # QStandardItemModel's own reset: no rows, no columns, no items
        self._filled.clear()
        self._touched.clear()
        units = grid_units.widest_plan(limits) if limits is not None else self._units_for(ids)
        self._set_columns(base, units)
        if units:  # only plan items have drafts: no query for a screen without one
            self.restore_drafts(ids)
        self.setRowCount(len(ids))
        if mode != "item":
            self.fill_rows(0, len(ids) - 1)  # tens of rows: all filled at once

    def load_sample(self, sample_id: int | None) -> None:
        """Mode A: one row per test item of the sample."""
        self.sample_id = sample_id
        pairs = (
            [] if sample_id is None else grid_data.sample_item_limits(self.session.db, sample_id)
        )
        self._load("sample", ITEM_COLUMNS, [i for i, _ in pairs], False, [t for _, t in pairs])

    def load_item(self, item_name: str, category_code: str) -> None:
        """Mode B: one item across the samples awaiting results, paged in on scroll."""
        self.sample_id = None
        self._item_name, self._category = item_name, category_code
        pairs = grid_data.item_page_limits(self.session.db, item_name, category_code, None)
        ids = [i for i, _ in pairs]
        more = len(ids) == grid_data.PAGE_SIZE
        self._load("item", (SAMPLE_COLUMN, *ITEM_COLUMNS), ids, more, [t for _, t in pairs])

    def load_items(self, sample_item_ids: list[int]) -> None:
        """A run's items (any samples), in the order given; entry works as in mode A."""
        self.sample_id = None
        self._load("run", (SAMPLE_COLUMN, *ITEM_COLUMNS), list(sample_item_ids), False)

    def restore_drafts(self, ids: list[int]) -> None:
        """The plan units typed so far for these items (kept in the database as drafts,
        services/drafts.py), by whoever typed them, here or at another workstation: the
        rows show them as in progress. Units this grid could not save yet stay as typed.
        If the database cannot be read now, the rows keep what they held."""
        if not ids:
            return
        from labdesk.services import drafts

        try:
            found = drafts.units_of(self.session.db, ids)
        except LabDeskError:
            return
        for item_id in ids:
            draft = found.get(item_id)
            state = self._states.get(item_id)
            if draft is None:
                if state is not None and state.draft is not None and not state.unsaved:
                    state.draft = state.typed_by = None  # its result was written meanwhile
                continue
            if state is None:
                state = self._states[item_id] = RowState()
            self.adopt_draft(state, draft)

    @staticmethod
    def adopt_draft(state: RowState, draft: UnitDraft) -> None:
        """The row shows `draft` as stored, over it the units not saved yet."""
        values = list(draft.values)
        if state.draft is not None and len(state.draft) == len(values):
            for number in state.unsaved:
                values[number - 1] = state.draft[number - 1]
        else:
            state.unsaved.clear()
        state.plan_n = draft.n
        state.draft = values
        state.typed_by = [
            _who(by, at) if values[k] and (k + 1) not in state.unsaved else ""
            for k, (by, at) in enumerate(zip(draft.typed_by, draft.typed_at, strict=True))
        ]

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
        """Refetch row contents (ids stay); after someone else changed data. The plan
        rows shown read their drafts again too (a result entered elsewhere ends one)."""
        self._cache.clear()
        rows = list(self._filled)
        self._filled.clear()
        if self.unit_columns:
            self.restore_drafts([self._ids[r] for r in rows])
        for start in range(0, len(rows), FETCH_BLOCK):
            self._fetch([self._ids[r] for r in rows[start : start + FETCH_BLOCK]])
        blocked = self.blockSignals(True)
        try:
            for row in rows:
                self._fill_row(row, self.row_data(row))
        finally:
            self.blockSignals(blocked)
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1)
            )

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or not self._ids:
            return
        pairs = grid_data.item_page_limits(
            self.session.db, self._item_name, self._category, self._ids[-1]
        )
        page = [i for i, _ in pairs]
        self._more = len(page) == grid_data.PAGE_SIZE
        if not page:
            return
        units = grid_units.widest_plan(t for _, t in pairs)
        if units > self.unit_columns:  # a later page holds a plan with more units
            at = self.column_of("result") + 1 + self.unit_columns
            added = units - self.unit_columns
            self.insertColumns(at, added)
            self._set_columns(self._base, units)
            self.reload()  # the filled plan rows show their new unit cells
            self.unitColumnsAdded.emit(at, added)
        if units:
            self.restore_drafts(page)
        self._ids.extend(page)
        self.setRowCount(len(self._ids))

    # ----- shape ----------------------------------------------------------------------

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

    def editable(self, row: int, column: int) -> bool:
        """Whether the cell takes a value: the result, or a plan's unit 1…n."""
        if not 0 <= row < len(self._ids) or not 0 <= column < len(self._columns):
            return False
        col = self._columns[column]
        if col.key == "result":
            return True
        return bool(col.unit_number) and col.unit_number <= self.plan_units(row)

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
        if not self._fetch(
            [i for i in self._ids[start : start + FETCH_BLOCK] if i not in self._cache]
        ):
            return {"id": item_id, "name": "…", "state": "", "unread": True}
        return self._cache.get(item_id) or {"id": item_id, "name": "?", "state": ""}

    def _fetch(self, block: list[int]) -> bool:
        """Rows of these ids into the cache (bounded); False if the database cannot be read."""
        if not block:
            return True
        try:
            fetched = grid_data.item_rows(self.session.db, block)
        except LabDeskError:
            return False
        for key in block:
            if key in fetched:
                self._cache[key] = found = fetched[key]
                self._note_plan(key, found)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return True

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

    # ----- items (what the view paints) ----------------------------------------------

    def fill_rows(self, first: int, last: int) -> None:
        """Rows `first`…`last` hold their C++ items (the view calls this before it paints
        them): painting then asks no Python per cell."""
        last = min(last, len(self._ids) - 1)
        missing = [r for r in range(max(first, 0), last + 1) if r not in self._filled]
        if not missing:
            for row in range(max(first, 0), last + 1):
                self._filled.move_to_end(row)
            return
        # One query for the rows to fill (not a block around each: the first paint of a
        # screen fetches the ~30 rows it shows, no more).
        # No cyclic garbage collection while fetching and filling: they make only
        # short-lived objects that reference counting frees, and a collection they
        # triggered walked the whole heap (measured: a screen's fill 1.2 ms → 5.4 ms
        # when one ran inside the paint).
        collecting = gc.isenabled()
        gc.disable()
        blocked = self.blockSignals(True)  # the view is about to paint them
        try:
            self._fetch([self._ids[r] for r in missing if self._ids[r] not in self._cache])
            for row in missing:
                self._fill_row(row, self.row_data(row))
        finally:
            if collecting:
                gc.enable()
            self.blockSignals(blocked)
        self._evict()

    def is_filled(self, row: int) -> bool:
        return row in self._filled

    def filled_rows(self) -> int:
        """How many rows hold items now (bounded by FILLED_ROWS)."""
        return len(self._filled)

    def _fill_row(self, row: int, data: dict[str, Any]) -> None:
        """The row's cells (signals blocked by the caller: it repaints or is painting).

        Written with the base class's setData, so Qt makes each item from the model's
        read-only prototype: no Python object per cell (a Python-made QStandardItem that
        Qt later deletes, on a reset or a refill, leaves a dangling wrapper behind), and
        no setFlags from Python (it converts its enum argument: ~4 ms a screen). Flags
        go in the role QStandardItem keeps them in."""
        state = self._states.get(int(data["id"])) if self._states else None
        cells = self._cells.row(data, state, self._keys)
        units = state.plan_n if state is not None else 0
        fresh = row not in self._touched  # never held items: only what is set is written
        self._touched.add(row)
        index, put = self.index, QStandardItemModel.setData
        numbers, result = self._numbers, self._result_column
        for column, (text, brush, font, tip) in enumerate(cells):
            at = index(row, column)
            number = numbers[column]
            takes = column == result or 0 < number <= units
            put(self, at, text, DISPLAY)  # also makes the item (None: no text)
            if fresh:
                if takes:
                    put(self, at, _TAKES_VALUE, _FLAGS_ROLE)
                if brush is not None:
                    put(self, at, brush, BACKGROUND)
                if font is not None:
                    put(self, at, font, FONT)
                if tip:
                    put(self, at, tip, TOOLTIP)
            else:  # every role again: one left alone would keep what it showed before
                put(self, at, _TAKES_VALUE if takes else _READ_ONLY, _FLAGS_ROLE)
                put(self, at, brush, BACKGROUND)
                put(self, at, font, FONT)
                put(self, at, tip or None, TOOLTIP)
        if data.get("unread"):
            self._filled.pop(row, None)  # the database could not be read: try again later
        else:
            self._filled[row] = None
            self._filled.move_to_end(row)

    def _evict(self) -> None:
        """Empties the rows filled longest ago beyond FILLED_ROWS (memory stays flat)."""
        if len(self._filled) <= FILLED_ROWS:
            return
        blocked = self.blockSignals(True)
        try:
            while len(self._filled) > FILLED_ROWS:
                row, _ = self._filled.popitem(last=False)
                for column in range(len(self._columns)):
                    self.takeItem(row, column)
        finally:
            self.blockSignals(blocked)

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
                "{0} of {1} units still to enter — kept as a draft; no result until all are in",
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
        """The row shows what it holds now (filled again, then repainted)."""
        data = self.row_data(row)
        blocked = self.blockSignals(True)
        try:
            self._fill_row(row, data)
        finally:
            self.blockSignals(blocked)
        self._evict()
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
        """Items with typed values the database does not hold yet (units it could not
        take as a draft, a value waiting for the server): the screen says so instead of
        letting them go silently. Units kept as a draft are not lost by closing."""
        names = []
        for item_id, state in self._states.items():
            if state.unsaved or state.waiting is not None:
                data = self._cache.get(item_id)
                names.append(str(data.get("name", item_id)) if data else str(item_id))
        return names


def _who(name: str, at_utc: str) -> str:
    """ "张三 12-04 10:42": who typed a unit and when, in local time."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(at_utc.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return name
    return f"{name} {moment:%m-%d %H:%M}".strip()
