"""A technician's LabDesk process for the crash test (test_grid_drafts.py): opens the
database, signs in, opens a sample in the result grid, types plan units by keys, says
"typed" on stdout and waits to be killed.

    python -m tests.ui.grid_typist DB SETTINGS_INI SAMPLE_ID USERNAME PASSWORD VALUE...
"""

from __future__ import annotations

import os
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    db_path, settings_path, sample_id, username, password, *values = argv
    from pathlib import Path

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from labdesk.services import auth
    from labdesk.store.db import open_database
    from labdesk.ui.entry import ResultEntryScreen
    from labdesk.ui.session import UiSession, open_settings
    from labdesk.ui.signin import apply_sign_in

    app = QApplication([])
    db = open_database(db_path)
    session = UiSession(db=db, db_path=Path(db_path), settings=open_settings(Path(settings_path)))
    apply_sign_in(session, auth.sign_in(db, username, password))
    screen = ResultEntryScreen(session)
    screen.show()
    screen.open_sample(int(sample_id))
    if screen.start_button.isEnabled():
        QTest.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    view = screen.view
    view.focus_result(0)
    for value in values:
        QTest.keyClicks(view, value[0])
        editors = [e for e in view.findChildren(QLineEdit, "result_editor") if e.isVisible()]
        QTest.keyClicks(editors[0], value[1:])
        QTest.keyClick(editors[0], Qt.Key.Key_Return)
        app.processEvents()
    print("typed", screen.message.text(), flush=True)
    while True:  # an open window, its units typed: killed from outside
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
