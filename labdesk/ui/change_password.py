"""Change my password: old password, new one twice, from the main window's File menu.

Any signed-in person may change their own password; `services.auth.change_own_password`
checks the old one (a wrong one counts towards the lockout) and the password rule, and
stores a fresh argon2id hash. The dialog only says, in the interface language, what the
service refused, next to nothing else: the fields stay as typed except the wrong one.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.ui.errors import error_text
from labdesk.ui.session import UiSession


class ChangePasswordDialog(QDialog):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("change_password")
        self.setWindowTitle(self.tr("Change my password"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Signed in as {0}.").format(session.display_name or session.user_name))
        )
        form = QFormLayout()
        self.old = self._secret("old_password")
        self.new = self._secret("new_password")
        self.again = self._secret("new_password_again")
        form.addRow(self.tr("&Current password:"), self.old)
        form.addRow(self.tr("&New password:"), self.new)
        form.addRow(self.tr("New password &again:"), self.again)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("change_password_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Change password"))
        ok.setObjectName("change_password_button")
        buttons.accepted.connect(self.try_change)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.old.setFocus()

    @staticmethod
    def _secret(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _refusal(self, exc: ValidationError) -> tuple[str, QLineEdit]:
        """What the service refused, in the interface language, and the field to fix."""
        from labdesk.services.auth import MIN_PASSWORD, WrongOldPassword

        if isinstance(exc, WrongOldPassword):
            return (
                self.tr(
                    "The current password is wrong; {0} attempt(s) left before the account "
                    "is locked."
                ).format(exc.attempts_left),
                self.old,
            )
        if exc.field == "old_password":
            return self.tr("Enter your current password."), self.old
        if exc.rule == "min_length":
            return (
                self.tr("The new password needs at least {0} characters.").format(MIN_PASSWORD),
                self.new,
            )
        if exc.rule == "unchanged":
            return self.tr("The new password must differ from the current one."), self.new
        return error_text(exc), self.new

    def try_change(self) -> None:
        from labdesk.services import auth

        if self.new.text() != self.again.text():
            self.message.setText(self.tr("The two new passwords differ: type the same one twice."))
            self.again.selectAll()
            self.again.setFocus()
            return
        try:
            auth.change_own_password(self.session.context, self.old.text(), self.new.text())
        except ValidationError as exc:
            text, field = self._refusal(exc)
            self.message.setText(text)
            field.selectAll()
            field.setFocus()
            return
        except auth.AccountLocked as exc:
            self.message.setText(
                self.tr(
                    "Too many wrong passwords: the account is locked until {0}. Ask an "
                    "administrator to unlock it."
                ).format(exc.until.astimezone().strftime("%H:%M"))
            )
            return
        except LabDeskError as exc:  # e.g. disabled meanwhile: say it as the service does
            self.message.setText(error_text(exc))
            return
        self.accept()
