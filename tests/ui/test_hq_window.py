"""The HQ window on a real province demo: drill-down, credit page, alerts, Excel export.

Driven by clicks and keys on the real widgets; loading runs off the GUI thread, so each
step waits for the screen to settle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from labdesk.batch.hq_store import open_hq
from labdesk.ui.hq_rates import HqRatesScreen
from labdesk.ui.hq_window import HqWindow
from labdesk.ui.i18n import install_translators, remove_translators

TIMEOUT = 20_000


@pytest.fixture
def window(qtbot: QtBot, province_demo: str) -> Iterator[HqWindow]:
    install_translators("zh")
    win = HqWindow(lambda: open_hq(province_demo), "demo")
    qtbot.addWidget(win)
    win.show()
    win.refresh()
    qtbot.waitUntil(lambda: win.rates.load is not None and not win.rates.loading, timeout=TIMEOUT)
    yield win
    remove_translators()


def double_click_row(qtbot: QtBot, view: QTableView, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def row_of(view: QTableView, code: str) -> int:
    model = view.model()
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data() == code)


def open_county_samples(qtbot: QtBot, screen: HqRatesScreen, city: str, county: str) -> None:
    """On the rates tab: into `city`'s counties (double click), then `county`'s samples
    (Enter on its row), each read to the end."""
    table = screen.table
    double_click_row(qtbot, table, row_of(table, city))
    qtbot.waitUntil(lambda: screen.within == city and not screen.loading, timeout=TIMEOUT)
    table.setCurrentIndex(table.model().index(row_of(table, county), 1))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.sample_rows.rowCount() > 0 and not screen.loading,
                    timeout=TIMEOUT)  # fmt: skip


def test_chinese_by_default_and_drill_from_city_to_samples(qtbot: QtBot, window: HqWindow) -> None:
    screen = window.rates
    assert window.tabs.tabText(0).startswith("合格率")
    assert screen.period.currentData() == "2026"  # the latest year, against 2025
    assert screen.tiles["change"].value() != "—"
    province_tested = int(screen.tiles["tested"].value())
    table = screen.table
    fuyang = row_of(table, "341200")
    city_tested = int(table.model().index(fuyang, 2).data())
    double_click_row(qtbot, table, fuyang)
    qtbot.waitUntil(lambda: screen.within == "341200" and not screen.loading, timeout=TIMEOUT)
    counties = [table.model().index(r, 2).data() for r in range(table.model().rowCount())]
    assert sum(int(c) for c in counties) == city_tested == int(screen.tiles["tested"].value())
    assert "阜阳市" in screen.where.text()
    linquan = row_of(table, "341221")
    table.setCurrentIndex(table.model().index(linquan, 1))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.sample_rows.rowCount() > 0 and not screen.loading,
                    timeout=TIMEOUT)  # fmt: skip
    assert screen.sample_rows.rowCount() == int(table.model().index(linquan, 2).data())
    assert all(s.sample_id for s in screen.samples)
    qtbot.mouseClick(screen.up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.within == "" and not screen.loading, timeout=TIMEOUT)
    assert int(screen.tiles["tested"].value()) == province_tested


def test_export_rates_to_excel(qtbot: QtBot, window: HqWindow, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "rates.xlsx"
    window.rates.save_path_provider = lambda: target
    qtbot.mouseClick(window.rates.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=TIMEOUT)
    sheet = load_workbook(target).active
    assert sheet["A1"].value == "代码" and sheet["A2"].value == "340100"
    assert sheet["F2"].data_type == "s"  # a rate stays text


def test_credit_search_and_enterprise_page(qtbot: QtBot, window: HqWindow) -> None:
    window.tabs.setCurrentWidget(window.credit)
    screen = window.credit
    qtbot.waitUntil(lambda: screen.report is not None, timeout=TIMEOUT)
    qtbot.mouseClick(screen.repeat_only, Qt.MouseButton.LeftButton)
    flags = [screen.rows.row(r)[6] for r in range(screen.rows.rowCount())]
    assert flags and all(flag == "是" for flag in flags)  # only repeat offenders now
    assert screen.report is not None
    planted = next(e for e in screen.report.enterprises if "重复1号" in e.name)
    qtbot.keyClicks(screen.search, planted.uscc[:12].lower())  # typed as the user would
    assert screen.rows.rowCount() == 1 and screen.rows.row(0)[0] == planted.uscc
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    page = screen.page
    assert page is not None and page.isVisible()
    assert "24个月内重复不合格" in page.flag.text()
    assert page.evidence.rowCount() == 1
    earlier, later = page.evidence.row(0)[0], page.evidence.row(0)[1]
    assert earlier.split()[0] != later.split()[0]  # two centres
    assert page.samples.rowCount() >= 2


def test_alerts_tab_shows_the_planted_trend_with_samples(qtbot: QtBot, window: HqWindow) -> None:
    window.tabs.setCurrentWidget(window.alerts)
    screen = window.alerts
    qtbot.waitUntil(lambda: screen.report is not None, timeout=TIMEOUT)
    first = screen.rows.row(0)
    assert (first[0], first[2]) == ("镉", "阜阳市")
    assert "Fisher" in screen.method.text()
    assert screen.samples.rowCount() > 0


def test_period_chosen_by_keyboard(qtbot: QtBot, window: HqWindow) -> None:
    screen = window.rates
    year = int(screen.tiles["tested"].value())
    screen.period.setFocus()
    qtbot.keyClick(screen.period, Qt.Key.Key_Home)  # 全部期间
    qtbot.waitUntil(lambda: screen.period.currentData() == "all" and not screen.loading,
                    timeout=TIMEOUT)  # fmt: skip
    qtbot.waitUntil(lambda: int(screen.tiles["tested"].value()) > year, timeout=TIMEOUT)
    assert screen.tiles["change"].value() == "—"  # no previous period for all of time


def test_a_slower_earlier_load_does_not_overwrite_the_drill_down(
    qtbot: QtBot, province_demo: str
) -> None:
    """The province's first load is held back until the city's counties are shown; when it
    lands at last it must be ignored, not fill the county table with city rows."""
    import threading

    from PySide6.QtCore import QThreadPool

    gate = threading.Event()

    def held_store():
        gate.wait(TIMEOUT / 1000)
        return open_hq(province_demo)

    install_translators("zh")
    try:
        # Each load takes the screen's opener when it starts, so the first one is held
        # whichever worker thread happens to run first.
        screen = HqRatesScreen(held_store)
        qtbot.addWidget(screen)
        screen.refresh()  # held at the gate: the province's cities
        screen.open_store = lambda: open_hq(province_demo)
        screen.within = "341200"
        screen.refresh()  # the city's counties: answers first
        qtbot.waitUntil(lambda: screen.load is not None and not screen.loading, timeout=TIMEOUT)
        gate.set()
        QThreadPool.globalInstance().waitForDone(TIMEOUT)
        qtbot.wait(50)  # the late answer's queued callback runs here (and must do nothing)
        codes = [
            screen.table.model().index(r, 0).data() for r in range(screen.table.model().rowCount())
        ]
        assert codes and all(str(code).startswith("3412") for code in codes), codes
        assert screen.within == "341200" and not screen.loading
    finally:
        gate.set()
        remove_translators()
