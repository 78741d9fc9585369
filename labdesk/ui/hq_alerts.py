"""Risk alerts: each with its method, its figures and the failed samples behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from labdesk.province import alerts as province_alerts
from labdesk.province.alerts import decimal_of
from labdesk.services.summary import Rate
from labdesk.ui.hq_labels import rate_text
from labdesk.ui.hq_reads import hq_read
from labdesk.ui.manager_widgets import MessageBanner, RowsModel, make_table, titled
from labdesk.ui.operations import TaskState, run_operation
from labdesk.ui.server_notice import ReadNotice

OpenStore = Callable[[], Any]


def load_alerts(open_store: OpenStore, state: TaskState) -> province_alerts.AlertsReport:
    with hq_read(open_store, state) as store:
        return province_alerts.alerts(store)


class HqAlertsScreen(QWidget):
    def __init__(self, open_store: OpenStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hq_alerts")
        self.open_store = open_store
        self.report: province_alerts.AlertsReport | None = None
        self.loading = False
        self.banner = MessageBanner(self)
        self.reads = ReadNotice(self.banner)  # the server away: said, the alerts kept
        self.method = QLabel()
        self.method.setObjectName("hq_alerts_method")
        self.method.setWordWrap(True)
        self.rows = RowsModel(
            [
                self.tr("Item"),
                self.tr("Class"),
                self.tr("City"),
                self.tr("Window"),
                self.tr("Failed / judged"),
                self.tr("History failed / judged"),
                self.tr("p"),
                self.tr("q (BH)"),
            ]
        )
        self.table = make_table(self.rows, self)
        self.table.setObjectName("hq_alerts_table")
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _: self._show(cur.row()))
        self.samples = RowsModel(
            [
                self.tr("Centre"),
                self.tr("Sample no."),
                self.tr("Report no."),
                self.tr("Sampling date"),
                self.tr("Enterprise"),
                self.tr("Failing items"),
            ]
        )
        self.sample_table = make_table(self.samples, self)
        self.sample_table.setObjectName("hq_alert_samples")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(titled(self.tr("Failed samples behind the alert"), self.sample_table))
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.method)
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        self.loading = True
        open_store = self.open_store

        def work(state: TaskState) -> province_alerts.AlertsReport:
            return load_alerts(open_store, state)

        run_operation(
            self, work, label=self.tr("Testing failure rates…"),
            on_success=self._loaded, on_failure=self._failed, on_cancelled=self._cancelled,
        )  # fmt: skip

    def _cancelled(self) -> None:
        self.loading = False  # what the tab showed stays, as it was before the read

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.reads.failed(exc)

    def _loaded(self, report: province_alerts.AlertsReport) -> None:
        self.report = report
        self.loading = False
        self.reads.succeeded()
        self.method.setText(
            self.tr(
                "Window ending {0}: {1} cells tested. Method: one-sided Fisher exact test of "
                "the last 3 months against the previous 12 months of the same item, class and "
                "city, Benjamini–Hochberg false discovery rate 5 %."
            ).format(report.month or "—", len(report.tested))
        )
        rows = []
        for a in report.alerts:
            (n_w, x), (n_h, f_h) = a.test.window, a.test.history
            rows.append(
                (
                    a.item,
                    a.class_name,
                    province_alerts.regions.name(a.region),
                    f"{province_alerts.month_add(a.month, -2)}…{a.month}",
                    f"{x}/{n_w} ({rate_text(Rate(x, n_w))})",
                    f"{f_h}/{n_h} ({rate_text(Rate(f_h, n_h))})",
                    str(decimal_of(a.test.p_value)),
                    str(decimal_of(a.test.q_value)),
                )
            )
        self.rows.set_rows(rows, report.alerts)
        if report.alerts:
            self.banner.show_error(self.tr("{0} alert(s)").format(len(report.alerts)))
            self.table.selectRow(0)
            self._show(0)
        else:
            self.banner.show_info(self.tr("No alerts"))
            self.samples.set_rows([])

    def _show(self, row: int) -> None:
        if self.report is None or not 0 <= row < len(self.report.alerts):
            return
        alert = self.report.alerts[row]
        self.samples.set_rows(
            [
                (
                    s.centre_name,
                    s.sample_id,
                    s.report_no or "—",
                    s.sampling_date,
                    s.enterprise_name,
                    "、".join(s.failing_items),
                )
                for s in alert.samples
            ]
        )
