"""The application shell: main window, shortcuts, status bar, settings, first run,
second instance, and `--screenshot`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from labdesk.services import auth
from labdesk.store.db import open_database
from labdesk.store.errors import DatabaseLocked
from labdesk.ui.main_window import MainWindow
from labdesk.ui.screens import SCREENS
from labdesk.ui.session import UiSession, open_settings
from labdesk.ui.wizard import FirstRunWizard
from tests.ui.conftest import sign_in_as
from tests.ui.typing import type_text

ROOT = Path(__file__).resolve().parents[2]


def test_navigation_shortcuts_and_status_bar(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "manager")
    window = MainWindow(session)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.open_initial_screen()
    assert window.current_key() == "tasks"
    # Ctrl+1..9 reach the first nine screens in registry order (there is no Ctrl+10).
    for index, info in enumerate(SCREENS[:9]):
        focus = window.focusWidget() or window
        qtbot.keyClick(focus, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
        assert window.current_key() == info.key
        assert window.stack.currentWidget() is window.screen_widget(info.key)
    # The screens after the ninth have no shortcut: a click on their entry shows them.
    for row in range(9, len(SCREENS)):
        item = window.nav.item(row)
        window.nav.scrollToItem(item)
        where = window.nav.visualItemRect(item).center()
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=where)
        assert window.current_key() == SCREENS[row].key
    assert "manager" in window.user_label.text() or "赵" in window.user_label.text()
    assert str(session.db_path) in window.db_label.text()
    approved = session.db.scalar("SELECT count(*) FROM samples WHERE state = 'approved'")
    assert window.unsent_label.text().endswith(str(approved))


def test_geometry_and_columns_persist(qtbot: QtBot, session: UiSession, tmp_path: Path) -> None:
    sign_in_as(session, "tech1")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.show_screen("samples")
    # Inside the offscreen screen (800×800) and not below the sane 1024×640 bounded by it.
    window.resize(800, 701)
    samples = window.screen_widget("samples")
    header = samples.table.horizontalHeader()  # type: ignore[attr-defined]
    header.resizeSection(0, 222)
    window.close()
    settings_file = Path(session.settings.fileName())
    assert settings_file.parent == tmp_path  # never the real user settings

    again = MainWindow(
        UiSession(
            db=session.db,
            db_path=session.db_path,
            settings=QSettings(str(settings_file), QSettings.Format.IniFormat),
        )
    )
    qtbot.addWidget(again)
    again.session.sign_in(session.context, "tech1", "tech1", "technician")
    again.show()
    again.open_initial_screen()
    assert again.current_key() == "samples"  # the last screen shown
    assert (again.width(), again.height()) == (800, 701)
    restored = again.screen_widget("samples").table.horizontalHeader()  # type: ignore[attr-defined]
    assert restored.sectionSize(0) == 222


def _saved_geometry(settings: QSettings, width: int, height: int) -> None:
    """Store the geometry of a plain window of this size as the main window's."""
    from labdesk.ui.main_window import GEOMETRY_KEY

    plain = QWidget()
    plain.resize(width, height)
    settings.setValue(GEOMETRY_KEY, plain.saveGeometry())
    plain.deleteLater()


def test_a_tiny_saved_geometry_is_not_used(qtbot: QtBot, session: UiSession) -> None:
    from labdesk.ui.main_window import MINIMUM_SIZE, SANE_SIZE

    sign_in_as(session, "tech1")
    _saved_geometry(session.settings, 892, 260)  # what a fresh Xvfb run came up with
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.open_initial_screen()
    screen = window.screen()
    assert screen is not None
    available = screen.availableGeometry()
    needed = SANE_SIZE.boundedTo(available.size())
    assert window.width() >= needed.width() and window.height() >= needed.height()
    # The offscreen screen (800×800) is smaller than 1280×800: maximised there.
    assert available.width() < 1280 or available.height() < 800
    assert window.isMaximized()
    # The user cannot shrink it below the minimum either.
    window.showNormal()
    window.resize(300, 200)
    minimum = MINIMUM_SIZE.boundedTo(available.size())
    assert window.width() >= minimum.width() and window.height() >= minimum.height()


