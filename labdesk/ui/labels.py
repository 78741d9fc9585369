"""Words and colours for states and verdicts, shared by many screens.

Kept apart from `entry` and `result_grid` so the first screen shown (the task list) does
not import the result-entry grid just for a state's name: start-up imports only what it
shows.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtGui import QBrush, QColor

from labdesk.ui.i18n import QT_TRANSLATE_NOOP

STATE_NAMES_SOURCE = {
    "draft": QT_TRANSLATE_NOOP("States", "Draft"),
    "registered": QT_TRANSLATE_NOOP("States", "Registered"),
    "received": QT_TRANSLATE_NOOP("States", "Received"),
    "testing": QT_TRANSLATE_NOOP("States", "Testing"),
    "submitted": QT_TRANSLATE_NOOP("States", "Submitted"),
    "reviewed": QT_TRANSLATE_NOOP("States", "Reviewed"),
    "approved": QT_TRANSLATE_NOOP("States", "Approved"),
    "exported": QT_TRANSLATE_NOOP("States", "Exported"),
    "returned": QT_TRANSLATE_NOOP("States", "Returned"),
    "cancelled": QT_TRANSLATE_NOOP("States", "Cancelled"),
}


def state_title(state: str) -> str:
    from PySide6.QtCore import QCoreApplication

    source = STATE_NAMES_SOURCE.get(state)
    return QCoreApplication.translate("States", source) if source else state


VERDICT_BRUSHES = {
    "pass": QBrush(QColor("#d7efd7")),
    "fail": QBrush(QColor("#f6caca")),
    "not_judged": QBrush(QColor("#fbecc0")),
}


def verdict_text(code: str | None) -> str:
    """合格 / 不合格 / 未判定 — the verdict always in words, never colour alone."""
    from PySide6.QtCore import QCoreApplication

    if code == "pass":
        return QCoreApplication.translate("Verdict", "Pass")
    if code == "fail":
        return QCoreApplication.translate("Verdict", "Fail")
    if code == "not_judged":
        return QCoreApplication.translate("Verdict", "Not judged")
    return ""


def method_text(method: str) -> str:
    from PySide6.QtCore import QCoreApplication

    if method == "rounded":
        return QCoreApplication.translate("Verdict", "Rounded value")
    return QCoreApplication.translate("Verdict", "Full value")


def chinese_ui() -> bool:
    return QLocale().language() == QLocale.Language.Chinese
