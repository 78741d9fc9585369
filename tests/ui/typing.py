"""Typing helpers: QtTest's keyClicks only knows ASCII (other characters abort Qt).

Chinese text reaches a real widget through the input method (拼音 IME commits the
characters), so non-ASCII runs are sent as a QInputMethodEvent commit — what the IME
does — and ASCII runs as ordinary key clicks.
"""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def _runs(text: str) -> list[tuple[bool, str]]:
    runs: list[tuple[bool, str]] = []
    for ch in text:
        ascii_ = ch.isascii()
        if runs and runs[-1][0] == ascii_:
            runs[-1] = (ascii_, runs[-1][1] + ch)
        else:
            runs.append((ascii_, ch))
    return runs


def commit_text(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    for is_ascii, run in _runs(text):
        if is_ascii:
            qtbot.keyClicks(widget, run)
        else:
            commit_text(widget, run)
