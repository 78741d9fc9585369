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
`extra` records the children's own (`startup_child_peak_rss_mb`, the largest of ours;
`baseline_child_peak_rss_mb`), from os.wait4.
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
    name: str = "startup"


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


def _run(args: list[str], env: dict[str, str]) -> int:
    """Run a child to its end; returns its own peak RSS in KiB (os.wait4's rusage)."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            tail = errors.read()[-2000:].decode(errors="replace")
            raise RuntimeError(f"start-up run failed ({proc.returncode}): {tail}")
    return int(usage.ru_maxrss)


def _note_rss(key: str, kib: int) -> None:
    mb = round(kib / 1024, 1)
    BENCHMARK_EXTRA[key] = max(BENCHMARK_EXTRA.get(key, 0.0), mb)


# Peak RSS of the children themselves (the harness's figure is this process's), per side.
BENCHMARK_EXTRA: dict[str, float] = {}


def ours(state: State) -> Any:
    _note_rss(
        f"{state.name}_child_peak_rss_mb",
        _run(["-m", "labdesk", "--db", str(state.db_path)], state.env),
    )


def baseline(state: State) -> Any:
    _note_rss("baseline_child_peak_rss_mb", _run(["-c", BASELINE], state.env))


def teardown(state: State) -> None:
    print(f"{BENCHMARK.name} extra: {BENCHMARK_EXTRA}", file=sys.stderr)
    BENCHMARK.extra.update(BENCHMARK_EXTRA)
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
    quick_rounds=7,  # a round is under a second: seven keep the median off one noisy start
)
