"""Users: the accounts of the centre, and the administrator's actions on them.

The table lists every user (users are never deleted, only deactivated). The actions —
add, change role, deactivate/reactivate, unlock, reset password — call the admin-only
services in `labdesk.services.auth`, which check the permission, validate the input and
audit the change. The buttons stay available to everyone on purpose: the service is what
enforces the rule, and a refusal is shown plainly under the table, so a non-admin sees
why nothing changed instead of a greyed-out button with no explanation.

Each action's dialog stays open when the service refuses the input: the message, naming
the field, appears under the fields and the field gets the focus. Passwords are typed
twice and never shown; their rules (length…) are the service's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.services import auth
from labdesk.store.schema import ROLES
from labdesk.ui.errors import error_text
from labdesk.ui.server_notice import ReadNotice
from labdesk.ui.session import UiSession

# Column widths (px): Fixed headers, the locked-until column stretches last.
COLUMN_WIDTHS = (140, 200, 110, 80, 170)


class UserActionDialog(QDialog):
    """A form whose OK calls a service; refused input keeps the dialog open.

    `submit(dialog)` reads the fields and calls the service; a `ValidationError` is
    shown under the fields naming the field (its label), any other `LabDeskError`
    (e.g. PermissionDenied) plainly; on success the dialog is accepted.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, str] = {}
        self.error = QLabel()
        self.error.setObjectName("user_dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._try_submit)
        self.buttons.rejected.connect(self.reject)
        self.submit: Callable[[UserActionDialog], None] | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    # ----- building ------------------------------------------------------------------

    def _add(self, field: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(f"user_{field}")
        self.fields[field] = widget
        self.labels[field] = label
        self.form.addRow(label, widget)

    def add_line(self, field: str, label: str, *, secret: bool = False) -> QLineEdit:
        edit = QLineEdit()
        if secret:
            # Never shown, never offered to the clipboard or an input method's history.
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._add(field, label, edit)
        return edit

    def add_role(self, field: str, label: str, choices: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        for code, text in choices:
            combo.addItem(text, code)
        self._add(field, label, combo)
        return combo

    def add_reason(self, field: str, label: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(70)
        self._add(field, label, edit)
        return edit

    # ----- reading ---------------------------------------------------------------------

    def text(self, field: str) -> str:
        widget = self.fields[field]
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        raise TypeError(field)

    # ----- submitting ------------------------------------------------------------------

    def show_field_error(self, field: str, message: str) -> None:
        label = self.labels.get(field)
        self.error.setText(f"{label.rstrip(':：')} — {message}" if label else message)
        widget = self.fields.get(field)
        if widget is not None:
            widget.setFocus()

    def _try_submit(self) -> None:
        if self.submit is None:
            self.accept()
            return
        try:
            self.submit(self)
        except ValidationError as exc:
            self.show_field_error(exc.field, error_text(exc))
            return
        except LabDeskError as exc:
            self.error.setText(error_text(exc))
            return
        self.accept()


class UsersScreen(QWidget):
    """The users table and the administrator's actions on the selected user."""

    # Emitted after `refresh()` reloaded the table (tests wait on it).
    refreshed = Signal()

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog: UserActionDialog | None = None
        self._users: list[dict[str, Any]] = []

        self.note = QLabel()
        self.note.setObjectName("users_note")
        self.note.setWordWrap(True)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("users_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Username"),
                self.tr("Display name"),
                self.tr("Role"),
                self.tr("Active"),
                self.tr("Locked until"),
                self.tr("Failed attempts"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)

        self.add_button = QPushButton(self.tr("Add user…"))
        self.role_button = QPushButton(self.tr("Change role…"))
        self.deactivate_button = QPushButton(self.tr("Deactivate…"))
        self.reactivate_button = QPushButton(self.tr("Reactivate…"))
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.password_button = QPushButton(self.tr("Reset password…"))
        self.add_button.clicked.connect(self.start_add)
        self.role_button.clicked.connect(self.start_change_role)
        self.deactivate_button.clicked.connect(lambda: self.start_set_active(False))
        self.reactivate_button.clicked.connect(lambda: self.start_set_active(True))
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.password_button.clicked.connect(self.start_reset_password)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.role_button,
            self.deactivate_button,
            self.reactivate_button,
            self.unlock_button,
            self.password_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.message = QLabel()
        self.read_notice = ReadNotice(self.message)
        self.message.setObjectName("users_message")
        self.message.setWordWrap(True)

        # Authorization per method (授权) of the selected user: services.authorization.
        from labdesk.ui.authorization_panel import AuthorizationPanel

        self.authorizations = AuthorizationPanel(session, self)
        self.table.itemSelectionChanged.connect(
            lambda: self.read_notice.read(self._show_authorizations)
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.authorizations)

        session.events.dataChanged.connect(self._on_data_changed)
        session.events.userChanged.connect(self.refresh)
        self.refresh()

    # ----- labels ------------------------------------------------------------------------

    def role_text(self, role: str) -> str:
        names = {
            "technician": self.tr("Technician"),
            "reviewer": self.tr("Reviewer"),
            "manager": self.tr("Manager"),
            "admin": self.tr("Administrator"),
        }
        return names.get(role, role)

    def role_choices(self) -> list[tuple[str, str]]:
        return [(role, self.role_text(role)) for role in ROLES]

    @staticmethod
    def locked_text(locked_until: str | None) -> str:
        """The local time a lock ends, or '' when there is none (an expired lock is none)."""
        if not locked_until:
            return ""
        until = datetime.fromisoformat(locked_until)
        if until <= datetime.now(UTC):
            return ""
        return until.astimezone().strftime("%Y-%m-%d %H:%M")

    # ----- loading -----------------------------------------------------------------------

    def _on_data_changed(self, topic: str) -> None:
        if topic in ("", "users"):
            self.refresh()

    def refresh(self) -> None:
        """Read again; a server away leaves what is shown and says so (server_notice)."""
        self.read_notice.read(self._read_rows)

    def _read_rows(self) -> None:
        selected = self.selected_user_id()
        self._users = auth.list_users(self.session.db)
        self.table.setRowCount(len(self._users))
        for row, user in enumerate(self._users):
            cells = (
                str(user["username"]),
                str(user["display_name"]),
                self.role_text(str(user["role"])),
                self.tr("Yes") if user["active"] else self.tr("No"),
                self.locked_text(user["locked_until"]),
                str(user["failed_attempts"]),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, int(user["id"]))
                if column == 5:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
            if user["id"] == selected:
                self.table.selectRow(row)
        self._show_authorizations()
        if self.session.role == "admin":
            self.note.setText(self.tr("Select a user, then an action. Every change is audited."))
        else:
            self.note.setText(
                self.tr(
                    "Read-only: only an administrator can add or change users. "
                    "Any change you try is refused."
                )
            )
        self.refreshed.emit()

    def _show_authorizations(self) -> None:
        user_id = self.selected_user_id()
        name = next((str(u["username"]) for u in self._users if u["id"] == user_id), "")
        self.authorizations.show_user(user_id, name)

    def select_user(self, username: str) -> None:
        for row, user in enumerate(self._users):
            if user["username"] == username:
                self.table.selectRow(row)
                return
        raise KeyError(username)

    def selected_user_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _selected_user(self) -> dict[str, Any] | None:
        user_id = self.selected_user_id()
        for user in self._users:
            if user["id"] == user_id:
                return user
        self.message.setText(self.tr("Select a user first."))
        return None

    def _context(self) -> Any:
        if self.session.context is None:
            self.message.setText(self.tr("Sign in first."))
        return self.session.context

    # ----- dialogs -----------------------------------------------------------------------

    def _open(self, dialog: UserActionDialog, done: str) -> UserActionDialog:
        # One dialog at a time, replaced (not deleteLater()-ed: see operations.ProgressHost
        # for the PySide6 crash a pending deferred delete could cause).
        if self.dialog is not None:
            self.dialog.setParent(None)  # now Python's: deleted with the reference
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._done(done))
        dialog.open()
        return dialog

    def _done(self, message: str) -> None:
        self.message.setText(message)
        self.refresh()
        self.session.notify_changed("users")

    def _check_twice(self, dialog: UserActionDialog) -> str:
        password = dialog.text("password")
        if password != dialog.text("password_again"):
            raise ValidationError(
                "password_again",
                "match",
                self.tr("the two passwords differ; type the same password twice"),
            )
        return password

    def start_add(self) -> UserActionDialog | None:
        """Open the Add user dialog (non-blocking; returned for tests)."""
        context = self._context()
        if context is None:
            return None
        dialog = UserActionDialog(self.tr("Add user"), self)
        dialog.setObjectName("add_user_dialog")
        dialog.add_line("username", self.tr("Username:"))
        dialog.add_line("display_name", self.tr("Display name:"))
        dialog.add_role("role", self.tr("Role:"), self.role_choices())
        dialog.add_line("password", self.tr("Password:"), secret=True)
        dialog.add_line("password_again", self.tr("Password again:"), secret=True)

        def submit(d: UserActionDialog) -> None:
            password = self._check_twice(d)
            auth.add_user(
                context, d.text("username"), d.text("display_name"), d.text("role"), password
            )

        dialog.submit = submit
        return self._open(dialog, self.tr("User added."))

    def start_change_role(self) -> UserActionDialog | None:
        context = self._context()
        user = self._selected_user() if context is not None else None
        if user is None:
            return None
        dialog = UserActionDialog(self.tr("Change the role of {0}").format(user["username"]), self)
        dialog.setObjectName("role_dialog")
        combo = dialog.add_role("role", self.tr("New role:"), self.role_choices())
        combo.setCurrentIndex(max(0, combo.findData(user["role"])))
        dialog.add_reason("reason", self.tr("Reason (required):"))
        user_id = int(user["id"])

        def submit(d: UserActionDialog) -> None:
            auth.set_user_role(context, user_id, d.text("role"), d.text("reason"))

        dialog.submit = submit
        return self._open(dialog, self.tr("Role changed."))

    def start_set_active(self, active: bool) -> UserActionDialog | None:
        context = self._context()
        user = self._selected_user() if context is not None else None
        if user is None:
            return None
        if active:
            title = self.tr("Reactivate {0}").format(user["username"])
            done = self.tr("User reactivated.")
        else:
            title = self.tr("Deactivate {0}").format(user["username"])
            done = self.tr("User deactivated: they can no longer sign in.")
        dialog = UserActionDialog(title, self)
        dialog.setObjectName("active_dialog")
        dialog.add_reason("reason", self.tr("Reason (required):"))
        user_id = int(user["id"])

        def submit(d: UserActionDialog) -> None:
            auth.set_user_active(context, user_id, active, d.text("reason"))

        dialog.submit = submit
        return self._open(dialog, done)

    def start_reset_password(self) -> UserActionDialog | None:
        context = self._context()
        user = self._selected_user() if context is not None else None
        if user is None:
            return None
        dialog = UserActionDialog(self.tr("New password for {0}").format(user["username"]), self)
        dialog.setObjectName("password_dialog")
        dialog.add_line("password", self.tr("New password:"), secret=True)
        dialog.add_line("password_again", self.tr("New password again:"), secret=True)
        user_id = int(user["id"])

        def submit(d: UserActionDialog) -> None:
            auth.set_password(context, user_id, self._check_twice(d))

        dialog.submit = submit
        return self._open(dialog, self.tr("Password changed."))

    def unlock_selected(self) -> bool:
        """Lift the selected user's lockout (no dialog: nothing to type)."""
        context = self._context()
        user = self._selected_user() if context is not None else None
        if user is None:
            return False
        try:
            auth.unlock_user(context, int(user["id"]))
        except LabDeskError as exc:
            self.message.setText(self.tr("Refused: {0}").format(error_text(exc)))
            return False
        self._done(self.tr("{0} unlocked.").format(user["username"]))
        return True
