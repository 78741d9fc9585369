"""The standards library: browse standards → categories → items, search, import a new
version from CSV/Excel (preview first, every row/column problem listed), and mark a
standard abolished from a date.

Samples are never touched by any of this: their items and limits were frozen onto them
at registration. Importing and abolishing are the admin's (the service refuses others).
Abolishing calls `services.library.abolish_standard` for that one standard version
(with the admin's reason, audited); the rest of the library is not re-imported.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.manager_format import method_title
from labdesk.ui.manager_queries import StandardRow, library_items, standards
from labdesk.ui.manager_widgets import MessageBanner, RowsModel, make_table, titled
from labdesk.ui.rule_text import rule_text
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

KIND_ROLE = Qt.ItemDataRole.UserRole
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def item_cells(item: dict[str, Any], sample_text: str, no_text: str) -> tuple[Any, ...]:
    """One library item as table cells (every numeric field as the text stored)."""
    std = f"{item['standard_no']}-{item['standard_year']}"
    in_force = item.get("effective_from") or ""
    if item.get("abolished_from"):
        in_force = f"{in_force} → {item['abolished_from']}"
    return (
        f"{item['category_name']} ({item['category_code']})",
        item["name"],
        item["limit_text"],
        item["unit"],
        method_title(str(item["method"])),
        item["interval"] or "",
        "" if item["decimals"] is None else item["decimals"],
        item["lod"] or "",
        item["loq"] or "",
        item["test_method"],
        std,
        in_force,
        sample_text if item["sample_data"] else no_text,
        rule_text(item.get("factor"), item.get("rounding"), item.get("screening")),
    )


class ImportPreviewDialog(QDialog):
    """What a library file holds, or every problem in it; Import only when it is clean."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from labdesk.core.library_io import LibraryFileError, load_library

        self.setObjectName("import_preview")
        self.setWindowTitle(self.tr("Import standards library — {0}").format(path.name))
        self.resize(1000, 600)
        self.library: Any = None
        layout = QVBoxLayout(self)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("import_summary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.model = RowsModel([], parent=self)
        self.table = make_table(self.model, self)
        self.table.setObjectName("import_table")
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Import"))
        self.ok_button.setObjectName("import_ok")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        try:
            self.library = load_library(path)
        except LibraryFileError as exc:
            self.problems = list(exc.problems)
            self.summary_label.setText(
                self.tr(
                    "{0} problems found; nothing will be imported. Fix the file and try again."
                ).format(len(exc.problems))
            )
            self.model.set_headers([self.tr("Row"), self.tr("Column"), self.tr("Problem")])
            self.model.set_rows(
                [(p.row or self.tr("file"), p.column, p.message) for p in exc.problems]
            )
            self.ok_button.setEnabled(False)
            return
        except (LabDeskError, OSError) as exc:
            self.problems = []
            from labdesk.ui.errors import error_text

            self.summary_label.setText(error_text(exc))
            self.ok_button.setEnabled(False)
            return
        self.problems = []
        lib = self.library
        sample_note = (
            self.tr(" It is marked SAMPLE DATA: not authoritative limits.")
            if lib.has_sample_data
            else ""
        )
        self.summary_label.setText(
            self.tr(
                "{0} standards, {1} categories, {2} items. Importing replaces the active "
                "library; samples already registered keep the limits frozen on them.{3}"
            ).format(len(lib.standards), len(lib.categories), len(lib.items), sample_note)
        )
        self.model.set_headers(
            [
                self.tr("Standard"),
                self.tr("Category"),
                self.tr("Item"),
                self.tr("Limit"),
                self.tr("Unit"),
                self.tr("Judgement"),
                self.tr("LOD"),
                self.tr("LOQ"),
                self.tr("Rule"),
            ]
        )
        self.model.set_rows(
            [
                (
                    i.standard,
                    i.category,
                    i.name_zh,
                    i.limit,
                    i.unit,
                    method_title(i.method),
                    i.lod or "",
                    i.loq or "",
                    rule_text(i.factor, i.rounding, i.screening),
                )
                for i in lib.items
            ]
        )


class AbolishDialog(QDialog):
    """Pick the date from which a standard version no longer applies."""

    def __init__(self, standard: StandardRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("abolish_dialog")
        self.setWindowTitle(self.tr("Mark standard abolished"))
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "{0} {1} will not apply to samples taken on or after this date. Samples "
                "already registered keep their limits."
            ).format(standard.key, standard.title),
            self,
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("abolish_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(QDate.currentDate())
        form.addRow(self.tr("Abolished from:"), self.date_edit)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("abolish_reason")
        self.reason_edit.setPlaceholderText(self.tr("Required, e.g. replaced by a new version"))
        form.addRow(self.tr("Reason:"), self.reason_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("abolish_ok")
        # The service refuses an empty reason too; disabling OK just says so up front.
        self.ok_button.setEnabled(False)
        self.reason_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen_date(self) -> date:
        day: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return day

    def reason(self) -> str:
        return self.reason_edit.text().strip()


class StandardsScreen(QWidget):
    """Browse, search, import and abolish standards."""

    refreshed = Signal()

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_standards")
        self.standards: list[StandardRow] = []
        self.import_dialog: ImportPreviewDialog | None = None
        self.abolish_dialog: AbolishDialog | None = None

        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.banner = MessageBanner(self)
        self.read_notice = ReadNotice(self.banner)
        outer.addWidget(self.banner)
        self.sample_warning = QLabel(
            self.tr(
                "SAMPLE DATA: this library holds sample limits for demonstration, not "
                "authoritative values. Import your centre's official library."
            ),
            self,
        )
        self.sample_warning.setObjectName("sample_warning")
        self.sample_warning.setWordWrap(True)
        self.sample_warning.setStyleSheet(
            "QLabel { background: #fff3cd; color: #7a4f01; padding: 6px; font-weight: bold; }"
        )
        outer.addWidget(self.sample_warning)

        row = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(
            self.tr("Search items, standards, categories, methods…")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _t: self.read_notice.read(self.reload))
        self.import_button = QPushButton(self.tr("Import library file…"), self)
        self.import_button.setObjectName("import_button")
        self.import_button.clicked.connect(self._choose_import)
        self.export_button = QPushButton(self.tr("Export library…"), self)
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(self._choose_export)
        self.abolish_button = QPushButton(self.tr("Mark abolished…"), self)
        self.abolish_button.setObjectName("abolish_button")
        self.abolish_button.clicked.connect(self.start_abolish)
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        row.addWidget(self.abolish_button)

        # Two libraries side by side: the food classification with its limits (foods),
        # and the flat library of product categories (textiles, toys, panels …).
        from labdesk.ui.food_library_screen import FoodLibraryPanel

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("standards_tabs")
        self.food_panel = FoodLibraryPanel(session, self)
        flat = QWidget(self)
        flat_layout = QVBoxLayout(flat)
        flat_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.food_panel, self.tr("Foods: classification and limits"))
        self.tabs.addTab(flat, self.tr("Product categories (flat library)"))

        splitter = QSplitter(self)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("standards_tree")
        self.tree.setHeaderLabels([self.tr("Standard / category"), self.tr("Items")])
        self.tree.setColumnWidth(0, 320)
        self.tree.currentItemChanged.connect(lambda _c, _p: self.read_notice.read(self._show_items))
        splitter.addWidget(titled(self.tr("Standards"), self.tree))
        self.items_model = RowsModel(
            [
                self.tr("Category"),
                self.tr("Item"),
                self.tr("Limit"),
                self.tr("Unit"),
                self.tr("Judgement method"),
                self.tr("Rounding interval"),
                self.tr("Decimals"),
                self.tr("LOD"),
                self.tr("LOQ"),
                self.tr("Test method"),
                self.tr("Standard"),
                self.tr("In force"),
                self.tr("Sample data"),
                self.tr("Rule"),
            ],
            parent=self,
        )
        self.items_table = make_table(self.items_model, self)
        self.items_table.setObjectName("items_table")
        self.items_table.setColumnWidth(0, 180)
        self.items_table.setColumnWidth(4, 170)
        splitter.addWidget(titled(self.tr("Test items"), self.items_table))
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 1000])
        flat_layout.addLayout(row)
        flat_layout.addWidget(splitter, 1)
        outer.addWidget(self.tabs, 1)
        self.refresh()

    # ----- loading --------------------------------------------------------------------

    def refresh(self) -> None:
        """Read again; a server away leaves the tree and the search text, and says so."""
        self.read_notice.read(self._read_all)

    def _read_all(self) -> None:
        self.reload()
        self.food_panel.reload()

    def reload(self) -> None:
        """Rebuild the tree for the search text (keeps the selection when it still exists)."""
        current = self.tree.currentItem()
        keep = None if current is None else (current.data(0, KIND_ROLE), current.data(0, KEY_ROLE))
        self.standards = standards(self.session.db, self.search_edit.text())
        self.tree.blockSignals(True)
        self.tree.clear()
        restore = None
        for std in self.standards:
            title = f"{std.key} {std.title}".strip()
            if std.abolished_from:
                title += self.tr(" [abolished from {0}]").format(std.abolished_from)
            if std.sample_data:
                title += self.tr(" [sample data]")
            top = QTreeWidgetItem([title, str(sum(n for _c, _n2, n in std.categories))])
            top.setData(0, KIND_ROLE, "standard")
            top.setData(0, KEY_ROLE, [std.number, std.year])
            self.tree.addTopLevelItem(top)
            if keep == ("standard", [std.number, std.year]):
                restore = top
            for code, name, count in std.categories:
                child = QTreeWidgetItem(top, [f"{name} ({code})", str(count)])
                child.setData(0, KIND_ROLE, "category")
                child.setData(0, KEY_ROLE, [std.number, std.year, code])
                if keep == ("category", [std.number, std.year, code]):
                    restore = child
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if restore is not None:
            self.tree.setCurrentItem(restore)
        self._show_items()
        has_sample = bool(
            self.session.db.scalar(
                "SELECT 1 FROM lib_items WHERE active = 1 AND sample_data = 1 LIMIT 1"
            )
        )
        self.sample_warning.setVisible(has_sample)
        self.refreshed.emit()

    def _selection(self) -> tuple[tuple[str, str] | None, str | None]:
        current = self.tree.currentItem()
        if current is None:
            return None, None
        key = list(current.data(0, KEY_ROLE))
        if current.data(0, KIND_ROLE) == "category":
            return (str(key[0]), str(key[1])), str(key[2])
        return (str(key[0]), str(key[1])), None

    def selected_standard(self) -> StandardRow | None:
        standard, _category = self._selection()
        if standard is None:
            return None
        return next((s for s in self.standards if (s.number, s.year) == standard), None)

    def _show_items(self) -> None:
        standard, category = self._selection()
        items = library_items(
            self.session.db, self.search_edit.text(), standard=standard, category_code=category
        )
        sample_text, no_text = self.tr("SAMPLE DATA (verify)"), ""
        self.items_model.set_rows(
            [item_cells(i, sample_text, no_text) for i in items], [i["id"] for i in items]
        )
        self.abolish_button.setEnabled(standard is not None)

    # ----- import ---------------------------------------------------------------------

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Standards library file"),
            str(Path.home()),
            self.tr("Library files (*.csv *.xlsx)"),
        )
        if path:
            self.preview_import(Path(path))

    def preview_import(self, path: Path) -> ImportPreviewDialog:
        """Open the preview for `path` (non-blocking); Import there imports it."""
        self.banner.clear_message()
        dialog = ImportPreviewDialog(path, self)
        dialog.accepted.connect(lambda: self._import(dialog.library))
        dialog.finished.connect(dialog.deleteLater)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _import(self, library: Any) -> None:
        from labdesk.services import library as library_service

        if library is None:
            return
        if self.session.context is None:
            self.banner.show_error(self.tr("Sign in first."))
            return
        try:
            count = library_service.import_library(self.session.context, library)
        except LabDeskError as exc:
            from labdesk.ui.errors import error_text

            self.banner.show_error(error_text(exc))
            return
        if count == 0 and library.items:
            self.banner.show_info(self.tr("No change: this is the library in use already."))
            return
        self.banner.show_info(self.tr("Imported {0} test items.").format(count))
        self.session.notify_changed("standards")
        self.reload()

    # ----- export ---------------------------------------------------------------------

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export standards library"),
            str(Path.home() / "standards-library.xlsx"),
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
        )
        if path:
            self.export_library(Path(path))

    def export_library(self, path: Path) -> None:
        """Write the active library in the import layout (it imports back unchanged)."""
        from labdesk.core.library_io import write_library_csv, write_library_excel
        from labdesk.services import exports

        self.banner.clear_message()
        try:
            library = exports.stored_library(self.session.db)
            if path.suffix.lower() == ".csv":
                write_library_csv(library, path)
            else:
                write_library_excel(library, path.with_suffix(".xlsx"))
                path = path.with_suffix(".xlsx")
        except LabDeskError as exc:
            from labdesk.ui.errors import error_text

            self.banner.show_error(error_text(exc))
            return
        except OSError as exc:
            from labdesk.ui.errors import error_text

            self.banner.show_error(error_text(exc))  # names the file and why
            return
        self.banner.show_info(
            self.tr("{0} test items written to {1}").format(len(library.items), path)
        )

    # ----- abolish --------------------------------------------------------------------

    def start_abolish(self) -> None:
        self.banner.clear_message()
        standard = self.selected_standard()
        if standard is None:
            self.banner.show_error(self.tr("Choose a standard first."))
            return
        dialog = AbolishDialog(standard, self)
        dialog.accepted.connect(
            lambda: self.abolish(standard, dialog.chosen_date(), dialog.reason())
        )
        dialog.finished.connect(dialog.deleteLater)
        self.abolish_dialog = dialog
        dialog.open()

    def abolish(self, standard: StandardRow, day: date, reason: str) -> None:
        """Abolish this one standard version from `day` through the audited service."""
        from labdesk.services import library as library_service

        self.banner.clear_message()
        if self.session.context is None:
            self.banner.show_error(self.tr("Sign in first."))
            return
        try:
            library_service.abolish_standard(
                self.session.context, standard.number, standard.year, day, reason
            )
        except LabDeskError as exc:
            from labdesk.ui.errors import error_text

            self.banner.show_error(error_text(exc))
            return
        self.banner.show_info(
            self.tr("{0} is marked abolished from {1}.").format(standard.key, day.isoformat())
        )
        self.session.notify_changed("standards")
        self.reload()
