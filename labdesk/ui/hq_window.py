"""The HQ window (`labdesk hq --db H`): the province's dashboard over the ingested batches.

Three tabs — pass rates (three levels, drill-down), enterprise credit, risk alerts — each
loading off the GUI thread on a connection of its own (`open_store`), so a PostgreSQL
province database and a large SQLite one alike leave the window responsive; each read is
one snapshot and stops on Cancel (ui/hq_reads.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from labdesk.ui.hq_alerts import HqAlertsScreen
from labdesk.ui.hq_credit import HqCreditScreen
from labdesk.ui.hq_rates import HqRatesScreen


class HqWindow(QMainWindow):
    def __init__(self, open_store: Callable[[], Any], title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("hq_window")
        self.setWindowTitle(self.tr("LabDesk HQ — {0}").format(title))
        self.resize(1280, 860)
        self.rates = HqRatesScreen(open_store, self)
        self.credit = HqCreditScreen(open_store, self)
        self.alerts = HqAlertsScreen(open_store, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("hq_tabs")
        self.tabs.addTab(self.rates, self.tr("&Pass rates"))
        self.tabs.addTab(self.credit, self.tr("&Enterprise credit"))
        self.tabs.addTab(self.alerts, self.tr("Risk &alerts"))
        self.setCentralWidget(self.tabs)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.activated.connect(self.refresh)

    def refresh(self) -> None:
        self.rates.refresh()
        self.credit.refresh()
        self.alerts.refresh()
