"""The signing key in the app: asked for once per session, then approval signs with it.

Approval issues the report signed with the centre's key (services.report_issues). The
key's passphrase is asked for the first time a manager approves in a session; the opened
key (never the passphrase) is kept in memory on the session until sign-out. A wrong
passphrase is said so and asked again; cancelling leaves the sample unapproved. A centre
with no signing key approves without asking and issues unsigned reports (its reports
say so, and `verify-report` rejects them).

After approval the issued PDF is rendered, signed over its bytes and kept
(`reports.issue.issue_pdf`): a failure there leaves the approval standing and is shown;
`labdesk reports issue-pdfs` renders what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.ui.errors import error_text, user_message
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)


def _is_demo(session: UiSession) -> bool:
    from labdesk.services import auth

    centre = auth.centre(session.db)
    return bool(centre and centre.get("demo"))


class PassphraseDialog(QDialog):
    """Asks for the signing-key passphrase; `opened` is the key once it opens."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.opened: Any = None
        self.setObjectName("passphrase_dialog")
        self.setWindowTitle(self.tr("Signing key"))
        explanation = QLabel(
            self.tr(
                "Approving issues the report signed with the centre's key. Enter the key's "
                "passphrase (asked once until you sign out):"
            )
        )
        explanation.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase_edit")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("passphrase_error")
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._try_open)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        if _is_demo(session):
            from labdesk.batch.demo_passphrase import DEMO_KEY_PASSPHRASE

            demo = QLabel(
                self.tr("Demo database: the demo key's passphrase is {0}").format(
                    DEMO_KEY_PASSPHRASE
                )
            )
            demo.setObjectName("passphrase_demo")
            layout.addWidget(demo)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _try_open(self) -> None:
        from labdesk.services import keys
        from labdesk.signing import WrongPassphrase

        try:
            self.opened = keys.load_signer(self.session.db, self.passphrase.text())
        except WrongPassphrase:
            self.error.setText(self.tr("That passphrase does not open the key. Try again."))
            self.passphrase.selectAll()
            return
        except LabDeskError as exc:
            self.error.setText(error_text(exc))
            return
        self.passphrase.clear()
        self.session.report_signer = self.opened
        self.accept()


def with_signer(
    session: UiSession, parent: QWidget, then: Callable[[Any], object]
) -> PassphraseDialog | None:
    """Calls `then(signer)` with the opened key — at once when the session has it (or the
    centre has no key: `then(None)`), else after the passphrase dialog (returned, so a
    test can type into it). Cancelling the dialog calls nothing."""
    from labdesk.services import keys

    key = keys.active_key(session.db)
    signer = session.report_signer
    if key is None:
        then(None)
        return None
    if signer is not None and signer.key_id == key.fingerprint:
        then(signer)
        return None
    dialog = PassphraseDialog(session, parent)
    dialog.accepted.connect(lambda: then(dialog.opened))
    dialog.open()
    return dialog


def keep_issued_pdf(session: UiSession, sample_id: int, signer: Any) -> str:
    """Renders, signs and keeps the issued PDF of the sample's report in force; returns
    "" or the problem to show (the approval itself stands either way)."""
    from labdesk.reports.issue import issue_pdf
    from labdesk.services import report_issues

    report = report_issues.current_report(session.db, sample_id)
    if report is None:
        return ""
    try:
        issue_pdf(session.context, int(report["id"]), signer)
    except LabDeskError as exc:
        return error_text(exc)
    except Exception as exc:  # a bug: the approval stands, the PDF can be made later
        log.exception("could not render the issued report PDF of sample %s", sample_id)
        return user_message(exc)
    return ""
