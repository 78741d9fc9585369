"""An item's first result decided on rows read before and written in one statement where
the server can (store/first_result.py, issue 18's speed): it writes what the general path
writes, and never what rows changed since the read would have refused or judged
otherwise. Run on both engines (LABDESK_TEST_ENGINE)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from labdesk.core.errors import WorkflowError
from labdesk.services import results, samples
from labdesk.services.conflicts import EditConflict
from labdesk.store import audit, first_result
from labdesk.store.audit import verify_audit
from tests.services.recordkit import World, item_ids, register, sample_in_state

# The ids a row's JSON names: they differ between two samples entered alike.
_IDS = ("id", "sample_item_id", "sample_id")


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int | None]]:
    """What each first-result write answered (a result id, or None: found changed)."""
    answers: list[int | None] = []
    write = first_result.FirstResult.write

    def spy(self: first_result.FirstResult, **kwargs: Any) -> int | None:
        answer = write(self, **kwargs)
        answers.append(answer)
        return answer

    monkeypatch.setattr(first_result.FirstResult, "write", spy)
    yield answers


def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    init = audit.Writer.__init__

    def fixed(self: audit.Writer, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.at_utc, self.at_offset = "2026-12-04T02:00:00.000000Z", "+08:00"

    monkeypatch.setattr(audit.Writer, "__init__", fixed)


def _entries_after(world: World, seq: int) -> list[tuple[Any, ...]]:
    """The audit entries after `seq`, their ids left out (two samples differ only there)."""
    rows = world.db.query(
        "SELECT at_utc, at_offset, user_id, username, action, table_name, field, old_value, "
        "new_value, reason FROM audit_log WHERE seq > ? ORDER BY seq",
        (seq,),
    )
    entries = []
    for row in rows:
        new = row["new_value"]
        if new is not None and new.startswith("{"):
            values = json.loads(new)
            new = {k: v for k, v in values.items() if k not in _IDS}
        entries.append((*tuple(row)[:8], new, row["reason"]))
    return entries


def _head(world: World) -> int:
    return int(world.db.scalar("SELECT seq FROM audit_head WHERE id = 1"))


def test_a_first_result_writes_what_the_general_path_writes(
    world: World, monkeypatch: pytest.MonkeyPatch, written: list[int | None]
) -> None:
    """Two samples alike, received: one entered by the first-result path, one by the
    general path. The same entries (the move to testing with its event, then each
    result), the same rows, and the chain verifies."""
    _fixed_clock(monkeypatch)
    quick, general = (sample_in_state(world, "received") for _ in range(2))
    texts = ["0.010", "ND(0.01)", "0.3", "1.2"]
    start = _head(world)
    for item_id, text in zip(item_ids(world, quick), texts, strict=False):
        results.enter_result(world.tech, item_id, text, seen_result_id=None)
    quick_entries = _entries_after(world, start)
    assert written and all(answer is not None for answer in written)
    count = len(written)

    monkeypatch.setattr(results, "_enter_first", lambda *args, **kwargs: None)
    start = _head(world)
    for item_id, text in zip(item_ids(world, general), texts, strict=False):
        results.enter_result(world.tech, item_id, text, seen_result_id=None)
    assert len(written) == count  # the general path only
    assert _entries_after(world, start) == quick_entries
    assert [e[4:6] for e in quick_entries[:3]] == [
        ("start_testing", "samples"),
        ("start_testing", "sample_events"),
        ("entry", "results"),
    ]

    def rows(sample_id: int) -> list[tuple[Any, ...]]:
        found = world.db.query(
            "SELECT r.* FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
            "WHERE i.sample_id = ? ORDER BY i.seq",
            (sample_id,),
        )
        return [tuple(v for k, v in dict(r).items() if k not in _IDS) for r in found]

    assert rows(quick) == rows(general)
    states = world.db.query("SELECT state FROM samples WHERE id IN (?, ?)", (quick, general))
    assert [s["state"] for s in states] == ["testing", "testing"]
    assert verify_audit(world.db).ok


def test_an_lod_changed_after_the_read_is_the_one_judged(
    world: World, written: list[int | None]
) -> None:
    """The sample's rows are kept after its first entry; an item's LOD is then changed
    (a write that runs alone). The next entry is reported with the new LOD."""
    sample_id = sample_in_state(world, "testing")
    other = int(
        world.db.scalar(
            "SELECT id FROM sample_items WHERE sample_id = ? AND coalesce(lod, '') = '' "
            "AND coalesce(loq, '') = '' ORDER BY seq LIMIT 1",
            (sample_id,),
        )
    )
    first = next(i for i in item_ids(world, sample_id) if i != other)
    results.set_item_lod(world.tech, other, "0.01", "方法检出限")
    results.enter_result(world.tech, first, "0.010", seen_result_id=None)  # rows kept
    assert written == [written[0]] and written[0] is not None
    assert first_result.kept_item(world.db, other) is not None  # kept with the first
    results.set_item_lod(world.tech2, other, "0.02", "换用第二法")
    verdict = results.enter_result(world.tech, other, "ND", seen_result_id=None)
    assert verdict.display == "未检出（检出限 0.02 mg/kg）"
    stored = world.db.scalar(
        "SELECT display FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
        (other,),
    )
    assert stored == "未检出（检出限 0.02 mg/kg）"
    assert verify_audit(world.db).ok


def test_a_sample_cancelled_after_the_read_takes_no_result(
    world: World, written: list[int | None]
) -> None:
    sample_id = sample_in_state(world, "received")
    first, other, *_ = item_ids(world, sample_id)
    results.enter_result(world.tech, first, "0.010", seen_result_id=None)
    assert written[-1] is not None
    # Another desk's change beside this one (a shared write: no write epoch moves, so
    # only the state checked at the write can tell).
    with world.db.write(world.manager.actor, shared=True) as w:
        samples.transition(w, sample_id, "testing", "cancelled", "cancel", reason="撤样")
    with pytest.raises(WorkflowError, match="cancelled"):
        results.enter_result(world.tech, other, "0.010", seen_result_id=None)
    assert written[-1] is None  # found changed at the write: nothing written there
    assert world.db.scalar("SELECT count(*) FROM results WHERE sample_item_id = ?", (other,)) == 0
    assert verify_audit(world.db).ok


def test_a_result_entered_by_someone_else_after_the_read_is_a_conflict(
    world: World, written: list[int | None]
) -> None:
    sample_id = sample_in_state(world, "testing")
    first, other, *_ = item_ids(world, sample_id)
    results.enter_result(world.tech, first, "0.010", seen_result_id=None)  # rows kept
    # Another desk's entry, written the general way (as a correction path would):
    # nothing tells the kept rows.
    with world.db.write(world.tech2.actor, shared=True) as w:
        item = results._locked_item_context(w, other)
        results.write_one(
            w,
            item,
            "0.020",
            results.judge_text(item, "0.020"),
            kind="entry",
            reason="",
            instrument="",
            method="",
        )
    with pytest.raises(EditConflict):
        results.enter_result(world.tech, other, "0.030", seen_result_id=None)
    texts = world.db.query(
        "SELECT text FROM results WHERE sample_item_id = ? ORDER BY id", (other,)
    )
    assert [t["text"] for t in texts] == ["0.020"]
    assert verify_audit(world.db).ok


def test_a_correction_takes_the_general_path(world: World, written: list[int | None]) -> None:
    sample_id = register(world)
    samples.receive_sample(world.tech, sample_id)
    item_id = item_ids(world, sample_id)[0]
    results.enter_result(world.tech, item_id, "0.010", seen_result_id=None)
    assert len(written) == 1
    current = results.current_result(world.db, item_id)
    assert current is not None
    results.enter_result(world.tech, item_id, "0.011", seen_result_id=int(current["id"]))
    assert len(written) == 1  # the correction: the general path
    texts = world.db.query(
        "SELECT text, kind FROM results WHERE sample_item_id = ? ORDER BY id", (item_id,)
    )
    assert [(t["text"], t["kind"]) for t in texts] == [("0.010", "entry"), ("0.011", "correction")]
    assert verify_audit(world.db).ok


def test_the_server_function_takes_the_results_columns_as_the_table_has_them(
    world: World,
) -> None:
    """labdesk_enter_first binds a result's values column by column: its list is the
    table's, in order, with each column's type (PostgreSQL's catalogue says)."""
    engine = world.db.engine
    if not engine.one_statement_entries:
        pytest.skip("a file writes a first result through the Writer")
    from labdesk.store.pg_engine import FIRST_RESULT_COLUMNS

    found = world.db.query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'results' AND table_schema = current_schema() "
        "ORDER BY ordinal_position"
    )
    assert [(r["column_name"], r["data_type"]) for r in found][1:] == list(FIRST_RESULT_COLUMNS)
    assert engine.first_result_columns == tuple(name for name, _ in FIRST_RESULT_COLUMNS)


def test_a_schema_the_server_function_was_not_written_for_takes_the_general_path(
    world: World, monkeypatch: pytest.MonkeyPatch, written: list[int | None]
) -> None:
    """Results columns other than those labdesk_enter_first binds (a later schema on an
    older function, say): nothing is written in one statement and the entry is still
    recorded, by the general path, with its audit entry."""
    engine = world.db.engine
    if not engine.one_statement_entries:
        pytest.skip("a file writes a first result through the Writer")
    monkeypatch.setattr(type(engine), "first_result_columns", engine.first_result_columns[:-1])
    sample_id = sample_in_state(world, "testing")
    item_id = item_ids(world, sample_id)[0]
    start = _head(world)
    verdict = results.enter_result(world.tech, item_id, "0.010", seen_result_id=None)
    assert verdict.verdict == "pass"
    assert written and all(answer is None for answer in written)
    assert [e[4:6] for e in _entries_after(world, start)] == [("entry", "results")]
    assert verify_audit(world.db).ok
