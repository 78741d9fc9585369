"""The result entry grid: a lazy, id-only model, a previewing delegate and a keyboard view.

Model (`ResultGridModel`): holds sample_item ids only. Mode A lists the items of one
sample; mode B one item across many samples, paged in by keyset as the user scrolls.
Row contents are fetched in blocks the first time a row is painted and kept in a small
bounded cache, so memory does not grow with the number of rows.

Entry: `setData` on the result column calls `services.results.enter_result`, which
judges and commits at once. Refused text returns False and the reason goes out through
the `message` signal (the screen shows it inline) — never a dialog from the model.

As you type: the delegate's editor sends each keystroke to `set_preview`, which judges
the text with `labdesk.core.judgement` without writing; the rounded, verdict and
explanation cells show the preview (italic) until the entry is accepted or abandoned.

Keys: Enter accepts and moves down, Tab accepts and moves right, arrows move, typing
starts an entry, Ctrl+V pastes a tab/newline block from a spreadsheet into consecutive
cells, Ctrl+C copies the selection the same way.

A sampling-plan item (n=5,c=2,m=…,M=…) takes its n unit values in its one result cell,
typed as ``80;120;<10;95;300`` (Enter accepts and moves on, like any cell); a row of n
cells pasted from Excel onto it fills its units (the cells become that one entry).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.core.judgement import CompiledRule, Verdict, compile_rule, item_rule
from labdesk.ui import grid_data
from labdesk.ui.i18n import QT_TRANSLATE_NOOP
from labdesk.ui.labels import (
    VERDICT_BRUSHES,
    chinese_ui,
    method_text,
    verdict_text,
)
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex

# States in which a change needs a reason (the service enforces it; the UI asks first).
REASON_STATES = frozenset({"submitted", "reviewed", "approved"})
FETCH_BLOCK = 64
CACHE_ROWS = 2000

PREVIEW_BRUSH = QBrush(QColor("#eef2fb"))

# Roles as plain ints: Qt asks data() ~7 roles per painted cell, and comparing PySide
# enum members costs more than the rest of the call.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_EDIT = int(Qt.ItemDataRole.EditRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ROLES = frozenset({_DISPLAY, _EDIT, _BACKGROUND, _FONT, _TOOLTIP})
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_FLAGS = _FLAGS | Qt.ItemFlag.ItemIsEditable


@dataclass(frozen=True)
class Column:
    key: str
    source_title: str
    width: int


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


@dataclass
class Preview:
    """What the editor's current text would give (not written)."""

    text: str
    verdict: Verdict | None
    error: str


