"""Every write the result grid makes, each through one service call committed at once.

A refusal becomes the model's `message` (shown inline) and False; a success refreshes
the row, says what was saved and tells the other screens. A plan item's units are
collected in the row until all n are in, then written as one result (grid_units.py).
When the database server is away or busy, the typed value is kept in the row as
waiting and written again by `grid_retry.RetryQueue` off the GUI thread (issue 18.5);
it is kept on this computer too (services/pending_journal.py), as are a plan's units the
server could not take as a draft, and `resume` puts them back after a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from labdesk.core.errors import LabDeskError
from labdesk.ui import grid_units
from labdesk.ui.errors import user_message
from labdesk.ui.grid_cells import RowState
from labdesk.ui.labels import verdict_text

if TYPE_CHECKING:
    from labdesk.services.pending_journal import PendingJournal, PendingWrite
    from labdesk.ui.grid_model import GridRows, ModelIndex
    from labdesk.ui.grid_retry import RetryQueue, Waiting

# States in which a change needs a reason (the service enforces it; the UI asks first).
REASON_STATES = frozenset({"submitted", "reviewed", "approved"})

# One service write, given the service context to write with (the GUI's, or a retry
# worker's own connection).
Write = Callable[[Any], Any]


class GridWrites:
    def __init__(self, model: GridRows) -> None:
        self.model = model
        # The last unit an entry in a unit cell filled: Enter moves on after it.
        self.last_unit = 0
        self._retry: RetryQueue | None = None
        # Item id → token of its units kept on this computer (keep_draft, server away).
        self._units_kept: dict[int, str] = {}

    @property
    def retry(self) -> RetryQueue:
        """The waiting writes (made when first needed: most grids never need it)."""
        if self._retry is None:
            from labdesk.ui.grid_retry import RetryQueue

            self._retry = RetryQueue(self.model, self.saved_later)
        return self._retry

    @property
    def journal(self) -> PendingJournal | None:
        """Where the signed-in user's waiting values are kept on this computer."""
        context = self.model.session.context
        if context is None:
            return None
        from labdesk.services.pending_journal import journal_for

        return journal_for(self.model.session.db_path, context.actor)

    @property
    def waiting(self) -> bool:
        return self._retry is not None and self._retry.active

    def needs_reason(self, index: ModelIndex) -> bool:
        """Replacing a result of a sample that was ever submitted needs a reason.

        The service enforces the rule; the grid asks for the reason before writing so
        the technician is not refused after pressing Enter.
        """
        if not index.isValid():
            return False
        data = self.model.row_data(index.row())
        if data.get("result_id") is None:
            return False
        if data.get("state") in REASON_STATES:
            return True
        from labdesk.services import results

        try:
            return bool(results.was_submitted(self.model.session.db, int(data["sample_id"])))
        except LabDeskError:
            return False  # unreadable now: the service checks again when it writes

    def enter(self, index: ModelIndex, text: str, reason: str | None) -> bool:
        if not index.isValid():
            return False
        number = self.model.unit_number(index.column())
        if number:
            return self.enter_units(index.row(), {number: text}, reason)
        if self.model.column_key(index.column()) != "result":
            return False
        return self.enter_text(index.row(), text, reason)

    def enter_text(self, row: int, text: str, reason: str | None) -> bool:
        """The result cell: one value (or a plan's units separated by ;)."""
        model = self.model
        data = model.row_data(row)
        typed = text.strip()
        state = model.state(row)
        if typed == str(data.get("result_text") or "") and typed and state.waiting is None:
            state.preview = None
            model.emit_row(row)
            return True  # unchanged: nothing to write
        if not typed:
            state.preview = None
            model.emit_row(row)
            model.message.emit(
                QCoreApplication.translate(
                    "ResultGridModel", "A result cannot be emptied; type the correct value."
                ),
                True,
            )
            return False
        from labdesk.services.pending_journal import RESULT

        seen = data.get("result_id")
        pending = self._pending(
            data,
            RESULT,
            text=typed,
            reason=reason or "",
            seen_result_id=None if seen is None else int(seen),
        )
        return self.commit(
            row, result_write(pending), saved_message(pending), waiting=typed, pending=pending
        )

    @staticmethod
    def _pending(data: dict[str, Any], kind: str, **what: Any) -> PendingWrite:
        from labdesk.services.pending_journal import PendingWrite

        sample = data.get("sample_id")
        return PendingWrite(
            kind,
            int(data["id"]),
            sample_id=None if sample is None else int(sample),
            sample_no=str(data.get("sample_no") or ""),
            item_name=str(data.get("name") or ""),
            **what,
        )

    def enter_units(self, row: int, typed: dict[int, str], reason: str | None) -> bool:
        """Units of a plan item: each kept as a draft at once until all n are in, then
        the n units written as one result (whose commit deletes the draft)."""
        model = self.model
        n = model.plan_units(row)
        if not n:
            return False
        data = model.row_data(row)
        before = model.units(row)
        units = before
        self.last_unit = 0
        try:
            for number, text in sorted(typed.items()):
                units = grid_units.spread(units, number, text)
                count = len(grid_units.split_units(text)) if text.strip() else 1
                self.last_unit = max(self.last_unit, number + count - 1)
        except LabDeskError as exc:
            model.message.emit(user_message(exc), True)
            return False
        state = model.state(row)
        state.preview = None
        stored = grid_units.stored_units(data.get("result_text"), n)
        if data.get("result_id") is not None and units == stored:
            state.draft = None
            model.emit_row(row)
            return True  # unchanged: nothing to write
        left = grid_units.missing(units)
        if left and data.get("result_id") is not None:
            model.emit_row(row)
            model.message.emit(
                QCoreApplication.translate(
                    "ResultGridModel", "A result cannot be emptied; type the correct value."
                ),
                True,
            )
            return False
        if not left:
            state.draft = units  # shown as typed; dropped once the n units are saved
            return self.enter_text(row, grid_units.joined(units), reason)
        changed = {k + 1 for k in range(n) if units[k] != before[k]}
        return self.keep_draft(row, units, changed)

    def keep_draft(self, row: int, units: list[str], changed: set[int]) -> bool:
        """The plan's units typed so far, the `changed` ones (and any the database could
        not take before) written as a draft at once; the row shows the draft as stored,
        with units other workstations typed. A refusal is said and nothing is kept; a
        server away or busy keeps the units in the row, to be saved with the next."""
        from labdesk.services import drafts

        model = self.model
        data = model.row_data(row)
        item_id = int(data["id"])
        state = model.state(row)
        pending = changed | state.unsaved
        try:
            stored = drafts.keep_units(
                model.session.context, item_id, {k: units[k - 1] for k in sorted(pending)}
            )
        except LabDeskError as exc:
            from labdesk.ui.grid_retry import server_away

            if not server_away(exc):
                # Refused (the sample left entry, its result was entered at another
                # workstation meanwhile…): the row shows what is stored now.
                self._units_done(item_id)
                model.forget_row(item_id)
                if model.row_data(row).get("result_id") is not None:
                    state.draft = state.typed_by = None
                    state.unsaved = set()
                model.emit_row(row)
                model.message.emit(user_message(exc), True)
                return False
            state.draft = units
            state.unsaved = pending
            model.emit_row(row)
            problem = self._journal_units(data, units, pending)
            model.message.emit(
                QCoreApplication.translate(
                    "ResultGridModel",
                    "{0}: units kept here only, not saved yet — the database could not take "
                    "them ({1}); they are saved with the next unit you type.",
                ).format(data.get("name", ""), user_message(exc))
                + self._unjournaled(problem),
                True,
            )
            return True
        self._units_done(item_id)
        state.unsaved = set()
        model.adopt_draft(state, stored)
        draft = state.draft or []
        left = grid_units.missing(draft)
        if left == len(draft):  # every unit cleared: no draft left
            state.draft = state.typed_by = None
        elif not left:  # another workstation typed the rest meanwhile: the plan is complete
            return self.enter_text(row, grid_units.joined(draft), None)
        model.emit_row(row)
        model.message.emit(
            QCoreApplication.translate(
                "ResultGridModel",
                "{0}: {1} of {2} units still to enter — kept as a draft; the result is "
                "saved when all are in.",
            ).format(data.get("name", ""), left, len(units)),
            False,
        )
        return True

    def commit(
        self,
        row: int,
        write: Write,
        saved_message: Callable[[Any], str],
        waiting: str | None = None,
        pending: PendingWrite | None = None,
    ) -> bool:
        """Runs one service write for a row; a refusal becomes the message and False, a
        success refreshes the row, says `saved_message(result)` and tells the screens.

        `waiting`: the text to keep in the row if the server is away; the write is then
        retried off the GUI thread (grid_retry) and True is returned (nothing is lost,
        the row shows it as not saved). `pending`: the same write as kept on this
        computer meanwhile (pending_journal)."""
        model = self.model
        item_id = model.item_id(row)
        state = model.state(row)
        if waiting is not None and self.waiting:
            # The server is known to be away: queue behind the waiting values instead of
            # making the window wait for a connection attempt.
            problem = self._wait(row, item_id, waiting, write, saved_message, pending)
            if self.retry.busy:
                text = QCoreApplication.translate(
                    "ResultGridModel",
                    "Kept here, not saved yet: the database is busy with another "
                    "workstation's change; it is saved as soon as it is free.",
                )
            else:
                text = QCoreApplication.translate(
                    "ResultGridModel",
                    "Kept here, not saved yet: the database server is away; it is saved as "
                    "soon as the server is back.",
                )
            model.message.emit(text + self._unjournaled(problem), True)
            return True
        try:
            outcome = write(model.session.context)
        except LabDeskError as exc:
            from labdesk.services.conflicts import EditConflict
            from labdesk.ui.grid_retry import busy, server_away

            if waiting is not None and server_away(exc):
                self.retry.busy = busy(exc)
                problem = self._wait(row, item_id, waiting, write, saved_message, pending)
                model.message.emit(self.retry.away_text(exc) + self._unjournaled(problem), True)
                return True
            if isinstance(exc, EditConflict):
                # Changed at another workstation: show its value now (the message says so).
                state.preview = None
                model.forget_row(item_id)
                model.emit_row(row)
            model.message.emit(user_message(exc), True)
            return False
        self.saved(item_id, outcome, saved_message)
        return True

    def _wait(
        self,
        row: int,
        item_id: int,
        text: str,
        write: Write,
        saved_message: Callable[[Any], str],
        pending: PendingWrite | None,
    ) -> str | None:
        state = self.model.state(row)
        state.preview = None
        state.waiting = text
        self.model.emit_row(row)
        return self.retry.put(item_id, text, write, saved_message, pending, self.journal)

    # ----- kept on this computer (pending_journal) -----------------------------------

    def _journal_units(
        self, data: dict[str, Any], units: list[str], numbers: set[int]
    ) -> str | None:
        """A plan's units the server could not take, kept on this computer until they
        are saved: None, or why they could not be kept there."""
        from labdesk.services.pending_journal import UNITS

        journal = self.journal
        if journal is None:
            return None
        entry = self._pending(data, UNITS, units=tuple((k, units[k - 1]) for k in sorted(numbers)))
        try:
            journal.keep(entry)
        except OSError as exc:
            from labdesk.ui.errors import error_text

            return error_text(exc)
        self._units_kept[entry.item_id] = entry.token
        return None

    def _units_done(self, item_id: int) -> None:
        """The item's units are in its draft now: no copy of them waits any more."""
        token = self._units_kept.pop(item_id, None)
        journal = self.journal
        if token is not None and journal is not None:
            journal.drop(item_id, token)
        if self._retry is not None:
            self._retry.discard(item_id)

    @staticmethod
    def _unjournaled(problem: str | None) -> str:
        if problem is None:
            return ""
        return " " + QCoreApplication.translate(
            "ResultGridModel",
            "It could not be kept on this computer as well ({0}): closing LabDesk before "
            "it is saved loses it.",
        ).format(problem)

    def saved_later(
        self, waiting: Waiting, outcome: Any, saved_message: Callable[[Any], str]
    ) -> None:
        """After the retry worker committed `waiting`: a plan's units are in its draft,
        any other write is the stored result."""
        if not waiting.is_units:
            self.saved(waiting.item_id, outcome, saved_message)
            return
        model = self.model
        state = model._states.get(waiting.item_id)
        if state is not None:
            state.unsaved = set()
            model.adopt_draft(state, outcome)
        row = model.row_of(waiting.item_id)
        if row is not None:
            model.emit_row(row)
        model.message.emit(saved_message(outcome), False)

    def saved(self, item_id: int, outcome: Any, saved_message: Callable[[Any], str]) -> None:
        """After a committed write (here or by the retry worker): the row shows the
        stored result, the message says what was saved."""
        self._units_done(item_id)  # the result holds them
        model = self.model
        state = model._states.get(item_id)
        if state is not None:
            state.preview = None
            state.draft = state.typed_by = None
            state.unsaved = set()
            state.waiting = None
        model.forget_row(item_id)
        row = model.row_of(item_id)
        if row is not None:
            model.emit_row(row)
        model.message.emit(saved_message(outcome), False)
        model.committed.emit(item_id)
        model.session.notify_changed("results")

    def resume(self) -> list[PendingWrite]:
        """The values kept on this computer at an earlier session and never saved (a
        crash, a kill, a power cut while they waited): their rows show them waiting
        again (a plan's units over its draft), the queue writes them, and the message
        line names each. Returns them; a value already waiting here is left alone."""
        from labdesk.core.plans import split_units
        from labdesk.services.pending_journal import UNITS

        journal = self.journal
        if journal is None:
            return []
        busy = set(self._retry.waiting_ids()) if self._retry is not None else set()
        restored = [e for e in journal.entries() if e.item_id not in busy]
        model = self.model
        for entry in restored:
            state = model._states.get(entry.item_id)
            if state is None:
                state = model._states[entry.item_id] = RowState()
            if entry.kind == UNITS:
                units = self._restored_units(entry, state.draft)
                if units is not None:
                    state.draft = units
                    state.unsaved = {n for n, _ in entry.units}
                write, text = units_write(entry), entry.shown()
            else:
                units = split_units(entry.text)
                if len(units) > 1:  # a plan's n units: each cell shows its own
                    state.draft = units
                    state.unsaved = set(range(1, len(units) + 1))
                state.waiting = entry.text
                write, text = result_write(entry), entry.text
            self.retry.put(entry.item_id, text, write, saved_message(entry), entry, journal)
            row = model.row_of(entry.item_id)
            if row is not None:
                model.emit_row(row)
        if restored:
            model.message.emit(
                QCoreApplication.translate(
                    "ResultGridModel",
                    "Not saved at your last session, kept on this computer: {0}. They are "
                    "being saved now.",
                ).format(
                    "; ".join(
                        " ".join(filter(None, (e.sample_no, e.item_name, "=", e.shown())))
                        for e in restored
                    )
                ),
                True,
            )
        return restored

    def _restored_units(self, entry: PendingWrite, draft: list[str] | None) -> list[str] | None:
        """The plan's n units with the journal's over them (None if n cannot be read now:
        they are written all the same, and shown when the row is next read)."""
        from labdesk.services import drafts

        if draft is None:
            try:
                limit = self.model.session.db.scalar(
                    "SELECT limit_text FROM sample_items WHERE id = ?", [entry.item_id]
                )
            except LabDeskError:
                return None
            n = drafts.plan_n(str(limit or ""))
            if not n:
                return None
            draft = [""] * n
        units = list(draft)
        for number, value in entry.units:
            if 1 <= number <= len(units):
                units[number - 1] = value
        return units

    def set_instrument(self, index: ModelIndex, instrument: str, reason: str | None) -> bool:
        """Record the instrument of the row's current result: the service records the same
        value again with the instrument (a change after submission needs a reason, like any
        change). False (and a message) if refused."""
        if not index.isValid():
            return False
        from labdesk.services import results

        data = self.model.row_data(index.row())
        item_id = int(data["id"])
        current = str(data.get("result_text") or "")
        if data.get("result_id") is None or not current:
            self.model.message.emit(
                QCoreApplication.translate(
                    "ResultGridModel", "Enter the result before its instrument."
                ),
                True,
            )
            return False
        if instrument.strip() == str(data.get("instrument") or ""):
            return True  # unchanged: nothing to write
        if not instrument.strip():
            self.model.message.emit(
                QCoreApplication.translate(
                    "ResultGridModel", "Type the instrument (name or number)."
                ),
                True,
            )
            return False
        return self.commit(
            index.row(),
            lambda ctx: results.enter_result(
                ctx,
                item_id,
                current,
                reason=reason or None,
                instrument=instrument.strip(),
                seen_result_id=data.get("result_id"),
            ),
            lambda _verdict: QCoreApplication.translate(
                "ResultGridModel", "Instrument of {0}: {1}"
            ).format(data.get("name", ""), instrument.strip()),
        )

    def set_lod(self, index: ModelIndex, lod: str, reason: str) -> bool:
        """Enter the detection limit (检出限) of the row's item, with a reason (audited);
        a current result is judged again under it. False (and a message) if refused."""
        if not index.isValid():
            return False
        from labdesk.services import results

        data = self.model.row_data(index.row())
        item_id = int(data["id"])
        self.model.forget_rule(item_id)  # the rule changes with its LOD
        return self.commit(
            index.row(),
            lambda ctx: results.set_item_lod(ctx, item_id, lod.strip(), reason),
            lambda _verdict: QCoreApplication.translate(
                "ResultGridModel", "Detection limit of {0}: {1}"
            ).format(data.get("name", ""), lod.strip()),
        )

    def retest(self, index: ModelIndex, text: str, reason: str) -> bool:
        """Record a retest (attempt + 1, the earlier result kept). False if refused."""
        if not index.isValid():
            return False
        from labdesk.services import results

        data = self.model.row_data(index.row())
        item_id = int(data["id"])
        return self.commit(
            index.row(),
            lambda ctx: results.retest(ctx, item_id, text.strip(), reason),
            lambda verdict: QCoreApplication.translate(
                "ResultGridModel", "Retest of {0} = {1}: {2}"
            ).format(data.get("name", ""), text.strip(), verdict_text(verdict.verdict)),
        )


