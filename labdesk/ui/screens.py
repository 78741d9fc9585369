"""The registry of main screens, in navigation order (Ctrl+1 … Ctrl+9 for the first nine).

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

from labdesk.ui.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from labdesk.ui.session import UiSession

# Translation context of the screen titles (marked with QT_TRANSLATE_NOOP for lupdate).
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


# Daily work first (the first nine have Ctrl+1 … Ctrl+9): the sample's way through the lab
# (tasks, samples, analytical runs, typed results, review), its deadlines, what leaves
# (batches), the overview and the QC charts a technician looks at with every run; then the
# reference the lab keeps (standards, methods, equipment), then the audit trail and users.
SCREENS: tuple[ScreenInfo, ...] = (
    ScreenInfo("tasks", "labdesk.ui.tasks", "TasksScreen", QT_TRANSLATE_NOOP("Screens", "Tasks")),
    ScreenInfo(
        "samples", "labdesk.ui.samples", "SamplesScreen", QT_TRANSLATE_NOOP("Screens", "Samples")
    ),
    ScreenInfo(
        "runs", "labdesk.ui.runs_screen", "RunsScreen", QT_TRANSLATE_NOOP("Screens", "Runs")
    ),
    ScreenInfo(
        "entry",
        "labdesk.ui.entry",
        "ResultEntryScreen",
        QT_TRANSLATE_NOOP("Screens", "Result entry"),
    ),
    ScreenInfo(
        "review", "labdesk.ui.review", "ReviewScreen", QT_TRANSLATE_NOOP("Screens", "Review")
    ),
    ScreenInfo(
        "clocks",
        "labdesk.ui.clocks_screen",
        "ClocksScreen",
        QT_TRANSLATE_NOOP("Screens", "Clocks & re-inspection"),
    ),
    ScreenInfo(
        "batches", "labdesk.ui.batches", "BatchesScreen", QT_TRANSLATE_NOOP("Screens", "Batches")
    ),
    ScreenInfo(
        "dashboard",
        "labdesk.ui.dashboard",
        "DashboardScreen",
        QT_TRANSLATE_NOOP("Screens", "Dashboard"),
    ),
    ScreenInfo(
        "qc_chart",
        "labdesk.ui.qc_chart_screen",
        "QcChartScreen",
        QT_TRANSLATE_NOOP("Screens", "QC charts"),
    ),
    ScreenInfo(
        "standards",
        "labdesk.ui.standards_screen",
        "StandardsScreen",
        QT_TRANSLATE_NOOP("Screens", "Standards"),
    ),
    ScreenInfo(
        "methods",
        "labdesk.ui.methods_screen",
        "MethodsScreen",
        QT_TRANSLATE_NOOP("Screens", "Methods"),
    ),
    ScreenInfo(
        "instruments",
        "labdesk.ui.instruments_screen",
        "InstrumentsScreen",
        QT_TRANSLATE_NOOP("Screens", "Instruments"),
    ),
    ScreenInfo(
        "audit",
        "labdesk.ui.audit_screen",
        "AuditScreen",
        QT_TRANSLATE_NOOP("Screens", "Audit trail"),
    ),
    ScreenInfo(
        "users", "labdesk.ui.users_screen", "UsersScreen", QT_TRANSLATE_NOOP("Screens", "Users")
    ),
)


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