class ResultGridModel(QAbstractTableModel):
    """Id-only rows of frozen sample items with their current results."""

    message = Signal(str, bool)  # text, is_error
    committed = Signal(int)  # sample_item_id

    def __init__(self, session: UiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.mode = "sample"
        self._ids: list[int] = []
        self._columns: tuple[Column, ...] = ITEM_COLUMNS
        self._titles: list[str] = []
        self._set_columns(ITEM_COLUMNS)
        self._cache: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._rules: dict[int, CompiledRule | LabDeskError] = {}
        self._previews: dict[int, Preview] = {}
        self._more = False
        self._item_name = ""
        self._category = ""
        self.sample_id: int | None = None
        self._italic = QFont()
        self._italic.setItalic(True)

    # ----- loading --------------------------------------------------------------------

    def _set_columns(self, columns: tuple[Column, ...]) -> None:
        from PySide6.QtCore import QCoreApplication

        self._columns = columns
        # Translated once per load: headerData is asked for every section on each paint.
        self._titles = [QCoreApplication.translate("ResultGrid", c.source_title) for c in columns]

    def load_sample(self, sample_id: int | None) -> None:
        """Mode A: one row per test item of the sample."""
        self.beginResetModel()
        self.mode = "sample"
        self._set_columns(ITEM_COLUMNS)
        self.sample_id = sample_id
        self._reset_rows()
        self._ids = (
            [] if sample_id is None else grid_data.sample_item_ids(self.session.db, sample_id)
        )
        self._more = False
        self.endResetModel()

    def load_item(self, item_name: str, category_code: str) -> None:
        """Mode B: one item across the samples awaiting results, paged in on scroll."""
        self.beginResetModel()
        self.mode = "item"
        self._set_columns((SAMPLE_COLUMN, *ITEM_COLUMNS))
        self.sample_id = None
        self._item_name, self._category = item_name, category_code
        self._reset_rows()
        self._ids = grid_data.item_across_samples_page(
            self.session.db, item_name, category_code, None
        )
        self._more = len(self._ids) == grid_data.PAGE_SIZE
        self.endResetModel()

    def load_items(self, sample_item_ids: list[int]) -> None:
        """A run's items (any samples), in the order given; entry works as in mode A."""
        self.beginResetModel()
        self.mode = "run"
        self._set_columns((SAMPLE_COLUMN, *ITEM_COLUMNS))
        self.sample_id = None
        self._reset_rows()
        self._ids = list(sample_item_ids)
        self._more = False
        self.endResetModel()

    def _reset_rows(self) -> None:
        self._cache.clear()
        self._rules.clear()
        self._previews.clear()

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
        if page:
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

    def column_of(self, key: str) -> int:
        for i, col in enumerate(self._columns):
            if col.key == key:
                return i
        raise KeyError(key)

    def column_widths(self) -> list[int]:
        return [c.width for c in self._columns]

    def item_id(self, row: int) -> int:
        return self._ids[row]

    def ids(self) -> list[int]:
        return list(self._ids)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if int(role) != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._titles[section]
        return str(section + 1)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if index.isValid() and self._columns[index.column()].key == "result":
            return _EDITABLE_FLAGS
        return _FLAGS

    # ----- rows -----------------------------------------------------------------------

    def row_data(self, row: int) -> dict[str, Any]:
        """The row's item + current result, fetched in a block around `row` if needed."""
        item_id = self._ids[row]
        data = self._cache.get(item_id)
        if data is not None:
            self._cache.move_to_end(item_id)
            return data
        start = max(0, row - FETCH_BLOCK // 4)
        block = [i for i in self._ids[start : start + FETCH_BLOCK] if i not in self._cache]
        fetched = grid_data.item_rows(self.session.db, block)
        for key in block:
            if key in fetched:
                self._cache[key] = fetched[key]
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(item_id) or {"id": item_id, "name": "?", "state": ""}

    def plan_units(self, row: int) -> int:
        """n for a sampling-plan item (its units are entered together), else 0."""
        rule = self._rule(self.row_data(row))
        plan = rule.limit.plan if isinstance(rule, CompiledRule) else None
        return plan.n if plan is not None else 0

    def _rule(self, data: dict[str, Any]) -> CompiledRule | LabDeskError:
        item_id = int(data["id"])
        rule = self._rules.get(item_id)
        if rule is None:
            try:
                rule = compile_rule(item_rule(data))
            except LabDeskError as exc:
                rule = exc
            self._rules[item_id] = rule
        return rule

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        key = self._columns[index.column()].key
        data = self.row_data(index.row())
        preview = self._previews.get(int(data["id"])) if self._previews else None
        return self._value(key, data, preview, role)

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
        preview = self._previews.get(int(data["id"])) if self._previews else None
        # Every entry is written or cleared: one left alone keeps what it held before
        # (seen: a verdict colour spilling into the following cells).
        entries: Iterable[QModelRoleData] = (
            (roleDataSpan,)
            if isinstance(roleDataSpan, QModelRoleData)
            else cast("Iterable[QModelRoleData]", roleDataSpan)  # a span iterates by index
        )
        for role_data in entries:
            role = role_data.role()
            value = self._value(key, data, preview, role) if role in _ROLES else None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _value(self, key: str, data: dict[str, Any], preview: Preview | None, role: int) -> Any:
        shows_preview = preview is not None and key in ("rounded", "verdict", "explanation")
        if role == _FONT:
            return self._italic if shows_preview else None
        if role == _BACKGROUND:
            if key == "verdict":
                code = self._verdict_code(data, preview)
                return VERDICT_BRUSHES.get(code or "")
            if shows_preview:
                return PREVIEW_BRUSH
            return None
        if role == _TOOLTIP:
            if shows_preview:
                return self.tr("Preview of what you are typing — not saved until accepted")
            if key == "explanation":
                return self._explanation(data, None) or None
            if key == "result" and data.get("attempt") and int(data["attempt"]) > 1:
                return self.tr("Retest, attempt {0}").format(data["attempt"])
            return None
        return self._display(key, data, preview, role == _EDIT)

    @staticmethod
    def _verdict_code(data: dict[str, Any], preview: Preview | None) -> str | None:
        if preview is not None:
            return preview.verdict.verdict if preview.verdict is not None else None
        return data.get("verdict")

    def _explanation(self, data: dict[str, Any], preview: Preview | None) -> str:
        if preview is not None:
            if preview.error:
                return preview.error
            if preview.verdict is None:
                return ""
            v = preview.verdict
            return v.explanation_zh if chinese_ui() else v.explanation_en
        text = data.get("explanation_zh") if chinese_ui() else data.get("explanation_en")
        return str(text or "")

    def _display(
        self, key: str, data: dict[str, Any], preview: Preview | None, edit: bool
    ) -> str | None:
        if key == "sample":
            return f"{data.get('sample_no', '')} {data.get('sample_name', '')}".strip()
        if key == "item":
            return str(data.get("name", ""))
        if key == "unit":
            return str(data.get("unit") or "")
        if key == "limit":
            return str(data.get("limit_text") or "")
        if key == "method":
            return method_text(str(data.get("method", "full")))
        if key == "result":
            return str(data.get("result_text") or "")
        if key == "rounded":
            if preview is not None:
                v = preview.verdict
                return (v.rounded or v.display) if v is not None else ""
            return str(data.get("rounded") or data.get("display") or "")
        if key == "verdict":
            if preview is not None and preview.verdict is None:
                return self.tr("Invalid") if preview.error else ""
            return verdict_text(self._verdict_code(data, preview))
        if key == "explanation":
            return self._explanation(data, preview)
        if key == "instrument":
            return str(data.get("instrument") or "")
        return None

    # ----- preview --------------------------------------------------------------------

    def set_preview(self, index: ModelIndex, text: str) -> None:
        """Judge `text` for the row without writing; the row shows it until cleared."""
        if not index.isValid():
            return
        data = self.row_data(index.row())
        item_id = int(data["id"])
        if not text.strip():
            self._previews.pop(item_id, None)
        else:
            rule = self._rule(data)
            if isinstance(rule, LabDeskError):
                preview = Preview(text, None, str(rule))
            else:
                try:
                    preview = Preview(text, rule.judge(text), "")
                except LabDeskError as exc:
                    preview = Preview(text, None, str(exc))
            self._previews[item_id] = preview
        self._emit_row(index.row())

    def clear_preview(self, index: ModelIndex) -> None:
        if index.isValid() and self._previews.pop(self._ids[index.row()], None) is not None:
            self._emit_row(index.row())

    def preview(self, row: int) -> Preview | None:
        return self._previews.get(self._ids[row])

    def _emit_row(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    # ----- writing --------------------------------------------------------------------

    def needs_reason(self, index: ModelIndex) -> bool:
        """Replacing a result of a sample that was ever submitted needs a reason.

        The service enforces the rule; the grid asks for the reason before writing so
        the technician is not refused after pressing Enter.
        """
        if not index.isValid():
            return False
        data = self.row_data(index.row())
        if data.get("result_id") is None:
            return False
        if data.get("state") in REASON_STATES:
            return True
        from labdesk.services import results

        return bool(results.was_submitted(self.session.db, int(data["sample_id"])))

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        return self.enter(index, str(value), None)

    def enter(self, index: ModelIndex, text: str, reason: str | None) -> bool:
        """Commit one result through the service. False (and a message) if refused."""
        if not index.isValid() or self._columns[index.column()].key != "result":
            return False
        from labdesk.services import results

        data = self.row_data(index.row())
        item_id = int(data["id"])
        if text.strip() == str(data.get("result_text") or "") and text.strip():
            self.clear_preview(index)
            return True  # unchanged: nothing to write
        if not text.strip():
            self.clear_preview(index)
            self.message.emit(self.tr("A result cannot be emptied; type the correct value."), True)
            return False
        return self._commit(
            index,
            item_id,
            lambda: results.enter_result(
                self.session.context,
                item_id,
                text.strip(),
                reason=reason or None,
                # Another workstation's change since this row was read is refused.
                seen_result_id=data.get("result_id"),
            ),
            lambda verdict: self.tr("Saved {0} = {1}: {2}").format(
                data.get("name", ""), text.strip(), verdict_text(verdict.verdict)
            ),
        )

    def _commit(
        self,
        index: ModelIndex,
        item_id: int,
        write: Callable[[], Any],
        saved_message: Callable[[Any], str],
    ) -> bool:
        """Runs one service write for a row; a refusal becomes the message and False, a
        success refreshes the row, says `saved_message(result)` and tells the screens."""
        try:
            outcome = write()
        except LabDeskError as exc:
            from labdesk.services.conflicts import EditConflict

            if isinstance(exc, EditConflict):
                # Changed at another workstation: show its value now (the message says so).
                self._previews.pop(item_id, None)
                self._cache.pop(item_id, None)
                self._emit_row(index.row())
            self.message.emit(str(exc), True)
            return False
        self._previews.pop(item_id, None)
        self._cache.pop(item_id, None)
        self._emit_row(index.row())
        self.message.emit(saved_message(outcome), False)
        self.committed.emit(item_id)
        self.session.notify_changed("results")
        return True

    def set_instrument(self, index: ModelIndex, instrument: str, reason: str | None) -> bool:
        """Record the instrument of the row's current result: the service records the same
        value again with the instrument (a change after submission needs a reason, like any
        change). False (and a message) if refused."""
        if not index.isValid():
            return False
        from labdesk.services import results

        data = self.row_data(index.row())
        item_id = int(data["id"])
        current = str(data.get("result_text") or "")
        if data.get("result_id") is None or not current:
            self.message.emit(self.tr("Enter the result before its instrument."), True)
            return False
        if instrument.strip() == str(data.get("instrument") or ""):
            return True  # unchanged: nothing to write
        if not instrument.strip():
            self.message.emit(self.tr("Type the instrument (name or number)."), True)
            return False
        return self._commit(
            index,
            item_id,
            lambda: results.enter_result(
                self.session.context,
                item_id,
                current,
                reason=reason or None,
                instrument=instrument.strip(),
                seen_result_id=data.get("result_id"),
            ),
            lambda _verdict: self.tr("Instrument of {0}: {1}").format(
                data.get("name", ""), instrument.strip()
            ),
        )

    def set_lod(self, index: ModelIndex, lod: str, reason: str) -> bool:
        """Enter the detection limit (检出限) of the row's item, with a reason (audited);
        a current result is judged again under it. False (and a message) if refused."""
        if not index.isValid():
            return False
        from labdesk.services import results

        data = self.row_data(index.row())
        item_id = int(data["id"])
        self._rules.pop(item_id, None)  # the rule changes with its LOD
        return self._commit(
            index,
            item_id,
            lambda: results.set_item_lod(self.session.context, item_id, lod.strip(), reason),
            lambda _verdict: self.tr("Detection limit of {0}: {1}").format(
                data.get("name", ""), lod.strip()
            ),
        )

    def retest(self, index: ModelIndex, text: str, reason: str) -> bool:
        """Record a retest (attempt + 1, the earlier result kept). False if refused."""
        if not index.isValid():
            return False
        from labdesk.services import results

        data = self.row_data(index.row())
        item_id = int(data["id"])
        return self._commit(
            index,
            item_id,
            lambda: results.retest(self.session.context, item_id, text.strip(), reason),
            lambda verdict: self.tr("Retest of {0} = {1}: {2}").format(
                data.get("name", ""), text.strip(), verdict_text(verdict.verdict)
            ),
        )

    def judge_preview(self, row: int, text: str) -> str:
        """'合格 — explanation' for `text` on row's item, without writing (dialogs use it)."""
        preview_rule = self._rule(self.row_data(row))
        if isinstance(preview_rule, LabDeskError):
            return str(preview_rule)
        try:
            verdict = preview_rule.judge(text)
        except LabDeskError as exc:
            return str(exc)
        explanation = verdict.explanation_zh if chinese_ui() else verdict.explanation_en
        return f"{verdict_text(verdict.verdict)} — {explanation}"

    def complete(self) -> bool:
        """Mode A: every item has a current result."""
        return bool(self._ids) and all(
            self.row_data(r).get("result_id") is not None for r in range(len(self._ids))
        )


class ResultDelegate(QStyledItemDelegate):
    """A line editor that previews the verdict on every keystroke.

    Enter/Tab first try to commit; refused text keeps the editor open with its text (the
    reason is shown by the screen), so nothing typed is thrown away silently.
    """

    def __init__(self, view: ResultTableView) -> None:
        super().__init__(view)
        self.view = view

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
        assert isinstance(editor, QLineEdit)
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
            reason = self.view.ask_reason(index)
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


class RetestDialog(QDialog):
    """A retest: the new value (previewed as typed) and why it was retested."""

    def __init__(self, model: ResultGridModel, row: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        data = model.row_data(row)
        self.setWindowTitle(self.tr("Retest — {0}").format(data.get("name", "")))
        form = QFormLayout(self)
        form.addRow(
            self.tr("Current result"),
            QLabel(f"{data.get('result_text') or ''} ({verdict_text(data.get('verdict'))})"),
        )
        self.value = QLineEdit()
        self.value.setObjectName("retest_value")
        self.reason = QLineEdit()
        self.reason.setObjectName("retest_reason")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        form.addRow(self.tr("Retest result"), self.value)
        form.addRow("", self.preview)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.value.textEdited.connect(
            lambda text: self.preview.setText(model.judge_preview(row, text) if text else "")
        )


class LodDialog(QDialog):
    """The detection limit (检出限) of one item and why it is entered (kept in the audit)."""

    def __init__(self, data: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Detection limit — {0}").format(data.get("name", "")))
        form = QFormLayout(self)
        self.lod = QLineEdit(str(data.get("lod") or ""))
        self.lod.setObjectName("lod_value")
        self.lod.setPlaceholderText(self.tr("e.g. 0.01"))
        self.reason = QLineEdit()
        self.reason.setObjectName("lod_reason")
        self.reason.setPlaceholderText(self.tr("e.g. the method standard and its clause"))
        unit = str(data.get("unit") or "")
        label = (
            self.tr("Detection limit ({0})").format(unit) if unit else self.tr("Detection limit")
        )
        form.addRow(label, self.lod)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ResultTableView(QTableView):
    """Spreadsheet keys over the result grid."""

    # Asked when a change on a submitted sample needs a reason; tests replace it.
    reason_provider: Callable[[ResultTableView, QModelIndex | QPersistentModelIndex], str | None]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("result_grid")
        self.setItemDelegate(ResultDelegate(self))
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
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        retest = QAction(self.tr("Record a &retest…"), self)
        retest.setObjectName("action_retest")
        retest.setShortcut(QKeySequence("Ctrl+R"))
        retest.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        retest.triggered.connect(self.retest_current)
        self.addAction(retest)
        self.instrument_provider: Callable[
            [ResultTableView, QModelIndex | QPersistentModelIndex], str | None
        ] = ResultTableView._ask_instrument_dialog
        instrument = QAction(self.tr("Set the &instrument…"), self)
        instrument.setObjectName("action_instrument")
        instrument.setShortcut(QKeySequence("Ctrl+I"))
        instrument.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        instrument.triggered.connect(self.set_instrument_current)
        self.addAction(instrument)
        # 未检出 needs its 检出限: an item without one takes its LOD here, with a reason.
        self.lod_provider: Callable[
            [ResultTableView, QModelIndex | QPersistentModelIndex], tuple[str, str] | None
        ] = ResultTableView._ask_lod_dialog
        lod = QAction(self.tr("Set the &detection limit…"), self)
        lod.setObjectName("action_lod")
        lod.setShortcut(QKeySequence("Ctrl+L"))
        lod.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        lod.triggered.connect(self.set_lod_current)
        self.addAction(lod)

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
        index = model.index(row, model.column_of("result"))
        self.setCurrentIndex(index)
        self.scrollTo(index)

    def commit_open_editor(self) -> None:
        """Commit the text of an open editor (closing the window counts as accepting)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        index = self.currentIndex()
        editor = self.indexWidget(index)
        if editor is None:
            editor = self.focusWidget() if isinstance(self.focusWidget(), QLineEdit) else None
        if isinstance(editor, QLineEdit):
            delegate = self.itemDelegate()
            assert isinstance(delegate, ResultDelegate)
            delegate.try_commit(editor, index)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        move_down = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if move_down else hint)
        if move_down:
            self._move_down()

    def _move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() + 1 < self.model().rowCount():
            below = self.model().index(current.row() + 1, current.column())
            self.setCurrentIndex(below)
            self.scrollTo(below)

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
            and self.model().flags(index) & Qt.ItemFlag.ItemIsEditable
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
        model = self.model()
        lines = ["\t".join(str(model.index(r, c).data() or "") for c in cols) for r in rows]
        QGuiApplication.clipboard().setText("\n".join(lines))

    def paste_from_clipboard(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> tuple[int, int]:
        """Enter a tab/newline block starting at the current cell; (accepted, refused)."""
        model = self.grid_model()
        start = self.currentIndex()
        if not start.isValid():
            return 0, 0
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        block = [line.split("\t") for line in lines]
        accepted = refused = 0
        reason: str | None = None
        first_error = ""
        errors: list[str] = []

        def collect(msg: str, is_error: bool) -> None:
            if is_error:
                errors.append(msg)

        model.message.connect(collect)
        try:
            for r, cells in enumerate(block):
                row = start.row() + r
                while row >= model.rowCount() and model.canFetchMore(QModelIndex()):
                    model.fetchMore(QModelIndex())
                if row >= model.rowCount():
                    break
                if (
                    len(cells) > 1
                    and model.column_key(start.column()) == "result"
                    and model.plan_units(row)
                ):
                    # An Excel row of unit values (1#…n#) pasted on a sampling-plan item:
                    # its cells are that item's units, entered as one result.
                    cells = [";".join(cell.strip() for cell in cells if cell.strip())]
                for c, cell in enumerate(cells):
                    index = model.index(row, start.column() + c)
                    if not index.isValid() or not (model.flags(index) & Qt.ItemFlag.ItemIsEditable):
                        continue
                    if not cell.strip():
                        continue
                    if model.needs_reason(index) and reason is None:
                        reason = self.ask_reason(index)
                        if reason is None:
                            return accepted, refused
                    if model.enter(index, cell, reason if model.needs_reason(index) else None):
                        accepted += 1
                    else:
                        refused += 1
                        if not first_error and errors:
                            first_error = errors[-1]
        finally:
            model.message.disconnect(collect)
        last = model.index(min(start.row() + len(block) - 1, model.rowCount() - 1), start.column())
        self.selectionModel().select(last, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.setCurrentIndex(last)
        summary = self.tr("Pasted: {0} accepted, {1} refused.").format(accepted, refused)
        if first_error:
            summary += " " + self.tr("First refusal: {0}").format(first_error)
        model.message.emit(summary, refused > 0)
        return accepted, refused
