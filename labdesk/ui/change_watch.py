"""Lists refresh when another workstation changes something (a centre on a server).

Every change of the record appends to the audit chain, so the chain head's entry number
(`audit_head.seq`) is a change counter for the whole centre. A background thread reads
it on its own read-only connection (off the GUI thread: a server that is away must not
freeze the window) whenever the server announces a commit (LISTEN/NOTIFY: each audited
commit moves the head, whose trigger notifies), and at the latest every `INTERVAL_S`
seconds; when it moved past what this window's connection appended itself
(`audit.own_entries_between`), it emits `remoteChange`. One indexed single-row query per
wake-up; its cost and the delay are measured in docs/deployment.md. A SQLite file has one
writer process, this window, so nothing is watched there.

A plan's units kept as a draft are unaudited and move no head; the server announces each
draft row written on a second channel with the writing server process, and a draft
another process wrote (not this window's connection, `Database.backend_id`) emits
`remoteChange` too: the result grid's refresh reads the shown rows' drafts again, so
units typed at another workstation appear without F5 (the main window leaves a screen
whose editor has the focus alone, as for any remote change). Cost: one notification per
unit typed, nothing read (docs/performance.md, "Draft units announced").
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from labdesk.core.errors import LabDeskError
from labdesk.ui.session import UiSession

if TYPE_CHECKING:
    from labdesk.store.db import Database

log = logging.getLogger(__name__)

INTERVAL_S = 3.0
# How long one wait for a notification blocks before `stop` is looked at again.
_SLICE_S = 0.25
HEAD_SQL = "SELECT seq FROM audit_head WHERE id = 1"


class ChangeWatch(QObject):
    """Polls the centre's change counter; `remoteChange` when another client wrote."""

    remoteChange = Signal()

    def __init__(self, session: UiSession, interval_s: float = INTERVAL_S) -> None:
        super().__init__()
        self.session = session
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._known = -1  # the newest counter value this window has accounted for
        self._failed = False  # the last attempt met a server that was away

    @property
    def active(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if isinstance(self.session.db_path, Path) or self._thread is not None:
            return
        self._known = self._read_own()
        self._thread = threading.Thread(target=self._run, name="change-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=self.interval_s + 15)

    def _read_own(self) -> int:
        try:
            return int(self.session.db.scalar(HEAD_SQL) or 0)
        except LabDeskError:
            return self._known

    def _others_wrote(self, seq: int) -> bool:
        """Entries after the last poll that this window's connection did not append."""
        from labdesk.store.audit import own_entries_between

        with self._lock:
            known, self._known = self._known, max(self._known, seq)
        if seq <= known:
            return False
        return seq - known > own_entries_between(self.session.db, known, seq)

    def _others_drafted(self, writers: set[int]) -> bool:
        """Draft units written by a server process other than this window's connection."""
        if not writers:
            return False
        return bool(writers - {self.session.db.backend_id()})

    def _run(self) -> None:
        from labdesk.store.db import open_reader

        reader = None
        while not self._stop.is_set():
            try:
                if reader is None:
                    if self._stop.wait(self.interval_s if self._failed else 0):
                        break
                    reader = open_reader(self.session.db_path)
                    self._failed = False
                self._wait(reader)
                if self._stop.is_set():
                    break
                seq = int(reader.scalar(HEAD_SQL) or 0)
            except LabDeskError as exc:  # the server is away: try again next time
                log.info("change watch: %s", exc)
                self._failed = True
                if reader is not None:
                    reader.close()
                    reader = None
                continue
            drafted = reader.take_draft_writers()
            if self._others_wrote(seq) or self._others_drafted(drafted):
                self.remoteChange.emit()  # queued to the GUI thread (QObject's thread)
        if reader is not None:
            reader.close()

    def _wait(self, reader: Database) -> None:
        """Until a commit is announced (LISTEN/NOTIFY on a server) or `interval_s` passed
        (the poll stays as the fallback), in short slices so that `stop` is prompt."""
        deadline = time.monotonic() + self.interval_s
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or reader.wait_for_change(min(left, _SLICE_S)):
                return
