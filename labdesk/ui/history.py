"""Audit entries in words a reviewer reads: "审核 · 样品状态: 已提交 → 已审核".

The audit trail stores actions, table and column names and JSON values; the history
panel shows them translated, with states and verdicts in words and a result insert as
"0.044 (合格)". Anything not in these tables is shown as stored, never hidden.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from PySide6.QtCore import QCoreApplication

from labdesk.ui.i18n import QT_TRANSLATE_NOOP
from labdesk.ui.labels import state_title, verdict_text

CONTEXT = "History"

ACTIONS = {
    "insert": QT_TRANSLATE_NOOP("History", "Created"),
    "update": QT_TRANSLATE_NOOP("History", "Changed"),
    "draft": QT_TRANSLATE_NOOP("History", "Saved as draft"),
    "register": QT_TRANSLATE_NOOP("History", "Registered"),
    "freeze": QT_TRANSLATE_NOOP("History", "Items frozen"),
    "receive": QT_TRANSLATE_NOOP("History", "Received"),
    "start_testing": QT_TRANSLATE_NOOP("History", "Testing started"),
    "entry": QT_TRANSLATE_NOOP("History", "Result entered"),
    "correction": QT_TRANSLATE_NOOP("History", "Result corrected"),
    "retest": QT_TRANSLATE_NOOP("History", "Retest"),
    "conclude": QT_TRANSLATE_NOOP("History", "Conclusion"),
    "submit": QT_TRANSLATE_NOOP("History", "Submitted"),
    "review": QT_TRANSLATE_NOOP("History", "Reviewed"),
    "return": QT_TRANSLATE_NOOP("History", "Returned"),
    "reopen": QT_TRANSLATE_NOOP("History", "Reopened"),
    "approve": QT_TRANSLATE_NOOP("History", "Approved"),
    "cancel": QT_TRANSLATE_NOOP("History", "Cancelled"),
    "export": QT_TRANSLATE_NOOP("History", "Exported"),
    # issue 15: a test item added or removed after registration, with its reason
    "add_item": QT_TRANSLATE_NOOP("History", "Test item added"),
    "remove_item": QT_TRANSLATE_NOOP("History", "Test item removed"),
    "items_changed": QT_TRANSLATE_NOOP("History", "Test items changed"),
}

TABLES = {
    "samples": QT_TRANSLATE_NOOP("History", "sample"),
    "sample_items": QT_TRANSLATE_NOOP("History", "test item"),
    "results": QT_TRANSLATE_NOOP("History", "result"),
    "sample_events": QT_TRANSLATE_NOOP("History", "workflow"),
}

FIELDS = {
    "state": QT_TRANSLATE_NOOP("History", "state"),
    "superseded_by": QT_TRANSLATE_NOOP("History", "replaced by"),
    "conclusion_code": QT_TRANSLATE_NOOP("History", "conclusion code"),
    "conclusion_label": QT_TRANSLATE_NOOP("History", "conclusion"),
    "conclusion_zh": QT_TRANSLATE_NOOP("History", "conclusion (Chinese)"),
    "conclusion_en": QT_TRANSLATE_NOOP("History", "conclusion (English)"),
    "failing_items": QT_TRANSLATE_NOOP("History", "failing items"),
    "received_date": QT_TRANSLATE_NOOP("History", "received on"),
    "report_due_date": QT_TRANSLATE_NOOP("History", "report due"),
    "export_batch_id": QT_TRANSLATE_NOOP("History", "export batch"),
    "withdrawn_at": QT_TRANSLATE_NOOP("History", "removed at"),
    "withdrawn_by": QT_TRANSLATE_NOOP("History", "removed by"),
    "withdrawn_reason": QT_TRANSLATE_NOOP("History", "reason for removal"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def local_time(at_utc: str, at_offset: str) -> str:
    """The audit instant in the local time it was recorded in: '2026-03-18 16:30:05 +08:00'."""
    try:
        moment = datetime.fromisoformat(at_utc.replace("Z", "+00:00"))
        sign = -1 if at_offset.startswith("-") else 1
        hours, minutes = at_offset.lstrip("+-").split(":")
        zone = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    except (ValueError, AttributeError):
        return f"{at_utc} {at_offset}".strip()
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M:%S} {at_offset}"


def describe_action(entry: dict[str, Any]) -> str:
    """'Reviewed · sample state', 'Result entered · result'."""
    action = str(entry.get("action", ""))
    table = str(entry.get("table", ""))
    field = entry.get("field")
    what = _tr(ACTIONS[action]) if action in ACTIONS else action
    target = _tr(TABLES[table]) if table in TABLES else table
    if field:
        target += " " + (_tr(FIELDS[field]) if field in FIELDS else str(field))
    return f"{what} · {target}"


def describe_value(entry: dict[str, Any], value: Any) -> str:
    """One old/new value as a reader wants it."""
    if value is None:
        return "∅"
    table = entry.get("table")
    field = entry.get("field")
    if isinstance(value, dict):
        if table == "results":
            return f"{value.get('text', '')} ({verdict_text(value.get('verdict'))})"
        if table == "sample_events":
            move = (
                f"{state_title(str(value.get('from_state', '')))} → "
                f"{state_title(str(value.get('to_state', '')))}"
            )
            return move
        if table == "sample_items":
            return f"{value.get('name', '')} {value.get('limit_text', '')}".strip()
        if table == "samples":
            return f"{value.get('sample_no', '')} {value.get('sample_name', '')}".strip()
        return "{…}"
    if field == "state":
        return state_title(str(value))
    if field == "conclusion_code":
        return verdict_text(str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "∅"
    return str(value)
