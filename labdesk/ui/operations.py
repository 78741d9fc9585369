"""One way to run long work off the GUI thread (after Anki's QueryOp/CollectionOp and
Orange's TaskState).

A worker is a plain function `fn(state: TaskState) -> T`. It reports progress with
`state.set_progress(done, total)` and checks `state.is_cancelled()` between steps; it
never touches widgets. Work that waits inside one long call (a server's query) cannot
check between steps: it registers a hook that stops the call (`state.cancelling(hook)`,
e.g. the store's `interrupt`), which Cancel then calls. `run_operation()` runs it on a
thread pool and delivers the result (or the exception) back on the GUI thread. A progress
dialog appears only if the work takes longer than ~600 ms, and its Cancel button sets the
cancel flag (and calls the hooks).

Database access from workers: a worker that reads a lot opens its own read-only
connection (the store hands one out); a worker that writes runs on the single *writer*
pool (`writes=True`), so at most one writing operation is in flight at a time, and it
must use the session's writer connection only from there.

Because workers take a state object, they are unit-tested without Qt by passing a
`TaskState()` directly.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_DELAY_MS = 600

# Running operations (and those that just finished), so no operation is garbage-collected
# while its worker still runs or its queued results are still being delivered.
_live: set[Operation[Any]] = set()


class Cancelled(Exception):
    """Raised by `TaskState.check()` when the user pressed Cancel."""


class TaskState:
    """Progress and cancellation shared between a worker and the GUI (thread-safe)."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0
        self._listener: Callable[[int, int], None] | None = None
        self._hooks: list[Callable[[], None]] = []

    def set_progress(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = done, total
            listener = self._listener
        if listener is not None:
            listener(done, total)

    def progress(self) -> tuple[int, int]:
        with self._lock:
            return self._done, self._total

    def cancel(self) -> None:
        """Set the flag and call every registered hook, each on a thread of its own: a
        hook may wait on the network (a cancel request sent to a server that is away),
        and Cancel is pressed on the GUI thread."""
        self._cancel.set()
        with self._lock:
            hooks = list(self._hooks)
        for hook in hooks:
            threading.Thread(target=_call_hook, args=(hook,), daemon=True).start()

    def cancelling(self, hook: Callable[[], None]) -> _Cancelling:
        """A context in which Cancel also calls `hook` (stop the call the worker waits
        in). Whatever the block raises once the user cancelled is the cancel's doing (a
        query cancelled, a connection interrupted) and leaves as `Cancelled`; a block that
        ends after Cancel was pressed raises `Cancelled` too, so a read that finished
        just as the user cancelled is not shown."""
        return _Cancelling(self, hook)

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise `Cancelled` if the user cancelled (a convenience for loops)."""
        if self._cancel.is_set():
            raise Cancelled()

    def _set_listener(self, listener: Callable[[int, int], None] | None) -> None:
        with self._lock:
            self._listener = listener


def _call_hook(hook: Callable[[], None]) -> None:
    try:
        hook()
    except Exception:  # the work then simply runs to its end; Cancel still drops it
        log.warning("a cancel hook failed", exc_info=True)


class _Cancelling:
    def __init__(self, state: TaskState, hook: Callable[[], None]) -> None:
        self._state = state
        self._hook = hook

    def __enter__(self) -> None:
        with self._state._lock:
            self._state._hooks.append(self._hook)
        self._state.check()  # pressed before the hook was there: nothing to start

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        with self._state._lock:
            self._state._hooks.remove(self._hook)
        if self._state.is_cancelled() and not isinstance(exc, Cancelled):
            raise Cancelled() from exc


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from the worker arrive queued there."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskState], Any], state: TaskState, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._state = state
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn(self._state)
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            self._deliver(self._relay.failed, exc)
        else:
            self._deliver(self._relay.succeeded, result)

    @staticmethod
    def _deliver(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The relay is gone: the window that asked for the work was closed (or the
            # application is quitting). There is nobody left to tell.
            log.debug("operation finished after its window closed; result dropped")


_writer_pool: QThreadPool | None = None


def writer_pool() -> QThreadPool:
    """A pool with a single thread: every writing operation queues here, one at a time."""
    global _writer_pool
    if _writer_pool is None:
        _writer_pool = QThreadPool()
        _writer_pool.setMaxThreadCount(1)
    return _writer_pool


def show_failure(parent: QWidget | None, exc: BaseException) -> None:
    """The default failure handler: a user's problem shown plainly, a bug logged with trace."""
    from labdesk.ui.errors import show_error

    show_error(parent, exc)


class ProgressHost(QObject):
    """The one progress dialog of a widget, reused by each of its operations.

    Why reuse instead of one dialog per operation: on PySide6 6.11 a Python-created
    QObject whose `deleteLater()` was still pending when its parent deleted it directly
    (a window closed right after the work finished) crashed the process in
    `QObject::~QObject` ("shared QObject was deleted directly"). The host and its dialog
    are plain children of the widget: never deleted on their own, they go with it.
    """

    OBJECT_NAME = "labdesk_progress_host"

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(self.OBJECT_NAME)
        self._widget = parent
        self.dialog: QProgressDialog | None = None
        self.owner: Operation[Any] | None = None

    @classmethod
    def of(cls, widget: QWidget) -> ProgressHost:
        host = widget.findChild(ProgressHost, cls.OBJECT_NAME)
        if host is None:
            host = ProgressHost(widget)
        return host

    def show_for(self, op: Operation[Any], label: str) -> QProgressDialog:
        if self.dialog is None:
            dialog = QProgressDialog(self._widget)
            dialog.setWindowTitle(self.tr("Working…"))
            dialog.setCancelButtonText(self.tr("Cancel"))
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoReset(False)
            dialog.setAutoClose(False)
            dialog.canceled.connect(self._cancel)
            self.dialog = dialog
        self.owner = op
        self.dialog.setLabelText(label)
        self.dialog.setRange(0, 0)
        self.dialog.show()
        return self.dialog

    def release(self, op: Operation[Any]) -> None:
        if self.owner is op:
            self.owner = None
            if self.dialog is not None:
                self.dialog.hide()  # hide(), not close(): close() emits `canceled`

    def _cancel(self) -> None:
        if self.owner is not None:
            self.owner.cancel()


class Operation(QObject, Generic[T]):
    """A running operation; `run_operation()` returns it, keeping a reference is optional.

    Lifetime, chosen after PySide6 6.11 crashes (see `ProgressHost`): the operation has
    no Qt parent and is never `deleteLater()`-ed. A module-level set holds it from
    `start()` until a moment after it finished; after that, Python's reference counting
    deletes it like any Python-owned object. If the widget that asked for the work is
    gone by the time the result arrives, the result is dropped (nobody is left to tell).

    `finished` is emitted after the success/failure callback (tests wait on it).
    """

    finished = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        fn: Callable[[TaskState], T],
        *,
        label: str,
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        writes: bool = False,
        show_progress: bool = True,
        delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__(None)
        self.state = TaskState()
        self._parent_widget = parent
        self._fn = fn
        self._label = label
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_cancelled = on_cancelled
        self._writes = writes
        self._show_progress = show_progress
        self._delay_ms = delay_ms
        self._dialog: QProgressDialog | None = None
        self._own_dialog = False  # a parentless operation's dialog, deleted at the end
        self._running = False
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_progress)
        self._relay.succeeded.connect(self._on_succeeded)
        self._relay.failed.connect(self._on_failed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)

    @property
    def running(self) -> bool:
        return self._running

    @property
    def dialog(self) -> QProgressDialog | None:
        return self._dialog

    def start(self) -> Operation[T]:
        self._running = True
        _live.add(self)
        self.state._set_listener(self._relay.progressed.emit)
        if self._show_progress:
            self._timer.start(self._delay_ms)
        pool = writer_pool() if self._writes else QThreadPool.globalInstance()
        pool.start(_Runnable(self._fn, self.state, self._relay))
        return self

    def cancel(self) -> None:
        self.state.cancel()

    def _widget_alive(self) -> bool:
        return self._parent_widget is None or shiboken6.isValid(self._parent_widget)

    def _show_dialog(self) -> None:
        if not self._running or not self._widget_alive():
            return
        if self._parent_widget is not None:
            dialog = ProgressHost.of(self._parent_widget).show_for(self, self._label)
        else:
            dialog = QProgressDialog(self._label, self.tr("Cancel"), 0, 0)
            dialog.setWindowTitle(self.tr("Working…"))
            dialog.setMinimumDuration(0)
            dialog.setAutoReset(False)
            dialog.setAutoClose(False)
            # A plain-Python receiver: no connection between two QObjects to tear down.
            dialog.canceled.connect(self.state.cancel)
            dialog.show()
            self._own_dialog = True
        self._dialog = dialog
        self._on_progress(*self.state.progress())

    def _on_progress(self, done: int, total: int) -> None:
        if self._dialog is not None and total > 0:
            self._dialog.setMaximum(total)
            self._dialog.setValue(min(done, total))

    def _finish(self) -> None:
        self._running = False
        self._timer.stop()
        self.state._set_listener(None)
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            if self._own_dialog:
                dialog.hide()
                shiboken6.delete(dialog)  # at once: nothing deferred left to race
            elif self._widget_alive():
                ProgressHost.of(self._parent_widget).release(self)  # type: ignore[arg-type]
        # Let go of the operation only after this slot returned: deleting a QObject
        # inside its own queued-call delivery is undefined behaviour.
        QTimer.singleShot(0, functools.partial(_live.discard, self))

    def _on_succeeded(self, result: T) -> None:
        self._finish()
        try:
            if self._widget_alive():
                self._on_success(result)
            else:
                log.debug("operation finished after its window closed; result dropped")
        finally:
            self.finished.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._finish()
        try:
            if isinstance(exc, Cancelled):
                if self._on_cancelled is not None and self._widget_alive():
                    self._on_cancelled()
                return
            if not self._widget_alive():
                log.debug("operation failed after its window closed", exc_info=exc)
            elif self._on_failure is not None:
                self._on_failure(exc)
            else:
                show_failure(self._parent_widget, exc)
        finally:
            self.finished.emit()


def live_operations() -> list[Operation[Any]]:
    """Operations running or just finished (screenshots wait until none is running)."""
    return list(_live)


def run_operation(
    parent: QWidget | None,
    fn: Callable[[TaskState], T],
    *,
    label: str,
    on_success: Callable[[T], None],
    on_failure: Callable[[BaseException], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    writes: bool = False,
    show_progress: bool = True,
    delay_ms: int = PROGRESS_DELAY_MS,
) -> Operation[T]:
    """Run `fn(state)` off the GUI thread; call `on_success(result)` on the GUI thread.

    A cancelled worker (raising `Cancelled`, e.g. via `state.check()`) calls neither
    callback, only `on_cancelled` when given (a screen that waits for its answer stops
    waiting). Without `on_failure`, errors are shown plainly (and bugs logged with trace).
    """
    op: Operation[T] = Operation(
        parent,
        fn,
        label=label,
        on_success=on_success,
        on_failure=on_failure,
        on_cancelled=on_cancelled,
        writes=writes,
        show_progress=show_progress,
        delay_ms=delay_ms,
    )
    return op.start()
