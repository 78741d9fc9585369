"""Authorization per method (授权) of the user selected on the Users screen.

Lists the user's current grants (testing by a method; signing reports measured by it)
and grants or withdraws one. The technical manager (manager role) and the administrator
may; anyone else is refused by `services.authorization`, and the refusal shows here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from labdesk.services import authorization, methods
from labdesk.ui.run_dialogs import _ServiceDialog
from labdesk.ui.session import UiSession


class AuthorizationPanel(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("authorization_panel")
        self.user_id: int | None = None
        self.dialog: _ServiceDialog | None = None
        self.title = QLabel()
        self.title.setObjectName("authorization_title")
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("authorization_table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Method"), self.tr("Authorized for"), self.tr("Since"), self.tr("Granted by")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.grant_button = QPushButton(self.tr("Authorize for a method…"))
        self.grant_button.setObjectName("authorization_grant")
        self.grant_button.clicked.connect(self.start_grant)
        self.revoke_button = QPushButton(self.tr("Withdraw…"))
        self.revoke_button.setObjectName("authorization_revoke")
        self.revoke_button.clicked.connect(self.start_revoke)
        self.message = QLabel()
        self.message.setObjectName("authorization_message")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        buttons.addWidget(self.grant_button)
        buttons.addWidget(self.revoke_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        self.show_user(None)

    def kind_text(self, kind: str) -> str:
        return self.tr("testing") if kind == "test" else self.tr("signing reports")

    def show_user(self, user_id: int | None, username: str = "") -> None:
        self.user_id = user_id
        self.grant_button.setEnabled(user_id is not None)
        self.revoke_button.setEnabled(user_id is not None)
        if user_id is None:
            self.title.setText(self.tr("Authorizations per method: select a user."))
            self.table.setRowCount(0)
            return
        self.title.setText(self.tr("Authorizations of {0} per method:").format(username))
        rows = authorization.authorizations(self.session.db, user_id)
        self.table.setRowCount(len(rows))
        for row, grant in enumerate(rows):
            cells = (
                f"{grant['method_code']} {grant['method_name']}",
                self.kind_text(str(grant["kind"])),
                str(grant["granted_at"])[:10],
                str(grant["granted_by"] or ""),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, int(grant["id"]))
                self.table.setItem(row, column, item)

    def _open(self, dialog: _ServiceDialog, done: str) -> _ServiceDialog:
        if self.dialog is not None:
            self.dialog.setParent(None)
        self.dialog = dialog
        user_id = self.user_id

        def finished() -> None:
            self.message.setText(done)
            self.session.notify_changed("users")
            self.show_user(user_id, self._username())

        dialog.accepted.connect(finished)
        dialog.open()
        return dialog

    def _username(self) -> str:
        if self.user_id is None:
            return ""
        row = self.session.db.query_one("SELECT username FROM users WHERE id = ?", (self.user_id,))
        return "" if row is None else str(row[0])

    def start_grant(self) -> _ServiceDialog | None:
        if self.user_id is None:
            return None
        user_id = self.user_id
        dialog = _ServiceDialog(self.tr("Authorize {0}").format(self._username()), self)
        dialog.setObjectName("authorization_dialog")
        method = QComboBox()
        method.setObjectName("authorization_method")
        for row in methods.list_methods(self.session.db):
            method.addItem(f"{row['code']} {row['name']}", row["code"])
        kind = QComboBox()
        kind.setObjectName("authorization_kind")
        kind.addItem(self.kind_text("test"), "test")
        kind.addItem(self.kind_text("sign"), "sign")
        reason = QLineEdit()
        reason.setObjectName("authorization_reason")
        dialog.form.addRow(self.tr("Method:"), method)
        dialog.form.addRow(self.tr("For:"), kind)
        dialog.form.addRow(self.tr("Basis (training, assessment):"), reason)

        def submit() -> int:
            code = method.currentData()
            if not code:
                raise LabDeskError(self.tr("There is no method to authorize for."))
            return authorization.grant(
                self.session.context, user_id, str(code), str(kind.currentData()), reason.text()
            )

        dialog.submit = submit
        return self._open(dialog, self.tr("Authorized."))

    def start_revoke(self) -> _ServiceDialog | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            self.message.setText(self.tr("Select an authorization first."))
            return None
        item = self.table.item(rows[0].row(), 0)
        assert item is not None
        grant_id = int(item.data(Qt.ItemDataRole.UserRole))
        dialog = _ServiceDialog(self.tr("Withdraw the authorization"), self)
        dialog.setObjectName("revoke_dialog")
        reason = QLineEdit()
        reason.setObjectName("authorization_reason")
        dialog.form.addRow(self.tr("Reason (required):"), reason)
        dialog.submit = lambda: authorization.revoke(self.session.context, grant_id, reason.text())
        return self._open(dialog, self.tr("Authorization withdrawn."))
