"""A technician's LabDesk process for the journal's crash test (test_grid_journal.py):
opens the centre, signs in, opens a sample in the result grid and types the first values
by keys; says "ready" and waits for a line on stdin (the test takes the server away
meanwhile), types the rest, says "typed" with the message line and waits to be killed.

    python -m tests.ui.grid_journal_typist DB SETTINGS_INI SAMPLE_ID USER PASSWORD FIRST… -- REST…
"""

from __future__ import annotations

import os
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    db_url, settings_path, sample_id, username, password, *values = argv
    split = values.index("--")
    first, rest = values[:split], values[split + 1 :]
    from pathlib import Path

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from labdesk.services import auth
    from labdesk.store.db import open_database
    from labdesk.store.engine import target_of
    from labdesk.ui.entry import ResultEntryScreen
    from labdesk.ui.session import UiSession, open_settings
    from labdesk.ui.signed_in import apply_sign_in

    app = QApplication([])
    db = open_database(db_url)
    session = UiSession(
        db=db, db_path=target_of(db_url), settings=open_settings(Path(settings_path))
    )
    apply_sign_in(session, auth.sign_in(db, username, password))
    screen = ResultEntryScreen(session)
    screen.show()
    screen.open_sample(int(sample_id))
    if screen.start_button.isEnabled():
        QTest.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    screen.model.writes.retry.backoff = (0.2,)
    view = screen.view
    view.focus_result(0)

    def type_values(typed: list[str]) -> None:
        for value in typed:
            QTest.keyClicks(view, value[0])
            editors = [e for e in view.findChildren(QLineEdit, "result_editor") if e.isVisible()]
            QTest.keyClicks(editors[0], value[1:])
            QTest.keyClick(editors[0], Qt.Key.Key_Return)
            app.processEvents()

    type_values(first)
    print("ready", flush=True)
    sys.stdin.readline()
    type_values(rest)
    print("typed", screen.message.text().replace("\n", " "), flush=True)
    while True:  # values waiting for the server: killed from outside
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
