"""A plan's units typed before all n are in, kept as a draft (services/drafts.py), on
both engines: stored as typed with who typed each, shown to any workstation, checked
like a result's units, never a result, and deleted by the commit of the result."""

from __future__ import annotations

from typing import Any

import pytest

from labdesk.core.errors import PermissionDenied, ValidationError, WorkflowError
from labdesk.services import drafts, report_content, results, workflow
from labdesk.store.audit import verify_audit
from tests.services.recordkit import World, item_ids, sample_in_state

PLAN = "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"


def _plan_item(world: World, state: str = "testing") -> tuple[int, int]:
    sample_id = sample_in_state(world, state)
    item_id = item_ids(world, sample_id)[0]
    with world.db.write(world.admin.actor) as w:
        w.update("sample_items", item_id, {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
    return sample_id, item_id


def _rows(world: World) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in world.db.query("SELECT sample_item_id, unit, value FROM unit_drafts")]


def test_units_are_kept_as_typed_with_who_typed_each(world: World) -> None:
    _sample, item = _plan_item(world)
    draft = drafts.keep_units(world.tech, item, {1: " 80 ", 2: "<10"})
    assert draft.values == ("80", "<10", "", "", "")
    assert draft.typed_by[:2] == (draft.typed_by[0], draft.typed_by[0]) and draft.typed_by[0]
    assert draft.typed_by[2:] == ("", "", "")
    # Another technician's unit joins it; the first ones keep who typed them.
    other = drafts.keep_units(world.tech2, item, {4: "95"})
    assert other.values == ("80", "<10", "", "95", "")
    assert other.typed_by[0] == draft.typed_by[0] and other.typed_by[3] != draft.typed_by[0]
    assert drafts.units_of(world.db, [item])[item] == other
    # A unit cleared is deleted.
    assert drafts.keep_units(world.tech, item, {2: ""}).values == ("80", "", "", "95", "")
    assert sorted(_rows(world)) == [(item, 1, "80"), (item, 4, "95")]
    # Nothing of it is in the audit chain: it is not part of the record.
    assert verify_audit(world.db).ok


def test_a_draft_is_not_a_result(world: World) -> None:
    sample_id, item = _plan_item(world)
    drafts.keep_units(world.tech, item, {1: "80", 2: "120", 3: "<10", 4: "95"})
    assert results.current_result(world.db, item) is None
    # The report's content has the item without a result (no unit of the draft in it).
    printed = report_content.current_items(world.db, sample_id)
    plan = next(i for i in printed if i.limit == PLAN)
    assert (plan.result, plan.verdict) == ("—", "未检")  # as any item not yet tested
    assert workflow.missing_results(world.db, sample_id)
    with pytest.raises(ValidationError):
        workflow.submit(world.tech, sample_id)


def test_the_result_deletes_its_draft_in_the_same_commit(world: World) -> None:
    _sample, item = _plan_item(world)
    drafts.keep_units(world.tech, item, {1: "80", 2: "120"})
    results.enter_result(world.tech, item, "80;120;<10;95;300")
    assert _rows(world) == []
    assert drafts.units_of(world.db, [item]) == {}
    # Once there is a result, a unit's change is a correction, not a draft.
    with pytest.raises(WorkflowError, match="already has a result"):
        drafts.keep_units(world.tech, item, {2: "150"})
    assert verify_audit(world.db).ok


def test_a_draft_beside_a_result_written_another_way_is_not_shown(world: World) -> None:
    _sample, item = _plan_item(world)
    drafts.keep_units(world.tech, item, {1: "80"})
    with world.db.transaction() as conn:  # as if the result came without write_one
        conn.execute("DELETE FROM unit_drafts")
    results.enter_result(world.tech, item, "80;120;<10;95;300")
    with world.db.transaction() as conn:
        conn.execute(
            "INSERT INTO unit_drafts (sample_item_id, unit, value, typed_by, typed_at) "
            "VALUES (?, 1, '1', NULL, '2026-12-04T00:00:00.000000Z')",
            (item,),
        )
    assert drafts.units_of(world.db, [item]) == {}


def test_units_are_checked_like_a_results_and_nothing_partial_is_kept(world: World) -> None:
    _sample, item = _plan_item(world)
    with pytest.raises(ValidationError, match="3#"):
        drafts.keep_units(world.tech, item, {2: "120", 3: "12x"})
    with pytest.raises(ValidationError, match="n=5"):
        drafts.keep_units(world.tech, item, {6: "1"})
    with pytest.raises(ValidationError):
        drafts.keep_units(world.tech, item, {1: "1;2"})  # one value per unit
    assert _rows(world) == []


def test_the_same_rules_as_entering_the_result(world: World) -> None:
    _sample, item = _plan_item(world)
    with pytest.raises(PermissionDenied):
        drafts.keep_units(world.reviewer, item, {1: "80"})
    plain = item_ids(world, sample_in_state(world, "testing"))[0]
    with pytest.raises(WorkflowError, match="not a sampling plan"):
        drafts.keep_units(world.tech, plain, {1: "80"})
    _done, submitted = _plan_item(world, "registered")
    with pytest.raises(WorkflowError):
        drafts.keep_units(world.tech, submitted, {1: "80"})
    assert _rows(world) == []
