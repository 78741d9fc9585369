"""The start-up path itself: what the sign-in window and the main window load, and
PySide's cheaper import scan.

(Speed is measured in benchmarks/bench_startup*.py; these tests check that the path
the benchmarks time is the real one, that it works, and that it stays lean.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from labdesk.store.db import Database

ROOT = Path(__file__).resolve().parents[2]

# Run the app through its benchmark hook and report what it loaded.
PROBE = """
import gc, json, sys
from labdesk.cli import main
code = main(sys.argv[1:])
import PySide6.QtCore as qtcore
import PySide6.QtWidgets as qtwidgets
print(json.dumps({
    "code": code,
    "modules": sorted(sys.modules),
    "qt_namespace": "Qt" in qtcore.__dict__,
    "message_box": "QMessageBox" in qtwidgets.__dict__,
    "gc_enabled": gc.isenabled(),
    "gc_frozen": gc.get_freeze_count(),
}))
"""


def _start(
    db: Path, tmp_path: Path, *, sign_in: str | None = None, extra: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        LABDESK_SETTINGS_FILE=str(tmp_path / "start.ini"),
        LABDESK_EXIT_WHEN_SHOWN="1",
        HOME=str(tmp_path),
    )
    env.pop("LABDESK_AUTO_SIGN_IN", None)
    if sign_in is not None:
        env["LABDESK_AUTO_SIGN_IN"] = sign_in
    return subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(db), *(extra or [])],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=ROOT,
    )


def _report(run: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert run.returncode == 0, run.stderr
    report: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return report


# Never needed before the first window: the data-heavy libraries, the signing and
# report code, the server driver, the main window and its screens.
HEAVY = ("pandas", "pyqtgraph", "numpy", "psycopg", "cryptography", "labdesk.reports")


def test_the_sign_in_window_loads_only_what_it_shows(demo_path: Path, tmp_path: Path) -> None:
    report = _report(_start(demo_path, tmp_path))
    assert report["code"] == 0
    modules = set(report["modules"])
    assert "labdesk.ui.signin" in modules
    # Nor the audit chain (json encoders, hashlib, pickle, decimal): nothing is written.
    chain = ("labdesk.store.audit", "labdesk.core.content", "hashlib", "pickle", "decimal")
    for heavy in (*HEAVY, *chain, "argon2", "labdesk.ui.main_window", "labdesk.ui.tasks"):
        assert heavy not in modules, heavy
    assert not any(
        m.startswith("labdesk.batch.") and m != "labdesk.batch.demo_passphrase" for m in modules
    )
    # PySide builds its whole `Qt` namespace (~130 enum types) on first use.
    assert report["qt_namespace"] is False
    assert report["message_box"] is False  # only made to show an error
    # The collector, paused for the start-up, runs again; the start-up's objects frozen.
    assert report["gc_enabled"] is True
    assert report["gc_frozen"] > 10_000


def test_signed_in_start_builds_the_first_screen_only(demo_path: Path, tmp_path: Path) -> None:
    report = _report(_start(demo_path, tmp_path, sign_in="manager:manager-demo"))
    assert report["code"] == 0
    modules = set(report["modules"])
    assert {"argon2", "labdesk.ui.main_window", "labdesk.ui.tasks"} <= modules
    for heavy in (*HEAVY, "labdesk.ui.dashboard", "labdesk.ui.entry", "labdesk.ui.review"):
        assert heavy not in modules, heavy
    assert "labdesk.ui.signin" not in modules  # no dialog shown: none of its widgets
    # The status bar's backup line reads two settings: the backup's check (the audit
    # chain, hashlib, pickle) waits for a backup to check.
    for chain in ("labdesk.store.restore", "labdesk.store.audit", "hashlib", "pickle"):
        assert chain not in modules, chain
    assert report["gc_enabled"] is True


def test_signed_in_start_refuses_a_wrong_password(demo_path: Path, tmp_path: Path) -> None:
    run = _start(demo_path, tmp_path, sign_in="manager:not-the-password", extra=["--lang", "en"])
    assert _report(run)["code"] == 2
    assert "wrong username or password" in run.stderr


def test_a_held_database_is_refused_in_one_line(
    demo_db: Database, demo_path: Path, tmp_path: Path
) -> None:
    run = _start(demo_path, tmp_path, extra=["--lang", "en"])
    report = _report(run)
    assert report["code"] == 2
    assert "already open" in run.stderr
    # No window was shown, so nothing was frozen; the collector runs again all the same.
    assert report["gc_enabled"] is True
    assert report["gc_frozen"] == 0


def test_the_import_scan_gives_pyside_s_answer() -> None:
    import inspect
    import json as json_module

    import labdesk.ui  # installs the scan
    import labdesk.ui.app as app_module

    feature = sys.modules["shibokensupport.feature"]
    scan = feature._mod_uses_pyside
    assert getattr(scan, "labdesk_fast", False)
    for module in (app_module, json_module, labdesk.ui, inspect, sys):
        try:
            expected = "PySide6" in inspect.getsource(module)
        except (TypeError, OSError):
            expected = False
        assert scan(module) is expected, module.__name__


def test_settings_equal_to_the_stored_ones_leave_the_file_alone(tmp_path: Path) -> None:
    from PySide6.QtCore import QByteArray

    from labdesk.ui.session import open_settings

    path = tmp_path / "settings.ini"
    first = open_settings(path)
    first.setValue("main_window/geometry", QByteArray(b"\x01\x02geometry"))
    first.setValue("main_window/screen", "tasks")
    first.sync()
    before = path.read_bytes()
    path.write_bytes(before + b"\n; a mark only a rewrite would remove\n")
    again = open_settings(path)
    again.setValue("main_window/geometry", QByteArray(b"\x01\x02geometry"))
    again.setValue("main_window/screen", "tasks")
    again.sync()
    assert path.read_bytes().endswith(b"; a mark only a rewrite would remove\n")
    again.setValue("main_window/screen", "samples")  # a change is still written
    again.sync()
    assert open_settings(path).value("main_window/screen") == "samples"
    assert b"; a mark" not in path.read_bytes()


def test_the_start_up_s_leftover_cycles_are_collected_later() -> None:
    import gc
    import weakref

    from labdesk.ui.app import tidy_heap

    class Node:
        pass

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        node = Node()
        node.self = node  # type: ignore[attr-defined]  # a cycle only the collector frees
        alive = weakref.ref(node)
        gc.freeze()  # what settle_heap does once the first window is up
        del node
        gc.collect()
        assert alive() is not None  # frozen: no pass looks at it…
        tidy_heap()
        assert alive() is None  # …until the tidy-up collects the leftovers
        assert gc.get_freeze_count() > 0  # and freezes what is left again
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def test_signing_in_through_the_window_opens_the_main_window(
    qtbot: Any, session: Any, monkeypatch: Any
) -> None:
    """The interactive path: the sign-in window, typed into; the main window's modules
    imported meanwhile (once the window is up); closing the main window ends the app."""
    import threading

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

    from labdesk.ui import app as app_module
    from tests.ui.conftest import password_of

    started: list[threading.Thread] = []
    seen: dict[str, Any] = {}
    real_prefetch = app_module.prefetch_main_window

    def prefetch(s: Any) -> threading.Thread:
        dialog = QApplication.activeModalWidget()
        seen["window_up"] = dialog is not None and dialog.objectName() == "sign_in"
        thread = real_prefetch(s)
        started.append(thread)
        return thread

    monkeypatch.setattr(app_module, "prefetch_main_window", prefetch)

    def type_in() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "sign_in" or not started:
            QTimer.singleShot(20, type_in)
            return
        user = dialog.findChild(QLineEdit, "username")
        password = dialog.findChild(QLineEdit, "password")
        assert user is not None and password is not None
        user.clear()
        qtbot.keyClicks(user, "manager")
        qtbot.keyClicks(password, password_of(session.db, "manager"))
        QTimer.singleShot(0, close_main)
        qtbot.mouseClick(dialog.findChild(QPushButton, "sign_in_button"), Qt.MouseButton.LeftButton)

    def close_main() -> None:
        window = next(
            (w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window"), None
        )
        if window is None or not window.isVisible():
            QTimer.singleShot(20, close_main)
            return
        status = window.findChild(QLabel, "status_user")
        assert status is not None
        seen["status"] = status.text()
        window.close()

    QTimer.singleShot(0, type_in)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    code = app_module._interactive(app, session, demo=True)
    assert code == 0
    assert seen["window_up"] is True  # the imports started once the sign-in window was up
    assert len(started) == 1 and not started[0].is_alive()
    assert "manager" in seen["status"] or "赵批准" in seen["status"]
