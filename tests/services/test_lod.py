"""未检出 needs its 检出限 (issue 20): refused without one, entered on the item with a
reason, and never carried by a submission, an approval, a report or a batch."""

from __future__ import annotations

import pytest

from labdesk.core.errors import PermissionDenied, ValidationError
from labdesk.services import results, workflow
from labdesk.store.audit import verify_audit
from tests.services.recordkit import World, item_ids, sample_in_state, snapshot


def _item_without_lod(world: World, sample_id: int) -> int:
    for item_id in item_ids(world, sample_id):
        if not world.db.scalar("SELECT lod FROM sample_items WHERE id = ?", (item_id,)):
            return item_id
    raise AssertionError("the category has no item without an LOD")


def test_nd_without_an_lod_is_refused_with_its_reason_and_writes_nothing(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    item_id = _item_without_lod(world, sample_id)
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        results.enter_result(world.tech, item_id, "ND")
    assert caught.value.rule == "lod_required" and "ND(0.01)" in str(caught.value)
    assert snapshot(world.db) == before


def test_nd_with_its_own_lod_is_reported_with_it(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    item_id = _item_without_lod(world, sample_id)
    verdict = results.enter_result(world.tech, item_id, "ND(0.01)")
    assert verdict.verdict == "pass" and verdict.display == "未检出（检出限 0.01 mg/kg）"


def test_the_lod_entered_on_the_item_with_a_reason_is_audited(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    item_id = _item_without_lod(world, sample_id)
    with pytest.raises(ValidationError) as caught:
        results.set_item_lod(world.tech, item_id, "0.01", "")
    assert caught.value.field == "reason"
    for bad in ("0", "-0.01", "abc", "1e-3"):
        with pytest.raises(ValidationError):
            results.set_item_lod(world.tech, item_id, bad, "方法检出限")
    with pytest.raises(PermissionDenied):
        results.set_item_lod(world.reviewer, item_id, "0.01", "方法检出限")
    assert results.set_item_lod(world.tech, item_id, "0.01", "GB 5009.11 第一法检出限") is None
    entry = world.db.query_one(
        "SELECT new_value, reason, username FROM audit_log WHERE table_name = 'sample_items' "
        "AND record_id = ? AND field = 'lod' ORDER BY seq DESC LIMIT 1",
        (item_id,),
    )
    assert entry is not None
    assert (entry["reason"], entry["username"]) == ("GB 5009.11 第一法检出限", "tech")
    verdict = results.enter_result(world.tech, item_id, "ND")
    assert verdict.display == "未检出（检出限 0.01 mg/kg）"
    assert verify_audit(world.db).ok


def _legacy_bare_nd(world: World, sample_id: int) -> int:
    """A 未检出 recorded before the rule (as an old database holds it)."""
    item_id = _item_without_lod(world, sample_id)
    with world.db.write(world.tech.actor) as w:
        current = results.current_result(world.db, item_id)
        assert current is not None
        new_id = w.insert(
            "results",
            {
                "sample_item_id": item_id,
                "attempt": 1,
                "kind": "correction",
                "text": "ND",
                "verdict": "pass",
                "compared": "未检出",
                "rounded": None,
                "display": "未检出",
                "explanation_zh": "未检出，合格",
                "explanation_en": "not detected: pass",
                "report_only": 0,
                "instrument": "",
                "method": "",
                "entered_by": world.tech.actor.user_id,
                "entered_at": w.at_utc,
                "reason": "older version",
            },
        )
        w.update("results", int(current["id"]), {"superseded_by": new_id})
    return item_id


def test_a_legacy_bare_nd_blocks_submission_until_the_lod_is_entered(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    for item_id in item_ids(world, sample_id):
        results.enter_result(world.tech, item_id, "0.001")
    item_id = _legacy_bare_nd(world, sample_id)
    with pytest.raises(ValidationError) as caught:
        workflow.submit(world.tech, sample_id)
    assert caught.value.rule == "lod_required"
    assert results.undefended_not_detected(world.db, [sample_id])
    verdict = results.set_item_lod(world.tech, item_id, "0.05", "方法检出限 0.05 mg/kg")
    assert verdict is not None and "检出限 0.05" in verdict.display
    current = results.current_result(world.db, item_id)
    assert current is not None and current["kind"] == "correction"
    assert current["reason"] == "方法检出限 0.05 mg/kg" and current["text"] == "ND"
    workflow.submit(world.tech, sample_id)
    assert verify_audit(world.db).ok


def test_a_legacy_bare_nd_is_never_approved_or_exported(world: World) -> None:
    sample_id = sample_in_state(world, "approved")
    _legacy_bare_nd(world, sample_id)
    with pytest.raises(ValidationError) as caught:
        workflow.check_exportable(world.db, [sample_id])
    assert caught.value.rule == "lod_required" and "未检出" in str(caught.value)
    from labdesk.reports.data import report_document

    sample_no = str(world.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (sample_id,)))
    with pytest.raises(ValidationError):
        report_document(world.db, sample_no)


def test_presence_tests_of_a_portion_need_no_lod() -> None:
    from labdesk.core.judgement import judge

    assert judge("不得检出/25 g", "未检出").display == "未检出"
