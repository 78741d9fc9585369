"""Tasks (抽检任务): the sampling tasks, their progress, and the samples of each.

The top table lists every task with its sample counts by stage; selecting one shows its
samples below (the same lazy list as the samples screen). "My work" counts what waits
for the signed-in user's role. Managers create tasks here; the service decides who may.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.ui import grid_data
from labdesk.ui.labels import state_title
from labdesk.ui.samples import SampleTable
from labdesk.ui.session import UiSession

# What each role works on next (counted for "My work").
ROLE_QUEUES = {
    "technician": ("registered", "received", "testing", "returned"),
    "reviewer": ("submitted",),
    "manager": ("reviewed", "approved"),
    "admin": (),
}


def task_counts(db: Any) -> dict[int, dict[str, int]]:
    """Per task: sample count by state (one grouped query)."""
    counts: dict[int, dict[str, int]] = {}
    for row in db.query(
        "SELECT task_id, state, count(*) FROM samples WHERE task_id IS NOT NULL "
        "GROUP BY task_id, state"
    ):
        counts.setdefault(int(row[0]), {})[str(row[1])] = int(row[2])
    return counts


class TaskDialog(QDialog):
    """A new sampling task (manager): number, source, category, plan, deadline."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task_id: int | None = None
        self.setWindowTitle(self.tr("New sampling task"))
        form = QFormLayout(self)
        self.task_no = QLineEdit()
        self.task_no.setObjectName("task_no")
        self.source = QLineEdit()
        self.source.setObjectName("task_source")
        self.source.setPlaceholderText(self.tr("e.g. 安徽省市场监督管理局"))
        self.category = QComboBox()
        self.category.setObjectName("task_category")
        from labdesk.store.schema import TASK_CATEGORIES

        self.category.addItems(list(TASK_CATEGORIES))
        self.plan = QLineEdit()
        from labdesk.store.schema import TASK_LEVELS, TASK_PURPOSES

        # 检验目的, organising level, and which law's clocks apply (issue 17).
        self.purpose = QComboBox()
        self.purpose.setObjectName("task_purpose")
        self.purpose.addItem(self.tr("(not given)"), "")
        for purpose in TASK_PURPOSES:
            self.purpose.addItem(purpose, purpose)
        self.org_level = QComboBox()
        self.org_level.setObjectName("task_org_level")
        self.org_level.addItem(self.tr("(not given)"), "")
        for level in TASK_LEVELS:
            self.org_level.addItem(level, level)
        self.food = QCheckBox(self.tr("Food sampling (working-day clocks of SAMR Order 15)"))
        self.food.setObjectName("task_food")
        self.deadline = QDateEdit(QDate.currentDate().addDays(60))
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("Task number"), self.task_no)
        form.addRow(self.tr("Task source"), self.source)
        form.addRow(self.tr("Task category"), self.category)
        form.addRow(self.tr("Plan"), self.plan)
        form.addRow(self.tr("Purpose (检验目的)"), self.purpose)
        form.addRow(self.tr("Organising level"), self.org_level)
        form.addRow(self.food)
        form.addRow(self.tr("Deadline"), self.deadline)
        self.error = QLabel()
        self.error.setObjectName("task_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        from labdesk.services import tasks

        d = self.deadline.date()
        form = tasks.TaskForm(
            task_no=self.task_no.text(),
            source=self.source.text(),
            category=self.category.currentText(),
            plan=self.plan.text(),
            deadline=date(d.year(), d.month(), d.day()),
            purpose=str(self.purpose.currentData() or ""),
            org_level=str(self.org_level.currentData() or ""),
            food=self.food.isChecked(),
        )
        try:
            self.task_id = tasks.create_task(self.session.context, form)
        except ValidationError as exc:
            from labdesk.ui.errors import error_text

            self.error.setText(error_text(exc))
            return
        except LabDeskError as exc:
            from labdesk.ui.errors import error_text

            self.error.setText(error_text(exc))
            return
        self.session.notify_changed("tasks")
        self.accept()


class TasksScreen(QWidget):
    COLUMN_COUNT = 9

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_tasks")
        self.my_work = QLabel()
        self.my_work.setObjectName("tasks_my_work")
        self.my_work.setTextFormat(Qt.TextFormat.RichText)
        self.new_button = QPushButton(self.tr("New &task…"))
        self.new_button.setObjectName("tasks_new")
        self.new_button.clicked.connect(self.new_task)
        self.table = QTableWidget(0, self.COLUMN_COUNT)
        self.table.setObjectName("tasks_table")
        self.table.setHorizontalHeaderLabels(list(self._titles()))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((150, 220, 90, 100, 70, 80, 80, 80)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.itemSelectionChanged.connect(self._task_selected)
        self.samples = SampleTable(session, self)
        self.samples.setObjectName("tasks_samples")

        top = QHBoxLayout()
        top.addWidget(self.my_work, 1)
        top.addWidget(self.new_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.samples)
        splitter.setSizes([300, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._task_ids: list[int] = []
        self.refresh()

    def _titles(self) -> tuple[str, ...]:
        # Literal tr() calls so lupdate finds them.
        return (
            self.tr("Task no."),
            self.tr("Source"),
            self.tr("Category"),
            self.tr("Deadline"),
            self.tr("Samples"),
            self.tr("In testing"),
            self.tr("To review"),
            self.tr("Approved"),
            self.tr("Exported"),
        )

    def refresh(self) -> None:
        from labdesk.services import queries, tasks

        self.table.setHorizontalHeaderLabels(list(self._titles()))
        by_state = queries.count_by_state(self.session.db)
        role = self.session.role
        waiting = sum(by_state.get(s, 0) for s in ROLE_QUEUES.get(role, ()))
        parts = [
            f"{state_title(s)}: <b>{by_state.get(s, 0)}</b>" for s in ROLE_QUEUES.get(role, ())
        ]
        self.my_work.setText(
            self.tr("My work — {0} waiting").format(waiting)
            + ("  ·  " + "  ·  ".join(parts) if parts else "")
        )
        selected = self._selected_task()
        rows = tasks.list_tasks(self.session.db)
        counts = task_counts(self.session.db)
        self._task_ids = [int(r["id"]) for r in rows]
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for row, task in enumerate(rows):
            c = counts.get(int(task["id"]), {})
            values = (
                task["task_no"],
                task["source"],
                task["category"],
                task["deadline"] or "",
                sum(c.values()),
                sum(c.get(s, 0) for s in ("registered", "received", "testing", "returned")),
                sum(c.get(s, 0) for s in ("submitted", "reviewed")),
                c.get("approved", 0),
                c.get("exported", 0),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(str(value)))
        self.table.blockSignals(False)
        if self._task_ids:
            target = self._task_ids.index(selected) if selected in self._task_ids else 0
            self.table.selectRow(target)
        self._task_selected()

    def _selected_task(self) -> int | None:
        row = self.table.currentRow()
        return self._task_ids[row] if 0 <= row < len(self._task_ids) else None

    def _task_selected(self) -> None:
        task_id = self._selected_task()
        self.samples.sample_model.set_query(grid_data.SampleQuery(task_id=task_id))

    def new_task(self) -> None:
        dialog = TaskDialog(self.session, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
