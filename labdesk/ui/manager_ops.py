"""Running the manager screens' long work: `operations.run_operation` plus a progress
dialog that appears only after a delay, shows `TaskState` progress and offers Cancel.

Why not the dialog built into `run_operation`: on PySide6 6.11 its teardown (disconnecting
the dialog's `canceled` from the operation's bound method, then deleting the dialog)
intermittently crashed the process in `QObject::~QObject` when the dialog had been shown.
Here each screen keeps one dialog, hides it when the work is done and reuses it; it goes
away with the screen. Progress is polled from the thread-safe `TaskState`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from labdesk.ui.operations import PROGRESS_DELAY_MS, Operation, TaskState, run_operation

T = TypeVar("T")
POLL_MS = 100


class ProgressHost(QObject):
    """One progress dialog per screen, reused by each of its operations and never
    deleted while the screen lives (deleting a shown QProgressDialog was what crashed)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        self.dialog: QProgressDialog | None = None
        self._state: TaskState | None = None
        self._running = False
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.timeout.connect(self._show)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._update)
        self._label = ""

    @staticmethod
    def of(widget: QWidget) -> ProgressHost:
        host = widget.findChild(ProgressHost, "manager_progress_host")
        if host is None:
            host = ProgressHost(widget)
            host.setObjectName("manager_progress_host")
        return host

    def watch(self, op: Operation[T], label: str, delay_ms: int) -> None:
        self._state = op.state
        self._label = label
        self._running = True
        op.finished.connect(self._finished)
        self._delay.start(delay_ms)

    def _cancel(self) -> None:
        if self._running and self._state is not None:
            self._state.cancel()

    def _show(self) -> None:
        if not self._running:
            return
        if self.dialog is None:
            dialog = QProgressDialog(self._parent_widget)
            dialog.setWindowTitle(self.tr("Working…"))
            dialog.setCancelButtonText(self.tr("Cancel"))
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoReset(False)
            dialog.setAutoClose(False)
            dialog.canceled.connect(self._cancel)
            self.dialog = dialog
        self.dialog.setLabelText(self._label)
        self.dialog.setRange(0, 0)
        self._update()
        self.dialog.show()
        self._poll.start()

    def _update(self) -> None:
        if self.dialog is None or self._state is None:
            return
        done, total = self._state.progress()
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _finished(self) -> None:
        self._running = False
        self._delay.stop()
        self._poll.stop()
        if self.dialog is not None:
            self.dialog.hide()


def run_with_progress(
    parent: QWidget,
    fn: Callable[[TaskState], T],
    *,
    label: str,
    on_success: Callable[[T], None],
    on_failure: Callable[[BaseException], None],
    writes: bool = False,
    delay_ms: int = PROGRESS_DELAY_MS,
) -> Operation[T]:
    """`run_operation` with the watcher's delayed progress dialog (see module docstring)."""
    op = run_operation(
        parent,
        fn,
        label=label,
        on_success=on_success,
        on_failure=on_failure,
        writes=writes,
        show_progress=False,
    )
    ProgressHost.of(parent).watch(op, label, delay_ms)
    return op
