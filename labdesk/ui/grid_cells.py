"""What each cell of the result grid shows, for each role Qt asks.

A row is the dict `grid_data.item_rows` fetched; a `Preview` is what the editor's current
text would give (judged, not written); `units` are a plan item's unit values as the row
holds them (a draft typed but not yet complete, or the stored ones). Everything here is
read-only and never touches the database: it runs for every painted cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush, QFont

from labdesk.core.verdicts import Verdict
from labdesk.ui.grid_columns import (
    BACKGROUND,
    DISPLAY,
    FONT,
    PENDING_BRUSH,
    PREVIEW_BRUSH,
    TOOLTIP,
    UNIT_PREFIX,
)
from labdesk.ui.labels import VERDICT_BRUSHES, chinese_ui, method_text, verdict_text

_JUDGED = ("rounded", "verdict", "explanation")


@dataclass
class Preview:
    """What the editor's current text would give (not written)."""

    text: str
    verdict: Verdict | None
    error: str
    note: str = ""  # e.g. a plan still missing units: no verdict yet, and why


@dataclass
class RowState:
    """What the row holds beyond its stored columns: a preview, the plan's n, the units
    typed while the plan is not complete (`draft`: kept as a draft in the database at
    once, `typed_by` saying who typed each; `unsaved` the unit numbers the database could
    not take yet), a value waiting for the server (`waiting`)."""

    preview: Preview | None = None
    plan_n: int = 0
    draft: list[str] | None = None
    waiting: str | None = None
    typed_by: list[str] | None = None
    unsaved: set[int] = field(default_factory=set)


# One cell as the model's item holds it: text (None: no text), background, font, tooltip.
Cell = tuple[str | None, QBrush | None, QFont | None, str | None]


