"""First run: a wizard that creates the centre profile and its administrator.

The rules (password length, region code, one centre per database) live in
`services.auth.setup_centre`; the pages only check what they can as the user types so
the Next button is never a surprise, and show the service's refusal if it still comes.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.errors import error_text
from labdesk.ui.session import UiSession

MIN_PASSWORD = 8
_REGION = re.compile(r"^\d{6}$")


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    return label


class CentrePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Your inspection centre"))
        self.setSubTitle(
            self.tr("LabDesk keeps one centre per database. These appear on reports and batches.")
        )
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setObjectName("centre_name")
        self.name.setPlaceholderText(self.tr("e.g. 某某县产品质量监督检验中心"))
        self.code = QLineEdit()
        self.code.setObjectName("centre_code")
        self.code.setPlaceholderText(self.tr("short code used in sample and batch numbers"))
        self.region = QLineEdit()
        self.region.setObjectName("centre_region")
        self.region.setMaxLength(6)
        self.region.setPlaceholderText(self.tr("6-digit administrative division, e.g. 340100"))
        form.addRow(self.tr("Centre name"), self.name)
        form.addRow(self.tr("Centre code"), self.code)
        form.addRow(self.tr("Region code (GB/T 2260)"), self.region)
        self.error = _error_label()
        form.addRow(self.error)
        for edit in (self.name, self.code, self.region):
            edit.textChanged.connect(self._changed)

    def _changed(self) -> None:
        region = self.region.text().strip()
        if region and not _REGION.match(region):
            self.error.setText(self.tr("The region code is six digits."))
        else:
            self.error.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(
            self.name.text().strip()
            and self.code.text().strip()
            and _REGION.match(self.region.text().strip())
        )


class AdminPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("The administrator"))
        self.setSubTitle(
            self.tr(
                "The administrator adds users and imports the standards library. "
                "Use a password of at least 8 characters."
            )
        )
        form = QFormLayout(self)
        self.username = QLineEdit("admin")
        self.username.setObjectName("admin_username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("admin_display_name")
        self.password = QLineEdit()
        self.password.setObjectName("admin_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("admin_confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Full name"), self.display_name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.confirm)
        self.error = _error_label()
        self.error.setObjectName("admin_error")
        form.addRow(self.error)
        for edit in (self.username, self.password, self.confirm):
            edit.textChanged.connect(self._changed)

    def problem(self) -> str:
        if not self.username.text().strip():
            return self.tr("Enter a username.")
        if len(self.password.text()) < MIN_PASSWORD:
            return self.tr("The password needs at least {0} characters.").format(MIN_PASSWORD)
        if self.password.text() != self.confirm.text():
            return self.tr("The two passwords differ.")
        return ""

    def _changed(self) -> None:
        problem = self.problem()
        # Say nothing about the password until the user has typed some of it.
        self.error.setText(problem if self.password.text() else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problem()


class KeysPage(QWizardPage):
    """The batch signing key (SM2 by default), protected by a passphrase (argon2id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Batch signing key"))
        self.setSubTitle(
            self.tr(
                "Approved results leave the centre in signed batches. The private key is "
                "stored encrypted under this passphrase, which LabDesk never stores: keep it "
                "safe, the manager needs it to sign batches."
            )
        )
        form = QFormLayout(self)
        self.create_key = QCheckBox(self.tr("Create the signing key now"))
        self.create_key.setObjectName("keys_create")
        self.create_key.setChecked(True)
        self.algorithm = QComboBox()
        self.algorithm.setObjectName("keys_algorithm")
        self.algorithm.addItem(self.tr("SM2 with SM3 (national standard)"), "sm2")
        self.algorithm.addItem("Ed25519", "ed25519")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("keys_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("keys_confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.create_key)
        form.addRow(self.tr("Algorithm"), self.algorithm)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        form.addRow(self.tr("Repeat passphrase"), self.confirm)
        self.error = _error_label()
        form.addRow(self.error)
        self.create_key.toggled.connect(self._changed)
        for edit in (self.passphrase, self.confirm):
            edit.textChanged.connect(self._changed)

    def problem(self) -> str:
        if not self.create_key.isChecked():
            return ""
        if len(self.passphrase.text()) < MIN_PASSWORD:
            return self.tr("The passphrase needs at least {0} characters.").format(MIN_PASSWORD)
        if self.passphrase.text() != self.confirm.text():
            return self.tr("The two passphrases differ.")
        return ""

    def _changed(self) -> None:
        for widget in (self.algorithm, self.passphrase, self.confirm):
            widget.setEnabled(self.create_key.isChecked())
        self.error.setText(self.problem() if self.passphrase.text() else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problem()


class FinishPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Ready"))
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "Finish creates the centre, the administrator account and (if chosen) the "
                "signing key. Then add the centre's users from the command line "
                "(labdesk --db PATH users add NAME --role technician|reviewer|manager) and, "
                "signed in as the administrator, import the standards library on the "
                "Standards screen. A key not created now can be created later with "
                "labdesk keys init."
            )
        )
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(note)
        self.error = _error_label()
        self.error.setObjectName("finish_error")
        layout.addWidget(self.error)


class FirstRunWizard(QWizard):
    """Creates the centre and its admin through `services.auth.setup_centre`."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("first_run_wizard")
        self.setWindowTitle(self.tr("LabDesk — first run"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.centre_page = CentrePage()
        self.admin_page = AdminPage()
        self.keys_page = KeysPage()
        self.finish_page = FinishPage()
        for page in (self.centre_page, self.admin_page, self.keys_page, self.finish_page):
            self.addPage(page)
        self.key_info: object | None = None
        self.resize(640, 440)

    def accept(self) -> None:
        from labdesk.services import auth

        c, a, k = self.centre_page, self.admin_page, self.keys_page
        try:
            admin = auth.setup_centre(
                self.session.db,
                name=c.name.text().strip(),
                code=c.code.text().strip(),
                region_code=c.region.text().strip(),
                admin_username=a.username.text().strip(),
                admin_password=a.password.text(),
                admin_display_name=a.display_name.text().strip(),
            )
        except LabDeskError as exc:
            self.finish_page.error.setText(error_text(exc))
            return
        if k.create_key.isChecked():
            from labdesk.services import keys

            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.key_info = keys.init_keys(
                    admin, str(k.algorithm.currentData()), k.passphrase.text()
                )
            except LabDeskError as exc:
                # The centre exists now; the key can still be made later from the CLI.
                QMessageBox.warning(
                    self,
                    self.tr("Signing key not created"),
                    self.tr("The centre was created, but not the signing key: {0}").format(
                        error_text(exc)
                    ),
                )
            finally:
                QApplication.restoreOverrideCursor()
        self.session.notify_changed("users")
        super().accept()
