"""Start-up: a fresh process until LabDesk's sign-in window is shown, vs an empty QMainWindow.

Data: a demo database of 300 samples (what `labdesk --demo` creates), made once.

Ours: `python -m labdesk --db DEMO` itself, through the application's benchmark hook
(labdesk/ui/app.py): LABDESK_EXIT_WHEN_SHOWN=1 quits as soon as the first window — the
sign-in dialog, with the centre's name and the demo accounts — is shown (one pass of the
event loop). Everything else is the real path: CLI parsing, the QApplication, the
Chinese translators, the CJK font, opening the database as the single writer (lock,
PRAGMAs, schema check), the centre check and the dialog. Signing in and the main window
are measured by `startup_signed_in`.

Baseline: a new Python process that imports PySide6, creates the QApplication and shows
an empty QMainWindow, exiting the same way.

Both run offscreen, so the figure is Python + Qt start-up and LabDesk's own work, not the
window system's. Both may write and use bytecode (.pyc) — into the benchmark's temporary
folder (PYTHONPYCACHEPREFIX), never the working tree — as an installed LabDesk has it:
with PYTHONDONTWRITEBYTECODE set (as in some CI shells) every run of ours would compile
all of LabDesk's modules again (~60–80 ms) while PySide6's .pyc came with its wheel.
Both pay the interpreter's start and the PySide6 import; the ratio is what LabDesk adds
on top of the cheapest possible Qt program. Peak RSS is the harness's (this process);
`extra` records the largest child's (`children_peak_rss_mb`, ru_maxrss of the children).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import Benchmark

DEMO_SAMPLES = 300

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


def setup_state() -> State:
    """The demo database and the child processes' environment (no sign-in hook)."""
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
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(folder)
    root = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    env["LABDESK_SETTINGS_FILE"] = str(folder / "settings.ini")
    env["LABDESK_EXIT_WHEN_SHOWN"] = "1"
    env.pop("LABDESK_AUTO_SIGN_IN", None)
    return State(folder, db_path, folder / "settings.ini", env)


def warm(state: State) -> None:
    """One untimed run of each: the first start after a build compiles .pyc files and
    warms the OS file cache, which no later start pays."""
    ours(state)
    baseline(state)


def setup(quick: bool) -> State:
    state = setup_state()
    warm(state)
    return state


def remove(state: State) -> None:
    shutil.rmtree(state.folder, ignore_errors=True)


def _run(args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        raise RuntimeError(f"start-up run failed ({proc.returncode}): {proc.stderr[-2000:]}")


def ours(state: State) -> Any:
    _run(["-m", "labdesk", "--db", str(state.db_path)], state.env)


def baseline(state: State) -> Any:
    _run(["-c", BASELINE], state.env)


def teardown(state: State) -> None:
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    BENCHMARK.extra["children_peak_rss_mb"] = round(peak_kb / 1024, 1)
    print(f"{BENCHMARK.name} extra: {BENCHMARK.extra}", file=sys.stderr)
    remove(state)


BENCHMARK = Benchmark(
    name="startup",
    description="new process to LabDesk's sign-in window shown (demo, 300 samples)",
    baseline_description="new process to an empty PySide6 QMainWindow shown",
    target=1.5,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
    rounds=7,
    quick_rounds=3,
)
