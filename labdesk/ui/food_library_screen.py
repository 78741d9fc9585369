"""The food library on the Standards screen: the classification tree, the limits a class
gets on a date (inherited ones say where from), the versions of its standards side by
side, the class's item template (`ui/food_template_panel.py`), and the import of a limit
table with its preview.

The import reads and validates the whole file first (`food_imports.read_limits`):
the preview lists its rows, or every problem with its row, column and rule, and Import
is enabled only for a clean file. Importing is the admin's (the service refuses
others); an identical file says "no change" and writes nothing.
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
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.library_rule_dialog import LibraryRuleDialog
from labdesk.ui.manager_widgets import MessageBanner, RowsModel, make_table, titled
from labdesk.ui.rule_text import rule_text
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

CODE_ROLE = Qt.ItemDataRole.UserRole
PREVIEW_ROWS = 2000


class LimitImportDialog(QDialog):
    """What a limit file holds, or every problem in it; Import only when it is clean."""

    def __init__(self, session: UiSession, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from labdesk.core.limit_tables import LimitFileError
        from labdesk.services import food_imports

        self.setObjectName("limit_import_preview")
        self.setWindowTitle(self.tr("Import limit table — {0}").format(path.name))
        self.resize(1100, 600)
        self.table: Any = None
        self.problems: list[Any] = []
        layout = QVBoxLayout(self)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("limit_import_summary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.model = RowsModel([], parent=self)
        self.view = make_table(self.model, self)
        self.view.setObjectName("limit_import_table")
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Import"))
        self.ok_button.setObjectName("limit_import_ok")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        try:
            self.table = food_imports.read_limits(session.db, path)
        except LimitFileError as exc:
            self.problems = list(exc.problems)
            self.summary_label.setText(
                self.tr(
                    "{0} problems found; nothing will be imported. Fix the file and try again."
                ).format(len(exc.problems))
            )
            self.model.set_headers(
                [self.tr("Row"), self.tr("Column"), self.tr("Rule"), self.tr("Problem")]
            )
            self.model.set_rows(
                [(p.row or self.tr("file"), p.column, p.rule, p.message) for p in exc.problems]
            )
            self.ok_button.setEnabled(False)
            return
        except LabDeskError as exc:
            from labdesk.ui.errors import error_text

            self.summary_label.setText(error_text(exc))
            self.ok_button.setEnabled(False)
            return
        table = self.table
        sample = sum(1 for r in table.rows if r.sample_data)
        versions = ", ".join(
            f"{v.key} ({v.effective_from or '—'} → {v.abolished_from or ''})"
            for v in table.versions.values()
        )
        text = self.tr(
            "{0} rows of {1}, every row valid. Samples already registered keep the limits "
            "frozen on them."
        ).format(len(table.rows), versions)
        if sample:
            text += " " + self.tr("{0} rows are marked SAMPLE DATA: not authoritative.").format(
                sample
            )
        if len(table.rows) > PREVIEW_ROWS:
            text += " " + self.tr("The first {0} rows are shown.").format(PREVIEW_ROWS)
        self.summary_label.setText(text)
        self.model.set_headers(
            [
                self.tr("Row"),
                self.tr("Standard"),
                self.tr("Item"),
                self.tr("Food class"),
                self.tr("Excluded"),
                self.tr("Limit"),
                self.tr("Mark"),
                self.tr("Unit"),
                self.tr("Grade"),
                self.tr("Sample data"),
                self.tr("Rule"),
            ]
        )
        yes = self.tr("yes")
        self.model.set_rows(
            [
                (
                    r.row,
                    r.standard,
                    r.item_name,
                    r.class_name,
                    "、".join(r.excluded),
                    r.limit,
                    r.mark,
                    r.unit,
                    r.grade,
                    yes if r.sample_data else "",
                    rule_text(r.factor, r.rounding, r.screening),
                )
                for r in table.rows[:PREVIEW_ROWS]
            ]
        )


class FoodLibraryPanel(QWidget):
    """The food classification with each class's limits and versions."""

    refreshed = Signal()

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("food_library")
        self.import_dialog: LimitImportDialog | None = None
        self.import_operation: Any = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = MessageBanner(self)
        outer.addWidget(self.banner)
        row = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("food_tree_search")
        self.search_edit.setPlaceholderText(self.tr("Find a class by name or pinyin initials…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._find)
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("food_on_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(QDate.currentDate())
        self.date_edit.dateChanged.connect(lambda _d: self._show_class())
        self.import_button = QPushButton(self.tr("Import limit table…"), self)
        self.import_button.setObjectName("food_import_button")
        self.import_button.clicked.connect(self._choose_import)
        row.addWidget(self.search_edit, 1)
        row.addWidget(QLabel(self.tr("In force on:"), self))
        row.addWidget(self.date_edit)
        row.addWidget(self.import_button)
        outer.addLayout(row)

        splitter = QSplitter(self)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("food_tree")
        self.tree.setHeaderLabels([self.tr("Food class"), self.tr("Code")])
        self.tree.setColumnWidth(0, 260)
        self.tree.currentItemChanged.connect(lambda _c, _p: self._show_class())
        splitter.addWidget(titled(self.tr("Food classification"), self.tree))
        right = QSplitter(Qt.Orientation.Vertical, self)
        self.class_label = QLabel(self)
        self.class_label.setObjectName("food_class_label")
        self.class_label.setWordWrap(True)
        self.limits_model = RowsModel(
            [
                self.tr("Item"),
                self.tr("Limit"),
                self.tr("Mark"),
                self.tr("Unit"),
                self.tr("Standard"),
                self.tr("Source"),
                self.tr("Sample data"),
                self.tr("Rule"),
            ],
            parent=self,
        )
        self.limits_table = make_table(self.limits_model, self)
        self.limits_table.setObjectName("food_limits_table")
        self.limits_table.setColumnWidth(0, 150)
        self.limits_table.setColumnWidth(5, 320)
        limits_box = QWidget(self)
        box_layout = QVBoxLayout(limits_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(self.class_label)
        box_layout.addWidget(self.limits_table, 1)
        # The rule editor (issue 15.1): admins and technical managers, as the service says.
        rule_row = QHBoxLayout()
        self.rule_button = QPushButton(self.tr("Edit the item's rule…"), self)
        self.rule_button.setObjectName("food_rule_button")
        self.rule_button.clicked.connect(self.edit_rule)
        rule_row.addStretch(1)
        rule_row.addWidget(self.rule_button)
        box_layout.addLayout(rule_row)
        self.rule_dialog: Any = None
        self._limit_items: list[dict[str, Any]] = []
        self.limits_table.doubleClicked.connect(lambda _index: self.edit_rule())
        selection = self.limits_table.selectionModel()
        selection.selectionChanged.connect(lambda _s, _d: self._enable_rule())
        right.addWidget(
            titled(self.tr("Limits of the class (inherited ones say from where)"), limits_box)
        )
        self.versions_model = RowsModel([], parent=self)
        self.versions_table = make_table(self.versions_model, self)
        self.versions_table.setObjectName("food_versions_table")
        right.addWidget(titled(self.tr("Versions side by side"), self.versions_table))
        from labdesk.ui.food_template_panel import FoodTemplatePanel

        self.template_panel = FoodTemplatePanel(session, self)
        self.template_panel.saved.connect(lambda _code: self._show_class())
        right.addWidget(
            titled(self.tr("Item template (what registration proposes)"), self.template_panel)
        )
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 1000])
        outer.addWidget(splitter, 1)
        self.reload()

    # ----- loading --------------------------------------------------------------------

    def reload(self) -> None:
        from labdesk.services import food_library

        current = self.selected_code()
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items: dict[str, QTreeWidgetItem] = {}
        try:
            tree = food_library.load_tree(self.session.db)
        except LabDeskError as exc:
            self.tree.blockSignals(False)
            from labdesk.ui.errors import error_text

            self.class_label.setText(error_text(exc))
            return
        self._tree = tree
        for cls in tree.walk():
            parent = self._items.get(cls.parent)
            label = cls.name + (" *" if cls.sample_data else "")
            item = QTreeWidgetItem([label, cls.code])
            item.setData(0, CODE_ROLE, cls.code)
            item.setToolTip(0, cls.source)
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            self._items[cls.code] = item
        root = self._items[tree.root]
        root.setExpanded(True)
        for index in range(root.childCount()):
            child = root.child(index)
            if child is not None:
                child.setExpanded(False)
        self.tree.blockSignals(False)
        if current and current in self._items:
            self.select(current)
        self._show_class()
        self.refreshed.emit()

    def selected_code(self) -> str:
        item = self.tree.currentItem()
        return "" if item is None else str(item.data(0, CODE_ROLE))

    def select(self, code: str) -> None:
        item = self._items.get(code)
        if item is None:
            return
        parent = item.parent()
        while parent is not None:
            parent.setExpanded(True)
            parent = parent.parent()
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)

    def _find(self, text: str) -> None:
        if not text.strip() or not hasattr(self, "_tree"):
            return
        hits = self._tree.search(text, limit=1)
        if hits:
            self.select(hits[0].code)

    def on_date(self) -> date:
        day: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return day

    def _show_class(self) -> None:
        from labdesk.services import food_library

        code = self.selected_code()
        if not code:
            self._limit_items = []
            self.limits_model.set_rows([])
            self._enable_rule()
            self.versions_model.set_rows([])
            self.template_panel.show_class("", self.on_date(), [])
            self.class_label.setText(self.tr("Choose a class."))
            return
        tree = self._tree
        cls = tree.get(code)
        label = f"{tree.path_text(code, with_root=True)} ({code})"
        if cls.aliases:
            label += " — " + self.tr("stands for {0}").format("、".join(cls.aliases))
        label += "\n" + self.tr("Source: {0}").format(cls.source)
        self.class_label.setText(label)
        composed = food_library.compose_items(self.session.db, code, self.on_date())
        sample_text = self.tr("SAMPLE DATA (verify)")
        self._limit_items = composed.items
        self.limits_model.set_rows(
            [
                (
                    i["name"],
                    i["limit_text"],
                    f"{i['mark']} {i['mark_meaning']}".strip(),
                    i["unit"],
                    f"{i['standard_no']}-{i['standard_year']}",
                    i["source"],
                    sample_text if i["sample_data"] else "",
                    self._rule_cell(i),
                )
                for i in composed.items
            ],
            [i["lib_limit_id"] for i in composed.items],
        )
        self._show_versions(code)
        self.template_panel.show_class(code, self.on_date(), composed.items)
        self._enable_rule()

    def _rule_cell(self, item: dict[str, Any]) -> str:
        """The item's rule, and whose it is when a class (not the version) gives it."""
        text = rule_text(item["factor"], item["rounding"], item["screening"])
        owner = item.get("rule_class") or ""
        if owner and owner in self._tree:
            name = self._tree.get(owner).name
            text = self.tr("{0} (rule of {1})").format(text or self.tr("plain"), name)
        return text

    def _show_versions(self, code: str) -> None:
        """Every version of the class's standards, one column each, item by item."""
        from labdesk.services import food_library

        versions = food_library.versions(self.session.db)
        by_number: dict[str, list[dict[str, Any]]] = {}
        cells: dict[tuple[str, str], dict[str, str]] = {}
        names: dict[tuple[str, str], str] = {}
        for version in versions:
            rows = food_library.limits_of_class(self.session.db, code, int(version["id"]))
            if not rows:
                continue
            key = f"{version['standard_no']}-{version['standard_year']}"
            by_number.setdefault(str(version["standard_no"]), []).append(version)
            for row in rows:
                item = (str(version["standard_no"]), str(row["code"]))
                grade = f" ({row['grade']})" if row["grade"] else ""
                cells.setdefault(item, {})[key] = f"{row['limit_text']}{row['mark']}{grade}"
                names[item] = str(row["name"])
        columns: list[str] = []
        for number in sorted(by_number):
            for version in by_number[number]:
                dates = f"{version['effective_from'] or '—'} → {version['abolished_from'] or ''}"
                columns.append(f"{number}-{version['standard_year']}\n{dates}")
        keys = [c.split("\n")[0] for c in columns]
        self.versions_model.set_headers([self.tr("Item"), self.tr("Standard"), *columns])
        rows_out = []
        for item in sorted(cells, key=lambda k: (k[0], names[k])):
            rows_out.append((names[item], item[0], *[cells[item].get(k, "") for k in keys]))
        self.versions_model.set_rows(rows_out)

    # ----- the item's rule ------------------------------------------------------------

    def _can_edit_rules(self) -> bool:
        from labdesk.services.permissions import can

        ctx = self.session.context
        return ctx is not None and can(ctx.actor.role, "edit_library_rules")

    def selected_limit(self) -> dict[str, Any] | None:
        rows = self.limits_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._limit_items):
            return None
        return self._limit_items[rows[0].row()]

    def _enable_rule(self) -> None:
        allowed = self._can_edit_rules()
        self.rule_button.setEnabled(allowed and self.selected_limit() is not None)
        self.rule_button.setToolTip(
            "" if allowed else self.tr("Admins and technical managers edit the items' rules.")
        )

    def edit_rule(self) -> LibraryRuleDialog | None:
        """The rule editor for the chosen item of the class (non-blocking)."""
        item = self.selected_limit()
        if item is None or not self._can_edit_rules():
            return None
        code = self.selected_code()
        dialog = LibraryRuleDialog(self.session, item, code, self._tree.get(code).name, self)
        dialog.saved.connect(self._rule_saved)
        dialog.finished.connect(dialog.deleteLater)
        self.rule_dialog = dialog
        dialog.open()
        return dialog

    def _rule_saved(self) -> None:
        self.banner.show_info(self.tr("The rule is saved; samples already registered keep theirs."))
        self.session.notify_changed("standards")
        self._show_class()

    # ----- import ---------------------------------------------------------------------

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Limit table"),
            str(Path.home()),
            self.tr("Limit tables (*.csv *.xlsx)"),
        )
        if path:
            self.preview_import(Path(path))

    def preview_import(self, path: Path) -> LimitImportDialog:
        """Open the preview for `path` (non-blocking); Import there imports it."""
        self.banner.clear_message()
        dialog = LimitImportDialog(self.session, path, self)
        dialog.accepted.connect(lambda: self._import(dialog.table))
        dialog.finished.connect(dialog.deleteLater)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _import(self, table: Any) -> None:
        """Load the validated table on the writer pool (one audited transaction)."""
        from labdesk.services import food_imports
        from labdesk.ui.operations import TaskState, run_operation

        if table is None:
            return
        ctx = self.session.context
        if ctx is None:
            self.banner.show_error(self.tr("Sign in first."))
            return

        def work(state: TaskState) -> Any:
            state.check()  # the import itself is one transaction: cancel before it only
            return food_imports.import_limits(ctx, table)

        self.import_button.setEnabled(False)
        self.import_operation = run_operation(
            self,
            work,
            label=self.tr("Importing the limit table…"),
            on_success=self._imported,
            on_failure=self._import_failed,
            writes=True,
        )

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        if isinstance(exc, LabDeskError):
            from labdesk.ui.errors import error_text

            self.banner.show_error(error_text(exc))
            return
        from labdesk.ui.errors import error_text  # logs the bug with its trace

        self.banner.show_error(self.tr("The import failed: {0}").format(error_text(exc)))

    def _imported(self, outcome: Any) -> None:
        self.import_button.setEnabled(True)
        if not outcome.changed:
            self.banner.show_info(
                self.tr("No change: the library already holds {0}.").format(
                    ", ".join(outcome.unchanged)
                )
            )
            return
        self.banner.show_info(
            self.tr("Imported {0} ({1} limit rows).").format(
                ", ".join(outcome.loaded), outcome.rows
            )
        )
        self.session.notify_changed("standards")
        self.reload()