def test_an_off_screen_geometry_is_not_sane(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert window.geometry_is_sane()  # the default
    window.move(5000, 5000)
    assert not window.geometry_is_sane()
    window.apply_default_geometry()
    assert window.geometry_is_sane()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_navigation_labels_are_never_cut(qtbot: QtBot, session: UiSession, language: str) -> None:
    from labdesk.ui.i18n import install_translators, remove_translators

    install_translators(language)
    try:
        sign_in_as(session, "manager")
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        window.open_initial_screen()
        # Even after the user drags the splitter all the way left.
        window.splitter.setSizes([0, window.width()])
        metrics = window.nav.fontMetrics()
        for row in range(window.nav.count()):
            item = window.nav.item(row)
            text = item.text()
            rect = window.nav.visualItemRect(item)
            assert window.nav.width() >= metrics.horizontalAdvance(text) + 24, text
            assert rect.width() >= metrics.horizontalAdvance(text), text
        titles = {window.nav.item(r).text() for r in range(window.nav.count())}
        if language == "zh_CN":
            assert {"结果录入", "审计记录"} <= titles
    finally:
        remove_translators()
        QLocale.setDefault(QLocale.c())


def test_samples_list_filters_and_opens_entry(qtbot: QtBot, session: UiSession) -> None:
    sign_in_as(session, "tech1")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    screen = window.show_screen("samples")
    total = session.db.scalar("SELECT count(*) FROM samples")
    assert screen.table.sample_model.rowCount() == total  # type: ignore[attr-defined]
    sample_no = str(session.db.scalar("SELECT sample_no FROM samples WHERE state = 'testing'"))
    type_text(qtbot, screen.text_filter, sample_no)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: screen.table.sample_model.rowCount() == 1, timeout=15000)  # type: ignore[attr-defined]
    screen.table.setFocus()  # type: ignore[attr-defined]
    screen.table.selectRow(0)  # type: ignore[attr-defined]
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.current_key() == "entry"
    entry = window.screen_widget("entry")
    assert entry.sample_no.text() == sample_no  # type: ignore[attr-defined]


