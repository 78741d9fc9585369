"""The dashboard marks the one-sample month (issue 20): every point shows its sample
count (tooltip and count row), a month with fewer than the minimum is hollow and off the
line, each point has its 95 % Wilson interval; the minimum is a setting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from labdesk.core.rates import wilson_percent
from labdesk.services import results, samples, workflow
from labdesk.store.db import open_database
from labdesk.ui.dashboard import DashboardScreen
from labdesk.ui.session import UiSession, open_settings
from labdesk.ui.signin import apply_sign_in
from tests.reports.lab import PASSWORD, USCC, make_lab

TIMEOUT = 15000


@pytest.fixture(scope="module")
def quiet_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2026-01: 11 judged samples (one fails); 2026-02: a single sample, failing."""
    path = tmp_path_factory.mktemp("trend") / "lab.sqlite"
    lab = make_lab(path)
    try:
        for n in range(12):
            day = date(2026, 1, 5 + n) if n < 11 else date(2026, 2, 10)
            sample_id = samples.register_sample(
                lab.tech,
                samples.SampleForm(
                    sample_no=f"T-{n:03d}",
                    sample_name="小白菜",
                    category_code="VEG-BRASSICA",
                    sampling_date=day,
                    enterprise_uscc=USCC[0],
                    task_no="T-2026-01",
                    samplers=["赵六", "钱七"],
                    sealed=True,
                    unit_acknowledged=True,
                ),
            )
            samples.receive_sample(lab.tech, sample_id, day)
            samples.start_testing(lab.tech, sample_id)
            fails = n in (0, 11)
            for row in lab.db.query(
                "SELECT id, code FROM sample_items WHERE sample_id = ?", (sample_id,)
            ):
                value = ("0.35" if fails else "0.05") if row["code"] == "PB" else "<0.01"
                results.enter_result(lab.tech, int(row["id"]), value)
            workflow.submit(lab.tech, sample_id)
            workflow.review(lab.reviewer, sample_id)
            workflow.approve(lab.manager, sample_id)
    finally:
        lab.db.close()
    return path


@pytest.fixture
def manager(quiet_month: Path, tmp_path: Path) -> Iterator[UiSession]:
    from labdesk.services import auth

    db = open_database(quiet_month)
    session = UiSession(db=db, db_path=quiet_month, settings=open_settings(tmp_path / "s.ini"))
    apply_sign_in(session, auth.sign_in(db, "boss", PASSWORD))
    yield session
    db.close()


def _dashboard(qtbot: QtBot, session: UiSession) -> DashboardScreen:
    screen = DashboardScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 900)
    screen.show()
    qtbot.waitUntil(lambda: screen.data is not None, timeout=TIMEOUT)
    return screen


def test_the_one_sample_month_is_hollow_counted_and_off_the_line(
    qtbot: QtBot, manager: UiSession
) -> None:
    chart = _dashboard(qtbot, manager).trend_chart
    assert chart.months == ["2026-01", "2026-02"]
    assert chart.counts == [11, 1]
    assert [label.toPlainText() for label in chart.count_labels] == ["n=11", "n=1"]
    assert chart.solid["pass"] == [0.0] and chart.hollow["pass"] == [1.0]
    assert chart.pass_curve is not None
    xs, _ys = chart.pass_curve.getData()
    assert list(xs) == [0.0]  # the line leaves the one-sample month out
    spots = {round(s.pos().x()): s for s in chart.scatters["pass"].points()}
    assert spots[1].brush().color() == QColor(255, 255, 255)  # hollow
    assert spots[0].brush().color() != QColor(255, 255, 255)
    assert chart.intervals["pass"][1] == wilson_percent(0, 1)
    assert chart.intervals["pass"][0] == wilson_percent(10, 11)
    assert "1 judged samples" in chart.tips[1] and "Fewer than 10" in chart.tips[1]
    assert "0–79.35" in chart.tips[1].replace(".00–", "–")


def test_hovering_a_point_shows_its_count(qtbot: QtBot, manager: UiSession) -> None:
    chart = _dashboard(qtbot, manager).trend_chart
    view_box = chart.getPlotItem().getViewBox()

    # pyqtgraph drops a mouse move that comes sooner than 1/mouseRateLimit s after the last
    # one it took (10 ms by default): the move onto the point must wait that long after the
    # move away, or it is never seen (the test failed 1 run in 4 so).
    gap = int(1000 / pg.getConfigOption("mouseRateLimit")) + 5

    def hover() -> bool:
        # The point's place is read at each try: on a loaded machine the plot's layout can
        # still settle after the first paint.
        where = chart.mapFromScene(chart.point_scene_pos("pass", 1))
        qtbot.mouseMove(chart.viewport(), QPoint(where.x() + 20, where.y() + 20))
        qtbot.wait(gap)
        qtbot.mouseMove(chart.viewport(), where)
        return "1 judged samples" in view_box.toolTip()

    qtbot.waitUntil(hover, timeout=TIMEOUT)


def test_the_minimum_is_a_setting(qtbot: QtBot, manager: UiSession) -> None:
    screen = _dashboard(qtbot, manager)
    spin = screen.min_samples
    assert spin.value() == 10
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "1")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert spin.value() == 1
    assert screen.trend_chart.hollow["pass"] == [] and screen.trend_chart.solid["pass"] == [0, 1]
    assert manager.settings.value("dashboard/min_samples", type=int) == 1
