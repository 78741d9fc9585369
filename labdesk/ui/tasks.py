"""Tasks (抽检任务): the sampling tasks, their progress, and the samples of each.

The top table lists every task with its sample counts by stage; selecting one shows its
samples below (the same lazy list as the samples screen). "My work" counts what waits
for the signed-in user's role. Managers create tasks here; the service decides who may.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from labdesk.ui import grid_data
from labdesk.ui.inline_message import InlineMessage  # not the entry screen's module
from labdesk.ui.labels import state_title
from labdesk.ui.samples import SampleTable
from labdesk.ui.server_notice import ReadNotice
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
        self.table.itemSelectionChanged.connect(lambda: self.read_notice.read(self._task_selected))
        self.samples = SampleTable(session, self)
        self.samples.setObjectName("tasks_samples")
        self.message = InlineMessage(self)
        self.message.setObjectName("tasks_message")
        self.read_notice: ReadNotice = ReadNotice(self.message)

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
        layout.addWidget(self.message)
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
        """Read again; a server away leaves what is shown and says so (server_notice)."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
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
        from labdesk.ui.task_dialog import TaskDialog

        dialog = TaskDialog(self.session, self)
        if dialog.exec() == TaskDialog.DialogCode.Accepted:
            self.refresh()


def __getattr__(name: str) -> Any:
    # `from labdesk.ui.tasks import TaskDialog` keeps working; imported on first use.
    if name == "TaskDialog":
        from labdesk.ui.task_dialog import TaskDialog

        return TaskDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
