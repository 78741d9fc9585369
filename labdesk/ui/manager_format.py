"""Display text for the manager screens: state names, rates, months (translated)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication


def state_title(state: str) -> str:
    """The sample state as the user reads it."""
    titles = {
        "draft": QCoreApplication.translate("ManagerFormat", "Draft"),
        "registered": QCoreApplication.translate("ManagerFormat", "Registered"),
        "received": QCoreApplication.translate("ManagerFormat", "Received"),
        "testing": QCoreApplication.translate("ManagerFormat", "Testing"),
        "submitted": QCoreApplication.translate("ManagerFormat", "Submitted"),
        "reviewed": QCoreApplication.translate("ManagerFormat", "Reviewed"),
        "approved": QCoreApplication.translate("ManagerFormat", "Approved"),
        "exported": QCoreApplication.translate("ManagerFormat", "Exported"),
        "returned": QCoreApplication.translate("ManagerFormat", "Returned"),
        "cancelled": QCoreApplication.translate("ManagerFormat", "Cancelled"),
    }
    return titles.get(state, state)


def method_title(method: str) -> str:
    """Judgement method of a test item (GB/T 8170 full value / rounded value)."""
    return {
        "full": QCoreApplication.translate("ManagerFormat", "Full value (全数值比较法)"),
        "rounded": QCoreApplication.translate("ManagerFormat", "Rounded value (修约值比较法)"),
    }.get(method, method)


def yes_no(flag: object) -> str:
    return (
        QCoreApplication.translate("ManagerFormat", "Yes")
        if flag
        else QCoreApplication.translate("ManagerFormat", "No")
    )


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
