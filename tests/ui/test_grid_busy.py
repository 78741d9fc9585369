""" "The database is busy" in the result grid (issue 18), on a real PostgreSQL server:
another workstation holds the sample's row lock longer than the lock timeout, so the
server refuses the entry (LockNotAvailable). The grid keeps the value as waiting, says
the database is busy (not that the server is away), retries it off the GUI thread and
says when it is saved — the same as when the server is away.
"""

from __future__ import annotations

import psycopg
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.store.db import open_database
from labdesk.store.errors import DatabaseBusy
from labdesk.ui.session import UiSession
from tests.ui import test_result_grid_server_away as away
from tests.ui.test_result_grid_server_away import _screen, _stored, _url
from tests.ui.test_workflow import cell, type_result

# The server-away tests' fixtures: the demo centre on the test server, a session on it.
pg_demo_template = away.pg_demo_template
pg_session = away.pg_session


def _hold_sample(session: UiSession, sample_id: int) -> psycopg.Connection[tuple[object, ...]]:
    """Another workstation's open transaction holding the sample's row lock."""
    other = psycopg.connect(_url(session))
    other.execute("SELECT id FROM samples WHERE id = %s FOR UPDATE", (sample_id,))
    return other


def test_a_busy_database_keeps_the_value_and_saves_it_when_free(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    screen, ids = _screen(qtbot, pg_session)
    view = screen.view
    # This workstation gives up waiting quickly (the real timeout is 30 s).
    pg_session.db.conn.raw.execute("SET lock_timeout = '200ms'")  # type: ignore[attr-defined]
    sample_id = screen.model.sample_id
    assert sample_id is not None
    other = _hold_sample(pg_session, sample_id)
    try:
        view.focus_result(0)
        type_result(qtbot, view, "0.011")
        # Kept in the row as waiting, said to be busy — not away, not saved.
        assert cell(view, 0, "result") == "0.011"
        tip = str(cell(view, 0, "result", Qt.ItemDataRole.ToolTipRole))
        assert "Not saved" in tip or "尚未保存" in tip
        text = screen.message.text()
        assert screen.message.is_error
        assert "busy" in text or "正忙" in text
        assert "away" not in text and "无法连接" not in text
        assert view.currentIndex().row() == 1  # Enter moved on: the window did not wait
        # A value typed meanwhile joins the queue without trying the busy records again.
        type_result(qtbot, view, "0.012")
        text = screen.message.text()
        assert "busy" in text or "正忙" in text
        assert sorted(screen.model.writes.retry.waiting_ids()) == sorted(ids[:2])
        assert _stored(pg_session, ids[0]) is None
        assert screen.model.unsaved()
    finally:
        other.rollback()  # the other workstation's change ends: the records are free
        other.close()
    retry = screen.model.writes.retry
    qtbot.waitUntil(lambda: not retry.active, timeout=30_000)
    qtbot.waitUntil(lambda: cell(view, 1, "verdict") != "", timeout=5_000)
    assert _stored(pg_session, ids[0]) == "0.011"
    assert _stored(pg_session, ids[1]) == "0.012"
    assert not screen.message.is_error
    assert "free" in screen.message.text() or "空闲" in screen.message.text()
    assert cell(view, 0, "result", Qt.ItemDataRole.ToolTipRole) is None
    assert screen.model.unsaved() == []


def test_a_lock_timeout_is_the_busy_error_on_the_server(pg_session: UiSession) -> None:
    """The store names a lock timeout DatabaseBusy (what the grid retries), and the
    connection stays usable for the next change."""
    from labdesk.services import results
    from tests.ui.conftest import sign_in_as
    from tests.ui.test_workflow import fresh_sample

    sign_in_as(pg_session, "tech1")
    sample_id = fresh_sample(pg_session, 72)
    item = int(
        pg_session.db.scalar(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq LIMIT 1", (sample_id,)
        )
    )
    pg_session.db.conn.raw.execute("SET lock_timeout = '200ms'")  # type: ignore[attr-defined]
    other = _hold_sample(pg_session, sample_id)
    try:
        try:
            results.enter_result(pg_session.context, item, "0.011", seen_result_id=None)
        except DatabaseBusy as exc:
            assert "busy" in str(exc)
        else:
            raise AssertionError("the entry went through a held row lock")
    finally:
        other.rollback()
        other.close()
    results.enter_result(pg_session.context, item, "0.011", seen_result_id=None)
    with open_database(_url(pg_session)) as db:
        current = results.current_result(db, item)
        assert current is not None and current["text"] == "0.011"
