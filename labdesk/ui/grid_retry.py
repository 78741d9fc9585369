"""Writes the database server could not take, kept and retried off the GUI thread.

When the server is away (issue 18.5) or busy (another workstation held a lock on the
same records past the lock timeout, or the server broke a deadlock: issue 18), a value
typed in the grid is not thrown away and not claimed as saved: the row shows it as
waiting (its own colour, "not saved yet"), the message line says which of the two it
is, and a worker thread tries the same service write again on its own connection,
waiting 1, 2, 4, 8, 15 then 30 s between attempts. Busy is retried whether or not the
service already retried it itself: what reaches the grid is "still busy".
The GUI thread never waits for the server here. When a write commits, the row shows the
stored result and the message says it was saved; a write the service now refuses (the
result was changed at another workstation meanwhile, the sample left entry) is said
plainly with the value that was not saved. Nothing is half-written: each attempt is one
transaction of the service, rolled back by the server if the connection breaks.

Values typed while writes are waiting join the queue without trying the GUI's
connection first (one value per item: the last typed wins, as in the cell).

Each waiting value is also kept on this computer (services/pending_journal.py) before
the row says it is kept, and removed from there once it is saved or refused: a crash
while it waits loses nothing, and the next sign-in puts it back in the queue
(`GridWrites.resume`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from labdesk.core.errors import LabDeskError

if TYPE_CHECKING:
    from labdesk.services.pending_journal import PendingJournal, PendingWrite
    from labdesk.store.db import Database
    from labdesk.ui.grid_model import GridRows

log = logging.getLogger(__name__)

BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


def server_away(exc: BaseException) -> bool:
    """Whether `exc` says the write may simply be tried again: the database server is
    away, or busy with another workstation's lock on the same records (whether the
    service already retried it or not)."""
    from labdesk.ui.server_notice import retryable

    return retryable(exc)


def busy(exc: BaseException) -> bool:
    from labdesk.ui.server_notice import busy as is_busy

    return is_busy(exc)


@dataclass
class Waiting:
    item_id: int
    text: str
    write: Callable[[Any], Any]
    saved_message: Callable[[Any], str]
    # As kept on this computer, and where (None: not journaled, or it could not be).
    pending: PendingWrite | None = None
    journal: PendingJournal | None = None

    @property
    def is_units(self) -> bool:
        """A plan's units for its draft (the row's result itself is not waiting)."""
        from labdesk.services.pending_journal import UNITS

        return self.pending is not None and self.pending.kind == UNITS


class RetryQueue(QObject):
    """The grid's waiting writes and the worker that retries them."""

    # From the worker thread, delivered queued on the GUI thread (this object's thread).
    savedLater = Signal(object, object)  # Waiting, outcome
    refusedLater = Signal(object, str)  # Waiting, message
    attempted = Signal(int, float)  # attempt number, seconds until the next one
    # On the GUI thread: a value typed since took the waiting one's place (it may still
    # be written if the worker had it in hand: its answer then comes as above).
    replaced = Signal(object)  # Waiting

    def __init__(
        self,
        model: GridRows,
        saved: Callable[[Waiting, Any, Callable[[Any], str]], None],
    ) -> None:
        super().__init__(model)
        self.model = model
        self._on_saved = saved  # GridWrites.saved_later: the row shows what is stored
        self._lock = threading.Lock()
        self._waiting: dict[int, Waiting] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.backoff: tuple[float, ...] = BACKOFF_S
        # Why the writes wait: busy (another workstation's lock) or the server away. Set
        # by the worker, read by the GUI thread for its messages (a plain bool).
        self.busy = False
        self.savedLater.connect(self._saved)
        self.refusedLater.connect(self._refused)
        self.attempted.connect(self._still_away)
        # The grid is gone (its window closed at sign-out): the worker stops writing; what
        # still waits is in the journal for the next sign-in, which writes it again.
        stop, wake = self._stop, self._wake

        def stop_worker(*_: object) -> None:
            stop.set()
            wake.set()

        self.destroyed.connect(stop_worker)

    @property
    def active(self) -> bool:
        with self._lock:
            return bool(self._waiting)

    def waiting_ids(self) -> list[int]:
        with self._lock:
            return list(self._waiting)

    def away_text(self, exc: BaseException) -> str:
        from labdesk.ui.errors import user_message

        if busy(exc):
            kept = QCoreApplication.translate(
                "ResultGridModel",
                "The database is busy with another workstation's change to the same "
                "records: your value is kept here (not saved yet) and saved as soon as "
                "they are free.",
            )
        else:
            kept = QCoreApplication.translate(
                "ResultGridModel",
                "The database server is away: your value is kept here (not saved yet) and "
                "saved as soon as the server is back.",
            )
        return kept + " " + user_message(exc)

    def put(
        self,
        item_id: int,
        text: str,
        write: Callable[[Any], Any],
        saved: Callable[[Any], str],
        pending: PendingWrite | None = None,
        journal: PendingJournal | None = None,
    ) -> str | None:
        """Queues the write, `pending` first kept in `journal` on this computer: None, or
        why it could not be kept there (the value then waits in memory only, and the
        caller says so)."""
        problem = None
        if pending is not None and journal is not None:
            try:
                journal.keep(pending)
            except OSError as exc:
                from labdesk.ui.errors import error_text

                log.warning("a waiting value could not be journaled", exc_info=True)
                problem = error_text(exc)
                pending = journal = None
        with self._lock:
            before = self._waiting.get(item_id)
            self._waiting[item_id] = Waiting(item_id, text, write, saved, pending, journal)
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="grid-retry", daemon=True)
                self._thread.start()
        self._wake.set()
        if before is not None:
            self.replaced.emit(before)
        return problem

    def discard(self, item_id: int) -> None:
        """Forgets the item's waiting plan units: they were saved with later ones."""
        with self._lock:
            waiting = self._waiting.get(item_id)
            if waiting is None or not waiting.is_units:
                return
            del self._waiting[item_id]
        self._unjournal(waiting)
        self.replaced.emit(waiting)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    # ----- worker thread ----------------------------------------------------------------

    def _run(self) -> None:
        db: Database | None = None
        attempt = 0
        try:
            while not self._stop.is_set():
                with self._lock:
                    batch = list(self._waiting.values())
                if not batch:
                    return
                db, again = self._attempt(db, batch)
                if again is None:
                    attempt = 0
                    continue
                self.busy = again == "busy"
                delay = self.backoff[min(attempt, len(self.backoff) - 1)]
                attempt += 1
                self._tell(self.attempted, attempt, delay)
                self._wake.clear()
                self._stop.wait(delay)
        finally:
            if db is not None:
                db.close()
            with self._lock:
                self._thread = None
                if self._waiting and not self._stop.is_set():  # put() raced our exit
                    self._thread = threading.Thread(
                        target=self._run, name="grid-retry", daemon=True
                    )
                    self._thread.start()

    def _attempt(
        self, db: Database | None, batch: list[Waiting]
    ) -> tuple[Database | None, str | None]:
        """One pass over the waiting writes: (connection, why the rest must wait — "away"
        or "busy" — or None when none must)."""
        from labdesk.services.context import ServiceContext
        from labdesk.store.db import open_database

        try:
            if db is None:
                db = open_database(self.model.session.db_path)
        except LabDeskError as exc:
            if server_away(exc):
                return None, "busy" if busy(exc) else "away"
            for waiting in batch:
                self._finish(waiting, None, exc)
            return None, None
        ctx = ServiceContext(db, self.model.session.context.actor)
        for waiting in batch:
            if self._stop.is_set():
                break
            try:
                outcome = waiting.write(ctx)
            except LabDeskError as exc:
                if busy(exc):  # the connection is fine: only the records were taken
                    return db, "busy"
                if server_away(exc):
                    db.close()
                    return None, "away"
                self._finish(waiting, None, exc)
                continue
            except Exception as exc:  # a bug: logged with its trace, never lost silently
                log.exception("retrying a result write failed")
                self._finish(waiting, None, exc)
                continue
            self._finish(waiting, outcome, None)
        return db, None

    def _finish(self, waiting: Waiting, outcome: Any, exc: BaseException | None) -> None:
        with self._lock:
            if self._waiting.get(waiting.item_id) is waiting:
                del self._waiting[waiting.item_id]
        # Saved or refused: nothing of it waits any more (a newer value typed for the
        # item meanwhile is the journal's entry now, and stays).
        self._unjournal(waiting)
        if exc is None:
            self._tell(self.savedLater, waiting, outcome)
        else:
            from labdesk.ui.errors import user_message

            self._tell(self.refusedLater, waiting, user_message(exc))

    def _tell(self, signal: Any, *args: Any) -> None:
        """Emits to the GUI thread, unless the grid was deleted meanwhile (nothing to
        show it on: the write itself is done, and its journal entry gone)."""
        try:
            signal.emit(*args)
        except RuntimeError:
            self._stop.set()

    def _unjournal(self, waiting: Waiting) -> None:
        if waiting.pending is not None and waiting.journal is not None:
            waiting.journal.drop(waiting.item_id, waiting.pending.token)

    # ----- GUI thread -------------------------------------------------------------------

    def _saved(self, waiting: Waiting, outcome: Any) -> None:
        self._on_saved(
            waiting,
            outcome,
            lambda result: (
                QCoreApplication.translate("ResultGridModel", "The database is free again. {0}")
                if self.busy
                else QCoreApplication.translate("ResultGridModel", "The server is back. {0}")
            ).format(waiting.saved_message(result)),
        )
        self._keep_newer(waiting.item_id)

    def _keep_newer(self, item_id: int) -> None:
        """A value typed again while the earlier one was being written still waits."""
        with self._lock:
            newer = self._waiting.get(item_id)
        state = self.model._states.get(item_id)
        if newer is not None and state is not None and not newer.is_units:
            state.waiting = newer.text
            row = self.model.row_of(item_id)
            if row is not None:
                self.model.emit_row(row)

    def _refused(self, waiting: Waiting, message: str) -> None:
        model = self.model
        state = model._states.get(waiting.item_id)
        if state is not None and waiting.is_units:
            # The row shows the draft as stored again (read on its next load).
            state.draft = state.typed_by = None
            state.unsaved = set()
        elif state is not None:
            state.waiting = None
        model.forget_row(waiting.item_id)
        row = model.row_of(waiting.item_id)
        if row is not None:
            model.emit_row(row)
        self._keep_newer(waiting.item_id)
        model.message.emit(
            QCoreApplication.translate("ResultGridModel", "{0} was not saved: {1}").format(
                waiting.text, message
            ),
            True,
        )

    def _still_away(self, attempt: int, delay: float) -> None:
        count = len(self.waiting_ids())
        if not count:
            return
        if self.busy:
            text = QCoreApplication.translate(
                "ResultGridModel",
                "The database is still busy with another workstation's change: {0} value(s) "
                "kept here, not saved yet; trying again in {1} s (attempt {2}).",
            )
        else:
            text = QCoreApplication.translate(
                "ResultGridModel",
                "The database server is still away: {0} value(s) kept here, not saved "
                "yet; trying again in {1} s (attempt {2}).",
            )
        self.model.message.emit(text.format(count, f"{delay:g}", attempt), True)
