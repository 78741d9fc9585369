"""Display text for the manager screens: state names, rates, months (translated)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

CONTEXT = "ManagerFormat"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def state_title(state: str) -> str:
    """The sample state as the user reads it."""
    titles = {
        "draft": _tr("Draft"),
        "registered": _tr("Registered"),
        "received": _tr("Received"),
        "testing": _tr("Testing"),
        "submitted": _tr("Submitted"),
        "reviewed": _tr("Reviewed"),
        "approved": _tr("Approved"),
        "exported": _tr("Exported"),
        "returned": _tr("Returned"),
        "cancelled": _tr("Cancelled"),
    }
    return titles.get(state, state)


def method_title(method: str) -> str:
    """Judgement method of a test item (GB/T 8170 full value / rounded value)."""
    return {
        "full": _tr("Full value (全数值比较法)"),
        "rounded": _tr("Rounded value (修约值比较法)"),
    }.get(method, method)


def yes_no(flag: object) -> str:
    return _tr("Yes") if flag else _tr("No")


def month_keys(first: str, last: str) -> list[str]:
    """Every month "YYYY-MM" from `first` to `last` inclusive (gaps in data stay visible)."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out: list[str] = []
    while (year, month) <= end and len(out) < 1200:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()