def test_first_run_wizard_creates_centre_and_admin(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "new.sqlite"
    db = open_database(path)
    try:
        session = UiSession(db=db, db_path=path, settings=settings)
        wizard = FirstRunWizard(session)
        qtbot.addWidget(wizard)
        wizard.show()
        page = wizard.centre_page
        type_text(qtbot, page.name, "测试县产品质量监督检验中心")
        type_text(qtbot, page.code, "CS01")
        type_text(qtbot, page.region, "34012")
        assert not page.isComplete()  # five digits
        type_text(qtbot, page.region, "1")
        assert page.isComplete()
        wizard.next()
        admin = wizard.admin_page
        type_text(qtbot, admin.password, "short")
        assert not admin.isComplete() and admin.error.text()
        admin.password.clear()
        type_text(qtbot, admin.password, "long-enough-1")
        type_text(qtbot, admin.confirm, "long-enough-2")
        assert not admin.isComplete()
        admin.confirm.clear()
        type_text(qtbot, admin.confirm, "long-enough-1")
        assert admin.isComplete()
        wizard.next()
        keys_page = wizard.keys_page
        type_text(qtbot, keys_page.passphrase, "key-passphrase")
        assert not keys_page.isComplete()  # not repeated yet
        type_text(qtbot, keys_page.confirm, "key-passphrase")
        assert keys_page.isComplete()
        keys_page.algorithm.setCurrentIndex(keys_page.algorithm.findData("ed25519"))
        wizard.next()
        wizard.accept()
        assert auth.is_set_up(db)
        centre = auth.centre(db)
        assert centre is not None and centre["code"] == "CS01" and centre["region_code"] == "340121"
        ctx = auth.sign_in(db, "admin", "long-enough-1")
        assert ctx.actor.role == "admin"
        from labdesk.services import keys

        active = keys.active_key(db)
        assert active is not None and active.algorithm == "ed25519"
        keys.load_signer(db, "key-passphrase")  # the passphrase opens it
    finally:
        db.close()


def test_second_instance_is_refused(demo_path: Path, demo_db: object) -> None:
    # demo_db holds the writer lock; a second open is refused with a plain message.
    try:
        second = open_database(demo_path)
    except DatabaseLocked as exc:
        assert str(demo_path) in str(exc)
    else:
        second.close()
        raise AssertionError("a second writer was allowed")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [sys.executable, "-m", "labdesk", "--db", str(demo_path)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=ROOT,
    )
    assert run.returncode == 2
    assert "already open" in run.stderr or "已" in run.stderr


def test_screenshot_writes_every_main_screen(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        LABDESK_SETTINGS_FILE=str(tmp_path / "shots.ini"),
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "labdesk",
            "--db",
            str(demo_path),
            "--lang",
            "en",
            "--screenshot",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) >= 9
    names = {p.stem.split("-", 1)[1] for p in pngs}
    assert {
        "sign-in",
        "tasks",
        "sampling-form",
        "result-entry",
        "review",
        "batches",
        "dashboard",
        "standards",
        "audit",
    } <= names
    for png in pngs:
        image = QImage(str(png))
        assert image.width() >= 1280 and image.height() >= 800, png.name
        # Not a blank canvas: a rendered screen has many distinct colours.
        colours = {image.pixel(x, y) for x in range(0, 1280, 37) for y in range(0, 800, 29)}
        assert len(colours) > 3, png.name
    assert not open_settings(tmp_path / "never.ini").allKeys()


def test_demo_creation_reports_progress_and_cancels_cleanly(tmp_path: Path) -> None:
    from labdesk.ui.backend import create_demo_database
    from labdesk.ui.operations import Cancelled, TaskState

    made = tmp_path / "made.sqlite"
    state = TaskState()
    create_demo_database(made, samples=60, state=state)
    done, total = state.progress()
    assert done == total == 60
    db = open_database(made)
    try:
        assert auth.centre(db) is not None and auth.demo_accounts(db)
        exported = {str(r["file_name"]) for r in db.query("SELECT file_name FROM export_batches")}
    finally:
        db.close()
    # Real signed batches, in the demo database's own outbox folder.
    outbox = tmp_path / "made-outbox"
    assert exported and {p.name for p in outbox.glob("*.labbatch")} == exported

    cancelled = tmp_path / "cancelled.sqlite"
    state = TaskState()
    state.cancel()
    with pytest.raises(Cancelled):
        create_demo_database(cancelled, samples=60, state=state)
    assert not list(tmp_path.glob("cancelled*"))  # nothing half-made is left, no outbox


def test_demo_batches_are_listed_on_the_batches_screen(
    qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    from labdesk.ui.backend import create_demo_database
    from labdesk.ui.batches import BatchesScreen

    path = tmp_path / "demo.sqlite"
    create_demo_database(path, samples=60)
    db = open_database(path)
    try:
        batch_ids = [int(r["id"]) for r in db.query("SELECT id FROM export_batches ORDER BY id")]
        session = UiSession(db=db, db_path=path, settings=settings)
        sign_in_as(session, "manager")
        screen = BatchesScreen(session)
        qtbot.addWidget(screen)
        screen.show()
        qtbot.waitUntil(lambda: bool(screen.batches) and not screen._loading, timeout=15000)
        listed = [b.batch_id for b in screen.batches if b.batch_id is not None]
        assert batch_ids and sorted(listed) == batch_ids
        assert str(tmp_path / "demo-outbox") in screen.outbox_label.text()
    finally:
        db.close()


def test_about_box_names_versions_database_and_key(qtbot: QtBot, session: UiSession) -> None:
    import sqlite3

    import PySide6
    from PySide6.QtWidgets import QMessageBox

    import labdesk
    from labdesk.batch.demo import DEMO_KDF, DEMO_KEY_ALGORITHM, DEMO_KEY_PASSPHRASE
    from labdesk.services import keys
    from labdesk.ui.about import app_icon

    sign_in_as(session, "manager")
    assert keys.active_key(session.db) is None
    key = keys.init_keys(session.context, DEMO_KEY_ALGORITHM, DEMO_KEY_PASSPHRASE, kdf=DEMO_KDF)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    action = window.findChild(QAction, "action_about")
    assert action is not None
    action.trigger()
    box = window.findChild(QMessageBox, "about_box")
    assert box is not None and box.isVisible()
    text = box.text()
    assert f"LabDesk {labdesk.__version__}" in text
    assert PySide6.__version__ in text and str(session.db_path) in text
    assert session.db.scalar("SELECT sqlite_version()") in text or sqlite3.sqlite_version in text
    assert key.fingerprint in text
    box.close()
    icon = app_icon()
    assert not icon.isNull() and any(s.width() == 32 for s in icon.availableSizes())


def test_log_file_gets_errors_and_rotates(tmp_path: Path) -> None:
    import logging

    from labdesk.ui.errors import install_log_file

    path = tmp_path / "logs" / "labdesk.log"
    assert install_log_file(path) == path
    assert path.exists()  # writable, checked up front
    logger = logging.getLogger("labdesk")
    handler = logger.handlers[-1]
    try:
        logging.getLogger("labdesk.ui.test").info("not kept")
        logging.getLogger("labdesk.ui.test").error("kept: %s", "校验失败")
        handler.flush()
        text = path.read_text(encoding="utf-8")
        assert "kept: 校验失败" in text and "not kept" not in text
        assert "ERROR labdesk.ui.test" in text
        big = "x" * 100_000
        for _ in range(12):  # > 1 MB: rotated, never one ever-growing file
            logging.getLogger("labdesk.ui.test").warning(big)
        assert (tmp_path / "logs" / "labdesk.log.1").exists()
        assert path.stat().st_size < 1_000_000
    finally:
        logger.removeHandler(handler)
        handler.close()
    # A folder that cannot be written to: no log file, no crash.
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert install_log_file(blocked / "labdesk.log") is None
