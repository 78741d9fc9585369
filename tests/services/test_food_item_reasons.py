"""Adding or removing a proposed food item before registering, each with its own reason
(issue 15.3): an item changed without its own reason takes the common one; with
neither, the registration is refused naming the item and nothing is written; every
reason is kept in the audit and the items_changed event."""

from __future__ import annotations

from datetime import date

import pytest

from labdesk.core.errors import ValidationError
from labdesk.services import food_library
from labdesk.services.audit import verify_audit
from tests.services.recordkit import World
from tests.services.test_food_library import RICE, _frozen, _head, _rice

REMOVED, ADDED = "GB 2763|omethoate", "GB 2762|SN"


def _chosen(world: World) -> list[str]:
    proposal = food_library.proposed_items(
        world.db, RICE, date.today(), grade="一级", executive_standard="GB/T 1354-2018"
    )
    keys = [i["key"] for i in proposal.items]
    assert REMOVED in keys and ADDED in [i["key"] for i in proposal.available]
    return [k for k in keys if k != REMOVED] + [ADDED]


def test_each_change_with_its_own_reason_is_kept_beside_it(world: World) -> None:
    chosen = _chosen(world)
    before = _head(world)
    with pytest.raises(ValidationError) as caught:  # the removal has no reason
        _rice(world, item_keys=chosen, item_reasons={ADDED: "罐装加测锡"})
    assert caught.value.field == "items_reason" and REMOVED in str(caught.value)
    assert ADDED not in str(caught.value)
    assert _head(world) == before
    sample_id = _rice(
        world, item_keys=chosen, item_reasons={ADDED: "罐装加测锡", REMOVED: "本次计划不检"}
    )
    codes = {i["code"] for i in _frozen(world, sample_id)}
    assert "SN" in codes and "omethoate" not in codes
    event = world.db.query_one(
        "SELECT reason FROM sample_events WHERE sample_id = ? AND action = 'items_changed'",
        (sample_id,),
    )
    assert event is not None
    assert f"{REMOVED}（本次计划不检）" in event["reason"]
    assert f"{ADDED}（罐装加测锡）" in event["reason"]
    audited = world.db.query_one(
        "SELECT reason FROM audit_log WHERE table_name = 'sample_events' "
        "AND action = 'items_changed' ORDER BY seq DESC"
    )
    assert audited is not None
    assert "本次计划不检" in audited["reason"] and "罐装加测锡" in audited["reason"]
    assert verify_audit(world.db).ok


def test_the_common_reason_covers_the_changes_without_their_own(world: World) -> None:
    sample_id = _rice(
        world,
        item_keys=_chosen(world),
        items_reason="计划调整",
        item_reasons={ADDED: "罐装加测锡", REMOVED: "  "},
    )
    reason = world.db.scalar(
        "SELECT reason FROM sample_events WHERE sample_id = ? AND action = 'items_changed'",
        (sample_id,),
    )
    assert reason.startswith("计划调整 (")
    assert f"removed 删除: {REMOVED};" in reason and f"{ADDED}（罐装加测锡）" in reason
