"""Start-up: a fresh process until LabDesk's main window is shown, vs an empty QMainWindow.

Data: a demo database of 300 samples (what `labdesk --demo` creates), made once.

Ours: a new Python process that goes the way `labdesk` does (labdesk/ui/app.py `run_app`):
creates the QApplication, installs the Chinese translators, picks the CJK font, opens the
database as the single writer (lock, PRAGMAs, schema check), signs the demo manager in
(argon2id password check), builds the main window, shows it with its first screen, and
exits as soon as the window is shown (one pass of the event loop). The sign-in dialog
is skipped — a person typing is not start-up time — so the sign-in is the service call
the dialog makes.

Baseline: a new Python process that imports PySide6, creates the QApplication and shows
an empty QMainWindow, exiting the same way.

Both run offscreen, so the figure is Python + Qt start-up and LabDesk's own work, not the
window system's. Both pay the interpreter's start and the PySide6 import; the ratio is
what LabDesk adds on top of the cheapest possible Qt program.

When labdesk/ui/app.py grows a hook to exit once the main window is shown (an environment
variable such as LABDESK_EXIT_WHEN_SHOWN=1, with the demo manager signed in
automatically), `ours` should run `python -m labdesk --db DEMO` itself instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import Benchmark

DEMO_SAMPLES = 300

OURS = r"""
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from labdesk.services import auth
from labdesk.ui import backend
from labdesk.ui.app import ensure_application, pick_font
from labdesk.ui.i18n import install_translators
from labdesk.ui.main_window import MainWindow
from labdesk.ui.session import UiSession, open_settings
from labdesk.ui.signin import apply_sign_in

db_path, settings_path = Path(sys.argv[1]), Path(sys.argv[2])
app = ensure_application()
install_translators("zh")
pick_font(app)
db = backend.open_db(db_path)
session = UiSession(db=db, db_path=db_path, settings=open_settings(settings_path))
apply_sign_in(session, auth.sign_in(db, "manager", "manager-demo"))
window = MainWindow(session)
window.show()
window.open_initial_screen()
shown = []
QTimer.singleShot(0, lambda: (shown.append(window.isVisible()), app.quit()))
app.exec()
if shown != [True]:
    sys.exit("the main window was not shown")
db.close()
"""

BASELINE = r"""
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
shown = []
QTimer.singleShot(0, lambda: (shown.append(window.isVisible()), app.quit()))
app.exec()
if shown != [True]:
    sys.exit("the window was not shown")
"""


@dataclass
class State:
    folder: Path
    db_path: Path
    settings_path: Path
    env: dict[str, str]


def setup(quick: bool) -> State:
    from labdesk.services.demo import fill_demo
    from labdesk.store.db import open_database

    folder = Path(tempfile.mkdtemp(prefix="labdesk-bench-startup-"))
    db_path = folder / "demo.sqlite"
    db = open_database(db_path)
    try:
        fill_demo(db, samples=DEMO_SAMPLES)
    finally:
        db.close()
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(folder)
    root = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    state = State(folder, db_path, folder / "settings.ini", env)
    # One untimed run of each: the first start after a build compiles .pyc files and
    # warms the OS file cache, which no later start pays.
    ours(state)
    baseline(state)
    return state


def _run(code: str, args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        raise RuntimeError(f"start-up run failed ({proc.returncode}): {proc.stderr[-2000:]}")


def ours(state: State) -> Any:
    _run(OURS, [str(state.db_path), str(state.settings_path)], state.env)


def baseline(state: State) -> Any:
    _run(BASELINE, [], state.env)


def teardown(state: State) -> None:
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="startup",
    description="new process to LabDesk's main window shown (demo, 300 samples)",
    baseline_description="new process to an empty PySide6 QMainWindow shown",
    target=1.5,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
    rounds=7,
    quick_rounds=3,
)
