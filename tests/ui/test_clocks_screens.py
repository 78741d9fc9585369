"""The clocks in the UI: task form, approval's report class, the samples list and panel,
the Clocks & re-inspection screen, the dashboard — real widgets, typed and clicked."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from labdesk.core.workcalendar import package_years
from labdesk.services import calendar_import, summary
from labdesk.ui.session import UiSession
from tests.ui.conftest import sign_in_as
from tests.ui.typing import type_text

NEXT = package_years()[-1] + 1
FAR = date.today() + timedelta(days=400)


def _click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _click_row(qtbot: QtBot, table: QTableWidget, row: int) -> None:
    item = table.item(row, 0)
    assert item is not None
    rect = table.visualItemRect(item)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.currentRow() == row


def _show(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)


def _know_next_years(session: UiSession) -> None:
    """Test calendars (not the State Council's notice) for the years the package lacks,
    so windows reaching into them can be computed whatever today is."""
    for year in range(NEXT, date.today().year + 3):
        text = f"year,{year}\nsource,test data\ndate,kind,name\n{year}-01-01,holiday,元旦\n"
        calendar_import.import_calendar(session.context, text.encode())


def test_the_task_form_sets_purpose_level_and_food(qtbot: QtBot, session: UiSession) -> None:
    from labdesk.ui.tasks import TaskDialog

    sign_in_as(session, "manager")
    dialog = TaskDialog(session)
    _show(qtbot, dialog)
    type_text(qtbot, dialog.task_no, "RW-FOOD-UI")
    type_text(qtbot, dialog.source, "合肥市市场监督管理局")
    for combo, presses in ((dialog.purpose, 3), (dialog.org_level, 4)):
        combo.setFocus()
        for _ in range(presses):
            qtbot.keyClick(combo, Qt.Key.Key_Down)
    dialog.food.setFocus()
    qtbot.keyClick(dialog.food, Qt.Key.Key_Space)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    _click(qtbot, box.button(QDialogButtonBox.StandardButton.Ok))
    assert dialog.task_id is not None, dialog.error.text()
    row = session.db.query_one("SELECT * FROM tasks WHERE id = ?", (dialog.task_id,))
    assert row is not None
    assert (row["purpose"], row["org_level"], row["food"]) == ("风险监测", "县级", 1)


def test_the_approver_confirms_or_changes_the_report_class(
    qtbot: QtBot, session: UiSession
) -> None:
    from labdesk.services.workflow import proposed_report_class
    from labdesk.ui.review import ReviewScreen

    sign_in_as(session, "manager")
    screen = ReviewScreen(session)
    _show(qtbot, screen)
    sample_id = screen.selected_sample_id()
    assert sample_id is not None, "the demo has reviewed samples"
    proposed = proposed_report_class(session.db, sample_id)
    assert proposed and screen.report_class.currentData() == proposed
    screen.report_class.setFocus()
    qtbot.keyClick(screen.report_class, Qt.Key.Key_End)  # the last class: 24-hour report
    assert screen.report_class.currentData() == "24小时限时报告"
    _click(qtbot, screen.approve_button)
    assert not screen.message.is_error, screen.message.text()
    report = session.db.query_one(
        "SELECT report_class FROM reports WHERE sample_id = ? AND state = 'current'", (sample_id,)
    )
    assert report is not None and report["report_class"] == "24小时限时报告"
    assert session.db.scalar("SELECT urgent_due FROM samples WHERE id = ?", (sample_id,))


def test_the_samples_list_shows_a_samples_clocks_and_colours_due_dates(
    qtbot: QtBot, session: UiSession
) -> None:
    from labdesk.ui.clock_panel import DUE_SOON_BRUSH, OVERDUE_BRUSH
    from labdesk.ui.samples import COLUMNS, SamplesScreen

    sign_in_as(session, "tech1")
    screen = SamplesScreen(session)
    _show(qtbot, screen)
    model = screen.table.sample_model
    due_column = [key for key, _title, _w in COLUMNS].index("report_due_date")
    owed = session.db.query_one(
        "SELECT id, sample_no, report_due_date FROM samples WHERE state IN ('received', "
        "'testing', 'submitted', 'reviewed', 'returned') AND report_due_date IS NOT NULL "
        "ORDER BY id DESC LIMIT 1"
    )
    assert owed is not None
    row = model.loaded_ids().index(int(owed["id"]))
    screen.table.setFocus()
    qtbot.mouseClick(
        screen.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=screen.table.visualRect(model.index(row, 0)).center(),
    )
    assert (
        "Report due" in screen.clocks.text()
        and str(owed["report_due_date"]) in screen.clocks.text()
    )
    due = date.fromisoformat(str(owed["report_due_date"]))
    for today, brush in (
        (due + timedelta(days=1), OVERDUE_BRUSH),
        (due - timedelta(days=due.weekday()), DUE_SOON_BRUSH),  # Monday of its week
        (due - timedelta(days=30), None),
    ):
        model.today = today
        screen.refresh()
        row = model.loaded_ids().index(int(owed["id"]))
        assert model.index(row, due_column).data(Qt.ItemDataRole.BackgroundRole) == brush


def test_backup_samples_register_and_dispose_by_two_people(
    qtbot: QtBot, session: UiSession
) -> None:
    from labdesk.ui.clocks_screen import ClocksScreen

    sign_in_as(session, "tech1")
    screen = ClocksScreen(session)
    _show(qtbot, screen)
    tab = screen.backups
    screen.tabs.setCurrentWidget(tab)
    approved, concluded = session.db.query_one(
        "SELECT sample_no, concluded_on FROM samples WHERE state = 'approved' "
        "ORDER BY concluded_on DESC LIMIT 1"
    ) or ("", "")
    tab.today = date.fromisoformat(str(concluded))  # the day the conclusion was made
    type_text(qtbot, tab.sample_no, str(approved))
    type_text(qtbot, tab.location, "留样室 A-3-2")
    type_text(qtbot, tab.seal_no, "FY-UI-1")
    type_text(qtbot, tab.quantity, "两袋")
    _click(qtbot, tab.register_button)
    assert tab.message.is_error and "quantity" in tab.message.text()
    assert tab.table.rowCount() == 0
    tab.quantity.clear()
    type_text(qtbot, tab.quantity, "2")
    type_text(qtbot, tab.qty_unit, "袋")
    _click(qtbot, tab.register_button)
    assert not tab.message.is_error, tab.message.text()
    assert tab.table.rowCount() == 1
    keep_until = tab.table.item(0, 6)
    assert keep_until is not None and keep_until.text()  # the sample is concluded
    _click_row(qtbot, tab.table, 0)
    _click(qtbot, tab.request_disposal)
    assert tab.message.is_error and "to be kept until" in tab.message.text()
    tab.today = FAR
    tab.refresh()
    assert "due for disposal" in tab.reminder.text()
    _click_row(qtbot, tab.table, 0)
    _click(qtbot, tab.request_disposal)
    assert not tab.message.is_error, tab.message.text()
    _click_row(qtbot, tab.table, 0)
    _click(qtbot, tab.confirm_button)
    assert tab.message.is_error and "second person" in tab.message.text()
    assert session.db.scalar("SELECT state FROM backup_samples") == "release_requested"
    session.sign_out()
    sign_in_as(session, "tech2")
    _click_row(qtbot, tab.table, 0)
    _click(qtbot, tab.confirm_button)
    assert not tab.message.is_error, tab.message.text()
    row = session.db.query_one("SELECT state, requested_by, released_by FROM backup_samples")
    assert row is not None and row["state"] == "disposed"
    assert row["requested_by"] != row["released_by"]


def test_a_reinspection_refused_by_law_then_registered(qtbot: QtBot, session: UiSession) -> None:
    from labdesk.services import backups, queries
    from labdesk.ui.clocks_screen import ClocksScreen

    sign_in_as(session, "manager")
    _know_next_years(session)
    failed = str(
        session.db.scalar(
            "SELECT sample_no FROM samples WHERE state IN ('approved', 'exported') "
            "AND conclusion_code = 'fail' ORDER BY id LIMIT 1"
        )
    )
    screen = ClocksScreen(session)
    _show(qtbot, screen)
    tab = screen.cases
    screen.tabs.setCurrentWidget(tab)
    today = date.today().isoformat()
    type_text(qtbot, tab.sample_no, failed)
    type_text(qtbot, tab.applicant, "某食品有限公司")
    type_text(qtbot, tab.applied_on, today)
    type_text(qtbot, tab.received_on, today)
    _click(qtbot, tab.open_button)
    assert tab.message.is_error and "备份样品" in tab.message.text()
    assert tab.table.rowCount() == 0
    sample_id = queries.sample_id_by_no(session.db, failed)
    sign_in_as(session, "tech1")
    backups.register_backup(session.context, backups.BackupForm(sample_id, "A-1", "FY-UI-2", "1"))
    sign_in_as(session, "manager")
    _click(qtbot, tab.open_button)
    assert not tab.message.is_error, tab.message.text()
    assert tab.table.rowCount() == 1
    _click_row(qtbot, tab.table, 0)
    type_text(qtbot, tab.lab, "安徽省某检测研究院")
    type_text(qtbot, tab.result, "复检不合格")
    _click(qtbot, tab.record_button)
    assert tab.message.is_error and "released" in tab.message.text()  # two people first


def test_the_calendar_tab_imports_a_year_and_names_a_bad_row(
    qtbot: QtBot, session: UiSession, tmp_path: Path
) -> None:
    from labdesk.ui.clocks_screen import ClocksScreen

    sign_in_as(session, "manager")
    screen = ClocksScreen(session)
    _show(qtbot, screen)
    tab = screen.calendar
    screen.tabs.setCurrentWidget(tab)
    assert tab.table.rowCount() == len(package_years())
    bad = tmp_path / "bad.csv"
    bad.write_text(f"year,{NEXT}\ndate,kind,name\n{NEXT - 1}-01-01,holiday\n")
    type_text(qtbot, tab.path, str(bad))
    _click(qtbot, tab.import_button)
    assert tab.message.is_error and "row 3" in tab.message.text()
    good = tmp_path / "good.csv"
    good.write_text(f"year,{NEXT}\nsource,test data\ndate,kind,name\n{NEXT}-01-01,holiday,元旦\n")
    tab.path.clear()
    type_text(qtbot, tab.path, str(good))
    _click(qtbot, tab.import_button)
    assert not tab.message.is_error, tab.message.text()
    first = tab.table.item(0, 0)
    assert first is not None and first.text() == str(NEXT)
    assert tab.table.rowCount() == len(package_years()) + 1


def test_the_dashboard_counts_the_clocks(qtbot: QtBot, session: UiSession) -> None:
    from labdesk.ui.dashboard import DashboardScreen

    sign_in_as(session, "manager")
    screen = DashboardScreen(session)
    _show(qtbot, screen)
    qtbot.waitUntil(lambda: screen.data is not None, timeout=10_000)
    assert screen.data is not None
    counts = summary.clock_counts(session.db, screen.current_filter(), today=date.today())
    assert screen.data.clocks.report_due_week == counts.report_due_week
    assert screen.due_week_tile.value() == str(counts.report_due_week)
    assert f"backup samples due for disposal: {counts.backups_due}" in screen.clocks_label.text()
    button = screen.due_week_button
    assert isinstance(button, QPushButton)
    with qtbot.waitSignal(screen.samplesRequested, timeout=10_000) as blocker:
        _click(qtbot, button)
    ids = blocker.args[0] if blocker.args else []
    assert len(ids) == counts.report_due_week