class CellText:
    """Cell values by column key and role (fonts made once: asked per filled cell)."""

    def __init__(self) -> None:
        self.italic = QFont()
        self.italic.setItalic(True)
        self._words: dict[tuple[str, str | None], str] = {}  # translated method/verdict

    def forget_words(self) -> None:
        """Translations are looked up again (after a load: the language may have changed)."""
        self._words.clear()

    def _word(self, kind: str, code: str | None) -> str:
        word = self._words.get((kind, code))
        if word is None:
            word = method_text(str(code)) if kind == "method" else verdict_text(code)
            self._words[(kind, code)] = word
        return word

    def row(self, data: dict[str, Any], state: RowState | None, keys: Sequence[str]) -> list[Cell]:
        """Every cell of a row. A row with nothing beyond its stored columns (the common
        case: no preview, no plan, nothing waiting) is built in one pass; any other
        goes role by role through `value`."""
        if state is not None:
            value = self.value
            return [
                (
                    value(key, data, state, DISPLAY),
                    value(key, data, state, BACKGROUND),
                    value(key, data, state, FONT),
                    value(key, data, state, TOOLTIP),
                )
                for key in keys
            ]
        out: list[Cell] = []
        get = data.get
        for key in keys:
            if key == "sample":
                out.append(
                    (f"{get('sample_no', '')} {get('sample_name', '')}".strip(), None, None, None)
                )
            elif key == "item":
                out.append((str(get("name", "")), None, None, None))
            elif key == "unit":
                out.append((str(get("unit") or ""), None, None, None))
            elif key == "limit":
                out.append((str(get("limit_text") or ""), None, None, None))
            elif key == "method":
                out.append((self._word("method", str(get("method", "full"))), None, None, None))
            elif key == "result":
                attempt = get("attempt")
                tip = (
                    QCoreApplication.translate("ResultGridModel", "Retest, attempt {0}").format(
                        attempt
                    )
                    if attempt and int(attempt) > 1
                    else None
                )
                out.append((str(get("result_text") or ""), None, None, tip))
            elif key == "rounded":
                out.append((str(get("rounded") or get("display") or ""), None, None, None))
            elif key == "verdict":
                code = get("verdict")
                out.append(
                    (self._word("verdict", code), VERDICT_BRUSHES.get(code or ""), None, None)
                )
            elif key == "instrument":
                out.append((str(get("instrument") or ""), None, None, None))
            elif key == "explanation":
                text = self.explanation(data, None)
                out.append((text, None, None, text or None))
            else:  # a plan unit's cell on a row that is not a plan
                out.append((None, None, None, None))
        return out

    def value(self, key: str, data: dict[str, Any], state: RowState | None, role: int) -> Any:
        preview = state.preview if state is not None else None
        if key.startswith(UNIT_PREFIX):
            return self._unit(int(key[len(UNIT_PREFIX) :]), data, state, role)
        waiting = state is not None and state.waiting is not None and key == "result"
        shows_preview = preview is not None and key in _JUDGED
        if role == FONT:
            return self.italic if shows_preview or waiting else None
        if role == BACKGROUND:
            if key == "verdict" and not waiting:
                code = self._verdict_code(data, preview)
                return VERDICT_BRUSHES.get(code or "")
            if waiting:
                return PENDING_BRUSH
            if shows_preview:
                return PREVIEW_BRUSH
            return None
        if role == TOOLTIP:
            if waiting:
                return QCoreApplication.translate(
                    "ResultGridModel", "Not saved yet: waiting for the database server, retrying"
                )
            if shows_preview:
                return QCoreApplication.translate(
                    "ResultGridModel", "Preview of what you are typing — not saved until accepted"
                )
            if key == "explanation":
                return self.explanation(data, None) or None
            if key == "result" and data.get("attempt") and int(data["attempt"]) > 1:
                return QCoreApplication.translate("ResultGridModel", "Retest, attempt {0}").format(
                    data["attempt"]
                )
            return None
        if waiting and state is not None:
            return state.waiting if key == "result" else self._display(key, data, None, role)
        if key == "explanation" and preview is None and state is not None and state.draft:
            return self._draft_note(state)
        return self._display(key, data, preview, role)

    def _unit(self, number: int, data: dict[str, Any], state: RowState | None, role: int) -> Any:
        if state is None or number > state.plan_n:
            return None
        draft = state.draft is not None
        if role == FONT:
            return self.italic if draft else None
        if role == BACKGROUND:
            return PENDING_BRUSH if draft else None
        if role == TOOLTIP:
            return self._unit_note(state, number) if draft else None
        units = state.draft if state.draft is not None else _stored(data, state.plan_n)
        return units[number - 1] if units else ""

    @staticmethod
    def _draft_note(state: RowState) -> str:
        draft = state.draft or []
        left = sum(1 for u in draft if not u)
        return QCoreApplication.translate(
            "ResultGridModel",
            "{0} of {1} units still to enter — kept as a draft; no result until all are in",
        ).format(left, state.plan_n)

    def _unit_note(self, state: RowState, number: int) -> str:
        """The draft's note, and what this unit is: typed by whom, or not saved yet."""
        note = self._draft_note(state)
        if number in state.unsaved:
            return (
                note
                + "\n"
                + QCoreApplication.translate(
                    "ResultGridModel", "{0}#: not saved yet (the database could not take it)"
                ).format(number)
            )
        who = state.typed_by[number - 1] if state.typed_by else ""
        if who:
            return (
                note
                + "\n"
                + QCoreApplication.translate("ResultGridModel", "{0}#: typed by {1}").format(
                    number, who
                )
            )
        return note

    @staticmethod
    def _verdict_code(data: dict[str, Any], preview: Preview | None) -> str | None:
        if preview is not None:
            return preview.verdict.verdict if preview.verdict is not None else None
        return data.get("verdict")

    def explanation(self, data: dict[str, Any], preview: Preview | None) -> str:
        if preview is not None:
            if preview.error:
                return preview.error
            if preview.verdict is None:
                return preview.note
            v = preview.verdict
            return v.explanation_zh if chinese_ui() else v.explanation_en
        text = data.get("explanation_zh") if chinese_ui() else data.get("explanation_en")
        return str(text or "")

    def _display(self, key: str, data: dict[str, Any], preview: Preview | None, role: int) -> Any:
        del role  # the display and the edit text are the same in every column
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
                return (
                    QCoreApplication.translate("ResultGridModel", "Invalid")
                    if preview.error
                    else ""
                )
            return verdict_text(self._verdict_code(data, preview))
        if key == "explanation":
            return self.explanation(data, preview)
        if key == "instrument":
            return str(data.get("instrument") or "")
        return None


def _stored(data: dict[str, Any], n: int) -> list[str]:
    from labdesk.ui.grid_units import stored_units

    return stored_units(data.get("result_text"), n)
