"""Barcode scanners: a scanned label opens its sample, and receiving by scanning.

A scanner is a keyboard to the computer: it types the label's code and presses Enter.
So every field that takes a sample number takes a scanned code too (`resolve`), the
global scan shortcut (F8, `ScanDialog`) opens whatever sample is scanned, and the
receiving mode (`ReceivingDialog`) receives one sample per scan — registered → received
through the service — counting them, and refusing an unknown code, a cancelled or draft
sample, a sample scanned twice or received before, each with a plain message and
nothing written.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.services.labels import ScanHit, ScanRefused, receive_scanned, resolve_code
from labdesk.ui.errors import error_text
from labdesk.ui.i18n import QT_TRANSLATE_NOOP
from labdesk.ui.labels import state_title
from labdesk.ui.session import UiSession

#: The global shortcut that opens the scan box.
SCAN_SHORTCUT = "F8"


_REFUSALS = {
    "unknown": QT_TRANSLATE_NOOP("Scanning", "No sample has the code {0}."),
    "cancelled": QT_TRANSLATE_NOOP(
        "Scanning", "Sample {0} is cancelled: it cannot be received or used."
    ),
    "draft": QT_TRANSLATE_NOOP("Scanning", "Sample {0} is still a draft: register it first."),
    "duplicate": QT_TRANSLATE_NOOP("Scanning", "Sample {0} was scanned already in this run."),
    "already_received": QT_TRANSLATE_NOOP("Scanning", "Sample {0} was received before (now: {1})."),
}


def refusal_text(exc: ScanRefused) -> str:
    """The refusal in the interface language (one language per message)."""
    source = _REFUSALS.get(exc.reason)
    if source is None:
        return error_text(exc)
    state = state_title(exc.state) if exc.state else ""
    return QCoreApplication.translate("Scanning", source).format(exc.code, state)


def resolve(session: UiSession, text: str) -> ScanHit | str:
    """The sample a typed or scanned code names, or the message saying why not."""
    try:
        return resolve_code(session.db, text)
    except ScanRefused as exc:
        return refusal_text(exc)


def _message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _show(label: QLabel, text: str, error: bool) -> None:
    label.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
    label.setText(text)


class ScanDialog(QDialog):
    """Scan (or type) a code, Enter: the sample opens in result entry."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("scan_dialog")
        self.setWindowTitle(self.tr("Scan a sample"))
        self.code = QLineEdit()
        self.code.setObjectName("scan_code")
        self.code.setPlaceholderText(self.tr("Scan a label or type a sample number, then Enter"))
        self.code.returnPressed.connect(self._scanned)
        self.message = _message_label("scan_message")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        # Enter is the scanner's: it must never press Close.
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.code)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _scanned(self) -> None:
        found = resolve(self.session, self.code.text())
        self.code.clear()
        if isinstance(found, str):
            _show(self.message, found, True)
            return
        self.accept()
        self.session.events.navigate.emit("entry", found.sample_id)


class ReceivingDialog(QDialog):
    """Receiving mode: each scan receives one sample; the count and the list grow.

    `received_one(sample_id)` is emitted after each sample received."""

    received_one = Signal(int)

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.received: list[int] = []
        self.setObjectName("receiving_dialog")
        self.setWindowTitle(self.tr("Receive samples by scanning"))
        hint = QLabel(
            self.tr(
                "Scan each sample's label (or type its number and press Enter). Each scan "
                "marks the sample received today."
            )
        )
        hint.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setObjectName("receiving_code")
        self.code.returnPressed.connect(self._scanned)
        self.count = QLabel()
        self.count.setObjectName("receiving_count")
        font = self.count.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.count.setFont(font)
        self.message = _message_label("receiving_message")
        self.list = QListWidget()
        self.list.setObjectName("receiving_list")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scanner keeps typing here
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Done"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.code)
        layout.addWidget(self.count)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(self.tr("Received: {0}").format(len(self.received)))

    def _scanned(self) -> None:
        text = self.code.text().strip()
        self.code.clear()
        if not text:
            return
        try:
            hit = receive_scanned(self.session.context, text, self.received)
        except ScanRefused as exc:
            _show(self.message, refusal_text(exc), True)
            return
        except LabDeskError as exc:  # the service's refusal (permission, dates)
            _show(self.message, error_text(exc), True)
            return
        self.received.append(hit.sample_id)
        self.list.insertItem(0, hit.sample_no)
        self._update_count()
        _show(self.message, self.tr("Sample {0} received.").format(hit.sample_no), False)
        self.session.notify_changed("samples")
        self.received_one.emit(hit.sample_id)
