"""The new sampling task dialog (manager) of the Tasks screen.

Its own module so that the Tasks screen — the main window's first screen — does not
create the form's widget types (date edit, spin box, check box, their enums) before they
are used: the dialog is imported when "New task…" is clicked (docs/performance.md).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.ui.session import UiSession


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
