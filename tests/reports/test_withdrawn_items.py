"""A test item removed from a registered sample with a reason (issue 15 item 3): kept and
audited, out of the grid, the conclusion, the review and the report; the report and the
batch still verify, and the batch carries the withdrawn item."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from labdesk.batch.export import export_batch
from labdesk.batch.verify import verify_batch
from labdesk.core.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from labdesk.services import (
    keys,
    queries,
    report_content,
    report_issues,
    results,
    samples,
    workflow,
)
from labdesk.services.audit import verify_audit
from labdesk.services.item_changes import find_item, withdraw_item
from labdesk.signing.report_verify import verify_pdf
from tests.batch.centre import PASSPHRASE, Centre, make_centre
from tests.reports.issued import kept_pdf


@pytest.fixture
def centre(tmp_path: Path, qapp: object) -> Iterator[Centre]:
    (tmp_path / "db").mkdir()
    made = make_centre(tmp_path / "db" / "centre.sqlite")
    yield made
    made.db.close()


def _testing(centre: Centre, sample_no: str = "AH202600077") -> int:
    sample_id = samples.register_sample(
        centre.tech,
        samples.SampleForm(
            sample_no=sample_no,
            sample_name="青菜",
            category_code="VEG-BRASSICA",
            sampling_date=date(2026, 10, 2),
            enterprise_uscc="914403001922038216",
            task_no="T2026-001",
            samplers=["张三", "李四"],
            sealed=True,
            unit_acknowledged=True,
            sample_qty="2",
            qty_unit="kg",
        ),
    )
    samples.receive_sample(centre.tech, sample_id)
    samples.start_testing(centre.tech, sample_id)
    return sample_id


def _items(centre: Centre, sample_id: int) -> list[dict[str, Any]]:
    rows = centre.db.query(
        "SELECT * FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
    )
    return [dict(r) for r in rows]


def test_a_removed_item_leaves_the_report_and_stays_in_the_batch(
    centre: Centre, tmp_path: Path
) -> None:
    sample_id = _testing(centre)
    items = _items(centre, sample_id)
    assert len(items) >= 3
    gone = items[1]
    withdraw_item(centre.tech, int(gone["id"]), "  委托方不要求检测该项目 ")
    row = centre.db.query_one("SELECT * FROM sample_items WHERE id = ?", (gone["id"],))
    assert (
        row is not None and row["withdrawn_at"] and row["withdrawn_by"] == centre.tech.actor.user_id
    )
    assert row["withdrawn_reason"] == "委托方不要求检测该项目"
    entry = centre.db.query_one(
        "SELECT action, reason FROM audit_log WHERE table_name = 'sample_items' "
        "AND record_id = ? ORDER BY seq DESC LIMIT 1",
        (gone["id"],),
    )
    assert entry is not None and tuple(entry) == ("remove_item", "委托方不要求检测该项目")
    event = centre.db.query_one(
        "SELECT reason FROM sample_events WHERE sample_id = ? AND action = 'items_changed'",
        (sample_id,),
    )
    assert event is not None and f"removed 删除: {gone['name']}" in event["reason"]
    # Out of what is tested: no result may be recorded for it, and it is not missing.
    with pytest.raises(WorkflowError, match="removed"):
        results.enter_result(centre.tech, int(gone["id"]), "0.01")
    live = queries.sample_items_with_results(centre.db, sample_id)
    assert [i["id"] for i in live] == [i["id"] for i in items if i["id"] != gone["id"]]
    # The result grid lists it neither for the sample nor across samples.
    from labdesk.ui import grid_data

    assert grid_data.sample_item_ids(centre.db, sample_id) == [i["id"] for i in live]
    across = grid_data.item_across_samples_page(centre.db, str(gone["name"]), "", None)
    assert gone["id"] not in across
    for item in live:
        results.enter_result(centre.tech, int(item["id"]), "0.01")
    assert workflow.missing_results(centre.db, sample_id) == []
    workflow.submit(centre.tech, sample_id)
    with pytest.raises(WorkflowError, match="submitted"):
        withdraw_item(centre.tech, int(live[0]["id"]), "too late")
    workflow.review(centre.reviewer, sample_id)
    workflow.approve(centre.manager, sample_id, signer=centre.signer)
    sample = centre.db.query_one("SELECT conclusion_code FROM samples WHERE id = ?", (sample_id,))
    assert sample is not None and sample["conclusion_code"] == "pass"
    # The signed report lists the items tested, and verifies.
    printed = [i.name for i in report_content.current_items(centre.db, sample_id)]
    assert gone["name"] not in printed and len(printed) == len(live)
    checked = verify_pdf(kept_pdf(centre, sample_id), [centre.signer.public_key])
    assert [i["name"] for i in checked.content["items"]] == printed
    report = report_issues.current_report(centre.db, sample_id)
    assert report is not None and str(gone["name"]) not in report["content"]
    # The batch carries the withdrawn item, with who and why, and verifies.
    out = tmp_path / "outbox"
    out.mkdir()
    batch = export_batch(centre.manager, out, PASSPHRASE)
    verified = verify_batch(batch.path, [keys.public_key(centre.db)])
    lines = {r["seq"]: r for r in verified.records("items.jsonl")}
    assert lines[gone["seq"]]["withdrawn_reason"] == "委托方不要求检测该项目"
    assert lines[gone["seq"]]["withdrawn_at"] == row["withdrawn_at"]
    assert lines[gone["seq"]]["withdrawn_by"] == "tech"
    assert all(lines[i["seq"]]["withdrawn_at"] is None for i in live)
    assert verify_audit(centre.db).ok


def test_removal_is_refused_with_a_reason_the_user_can_act_on(centre: Centre) -> None:
    sample_id = _testing(centre)
    items = _items(centre, sample_id)
    first, second = int(items[0]["id"]), int(items[1]["id"])
    with pytest.raises(ValidationError) as caught:
        withdraw_item(centre.tech, first, " ")
    assert caught.value.field == "items_reason"
    with pytest.raises(PermissionDenied):
        withdraw_item(centre.reviewer, first, "not asked for")
    with pytest.raises(NotFound):
        withdraw_item(centre.tech, 999_999, "no such item")
    results.enter_result(centre.tech, first, "0.01")
    with pytest.raises(WorkflowError, match="has a result"):
        withdraw_item(centre.tech, first, "not asked for")
    head = centre.db.scalar("SELECT seq FROM audit_head WHERE id = 1")
    for item in items[2:]:
        withdraw_item(centre.tech, int(item["id"]), "not asked for")
    with pytest.raises(WorkflowError, match="already removed"):
        withdraw_item(centre.tech, int(items[2]["id"]), "again")
    # Two live items left, one with a result: the other goes, then none may.
    withdraw_item(centre.tech, second, "not asked for")
    assert centre.db.scalar("SELECT seq FROM audit_head WHERE id = 1") != head
    cancelled = _testing(centre, "AH202600078")
    samples.cancel_sample(centre.manager, cancelled, "duplicate")
    with pytest.raises(WorkflowError, match="cancelled"):
        withdraw_item(centre.tech, int(_items(centre, cancelled)[0]["id"]), "late")
    assert verify_audit(centre.db).ok


def test_the_last_item_cannot_be_removed(centre: Centre) -> None:
    sample_id = _testing(centre)
    items = _items(centre, sample_id)
    for item in items[:-1]:
        withdraw_item(centre.tech, int(item["id"]), "plan changed")
    before = centre.db.scalar("SELECT seq FROM audit_head WHERE id = 1")
    with pytest.raises(WorkflowError, match="last test item"):
        withdraw_item(centre.tech, int(items[-1]["id"]), "plan changed")
    assert centre.db.scalar("SELECT seq FROM audit_head WHERE id = 1") == before


def test_an_item_is_named_by_key_number_or_name(centre: Centre) -> None:
    sample_id = _testing(centre)
    items = _items(centre, sample_id)
    third = items[2]
    assert find_item(centre.db, sample_id, str(third["seq"])) == third["id"]
    assert find_item(centre.db, sample_id, str(third["name"])) == third["id"]
    if third["code"]:
        key = f"{third['standard_no']}|{third['code']}"
        assert find_item(centre.db, sample_id, key) == third["id"]
    withdraw_item(centre.tech, int(third["id"]), "plan changed")
    with pytest.raises(NotFound):
        find_item(centre.db, sample_id, str(third["seq"]))
