"""Entering results: typed text kept, judged, committed at once; corrections and retests."""

from __future__ import annotations

import pytest

from labdesk.core.errors import ValidationError, WorkflowError
from labdesk.services import queries, result_bulk, results, workflow
from labdesk.services.audit import verify_audit
from tests.services.recordkit import World, enter_all, item_ids, sample_in_state, snapshot


def _item(world: World, sample_id: int, name: str) -> dict:
    return next(
        i for i in queries.sample_items_with_results(world.db, sample_id) if i["name"] == name
    )


def test_a_result_is_stored_as_typed_and_judged(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    cadmium = _item(world, sample_id, "镉")  # ≤0.05 mg/kg
    verdict = results.enter_result(world.tech, cadmium["id"], " 0.050 ", instrument="ICP-MS")
    assert verdict.verdict == "pass"
    current = _item(world, sample_id, "镉")["current"]
    assert current["text"] == "0.050"
    assert current["verdict"] == "pass"
    assert current["instrument"] == "ICP-MS"
    assert current["entered_by_name"] == "tech"
    assert current["attempt"] == 1 and current["kind"] == "entry"
    failing = results.enter_result(world.tech, cadmium["id"], "0.051")
    assert failing.verdict == "fail"
    assert verify_audit(world.db).ok


def test_unreadable_text_is_refused_and_nothing_written(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    item_id = item_ids(world, sample_id)[0]
    before = snapshot(world.db)
    for text in ("0.5 mg/kg", "1e999", "0.3+", "", "abc"):
        with pytest.raises(ValidationError) as caught:
            results.enter_result(world.tech, item_id, text)
        assert caught.value.field == "result"
    assert snapshot(world.db) == before


def test_entering_on_a_received_sample_starts_testing(world: World) -> None:
    sample_id = sample_in_state(world, "received")
    results.enter_result(world.tech, item_ids(world, sample_id)[0], "ND")
    assert queries.sample_detail(world.db, sample_id)["state"] == "testing"


def test_results_cannot_be_entered_before_receipt_or_after_cancel(world: World) -> None:
    for state in ("registered", "cancelled"):
        sample_id = sample_in_state(world, state)
        with pytest.raises(WorkflowError, match=state):
            results.enter_result(world.tech, item_ids(world, sample_id)[0], "0.01")


def test_corrections_before_submission_need_no_reason_and_keep_the_original(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    item_id = item_ids(world, sample_id)[0]
    results.enter_result(world.tech, item_id, "0.010")
    results.enter_result(world.tech, item_id, "0.012")
    item = next(
        i for i in queries.sample_items_with_results(world.db, sample_id) if i["id"] == item_id
    )
    assert item["current"]["text"] == "0.012"
    assert item["current"]["kind"] == "correction"
    assert [h["text"] for h in item["history"]] == ["0.010"]
    assert item["history"][0]["superseded_by"] == item["current"]["id"]


def test_the_same_value_again_writes_nothing(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    item_id = item_ids(world, sample_id)[0]
    results.enter_result(world.tech, item_id, "0.010")
    before = snapshot(world.db)
    results.enter_result(world.tech, item_id, "0.010")
    assert snapshot(world.db) == before


@pytest.mark.parametrize("state", ["submitted", "reviewed", "approved"])
def test_a_change_after_submission_needs_a_reason(world: World, state: str) -> None:
    sample_id = sample_in_state(world, state)
    item_id = item_ids(world, sample_id)[0]
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        results.enter_result(world.tech, item_id, "0.002")
    assert caught.value.field == "reason"
    assert "already submitted" in str(caught.value)
    assert snapshot(world.db) == before
    results.enter_result(world.tech, item_id, "0.002", reason="transcription error")
    detail = queries.sample_detail(world.db, sample_id)
    assert detail["state"] == "submitted"  # review/approval no longer covers the record
    history = queries.sample_history(world.db, sample_id)
    assert any(h["reason"] == "transcription error" and h["table"] == "results" for h in history)
    if state != "submitted":
        reopen = [e for e in queries.sample_events(world.db, sample_id) if e["action"] == "reopen"]
        assert reopen and reopen[0]["reason"] == "transcription error"
    assert verify_audit(world.db).ok


def test_a_correction_after_submission_recomputes_the_conclusion(world: World) -> None:
    sample_id = sample_in_state(world, "submitted")
    assert queries.sample_detail(world.db, sample_id)["conclusion_code"] == "pass"
    cadmium = _item(world, sample_id, "镉")
    results.enter_result(world.tech, cadmium["id"], "0.9", reason="re-read the instrument")
    detail = queries.sample_detail(world.db, sample_id)
    assert detail["conclusion_code"] == "fail"
    assert detail["failing_items"] == ["镉"]
    assert "不合格" in detail["conclusion_zh"]


def test_a_returned_sample_needs_reasons_too(world: World) -> None:
    sample_id = sample_in_state(world, "returned")
    item_id = item_ids(world, sample_id)[0]
    with pytest.raises(ValidationError):
        results.enter_result(world.tech, item_id, "0.003")
    results.enter_result(world.tech, item_id, "0.003", reason="reviewer asked")
    assert queries.sample_detail(world.db, sample_id)["state"] == "testing"


def test_exported_samples_cannot_change(world: World) -> None:
    sample_id = sample_in_state(world, "exported")
    before = snapshot(world.db)
    with pytest.raises(WorkflowError, match="exported"):
        results.enter_result(world.tech, item_ids(world, sample_id)[0], "0.002", reason="late")
    assert snapshot(world.db) == before


def test_a_retest_keeps_the_original_visible(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    cadmium = _item(world, sample_id, "镉")
    results.enter_result(world.tech, cadmium["id"], "0.08")
    with pytest.raises(ValidationError):
        results.retest(world.tech, cadmium["id"], "0.07", " ")
    verdict = results.retest(world.tech, cadmium["id"], "0.07", "confirmatory retest")
    assert verdict.verdict == "fail"
    item = _item(world, sample_id, "镉")
    assert item["current"]["attempt"] == 2
    assert item["current"]["kind"] == "retest"
    assert item["current"]["reason"] == "confirmatory retest"
    assert [(h["text"], h["attempt"]) for h in item["history"]] == [("0.08", 1)]


def test_a_retest_needs_a_first_result(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    with pytest.raises(WorkflowError, match="no result"):
        results.retest(world.tech, item_ids(world, sample_id)[0], "0.01", "why")


def test_bulk_entry_is_all_or_nothing(world: World) -> None:
    sample_id = sample_in_state(world, "received")
    ids = item_ids(world, sample_id)
    before = snapshot(world.db)
    entries = [result_bulk.ResultEntry(i, "0.001") for i in ids[:-1]] + [
        result_bulk.ResultEntry(ids[-1], "junk")
    ]
    with pytest.raises(ValidationError) as caught:
        result_bulk.enter_results_bulk(world.tech, entries)
    assert caught.value.field == f"entries[{len(ids) - 1}]"
    assert snapshot(world.db) == before
    verdicts = result_bulk.enter_results_bulk(
        world.tech, [result_bulk.ResultEntry(i, "0.001") for i in ids]
    )
    assert len(verdicts) == len(ids)
    assert queries.sample_detail(world.db, sample_id)["state"] == "testing"
    workflow.submit(world.tech, sample_id)
    with pytest.raises(ValidationError, match="reason"):
        result_bulk.enter_results_bulk(world.tech, [result_bulk.ResultEntry(ids[0], "0.002")])
    result_bulk.enter_results_bulk(
        world.tech, [result_bulk.ResultEntry(ids[0], "0.002", reason="import fix")]
    )
    assert verify_audit(world.db).ok


def test_bulk_entry_refuses_duplicates_and_unknown_items(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    ids = item_ids(world, sample_id)
    with pytest.raises(ValidationError, match="twice"):
        result_bulk.enter_results_bulk(
            world.tech, [result_bulk.ResultEntry(ids[0], "1"), result_bulk.ResultEntry(ids[0], "2")]
        )
    with pytest.raises(ValidationError, match="does not exist"):
        result_bulk.enter_results_bulk(world.tech, [result_bulk.ResultEntry(999_999, "1")])


def test_enter_all_then_submit_computes_the_conclusion(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    enter_all(world, sample_id, "ND(0.001)")
    workflow.submit(world.tech, sample_id)
    detail = queries.sample_detail(world.db, sample_id)
    assert detail["conclusion_code"] == "pass"
    assert detail["conclusion_label"] == "合格"
    assert "GB 2762-2022" in detail["conclusion_zh"]
