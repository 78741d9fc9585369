"""Import the instrument's exported file into a run: choose, map, preview, import.

The path is typed or chosen (Browse…); Read checks the file with
`services.instrument_import.plan_import` and shows every determination computed, the
replicate check, the reported mean with its verdict and the QC verdicts — nothing is
written. The column mapping starts from the instrument's saved one (or a guess from the
titles) and re-checks the file whenever a column is changed. Import is possible only
when no row has a problem; it writes everything in one transaction (all or nothing),
keeps the raw file with its SHA-256, and saves the mapping on the instrument. A file for
items that already have a result is a retest and needs a reason.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.services import instrument_import, methods, runs
from labdesk.ui.errors import error_text
from labdesk.ui.labels import chinese_ui, verdict_text
from labdesk.ui.session import UiSession


def short(text: str, digits: int = 6) -> str:
    """A computed value shortened for reading (the record keeps every digit)."""
    if "." not in text:
        return text
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction[:digits]}" + ("…" if len(fraction) > digits else "")


class InstrumentImportDialog(QDialog):
    def __init__(self, session: UiSession, run_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_dialog")
        self.setWindowTitle(self.tr("Import the instrument file"))
        self.session = session
        self.run_id = run_id
        run = runs.get_run(session.db, run_id)
        self.spec = methods.spec_of(methods.version(session.db, int(run["method_version_id"])))
        self.plan: instrument_import.InstrumentImport | None = None
        self._filling = False

        self.path = QLineEdit()
        self.path.setObjectName("import_path")
        self.path.setPlaceholderText(self.tr("The CSV or Excel file the instrument exported"))
        self.path.returnPressed.connect(self.read)
        browse = QPushButton(self.tr("Browse…"))
        browse.setObjectName("import_browse")
        browse.clicked.connect(self._browse)
        read = QPushButton(self.tr("Read file"))
        read.setObjectName("import_read")
        read.clicked.connect(lambda: self.read())
        top = QHBoxLayout()
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        top.addWidget(read)

        self.mapping = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        roles = [
            ("sample", self.tr("Sample number column:")),
            ("replicate", self.tr("Determination number column:")),
            ("analyte", self.tr("Element / analyte column:")),
        ]
        roles += [
            (f"reading:{i.name}", self.tr("Reading {0} ({1}):").format(i.name, i.label or i.unit))
            for i in self.spec.inputs
            if i.is_reading
        ]
        for key, label in roles:
            combo = QComboBox()
            combo.setObjectName(f"import_map_{key.replace(':', '_')}")
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.combos[key] = combo
            self.mapping.addRow(label, combo)

        self.preview = QTableWidget(0, 7)
        self.preview.setObjectName("import_preview")
        self.preview.setHorizontalHeaderLabels(
            [
                self.tr("Label"),
                self.tr("Rows"),
                self.tr("Determinations"),
                self.tr("Reported"),
                self.tr("Replicates"),
                self.tr("Verdict / QC"),
                self.tr("Detail"),
            ]
        )
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.preview.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.errors = QListWidget()
        self.errors.setObjectName("import_errors")
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("import_reason")
        self.reason.setPlaceholderText(
            self.tr("Reason (needed when the items already have results)")
        )
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setObjectName("import_ok")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.commit)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        # Enter in the path reads the file; it must never also press a button (a dialog's
        # buttons are "auto default": Browse… would open, or Import would write).
        for button in (browse, read, self.import_button, close):
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reason, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.mapping)
        layout.addWidget(self.preview, 3)
        layout.addWidget(QLabel(self.tr("Problems (nothing is imported while there are any):")))
        layout.addWidget(self.errors, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.resize(900, 640)

    # ----- reading ------------------------------------------------------------------

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Instrument file"), "", self.tr("Tables (*.csv *.txt *.xlsx)")
        )
        if name:
            self.path.setText(name)
            self.read()

    def _current_mapping(self) -> instrument_import.InstrumentMapping:
        def pick(key: str) -> str | None:
            data = self.combos[key].currentData()
            return str(data) if data else None

        readings = {
            key.split(":", 1)[1]: str(combo.currentData())
            for key, combo in self.combos.items()
            if key.startswith("reading:") and combo.currentData()
        }
        return instrument_import.InstrumentMapping(
            pick("sample"), pick("replicate"), pick("analyte"), readings
        )

    def read(self, mapping: instrument_import.InstrumentMapping | None = None) -> None:
        text = self.path.text().strip()
        if not text:
            return
        try:
            self.plan = instrument_import.plan_import(
                self.session.db, self.run_id, Path(text), mapping or None
            )
        except LabDeskError as exc:
            self.plan = None
            self._show_errors([error_text(exc)])
            return
        self._fill_mapping()
        self._fill_preview()

    def _mapping_changed(self) -> None:
        if not self._filling and self.plan is not None:
            self.read(self._current_mapping())

    def _fill_mapping(self) -> None:
        assert self.plan is not None
        columns = self.plan.table.columns if self.plan.table is not None else []
        current = self.plan.mapping
        chosen = {
            "sample": current.sample,
            "replicate": current.replicate,
            "analyte": current.analyte,
            **{f"reading:{k}": v for k, v in current.readings.items()},
        }
        self._filling = True
        try:
            for key, combo in self.combos.items():
                combo.clear()
                combo.addItem(self.tr("(not in the file)"), None)
                for column in columns:
                    combo.addItem(column, column)
                found = combo.findData(chosen.get(key)) if chosen.get(key) else 0
                combo.setCurrentIndex(max(0, found))
        finally:
            self._filling = False

    def _show_errors(self, messages: list[str]) -> None:
        self.errors.clear()
        self.errors.addItems(messages)
        self.import_button.setEnabled(False)
        self.summary.setText(
            self.tr("{0} problem(s): nothing can be imported.").format(len(messages))
        )

    def _fill_preview(self) -> None:
        assert self.plan is not None
        plan = self.plan
        zh = chinese_ui()
        rows = plan.plan.items if plan.plan is not None else []
        self.preview.setRowCount(len(rows))
        for row, item in enumerate(rows):
            calc = item.calculation
            if calc is None:
                cells = [item.label, "", "", "", "", "", item.error]
            else:
                determinations = "; ".join(short(format(r.value, "f")) for r in calc.replicates)
                check = calc.check
                within = self.tr("within") if check.within else self.tr("OUTSIDE")
                if item.qc is not None:
                    verdict = self.tr("QC pass") if item.qc.passed else self.tr("QC FAIL")
                    detail = item.qc.detail_zh if zh else item.qc.detail_en
                elif item.verdict is not None:
                    verdict = verdict_text(item.verdict.verdict)
                    detail = item.verdict.explanation_zh if zh else item.verdict.explanation_en
                else:
                    verdict, detail = "", ""
                cells = [
                    item.label,
                    ", ".join(str(r) for r in plan.rows.get(item.label, [])),
                    determinations,
                    calc.text,
                    f"{within} ({check.explanation_zh() if zh else check.explanation_en()})",
                    verdict,
                    detail,
                ]
            for column, text in enumerate(cells):
                self.preview.setItem(row, column, QTableWidgetItem(str(text)))
        if plan.errors:
            self._show_errors(plan.messages())
            return
        self.errors.clear()
        ok = plan.ok
        self.import_button.setEnabled(ok)
        self.summary.setText(
            self.tr(
                "{0}: {1} item(s) ready, {2} row(s) of other elements or blank skipped."
            ).format(plan.source, len(rows), plan.skipped)
        )

    # ----- writing ------------------------------------------------------------------

    def commit(self) -> bool:
        if self.plan is None or not self.plan.ok:
            return False
        try:
            instrument_import.commit_import(
                self.session.context, self.plan, reason=self.reason.text().strip()
            )
        except LabDeskError as exc:
            self.errors.clear()
            self.errors.addItem(error_text(exc))
            self.summary.setText(self.tr("Refused: nothing was imported."))
            return False
        self.session.notify_changed("results")
        self.accept()
        return True
