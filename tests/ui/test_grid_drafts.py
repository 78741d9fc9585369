"""A sampling-plan item's units typed before all n are in are kept as a draft at once
(issue 14): a crash (SIGKILL) or a closed window loses none, the grid shows them again
(yellow, with who typed each) when the item is opened, and they are deleted when the n
units are saved as the result. A draft is not a result: it is never judged, counted,
reported or exported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from labdesk.core.errors import ValidationError
from labdesk.services import drafts, queries, results, workflow
from labdesk.store.db import open_database
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.grid_columns import PENDING_BRUSH
from labdesk.ui.result_grid import ResultTableView
from labdesk.ui.session import UiSession
from tests.ui.conftest import password_of, sign_in_as
from tests.ui.test_result_grid_units import PLAN, _at, _screen, _stored
from tests.ui.test_workflow import cell, type_result

ROOT = Path(__file__).resolve().parents[2]


def _draft_rows(session: UiSession, item_id: int) -> list[tuple[int, str, str]]:
    return [
        (int(r[0]), str(r[1]), str(r[2]))
        for r in session.db.query(
            "SELECT d.unit, d.value, u.username FROM unit_drafts d "
            "JOIN users u ON u.id = d.typed_by WHERE d.sample_item_id = ? ORDER BY d.unit",
            (item_id,),
        )
    ]


def _reopened(qtbot: QtBot, session: UiSession, sample_id: int) -> ResultEntryScreen:
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    return screen


def test_each_unit_is_kept_as_a_draft_at_once_and_shown_again(
    qtbot: QtBot, session: UiSession
) -> None:
    screen, ids = _screen(qtbot, session, 81)
    view = screen.view
    type_result(qtbot, view, "80")
    assert _draft_rows(session, ids[0]) == [(1, "80", "tech1")]
    type_result(qtbot, view, "<10")
    assert _draft_rows(session, ids[0]) == [(1, "80", "tech1"), (2, "<10", "tech1")]
    assert _stored(session, ids[0]) is None  # a draft, not a result
    assert "draft" in screen.message.text() or "草稿" in screen.message.text()
    assert not screen.message.is_error
    # A new screen (another window, the program started again) shows them as they were.
    sample_id = screen.model.sample_id
    assert sample_id is not None
    again = _reopened(qtbot, session, sample_id)
    assert [cell(again.view, 0, f"unit#{n}") for n in range(1, 6)] == ["80", "<10", "", "", ""]
    assert cell(again.view, 0, "unit#1", Qt.ItemDataRole.BackgroundRole) == PENDING_BRUSH
    tip = str(cell(again.view, 0, "unit#2", Qt.ItemDataRole.ToolTipRole))
    assert "3 " in tip and "2#" in tip  # 3 of 5 still to enter; 2# typed by …
    typist = str(session.display_name or "tech1")
    assert typist in tip
    assert cell(again.view, 0, "verdict") == ""
    assert _at(again.view) == (0, "unit#3")
    assert again.model.unsaved() == []  # nothing only in memory: closing loses nothing


def test_completing_the_plan_saves_one_result_and_deletes_the_draft(
    qtbot: QtBot, session: UiSession
) -> None:
    screen, ids = _screen(qtbot, session, 82)
    view = screen.view
    for value in ("80", "120", "<10", "95"):
        type_result(qtbot, view, value)
    assert len(_draft_rows(session, ids[0])) == 4
    type_result(qtbot, view, "300")
    assert _stored(session, ids[0]) == ["80", "120", "<10", "95", "300"]
    assert _draft_rows(session, ids[0]) == []
    assert cell(view, 0, "unit#1", Qt.ItemDataRole.BackgroundRole) is None
    sample_id = screen.model.sample_id
    assert sample_id is not None
    again = _reopened(qtbot, session, sample_id)
    assert cell(again.view, 0, "unit#5") == "300"
    assert cell(again.view, 0, "unit#5", Qt.ItemDataRole.BackgroundRole) is None
    assert cell(again.view, 0, "verdict") in ("合格", "Pass")


def _clear_current_cell(qtbot: QtBot, view: ResultTableView) -> None:
    """F2 opens the cell's editor; End and Backspaces empty it; Enter accepts."""
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editors = [e for e in view.findChildren(QLineEdit, "result_editor") if e.isVisible()]
    assert len(editors) == 1
    qtbot.keyClick(editors[0], Qt.Key.Key_End)
    for _ in range(len(editors[0].text())):
        qtbot.keyClick(editors[0], Qt.Key.Key_Backspace)
    assert editors[0].text() == ""
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)


def test_a_unit_cleared_is_deleted_from_the_draft(qtbot: QtBot, session: UiSession) -> None:
    screen, ids = _screen(qtbot, session, 83)
    view = screen.view
    type_result(qtbot, view, "80")
    type_result(qtbot, view, "120")
    model = view.grid_model()
    view.setCurrentIndex(model.index(0, model.column_of("unit#2")))
    _clear_current_cell(qtbot, view)
    assert _draft_rows(session, ids[0]) == [(1, "80", "tech1")]
    assert cell(view, 0, "unit#2") == ""
    # Clearing the last one leaves no draft: the row is an item without a result again.
    view.setCurrentIndex(model.index(0, model.column_of("unit#1")))
    _clear_current_cell(qtbot, view)
    assert _draft_rows(session, ids[0]) == []
    assert cell(view, 0, "unit#1", Qt.ItemDataRole.BackgroundRole) is None
    assert cell(view, 0, "explanation") == ""


