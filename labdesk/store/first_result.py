"""An item's first result, decided on rows read just before and written in one statement.

Most entries a workstation makes are the first result of an item of a sample under
test. On a server the general path (an audited `shared` write: BEGIN with its lock, the
sample's row locked with its item, the current result, the INSERT, the audit append and
the COMMIT) costs six statements in five round trips, and with eight workstations on one
server the program's and the server's work per statement is what limits them (issue 18,
benchmarks/bench_store_concurrent.py). Here the service reads the item once, with what
its checks need, makes every check and the judgement on that, and this module writes
it — on a server in one statement (pg_engine.ENTER_FIRST) that makes the checks which
the general path makes under its locks again, under the same locks, and writes nothing
if one fails: no write that runs alone began since the read (`write_epoch`), the sample
is still in the state read, the item still has no current result. `write` then answers
None and the service takes the general path, which reads everything again.

On a file the one writer holds `db.lock` from the read to the write (`deciding`), so
nothing else can write in between; the write is the Writer's, as on the general path.

The rows read are kept for the next entries of the same sample (`kept_item`, `keep`):
a technician enters a sample's items one after another. On a server the write checks
them as above, so they are used until a write finds them changed (the service then
reads them again, once). On a file nothing at the write checks the items themselves,
so the rows are used only while no write that ran alone (the kind that changes items)
has begun on the connection since (`Database.alone_writes`); the state and the current
result are checked at the write under the lock, as on a server.

Either way the rows and the audit entries are those the general path writes for the
same entry (tests/store/test_first_result.py compares them).
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from labdesk.store import audit
from labdesk.store.audit import Actor
from labdesk.store.errors import StoreError
from labdesk.store.protocol import Store

# The state an entry moves a sample to from the states it starts testing from.
TESTING = "testing"
# Samples whose rows are kept (the technician's last ones).
KEPT_SAMPLES = 16


class _Kept:
    """The kept rows of one connection: item id → row, per sample in reading order."""

    def __init__(self, alone_writes: int) -> None:
        self.alone_writes = alone_writes
        self.items: dict[int, dict[str, Any]] = {}
        self.samples: OrderedDict[int, list[int]] = OrderedDict()


def _kept(db: Store) -> _Kept:
    kept: _Kept | None = db.__dict__.get("_first_result_rows")
    if kept is None or (
        not db.engine.one_statement_entries and kept.alone_writes != db.alone_writes
    ):
        kept = db.__dict__["_first_result_rows"] = _Kept(db.alone_writes)
    return kept


def kept_item(db: Store, item_id: int) -> dict[str, Any] | None:
    """The row of `item_id` kept from an earlier read of its sample's items (`keep`),
    None if there is none that may still be decided on. The caller must not change it."""
    with db.lock:
        return _kept(db).items.get(item_id)


def keep(db: Store, rows: list[dict[str, Any]]) -> None:
    """Keeps the rows of a sample's items as read for a decision: each with its `id`,
    `sample_id`, `sample_state`, `write_epoch` and `current_result_id`."""
    with db.lock:
        kept = _kept(db)
        for row in rows:
            sample_id = int(row["sample_id"])
            if sample_id in kept.samples:
                forget(db, sample_id)
        for row in rows:
            item_id, sample_id = int(row["id"]), int(row["sample_id"])
            kept.items[item_id] = row
            kept.samples.setdefault(sample_id, []).append(item_id)
        while len(kept.samples) > KEPT_SAMPLES:
            _, old = kept.samples.popitem(last=False)
            for item_id in old:
                kept.items.pop(item_id, None)


def forget(db: Store, sample_id: int) -> None:
    """Drops the kept rows of a sample (found changed, or changed by the general path)."""
    with db.lock:
        kept = _kept(db)
        for item_id in kept.samples.pop(sample_id, ()):
            kept.items.pop(item_id, None)


def _written(db: Store, item_id: int, sample_id: int, result_id: int) -> None:
    """The kept rows as this write left them: the sample under test, the item's result."""
    kept = _kept(db)
    for other in kept.samples.get(sample_id, ()):
        row = kept.items[other]
        row["sample_state"] = TESTING
        if other == item_id:
            row["current_result_id"] = result_id


