"""How the HQ tabs read on a real PostgreSQL server: Cancel stops the read on the server,
one tab's figures come from one snapshot, and a filter chosen while the server is away is
not answered by the previous filter's figures without saying so.

The long read is a real one held up by a real lock: another connection holds hq_samples
in ACCESS EXCLUSIVE mode (what a schema change or a maintenance job takes), so every
read of it waits on the server, with no Cancel flag checked anywhere on the way.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from labdesk.batch.hq_store import HqStore, open_hq
from labdesk.ui.hq_alerts import HqAlertsScreen
from labdesk.ui.hq_credit import HqCreditScreen
from labdesk.ui.hq_rates import HqRatesScreen
from labdesk.ui.hq_window import HqWindow
from labdesk.ui.operations import ProgressHost
from tests.ui import test_screens_server_away as said
from tests.ui.test_hq_server_away import (
    allow,
    hq_url,
    open_window,
    pg_province_template,
    rows,
    settled,
)

__all__ = ["hq_url", "pg_province_template"]  # fixtures shared with the server-away tests

TIMEOUT = 20_000
CANCELLED_WITHIN_S = 2.0

pytestmark = pytest.mark.postgres

SCREENS: dict[str, Any] = {
    "rates": HqRatesScreen,
    "credit": HqCreditScreen,
    "alerts": HqAlertsScreen,
}


@pytest.fixture
def samples_locked(hq_url: str) -> Iterator[psycopg.Connection[Any]]:
    """hq_samples locked by another connection until the test ends: every HQ read waits."""
    holder = psycopg.connect(hq_url)  # not autocommit: the lock lasts until rollback
    holder.execute("LOCK TABLE hq_samples IN ACCESS EXCLUSIVE MODE")
    try:
        yield holder
    finally:
        holder.rollback()
        holder.close()


def waiting_on_lock(url: str) -> int:
    """How many of the database's server processes wait for a lock (a read held up)."""
    from tests.store.pg_world import database_name, database_url

    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as admin:
        found = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (database_name(url),),
        ).fetchone()
    assert found is not None
    return int(found[0])


def error_boxes() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]


@pytest.mark.parametrize("tab", sorted(SCREENS))
def test_cancel_during_a_read_held_up_on_the_server_stops_it_at_once(
    qtbot: QtBot, hq_url: str, samples_locked: psycopg.Connection[Any], tab: str
) -> None:
    """Before, Cancel only set a flag nobody looked at: the dialog went on waiting (and the
    server went on holding the query) until the lock was released."""
    screen = SCREENS[tab](lambda: open_hq(hq_url))
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    host = ProgressHost.of(screen)
    qtbot.waitUntil(lambda: host.dialog is not None and host.dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: waiting_on_lock(hq_url) == 1, timeout=TIMEOUT)
    assert screen.loading
    dialog = host.dialog
    assert dialog is not None
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None
    pressed = time.monotonic()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
    assert time.monotonic() - pressed < CANCELLED_WITHIN_S
    assert not dialog.isVisible()
    assert waiting_on_lock(hq_url) == 0  # stopped on the server, not only abandoned here
    # Nothing of the read is shown, and nothing is said to have gone wrong.
    assert screen.rows.rowCount() == 0
    if isinstance(screen, HqRatesScreen):
        assert screen.load is None and screen.levels.rowCount() == 0
        assert all(t.value() in ("", "—") for t in screen.tiles.values())
    else:
        assert screen.report is None
    assert not screen.banner.is_error and screen.banner.isHidden()
    assert not error_boxes()
    # The lock gone, the same tab reads as usual.
    samples_locked.rollback()
    screen.refresh()
    qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
    assert screen.rows.rowCount() > 0


def _late_samples(url: str, count: int = 7) -> int:
    """Copies of `count` 2026 samples, committed by another connection (an ingest)."""
    with open_hq(url) as other:
        columns = [d[0] for d in other.conn.execute("SELECT * FROM hq_samples LIMIT 0").description]
        picked = ", ".join("sample_id || '-late'" if c == "sample_id" else c for c in columns)
        other.execute(
            f"INSERT INTO hq_samples ({', '.join(columns)}) SELECT {picked} FROM hq_samples "
            "WHERE month LIKE '2026-%' AND verdict IN ('pass', 'fail') "
            "ORDER BY centre_code, sample_id LIMIT ?",
            (count,),
        )
    return count


