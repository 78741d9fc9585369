"""The manager screens on a real demo database: dashboard, batches, audit, standards.

Every figure a screen shows is compared with what the service computes over the same
database (never with hard-coded numbers). Widgets are real and driven with clicks and
keys; Qt runs offscreen and any Qt warning fails a test (pyproject).
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt, QThreadPool
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from labdesk.batch.demo import DEMO_KEY_PASSPHRASE, build_demo
from labdesk.services import auth, keys, queries, summary
from labdesk.services.audit import AuditReport, VerificationCancelled, verify_audit
from labdesk.services.summary import DrillDown, SummaryFilter
from labdesk.store.db import Database, open_database, open_reader
from labdesk.store.engine import DbTarget
from labdesk.ui.audit_screen import AuditScreen
from labdesk.ui.batches import BatchesScreen
from labdesk.ui.dashboard import DashboardScreen
from labdesk.ui.manager_queries import library_items
from labdesk.ui.operations import writer_pool
from labdesk.ui.session import UiSession, open_settings
from labdesk.ui.standards_screen import StandardsScreen

DEMO_SAMPLES = 200
PASSPHRASE = DEMO_KEY_PASSPHRASE  # the demo centre's signing key
TIMEOUT = 10_000


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database per module (its exported samples in real signed batches);
    each test works on its own copy."""
    folder = tmp_path_factory.mktemp("manager-demo")
    path = folder / "demo.sqlite"
    build = build_demo(path, samples=DEMO_SAMPLES, seed=3, outbox=folder / "outbox")
    assert build.batches, "the demo should have exported some batches"
    return path


