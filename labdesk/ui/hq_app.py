"""Starting the HQ window: `labdesk hq --db H` with no verb (SQLite file or PostgreSQL URL)."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from labdesk.core.errors import LabDeskError
from labdesk.ui.errors import error_text, ui_language
from labdesk.ui.hq_window import HqWindow


def open_hq_window(url: str) -> HqWindow:
    """The HQ window over `url`, its first reads started.

    The database is opened (and upgraded) once first, so a bad URL, a database or user
    the server does not have, or a schema too new is refused here, plainly (LabDeskError).
    A server away is not refused: the window opens, each tab says so on its own line and
    F5 reads again. Before, an HQ server restarting as the program started ended it
    with a dialog telling the user that their next action would try again."""
    from labdesk.batch.hq_store import open_hq
    from labdesk.ui.server_words import retryable

    try:
        open_hq(url).close()
    except LabDeskError as exc:
        if not retryable(exc):
            raise
        # The store's own words (the address and why) on the terminal, for a technician.
        print(f"labdesk: {exc.in_language(ui_language())}", file=sys.stderr)
    window = HqWindow(lambda: open_hq(url), url)
    window.show()
    window.refresh()
    return window


def run_hq_app(url: str, language: str | None) -> int:
    from labdesk.ui.app import (
        EXIT_WHEN_SHOWN_ENV,
        ensure_application,
        pick_font,
        settings_path_from_env,
    )
    from labdesk.ui.errors import install_excepthook
    from labdesk.ui.i18n import choose_language, install_translators
    from labdesk.ui.session import open_settings

    app = ensure_application()
    install_excepthook()
    install_translators(choose_language(language, open_settings(settings_path_from_env())))
    pick_font(app)
    try:
        window = open_hq_window(url)
    except LabDeskError as exc:
        print(f"labdesk: {error_text(exc)}", file=sys.stderr)
        QMessageBox.critical(None, "LabDesk HQ", error_text(exc))
        return 2
    if os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1":  # start-up checks only (ui/app.py)
        QTimer.singleShot(0, app.quit)
    code = int(app.exec())
    window.close()
    return code
