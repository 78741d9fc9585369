"""The HQ (province) window when its PostgreSQL server is away (issue 18, part 5), on a
real server, in Chinese and in English, driven by keys and clicks: each tab's read says so
plainly on the tab's own line — no unhandled error, no trace, no driver's words — keeps
the rows it showed, where it was and what the user typed or chose, and the next action
once the server is back reads again and takes the notice away.

The server goes away as for the lab screens (test_result_grid_server_away.py): the
province database's connections are ended and new ones refused (ALLOW_CONNECTIONS false,
what a server starting up or in maintenance answers). Every HQ read opens a connection of
its own, so both the "connection lost" and the "cannot connect" paths are met.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot

from labdesk.batch.hq_store import open_hq
from labdesk.ui.hq_window import HqWindow
from tests.support import IN_CI
from tests.ui import test_screens_server_away as said
from tests.ui.test_hq_window import double_click_row, open_county_samples, row_of

TIMEOUT = 20_000
language = said.language

pytestmark = pytest.mark.postgres


def _says(banner: QLabel, text: str) -> bool:
    return text in banner.text()


def _quiet(banner: QLabel, text: str) -> bool:
    return text not in banner.text()


def _base() -> str:
    base = os.environ.get("LABDESK_TEST_PG_URL")
    if not base:
        message = "LABDESK_TEST_PG_URL is not set (scripts/test.sh starts a server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return base


@pytest.fixture(scope="session")
def pg_province_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small province demo (tests/conftest.py's) ingested once onto the test server."""
    from labdesk.province.demo import build_province_demo
    from tests.store.pg_world import database_name, new_database

    base = _base()
    folder = tmp_path_factory.mktemp("pg_province")
    with new_database(base) as url:
        made = build_province_demo(
            url, folder / "centres", centres=3, samples=80, seed=7, today=date(2026, 12, 3)
        )
        assert all(o.status == "loaded" for o in made.outcomes)
        yield database_name(url)


@pytest.fixture
def hq_url(pg_province_template: str) -> Iterator[str]:
    from tests.store.pg_world import new_database

    with new_database(_base(), template=pg_province_template) as url:
        try:
            yield url
        finally:
            allow(url, True)


def allow(url: str, allowed: bool) -> None:
    """The server takes connections to this database again, or ends them and refuses."""
    from tests.store.pg_world import database_name, database_url

    name = database_name(url)
    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS {'true' if allowed else 'false'}")
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )


def open_window(qtbot: QtBot, hq_url: str) -> HqWindow:
    """The province's HQ window, shown, active and with every tab read."""
    win = HqWindow(lambda: open_hq(hq_url), "province")
    qtbot.addWidget(win)
    with qtbot.waitActive(win):  # F5 is a window shortcut: the window must be active
        win.show()
        win.activateWindow()
    win.refresh()
    settled(qtbot, win)
    return win


@pytest.fixture
def window(qtbot: QtBot, hq_url: str, language: str) -> HqWindow:
    return open_window(qtbot, hq_url)


def settled(qtbot: QtBot, win: HqWindow) -> None:
    qtbot.waitUntil(
        lambda: (
            win.rates.load is not None
            and not win.rates.loading
            and win.credit.report is not None
            and not win.credit.loading
            and win.alerts.report is not None
            and not win.alerts.loading
        ),
        timeout=TIMEOUT,
    )


def rows(view: QTableView) -> list[list[object]]:
    model = view.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def tiles(win: HqWindow) -> dict[str, str]:
    return {key: tile.value() for key, tile in win.rates.tiles.items()}


def test_f5_while_away_says_so_on_every_tab_and_keeps_what_each_showed(
    qtbot: QtBot, window: HqWindow, hq_url: str, language: str
) -> None:
    shown = {
        "rates": rows(window.rates.table),
        "levels": rows(window.rates.level_table),
        "credit": rows(window.credit.table),
        "alerts": rows(window.alerts.table),
        "alert_samples": rows(window.alerts.sample_table),
        "tiles": tiles(window),
    }
    assert all(shown.values())
    banners = (window.rates.banner, window.credit.banner, window.alerts.banner)
    allow(hq_url, False)
    try:
        qtbot.keyClick(window, Qt.Key.Key_F5)
        for banner in banners:
            qtbot.waitUntil(functools.partial(_says, banner, said.AWAY[language]), timeout=TIMEOUT)
            said._said_plainly(banner.text(), language)
            assert banner.is_error and not banner.isHidden()
        settled(qtbot, window)
        assert {
            "rates": rows(window.rates.table),
            "levels": rows(window.rates.level_table),
            "credit": rows(window.credit.table),
            "alerts": rows(window.alerts.table),
            "alert_samples": rows(window.alerts.sample_table),
            "tiles": tiles(window),
        } == shown
    finally:
        allow(hq_url, True)
    qtbot.keyClick(window, Qt.Key.Key_F5)  # the server back: read again, the notice gone
    for banner in banners:
        qtbot.waitUntil(functools.partial(_quiet, banner, said.AWAY[language]), timeout=TIMEOUT)
    settled(qtbot, window)
    assert rows(window.rates.table) == shown["rates"]
    assert rows(window.credit.table) == shown["credit"]