def test_a_draft_is_never_a_result(qtbot: QtBot, session: UiSession) -> None:
    """Not counted as entered, not judged, and the sample cannot be submitted on it."""
    screen, ids = _screen(qtbot, session, 84)
    sample_id = screen.model.sample_id
    assert sample_id is not None
    view = screen.view
    for value in ("80", "120", "<10", "95"):
        type_result(qtbot, view, value)
    for row in range(1, len(ids)):  # every other item has its result: only 1# … is missing
        view.focus_result(row)
        if screen.model.plan_units(row):
            accepted, refused = view.paste_text("未检出\t未检出\t未检出\t未检出\t未检出\n")
            assert (accepted, refused) == (1, 0)
        else:
            type_result(qtbot, view, "0.011")
    rows = {int(r["id"]): r for r in queries.sample_items_with_results(session.db, sample_id)}
    assert rows[ids[0]]["current"] is None
    assert all(rows[i]["current"] is not None for i in ids[1:])
    assert workflow.missing_results(session.db, sample_id) == [rows[ids[0]]["name"]]
    assert not screen.model.complete()
    with pytest.raises(ValidationError, match="no result yet"):
        workflow.submit(session.context, sample_id)
    assert _stored(session, ids[0]) is None


def test_units_typed_survive_the_process_being_killed(
    qtbot: QtBot, session: UiSession, demo_path: Path, tmp_path: Path
) -> None:
    """A technician's LabDesk types three units and is killed (SIGKILL: no close, no
    flush); a new process opening the sample sees the three, yellow, typed by them."""
    sign_in_as(session, "tech1")
    from tests.ui.test_workflow import fresh_sample

    sample_id = fresh_sample(session, 85)
    item = int(
        session.db.scalar(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq LIMIT 1", (sample_id,)
        )
    )
    with session.db.write(session.context.actor) as w:
        w.update("sample_items", item, {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
    password = password_of(session.db, "tech1")
    session.db.close()  # the file is the typist's now (one writer per file)

    typist = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.ui.grid_typist",
            str(demo_path),
            str(tmp_path / "typist.ini"),
            str(sample_id),
            "tech1",
            password,
            "80",
            "120",
            "<10",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert typist.stdout is not None
        line = typist.stdout.readline()
        assert line.startswith("typed"), (line, typist.stderr.read() if typist.stderr else "")
        os.kill(typist.pid, signal.SIGKILL)
        assert typist.wait(timeout=30) == -signal.SIGKILL
    finally:
        if typist.poll() is None:
            typist.kill()
            typist.wait(timeout=30)

    db = open_database(demo_path)  # this process opens it anew, as the program would
    try:
        session.db = db
        sign_in_as(session, "tech1")
        assert drafts.units_of(db, [item])[item].values == ("80", "120", "<10", "", "")
        screen = _reopened(qtbot, session, sample_id)
        view = screen.view
        assert [cell(view, 0, f"unit#{n}") for n in range(1, 6)] == ["80", "120", "<10", "", ""]
        assert cell(view, 0, "unit#3", Qt.ItemDataRole.BackgroundRole) == PENDING_BRUSH
        assert results.current_result(db, item) is None
        assert _at(view) == (0, "unit#4")
        type_result(qtbot, view, "95")
        type_result(qtbot, view, "300")
        assert _stored(session, item) == ["80", "120", "<10", "95", "300"]
        assert drafts.units_of(db, [item]) == {}
    finally:
        db.close()


def test_a_result_entered_elsewhere_meanwhile_ends_the_draft(
    qtbot: QtBot, session: UiSession
) -> None:
    """Another workstation entered the plan's result while units were being typed here:
    the next unit is refused (a change of a stored result is a correction) and the row
    shows the stored result, not the draft."""
    screen, ids = _screen(qtbot, session, 86)
    view = screen.view
    type_result(qtbot, view, "80")
    type_result(qtbot, view, "120")
    results.enter_result(session.context, ids[0], "1;2;3;4;5", seen_result_id=None)
    assert _draft_rows(session, ids[0]) == []
    type_result(qtbot, view, "<10")
    assert screen.message.is_error
    assert "already has a result" in screen.message.text() or "已有结果" in screen.message.text()
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Escape)  # the refused text abandoned
    assert [cell(view, 0, f"unit#{n}") for n in range(1, 6)] == ["1", "2", "3", "4", "5"]
    assert cell(view, 0, "unit#1", Qt.ItemDataRole.BackgroundRole) is None
    assert _stored(session, ids[0]) == ["1", "2", "3", "4", "5"]
    assert screen.model.unsaved() == []


def test_a_refresh_shows_a_result_entered_elsewhere_instead_of_the_draft(
    qtbot: QtBot, session: UiSession
) -> None:
    screen, ids = _screen(qtbot, session, 89)
    view = screen.view
    type_result(qtbot, view, "80")
    results.enter_result(session.context, ids[0], "1;2;3;4;5", seen_result_id=None)
    screen.refresh()  # what another screen's change (or the server's notice) triggers
    assert cell(view, 0, "unit#1") == "1"
    assert cell(view, 0, "unit#1", Qt.ItemDataRole.BackgroundRole) is None
    assert cell(view, 0, "result") == "1;2;3;4;5"
