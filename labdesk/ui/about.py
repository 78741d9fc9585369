"""Help → About: the version of everything a support call asks for first.

LabDesk's version, Qt/PySide6 and SQLite versions, the open database and the active
signing key's fingerprint — in one selectable text, so it can be copied into an e-mail.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtGui import QIcon

import labdesk
from labdesk.paths import resources_dir
from labdesk.ui.session import UiSession

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The LabDesk icon from resources/icons (the PNG sizes; files load when drawn)."""
    icon = QIcon()
    folder = resources_dir() / "icons"
    for size in ICON_SIZES:
        path = folder / f"labdesk-{size}.png"
        if path.exists():
            icon.addFile(str(path), QSize(size, size))  # with the size: read when drawn
    return icon


def about_text(session: UiSession) -> str:
    """The About box's text (plain lines; tests read it)."""
    import PySide6
    from PySide6.QtCore import qVersion

    from labdesk.services import keys

    sqlite_version = str(session.db.scalar("SELECT sqlite_version()") or sqlite3.sqlite_version)
    key = keys.active_key(session.db)
    fingerprint = (
        key.fingerprint
        if key is not None
        else QCoreApplication.translate("About", "(no signing key yet)")
    )
    lines = [
        f"LabDesk {labdesk.__version__}",
        QCoreApplication.translate(
            "About", "Offline laboratory information system for product-quality inspection centres."
        ),
        "",
        QCoreApplication.translate("About", "Qt {0}, PySide6 {1}").format(
            qVersion(), PySide6.__version__
        ),
        QCoreApplication.translate("About", "SQLite {0}").format(sqlite_version),
        QCoreApplication.translate("About", "Database: {0}").format(session.db_path),
        QCoreApplication.translate("About", "Signing key fingerprint: {0}").format(fingerprint),
    ]
    return "\n".join(lines)


def show_about(session: UiSession, parent: QWidget | None) -> QMessageBox:
    """Show the About box (non-blocking; returned for tests)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setObjectName("about_box")
    box.setWindowTitle(QCoreApplication.translate("About", "About LabDesk"))
    box.setIconPixmap(app_icon().pixmap(64, 64))
    box.setText(about_text(session))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