def test_a_drill_down_while_away_stays_where_it_was_and_works_once_back(
    qtbot: QtBot, window: HqWindow, hq_url: str, language: str
) -> None:
    """Before, the screen recorded the city before its counties were read: the table kept
    the cities under a screen that thought it was inside one, and the next city opened
    (the server back) listed that city's samples instead of its counties."""
    screen = window.rates
    table = screen.table
    cities = rows(table)
    where = screen.where.text()
    fuyang = row_of(table, "341200")
    allow(hq_url, False)
    try:
        double_click_row(qtbot, table, fuyang)
        qtbot.waitUntil(lambda: said.AWAY[language] in screen.banner.text(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
        said._said_plainly(screen.banner.text(), language)
        assert rows(table) == cities and screen.where.text() == where
        assert screen.within == "" and not screen.up_button.isEnabled()
    finally:
        allow(hq_url, True)
    double_click_row(qtbot, table, row_of(table, "341200"))  # tried again: it opens
    qtbot.waitUntil(lambda: screen.within == "341200" and not screen.loading, timeout=TIMEOUT)
    assert all(str(r[0]).startswith("3412") for r in rows(table)), rows(table)
    assert said.AWAY[language] not in screen.banner.text()
    assert screen.up_button.isEnabled()


def test_up_and_a_county_s_samples_while_away_keep_the_county_table_and_its_samples(
    qtbot: QtBot, window: HqWindow, hq_url: str, language: str
) -> None:
    screen = window.rates
    table = screen.table
    open_county_samples(qtbot, screen, "341200", "341221")
    counties, samples, where = rows(table), rows(screen.sample_table), screen.where.text()
    allow(hq_url, False)
    try:
        qtbot.mouseClick(screen.up_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: said.AWAY[language] in screen.banner.text(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
        said._said_plainly(screen.banner.text(), language)
        # Still in the city: its counties, their samples, the place and Up as they were.
        assert (rows(table), rows(screen.sample_table)) == (counties, samples)
        assert screen.within == "341200" and screen.where.text() == where
        assert screen.up_button.isEnabled()
        other = next(r for r in range(table.model().rowCount()) if r != row_of(table, "341221"))
        table.setCurrentIndex(table.model().index(other, 1))
        qtbot.keyClick(table, Qt.Key.Key_Return)  # another county's samples: not read either
        qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
        said._said_plainly(screen.banner.text(), language)
        assert rows(screen.sample_table) == samples
    finally:
        allow(hq_url, True)
    qtbot.mouseClick(screen.up_button, Qt.MouseButton.LeftButton)  # back: Up works
    qtbot.waitUntil(lambda: screen.within == "" and not screen.loading, timeout=TIMEOUT)
    assert screen.sample_rows.rowCount() == 0 and not screen.up_button.isEnabled()
    assert said.AWAY[language] not in screen.banner.text()


def test_a_period_chosen_while_away_is_kept_and_read_once_back(
    qtbot: QtBot, window: HqWindow, hq_url: str, language: str
) -> None:
    screen = window.rates
    year = int(screen.tiles["tested"].value())
    shown = rows(screen.table)
    allow(hq_url, False)
    try:
        screen.period.setFocus()
        qtbot.keyClick(screen.period, Qt.Key.Key_Home)  # all periods
        qtbot.waitUntil(lambda: said.AWAY[language] in screen.banner.text(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
        said._said_plainly(screen.banner.text(), language)
        assert screen.period.currentData() == "all"  # the user's choice stays
        # The figures kept are 2026's, and the screen says so (ui/hq_rates.py).
        assert rows(screen.table) == shown
        assert not screen.stale.isHidden()
        assert {"en": "previous filter (2026 · All classes", "zh": "上一筛选（2026 · 全部类别"}[
            language
        ] in screen.stale.text()
    finally:
        allow(hq_url, True)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: int(screen.tiles["tested"].value()) > year, timeout=TIMEOUT)
    assert screen.period.currentData() == "all"
    assert said.AWAY[language] not in screen.banner.text()
    assert screen.stale.isHidden()


def test_the_credit_search_typed_is_kept_and_its_list_filters_and_opens_while_away(
    qtbot: QtBot, window: HqWindow, hq_url: str, language: str
) -> None:
    screen = window.credit
    window.tabs.setCurrentWidget(screen)
    assert screen.report is not None
    planted = next(e for e in screen.report.enterprises if "重复1号" in e.name)
    allow(hq_url, False)
    try:
        qtbot.keyClicks(screen.search, planted.uscc[:12].lower())
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: said.AWAY[language] in screen.banner.text(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
        said._said_plainly(screen.banner.text(), language)
        assert screen.search.text() == planted.uscc[:12].lower()
        assert [r[0] for r in rows(screen.table)] == [planted.uscc]  # the list it had
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)  # the page is of what was read
        assert screen.page is not None and screen.page.isVisible()
        assert screen.page.samples.rowCount() >= 2
        screen.page.close()
    finally:
        allow(hq_url, True)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: said.AWAY[language] not in screen.banner.text(), timeout=TIMEOUT)
    settled(qtbot, window)
    assert screen.search.text() == planted.uscc[:12].lower()
    assert [r[0] for r in rows(screen.table)] == [planted.uscc]


def test_exports_while_away_write_what_the_screens_show(
    qtbot: QtBot, window: HqWindow, hq_url: str, tmp_path: Path, language: str
) -> None:
    """The figures shown were read before: exporting them needs no server."""
    import json

    rates_file, credit_file = tmp_path / "rates.json", tmp_path / "credit.json"
    window.rates.save_path_provider = lambda: rates_file
    window.credit.save_path_provider = lambda: credit_file
    allow(hq_url, False)
    try:
        qtbot.mouseClick(window.rates.export_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(window.credit.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: rates_file.exists() and credit_file.exists(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: str(credit_file) in window.credit.banner.text(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: str(rates_file) in window.rates.banner.text(), timeout=TIMEOUT)
    finally:
        allow(hq_url, True)
    codes = [r["region"] for r in json.loads(rates_file.read_text("utf-8"))["rows"]]
    assert codes == [r[0] for r in rows(window.rates.table)]


def test_a_window_opened_while_away_says_so_and_reads_on_f5(
    qtbot: QtBot, hq_url: str, tmp_path: Path, language: str
) -> None:
    """The start-up (`labdesk hq --db URL`) opens the window rather than end with an error
    dialog; nothing was ever read: each tab says why, an export says there is nothing to
    write yet (before, it asked for a file and silently wrote none), F5 reads once back."""
    from labdesk.ui.hq_app import open_hq_window

    allow(hq_url, False)
    try:
        win = open_hq_window(hq_url)
        qtbot.addWidget(win)
        with qtbot.waitActive(win):
            win.activateWindow()
        asked: list[bool] = []
        target = tmp_path / "rates.xlsx"
        win.rates.save_path_provider = lambda: asked.append(True) or target  # type: ignore[func-returns-value]
        for banner in (win.rates.banner, win.credit.banner, win.alerts.banner):
            qtbot.waitUntil(functools.partial(_says, banner, said.AWAY[language]), timeout=TIMEOUT)
            said._said_plainly(banner.text(), language)
        qtbot.waitUntil(lambda: not win.rates.loading and not win.credit.loading, timeout=TIMEOUT)
        qtbot.mouseClick(win.rates.export_button, Qt.MouseButton.LeftButton)
        assert not asked and not target.exists()
        assert {"en": "Nothing to export yet", "zh": "尚无可导出"}[language] in (
            win.rates.banner.text()
        )
    finally:
        allow(hq_url, True)
    qtbot.keyClick(win, Qt.Key.Key_F5)
    settled(qtbot, win)
    assert win.rates.rows.rowCount() > 0 and win.credit.rows.rowCount() > 0
    for banner in (win.rates.banner, win.credit.banner, win.alerts.banner):
        assert said.AWAY[language] not in banner.text()


@pytest.mark.parametrize("tab", ["rates", "credit", "alerts"])
def test_a_read_whose_connection_is_ended_under_it_says_so_and_keeps_the_rows(
    qtbot: QtBot, window: HqWindow, hq_url: str, language: str, tab: str
) -> None:
    """The connection is open and the read about to run when the server ends it (a
    restart): psycopg's error reached the tab as a program fault before."""
    import threading

    screen = getattr(window, tab)
    shown = rows(screen.table)
    opened, gate = threading.Event(), threading.Event()

    def held_store():
        store = open_hq(hq_url)
        opened.set()
        gate.wait(TIMEOUT / 1000)
        return store

    screen.open_store = held_store
    try:
        screen.refresh()
        assert opened.wait(TIMEOUT / 1000)
        allow(hq_url, False)  # ends the connection the read holds, refuses new ones
        gate.set()
        qtbot.waitUntil(lambda: said.AWAY[language] in screen.banner.text(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not screen.loading, timeout=TIMEOUT)
        said._said_plainly(screen.banner.text(), language)
        assert rows(screen.table) == shown
    finally:
        gate.set()
        allow(hq_url, True)
    screen.open_store = lambda: open_hq(hq_url)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: said.AWAY[language] not in screen.banner.text(), timeout=TIMEOUT)
    settled(qtbot, window)
    assert rows(screen.table) == shown


def test_a_database_the_server_does_not_have_is_still_refused_at_start(hq_url: str) -> None:
    from labdesk.batch.hq_store import HqStoreError
    from labdesk.ui.hq_app import open_hq_window
    from tests.store.pg_world import database_url

    with pytest.raises(HqStoreError):
        open_hq_window(database_url(hq_url, "ld_no_such_database"))
