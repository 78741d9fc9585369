"""Regression guard for the PySide6 6.12.0 none_dealloc abort on Python < 3.12.

PySide6 6.12.0 on Python 3.10/3.11 aborts the interpreter ("Fatal Python error:
none_dealloc") after ~5,000 Qt calls that return None. pyproject.toml pins 6.11.x
there; this test makes 20,000 such calls in a child process so that a wrong pin
shows up as a failed test instead of a crashed application.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    from PySide6.QtCore import QCoreApplication, QObject
    app = QCoreApplication([])
    orphan = QObject()
    for _ in range(20_000):
        assert orphan.parent() is None
    print("survived")
    """
)


def test_20000_none_returning_qt_calls_do_not_abort() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "survived"