@contextlib.contextmanager
def deciding(db: Store) -> Iterator[None]:
    """Held from the read a first result is decided on to its `write`: this
    connection is the service's alone meanwhile (on a file: nothing else writes)."""
    with db.lock:
        yield


@dataclass(frozen=True)
class _Decided:
    """What `FirstResult.write` was asked to write, and on what it was decided."""

    item_id: int
    sample_id: int
    state: str
    epoch: int
    result: Mapping[str, Any]
    action: str
    reason: str
    start_testing: Mapping[str, Any] | None


class FirstResult:
    """One first result about to be written: its moment (`at_utc`, which the rows the
    service builds carry) and the audit encoders, as a Writer's."""

    def __init__(self, db: Store, actor: Actor) -> None:
        if db.readonly:
            raise StoreError(f"{db.target} is open read-only")
        self._db = db
        # No transaction yet: only the Writer's clock and encoders are used here.
        self._writer = audit.Writer(db, db.conn, actor)
        self.at_utc = self._writer.at_utc

    def write(
        self,
        *,
        item_id: int,
        sample_id: int,
        state: str,
        epoch: int,
        result: Mapping[str, Any],
        action: str,
        reason: str,
        start_testing: Mapping[str, Any] | None = None,
    ) -> int | None:
        """Writes `result` (a results row without its id) and returns its id, or None
        when the sample is no longer in `state`, the item has a current result or a
        write that runs alone began since `epoch` was read; then nothing is written.
        `start_testing` is the sample_events row moving the sample from `state` to
        testing, written first with its move (as `samples.transition`)."""
        decided = _Decided(item_id, sample_id, state, epoch, result, action, reason, start_testing)
        db = self._db
        with db.lock:
            if db.engine.one_statement_entries:
                new_id = self._in_one_statement(decided)
            else:
                new_id = self._with_writer(decided)
            if new_id is None:
                forget(db, sample_id)
            else:
                _written(db, item_id, sample_id, new_id)
            return new_id

    def _with_writer(self, d: _Decided) -> int | None:
        db = self._db
        decided = self._writer
        with audit.write(db, decided.actor, shared=True) as w:
            # The entries' moment is the decision's, which the rows carry.
            w.at_utc, w.at_offset = decided.at_utc, decided.at_offset
            row = w.lock("samples", d.sample_id, ("state",))
            if row is None or row[0] != d.state:
                return None
            current = w.conn.execute(
                "SELECT 1 FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
                (d.item_id,),
            ).fetchone()
            if current is not None:
                return None
            if d.start_testing is not None:
                move = str(d.start_testing["action"])
                why = str(d.start_testing["reason"])
                w.update("samples", d.sample_id, {"state": TESTING}, reason=why, action=move)
                w.insert("sample_events", dict(d.start_testing), reason=why, action=move)
            return w.insert("results", dict(d.result), reason=d.reason, action=d.action)

    def _in_one_statement(self, d: _Decided) -> int | None:
        db = self._db
        w = self._writer
        engine = db.engine
        entry = w.new_row_entry("results", d.result, reason=d.reason, action=d.action)
        if entry.columns != engine.first_result_columns:
            # A schema the server function was not written for: nothing written here,
            # so the service takes the general path.
            return None
        move: tuple[Any, ...] = (None,) * 9
        if d.start_testing is not None:
            move_action = str(d.start_testing["action"])
            why = str(d.start_testing["reason"])
            event = w.new_row_entry(
                "sample_events", d.start_testing, reason=why, action=move_action
            )
            middle, old, new = w.update_entry(
                "samples", d.sample_id, "state", d.state, TESTING, reason=why, action=move_action
            )
            move = (TESTING, move_action, why, middle, old, new, *event[:3])
        actor = w.actor
        params = (
            d.item_id,
            d.sample_id,
            d.state,
            d.epoch,
            move[0],
            w.at_utc,
            w.at_offset,
            actor.user_id,
            actor.username,
            *move[1:],
            d.action,
            d.reason,
            *entry[:3],
            *entry.values,
        )
        try:
            answer = engine.enter_first(db.conn, params)
        except engine.errors as exc:
            raise engine.translate(exc, db.target) from exc
        if answer is None:
            return None
        new_id, first, last = answer
        audit.note_own_entries(db, first, last)
        return new_id
