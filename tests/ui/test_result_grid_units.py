"""A sampling-plan item's units (1#…n#) each have their own cell in the result grid
(issue 14 item 1): typed from the keyboard like any cell (Enter moves to the next unit,
then on to the next item), Tab and arrows move, a block pasted from Excel fills them,
and the n units are committed together through the service once all are in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.services import results
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.result_grid import ResultTableView
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import cell, fresh_sample, type_result

PLAN = "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"
PRESENCE = "n=5,c=0,m=0 /25g,M=-"


def _screen(qtbot: QtBot, session: UiSession, serial: int) -> tuple[ResultEntryScreen, list[int]]:
    """Items 0 and 1 are plans (a three-class count, a presence plan), item 2 is plain."""
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, serial)
    ids = [
        int(r[0])
        for r in session.db.query(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
        )
    ]
    assert len(ids) >= 3
    with session.db.write(session.context.actor) as w:
        w.update("sample_items", ids[0], {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
        w.update("sample_items", ids[1], {"limit_text": PRESENCE, "unit": ""}, action="edit")
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    return screen, ids


def _at(view: ResultTableView) -> tuple[int, str]:
    current = view.currentIndex()
    return current.row(), view.grid_model().column_key(current.column())


def _stored(session: UiSession, item_id: int) -> list[str] | None:
    current = results.current_result(session.db, item_id)
    if current is None:
        return None
    return [v["text"] for v in results.result_values(session.db, int(current["id"]))]


def test_units_have_their_own_columns(qtbot: QtBot, session: UiSession) -> None:
    screen, _ids = _screen(qtbot, session, 61)
    model = screen.view.grid_model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles[model.column_of("result") + 1 : model.column_of("result") + 6] == [
        "1#",
        "2#",
        "3#",
        "4#",
        "5#",
    ]
    # A plain item's unit cells take nothing; a plan's take its n units.
    assert model.plan_units(0) == 5 and model.plan_units(2) == 0
    unit3 = model.column_of("unit#3")
    assert model.flags(model.index(0, unit3)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(2, unit3)) & Qt.ItemFlag.ItemIsEditable
    # The cursor starts on the first plan's 1#.
    assert _at(screen.view) == (0, "unit#1")


def test_units_typed_one_by_one_enter_moves_on_and_saves_once(
    qtbot: QtBot, session: UiSession
) -> None:
    screen, ids = _screen(qtbot, session, 62)
    view = screen.view
    for n, value in enumerate(["80", "120", "<10", "95"], start=1):
        assert _at(view) == (0, f"unit#{n}")
        type_result(qtbot, view, value)
        # Kept in the row as typed, not saved: the plan is judged on all units together.
        assert cell(view, 0, f"unit#{n}") == value
        assert _stored(session, ids[0]) is None
        assert cell(view, 0, "verdict") == ""
    assert "1" in str(cell(view, 0, "explanation"))  # "1 of 5 units still to enter"
    assert _at(view) == (0, "unit#5")
    type_result(qtbot, view, "300")
    assert _stored(session, ids[0]) == ["80", "120", "<10", "95", "300"]
    assert cell(view, 0, "result") == "80;120;<10;95;300"
    assert cell(view, 0, "verdict") in ("合格", "Pass")
    # After the last unit, Enter went on to the next item: a presence plan, its 1#.
    assert _at(view) == (1, "unit#1")
    for value in ["未检出"] * 4 + ["检出"]:
        type_result(qtbot, view, value)
    assert cell(view, 1, "verdict") in ("不合格", "Fail")
    assert _stored(session, ids[1]) == ["未检出"] * 4 + ["检出"]
    assert _at(view) == (2, "result")  # a plain item: its result cell


def test_a_bad_unit_is_refused_naming_it_and_kept_in_the_editor(
    qtbot: QtBot, session: UiSession
) -> None:
    screen, ids = _screen(qtbot, session, 63)
    view = screen.view
    type_result(qtbot, view, "80")
    type_result(qtbot, view, "120")
    editor = type_result(qtbot, view, "12x")
    assert editor.isVisible() and editor.text() == "12x"  # the refused text stays
    assert "3#" in screen.message.text() and screen.message.is_error
    assert _at(view) == (0, "unit#3")
    assert _stored(session, ids[0]) is None
    editor.clear()
    qtbot.keyClicks(editor, "150")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert _at(view) == (0, "unit#4")


def test_tab_and_arrows_move_between_units(qtbot: QtBot, session: UiSession) -> None:
    screen, _ids = _screen(qtbot, session, 64)
    view = screen.view
    editor = type_result(qtbot, view, "80", accept=False)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert _at(view) == (0, "unit#2")
    assert cell(view, 0, "unit#1") == "80"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert _at(view) == (0, "unit#3")
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert _at(view) == (0, "unit#1")
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert _at(view) == (1, "unit#1")


def test_an_excel_block_fills_the_units_of_two_items(qtbot: QtBot, session: UiSession) -> None:
    screen, ids = _screen(qtbot, session, 65)
    view = screen.view
    assert _at(view) == (0, "unit#1")
    accepted, refused = view.paste_text(
        "80\t120\t150\t95\t1.6×10^4\r\n未检出\t未检出\t未检出\t未检出\t未检出\r\n"
    )
    assert (accepted, refused) == (2, 0)
    assert _stored(session, ids[0]) == ["80", "120", "150", "95", "1.6×10^4"]
    assert cell(view, 0, "verdict") in ("不合格", "Fail")  # one unit above M
    assert cell(view, 0, "unit#5") == "1.6×10^4"
    assert _stored(session, ids[1]) == ["未检出"] * 5
    assert cell(view, 1, "verdict") in ("合格", "Pass")


def test_a_partial_paste_is_kept_until_the_rest_is_typed(qtbot: QtBot, session: UiSession) -> None:
    screen, ids = _screen(qtbot, session, 66)
    view = screen.view
    accepted, refused = view.paste_text("80\t120\t<10\n")
    assert (accepted, refused) == (1, 0)
    assert _stored(session, ids[0]) is None
    assert [cell(view, 0, f"unit#{n}") for n in range(1, 6)] == ["80", "120", "<10", "", ""]
    # The draft survives opening another sample and coming back.
    sample_id = screen.model.sample_id
    screen.open_sample(None)
    screen.open_sample(sample_id)
    assert _at(view) == (0, "unit#4")  # the first unit still to enter
    type_result(qtbot, view, "95")
    type_result(qtbot, view, "300")
    assert _stored(session, ids[0]) == ["80", "120", "<10", "95", "300"]


def test_changing_one_stored_unit_commits_a_correction_at_once(
    qtbot: QtBot, session: UiSession
) -> None:
    screen, ids = _screen(qtbot, session, 67)
    view = screen.view
    type_result(qtbot, view, "80;120;<10;95;300")  # several units typed in 1# fill the row
    assert _stored(session, ids[0]) == ["80", "120", "<10", "95", "300"]
    model = view.grid_model()
    view.setCurrentIndex(model.index(0, model.column_of("unit#2")))
    type_result(qtbot, view, "1200")
    assert _stored(session, ids[0]) == ["80", "1200", "<10", "95", "300"]
    assert cell(view, 0, "verdict") in ("不合格", "Fail")  # above M
    current = results.current_result(session.db, ids[0])
    assert current is not None and current["kind"] == "correction"
    assert _at(view) == (0, "unit#3")  # Enter moved to the next unit


def test_too_many_values_for_the_plan_are_refused(qtbot: QtBot, session: UiSession) -> None:
    screen, ids = _screen(qtbot, session, 68)
    view = screen.view
    model = view.grid_model()
    view.setCurrentIndex(model.index(0, model.column_of("unit#4")))
    editor = type_result(qtbot, view, "1;2;3")
    assert editor.isVisible()
    assert "n=5" in screen.message.text()
    assert _stored(session, ids[0]) is None


def test_closing_over_units_kept_as_a_draft_loses_none(qtbot: QtBot, session: UiSession) -> None:
    """Units typed are kept as a draft at once: the window closes without asking, and
    the next window shows them as they were (yellow, still to complete)."""
    from labdesk.ui.main_window import MainWindow

    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 69)
    item = int(
        session.db.scalar(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq LIMIT 1", (sample_id,)
        )
    )
    with session.db.write(session.context.actor) as w:
        w.update("sample_items", item, {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")

    def entry_screen(window: MainWindow) -> ResultEntryScreen:
        window.navigate("entry", sample_id)
        screen = window.screen_widget("entry")
        assert isinstance(screen, ResultEntryScreen)
        return screen

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    screen = entry_screen(window)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    screen.view.focus_result(0)
    type_result(qtbot, screen.view, "80")
    type_result(qtbot, screen.view, "120")
    asked: list[list[str]] = []

    def keep_open(_window: MainWindow, unsaved: list[str]) -> bool:
        asked.append(unsaved)
        return False

    window.close_unsaved_provider = keep_open
    window.close()
    assert asked == [] and not window.isVisible()  # nothing to lose: no question

    again = MainWindow(session)
    qtbot.addWidget(again)
    again.show()
    screen = entry_screen(again)
    assert [cell(screen.view, 0, f"unit#{n}") for n in range(1, 6)] == ["80", "120", "", "", ""]
    assert _stored(session, item) is None
    assert _at(screen.view) == (0, "unit#3")  # the first unit still to enter
