"""The sign-in dialog: username and password, the service's refusal shown in place.

Wrong passwords and locked accounts are decided by `services.auth.sign_in` (five
failures lock the account for 15 minutes); the dialog only shows its message. On a demo
database the demo accounts are listed; double-clicking one fills the form.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.roles import role_title
from labdesk.ui.session import UiSession
from labdesk.ui.signed_in import apply_sign_in, display_name_of

log = logging.getLogger(__name__)

__all__ = ["LAST_USER_KEY", "SignInDialog", "apply_sign_in", "display_name_of", "escape_html"]

LAST_USER_KEY = "signin/last_user"


def escape_html(text: str) -> str:
    """`html.escape` without quotes (for element text): the `html` module costs ~2 ms of
    the sign-in window's start (its entity table), for three replacements."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SignInDialog(QDialog):
    def __init__(
        self, session: UiSession, *, show_demo_accounts: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("sign_in")
        self.setWindowTitle(self.tr("LabDesk — sign in"))
        self.setMinimumWidth(460)

        layout = QVBoxLayout(self)
        centre = self._centre_name()
        # Rich text by Qt's own detection (the default), so that showing this window does
        # not build PySide's whole `Qt` namespace (~30 ms of start-up; docs/performance.md).
        heading = QLabel(f"<h2>{escape_html(centre)}</h2>" if centre else "<h2>LabDesk</h2>")
        layout.addWidget(heading)
        layout.addWidget(QLabel(self.tr("Database: {0}").format(session.db_path)))

        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setText(str(session.settings.value(LAST_USER_KEY, "", type=str)))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Username"), self.username)
        form.addRow(self.tr("&Password"), self.password)
        layout.addLayout(form)

        self.message = QLabel()
        self.message.setObjectName("sign_in_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.message)

        self.demo_table: QTableWidget | None = None
        if show_demo_accounts:
            self._add_demo_accounts(layout)

        # setStandardButtons, not the constructor: resolving the constructor's overloads
        # (one takes a Qt.Orientation) builds PySide's whole `Qt` namespace, ~20–30 ms.
        buttons = QDialogButtonBox()
        buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Sign in"))
        ok.setObjectName("sign_in_button")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if self.username.text() else self.username).setFocus()

    def _centre_name(self) -> str:
        try:
            from labdesk.services import auth

            centre = auth.centre(self.session.db)
        except LabDeskError:
            return ""
        return str(centre.get("name", "")) if centre else ""

    def _add_demo_accounts(self, layout: QVBoxLayout) -> None:
        from labdesk.services import auth

        accounts = auth.demo_accounts(self.session.db)
        if not accounts:
            return
        note = QLabel(
            self.tr("Demo database — these accounts exist (double-click one to fill in):")
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        table = QTableWidget(len(accounts), 3)
        table.setObjectName("demo_accounts")
        table.setHorizontalHeaderLabels([self.tr("Username"), self.tr("Password"), self.tr("Role")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, (username, password, role) in enumerate(accounts):
            for col, text in enumerate((username, password, role_title(role))):
                table.setItem(row, col, QTableWidgetItem(text))
        table.horizontalHeader().setStretchLastSection(True)
        table.setMaximumHeight(40 + 30 * len(accounts))
        table.cellDoubleClicked.connect(self._fill_demo)
        layout.addWidget(table)
        self.demo_table = table
        self._demo_accounts = accounts
        from labdesk.batch.demo_passphrase import DEMO_KEY_PASSPHRASE  # demo databases only

        # Exporting a batch also asks for the signing key's passphrase: say it here too.
        self.demo_passphrase = QLabel(
            self.tr("Signing-key passphrase (to export batches): {0}").format(DEMO_KEY_PASSPHRASE)
        )
        self.demo_passphrase.setObjectName("demo_passphrase")
        layout.addWidget(self.demo_passphrase)

    def _fill_demo(self, row: int, _column: int) -> None:
        username, password, _role = self._demo_accounts[row]
        self.username.setText(username)
        self.password.setText(password)
        self.password.setFocus()

    def try_sign_in(self) -> None:
        from labdesk.services import auth

        username = self.username.text().strip()
        if not username:
            self.message.setText(self.tr("Enter your username."))
            self.username.setFocus()
            return
        try:
            context = auth.sign_in(self.session.db, username, self.password.text())
        except LabDeskError as exc:
            from labdesk.ui.errors import error_text

            self.message.setText(error_text(exc))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.session.settings.setValue(LAST_USER_KEY, username)
        apply_sign_in(self.session, context)
        self.accept()
