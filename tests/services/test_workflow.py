"""The workflow path, export recording and the read-side queries."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from labdesk.core.errors import NotFound, ValidationError, WorkflowError
from labdesk.services import queries, results, samples, workflow
from labdesk.services.audit import verify_audit
from tests.services.recordkit import (
    World,
    enter_all,
    export,
    item_ids,
    register,
    sample_in_state,
    snapshot,
)


def test_the_whole_path_is_recorded(world: World) -> None:
    sample_id = sample_in_state(world, "exported")
    events = queries.sample_events(world.db, sample_id)
    assert [(e["action"], e["from_state"], e["to_state"]) for e in events] == [
        ("register", "draft", "registered"),
        ("receive", "registered", "received"),
        ("start_testing", "received", "testing"),
        ("submit", "testing", "submitted"),
        ("review", "submitted", "reviewed"),
        ("approve", "reviewed", "approved"),
        ("export", "approved", "exported"),
    ]
    assert [e["username"] for e in events][3:] == ["tech", "reviewer", "manager", "manager"]
    assert verify_audit(world.db).ok


def test_submit_needs_every_result(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    first, *rest = item_ids(world, sample_id)
    results.enter_result(world.tech, first, "0.001")
    before = snapshot(world.db)
    with pytest.raises(ValidationError, match="no result yet"):
        workflow.submit(world.tech, sample_id)
    assert snapshot(world.db) == before
    assert rest


def test_states_are_enforced(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    with pytest.raises(WorkflowError, match="testing"):
        workflow.review(world.reviewer, sample_id)
    with pytest.raises(WorkflowError):
        workflow.approve(world.manager, sample_id)
    with pytest.raises(WorkflowError):
        workflow.return_sample(world.reviewer, sample_id, "why")


def test_return_needs_a_reason_and_goes_back_to_testing(world: World) -> None:
    sample_id = sample_in_state(world, "submitted")
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        workflow.return_sample(world.reviewer, sample_id, "  ")
    assert caught.value.field == "reason"
    assert snapshot(world.db) == before
    workflow.return_sample(world.reviewer, sample_id, "复核原始记录")
    assert queries.sample_detail(world.db, sample_id)["state"] == "returned"
    samples.start_testing(world.tech, sample_id)
    workflow.submit(world.tech, sample_id)
    workflow.review(world.reviewer, sample_id)
    workflow.return_sample(world.manager, sample_id, "manager sends it back")
    assert queries.sample_detail(world.db, sample_id)["state"] == "returned"


def _batch(sequence: int, content: bytes = b"\x00batch\xff") -> workflow.ExportBatch:
    return workflow.ExportBatch(
        sequence=sequence,
        batch_uuid=str(uuid.uuid4()),
        file_name=f"C-{sequence:06d}.labbatch",
        manifest_sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        key_fingerprint="ab" * 16,
    )


def test_record_export_marks_samples_and_keeps_the_bytes(world: World) -> None:
    a = sample_in_state(world, "approved")
    b = sample_in_state(world, "approved")
    assert queries.approved_unexported_samples(world.db) == [a, b]
    sequence = workflow.next_export_sequence(world.db)
    batch_id = workflow.record_export(world.manager, _batch(sequence), [a, b])
    assert queries.approved_unexported_samples(world.db) == []
    assert {queries.sample_detail(world.db, s)["export_batch_id"] for s in (a, b)} == {batch_id}
    assert workflow.export_batch_content(world.db, batch_id) == b"\x00batch\xff"
    [listed] = workflow.export_batches(world.db)
    assert (listed["sequence"], listed["sample_count"], listed["size"]) == (sequence, 2, 7)
    assert workflow.next_export_sequence(world.db) == sequence + 1
    assert verify_audit(world.db).ok


def test_record_export_refuses_bad_batches_whole(world: World) -> None:
    approved = sample_in_state(world, "approved")
    reviewed = sample_in_state(world, "reviewed")
    export(world, [sample_in_state(world, "approved")])
    used = workflow.next_export_sequence(world.db) - 1
    before = snapshot(world.db)
    for batch, ids in [
        (_batch(used + 1), [approved, reviewed]),  # one not approved: nothing exported
        (_batch(used), [approved]),  # sequence reused
        (_batch(used + 1), []),
        (_batch(used + 1), [approved, approved]),
    ]:
        with pytest.raises((ValidationError, WorkflowError)):
            workflow.record_export(world.manager, batch, ids)
    assert snapshot(world.db) == before
    assert queries.sample_detail(world.db, approved)["state"] == "approved"


def test_bulk_export_logs_what_one_transition_per_sample_would(world: World) -> None:
    """Per sample: export_batch_id and state changed (old → new), one export event; the
    replay in verify_audit rebuilds them; the entries carry the batch as their reason."""
    ids = [sample_in_state(world, "approved") for _ in range(3)]
    start = int(world.db.scalar("SELECT seq FROM audit_head"))
    sequence = workflow.next_export_sequence(world.db)
    batch_id = workflow.record_export(world.manager, _batch(sequence), ids)
    rows = world.db.query(
        "SELECT table_name, record_id, field, old_value, new_value, action, reason, username "
        "FROM audit_log WHERE seq > ? ORDER BY seq",
        (start,),
    )
    entries = [dict(r) for r in rows]
    assert {e["action"] for e in entries} == {"export"}
    assert {e["username"] for e in entries} == {"manager"}
    assert entries[0]["table_name"] == "export_batches" and entries[0]["field"] is None
    reason = f"batch {sequence} C-{sequence:06d}.labbatch"
    for sample_id in ids:
        changed = {
            e["field"]: (json.loads(e["old_value"]), json.loads(e["new_value"]))
            for e in entries
            if e["table_name"] == "samples" and e["record_id"] == sample_id
        }
        assert changed == {"export_batch_id": (None, batch_id), "state": ("approved", "exported")}
        [event] = [
            json.loads(e["new_value"])
            for e in entries
            if e["table_name"] == "sample_events"
            and json.loads(e["new_value"])["sample_id"] == sample_id
        ]
        assert (event["from_state"], event["to_state"], event["reason"]) == (
            "approved",
            "exported",
            reason,
        )
    assert {e["reason"] for e in entries[1:]} == {reason}
    assert len(entries) == 1 + 3 * len(ids)
    assert verify_audit(world.db).ok


def test_record_export_refuses_missing_or_already_batched_samples(world: World) -> None:
    approved = sample_in_state(world, "approved")
    done = sample_in_state(world, "exported")
    before = snapshot(world.db)
    sequence = workflow.next_export_sequence(world.db)
    with pytest.raises(NotFound, match="#987654"):
        workflow.record_export(world.manager, _batch(sequence), [approved, 987654])
    with pytest.raises(WorkflowError, match="is exported"):
        workflow.record_export(world.manager, _batch(sequence), [done, approved])
    assert snapshot(world.db) == before


def test_check_exportable_names_a_batched_sample_even_if_approved(world: World) -> None:
    """A sample that is somehow approved yet in a batch is refused, not exported twice."""
    sample_id = sample_in_state(world, "approved")
    batch_id = export(world, [sample_in_state(world, "approved")])
    with world.db.write(world.manager.actor) as w:  # an inconsistent row, audited
        w.update("samples", sample_id, {"export_batch_id": batch_id})
    with pytest.raises(WorkflowError, match="already in export batch"):
        workflow.check_exportable(world.db, [sample_id])


def test_sample_ids_and_rows_for_the_lazy_grid(world: World) -> None:
    testing = sample_in_state(world, "testing", sample_name="韭菜样品")
    approved = sample_in_state(world, "approved")
    ids = queries.sample_ids(world.db)
    assert ids[:2] == [approved, testing]  # newest first
    assert queries.sample_ids(world.db, queries.SampleFilter(states=("testing",))) == [testing]
    assert queries.sample_ids(world.db, queries.SampleFilter(text="韭菜")) == [testing]
    assert queries.sample_ids(world.db, queries.SampleFilter(text="合肥测试")) == ids
    rows = queries.sample_rows(world.db, [testing, approved, 999_999])
    assert [r["id"] for r in rows] == [testing, approved]
    assert rows[1]["conclusion_label"] == "合格"
    assert rows[0]["enterprise_name"] == "合肥测试食品有限公司"
    with pytest.raises(ValidationError):
        queries.sample_ids(world.db, queries.SampleFilter(states=("lost",)))
    counts = queries.count_by_state(world.db)
    assert counts["testing"] == 1 and counts["approved"] == 1


def test_review_queue_puts_exceptions_first(world: World) -> None:
    plain = sample_in_state(world, "submitted")
    failing = sample_in_state(world, "testing")
    enter_all(world, failing, "9")
    workflow.submit(world.tech, failing)
    edited = sample_in_state(world, "submitted")
    results.enter_result(world.tech, item_ids(world, edited)[0], "0.002", reason="fix")
    assert queries.review_queue(world.db) == [failing, edited, plain]


def test_history_shows_who_what_when_why(world: World) -> None:
    sample_id = sample_in_state(world, "submitted")
    item_id = item_ids(world, sample_id)[0]
    results.enter_result(world.tech2, item_id, "0.004", reason="recalculated")
    history = queries.sample_history(world.db, sample_id)
    assert [h["seq"] for h in history] == sorted(h["seq"] for h in history)
    assert history[0]["table"] == "samples" and history[0]["field"] is None
    change = [h for h in history if h["table"] == "results" and h["field"] == "superseded_by"][-1]
    assert change["username"] == "tech2"
    assert change["reason"] == "recalculated"
    assert change["old"] is None and isinstance(change["new"], int)
    assert change["at_offset"].startswith(("+", "-"))


def test_export_record_is_complete_and_json_ready(world: World) -> None:
    sample_id = sample_in_state(world, "approved")
    results.enter_result(world.tech, item_ids(world, sample_id)[0], "0.003", reason="typo")
    samples_state = queries.sample_detail(world.db, sample_id)["state"]
    assert samples_state == "submitted"
    record = queries.sample_export_record(world.db, sample_id)
    json.dumps(record, ensure_ascii=False)  # plain values only
    assert record["sample"]["sample_no"]
    assert record["enterprise"]["uscc"]
    assert record["task"]["task_no"] == "RW-TEST-001"
    assert record["centre"]["code"] == "TEST34"
    first = record["items"][0]
    assert first["current"]["text"] == "0.003"
    assert [h["text"] for h in first["history"]] == ["0.001"]
    assert record["conclusion"]["code"] == "pass"
    assert {e["action"] for e in record["events"]} >= {"register", "approve", "reopen"}
    assert any(a["reason"] == "typo" for a in record["audit"])


def test_register_helper_numbers_are_unique(world: World) -> None:
    a, b = register(world), register(world)
    assert a != b