def result_write(pending: PendingWrite) -> Write:
    """The service write of a typed result, as typed (now, or again after a crash)."""
    from labdesk.services import results

    def write(ctx: Any) -> Any:
        return results.enter_result(
            ctx,
            pending.item_id,
            pending.text,
            reason=pending.reason or None,
            # Another workstation's change since this row was read is refused; the same
            # text again (a write that committed, its answer lost) records nothing.
            seen_result_id=pending.seen_result_id,
        )

    return write


def units_write(pending: PendingWrite) -> Write:
    """A plan's units into its draft (after a crash: they were kept on this computer)."""
    from labdesk.services import drafts

    units = dict(pending.units)
    return lambda ctx: drafts.keep_units(ctx, pending.item_id, units)


def saved_message(pending: PendingWrite) -> Callable[[Any], str]:
    """What the message line says once `pending` is saved (given the service's answer)."""
    from labdesk.services.pending_journal import UNITS

    if pending.kind == UNITS:
        return lambda _draft: QCoreApplication.translate(
            "ResultGridModel", "{0}: units {1} kept in the draft."
        ).format(pending.item_name, pending.shown())
    return lambda verdict: QCoreApplication.translate(
        "ResultGridModel", "Saved {0} = {1}: {2}"
    ).format(pending.item_name, pending.text, verdict_text(verdict.verdict))
