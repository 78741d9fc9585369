"""The item template of a food class, on the Standards screen's food tab (issue 15 §3).

A template is the list of items a supervision plan tests for a class, each with its
method; registering a sample of the class (or of a class below it without a template of
its own) proposes these items, and the technician may untick or add others with a reason.
The panel lists every item applicable to the chosen class on the chosen date, ticked when
the template in force for the class has it, with the template's method; a template entry
that no limit in force matches is listed too, so that saving does not drop it unseen.

Saving makes the ticked items the class's own template (`food_library.set_template`:
admins and managers; an audited replacement, the old rows kept inactive). "Use the
inherited template" clears the class's own, so the nearest ancestor's applies again.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.core.food_limits import standard_kind
from labdesk.ui.manager_widgets import MessageBanner
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

KEY_ROLE = Qt.ItemDataRole.UserRole
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1  # the template entry's own source, kept on save
#: The source of an entry ticked here (stored data, the same in either UI language).
EDITED_SOURCE = "标准库界面编辑 (edited on the Standards screen)"
COL_TICK, COL_ITEM, COL_STANDARD, COL_CODE, COL_METHOD, COL_SOURCE = range(6)
EDIT_ROLES = ("admin", "manager")


class FoodTemplatePanel(QWidget):
    """Tick the items the class's plan tests, set their methods, save."""

    saved = Signal(str)  # the class whose template was written

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("food_template")
        self.class_code = ""
        self.owner = ""  # the class whose template applies ("" = none)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.banner = MessageBanner(self)
        layout.addWidget(self.banner)
        self.owner_label = QLabel(self)
        self.owner_label.setObjectName("food_template_owner")
        self.owner_label.setWordWrap(True)
        layout.addWidget(self.owner_label)
        self.table = QTableWidget(0, 6, self)
        self.table.setObjectName("food_template_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("In template"),
                self.tr("Item"),
                self.tr("Standard"),
                self.tr("Item code"),
                self.tr("Test method (double-click to edit)"),
                self.tr("Limit and source"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setColumnWidth(COL_TICK, 90)
        self.table.setColumnWidth(COL_ITEM, 150)
        self.table.setColumnWidth(COL_METHOD, 220)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save as this class's template"), self)
        self.save_button.setObjectName("food_template_save")
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton(self.tr("Use the inherited template"), self)
        self.clear_button.setObjectName("food_template_clear")
        self.clear_button.clicked.connect(self.clear_own)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self._enable()

    # ----- showing --------------------------------------------------------------------

    def _can_edit(self) -> bool:
        ctx = self.session.context
        return ctx is not None and ctx.actor.role in EDIT_ROLES

    def _enable(self) -> None:
        editable = bool(self.class_code) and self._can_edit()
        self.save_button.setEnabled(editable)
        self.clear_button.setEnabled(editable and self.owner == self.class_code)
        self.save_button.setToolTip(
            "" if self._can_edit() else self.tr("Admins and managers edit item templates.")
        )

    def show_class(self, code: str, on: date, composed: list[dict[str, Any]]) -> None:
        """List the items applicable to `code` on `on` (`composed`), ticked per template."""
        from labdesk.services import food_library

        self.class_code = code
        self.owner, entries = food_library.template_for(self.session.db, code) if code else ("", [])
        wanted = {
            food_library.item_key(str(e["standard_no"]), str(e["item_code"])): e for e in entries
        }
        rows: list[tuple[bool, str, str, str, str, str, str, str]] = []
        for item in composed:
            entry = wanted.pop(item["key"], None)
            method = str(entry["test_method"]) if entry and entry["test_method"] else ""
            limit = f"{item['limit_text']} {item['unit']}".strip()
            rows.append(
                (
                    entry is not None,
                    str(item["name"]),
                    str(item["standard_no"]),
                    str(item["code"]),
                    method or str(item.get("test_method") or ""),
                    f"{limit} — {item['source']}",
                    str(item["key"]),
                    str(entry["source"]) if entry else "",
                )
            )
        for key, entry in wanted.items():  # in the template, not among the limits listed
            number = str(entry["standard_no"])
            if standard_kind(number) == "product":
                why = self.tr(
                    "product standard: proposed when the label's 执行标准 names {0} "
                    "(graded limits: for the label's 质量等级)"
                ).format(number)
            else:
                why = self.tr("no limit of this item applies to the class on {0}").format(on)
            rows.append(
                (
                    True,
                    str(entry["item_code"]),
                    number,
                    str(entry["item_code"]),
                    str(entry["test_method"] or ""),
                    why,
                    key,
                    str(entry["source"]),
                )
            )
        self.table.setRowCount(0)
        self.table.setRowCount(len(rows))
        for r, (ticked, name, standard, item_code, method, source, key, own) in enumerate(rows):
            tick = QTableWidgetItem()
            tick.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            tick.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            tick.setData(KEY_ROLE, key)
            tick.setData(SOURCE_ROLE, own)
            self.table.setItem(r, COL_TICK, tick)
            for column, text in (
                (COL_ITEM, name),
                (COL_STANDARD, standard),
                (COL_CODE, item_code),
                (COL_SOURCE, source),
            ):
                cell = QTableWidgetItem(text)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(r, column, cell)
            editable = QTableWidgetItem(method)
            editable.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable
            )
            self.table.setItem(r, COL_METHOD, editable)
        self._show_owner()
        self._enable()

    def _show_owner(self) -> None:
        if not self.class_code:
            self.owner_label.setText(self.tr("Choose a class."))
        elif not self.owner:
            self.owner_label.setText(
                self.tr(
                    "No template applies: registering a sample of this class proposes every "
                    "applicable item. Tick the items the plan tests and save."
                )
            )
        elif self.owner == self.class_code:
            self.owner_label.setText(self.tr("The class's own template (ticked below)."))
        else:
            self.owner_label.setText(
                self.tr(
                    "Inherited from {0}: saving here gives this class a template of its own."
                ).format(self._class_text(self.owner))
            )

    def _class_text(self, code: str) -> str:
        from labdesk.services import food_library

        try:
            return f"{food_library.load_tree(self.session.db).get(code).name} ({code})"
        except LabDeskError:
            return code

    # ----- saving ---------------------------------------------------------------------

    def ticked_entries(self) -> list[dict[str, str]]:
        entries = []
        for r in range(self.table.rowCount()):
            tick = self.table.item(r, COL_TICK)
            if tick is None or tick.checkState() != Qt.CheckState.Checked:
                continue
            entries.append(
                {
                    "standard_no": self._text(r, COL_STANDARD),
                    "item_code": self._text(r, COL_CODE),
                    "test_method": self._text(r, COL_METHOD),
                    "source": tick.data(SOURCE_ROLE) or EDITED_SOURCE,
                }
            )
        return entries

    def _text(self, row: int, column: int) -> str:
        cell = self.table.item(row, column)
        return "" if cell is None else cell.text().strip()

    def save(self) -> None:
        entries = self.ticked_entries()
        if not entries:
            self.banner.show_error(
                self.tr("Tick at least one item, or use the inherited template.")
            )
            return
        self._write(entries, self.tr("Saved the template of {0}: {1} items."))

    def clear_own(self) -> None:
        self._write([], self.tr("{0} has no template of its own now: the inherited one applies."))

    def _write(self, entries: list[dict[str, str]], done: str) -> None:
        from labdesk.services import food_library

        ctx = self.session.context
        if ctx is None or not self.class_code:
            self.banner.show_error(self.tr("Sign in first."))
            return
        try:
            count = food_library.set_template(ctx, self.class_code, entries)
        except LabDeskError as exc:
            from labdesk.ui.errors import error_text

            self.banner.show_error(error_text(exc))
            return
        except Exception as exc:  # a bug: logged with its trace, said plainly
            from labdesk.ui.errors import error_text  # logs the bug with its trace

            self.banner.show_error(self.tr("Saving failed: {0}").format(error_text(exc)))
            return
        self.banner.show_info(done.format(self._class_text(self.class_code), count))
        self.saved.emit(self.class_code)
        self.session.notify_changed("standards")
