"""A registered sample's test items: add one (food samples) or remove one, with a reason.

Issue 15 item 3. The dialog only shows and collects: what may be added (the items the
food library composes for the sample's class, not on it), and whether an item may go
(state, result, run, last item) are the service's (`services.item_changes`), whose
refusal is shown under the table as it said it. A removed item stays listed, greyed,
with its reason: it is kept on the record, out of the results and the report.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.errors import user_message
from labdesk.ui.session import UiSession

COLUMNS = 6
COL_SEQ, COL_NAME, COL_LIMIT, COL_UNIT, COL_STANDARD, COL_STATUS = range(COLUMNS)


class SampleItemsDialog(QDialog):
    """Non-modal; `changed` after each accepted addition or removal."""

    changed = Signal()

    def __init__(self, session: UiSession, sample_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.sample_id = sample_id
        self.setObjectName("sample_items_dialog")
        self.sample: dict[str, Any] = dict(
            session.db.query_one("SELECT * FROM samples WHERE id = ?", [sample_id]) or {}
        )
        self.setWindowTitle(self.tr("Test items of sample {0}").format(self.sample["sample_no"]))
        explanation = QLabel(
            self.tr(
                "Items can be added or removed until the sample is submitted for review. "
                "A reason is required and kept in the audit trail. An item with a result "
                "cannot be removed; a removed item stays on the record, out of the report."
            ),
            self,
        )
        explanation.setWordWrap(True)
        self.table = QTableWidget(0, COLUMNS, self)
        self.table.setObjectName("sample_items_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("No."),
                self.tr("Item"),
                self.tr("Limit"),
                self.tr("Unit"),
                self.tr("Standard"),
                self.tr("Status"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(COL_SEQ, 50)
        self.table.setColumnWidth(COL_NAME, 160)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("items_change_reason")
        self.reason.setPlaceholderText(self.tr("Reason for the change (required)"))
        reason_label = QLabel(self.tr("&Reason:"), self)
        reason_label.setBuddy(self.reason)
        self.remove_button = QPushButton(self.tr("Re&move the selected item"), self)
        self.remove_button.setObjectName("items_remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.add_choice = QComboBox(self)
        self.add_choice.setObjectName("items_add_choice")
        self.add_button = QPushButton(self.tr("&Add this item"), self)
        self.add_button.setObjectName("items_add")
        self.add_button.clicked.connect(self.add_chosen)
        self.message = QLabel(self)
        self.message.setObjectName("items_message")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        reason_row = QHBoxLayout()
        reason_row.addWidget(reason_label)
        reason_row.addWidget(self.reason, 1)
        reason_row.addWidget(self.remove_button)
        add_row = QHBoxLayout()
        add_row.addWidget(QLabel(self.tr("Add:"), self))
        add_row.addWidget(self.add_choice, 1)
        add_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addLayout(reason_row)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reason.textChanged.connect(self._enable)
        self.table.itemSelectionChanged.connect(self._enable)
        self.resize(760, 480)
        self.reload()

    # ----- showing --------------------------------------------------------------------

    def reload(self) -> None:
        from labdesk.services.item_changes import addable_items

        db = self.session.db
        self.sample = dict(
            db.query_one("SELECT * FROM samples WHERE id = ?", [self.sample_id]) or {}
        )
        rows = db.query(
            "SELECT si.id, si.seq, si.name, si.limit_text, si.unit, si.standard_no, "
            "si.standard_year, si.withdrawn_at, si.withdrawn_reason, EXISTS (SELECT 1 FROM "
            "results r WHERE r.sample_item_id = si.id) AS has_result FROM sample_items si "
            "WHERE si.sample_id = ? ORDER BY si.seq",
            [self.sample_id],
        )
        self.table.setRowCount(len(rows))
        self._ids: list[int] = []
        self._live: list[bool] = []
        for r, row in enumerate(rows):
            withdrawn = row["withdrawn_at"] is not None
            if withdrawn:
                status = self.tr("Removed: {0}").format(row["withdrawn_reason"])
            elif row["has_result"]:
                status = self.tr("Has a result")
            else:
                status = self.tr("To be tested")
            standard = f"{row['standard_no']}-{row['standard_year']}".strip("-")
            texts = (
                str(row["seq"]),
                str(row["name"]),
                str(row["limit_text"]),
                str(row["unit"]),
                standard,
                status,
            )
            for c, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                if withdrawn:
                    font = cell.font()
                    font.setStrikeOut(c == COL_NAME)
                    cell.setFont(font)
                    cell.setForeground(self.palette().placeholderText())
                self.table.setItem(r, c, cell)
            self._ids.append(int(row["id"]))
            self._live.append(not withdrawn)
        self.add_choice.clear()
        if self.sample.get("food_class_code"):
            for key, item in addable_items(db, self.sample).items():
                label = f"{item['name']} {item['limit_text']} {item['unit']}".strip()
                self.add_choice.addItem(f"{label} — {item.get('source') or key}", key)
            if not self.add_choice.count():
                self.add_choice.addItem(self.tr("(every applicable item is on the sample)"), "")
        else:
            self.add_choice.addItem(
                self.tr("(items are added from the food library: food samples only)"), ""
            )
        self._enable()

    def selected_item_id(self) -> int | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self._ids[row] if self._live[row] else None

    def _enable(self) -> None:
        reason = bool(self.reason.text().strip())
        self.remove_button.setEnabled(reason and self.selected_item_id() is not None)
        self.add_button.setEnabled(reason and bool(self.add_choice.currentData()))

    # ----- changing -------------------------------------------------------------------

    def remove_selected(self) -> bool:
        from labdesk.services.item_changes import withdraw_item

        item_id = self.selected_item_id()
        if item_id is None:
            self.message.setText(self.tr("Select an item that is still to be tested."))
            return False
        name = self.table.item(self._ids.index(item_id), COL_NAME)
        try:
            withdraw_item(self.session.context, item_id, self.reason.text())
        except LabDeskError as exc:
            self.message.setText(self.tr("Not removed: {0}").format(user_message(exc)))
            return False
        self._done(self.tr("Removed {0}.").format(name.text() if name else ""))
        return True

    def add_chosen(self) -> bool:
        from labdesk.services.item_changes import add_food_item

        key = self.add_choice.currentData()
        if not key:
            return False
        label = self.add_choice.currentText()
        try:
            add_food_item(self.session.context, self.sample_id, str(key), self.reason.text())
        except LabDeskError as exc:
            self.message.setText(self.tr("Not added: {0}").format(user_message(exc)))
            return False
        self._done(self.tr("Added {0}.").format(label))
        return True

    def _done(self, text: str) -> None:
        self.reason.clear()
        self.reload()
        self.message.setText(text)
        self.session.notify_changed("samples")
        self.changed.emit()