@pytest.fixture
def db_path(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "centre.sqlite"
    shutil.copy(demo_template, target)
    return target


def _session(db: Database, path: Path, tmp_path: Path, username: str) -> UiSession:
    password = next(p for u, _d, _r, p in auth.DEMO_ACCOUNTS if u == username)
    ctx = auth.sign_in(db, username, password)
    session = UiSession(db=db, db_path=path, settings=open_settings(tmp_path / "settings.ini"))
    session.sign_in(ctx, username, username, ctx.role)
    return session


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    # Workers must be done before the connection they may use goes away.
    QThreadPool.globalInstance().waitForDone(TIMEOUT)
    writer_pool().waitForDone(TIMEOUT)
    database.close()


@pytest.fixture
def manager(db: Database, db_path: Path, tmp_path: Path) -> UiSession:
    return _session(db, db_path, tmp_path, "manager")


def _reader(path: DbTarget) -> Database:
    return open_reader(path)


def _click_row(qtbot: QtBot, view: QTableView, row: int, column: int = 0) -> None:
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _table(view: QTableView) -> list[list[str]]:
    model = view.model()
    return [
        [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _dashboard(qtbot: QtBot, session: UiSession) -> DashboardScreen:
    screen = DashboardScreen(session)  # starts loading off the GUI thread at once
    qtbot.addWidget(screen)
    screen.resize(1400, 1000)
    screen.show()
    qtbot.waitUntil(lambda: screen.data is not None, timeout=TIMEOUT)
    return screen


# ----- progress ------------------------------------------------------------------------


def test_progress_dialog_shows_progress_and_cancels(qtbot: QtBot) -> None:
    import threading

    from PySide6.QtWidgets import QPushButton, QWidget

    from labdesk.ui.operations import ProgressHost, TaskState, run_operation

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    started = threading.Event()
    outcomes: list[object] = []

    def work(state: TaskState) -> int:
        state.set_progress(3, 10)
        started.set()
        for _ in range(1000):  # at most ~10 s, so a failed test never hangs the run
            if state.is_cancelled():
                break
            threading.Event().wait(0.01)
        state.check()  # raises Cancelled: neither callback runs
        return 1

    op = run_operation(
        parent, work, label="working", on_success=outcomes.append,
        on_failure=outcomes.append, delay_ms=50,
    )  # fmt: skip
    host = ProgressHost.of(parent)
    qtbot.waitUntil(lambda: host.dialog is not None and host.dialog.isVisible(), timeout=TIMEOUT)
    assert started.is_set()
    dialog = host.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.maximum() == 10 and dialog.value() == 3, timeout=TIMEOUT)
    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button is not None
    try:
        with qtbot.waitSignal(op.finished, timeout=TIMEOUT):
            qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    finally:
        op.cancel()  # never leave the worker spinning, even if the click failed
    assert outcomes == [] and not dialog.isVisible()


# ----- dashboard -----------------------------------------------------------------------


def test_dashboard_shows_the_service_figures(qtbot: QtBot, manager: UiSession) -> None:
    screen = _dashboard(qtbot, manager)
    reader = _reader(manager.db_path)
    try:
        data = summary.dashboard(reader, SummaryFilter(), top=10)
        independent = reader.scalar("SELECT count(*) FROM samples WHERE state <> 'cancelled'")
        failed_sql = reader.scalar(
            "SELECT count(*) FROM samples WHERE state IN ('approved', 'exported') "
            "AND conclusion_code = 'fail'"
        )
    finally:
        reader.close()
    t = data.totals
    assert t.samples == independent and t.failed == failed_sql
    assert screen.samples_tile.value() == str(t.samples)
    assert screen.pass_tile.value() == t.pass_rate.percent_text()
    assert screen.fail_tile.value() == t.nonconformity_rate.percent_text()
    # Both rates come from the same counts: they add up to exactly 100 %.
    pass_pct, fail_pct = t.pass_rate.percent(), t.nonconformity_rate.percent()
    assert pass_pct is not None and fail_pct is not None and pass_pct + fail_pct == 100
    assert screen.overdue_tile.value() == str(data.overdue)
    shown_states = [screen.state_model.key(r) for r in range(screen.state_model.rowCount())]
    assert sorted(shown_states) == sorted(g.key for g in data.by_state)
    by_state = {g.key: str(g.counts.samples) for g in data.by_state}
    assert [row[1] for row in _table(screen.state_table)] == [by_state[k] for k in shown_states]
    assert [row[0] for row in _table(screen.items_table)] == [i.name for i in data.top_items]
    assert [row[2] for row in _table(screen.enterprises_table)] == [
        str(g.counts.failed) for g in data.top_enterprises
    ]
    categories = [g.label for g in data.by_category if g.key]
    assert screen.category_chart.labels == categories
    # The trend has a point for every month with judged samples; the line joins only
    # those with at least the minimum (10) judged, the others are drawn hollow.
    chart = screen.trend_chart
    assert chart.pass_curve is not None
    xs, _ys = chart.pass_curve.getData()
    judged = [g.counts.judged for g in data.by_month if g.key and g.counts.judged]
    assert len(chart.solid["pass"]) + len(chart.hollow["pass"]) == len(judged)
    assert len(xs) == sum(1 for n in judged if n >= 10) == len(chart.solid["pass"])


def test_dashboard_category_filter_by_keys(qtbot: QtBot, manager: UiSession) -> None:
    screen = _dashboard(qtbot, manager)
    combo = screen.category_combo
    assert combo.count() > 2
    combo.setFocus()
    with qtbot.waitSignal(screen.refreshed, timeout=TIMEOUT):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    key = combo.currentData()
    assert key
    reader = _reader(manager.db_path)
    try:
        expected = summary.totals(reader, SummaryFilter(categories=(key,)))
    finally:
        reader.close()
    assert screen.data is not None and screen.data.filter.categories == (key,)
    assert screen.samples_tile.value() == str(expected.samples)
    assert screen.pass_tile.value() == expected.pass_rate.percent_text()


def test_dashboard_period_filter(qtbot: QtBot, manager: UiSession) -> None:
    screen = _dashboard(qtbot, manager)
    today = date.today()
    combo = screen.period_combo
    combo.setFocus()
    for _ in range(combo.findData("this_month")):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    first = today.replace(day=1)
    qtbot.waitUntil(
        lambda: (
            screen.data is not None
            and screen.data.filter.date_from == first
            and not screen._loading
        ),
        timeout=TIMEOUT,
    )
    reader = _reader(manager.db_path)
    try:
        expected = summary.totals(reader, SummaryFilter(date_from=first, date_to=today))
        independent = reader.scalar(
            "SELECT count(*) FROM samples WHERE state <> 'cancelled' "
            "AND sampling_date BETWEEN ? AND ?",
            (first.isoformat(), today.isoformat()),
        )
    finally:
        reader.close()
    assert expected.samples == independent
    assert screen.samples_tile.value() == str(expected.samples)


def test_clicking_a_category_bar_opens_its_samples(qtbot: QtBot, manager: UiSession) -> None:
    screen = _dashboard(qtbot, manager)
    chart = screen.category_chart
    index = 1
    scene_pos = chart.bar_scene_pos(index)
    view_pos = chart.mapFromScene(scene_pos)
    with qtbot.waitSignal(screen.samplesRequested, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(view_pos))
    ids, _caption = blocker.args
    assert screen.data is not None
    categories = [g for g in screen.data.by_category if g.key]
    key = categories[index].key
    assert chart.labels[index] == categories[index].label
    reader = _reader(manager.db_path)
    try:
        expected = summary.sample_ids_for(reader, SummaryFilter(), DrillDown("category", key))
        nos = {
            str(r["sample_no"])
            for r in reader.query(
                f"SELECT sample_no FROM samples WHERE id IN ({','.join('?' * len(expected))})",
                expected,
            )
        }
    finally:
        reader.close()
    assert ids == expected and len(ids) > 0
    screen.drill_model.fetch_all()
    assert {row[0] for row in _table(screen.drill_table)} == nos


def test_clicking_a_failing_item_row_opens_the_failing_samples(
    qtbot: QtBot, manager: UiSession
) -> None:
    screen = _dashboard(qtbot, manager)
    assert screen.items_model.rowCount() > 0
    with qtbot.waitSignal(screen.samplesRequested, timeout=TIMEOUT) as blocker:
        _click_row(qtbot, screen.items_table, 0)
    name = screen.items_model.key(0)
    reader = _reader(manager.db_path)
    try:
        expected = summary.sample_ids_for(reader, SummaryFilter(), DrillDown("item", name, "fail"))
        top = summary.failing_items(reader, limit=1)[0]
    finally:
        reader.close()
    assert blocker.args[0] == expected
    assert len(expected) == top.failed  # one item of that name per sample
    screen.drill_model.fetch_all()
    assert screen.drill_model.rowCount() == len(expected)

    # A failing enterprise's row opens its failed samples; a state's row its samples.
    with qtbot.waitSignal(screen.samplesRequested, timeout=TIMEOUT) as blocker:
        _click_row(qtbot, screen.enterprises_table, 0)
    enterprise = str(screen.enterprises_model.key(0))
    with qtbot.waitSignal(screen.samplesRequested, timeout=TIMEOUT) as state_blocker:
        _click_row(qtbot, screen.state_table, 0)
    state = str(screen.state_model.key(0))
    reader = _reader(manager.db_path)
    try:
        assert blocker.args[0] == summary.sample_ids_for(
            reader, SummaryFilter(), DrillDown("enterprise", enterprise, "fail")
        )
        assert state_blocker.args[0] == [
            int(r[0])
            for r in reader.query("SELECT id FROM samples WHERE state = ? ORDER BY id", (state,))
        ]
    finally:
        reader.close()


def test_dashboard_exports_its_tables(qtbot: QtBot, manager: UiSession, tmp_path: Path) -> None:
    import openpyxl

    screen = _dashboard(qtbot, manager)
    out = tmp_path / "dashboard.xlsx"
    screen.export_to(out)
    qtbot.waitUntil(lambda: screen.banner.isVisible(), timeout=TIMEOUT)
    assert not screen.banner.is_error, screen.banner.text()
    book = openpyxl.load_workbook(out, read_only=True)
    assert "总览" in book.sheetnames and "不合格项目" in book.sheetnames
    sheet = book["总览"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["样品数"] == int(screen.samples_tile.value())


# ----- batches -------------------------------------------------------------------------


def _batches(qtbot: QtBot, session: UiSession) -> BatchesScreen:
    screen = BatchesScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1300, 900)
    screen.show()
    qtbot.waitUntil(lambda: bool(screen.batches) and not screen._loading, timeout=TIMEOUT)
    return screen


def test_batches_show_the_service_summaries(qtbot: QtBot, manager: UiSession) -> None:
    screen = _batches(qtbot, manager)
    reader = _reader(manager.db_path)
    try:
        expected = summary.batch_summaries(reader)
        unexported = len(queries.approved_unexported_samples(reader))
    finally:
        reader.close()
    rows = _table(screen.list_table)
    assert len(rows) == len(expected)
    assert [int(r[4]) for r in rows] == [b.counts.samples for b in expected]
    assert [r[7] for r in rows] == [b.counts.pass_rate.percent_text() for b in expected]
    pending = screen.pending()
    assert pending is not None and pending.counts.samples == unexported
    assert screen.samples_model.rowCount() == unexported  # first row (pending) selected
    _click_row(qtbot, screen.list_table, 1)
    assert screen.samples_model.rowCount() == expected[1].counts.samples
    assert screen.rewrite_button.isEnabled()


def _fingerprint(session: UiSession) -> str:
    key = keys.active_key(session.db)
    assert key is not None
    return key.fingerprint


def _export_via_dialog(qtbot: QtBot, screen: BatchesScreen, folder: Path, passphrase: str) -> None:
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    dialog = screen.export_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # not signed off yet
    dialog.sign_off.click()
    dialog.folder.setText(str(folder))
    qtbot.keyClicks(dialog.passphrase, passphrase)
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(screen.exportFinished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_export_from_the_batches_screen_writes_a_signed_batch(
    qtbot: QtBot, manager: UiSession, tmp_path: Path
) -> None:
    fingerprint = _fingerprint(manager)
    screen = _batches(qtbot, manager)
    assert fingerprint[:4] in screen.key_label.text()
    pending = screen.pending()
    assert pending is not None
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    _export_via_dialog(qtbot, screen, outbox, PASSPHRASE)
    assert not screen.banner.is_error, screen.banner.text()
    written = sorted(outbox.glob("*.labbatch"))
    assert len(written) == 1
    assert queries.approved_unexported_samples(manager.db) == []
    qtbot.waitUntil(lambda: not screen._loading, timeout=TIMEOUT)
    assert screen.pending() is None and not screen.export_button.isEnabled()

    # A lost file is written again byte-identical from the database.
    original = written[0].read_bytes()
    written[0].unlink()
    newest = screen.batches[0]
    assert newest.file_name == written[0].name
    with qtbot.waitSignal(screen.exportFinished, timeout=TIMEOUT):
        screen.rewrite(int(newest.sequence or 0), str(outbox))
    assert written[0].read_bytes() == original


def test_cancelling_an_export_leaves_everything_as_it_was(
    qtbot: QtBot, manager: UiSession, tmp_path: Path
) -> None:
    screen = _batches(qtbot, manager)
    before = queries.approved_unexported_samples(manager.db)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    # Hold the writer's lock so the export worker waits at its first database call, then
    # cancel: the worker sees the flag at its next check, deterministically.
    with qtbot.waitSignal(screen.exportFinished, timeout=TIMEOUT), manager.db.lock:
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
        dialog = screen.export_dialog
        assert dialog is not None
        dialog.sign_off.click()
        dialog.folder.setText(str(outbox))
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert screen.export_operation is not None
        screen.export_operation.cancel()
    assert screen.banner.is_error and "cancel" in screen.banner.text().lower()
    assert queries.approved_unexported_samples(manager.db) == before
    assert list(outbox.iterdir()) == []  # no file, not even a partial one


def test_a_wrong_passphrase_is_shown_and_nothing_is_exported(
    qtbot: QtBot, manager: UiSession, tmp_path: Path
) -> None:
    screen = _batches(qtbot, manager)
    before = len(queries.approved_unexported_samples(manager.db))
    _export_via_dialog(qtbot, screen, tmp_path, "not the passphrase")
    assert screen.banner.is_error and screen.banner.text()
    assert list(tmp_path.glob("*.labbatch")) == []
    assert len(queries.approved_unexported_samples(manager.db)) == before


def test_a_technician_pressing_export_gets_the_service_refusal(
    qtbot: QtBot, db: Database, db_path: Path, tmp_path: Path
) -> None:
    technician = _session(db, db_path, tmp_path, "tech1")
    screen = _batches(qtbot, technician)
    _export_via_dialog(qtbot, screen, tmp_path, PASSPHRASE)
    assert screen.banner.is_error
    assert "无此权限" in screen.banner.text() or "may not" in screen.banner.text()
    assert list(tmp_path.glob("*.labbatch")) == []


def test_outbox_folder_is_changed_through_the_service(
    qtbot: QtBot, db: Database, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    tech = _session(db, db_path, tmp_path, "tech1")
    screen = _batches(qtbot, tech)
    before = screen.outbox_dir()
    screen.set_outbox(str(folder))
    assert screen.banner.is_error  # the service refuses a technician
    assert screen.outbox_dir() == before

    manager = _session(db, db_path, tmp_path, "manager")
    screen = _batches(qtbot, manager)
    screen.set_outbox("relative/folder")
    assert screen.banner.is_error  # the service's rule: an absolute path
    assert screen.outbox_dir() == before
    screen.set_outbox(str(folder))
    assert not screen.banner.is_error, screen.banner.text()
    centre = auth.centre(db)
    assert centre is not None and centre["outbox_dir"] == str(folder)
    assert screen.outbox_label.text() == str(folder)


# ----- audit ---------------------------------------------------------------------------


def _audit(qtbot: QtBot, session: UiSession) -> AuditScreen:
    screen = AuditScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1300, 900)
    screen.show()
    qtbot.waitUntil(lambda: screen.choices_loaded, timeout=TIMEOUT)
    return screen


def _keys(screen: AuditScreen) -> list[int]:
    screen.model.fetch_all()
    return [int(screen.model.key(r)) for r in range(screen.model.rowCount())]


def test_audit_verify_intact_then_broken_after_tamper(
    qtbot: QtBot, manager: UiSession, db_path: Path
) -> None:
    screen = _audit(qtbot, manager)
    with qtbot.waitSignal(screen.verified, timeout=TIMEOUT):
        qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    assert screen.report is not None and screen.report.ok
    assert "intact" in screen.verify_label.text()

    # Someone edits a stored result behind the program's back.
    raw = sqlite3.connect(db_path)
    with raw:
        raw.execute("UPDATE results SET text = '999' WHERE id = (SELECT min(id) FROM results)")
    raw.close()
    with qtbot.waitSignal(screen.verified, timeout=TIMEOUT):
        qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    expected = verify_audit(manager.db)
    assert screen.report is not None and not screen.report.ok and not expected.ok
    assert screen.report.first_broken_seq == expected.first_broken_seq
    assert "BROKEN" in screen.verify_label.text()
    assert str(expected.first_broken_seq) in screen.verify_label.text()


def test_audit_verify_cancel_stops_and_says_so(
    qtbot: QtBot, manager: UiSession, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import labdesk.ui.audit_screen as audit_screen
    from labdesk.ui.operations import TaskState

    # The store itself stops when the state is cancelled (what the dialog's Cancel does).
    state = TaskState()
    state.cancel()
    with pytest.raises(VerificationCancelled):
        audit_screen.verify_file(db_path, state)

    # Through the screen: the user presses Cancel as the verification starts.
    real = audit_screen.verify_file

    def cancelled_at_once(path: Path, state: TaskState | None = None) -> AuditReport:
        assert state is not None
        state.cancel()
        return real(path, state)

    monkeypatch.setattr(audit_screen, "verify_file", cancelled_at_once)
    screen = _audit(qtbot, manager)
    with qtbot.waitSignal(screen.verified, timeout=TIMEOUT):
        qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    assert screen.report is None
    assert "cancelled" in screen.verify_label.text().lower()
    assert not screen.banner.is_error
    assert screen.verify_button.isEnabled()

    # And without Cancel the next run completes and reports as usual.
    monkeypatch.setattr(audit_screen, "verify_file", real)
    with qtbot.waitSignal(screen.verified, timeout=TIMEOUT):
        qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    assert screen.report is not None and screen.report.ok


def test_audit_search_by_sample_lists_its_whole_history(qtbot: QtBot, manager: UiSession) -> None:
    screen = _audit(qtbot, manager)
    all_count = manager.db.scalar("SELECT count(*) FROM audit_log")
    assert len(_keys(screen)) == all_count  # newest first, every entry reachable by paging
    sample_no = str(
        manager.db.scalar("SELECT sample_no FROM samples WHERE state = 'exported' LIMIT 1")
    )
    qtbot.keyClicks(screen.sample_edit, sample_no)
    qtbot.keyClick(screen.sample_edit, Qt.Key.Key_Return)
    history = queries.sample_history(manager.db, queries.sample_id_by_no(manager.db, sample_no))
    assert _keys(screen) == sorted((e["seq"] for e in history), reverse=True)
    # Selecting a row shows old → new and the reason.
    _click_row(qtbot, screen.table, 0)
    assert f"Entry {screen.model.key(0)}" in screen.detail.toPlainText()


def test_audit_search_by_user_action_and_unknown_sample(qtbot: QtBot, manager: UiSession) -> None:
    screen = _audit(qtbot, manager)
    screen.user_combo.setCurrentIndex(screen.user_combo.findData("manager"))
    screen.action_combo.setCurrentIndex(screen.action_combo.findData("export"))
    qtbot.mouseClick(screen.search_button, Qt.MouseButton.LeftButton)
    expected = [
        int(r[0])
        for r in manager.db.query(
            "SELECT seq FROM audit_log WHERE username = 'manager' AND action = 'export' "
            "ORDER BY seq DESC"
        )
    ]
    assert expected and _keys(screen) == expected
    screen.dates_check.setChecked(True)
    qtbot.mouseClick(screen.search_button, Qt.MouseButton.LeftButton)
    assert _keys(screen) == expected  # the demo was written today
    qtbot.keyClicks(screen.sample_edit, "NO-SUCH-SAMPLE")
    qtbot.keyClick(screen.sample_edit, Qt.Key.Key_Return)
    assert screen.banner.is_error and "NO-SUCH-SAMPLE" in screen.banner.text()
    assert screen.model.rowCount() == 0


# ----- standards -----------------------------------------------------------------------


def _standards(qtbot: QtBot, session: UiSession) -> StandardsScreen:
    """The Standards screen on its flat-library tab (clicked, as a user would)."""
    screen = StandardsScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1300, 900)
    screen.show()
    bar = screen.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert screen.tabs.currentIndex() == 1
    return screen


def test_standards_search_filters_items_and_tree(qtbot: QtBot, manager: UiSession) -> None:
    screen = _standards(qtbot, manager)
    everything = library_items(manager.db)
    assert screen.items_model.rowCount() == len(everything)
    assert screen.sample_warning.isVisible()  # the shipped library is sample data
    qtbot.keyClicks(screen.search_edit, "cadmium")  # matches 镉's English name, any case
    fields = ("name", "name_en", "standard_no", "standard_title", "category_name",
              "category_code", "test_method")  # fmt: skip
    matching = [i for i in everything if any("cadmium" in str(i[f]).lower() for f in fields)]
    assert matching and screen.items_model.rowCount() == len(matching)
    assert all("镉" in row[1] for row in _table(screen.items_table))
    numbers = {f"{i['standard_no']}-{i['standard_year']}" for i in matching}
    assert {s.key for s in screen.standards} == numbers
    # Choosing a category narrows to it.
    top = screen.tree.topLevelItem(0)
    assert top is not None
    child = top.child(0)
    assert child is not None
    rect = screen.tree.visualItemRect(child)
    qtbot.mouseClick(screen.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    code = child.data(0, Qt.ItemDataRole.UserRole + 1)[2]
    assert {row[0].rsplit("(", 1)[1].rstrip(")") for row in _table(screen.items_table)} == {code}


def _stored_library_csv(db: Database, path: Path) -> Path:
    from labdesk.core.library_io import write_library_csv
    from labdesk.services.exports import stored_library

    write_library_csv(stored_library(db), path)
    return path


def test_standards_import_preview_lists_row_and_column_errors(
    qtbot: QtBot, manager: UiSession, tmp_path: Path
) -> None:
    path = _stored_library_csv(manager.db, tmp_path / "library.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    limit_col = rows[0].index("limit")
    rows[3][limit_col] = "about 5"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    screen = _standards(qtbot, manager)
    dialog = screen.preview_import(path)
    assert not dialog.ok_button.isEnabled()
    problems = _table(dialog.table)
    assert problems[0][:2] == ["4", "limit"]
    dialog.reject()


def test_standards_import_preview_of_an_excel_library(
    qtbot: QtBot, manager: UiSession, tmp_path: Path
) -> None:
    from labdesk.core.library_io import write_library_excel
    from labdesk.services.exports import stored_library

    library = stored_library(manager.db)
    path = tmp_path / "library.xlsx"
    write_library_excel(library, path)
    screen = _standards(qtbot, manager)
    dialog = screen.preview_import(path)
    assert dialog.ok_button.isEnabled()
    assert dialog.model.rowCount() == len(library.items)
    assert str(len(library.items)) in dialog.summary_label.text()
    dialog.reject()
    assert screen.banner.text() == ""


def test_standards_export_imports_back_unchanged(
    qtbot: QtBot, manager: UiSession, tmp_path: Path
) -> None:
    from labdesk.core.library_io import load_library
    from labdesk.services.exports import stored_library

    screen = _standards(qtbot, manager)
    for name in ("library.csv", "library.xlsx"):
        screen.export_library(tmp_path / name)
        assert not screen.banner.is_error, screen.banner.text()
        assert load_library(tmp_path / name) == stored_library(manager.db)


def test_standards_import_and_abolish_need_an_admin(
    qtbot: QtBot, db: Database, db_path: Path, tmp_path: Path
) -> None:
    manager = _session(db, db_path, tmp_path, "manager")
    path = _stored_library_csv(db, tmp_path / "library.csv")
    screen = _standards(qtbot, manager)
    dialog = screen.preview_import(path)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert screen.banner.is_error  # a manager may not import the library
    before = db.scalar("SELECT count(*) FROM lib_items")

    admin = _session(db, db_path, tmp_path, "admin")
    screen = _standards(qtbot, admin)
    dialog = screen.preview_import(path)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not screen.banner.is_error, screen.banner.text()
    # The file is the library in use: nothing is written again (issue 21.7).
    assert "No change" in screen.banner.text()
    assert db.scalar("SELECT count(*) FROM lib_items") == before

    # Abolish the first standard from a date through the dialog: a reason is required,
    # only that standard's rows change, and nothing is re-imported.
    first = screen.tree.topLevelItem(0)
    assert first is not None
    screen.tree.setCurrentItem(first)
    standard = screen.selected_standard()
    assert standard is not None
    rows_before = db.scalar("SELECT count(*) FROM lib_items")
    others_before = db.query(
        "SELECT id, abolished_from FROM lib_items "
        "WHERE NOT (standard_no = ? AND standard_year = ?)",
        (standard.number, standard.year),
    )
    day = date(2030, 1, 1)
    qtbot.mouseClick(screen.abolish_button, Qt.MouseButton.LeftButton)
    abolish = screen.abolish_dialog
    assert abolish is not None
    abolish.date_edit.setDate(QDate(2030, 1, 1))
    assert not abolish.ok_button.isEnabled()  # no reason yet
    abolish.reason_edit.setText("   ")
    assert not abolish.ok_button.isEnabled()
    abolish.reason_edit.setText("replaced by the 2029 version")
    assert abolish.ok_button.isEnabled()
    qtbot.mouseClick(abolish.ok_button, Qt.MouseButton.LeftButton)
    assert not screen.banner.is_error, screen.banner.text()
    stored = {
        str(r[0])
        for r in db.query(
            "SELECT abolished_from FROM lib_items WHERE active = 1 "
            "AND standard_no = ? AND standard_year = ?",
            (standard.number, standard.year),
        )
    }
    assert stored == {day.isoformat()}
    assert db.scalar("SELECT count(*) FROM lib_items") == rows_before  # no re-import
    assert [tuple(r) for r in others_before] == [
        tuple(r)
        for r in db.query(
            "SELECT id, abolished_from FROM lib_items "
            "WHERE NOT (standard_no = ? AND standard_year = ?)",
            (standard.number, standard.year),
        )
    ]
    reasons = {
        str(r[0])
        for r in db.query("SELECT reason FROM audit_log WHERE action = 'abolish_standard'")
    }
    assert reasons == {"replaced by the 2029 version"}
    first = screen.tree.topLevelItem(0)
    assert first is not None and "2030-01-01" in first.text(0)

    # The service, not the dialog, enforces the rules: an empty reason is refused ...
    screen.abolish(standard, date(2031, 1, 1), "")
    assert screen.banner.is_error and "reason" in screen.banner.text()
    # ... and so is a manager.
    screen = _standards(qtbot, manager)
    screen.abolish(standard, date(2031, 1, 1), "tidy up")
    assert screen.banner.is_error
    assert (
        db.scalar(
            "SELECT count(*) FROM lib_items WHERE active = 1 AND abolished_from = '2031-01-01'"
        )
        == 0
    )


def test_a_library_item_rule_is_previewed_imported_and_listed(
    qtbot: QtBot, db: Database, db_path: Path, tmp_path: Path
) -> None:
    path = _stored_library_csv(db, tmp_path / "library.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[0] += ["factor", "rounding", "screening"]
    rows[1] += ["0.847", "", ""]
    for row in rows[2:]:
        row += ["", "", ""]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    name = rows[1][rows[0].index("item_name_zh")]
    admin = _session(db, db_path, tmp_path, "admin")
    screen = _standards(qtbot, admin)
    dialog = screen.preview_import(path)
    assert dialog.ok_button.isEnabled()
    assert "0.847" in _table(dialog.table)[0][-1]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not screen.banner.is_error, screen.banner.text()
    assert db.scalar("SELECT count(*) FROM lib_items WHERE active = 1 AND factor = '0.847'") == 1
    listed = [r for r in _table(screen.items_table) if r[1] == name and "0.847" in r[-1]]
    assert len(listed) == 1
