"""The operation API: work off the GUI thread, results back on it, delayed progress, cancel."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from labdesk.core.errors import ValidationError
from labdesk.ui.operations import Cancelled, TaskState, run_operation


def test_task_state_without_qt() -> None:
    state = TaskState()
    seen: list[tuple[int, int]] = []
    state._set_listener(lambda d, t: seen.append((d, t)))
    state.set_progress(3, 10)
    assert state.progress() == (3, 10)
    assert seen == [(3, 10)]
    assert not state.is_cancelled()
    state.cancel()
    assert state.is_cancelled()
    with pytest.raises(Cancelled):
        state.check()


def test_cancel_calls_the_hooks_of_the_work_waiting_and_ends_it_as_cancelled() -> None:
    """Work that waits inside one long call registers what stops it; Cancel calls that
    (off the calling thread: a hook may wait on the network), and whatever the stopped
    call then raises leaves the block as `Cancelled`."""
    state = TaskState()
    stopped = threading.Event()
    callers: list[threading.Thread] = []

    def stop() -> None:
        callers.append(threading.current_thread())
        stopped.set()

    with pytest.raises(Cancelled) as raised, state.cancelling(stop):
        state.cancel()
        assert stopped.wait(5)
        raise RuntimeError("the query was cancelled")  # what the stopped call raises
    assert isinstance(raised.value.__cause__, RuntimeError)
    assert callers and callers[0] is not threading.current_thread()
    # The hook is gone with the block; a block entered after Cancel does not start.
    assert state._hooks == []
    ran: list[bool] = []
    with pytest.raises(Cancelled), state.cancelling(stop):
        ran.append(True)
    assert ran == []


def test_a_block_that_ends_after_cancel_is_cancelled_and_errors_before_it_are_not() -> None:
    state = TaskState()
    with pytest.raises(ValueError), state.cancelling(lambda: None):
        raise ValueError("a real failure, not the user's Cancel")
    with pytest.raises(Cancelled), state.cancelling(lambda: None):
        state.cancel()  # the read finished just as the user cancelled: not shown


def test_result_arrives_on_gui_thread(qtbot: QtBot) -> None:
    gui = QThread.currentThread()
    worker_threads: list[object] = []
    results: list[tuple[int, bool]] = []

    def work(state: TaskState) -> int:
        worker_threads.append(QThread.currentThread())
        for i in range(5):
            state.set_progress(i + 1, 5)
        return 42

    op = run_operation(
        None,
        work,
        label="sum",
        on_success=lambda r: results.append((r, QThread.currentThread() is gui)),
    )
    with qtbot.waitSignal(op.finished, timeout=15000):
        pass
    assert results == [(42, True)]
    assert worker_threads and worker_threads[0] is not gui
    assert op.dialog is None  # finished well before the 600 ms delay


def test_failure_delivered_to_handler(qtbot: QtBot) -> None:
    errors: list[BaseException] = []

    def work(state: TaskState) -> None:
        raise ValidationError("result", "number", "not a number")

    op = run_operation(None, work, label="x", on_success=lambda r: None, on_failure=errors.append)
    with qtbot.waitSignal(op.finished, timeout=15000):
        pass
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)


def test_progress_dialog_appears_late_and_cancels(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    outcome: list[str] = []

    def work(state: TaskState) -> str:
        state.set_progress(1, 4)
        # Wait until the GUI cancels (bounded, so a broken test cannot hang).
        for _ in range(3000):  # up to 30 s
            if state.is_cancelled():
                state.check()
            release.wait(0.01)
        return "not cancelled"

    op = run_operation(parent, work, label="long work", on_success=outcome.append, delay_ms=50)
    assert op.dialog is None  # not before the delay
    qtbot.waitUntil(lambda: op.dialog is not None and op.dialog.isVisible(), timeout=15000)
    dialog = op.dialog
    assert dialog is not None
    assert dialog.maximum() == 4 and dialog.value() == 1
    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button is not None
    with qtbot.waitSignal(op.finished, timeout=15000):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    assert outcome == []  # a cancelled operation reports nothing
    assert not op.running
    QApplication.processEvents()


def test_shown_progress_dialog_is_torn_down_safely(qtbot: QtBot) -> None:
    """A dialog that was shown goes away with the operation without crashing Qt (it used
    to crash in QObject::~QObject during the deferred delete in ~1 of 4 runs)."""
    parent = QWidget()
    qtbot.addWidget(parent)
    results: list[int] = []

    def work(state: TaskState) -> int:
        for i in range(8):
            state.set_progress(i + 1, 8)
            threading.Event().wait(0.1)
        return 8

    op = run_operation(parent, work, label="slow work", on_success=results.append, delay_ms=50)
    qtbot.waitUntil(lambda: op.dialog is not None and op.dialog.isVisible(), timeout=15000)
    qtbot.waitUntil(lambda: results == [8], timeout=15000)
    assert not op.running
    assert op.dialog is None


def test_parentless_operation_with_shown_dialog(qtbot: QtBot) -> None:
    results: list[int] = []

    def work(state: TaskState) -> int:
        threading.Event().wait(0.8)
        return 1

    op = run_operation(None, work, label="slow work", on_success=results.append, delay_ms=50)
    qtbot.waitUntil(lambda: op.dialog is not None, timeout=15000)
    qtbot.waitUntil(lambda: results == [1], timeout=15000)
