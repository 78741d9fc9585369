"""A sample's clocks under the samples list, and the colour of a due date in the lists.

The clocks are stored on the sample (`services.clocks`): the panel reads one sample's
row when the selection changes, and the list colours a due date by comparing the stored
text with two bounds computed once per refresh — nothing is computed per paint.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QWidget

from labdesk.ui.i18n import QT_TRANSLATE_NOOP
from labdesk.ui.session import UiSession

CONTEXT = "Clocks"
CLOCK_TITLES = {
    "delivery": QT_TRANSLATE_NOOP("Clocks", "Delivery to the lab"),
    "report": QT_TRANSLATE_NOOP("Clocks", "Report due"),
    "urgent": QT_TRANSLATE_NOOP("Clocks", "24-hour report"),
    "reinspection": QT_TRANSLATE_NOOP("Clocks", "Re-inspection window"),
    "objection": QT_TRANSLATE_NOOP("Clocks", "Objection window (result)"),
    "sampling_objection": QT_TRANSLATE_NOOP("Clocks", "Objection window (sampling)"),
    "calendar": QT_TRANSLATE_NOOP("Clocks", "Waiting for the calendar of"),
}
STATUS_TITLES = {
    "met": QT_TRANSLATE_NOOP("Clocks", "met"),
    "late": QT_TRANSLATE_NOOP("Clocks", "late"),
    "open": QT_TRANSLATE_NOOP("Clocks", "open"),
    "due_soon": QT_TRANSLATE_NOOP("Clocks", "due this week"),
    "overdue": QT_TRANSLATE_NOOP("Clocks", "overdue"),
    "closed": QT_TRANSLATE_NOOP("Clocks", "closed"),
    "waiting_calendar": QT_TRANSLATE_NOOP("Clocks", "import that year's calendar"),
}
OUTCOME_TITLES = {
    "upheld": QT_TRANSLATE_NOOP("Clocks", "original conclusion upheld"),
    "overturned": QT_TRANSLATE_NOOP("Clocks", "original conclusion overturned"),
    "": QT_TRANSLATE_NOOP("Clocks", "in progress"),
}
KIND_TITLES = {
    "reinspection": QT_TRANSLATE_NOOP("Clocks", "Re-inspection"),
    "objection": QT_TRANSLATE_NOOP("Clocks", "Objection"),
}
STATUS_COLOURS = {"overdue": "#b00020", "late": "#b00020", "due_soon": "#9a6700"}

OVERDUE_BRUSH = QBrush(QColor("#f6caca"))
DUE_SOON_BRUSH = QBrush(QColor("#fbecc0"))
#: Sample states whose report is still owed (services.clock_counts.OPEN_STATES).
OWED_STATES = frozenset(("registered", "received", "testing", "submitted", "reviewed", "returned"))


def _t(text: str) -> str:
    """Translates a text marked with QT_TRANSLATE_NOOP in the Clocks context."""
    return QCoreApplication.translate(CONTEXT, text)


def due_brush(due: object, state: object, today: str, week_end: str) -> QBrush | None:
    """Red for a report past due, amber for one due by Sunday, nothing otherwise."""
    if not due or state not in OWED_STATES:
        return None
    text = str(due)
    if text < today:
        return OVERDUE_BRUSH
    if text <= week_end:
        return DUE_SOON_BRUSH
    return None


class ClockPanel(QLabel):
    """The clocks of the selected sample, one line each, with any 复检 / 异议 case."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("sample_clocks")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.today: date | None = None  # tests pin the day

    def show_sample(self, sample_id: int | None) -> None:
        from labdesk.services import cases, clocks

        if sample_id is None:
            self.clear()
            return
        today = self.today or date.today()
        parts = []
        for line in clocks.sample_clock_lines(self.session.db, sample_id, today):
            if line.status == "none":
                continue
            title = _t(CLOCK_TITLES[line.key])
            status = _t(STATUS_TITLES.get(line.status, line.status))
            colour = STATUS_COLOURS.get(line.status)
            shown = f"<span style='color:{colour}'>{status}</span>" if colour else status
            due = line.due.replace("T", " ")[:16]
            parts.append(f"{title}: <b>{due}</b> ({shown})")
        for case in cases.list_cases(self.session.db, sample_id):
            parts.append(
                f"{_t(KIND_TITLES[str(case['kind'])])} #{case['id']} {case['applied_on']}: "
                f"<b>{_t(OUTCOME_TITLES.get(str(case['outcome']), ''))}</b>"
            )
        self.setText(
            " · ".join(parts)
            if parts
            else QCoreApplication.translate("Clocks", "No clock runs for this sample.")
        )