def test_a_tab_s_figures_come_from_one_snapshot(qtbot: QtBot, hq_url: str) -> None:
    """Samples committed by another connection between two of the rates tab's queries are
    all in or all out of its figures: before, the city table was read before them and the
    level table after, and their totals disagreed."""
    win = open_window(qtbot, hq_url)
    screen = win.rates
    assert screen.period.currentData() == "2026"

    def judged(table_rows: list[list[object]]) -> int:
        return sum(int(str(r[2])) for r in table_rows)

    before = int(screen.tiles["tested"].value())
    assert judged(rows(screen.table)) == judged(rows(screen.level_table)) == before
    added: list[int] = []

    def store_with_an_ingest_between_its_queries() -> HqStore:
        store = open_hq(hq_url)
        query = store.query

        def query_then_ingest(sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
            found = query(sql, params)
            if not added:
                added.append(_late_samples(hq_url))
            return found

        store.query = query_then_ingest  # type: ignore[method-assign]
        return store

    screen.open_store = store_with_an_ingest_between_its_queries
    qtbot.keyClick(win, Qt.Key.Key_F5)
    settled(qtbot, win)
    assert added, "the ingest ran between the reads"
    now = int(screen.tiles["tested"].value())
    assert judged(rows(screen.table)) == judged(rows(screen.level_table)) == now
    assert now in (before, before + added[0])
    screen.open_store = lambda: open_hq(hq_url)
    qtbot.keyClick(win, Qt.Key.Key_F5)  # the next read sees them, everywhere
    settled(qtbot, win)
    assert int(screen.tiles["tested"].value()) == before + added[0]
    assert judged(rows(screen.table)) == judged(rows(screen.level_table)) == before + added[0]


@pytest.fixture
def window(qtbot: QtBot, hq_url: str) -> HqWindow:
    return open_window(qtbot, hq_url)


def test_a_filter_chosen_while_away_marks_the_figures_as_the_previous_filter_s(
    qtbot: QtBot, window: HqWindow, hq_url: str
) -> None:
    """Before, the level chosen showed in its box over the figures of all levels, with
    only the server-away notice: they read as the chosen level's figures."""
    screen = window.rates
    shown, tested = rows(screen.table), screen.tiles["tested"].value()
    assert screen.stale.isHidden()
    allow(hq_url, False)
    try:
        screen.level.setFocus()
        qtbot.keyClick(screen.level, Qt.Key.Key_End)  # the last level
        qtbot.waitUntil(lambda: said.AWAY["en"] in screen.banner.text(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
        assert screen.level.currentIndex() == screen.level.count() - 1  # the choice stays
        assert rows(screen.table) == shown and screen.tiles["tested"].value() == tested
        said._said_plainly(screen.banner.text(), "en")
        assert not screen.stale.isHidden()
        # Which filter the figures are of: the year, every class, every level.
        assert "previous filter (2026 · All classes · All levels)" in screen.stale.text()
        chosen = screen.level.currentText()
        assert chosen not in screen.stale.text()
    finally:
        allow(hq_url, True)
    qtbot.keyClick(window, Qt.Key.Key_F5)  # the server back: the chosen level is read
    qtbot.waitUntil(lambda: screen.stale.isHidden() and not screen.loading, timeout=TIMEOUT)
    assert screen.load is not None and screen.load.scope.level == chosen
    assert said.AWAY["en"] not in screen.banner.text()


def test_a_filter_chosen_back_while_away_unmarks_the_figures(
    qtbot: QtBot, window: HqWindow, hq_url: str
) -> None:
    """The figures shown are the chosen filter's again (the user went back to it): no
    mark, only the notice that the server is away."""
    screen = window.rates
    allow(hq_url, False)
    try:
        screen.level.setFocus()
        qtbot.keyClick(screen.level, Qt.Key.Key_End)
        qtbot.waitUntil(lambda: not screen.stale.isHidden() and not screen.loading,
                        timeout=TIMEOUT)  # fmt: skip
        qtbot.keyClick(screen.level, Qt.Key.Key_Home)  # all levels, as the figures
        qtbot.waitUntil(lambda: screen.stale.isHidden() and not screen.loading, timeout=TIMEOUT)
        assert said.AWAY["en"] in screen.banner.text()
    finally:
        allow(hq_url, True)


def test_a_filter_whose_read_is_cancelled_marks_the_figures_too(
    qtbot: QtBot, window: HqWindow, hq_url: str
) -> None:
    screen = window.rates
    shown = rows(screen.table)
    holder = psycopg.connect(hq_url)
    try:
        holder.execute("LOCK TABLE hq_samples IN ACCESS EXCLUSIVE MODE")
        screen.level.setFocus()
        qtbot.keyClick(screen.level, Qt.Key.Key_End)
        host = ProgressHost.of(screen)
        qtbot.waitUntil(lambda: host.dialog is not None and host.dialog.isVisible(),
                        timeout=TIMEOUT)  # fmt: skip
        cancel = host.dialog.findChild(QPushButton) if host.dialog else None
        assert cancel is not None
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
        assert rows(screen.table) == shown
        assert "previous filter (2026 · All classes · All levels)" in screen.stale.text()
        assert not screen.stale.isHidden() and not screen.banner.is_error
    finally:
        holder.rollback()
        holder.close()


def test_a_county_s_samples_go_when_other_filters_are_read(qtbot: QtBot, window: HqWindow) -> None:
    """The samples listed belong to a row of the figures read for the filters before:
    before, a level chosen (and read) left the county's samples of every level listed
    under the new figures."""
    from tests.ui.test_hq_window import open_county_samples

    screen = window.rates
    open_county_samples(qtbot, screen, "341200", "341221")
    screen.level.setFocus()
    qtbot.keyClick(screen.level, Qt.Key.Key_End)
    qtbot.waitUntil(
        lambda: screen.load is not None and screen.load.scope.level != "" and not screen.loading,
        timeout=TIMEOUT,
    )
    assert screen.within == "341200"  # still in the city, its counties for the level
    assert screen.sample_rows.rowCount() == 0 and screen.samples == []
