"""The registry of main screens, in navigation order (Ctrl+1 … Ctrl+8).

Each screen is a `QWidget` subclass constructed as `Screen(session, parent=None)` with a
`refresh() -> None` method. Screens are imported lazily (`load_screen_class`) so the
window starts fast and still works while a screen module is missing or broken: the
window shows the import error in that screen's place instead of crashing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from labdesk.ui.session import UiSession

# Translation context for the screen titles (lupdate reads the QT_TRANSLATE_NOOP-like
# `translate("Screens", ...)` calls in `title()` below through the literal list).
CONTEXT = "Screens"


class Screen(Protocol):
    """What the main window needs from a screen (besides being a QWidget)."""

    def refresh(self) -> None: ...


class ScreenFactory(Protocol):
    def __call__(self, session: UiSession, parent: QWidget | None = None) -> QWidget: ...


@dataclass(frozen=True)
class ScreenInfo:
    key: str
    module: str
    class_name: str
    source_title: str  # English source text; `title()` gives the translated one

    def title(self) -> str:
        return QCoreApplication.translate(CONTEXT, self.source_title)


SCREENS: tuple[ScreenInfo, ...] = (
    ScreenInfo("tasks", "labdesk.ui.tasks", "TasksScreen", "Tasks"),
    ScreenInfo("samples", "labdesk.ui.samples", "SamplesScreen", "Samples"),
    ScreenInfo("entry", "labdesk.ui.entry", "ResultEntryScreen", "Result entry"),
    ScreenInfo("review", "labdesk.ui.review", "ReviewScreen", "Review"),
    ScreenInfo("batches", "labdesk.ui.batches", "BatchesScreen", "Batches"),
    ScreenInfo("dashboard", "labdesk.ui.dashboard", "DashboardScreen", "Dashboard"),
    ScreenInfo("standards", "labdesk.ui.standards_screen", "StandardsScreen", "Standards"),
    ScreenInfo("audit", "labdesk.ui.audit_screen", "AuditScreen", "Audit trail"),
)


def _titles_for_lupdate() -> None:  # pragma: no cover - never called; lupdate reads it
    QCoreApplication.translate("Screens", "Tasks")
    QCoreApplication.translate("Screens", "Samples")
    QCoreApplication.translate("Screens", "Result entry")
    QCoreApplication.translate("Screens", "Review")
    QCoreApplication.translate("Screens", "Batches")
    QCoreApplication.translate("Screens", "Dashboard")
    QCoreApplication.translate("Screens", "Standards")
    QCoreApplication.translate("Screens", "Audit trail")


def screen_info(key: str) -> ScreenInfo:
    for info in SCREENS:
        if info.key == key:
            return info
    raise KeyError(key)


def load_screen_class(info: ScreenInfo) -> ScreenFactory:
    """Import the screen's module and return its class (raises ImportError/AttributeError)."""
    module = importlib.import_module(info.module)
    factory: ScreenFactory = getattr(module, info.class_name)
    return factory
