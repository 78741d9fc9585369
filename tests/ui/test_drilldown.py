"""Dashboard drill-down: clicking a bar opens the Samples screen on exactly its samples."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from labdesk.services import summary
from labdesk.services.summary import DrillDown, SummaryFilter
from labdesk.store.db import open_reader
from labdesk.ui.dashboard import DashboardScreen
from labdesk.ui.main_window import MainWindow
from labdesk.ui.samples import SamplesScreen
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as

TIMEOUT = 15_000


def _all_ids(screen: SamplesScreen) -> list[int]:
    model = screen.table.sample_model
    while model.canFetchMore():
        model.fetchMore()
    return model.loaded_ids()


def test_a_dashboard_bar_opens_exactly_its_samples(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "manager")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1400, 1000)
    window.show()
    dashboard = window.show_screen("dashboard")
    assert isinstance(dashboard, DashboardScreen)
    qtbot.waitUntil(lambda: dashboard.data is not None, timeout=TIMEOUT)
    categories = [g for g in dashboard.data.by_category if g.key]  # type: ignore[union-attr]
    assert categories
    index = 0
    chart = dashboard.category_chart
    view_pos = chart.mapFromScene(chart.bar_scene_pos(index))
    with qtbot.waitSignal(dashboard.samplesRequested, timeout=TIMEOUT):
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(view_pos))

    reader = open_reader(session.db_path)
    try:
        expected = summary.sample_ids_for(
            reader, SummaryFilter(), DrillDown("category", categories[index].key)
        )
    finally:
        reader.close()
    assert expected
    assert window.current_key() == "samples"
    samples = window.screen_widget("samples")
    assert isinstance(samples, SamplesScreen)
    assert samples.ids_bar.isVisible()
    assert categories[index].label in samples.ids_caption.text()
    assert sorted(_all_ids(samples)) == sorted(expected)

    # The filter clears back to the whole (non-cancelled) list.
    qtbot.mouseClick(samples.clear_ids_button, Qt.MouseButton.LeftButton)
    assert not samples.ids_bar.isVisible() and samples.ids_filter is None
    everything = session.db.scalar("SELECT count(*) FROM samples")
    assert len(_all_ids(samples)) > len(expected) or len(expected) == everything
