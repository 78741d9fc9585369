"""The report number (检验报告编号) allocated at approval."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from labdesk.core.errors import PermissionDenied
from labdesk.services import auth, queries, results, workflow
from labdesk.services.audit import verify_audit
from labdesk.services.demo import fill_demo
from labdesk.services.samples import transition
from labdesk.store.db import open_database
from labdesk.store.errors import ConstraintViolation
from tests.services.recordkit import World, item_ids, sample_in_state, snapshot


def _report_no(world: World, sample_id: int) -> str | None:
    value = world.db.scalar("SELECT report_no FROM samples WHERE id = ?", (sample_id,))
    return None if value is None else str(value)


def test_approval_allocates_consecutive_numbers_per_year(world: World) -> None:
    year = date.today().year
    numbers = []
    for _ in range(3):
        sample_id = sample_in_state(world, "reviewed")
        assert _report_no(world, sample_id) is None
        numbers.append(workflow.approve(world.manager, sample_id))
        assert _report_no(world, sample_id) == numbers[-1]
    assert numbers == [f"TEST34-{year}-{n:06d}" for n in (1, 2, 3)]


def test_the_number_is_audited_with_the_approval(world: World) -> None:
    sample_id = sample_in_state(world, "reviewed")
    number = workflow.approve(world.manager, sample_id, "同意")
    entry = world.db.query_one(
        "SELECT username, action, old_value, new_value, reason FROM audit_log "
        "WHERE table_name = 'samples' AND record_id = ? AND field = 'report_no'",
        (sample_id,),
    )
    assert entry is not None
    assert (entry["username"], entry["action"], entry["reason"]) == ("manager", "approve", "同意")
    assert json.loads(entry["old_value"]) is None
    assert json.loads(entry["new_value"]) == number
    assert verify_audit(world.db).ok


def test_states_before_approval_have_no_number(world: World) -> None:
    for state in ("registered", "testing", "submitted", "reviewed", "returned", "cancelled"):
        assert _report_no(world, sample_in_state(world, state)) is None, state


def test_a_reapproved_sample_keeps_its_number(world: World) -> None:
    first = sample_in_state(world, "approved")
    number = _report_no(world, first)
    assert number is not None
    item = item_ids(world, first)[0]
    results.enter_result(world.tech, item, "0.002", reason="transcription error")
    assert queries.sample_detail(world.db, first)["state"] == "submitted"
    other = sample_in_state(world, "approved")  # takes the next serial meanwhile
    workflow.review(world.reviewer, first)
    assert workflow.approve(world.manager, first) == number
    assert _report_no(world, first) == number
    assert _report_no(world, other) == re.sub(r"\d{6}$", lambda m: f"{int(m[0]) + 1:06d}", number)
    assert verify_audit(world.db).ok


def test_a_refused_approval_allocates_nothing(world: World) -> None:
    sample_id = sample_in_state(world, "reviewed")
    before = snapshot(world.db)
    with pytest.raises(PermissionDenied):
        workflow.approve(world.reviewer, sample_id)
    assert snapshot(world.db) == before
    assert _report_no(world, sample_id) is None
    assert workflow.approve(world.manager, sample_id).endswith("-000001")


def test_serials_restart_each_year_and_follow_the_centre_code(world: World) -> None:
    assert workflow.next_report_no(world.db, 2025) == "TEST34-2025-000001"
    sample_id = sample_in_state(world, "reviewed")
    with world.db.write(world.manager.actor) as w:
        assert workflow.approve_in(w, sample_id, on=date(2025, 12, 31)) == "TEST34-2025-000001"
    assert workflow.next_report_no(world.db, 2025) == "TEST34-2025-000002"
    assert workflow.next_report_no(world.db, 2026) == "TEST34-2026-000001"
    auth.update_centre(world.admin, code="TEST34-2025")
    # A code that looks like an older prefix plus a year does not borrow its serials.
    assert workflow.next_report_no(world.db, 2025) == "TEST34-2025-2025-000001"
    auth.update_centre(world.admin, code="TEST34")
    assert workflow.next_report_no(world.db, 2025) == "TEST34-2025-000002"


def test_report_numbers_are_unique_in_the_database(world: World) -> None:
    a = sample_in_state(world, "approved")
    b = sample_in_state(world, "reviewed")
    number = _report_no(world, a)
    with pytest.raises(ConstraintViolation), world.db.write(world.manager.actor) as w:
        transition(w, b, "reviewed", "approved", "approve", extra={"report_no": number})
    assert _report_no(world, b) is None


def test_the_demo_generator_numbers_its_approved_samples(tmp_path: Path) -> None:
    with open_database(tmp_path / "demo.sqlite") as db:
        fill_demo(db, samples=60, seed=3)
        rows = db.query("SELECT state, report_no FROM samples")
        approved = [r for r in rows if r["state"] in ("approved", "exported")]
        assert approved
        assert all(r["report_no"] for r in approved)
        assert all(
            r["report_no"] is None for r in rows if r["state"] not in ("approved", "exported")
        )
        numbers = sorted(str(r["report_no"]) for r in approved)
        serials = [int(n[-6:]) for n in numbers]
        assert serials == list(range(1, len(approved) + 1))
        assert verify_audit(db).ok
