"""Plan units typed at another workstation appear in an open grid of the same sample
without F5 (issue 18.5, on a PostgreSQL server): each draft row written announces itself
(NOTIFY), the main window's change watch hears a draft another connection wrote and
refreshes the result grid, which reads the shown rows' drafts again. This window's own
units announce nothing to itself."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from labdesk.services import drafts
from labdesk.store.db import open_database
from labdesk.ui import change_watch
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.main_window import MainWindow
from labdesk.ui.session import UiSession
from tests.ui import test_result_grid_server_away as away
from tests.ui.conftest import sign_in_as
from tests.ui.test_grid_drafts_server import _plan_sample
from tests.ui.test_workflow import cell, type_result

pg_demo_template = away.pg_demo_template
pg_session = away.pg_session


def test_units_typed_elsewhere_appear_in_the_open_grid(
    qtbot: QtBot, pg_session: UiSession, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(change_watch, "INTERVAL_S", 60.0)  # only the notification wakes it
    sample_id, item = _plan_sample(pg_session, 88)
    window = MainWindow(pg_session)
    qtbot.addWidget(window)
    window.show()
    watch = window.change_watch
    try:
        screen = window.show_screen("entry")
        assert isinstance(screen, ResultEntryScreen)
        screen.open_sample(sample_id)
        if screen.start_button.isEnabled():
            qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
        view = screen.view
        view.focus_result(0)
        type_result(qtbot, view, "80")  # this window's own unit 1#
        time.sleep(1.0)  # the watch's connection is listening
        with qtbot.assertNotEmitted(watch.remoteChange, wait=1500):
            type_result(qtbot, view, "120")  # its own unit: no refresh of its own grid
        screen.setFocus()  # the grid's editor closed: a remote change refreshes it

        other = open_database(away._url(pg_session))
        try:
            second = UiSession(db=other, db_path=pg_session.db_path, settings=settings)
            sign_in_as(second, "tech2")
            assert second.context is not None
            with qtbot.waitSignal(watch.remoteChange, timeout=10_000):
                drafts.keep_units(second.context, item, {4: "<10"})
        finally:
            other.close()
        qtbot.waitUntil(lambda: cell(view, 0, "unit#4") == "<10", timeout=5_000)
        assert [cell(view, 0, f"unit#{n}") for n in range(1, 6)] == ["80", "120", "", "<10", ""]
        tip = str(cell(view, 0, "unit#4", Qt.ItemDataRole.ToolTipRole))
        assert second.display_name and second.display_name in tip  # who typed 4#
    finally:
        watch.stop()
