"""Analytical runs (检测批): create a run from waiting items, import the instrument file,
see the determinations, means, replicate checks and QC verdicts, submit.

Left: the runs (open first). Right: the selected run — its heading (method version,
instrument, technician, state, an instrument override if one was needed), one row per
item (routine samples and QC samples) with what was computed, the readings behind the
selected row (the same panel the reviewer sees), and the result grid of the run's
routine items, which works as in result entry (type a result, Enter commits it).

Every action calls a service (`services.runs`, `services.instrument_import`); a refusal
is shown plainly under the table.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.core.qc import QC_NAMES_EN, QC_NAMES_ZH
from labdesk.services import methods, runs
from labdesk.ui.entry import InlineMessage
from labdesk.ui.errors import error_text
from labdesk.ui.instrument_import_dialog import InstrumentImportDialog, short
from labdesk.ui.labels import VERDICT_BRUSHES, chinese_ui, verdict_text
from labdesk.ui.raw_data_panel import RawDataPanel
from labdesk.ui.result_grid import ResultGridModel, ResultTableView
from labdesk.ui.run_dialogs import AddQcDialog, NewRunDialog, ReasonDialog
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession

ITEM_COLUMNS = 7


class RunsScreen(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_runs")
        self.dialog: Any = None
        self._items: list[dict[str, Any]] = []

        self.filter = QComboBox()
        self.filter.setObjectName("runs_filter")
        self.filter.addItem(self.tr("Open and held runs"), ("open", "held"))
        self.filter.addItem(self.tr("All runs"), ())
        self.filter.currentIndexChanged.connect(self.refresh)
        self.new_button = QPushButton(self.tr("New run…"))
        self.new_button.setObjectName("runs_new")
        self.new_button.clicked.connect(self.start_new_run)

        self.list = QTableWidget(0, 5)
        self.list.setObjectName("runs_list")
        self.list.setHorizontalHeaderLabels(
            [self.tr("Run"), self.tr("Method"), self.tr("Instrument"), self.tr("State"),
             self.tr("QC")]
        )  # fmt: skip
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.verticalHeader().setVisible(False)
        self.list.horizontalHeader().setStretchLastSection(True)
        # A run or an item picked while the server is away: said, the rest stays.
        self.list.itemSelectionChanged.connect(lambda: self.read_notice.read(self._show_selected))

        self.heading = QLabel()
        self.heading.setObjectName("run_heading")
        self.heading.setWordWrap(True)
        self.items = QTableWidget(0, ITEM_COLUMNS)
        self.items.setObjectName("run_items")
        self.items.setHorizontalHeaderLabels(
            [
                self.tr("Label"),
                self.tr("Kind"),
                self.tr("Determinations"),
                self.tr("Mean"),
                self.tr("Reported"),
                self.tr("Replicates"),
                self.tr("Verdict / QC"),
            ]
        )
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.items.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((120, 90, 200, 110, 80, 190)):
            self.items.horizontalHeader().resizeSection(column, width)
        self.items.itemSelectionChanged.connect(lambda: self.read_notice.read(self._item_selected))
        self.raw = RawDataPanel(session, self)

        self.grid_model = ResultGridModel(session, self)
        self.grid = ResultTableView(self)
        self.grid.setObjectName("run_grid")
        self.grid.setModel(self.grid_model)
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.grid_model.committed.connect(lambda _id: self.read_notice.read(self.refresh_run))

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for key, text, slot in (
            ("import", self.tr("Import instrument file…"), self.start_import),
            ("add_qc", self.tr("Add QC…"), self.start_add_qc),
            ("accept", self.tr("Accept replicates…"), self.start_accept),
            ("submit", self.tr("Submit run"), self.submit),
            ("release", self.tr("Release…"), self.start_release),
            ("cancel", self.tr("Cancel run…"), self.start_cancel),
            ("raw_pdf", self.tr("Raw-data sheet PDF…"), self.save_raw_pdf),
        ):
            button = QPushButton(text)
            button.setObjectName(f"run_{key}")
            button.clicked.connect(lambda _=False, s=slot: s())
            self.buttons[key] = button
            actions.addWidget(button)
        actions.addStretch(1)
        self.message = InlineMessage(self)
        self.read_notice: ReadNotice = ReadNotice(self.message)
        self.message.setObjectName("run_message")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.new_button)
        left_layout.addLayout(top)
        left_layout.addWidget(self.list)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        middle = QSplitter()
        middle.addWidget(self.items)
        middle.addWidget(self.raw)
        middle.setSizes([700, 360])
        right_layout.addWidget(middle, 3)
        right_layout.addLayout(actions)
        right_layout.addWidget(QLabel(self.tr("Results of the run's samples (type to enter):")))
        right_layout.addWidget(self.grid, 2)
        right_layout.addWidget(self.message)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([330, 950])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh()

    # ----- screen protocol ----------------------------------------------------------

    def refresh(self) -> None:
        """Read again; a server away leaves what is shown and says so (server_notice)."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
        selected = self.selected_run_id()
        states = self.filter.currentData() or ()
        rows = runs.list_runs(self.session.db, tuple(states))
        self.list.blockSignals(True)
        self.list.setRowCount(len(rows))
        for row, run in enumerate(rows):
            qc = (
                ""
                if run["qc_passed"] is None
                else (self.tr("pass") if run["qc_passed"] else self.tr("FAIL"))
            )
            cells = (
                run["run_no"],
                f"{run['method_code']} v{run['method_version']}",
                run["instrument_code"],
                self.state_text(str(run["state"])),
                qc,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(Qt.ItemDataRole.UserRole, int(run["id"]))
                self.list.setItem(row, column, item)
        self.list.blockSignals(False)
        ids = [int(r["id"]) for r in rows]
        if selected in ids:
            self.list.selectRow(ids.index(selected))
        elif ids:
            self.list.selectRow(0)
        self._show_selected()

    def state_text(self, state: str) -> str:
        return {
            "open": self.tr("Open"),
            "submitted": self.tr("Submitted"),
            "held": self.tr("Held by QC"),
            "released": self.tr("Released"),
            "cancelled": self.tr("Cancelled"),
        }.get(state, state)

    def commit_pending(self) -> None:
        self.grid.commit_open_editor()

    def unsaved_values(self) -> list[str]:
        """Items of the run's grid typed but not saved yet (asked before closing)."""
        return self.grid_model.unsaved()

    def open_record(self, record: object) -> None:
        if isinstance(record, int):
            self.select_run(record)

    # ----- selection ----------------------------------------------------------------

    def selected_run_id(self) -> int | None:
        rows = self.list.selectionModel().selectedRows() if self.list.selectionModel() else []
        if not rows:
            return None
        item = self.list.item(rows[0].row(), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def select_run(self, run_id: int) -> None:
        for row in range(self.list.rowCount()):
            item = self.list.item(row, 0)
            if item is not None and int(item.data(Qt.ItemDataRole.UserRole)) == run_id:
                self.list.selectRow(row)
                return
        self.filter.setCurrentIndex(1)  # → refresh; look among all runs
        for row in range(self.list.rowCount()):
            item = self.list.item(row, 0)
            if item is not None and int(item.data(Qt.ItemDataRole.UserRole)) == run_id:
                self.list.selectRow(row)

    def _show_selected(self) -> None:
        run_id = self.selected_run_id()
        for button in self.buttons.values():
            button.setEnabled(run_id is not None)
        if run_id is None:
            self.heading.setText(self.tr("No run selected. New run… makes one from waiting items."))
            self.items.setRowCount(0)
            self._items = []
            self.grid_model.load_items([])
            self.raw.show_item(None)
            return
        self.refresh_run()

    def refresh_run(self) -> None:
        run_id = self.selected_run_id()
        if run_id is None:
            return
        db = self.session.db
        run = runs.get_run(db, run_id)
        spec = methods.spec_of(methods.version(db, int(run["method_version_id"])))
        heading = self.tr("{0} — {1} v{2} {3} — instrument {4} — technician {5} — {6}").format(
            run["run_no"],
            run["method_code"],
            run["method_version"],
            run["method_name"],
            f"{run['instrument_code']} {run['instrument_name']}",
            run["technician_name"],
            self.state_text(str(run["state"])),
        )
        if run["instrument_override"]:
            heading += " — " + self.tr("instrument past its date, allowed by {0}: {1}").format(
                run["override_username"], run["instrument_override"]
            )
        if run["release_reason"]:
            heading += " — " + self.tr("released by {0}: {1}").format(
                run["released_username"], run["release_reason"]
            )
        self.heading.setText(heading)
        self._items = runs.run_items(db, run_id)
        self._fill_items(spec)
        routine = [int(i["sample_item_id"]) for i in self._items if i["kind"] == "sample"]
        self.grid_model.load_items(routine)
        open_ = run["state"] == "open"
        for key in ("import", "add_qc", "accept", "submit", "cancel"):
            self.buttons[key].setEnabled(open_)
        self.buttons["release"].setEnabled(run["state"] == "held")
        self._item_selected()

    def _fill_items(self, spec: Any) -> None:
        from labdesk.services import results, run_record
        from labdesk.services.runs import replicate_check_of

        zh = chinese_ui()
        names = QC_NAMES_ZH if zh else QC_NAMES_EN
        self.items.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            kind = item["kind"]
            brush = None
            if kind == "sample":
                label = f"{item['label']} {item['item_name']}"
                kind_text = self.tr("sample")
                result_id = item["current_result_id"]
                determinations, mean, reported, check_text = "", "", "", ""
                if result_id is not None:
                    decoded = run_record.decode_values(
                        results.result_values(self.session.db, int(result_id))
                    )
                    determinations = "; ".join(short(d["value"]) for d in decoded)
                    reported = str(item["result_text"] or "")
                    check = replicate_check_of(self.session.db, spec, int(result_id))
                    if decoded:
                        values = [Decimal(d["value"]) for d in decoded]
                        mean = short(format(sum(values) / len(values), "f"))
                    if check is not None:
                        check_text = (self.tr("within") if check.within else self.tr("OUTSIDE")) + (
                            f" — {check.explanation_zh() if zh else check.explanation_en()}"
                        )
                        if not check.within and item["replicate_reason"]:
                            check_text += " — " + self.tr("accepted: {0}").format(
                                item["replicate_reason"]
                            )
                    elif not decoded:
                        check_text = self.tr("typed, no readings")
                verdict = verdict_text(item["verdict"])
                brush = VERDICT_BRUSHES.get(str(item["verdict"] or ""))
            else:
                label = str(item["label"])
                if item["material_code"]:
                    label += f" {item['material_code']}"
                if item["of_label"]:
                    label += f" ← {item['of_label']}"
                kind_text = names.get(kind, kind)
                detail = json.loads(item["qc_detail"]) if item["qc_detail"] else {}
                determinations = "; ".join(short(v) for v in detail.get("replicates", []))
                mean = short(str(item["value"] or ""))
                reported = ""
                check_text = str(detail.get("zh" if zh else "en", ""))
                if item["qc_passed"] is None:
                    verdict = self.tr("no readings yet")
                else:
                    verdict = self.tr("QC pass") if item["qc_passed"] else self.tr("QC FAIL")
                    brush = VERDICT_BRUSHES["pass" if item["qc_passed"] else "fail"]
                rules = detail.get("rules") or []
                if rules:
                    verdict += f" ({', '.join(rules)})"
            for column, text in enumerate(
                (label, kind_text, determinations, mean, reported, check_text, verdict)
            ):
                cell = QTableWidgetItem(str(text))
                cell.setData(Qt.ItemDataRole.UserRole, row)
                if column == 6 and brush is not None:
                    cell.setBackground(QBrush(brush))
                self.items.setItem(row, column, cell)

    def _item_selected(self) -> None:
        rows = self.items.selectionModel().selectedRows() if self.items.selectionModel() else []
        if not rows or rows[0].row() >= len(self._items):
            self.raw.show_item(None)
            return
        item = self._items[rows[0].row()]
        self.raw.show_item(int(item["sample_item_id"]) if item["sample_item_id"] else None)

    def selected_item(self) -> dict[str, Any] | None:
        rows = self.items.selectionModel().selectedRows() if self.items.selectionModel() else []
        return self._items[rows[0].row()] if rows and rows[0].row() < len(self._items) else None

    # ----- actions ------------------------------------------------------------------

    def _open(self, dialog: Any, done: str, after: Any = None) -> Any:
        if self.dialog is not None:
            self.dialog.setParent(None)
        self.dialog = dialog

        def finished() -> None:
            self.message.show_message(done, False)
            self.session.notify_changed("runs")
            if after is not None:
                after(dialog)
            self.refresh()

        dialog.accepted.connect(finished)
        dialog.open()
        return dialog

    def start_new_run(self) -> NewRunDialog:
        dialog = NewRunDialog(self.session, self)

        def select(d: NewRunDialog) -> None:
            self.filter.setCurrentIndex(0)
            if d.outcome is not None:
                self.select_run(int(d.outcome))

        return self._open(dialog, self.tr("Run created."), select)

    def start_import(self) -> InstrumentImportDialog | None:
        run_id = self.selected_run_id()
        if run_id is None:
            return None
        return self._open(
            InstrumentImportDialog(self.session, run_id, self), self.tr("Instrument file imported.")
        )

    def start_add_qc(self) -> AddQcDialog | None:
        run_id = self.selected_run_id()
        if run_id is None:
            return None
        return self._open(AddQcDialog(self.session, run_id, self), self.tr("QC samples added."))

    def start_accept(self) -> ReasonDialog | None:
        item = self.selected_item()
        if item is None or item["kind"] != "sample":
            self.message.show_message(self.tr("Select a sample row first."), True)
            return None
        item_id = int(item["id"])
        dialog = ReasonDialog(
            self.tr("Accept the parallel determinations"),
            self.tr("Why are they accepted?"),
            lambda reason: runs.accept_replicates(self.session.context, item_id, reason),
            self,
        )
        return self._open(dialog, self.tr("Replicates accepted with a reason."))

    def start_release(self) -> ReasonDialog | None:
        run_id = self.selected_run_id()
        if run_id is None:
            return None
        dialog = ReasonDialog(
            self.tr("Release the run"),
            self.tr("Why are the results valid despite the QC?"),
            lambda reason: runs.release_run(self.session.context, run_id, reason),
            self,
        )
        return self._open(dialog, self.tr("Run released."))

    def start_cancel(self) -> ReasonDialog | None:
        run_id = self.selected_run_id()
        if run_id is None:
            return None
        dialog = ReasonDialog(
            self.tr("Cancel the run"),
            self.tr("Why is it cancelled?"),
            lambda reason: runs.cancel_run(self.session.context, run_id, reason),
            self,
        )
        return self._open(dialog, self.tr("Run cancelled."))

    def submit(self) -> bool:
        run_id = self.selected_run_id()
        if run_id is None:
            return False
        self.grid.commit_open_editor()
        try:
            outcome = runs.submit_run(self.session.context, run_id)
        except LabDeskError as exc:
            self.message.show_message(error_text(exc), True)
            return False
        if outcome.state == "held":
            text = self.tr(
                "Run submitted but held: QC failed ({0}). The technical manager may release it."
            ).format(", ".join(outcome.failed_qc))
        else:
            text = self.tr("Run submitted; QC passed.")
        if outcome.samples_submitted:
            text += " " + self.tr("Samples sent to review: {0}").format(
                ", ".join(outcome.samples_submitted)
            )
        self.message.show_message(text, outcome.state == "held")
        self.session.notify_changed("samples")
        self.refresh()
        return True

    def save_raw_pdf(self, path: Path | None = None) -> list[Path]:
        """The raw-data sheet of each sample of the run, into a folder."""
        from labdesk.reports.raw_data import render_raw_data_pdf

        run_id = self.selected_run_id()
        if run_id is None:
            return []
        if path is None:
            folder = QFileDialog.getExistingDirectory(
                self, self.tr("Folder for the raw-data sheets")
            )
            if not folder:
                return []
            path = Path(folder)
        written: list[Path] = []
        try:
            for item in self._items:
                if item["kind"] != "sample":
                    continue
                target = path / f"原始记录-{item['sample_no']}.pdf"
                render_raw_data_pdf(self.session.db, int(item["sample_id"]), target)
                written.append(target)
        except (LabDeskError, OSError) as exc:
            self.message.show_message(error_text(exc), True)
            return written
        self.message.show_message(
            self.tr("Raw-data sheets written: {0}").format(len(written)), False
        )
        return written
