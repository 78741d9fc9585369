"""Mode B ("one item across samples", issue 14): a later page holding a plan with a
larger n than the pages before adds unit columns while the user scrolls; the rows
already shown keep their values in their own columns and the new units take entry
by keys like any other."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.ui import grid_data
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_result_grid_units import PLAN, _stored
from tests.ui.test_workflow import cell, fresh_sample, type_result

SMALL_PLAN = "n=2,c=0,m=0 /25g,M=-"


def _titles(screen: ResultEntryScreen) -> list[str]:
    model = screen.model
    return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]


def test_a_later_page_with_a_larger_plan_adds_its_unit_columns(
    qtbot: QtBot, session: UiSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in_as(session, "tech1")
    # Three samples of the same item; ids descend down the list, so the oldest is last.
    samples = [fresh_sample(session, 91 + k) for k in range(3)]
    items = [
        int(
            session.db.scalar(
                "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq LIMIT 1", (s,)
            )
        )
        for s in samples
    ]
    name, code = session.db.query_one(
        "SELECT si.name, s.category_code FROM sample_items si "
        "JOIN samples s ON s.id = si.sample_id WHERE si.id = ?",
        (items[0],),
    ) or ("", "")
    with session.db.write(session.context.actor) as w:
        w.update("sample_items", items[2], {"limit_text": SMALL_PLAN, "unit": ""}, action="edit")
        w.update("sample_items", items[0], {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
    monkeypatch.setattr(grid_data, "PAGE_SIZE", 2)

    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1280, 400)
    screen.show()
    screen.refresh()
    screen.mode.setCurrentIndex(screen.mode.findData("item"))
    choices = [tuple(screen.item_choice.itemData(i)) for i in range(screen.item_choice.count())]
    at = choices.index((str(code), str(name)))
    screen.item_choice.setCurrentIndex(at)
    screen.item_choice.activated.emit(at)
    model, view = screen.model, screen.view
    rows = {model.item_id(r): r for r in range(model.rowCount())}
    assert items[2] in rows and items[0] not in rows  # the 5-unit plan is on a later page
    assert "1#" in _titles(screen) and "3#" not in _titles(screen)

    # The small plan's first unit typed (a draft) before the later page comes in.
    small = rows[items[2]]
    view.setCurrentIndex(model.index(small, model.column_of("unit#1")))
    type_result(qtbot, view, "未检出")
    plain = next(r for r in range(model.rowCount()) if model.plan_units(r) == 0)
    view.setCurrentIndex(model.index(plain, model.column_of("result")))
    type_result(qtbot, view, "0.011")
    before = {c: cell(view, plain, c) for c in ("result", "rounded", "verdict", "explanation")}

    # The user goes down the list by keys until every page is in.
    view.setFocus()
    for _ in range(200):
        if not model.canFetchMore():
            break
        qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(1)
    assert not model.canFetchMore()
    rows = {model.item_id(r): r for r in range(model.rowCount())}
    assert items[0] in rows
    titles = _titles(screen)
    result = model.column_of("result")
    assert titles[result + 1 : result + 6] == ["1#", "2#", "3#", "4#", "5#"]
    assert titles[result + 6] != "6#"
    assert titles.count("1#") == 1 and len(set(titles)) == len(titles)
    assert model.columnCount() == len(titles) == len(model.column_widths())
    # The rows already shown keep their values in their own columns.
    small, plain = rows[items[2]], rows[model.item_id(plain)]
    assert cell(view, small, "unit#1") == "未检出"
    assert cell(view, small, "unit#2") == "" and cell(view, small, "unit#3") is None
    assert {c: cell(view, plain, c) for c in before} == before
    for column in range(model.columnCount()):  # every cell takes what its column says
        takes = bool(model.flags(model.index(small, column)) & Qt.ItemFlag.ItemIsEditable)
        key = model.column_key(column)
        assert takes == (key in ("result", "unit#1", "unit#2")), key
    # The new unit columns are wide like the first ones, and take entry by keys.
    header = view.horizontalHeader()
    assert header.sectionSize(model.column_of("unit#5")) == header.sectionSize(
        model.column_of("unit#1")
    )
    # The layout the user leaves is kept for this column count (not for the first one).
    from labdesk.ui.entry import layout_key

    screen.save_layout()
    assert screen.session.settings.value(f"columns/{layout_key('item', 5)}") is not None
    big = rows[items[0]]
    view.setCurrentIndex(model.index(big, model.column_of("unit#1")))
    for value in ("80", "120", "<10", "95"):
        type_result(qtbot, view, value)
    assert view.currentIndex().column() == model.column_of("unit#5")
    type_result(qtbot, view, "300")
    assert _stored(session, items[0]) == ["80", "120", "<10", "95", "300"]
    assert cell(view, big, "verdict") in ("合格", "Pass")
    assert cell(view, big, "unit#5") == "300"
