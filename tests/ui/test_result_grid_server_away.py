"""When the database server is away (issue 18.5), on a real PostgreSQL server: the grid
keeps what was typed (shown as waiting, never as saved), retries on its own off the GUI
thread, says when it is saved, and nothing is half-written or silently dropped.

The server goes away for this one database: its connections are ended
(pg_terminate_backend, as a crash or restart does) and new ones are refused
(ALLOW_CONNECTIONS false, what a server that is starting up or in maintenance answers),
without stopping the shared test server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from labdesk.services import results
from labdesk.store.db import open_database
from labdesk.store.engine import ServerUrl, target_of
from labdesk.ui.entry import ResultEntryScreen
from labdesk.ui.result_grid import ResultTableView
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.test_workflow import cell, fresh_sample, type_result


@pytest.fixture(scope="session")
def pg_demo_template(demo_template: Path) -> Iterator[str]:
    """The UI demo centre copied once onto the test server (a template database)."""
    from labdesk.store.copy import copy_centre
    from tests.store.pg_world import database_name, new_database

    base = os.environ.get("LABDESK_TEST_PG_URL")
    if not base:
        pytest.skip("LABDESK_TEST_PG_URL is not set (scripts/test.sh starts a server)")
    with new_database(base) as url:
        copy_centre(demo_template, target_of(url))
        yield database_name(url)


@pytest.fixture
def pg_session(pg_demo_template: str, settings: QSettings) -> Iterator[UiSession]:
    from tests.store.pg_world import new_database

    base = os.environ["LABDESK_TEST_PG_URL"]
    with new_database(base, template=pg_demo_template) as url:
        db = open_database(url)
        session = UiSession(db=db, db_path=target_of(url), settings=settings)
        try:
            yield session
        finally:
            db.close()
            _allow(session, True)


def _url(session: UiSession) -> str:
    target = session.db_path
    assert isinstance(target, ServerUrl)
    return target.url


def _admin(session: UiSession) -> psycopg.Connection[tuple[object, ...]]:
    from tests.store.pg_world import database_url

    return psycopg.connect(database_url(_url(session), "postgres"), autocommit=True)


def _name(session: UiSession) -> str:
    from tests.store.pg_world import database_name

    return database_name(_url(session))


def _allow(session: UiSession, allowed: bool) -> None:
    """The server takes connections to this database again, or ends them and refuses."""
    name = _name(session)
    with _admin(session) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS {'true' if allowed else 'false'}")
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )


def _stored(session: UiSession, item_id: int) -> str | None:
    with open_database(_url(session)) as db:
        current = results.current_result(db, item_id)
        return None if current is None else str(current["text"])


def _screen(qtbot: QtBot, session: UiSession) -> tuple[ResultEntryScreen, list[int]]:
    sign_in_as(session, "tech1")
    sample_id = fresh_sample(session, 71)
    ids = [
        int(r[0])
        for r in session.db.query(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
        )
    ]
    screen = ResultEntryScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_sample(sample_id)
    if screen.start_button.isEnabled():
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    retry = screen.model.writes.retry
    retry.backoff = (0.2, 0.4)  # the real 1–30 s would make the test wait
    return screen, ids


def _plain_value(view: ResultTableView, row: int) -> str:
    """A value the row's item accepts (a plain number within its limit's reach)."""
    model = view.grid_model()
    assert model.plan_units(row) == 0
    return "0.011"


def test_typed_value_kept_retried_and_saved_when_the_server_is_back(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    screen, ids = _screen(qtbot, pg_session)
    view = screen.view
    view.focus_result(0)
    type_result(qtbot, view, _plain_value(view, 0))
    assert _stored(pg_session, ids[0]) == "0.011"

    _allow(pg_session, False)
    view.focus_result(1)
    type_result(qtbot, view, "0.012")
    # Kept in the row, shown as waiting — not as saved; the editor closed, Enter moved on.
    assert cell(view, 1, "result") == "0.012"
    tip = str(cell(view, 1, "result", Qt.ItemDataRole.ToolTipRole))
    assert "Not saved" in tip or "尚未保存" in tip
    assert screen.message.is_error
    assert "away" in screen.message.text() or "无法连接" in screen.message.text()
    assert view.currentIndex().row() == 2
    # A second value typed while away joins the queue (the window does not wait).
    type_result(qtbot, view, "0.013")
    assert cell(view, 2, "result") == "0.013"
    assert sorted(screen.model.writes.retry.waiting_ids()) == sorted([ids[1], ids[2]])
    # Several attempts fail while it is away; the values stay waiting.
    attempts: list[int] = []
    screen.model.writes.retry.attempted.connect(lambda n, _delay: attempts.append(n))
    qtbot.waitUntil(lambda: len(attempts) >= 2, timeout=15_000)
    assert screen.model.writes.retry.active
    assert "still away" in screen.message.text() or "仍无法连接" in screen.message.text()

    _allow(pg_session, True)
    qtbot.waitUntil(lambda: not screen.model.writes.retry.active, timeout=20_000)
    qtbot.waitUntil(lambda: cell(view, 2, "verdict") != "", timeout=5_000)
    assert _stored(pg_session, ids[1]) == "0.012"
    assert _stored(pg_session, ids[2]) == "0.013"
    assert not screen.message.is_error
    assert "back" in screen.message.text() or "已恢复" in screen.message.text()
    assert cell(view, 1, "result", Qt.ItemDataRole.ToolTipRole) is None  # saved now
    assert screen.model.unsaved() == []
    # Nothing half-written: one current result per item, the audit chain verifies.
    from labdesk.store.audit import verify_audit

    with open_database(_url(pg_session)) as db:
        for item_id in ids[:3]:
            assert (
                db.scalar(
                    "SELECT count(*) FROM results WHERE sample_item_id = ? "
                    "AND superseded_by IS NULL",
                    (item_id,),
                )
                == 1
            )
        report = verify_audit(db)
        assert report.ok, report.problem


def test_a_plan_completed_while_away_is_saved_with_its_units(
    qtbot: QtBot, pg_session: UiSession
) -> None:
    screen, ids = _screen(qtbot, pg_session)
    with pg_session.db.write(pg_session.context.actor) as w:
        w.update(
            "sample_items",
            ids[0],
            {"limit_text": "n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "unit": "CFU/g"},
            action="edit",
        )
    screen.open_sample(screen.model.sample_id)
    view = screen.view
    for value in ("80", "120", "<10", "95"):
        type_result(qtbot, view, value)
    _allow(pg_session, False)
    type_result(qtbot, view, "300")
    assert cell(view, 0, "result") == "80;120;<10;95;300"  # waiting, as typed
    assert cell(view, 0, "unit#5") == "300"
    assert screen.model.unsaved()
    _allow(pg_session, True)
    qtbot.waitUntil(lambda: not screen.model.writes.retry.active, timeout=20_000)
    assert _stored(pg_session, ids[0]) == "80;120;<10;95;300"
    with open_database(_url(pg_session)) as db:
        current = results.current_result(db, ids[0])
        assert current is not None
        units = results.result_values(db, int(current["id"]))
    assert [u["text"] for u in units] == ["80", "120", "<10", "95", "300"]
    qtbot.waitUntil(lambda: cell(view, 0, "verdict") in ("合格", "Pass"), timeout=5_000)
