"""Control charts (质控图): a Levey–Jennings chart per method and control material.

Choose the method, then the material; the chart shows the material's points in run
order with the Westgard rules marked, and the table under it lists every violation with
its run (1-2s is a warning; the others reject).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.services import methods
from labdesk.services.run_views import control_series
from labdesk.ui.control_chart import ControlChart
from labdesk.ui.errors import error_text
from labdesk.ui.inline_message import InlineMessage
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession


class QcChartScreen(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_qc_chart")
        self.method = QComboBox()
        self.method.setObjectName("qc_chart_method")
        self.material = QComboBox()
        self.material.setObjectName("qc_chart_material")
        self.caption = QLabel()
        self.caption.setObjectName("qc_chart_caption")
        self.caption.setWordWrap(True)
        self.chart = ControlChart(self)
        self.message = InlineMessage(self)
        self.message.setObjectName("qc_chart_message")
        self.read_notice = ReadNotice(self.message)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("qc_chart_violations")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Point"), self.tr("Run"), self.tr("Rule"), self.tr("Kind")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Method:")))
        top.addWidget(self.method, 1)
        top.addWidget(QLabel(self.tr("Control material:")))
        top.addWidget(self.material, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addWidget(self.chart, 3)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.method.currentIndexChanged.connect(lambda _i: self.read_notice.read(self._materials))
        self.material.currentIndexChanged.connect(lambda _i: self.read_notice.read(self.show_chart))
        self.refresh()

    def refresh(self) -> None:
        """Read again; a server away leaves the chart and the choices shown, and says so."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
        # Read before the choices are cleared: a failed read leaves them as they were.
        rows = methods.list_methods(self.session.db)
        current = self.method.currentData()
        self.method.blockSignals(True)
        self.method.clear()
        for row in rows:
            self.method.addItem(f"{row['code']} {row['name']}", row["code"])
        found = self.method.findData(current) if current else 0
        self.method.setCurrentIndex(max(0, found))
        self.method.blockSignals(False)
        self._materials()

    def _materials(self) -> None:
        code = self.method.currentData()
        rows = methods.qc_materials(self.session.db, str(code)) if code else []
        current = self.material.currentData()
        self.material.blockSignals(True)
        self.material.clear()
        for row in rows:
            if row["mean"] and row["sd"]:
                self.material.addItem(f"{row['code']} {row['name']}", row["code"])
        found = self.material.findData(current) if current else 0
        self.material.setCurrentIndex(max(0, found))
        self.material.blockSignals(False)
        self.show_chart()

    def show_chart(self) -> None:
        code = self.material.currentData()
        if not code:
            self.caption.setText(self.tr("No control material with a mean and SD for this method."))
            self.chart.set_series([], Decimal(0), Decimal(1))
            self.table.setRowCount(0)
            return
        try:
            series = control_series(self.session.db, str(code))
        except LabDeskError as exc:
            self.caption.setText(error_text(exc))
            return
        self.chart.set_series(series.values, series.mean, series.sd)
        self.caption.setText(
            self.tr("{0}: {1} points, mean {2}, SD {3}").format(
                series.material["code"], len(series.values), series.mean, series.sd
            )
        )
        found = self.chart.violations
        self.table.setRowCount(len(found))
        for row, violation in enumerate(found):
            kind = self.tr("warning") if violation.warning else self.tr("reject")
            cells = (
                str(violation.index + 1),
                series.runs[violation.index],
                violation.rule,
                kind,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
