"""Enterprise quality credit: the list per 统一社会信用代码 and an enterprise's page.

The list (repeat offenders first) filters as you type (code or name); Enter or a
double-click opens the enterprise page: every sample with its sample and report numbers,
the centre and the verdict, and the repeat non-conformity evidence. The list exports to
Excel, CSV or JSON for the credit platform (`labdesk.province.export`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labdesk.province import credit as province_credit
from labdesk.ui.hq_labels import exclusion_text, nothing_to_export, verdict_text
from labdesk.ui.hq_reads import hq_read
from labdesk.ui.manager_widgets import MessageBanner, RowsModel, make_table, titled
from labdesk.ui.operations import TaskState, run_operation
from labdesk.ui.server_notice import ReadNotice

OpenStore = Callable[[], Any]


def load_credit(open_store: OpenStore, state: TaskState) -> province_credit.CreditReport:
    with hq_read(open_store, state) as store:
        return province_credit.credit(store)


class EnterprisePage(QDialog):
    """One enterprise: its samples across centres and years, and the repeat evidence."""

    def __init__(self, entry: province_credit.EnterpriseCredit, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("hq_enterprise_page")
        self.entry = entry
        self.setWindowTitle(self.tr("Enterprise {0}").format(entry.name))
        self.resize(900, 600)
        items = "、".join(f"{i}×{n}" for i, n in entry.failing_items.most_common()) or "—"
        head = QLabel(
            self.tr(
                "<b>{0}</b><br>Unified social credit code {1}<br>"
                "Samples {2}, passed {3}, failed {4}; failing items: {5}<br>Centres: {6}"
            ).format(
                entry.name,
                entry.uscc,
                len(entry.samples),
                entry.passed,
                entry.failed,
                items,
                "、".join(entry.centres),
            )
        )
        head.setObjectName("hq_enterprise_head")
        self.flag = QLabel(
            self.tr("Repeat non-conformity within 24 months: {0} occurrence(s)").format(
                len(entry.repeats)
            )
            if entry.flagged
            else self.tr("No repeat non-conformity within 24 months")
        )
        self.flag.setObjectName("hq_enterprise_flag")
        if entry.flagged:
            self.flag.setStyleSheet("color: #b00020; font-weight: bold;")
        self.samples = RowsModel(
            [
                self.tr("Centre"),
                self.tr("Sample no."),
                self.tr("Report no."),
                self.tr("Sampling date"),
                self.tr("Class"),
                self.tr("Conclusion"),
                self.tr("Failing items"),
            ]
        )
        self.samples.set_rows(
            [
                (
                    s.centre_name,
                    s.sample_id,
                    s.report_no or "—",
                    s.sampling_date,
                    s.category,
                    verdict_text(s.verdict),
                    "、".join(s.failing_items),
                )
                for s in entry.samples
            ]
        )
        self.evidence = RowsModel(
            [
                self.tr("Earlier failure"),
                self.tr("Later failure"),
                self.tr("Days apart"),
                self.tr("Same items"),
            ]
        )
        rows = []
        for pair in entry.repeats:
            data = pair.as_json()
            a, b = pair.earlier, pair.later
            rows.append(
                (
                    f"{a.centre_code} {a.sample_id} / {a.report_no or '—'} / {a.sampling_date}",
                    f"{b.centre_code} {b.sample_id} / {b.report_no or '—'} / {b.sampling_date}",
                    data["days_apart"],
                    "、".join(pair.same_items) or "—",
                )
            )
        self.evidence.set_rows(rows)
        self.sample_table = make_table(self.samples, self)
        self.sample_table.setObjectName("hq_enterprise_samples")
        self.evidence_table = make_table(self.evidence, self, fit_width=True)
        self.evidence_table.setObjectName("hq_enterprise_evidence")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.flag)
        layout.addWidget(titled(self.tr("Repeat non-conformity evidence"), self.evidence_table))
        layout.addWidget(titled(self.tr("Samples"), self.sample_table), 1)
        layout.addWidget(buttons)


class HqCreditScreen(QWidget):
    def __init__(self, open_store: OpenStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hq_credit")
        self.open_store = open_store
        self.report: province_credit.CreditReport | None = None
        self.loading = False
        self.page: EnterprisePage | None = None
        self.save_path_provider: Callable[[], Path | None] = self._ask_save_path
        self.search = QLineEdit()
        self.search.setObjectName("hq_credit_search")
        self.search.setPlaceholderText(self.tr("Code or name"))
        self.search.textChanged.connect(lambda _: self._fill())
        self.search.returnPressed.connect(self._open_first)
        self.repeat_only = QCheckBox(self.tr("Only &repeat offenders"))
        self.repeat_only.setObjectName("hq_credit_repeat_only")
        self.repeat_only.toggled.connect(lambda _: self._fill())
        self.export_button = QPushButton(self.tr("Export list…"))
        self.export_button.setObjectName("hq_export_credit")
        self.export_button.clicked.connect(self.export)
        self.banner = MessageBanner(self)
        self.reads = ReadNotice(self.banner)  # the server away: said, the list kept
        self.rows = RowsModel(
            [
                self.tr("Unified social credit code"),
                self.tr("Enterprise"),
                self.tr("Samples"),
                self.tr("Failed"),
                self.tr("Failing items"),
                self.tr("Centres"),
                self.tr("Repeat within 24 months"),
            ],
            right_aligned=(2, 3),
        )
        self.table = make_table(self.rows, self)
        self.table.setObjectName("hq_credit_table")
        self.table.activated.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Find")))
        top.addWidget(self.search, 1)
        top.addWidget(self.repeat_only)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        self.loading = True
        open_store = self.open_store

        def work(state: TaskState) -> province_credit.CreditReport:
            return load_credit(open_store, state)

        run_operation(
            self, work, label=self.tr("Reading enterprise records…"),
            on_success=self._loaded, on_failure=self._failed, on_cancelled=self._cancelled,
        )  # fmt: skip

    def _cancelled(self) -> None:
        self.loading = False  # what the tab showed stays, as it was before the read

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.reads.failed(exc)

    def _loaded(self, report: province_credit.CreditReport) -> None:
        self.report = report
        self.loading = False
        self.reads.succeeded()
        self._fill()
        excluded = report.exclusions
        if excluded.total():
            parts = [exclusion_text(r, n) for r, n in sorted(excluded.counts.items())]
            self.banner.show_info(
                self.tr("Not attributed to an enterprise: {0} samples").format(excluded.total())
                + " — "
                + "; ".join(parts)
            )
        else:
            self.banner.clear_message()

    def shown(self) -> list[province_credit.EnterpriseCredit]:
        if self.report is None:
            return []
        text = self.search.text().strip().upper()
        return [
            e
            for e in self.report.enterprises
            if (not self.repeat_only.isChecked() or e.flagged)
            and (not text or text in e.uscc or text in e.name.upper())
        ]

    def _fill(self) -> None:
        entries = self.shown()
        self.rows.set_rows(
            [
                (
                    e.uscc,
                    e.name,
                    len(e.samples),
                    e.failed,
                    "、".join(f"{i}×{n}" for i, n in e.failing_items.most_common()),
                    "、".join(e.centres),
                    self.tr("Yes") if e.flagged else "",
                )
                for e in entries
            ],
            entries,
        )

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_page(self.rows.key(index.row()))

    def _open_first(self) -> None:
        entries = self.shown()
        if entries:
            self.open_page(entries[0])

    def open_page(self, entry: province_credit.EnterpriseCredit) -> None:
        self.page = EnterprisePage(entry, self)
        self.page.show()

    def _ask_save_path(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the credit list"),
            str(Path.home() / "enterprise-credit.xlsx"),
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv);;JSON (*.json)"),
        )
        return Path(path) if path else None

    def export(self) -> None:
        from labdesk.province import export

        if self.report is None:  # never read (the server away since the start): say so
            self.banner.show_error(nothing_to_export())
            return
        path = self.save_path_provider()
        if path is None:
            return
        figures = province_credit.report_json(self.report)

        def work(state: TaskState) -> Path:
            return export.write_credit(path, figures)

        run_operation(
            self,
            work,
            label=self.tr("Exporting…"),
            on_success=lambda written: self.banner.show_info(
                self.tr("Credit list written to {0}").format(written)
            ),
            on_failure=self._failed,
        )
