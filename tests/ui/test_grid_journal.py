"""A value waiting for the database server survives a crash (issue 18, part 5): each value
the grid keeps for the server is also kept on this computer (services/pending_journal.py)
until it is saved or refused; at the next sign-in of the same user to the same centre
the main window's result entry shows it, not saved yet, and writes it again through the
same queue. A value the server already has (its answer was lost) is not recorded twice.

On a real PostgreSQL server taken away for one database (as in
test_result_grid_server_away.py); the replay rules also on SQLite.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from labdesk.services import drafts, results
from labdesk.services.pending_journal import RESULT, UNITS, PendingWrite, journal_for
from labdesk.store.db import Database, open_database
from labdesk.store.errors import ServerAway
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.main_window import MainWindow
from labdesk.ui.session import UiSession
from tests.ui import test_result_grid_server_away as away
from tests.ui.conftest import password_of, sign_in_as
from tests.ui.test_result_grid_units import PLAN
from tests.ui.test_workflow import cell, fresh_sample, type_result

pg_demo_template = away.pg_demo_template
pg_session = away.pg_session

ROOT = Path(__file__).resolve().parents[2]


def _items(session: UiSession, sample_id: int) -> list[int]:
    return [
        int(r[0])
        for r in session.db.query(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
        )
    ]


def _plan_sample(session: UiSession, serial: int) -> tuple[int, list[int]]:
    """A received sample as tech1, its first item a 5-unit plan."""
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, serial)
    ids = _items(session, sample_id)
    with session.db.write(session.context.actor) as w:
        w.update("sample_items", ids[0], {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
    return sample_id, ids


def _screen(qtbot: QtBot, session: UiSession, sample_id: int) -> ResultEntryScreen:
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    screen.model.writes.retry.backoff = (0.2, 0.4)
    return screen


def _said_saved(qtbot: QtBot, screen: ResultEntryScreen) -> None:
    """The queue wrote everything and the row and message line say so (the worker's
    answer reaches the GUI thread after it leaves the queue)."""
    qtbot.waitUntil(
        lambda: not screen.model.writes.retry.active and not screen.message.is_error,
        timeout=20_000,
    )


def _away(session: UiSession) -> None:
    """The server ends this database's connections and refuses new ones; returns once
    they are gone (pg_terminate_backend only signals: a statement sent meanwhile could
    still commit, its answer lost)."""
    import time

    away._allow(session, False)
    with away._admin(session) as admin:
        for _ in range(200):
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (away._name(session),)
            ).fetchone()
            if row is not None and row[0] == 0:
                return
            time.sleep(0.01)


def _journal(session: UiSession) -> list[PendingWrite]:
    return journal_for(session.db_path, session.context.actor).entries()


def _signed_in_window(qtbot: QtBot, session: UiSession, username: str) -> MainWindow:
    """The main window after `username` signs in (as the app makes it after the dialog)."""
    sign_in_as(session, username)
    window = MainWindow(session)
    window.close_unsaved_provider = lambda _window, _names: True
    qtbot.addWidget(window)
    window.show()
    window.open_initial_screen()
    return window


def _entry(window: MainWindow) -> ResultEntryScreen:
    screen = window.screen_widget("entry")
    assert isinstance(screen, ResultEntryScreen)
    return screen


def _count(db: Database, item_id: int) -> tuple[int, int]:
    """(results ever recorded for the item, audit records of them)."""
    recorded = int(db.scalar("SELECT count(*) FROM results WHERE sample_item_id = ?", [item_id]))
    audited = int(
        db.scalar(
            "SELECT count(*) FROM audit_log WHERE table_name = 'results' AND record_id IN "
            "(SELECT id FROM results WHERE sample_item_id = ?)",
            [item_id],
        )
    )
    return recorded, audited


# ----- while LabDesk runs ------------------------------------------------------------


def test_a_waiting_value_is_kept_on_this_computer_until_saved(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    sample_id, ids = _plan_sample(pg_session, 91)
    screen = _screen(qtbot, pg_session, sample_id)
    view = screen.view
    view.focus_result(1)
    _away(pg_session)
    try:
        type_result(qtbot, view, "0.012")
        assert cell(view, 1, "result") == "0.012"  # waiting, as typed
        kept = _journal(pg_session)
        assert [(e.kind, e.item_id, e.text, e.sample_no) for e in kept] == [
            (RESULT, ids[1], "0.012", "UITEST-0091")
        ]
        assert kept[0].seen_result_id is None
        # Typed again while it waits: the newer value replaces it, there as here.
        view.focus_result(1)
        type_result(qtbot, view, "0.014")
        assert [e.text for e in _journal(pg_session)] == ["0.014"]
    finally:
        away._allow(pg_session, True)
    _said_saved(qtbot, screen)
    assert away._stored(pg_session, ids[1]) == "0.014"
    assert _journal(pg_session) == []


def test_a_value_waiting_for_busy_records_is_kept_too(qtbot: QtBot, pg_session: UiSession) -> None:
    """Busy (another workstation holds the sample's lock past the lock timeout) waits in
    the same queue, so it is kept on this computer the same way."""
    from tests.ui.test_grid_busy import _hold_sample

    sample_id, ids = _plan_sample(pg_session, 90)
    screen = _screen(qtbot, pg_session, sample_id)
    pg_session.db.conn.raw.execute("SET lock_timeout = '200ms'")  # type: ignore[attr-defined]
    other = _hold_sample(pg_session, sample_id)
    try:
        screen.view.focus_result(1)
        type_result(qtbot, screen.view, "0.012")
        assert "busy" in screen.message.text() or "正忙" in screen.message.text()
        assert [(e.item_id, e.text) for e in _journal(pg_session)] == [(ids[1], "0.012")]
    finally:
        other.rollback()
        other.close()
    _said_saved(qtbot, screen)
    assert away._stored(pg_session, ids[1]) == "0.012"
    assert _journal(pg_session) == []


def test_a_value_that_cannot_be_kept_on_this_computer_is_said(
    qtbot: QtBot, pg_session: UiSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal's folder cannot be made (a file in its place): the value still waits
    in the row and is saved when the server is back, and the line says that closing
    LabDesk before then would lose it."""
    from labdesk.services.pending_journal import FOLDER_ENV

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(FOLDER_ENV, str(blocker))
    sample_id, ids = _plan_sample(pg_session, 99)
    screen = _screen(qtbot, pg_session, sample_id)
    _away(pg_session)
    try:
        screen.view.focus_result(1)
        type_result(qtbot, screen.view, "0.012")
        text = screen.message.text()
        assert screen.message.is_error
        assert "could not be kept on this computer" in text or "无法保留在本机" in text
        assert screen.model.writes.retry.active  # it waits all the same
    finally:
        away._allow(pg_session, True)
    _said_saved(qtbot, screen)
    assert away._stored(pg_session, ids[1]) == "0.012"


def test_a_refused_value_leaves_the_journal_and_is_said(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    sample_id, ids = _plan_sample(pg_session, 92)
    screen = _screen(qtbot, pg_session, sample_id)
    view = screen.view
    # The other workstation writes first (8 s: under load its reconnect alone took 3).
    screen.model.writes.retry.backoff = (8.0,)
    from labdesk.services import auth

    with open_database(away._url(pg_session)) as other:
        ctx = auth.sign_in(other, "tech2", password_of(other, "tech2"))
        _away(pg_session)
        try:
            view.focus_result(1)
            type_result(qtbot, view, "0.012")
            assert len(_journal(pg_session)) == 1
        finally:
            away._allow(pg_session, True)
        # Another workstation entered the item meanwhile: the waiting value is refused.
        try:
            results.enter_result(ctx, ids[1], "0.020")
        except ServerAway:  # its connection was ended too: the next statement reconnects
            results.enter_result(ctx, ids[1], "0.020")
    qtbot.waitUntil(lambda: "0.012" in screen.message.text(), timeout=20_000)  # refused
    assert screen.message.is_error
    assert away._stored(pg_session, ids[1]) == "0.020"
    assert _journal(pg_session) == []


def test_plan_units_the_server_could_not_take_are_kept_until_saved(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    sample_id, ids = _plan_sample(pg_session, 93)
    screen = _screen(qtbot, pg_session, sample_id)
    view = screen.view
    view.focus_result(0)
    type_result(qtbot, view, "80")
    _away(pg_session)
    try:
        type_result(qtbot, view, "120")
        type_result(qtbot, view, "<10")
        kept = _journal(pg_session)
        assert [(e.kind, e.item_id, e.units) for e in kept] == [
            (UNITS, ids[0], ((2, "120"), (3, "<10")))
        ]
    finally:
        away._allow(pg_session, True)
    type_result(qtbot, view, "95")  # the server is back: 2# and 3# go with 4#
    with open_database(away._url(pg_session)) as db:
        assert drafts.units_of(db, [ids[0]])[ids[0]].values == ("80", "120", "<10", "95", "")
    assert _journal(pg_session) == []


# ----- after a crash -------------------------------------------------------------------


def test_the_last_unit_waiting_when_labdesk_is_killed_is_saved_at_the_next_sign_in(
    qtbot: QtBot, pg_session: UiSession, tmp_path: Path
) -> None:
    """A technician types four units, the server goes away, the fifth completes the plan
    and waits; LabDesk is killed (SIGKILL: no close, no flush). The draft holds four
    units. At the next sign-in the fifth comes back, shown not saved yet, and the plan is
    saved with all five once, when the server takes it."""
    sample_id, ids = _plan_sample(pg_session, 94)
    url = away._url(pg_session)
    typist = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.ui.grid_journal_typist",
            url,
            str(tmp_path / "typist.ini"),
            str(sample_id),
            "tech1",
            password_of(pg_session.db, "tech1"),
            *("80", "120", "<10", "95"),
            "--",
            "300",
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert typist.stdout is not None and typist.stdin is not None
        line = typist.stdout.readline()
        assert line.startswith("ready"), (line, typist.stderr.read() if typist.stderr else "")
        _away(pg_session)
        typist.stdin.write("go\n")
        typist.stdin.flush()
        line = typist.stdout.readline()
        assert line.startswith("typed"), (line, typist.stderr.read() if typist.stderr else "")
        os.kill(typist.pid, signal.SIGKILL)
        assert typist.wait(timeout=30) == -signal.SIGKILL
    finally:
        away._allow(pg_session, True)
        if typist.poll() is None:
            typist.kill()
            typist.wait(timeout=30)
    with open_database(url) as db:
        assert drafts.units_of(db, [ids[0]])[ids[0]].values == ("80", "120", "<10", "95", "")
        assert results.current_result(db, ids[0]) is None

    # The next sign-in, as the same user, to the same centre (this process, anew).
    pg_session.db.close()
    pg_session.db = open_database(url)
    pg_session.sign_out()
    window = _signed_in_window(qtbot, pg_session, "tech1")
    screen = _entry(window)
    assert window.current_key() == "entry"
    assert "UITEST-0094" in screen.message.text() and "80;120;<10;95;300" in screen.message.text()
    _said_saved(qtbot, screen)
    assert away._stored(pg_session, ids[0]) == "80;120;<10;95;300"
    with open_database(url) as db:
        current = results.current_result(db, ids[0])
        assert current is not None
        units = results.result_values(db, int(current["id"]))
        assert [u["text"] for u in units] == ["80", "120", "<10", "95", "300"]
        assert drafts.units_of(db, [ids[0]]) == {}
        assert _count(db, ids[0])[0] == 1
    assert _journal(pg_session) == []
    view = screen.view
    assert screen.model.sample_id == sample_id
    qtbot.waitUntil(lambda: cell(view, 0, "verdict") in ("合格", "Pass"), timeout=5_000)


def test_units_waiting_at_a_crash_are_restored_into_the_draft(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    """Units the server could not take as a draft, then the window gone without closing
    (as a crash leaves it): at the next sign-in they are shown over the draft, not saved
    yet, and written into it."""
    sample_id, ids = _plan_sample(pg_session, 95)
    first = _screen(qtbot, pg_session, sample_id)
    view = first.view
    view.focus_result(0)
    type_result(qtbot, view, "80")
    _away(pg_session)
    try:
        type_result(qtbot, view, "120")
    finally:
        away._allow(pg_session, True)
    assert [e.kind for e in _journal(pg_session)] == [UNITS]

    pg_session.sign_out()
    window = _signed_in_window(qtbot, pg_session, "tech1")
    screen = _entry(window)
    assert "UITEST-0095" in screen.message.text() and "2#=120" in screen.message.text()
    assert screen is not first and screen.model.sample_id == sample_id
    assert [cell(screen.view, 0, f"unit#{n}") for n in range(1, 4)] == ["80", "120", ""]
    _said_saved(qtbot, screen)
    with open_database(away._url(pg_session)) as db:
        assert drafts.units_of(db, [ids[0]])[ids[0]].values == ("80", "120", "", "", "")
    assert _journal(pg_session) == []
    tip = str(cell(screen.view, 0, "unit#2", Qt.ItemDataRole.ToolTipRole))
    assert "not saved" not in tip and "尚未保存" not in tip


def test_another_user_or_centre_does_not_take_the_values(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 96)
    item = _items(session, sample_id)[0]
    journal_for(session.db_path, session.context.actor).keep(
        PendingWrite(RESULT, item, "0.012", sample_id=sample_id, sample_no="UITEST-0096")
    )
    window = _signed_in_window(qtbot, session, "tech2")
    assert window.current_key() != "entry" or not _entry(window).model.writes.waiting
    assert results.current_result(session.db, item) is None
    window.close()
    sign_in_as(session, "tech1")
    assert len(_journal(session)) == 1  # still there for tech1


def test_values_of_three_samples_are_each_named_and_opened_after_the_replay(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    """The journal holds values of three samples at sign-in: two of the first, one of
    the second, one of the third that another workstation has entered meanwhile. The
    replay panel names each sample with what became of its values (the refused one with
    its value and why), and each one opens from it: by double-click, by Enter, by its
    button."""
    from PySide6.QtWidgets import QListWidget

    from labdesk.services import samples

    sign_in_as(pg_session, "tech1")
    journal = journal_for(pg_session.db_path, pg_session.context.actor)
    made: list[tuple[int, list[int]]] = []
    for serial in (85, 86, 87):
        sample_id = fresh_sample(pg_session, serial)
        samples.start_testing(pg_session.context, sample_id)
        made.append((sample_id, _items(pg_session, sample_id)))
    (a, a_items), (b, b_items), (c, c_items) = made

    def keep(sample_id: int, item: int, text: str) -> None:
        number = pg_session.db.scalar("SELECT sample_no FROM samples WHERE id = ?", [sample_id])
        name = pg_session.db.scalar("SELECT name FROM sample_items WHERE id = ?", [item])
        journal.keep(
            PendingWrite(
                RESULT,
                item,
                text,
                seen_result_id=None,
                sample_id=sample_id,
                sample_no=str(number),
                item_name=str(name),
            )
        )

    keep(a, a_items[1], "0.012")
    keep(a, a_items[2], "0.013")
    keep(b, b_items[1], "0.014")
    keep(c, c_items[1], "0.015")
    results.enter_result(pg_session.context, c_items[1], "0.020")  # entered meanwhile

    pg_session.sign_out()
    window = _signed_in_window(qtbot, pg_session, "tech1")
    screen = _entry(window)
    panel = screen.replay
    assert panel.isVisible()
    assert screen.model.sample_id == a  # the first is opened for the user, as before
    listed = panel.samples
    assert isinstance(listed, QListWidget)

    def lines() -> list[str]:
        return [listed.item(r).text() for r in range(listed.count())]

    qtbot.waitUntil(lambda: not any("still waiting" in line for line in lines()), timeout=20_000)
    assert lines() == [
        "UITEST-0085: 2 value(s) — 2 written again",
        "UITEST-0086: 1 value(s) — 1 written again",
        lines()[2],
    ]
    refused = lines()[2]
    assert refused.startswith("UITEST-0087: 1 value(s) — 1 refused\n    refused: ")
    assert "= 0.015 (" in refused
    assert [away._stored(pg_session, i) for i in (a_items[1], a_items[2], b_items[1])] == [
        "0.012",
        "0.013",
        "0.014",
    ]
    assert away._stored(pg_session, c_items[1]) == "0.020"
    assert _journal(pg_session) == []

    # Each sample opens from the panel: a double-click, Enter, the button.
    def row_centre(row: int) -> QPoint:
        return listed.visualItemRect(listed.item(row)).center()

    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=row_centre(2))
    qtbot.mouseDClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=row_centre(2))
    assert screen.model.sample_id == c
    assert away._stored(pg_session, c_items[1]) == cell(screen.view, 1, "result")
    listed.setFocus()
    qtbot.keyClick(listed, Qt.Key.Key_Up)
    assert listed.currentRow() == 1
    qtbot.keyClick(listed, Qt.Key.Key_Return)
    assert screen.model.sample_id == b
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=row_centre(0))
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert screen.model.sample_id == a
    assert [cell(screen.view, r, "result") for r in (1, 2)] == ["0.012", "0.013"]
    assert panel.isVisible()  # until the user closes it
    qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible()


def test_the_replay_panel_follows_a_value_typed_over_a_replayed_one(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    """A replayed value the user types over while the worker writes it: the panel says it
    was replaced, then, the worker having had it in hand, that it was written again (the
    latest answer counts)."""
    import threading

    sample_id, ids = _plan_sample(pg_session, 84)
    screen = _screen(qtbot, pg_session, sample_id)
    queue = screen.model.writes.retry
    replayed = PendingWrite(RESULT, ids[1], "0.012", sample_id=sample_id, sample_no="UITEST-0084")
    screen.replay.follow(queue)
    screen.replay.show_replay([replayed])
    started, release = threading.Event(), threading.Event()

    def held_write(_ctx: object) -> object:
        started.set()
        release.wait(10)
        return None

    queue.put(ids[1], "0.012", held_write, lambda _r: "first saved", replayed)
    assert started.wait(10)  # the worker has it in hand
    queue.put(ids[1], "0.013", lambda _ctx: None, lambda _r: "second saved")
    line = screen.replay.samples.item(0).text()
    assert line == "UITEST-0084: 1 value(s) — 1 replaced by a value typed since"
    release.set()
    qtbot.waitUntil(
        lambda: screen.replay.samples.item(0).text() == "UITEST-0084: 1 value(s) — 1 written again",
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: not queue.active, timeout=10_000)


# ----- a write that committed, its answer lost -----------------------------------------


def test_a_value_the_centre_already_has_is_not_recorded_twice(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    """The write committed but LabDesk died before the answer came back: the journal
    still holds it; replayed at the next sign-in, the service finds the same text as the
    current result and records nothing (no second result, no audit record)."""
    sign_in_as(pg_session, "tech1")
    sample_id = fresh_sample(pg_session, 97)
    from labdesk.services import samples

    samples.start_testing(pg_session.context, sample_id)
    item = _items(pg_session, sample_id)[1]
    journal_for(pg_session.db_path, pg_session.context.actor).keep(
        PendingWrite(
            RESULT,
            item,
            "0.012",
            seen_result_id=None,
            sample_id=sample_id,
            sample_no="UITEST-0097",
            item_name="铅",
        )
    )
    results.enter_result(pg_session.context, item, "0.012", seen_result_id=None)  # it committed
    before = _count(pg_session.db, item)
    assert before[0] == 1
    chain = pg_session.db.scalar("SELECT count(*) FROM audit_log")

    pg_session.sign_out()
    window = _signed_in_window(qtbot, pg_session, "tech1")
    screen = _entry(window)
    _said_saved(qtbot, screen)
    assert _count(pg_session.db, item) == before
    assert pg_session.db.scalar("SELECT count(*) FROM audit_log") == chain
    assert not screen.message.is_error, screen.message.text()
    assert "0.012" in screen.message.text()
    assert _journal(pg_session) == []


def test_closing_over_a_waiting_value_keeps_it_for_the_next_sign_in(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    """Signed out (the window closed, the question answered yes) while a value waits: the
    closed grid's worker stops, the value stays on this computer and is saved once at the
    next sign-in."""
    from PySide6.QtCore import QCoreApplication, QEvent

    sample_id, ids = _plan_sample(pg_session, 98)
    window = _signed_in_window(qtbot, pg_session, "tech1")
    window.show_screen("entry")
    screen = _entry(window)
    screen.open_sample(sample_id)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    retry = screen.model.writes.retry
    retry.backoff = (0.2,)
    _away(pg_session)
    try:
        screen.view.focus_result(1)
        type_result(qtbot, screen.view, "0.012")
        asked: list[list[str]] = []

        def close_anyway(_window: MainWindow, names: list[str]) -> bool:
            asked.append(names)
            return True

        window.close_unsaved_provider = close_anyway
        window.close()
        assert asked and not window.isVisible()
        screen.deleteLater()  # as the app deletes the window after a sign-out
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qtbot.waitUntil(lambda: retry._thread is None, timeout=10_000)  # stopped
    finally:
        away._allow(pg_session, True)
    assert [e.text for e in _journal(pg_session)] == ["0.012"]
    assert away._stored(pg_session, ids[1]) is None

    pg_session.sign_out()
    again = _signed_in_window(qtbot, pg_session, "tech1")
    screen = _entry(again)
    _said_saved(qtbot, screen)
    assert away._stored(pg_session, ids[1]) == "0.012"
    assert _journal(pg_session) == []
