"""A desk's write that met a busy server is tried again (issue 18.5): registering a
sample, editing its form and importing results wait for another workstation's lock past
a short `lock_timeout`, are rolled back by the server and tried again once the lock is
gone — written once, the audit chain whole. Still busy after the last try, the call says
it was tried that many times and nothing of it is there.

The lock is real: another connection's open transaction, as another workstation's
would be (its audited-write lock held shared, as a desk entering results holds it, or
the sample's row held `FOR UPDATE`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from labdesk.services import queries, result_import, samples
from labdesk.services.busy import ATTEMPTS
from labdesk.store.audit import verify_audit
from labdesk.store.db import Database
from labdesk.store.errors import DatabaseBusy
from labdesk.store.pg_engine import _AUDITED_LOCK
from tests.services.recordkit import World, sample_form
from tests.store import test_shared_writes as shared

workstations = shared.workstations

# The desk gives up waiting after LOCK_TIMEOUT; the other workstation lets go after
# HELD_S: the first try is refused, a later one goes through (3 tries wait up to ~1.4 s).
LOCK_TIMEOUT = "400ms"
HELD_S = 0.6


def _raw(world: World) -> Any:
    return world.db.conn.raw  # type: ignore[attr-defined]


def _hold_audited_lock(world: World) -> None:
    """Another workstation's shared write left open (entering results, say): every
    change that runs alone waits for it."""
    raw = _raw(world)
    raw.execute("BEGIN")
    raw.execute("SELECT pg_advisory_xact_lock_shared(%s)", (_AUDITED_LOCK,))


def _hold_sample_row(world: World, sample_id: int) -> None:
    raw = _raw(world)
    raw.execute("BEGIN")
    raw.execute("SELECT id FROM samples WHERE id = %s FOR UPDATE", (sample_id,))


def _release(world: World) -> None:
    _raw(world).execute("ROLLBACK")


def _impatient(world: World, timeout: str = LOCK_TIMEOUT) -> None:
    _raw(world).execute(f"SET lock_timeout = '{timeout}'")


def _audit_count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM audit_log"))


def _through_a_busy_lock(
    holder: World, hold: Callable[[], None], call: Callable[[], object]
) -> object:
    """`call` run on another desk while `hold` (on `holder`) keeps a lock for HELD_S; it
    must come back with its value, not DatabaseBusy, and only after the lock was let go."""
    hold()
    started = time.monotonic()
    outcome: list[object] = []
    thread, failures = shared._in_thread(lambda: outcome.append(call()))
    time.sleep(HELD_S)
    _release(holder)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert not failures, failures
    assert time.monotonic() - started >= HELD_S
    return outcome[0]


def test_a_registration_that_met_a_busy_lock_is_tried_again_and_written_once(
    workstations: list[World],
) -> None:
    holder, desk = workstations[0], workstations[1]
    db = holder.db
    # The same registration on a free server: what one registration writes to the audit.
    samples.register_sample(desk.tech, sample_form(sample_no="FREE-1"))
    before = _audit_count(db)
    samples.register_sample(desk.tech, sample_form(sample_no="FREE-2"))
    one_registration = _audit_count(db) - before

    _impatient(desk)
    before = _audit_count(db)
    sample_id = _through_a_busy_lock(
        holder,
        lambda: _hold_audited_lock(holder),
        lambda: samples.register_sample(desk.tech, sample_form(sample_no="BUSY-1")),
    )
    assert db.scalar("SELECT count(*) FROM samples WHERE sample_no = 'BUSY-1'") == 1
    assert db.scalar("SELECT id FROM samples WHERE sample_no = 'BUSY-1'") == sample_id
    assert (
        db.scalar(
            "SELECT count(*) FROM sample_events WHERE sample_id = ? AND action = 'register'",
            (sample_id,),
        )
        == 1
    )
    assert db.scalar(
        "SELECT count(*) FROM sample_items WHERE sample_id = ?", (sample_id,)
    ) == db.scalar(
        "SELECT count(*) FROM sample_items s JOIN samples p ON p.id = s.sample_id "
        "WHERE p.sample_no = 'FREE-2'"
    )
    assert _audit_count(db) - before == one_registration
    report = verify_audit(db)
    assert report.ok, report.problem


def test_a_sample_edit_that_met_a_busy_row_is_tried_again_and_written_once(
    workstations: list[World],
) -> None:
    holder, desk = workstations[0], workstations[1]
    db = holder.db
    sample_id = samples.register_sample(desk.tech, sample_form(sample_no="EDIT-1"))
    _impatient(desk)
    before = _audit_count(db)
    _through_a_busy_lock(
        holder,
        lambda: _hold_sample_row(holder, sample_id),
        lambda: samples.update_sample(desk.tech, sample_id, {"sample_name": "青椒"}),
    )
    assert db.scalar("SELECT sample_name FROM samples WHERE id = ?", (sample_id,)) == "青椒"
    changed = db.query(
        "SELECT field, old_value, new_value FROM audit_log WHERE seq > ? "
        "AND table_name = 'samples' AND record_id = ?",
        (before, sample_id),
    )
    assert [r["field"] for r in changed] == ["sample_name"]
    assert _audit_count(db) - before == 1
    report = verify_audit(db)
    assert report.ok, report.problem


def _result_file(world: World, sample_id: int, path: Path) -> Path:
    items = queries.sample_items_with_results(world.db, sample_id)
    rows = [["样品编号", "检验项目", "检验结果"]]
    rows += [["IMP-1", str(item["name"]), "0.01"] for item in items]
    path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8")
    return path


def test_a_results_import_that_met_a_busy_sample_is_tried_again_and_written_once(
    workstations: list[World], tmp_path: Path
) -> None:
    holder, desk = workstations[0], workstations[1]
    db = holder.db
    sample_id = samples.register_sample(desk.tech, sample_form(sample_no="IMP-1"))
    samples.receive_sample(desk.tech, sample_id)
    prepared = result_import.prepare(db, _result_file(desk, sample_id, tmp_path / "r.csv"))
    assert not prepared.plan.errors, prepared.plan.errors
    rows = len(prepared.plan.entries)
    assert rows > 0
    _impatient(desk)
    written = _through_a_busy_lock(
        holder,
        lambda: _hold_sample_row(holder, sample_id),
        lambda: result_import.commit(desk.tech, prepared),
    )
    assert written == rows
    assert db.scalar("SELECT count(*) FROM result_imports") == 1
    assert (
        db.scalar(
            "SELECT count(*) FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
            "WHERE i.sample_id = ?",
            (sample_id,),
        )
        == rows
    )
    # Audited once each: one file row, one result per entry (each try's rows rolled back).
    assert (
        db.scalar(
            "SELECT count(DISTINCT record_id) FROM audit_log WHERE table_name = 'result_imports'"
        )
        == 1
    )
    assert (
        db.scalar("SELECT count(DISTINCT record_id) FROM audit_log WHERE table_name = 'results'")
        == rows
    )
    report = verify_audit(db)
    assert report.ok, report.problem


def test_a_registration_busy_on_every_try_says_so_and_writes_nothing(
    workstations: list[World],
) -> None:
    holder, desk = workstations[0], workstations[1]
    db = holder.db
    _impatient(desk, "150ms")
    before = _audit_count(db)
    _hold_audited_lock(holder)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as refused:
            samples.register_sample(desk.tech, sample_form(sample_no="NEVER-1"))
        waited = time.monotonic() - started
    finally:
        _release(holder)
    assert f"tried {ATTEMPTS} times" in refused.value.in_language("en")
    assert f"已自动重试 {ATTEMPTS} 次" in refused.value.in_language("zh")
    assert waited >= ATTEMPTS * 0.15  # every try waited for the lock, none was skipped
    assert not desk.db.conn.in_transaction
    assert db.scalar("SELECT count(*) FROM samples WHERE sample_no = 'NEVER-1'") == 0
    assert _audit_count(db) == before
    # free again: the same form registers at once
    samples.register_sample(desk.tech, sample_form(sample_no="NEVER-1"))
    report = verify_audit(db)
    assert report.ok, report.problem


def test_a_wrong_password_typed_while_the_server_is_busy_counts_once(
    workstations: list[World],
) -> None:
    """Signing in takes the store, not a context: its failure count is tried again
    too, and counted once — the try the server refused counted nothing."""
    from labdesk.services import auth

    holder, desk = workstations[0], workstations[1]
    db = holder.db
    _impatient(desk)
    refused: list[BaseException] = []

    def wrong_password() -> None:
        try:
            auth.sign_in(desk.db, "tech", "not-the-password")
        except auth.AuthError as exc:
            refused.append(exc)

    _through_a_busy_lock(holder, lambda: _hold_audited_lock(holder), wrong_password)
    assert len(refused) == 1 and "4 attempt(s) left" in str(refused[0])
    assert db.scalar("SELECT failed_attempts FROM users WHERE username = 'tech'") == 1
    report = verify_audit(db)
    assert report.ok, report.problem
