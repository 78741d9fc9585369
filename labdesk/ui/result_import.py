"""Importing results from a file (导入结果): choose, map, preview every row, import all or none.

Reached from the result entry screen ("Import results…") and the File menu. The file is
read and every row checked off the GUI thread on a read-only connection
(`services.result_import.prepare`), so a large file never freezes the window; nothing is
written until the user presses Import, and then every row is written in one transaction
(or, if the records changed meanwhile, none, with the row named).

The mapping: columns titled 样品编号 / 检验项目 / 检验结果 (or sample_no / item / result) are
found by themselves; for other layouts each field has a column chooser, a saved mapping
can be picked, and the edited one saved under a name. The preview lists every data row
with its verdict, or with its column and the rule it breaks; Import stays disabled while
any row is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.services.excel_import import FIELD_LABELS, ColumnMapping
from labdesk.services.result_import import FIELDS, PlanRow, Prepared
from labdesk.ui.errors import error_text
from labdesk.ui.labels import VERDICT_BRUSHES, verdict_text
from labdesk.ui.manager_widgets import MessageBanner
from labdesk.ui.operations import TaskState, run_operation
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex
_NONE = ""  # chooser data: the field is not in the file


class PlanRowsModel(QAbstractTableModel):
    """The preview: one row per data row of the file (row number as Excel shows it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PlanRow] = []
        self._titles = [
            self.tr("Row"),
            self.tr("Sample no."),
            self.tr("Item"),
            self.tr("Result"),
            self.tr("Verdict"),
            self.tr("Reported as / why refused"),
        ]

    def set_rows(self, rows: list[PlanRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._titles[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.BackgroundRole and column == 4:
            return VERDICT_BRUSHES["fail" if row.refused else row.verdict or "not_judged"]
        if role == Qt.ItemDataRole.ToolTipRole and column == 5 and row.refused:
            return "\n".join(row.problems)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return str(row.row)
        if column in (1, 2, 3):
            return (row.sample_no, row.item, row.result)[column - 1]
        if column == 4:
            return self.tr("Refused") if row.refused else verdict_text(row.verdict)
        return "；".join(row.problems) if row.refused else row.display


def _choose_file(parent: QWidget) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("ResultImportDialog", "Import results from a file"),
        str(Path.home()),
        QCoreApplication.translate(
            "ResultImportDialog", "Result files (*.xlsx *.xls *.csv *.txt);;All files (*)"
        ),
    )
    return Path(name) if name else None


class ResultImportDialog(QDialog):
    """Choose a file, check its mapping and rows, import all of them or none."""

    def __init__(
        self, session: UiSession, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("result_import_dialog")
        self.setWindowTitle(self.tr("Import results"))
        # Asked for the file to read; tests replace it (no native dialog offscreen).
        self.file_provider: Callable[[QWidget], Path | None] = _choose_file
        self.prepared: Prepared | None = None
        self.path: Path | None = None
        self.imported = 0
        self.busy = False

        self.choose_button = QPushButton(self.tr("Choose file…"))
        self.choose_button.setObjectName("import_choose")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel(self.tr("No file chosen."))
        self.file_label.setObjectName("import_file")
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)

        self.saved = QComboBox()
        self.saved.setObjectName("import_saved_mapping")
        self.saved.activated.connect(self._saved_chosen)
        self.choosers: dict[str, QComboBox] = {}
        mapping_box = QGroupBox(self.tr("Columns"))
        grid = QGridLayout(mapping_box)
        grid.addWidget(QLabel(self.tr("Saved mapping")), 0, 0)
        grid.addWidget(self.saved, 0, 1, 1, 3)
        for index, name in enumerate(FIELDS):
            chooser = QComboBox()
            chooser.setObjectName(f"import_column_{name}")
            chooser.activated.connect(lambda _i: self._mapping_edited())
            self.choosers[name] = chooser
            row, col = 1 + index // 2, (index % 2) * 2
            grid.addWidget(QLabel(FIELD_LABELS[name]), row, col)
            grid.addWidget(chooser, row, col + 1)
        self.save_name = QLineEdit()
        self.save_name.setObjectName("import_mapping_name")
        self.save_name.setPlaceholderText(self.tr("name, e.g. the instrument"))
        self.save_button = QPushButton(self.tr("Save mapping"))
        self.save_button.setObjectName("import_save_mapping")
        self.save_button.clicked.connect(self.save_mapping)
        save_row = QFormLayout()
        line = QHBoxLayout()
        line.addWidget(self.save_name, 1)
        line.addWidget(self.save_button)
        save_row.addRow(self.tr("Save as"), line)
        grid.addLayout(save_row, 1 + (len(FIELDS) + 1) // 2, 0, 1, 4)

        self.rows_model = PlanRowsModel(self)
        self.table = QTableView()
        self.table.setObjectName("import_preview")
        self.table.setModel(self.rows_model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((60, 130, 130, 100, 80)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.banner = MessageBanner(self)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = buttons.addButton(
            self.tr("&Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("import_commit")
        self.import_button.setEnabled(False)
        buttons.accepted.connect(self.commit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(mapping_box)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(960, 640)
        self._fill_saved()
        self._set_editable(False)
        if path is not None:
            self.load(path)

    # ----- choosing and checking -------------------------------------------------------

    def _fill_saved(self, select: str = "") -> None:
        from labdesk.services import result_import

        self.saved.clear()
        self.saved.addItem(self.tr("— proposed from the column titles —"), _NONE)
        for name in result_import.mapping_names(self.session.db):
            self.saved.addItem(name, name)
        if select:
            self.saved.setCurrentIndex(max(0, self.saved.findData(select)))

    def _set_editable(self, enabled: bool) -> None:
        for widget in (self.saved, self.save_name, self.save_button, *self.choosers.values()):
            widget.setEnabled(enabled and not self.busy)

    def choose_file(self) -> None:
        path = self.file_provider(self)
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        """Read `path` and check every row with the proposed (or saved) mapping."""
        self.path = Path(path)
        name = str(self.saved.currentData() or "") or None
        self._run(lambda db: _prepare(db, self.path, name, None))

    def current_mapping(self) -> ColumnMapping:
        mapping = ColumnMapping()
        for name, chooser in self.choosers.items():
            mapping = mapping.with_field(name, str(chooser.currentData() or "") or None)
        return mapping

    def _mapping_edited(self) -> None:
        """Check the rows again with the columns as chosen (the file is not read again)."""
        if self.prepared is None:
            return
        self._recheck(self.current_mapping(), "")

    def _saved_chosen(self, _index: int) -> None:
        from labdesk.services import result_import

        name = str(self.saved.currentData() or "")
        if self.prepared is None:
            return
        if not name:
            self._recheck(result_import.guess_mapping(self.prepared.table), "")
            return
        try:
            mapping = result_import.load_mapping(self.session.db, name)
        except LabDeskError as exc:
            self.banner.show_error(error_text(exc))
            return
        self._recheck(mapping, name)

    def _recheck(self, mapping: ColumnMapping, name: str) -> None:
        from labdesk.services import result_import

        assert self.prepared is not None
        table = self.prepared.table
        self._run(
            lambda db: Prepared(
                table, mapping, result_import.check(db, table, mapping, name), name, not name
            )
        )

    def _run(self, work: Callable[[Any], Prepared]) -> None:
        from labdesk.store.db import open_reader

        db_path = self.session.db_path
        self.busy = True
        self.import_button.setEnabled(False)
        self._set_editable(False)
        self.banner.clear_message()

        def job(state: TaskState) -> Prepared:
            reader = open_reader(db_path)
            try:
                return work(reader)
            finally:
                reader.close()

        run_operation(
            self,
            job,
            label=self.tr("Checking the file…"),
            on_success=self._checked,
            on_failure=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.prepared = None
        self.rows_model.set_rows([])
        self.banner.show_error(error_text(exc))
        self.summary.setText(self.tr("Nothing will be imported."))
        self._set_editable(False)

    def _checked(self, prepared: Prepared) -> None:
        from labdesk.services.result_import import file_facts, plan_rows

        self.busy = False
        self.prepared = prepared
        facts = file_facts(prepared.table)
        kind = {"xlsx": "Excel", "xls": "Excel 97-2003", "text": self.tr("text")}.get(
            facts["kind"], facts["kind"]
        )
        encoding = f" · {facts['encoding']}" if facts["encoding"] else ""
        self.file_label.setText(
            self.tr("{0} · {1} bytes · {2}{3} · SHA-256 {4}").format(
                facts["file"], facts["size"], kind, encoding, facts["sha256"]
            )
        )
        for name, chooser in self.choosers.items():
            chooser.clear()
            chooser.addItem(self.tr("— not in the file —"), _NONE)
            for title in prepared.table.columns:
                chooser.addItem(title, title)
            chooser.setCurrentIndex(max(0, chooser.findData(prepared.mapping.get(name) or _NONE)))
        rows = plan_rows(prepared)
        self.rows_model.set_rows(rows)
        refused = sum(1 for r in rows if r.refused)
        plan = prepared.plan
        if plan.ok:
            self.summary.setText(
                self.tr("{0} rows checked, none refused: Import writes all {1} results.").format(
                    len(rows), len(plan.entries)
                )
            )
        else:
            self.summary.setText(
                self.tr(
                    "{0} rows refused: nothing will be imported until they are corrected."
                ).format(refused)
            )
        self.import_button.setEnabled(plan.ok)
        self._set_editable(True)

    # ----- saving and importing --------------------------------------------------------

    def save_mapping(self) -> bool:
        from labdesk.services import result_import

        name = self.save_name.text().strip()
        try:
            result_import.save_mapping(self.session.context, name, self.current_mapping())
        except LabDeskError as exc:
            self.banner.show_error(error_text(exc))
            return False
        self._fill_saved(select=name)
        self.banner.show_info(self.tr("Mapping saved as {0}.").format(name))
        return True

    def commit(self) -> None:
        """Write every checked row in one transaction (off the GUI thread), or none."""
        from labdesk.services import result_import

        prepared = self.prepared
        if prepared is None or not prepared.plan.ok or self.busy:
            return
        ctx = self.session.context
        self.busy = True
        self.import_button.setEnabled(False)

        def done(count: int) -> None:
            self.busy = False
            self.imported = count
            self.session.notify_changed("results")
            self.banner.show_info(self.tr("Imported {0} results.").format(count))
            self.accept()

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.banner.show_error(error_text(exc))

        run_operation(
            self,
            lambda _state: result_import.commit(ctx, prepared),
            label=self.tr("Importing results…"),
            on_success=done,
            on_failure=failed,
            writes=True,
        )


def _prepare(
    db: Any, path: Path | None, mapping_name: str | None, columns: dict[str, str | None] | None
) -> Prepared:
    from labdesk.services import result_import

    assert path is not None
    return result_import.prepare(db, path, mapping_name, columns)
