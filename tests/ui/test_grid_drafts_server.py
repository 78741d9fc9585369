"""Plan units kept as drafts on a PostgreSQL server (issue 14): another workstation
opening the item sees the units typed so far, with who typed each, and adds its own;
a unit the server could not take (away) stays in the row marked "not saved yet", the
window asks before closing over it, and it is saved with the next unit once the server
is back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from labdesk.services import drafts
from labdesk.store.db import open_database
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.session import UiSession
from tests.ui import test_result_grid_server_away as away
from tests.ui.conftest import sign_in_as
from tests.ui.test_result_grid_units import PLAN
from tests.ui.test_workflow import cell, fresh_sample, type_result

pg_demo_template = away.pg_demo_template
pg_session = away.pg_session


@pytest.fixture
def other_workstation(pg_session: UiSession, settings: QSettings) -> Iterator[UiSession]:
    """A second LabDesk on its own connection to the same server database."""
    db = open_database(away._url(pg_session))
    try:
        yield UiSession(db=db, db_path=pg_session.db_path, settings=settings)
    finally:
        db.close()


def _plan_sample(session: UiSession, serial: int) -> tuple[int, int]:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, serial)
    item = int(
        session.db.scalar(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq LIMIT 1", (sample_id,)
        )
    )
    with session.db.write(session.context.actor) as w:
        w.update("sample_items", item, {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
    return sample_id, item


def _screen(qtbot: QtBot, session: UiSession, sample_id: int) -> ResultEntryScreen:
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    return screen


def test_another_workstation_sees_the_units_and_who_typed_them(
    qtbot: QtBot, pg_session: UiSession, other_workstation: UiSession
) -> None:
    sample_id, item = _plan_sample(pg_session, 87)
    first = _screen(qtbot, pg_session, sample_id)
    first.view.focus_result(0)
    type_result(qtbot, first.view, "80")
    type_result(qtbot, first.view, "120")

    sign_in_as(other_workstation, "tech2")
    second = _screen(qtbot, other_workstation, sample_id)
    view = second.view
    assert [cell(view, 0, f"unit#{n}") for n in range(1, 6)] == ["80", "120", "", "", ""]
    tip = str(cell(view, 0, "unit#1", Qt.ItemDataRole.ToolTipRole))
    assert pg_session.display_name and pg_session.display_name in tip  # who typed 1#
    # The second technician types 3#: kept beside the first one's, each with its typist.
    view.setCurrentIndex(view.grid_model().index(0, view.grid_model().column_of("unit#3")))
    type_result(qtbot, view, "<10")
    stored = drafts.units_of(pg_session.db, [item])[item]
    assert stored.values == ("80", "120", "<10", "", "")
    assert stored.typed_by[0] == pg_session.display_name
    assert stored.typed_by[2] == other_workstation.display_name != pg_session.display_name
    # The first workstation, typing 4#, keeps 3# (it only writes the units it typed).
    first.view.setCurrentIndex(first.model.index(0, first.model.column_of("unit#4")))
    type_result(qtbot, first.view, "95")
    assert cell(first.view, 0, "unit#3") == "<10"
    assert drafts.units_of(pg_session.db, [item])[item].values == ("80", "120", "<10", "95", "")


def test_a_unit_the_server_could_not_take_is_kept_marked_and_saved_with_the_next(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    sample_id, item = _plan_sample(pg_session, 88)
    screen = _screen(qtbot, pg_session, sample_id)
    view = screen.view
    view.focus_result(0)
    type_result(qtbot, view, "80")
    away._allow(pg_session, False)
    try:
        type_result(qtbot, view, "120")
        assert cell(view, 0, "unit#2") == "120"  # kept in the row as typed
        tip = str(cell(view, 0, "unit#2", Qt.ItemDataRole.ToolTipRole))
        assert "not saved" in tip or "尚未保存" in tip
        assert screen.message.is_error
        assert screen.model.unsaved()  # closing the window would ask first
    finally:
        away._allow(pg_session, True)
    with open_database(away._url(pg_session)) as db:
        assert drafts.units_of(db, [item])[item].values == ("80", "", "", "", "")
    type_result(qtbot, view, "<10")  # the server is back: 2# goes with 3#
    assert not screen.message.is_error, screen.message.text()
    with open_database(away._url(pg_session)) as db:
        assert drafts.units_of(db, [item])[item].values == ("80", "120", "<10", "", "")
    assert screen.model.unsaved() == []
    tip = str(cell(view, 0, "unit#2", Qt.ItemDataRole.ToolTipRole))
    assert "not saved" not in tip and "尚未保存" not in tip
