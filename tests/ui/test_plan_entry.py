"""A sampling-plan item in the result grid (issue 14): its units typed from the keyboard
(Enter accepts and moves on) or pasted as an Excel row; a sum and a conversion judged
in the grid as the service stores them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.services import results
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import cell, fresh_sample, type_result

PLAN = "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"


def _screen(qtbot: QtBot, session: UiSession, serial: int) -> tuple[ResultEntryScreen, list[int]]:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, serial)
    ids = [
        int(r[0])
        for r in session.db.query(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
        )
    ]
    with session.db.write(session.context.actor) as w:
        w.update("sample_items", ids[0], {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
        w.update(
            "sample_items",
            ids[1],
            {"limit_text": "≤1.0 g/kg", "unit": "mg/kg", "lod": None, "loq": None},
            action="edit",
        )
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    return screen, ids


def test_plan_units_typed_and_enter_moves_on(qtbot: QtBot, session: UiSession) -> None:
    screen, ids = _screen(qtbot, session, 41)
    view = screen.view
    view.focus_result(0)
    type_result(qtbot, view, "80;120;<10;95;300")
    assert cell(view, 0, "verdict") in ("合格", "Pass")
    assert cell(view, 0, "result") == "80;120;<10;95;300"
    assert view.currentIndex().row() == 1  # Enter moved on to the next item
    type_result(qtbot, view, "850")
    stored = results.current_result(session.db, ids[1])
    assert stored is not None and stored["display"] == "0.850"
    assert cell(view, 1, "verdict") in ("合格", "Pass")
    current = results.current_result(session.db, ids[0])
    assert current is not None
    units = results.result_values(session.db, int(current["id"]))
    assert [u["text"] for u in units] == ["80", "120", "<10", "95", "300"]


def test_an_excel_row_fills_the_units(qtbot: QtBot, session: UiSession) -> None:
    screen, ids = _screen(qtbot, session, 42)
    view = screen.view
    view.focus_result(0)
    accepted, refused = view.paste_text("80\t120\t150\t95\t1.6×10^4\r\n")
    assert (accepted, refused) == (1, 0)
    assert cell(view, 0, "verdict") in ("不合格", "Fail")  # one unit above M
    current = results.current_result(session.db, ids[0])
    assert current is not None and current["text"] == "80;120;150;95;1.6×10^4"
