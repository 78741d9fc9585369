"""Starting the HQ window: `labdesk hq --db H` with no verb (SQLite file or PostgreSQL URL)."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from labdesk.core.errors import LabDeskError
from labdesk.ui.errors import error_text


def run_hq_app(url: str, language: str | None) -> int:
    from labdesk.batch.hq_store import open_hq
    from labdesk.ui.app import (
        EXIT_WHEN_SHOWN_ENV,
        ensure_application,
        pick_font,
        settings_path_from_env,
    )
    from labdesk.ui.errors import install_excepthook
    from labdesk.ui.hq_window import HqWindow
    from labdesk.ui.i18n import choose_language, install_translators
    from labdesk.ui.session import open_settings

    app = ensure_application()
    install_excepthook()
    install_translators(choose_language(language, open_settings(settings_path_from_env())))
    pick_font(app)
    try:
        open_hq(url).close()  # opens (and upgrades) once, so a bad URL is said plainly here
    except LabDeskError as exc:
        print(f"labdesk: {error_text(exc)}", file=sys.stderr)
        QMessageBox.critical(None, "LabDesk HQ", error_text(exc))
        return 2
    window = HqWindow(lambda: open_hq(url), url)
    window.show()
    window.refresh()
    if os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1":  # start-up checks only (ui/app.py)
        QTimer.singleShot(0, app.quit)
    return int(app.exec())
