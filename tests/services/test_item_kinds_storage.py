"""Issue 14 through storage: a plan's units and a sum's components as result_values, a
conversion kept on the result, the report's printed result and unit, a screening item
holding the conclusion."""

from __future__ import annotations

from typing import Any

import pytest

from labdesk.services import report_content, results
from labdesk.store.audit import verify_audit
from tests.services.recordkit import World, item_ids, sample_in_state


def _set_item(world: World, item_id: int, **values: Any) -> None:
    with world.db.write(world.admin.actor) as w:
        w.update("sample_items", item_id, values, action="edit_item")


def _values(world: World, item_id: int) -> list[dict[str, Any]]:
    current = results.current_result(world.db, item_id)
    assert current is not None
    return results.result_values(world.db, int(current["id"]))


def test_plan_units_are_stored_and_printed(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    item_id = item_ids(world, sample_id)[0]
    _set_item(world, item_id, limit_text="n=5,c=2,m=100 CFU/g,M=1000 CFU/g", unit="CFU/g")
    verdict = results.enter_result(world.tech, item_id, "80;120;<10;95;1.6×10^4")
    assert verdict.verdict == "fail"
    stored = _values(world, item_id)
    assert [(v["kind"], v["position"], v["text"]) for v in stored] == [
        ("unit", 1, "80"),
        ("unit", 2, "120"),
        ("unit", 3, "<10"),
        ("unit", 4, "95"),
        ("unit", 5, "1.6×10^4"),
    ]
    printed = report_content.current_items(world.db, sample_id)[0]
    assert printed.result == "80; 120; <10; 95; 16000" and printed.verdict == "不合格"
    assert verify_audit(world.db).ok


def test_sum_components_and_conversion(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    first, second = item_ids(world, sample_id)[:2]
    _set_item(world, first, limit_text="≤0.5", unit="mg/kg")
    results.enter_result(world.tech, first, "0.35+0.20")
    assert [(v["kind"], v["text"]) for v in _values(world, first)] == [
        ("component", "0.35"),
        ("component", "0.20"),
    ]
    _set_item(world, second, limit_text="≤1.0 g/kg", unit="mg/kg", lod=None, loq=None)
    verdict = results.enter_result(world.tech, second, "850")
    assert verdict.converted == "850 mg/kg → 0.850 g/kg"
    current = world.db.query_one(
        "SELECT converted FROM results WHERE sample_item_id = ? AND superseded_by IS NULL",
        (second,),
    )
    assert current is not None and current["converted"] == "850 mg/kg → 0.850 g/kg"
    printed = {i.seq: i for i in report_content.current_items(world.db, sample_id)}
    by_item = dict(zip(item_ids(world, sample_id), sorted(printed), strict=False))
    summed, converted = printed[by_item[first]], printed[by_item[second]]
    assert summed.result == "0.55（0.35+0.20）"
    assert converted.result == "0.850（850 mg/kg → 0.850 g/kg）" and converted.unit == "g/kg"
    assert verify_audit(world.db).ok


def test_a_screening_item_above_its_limit_holds_the_conclusion(world: World) -> None:
    sample_id = sample_in_state(world, "testing")
    ids = item_ids(world, sample_id)
    _set_item(world, ids[0], limit_text="≤0.5", unit="mg/kg", screening=1, lod=None, loq=None)
    verdict = results.enter_result(world.tech, ids[0], "0.6")
    assert verdict.verdict == "not_judged" and verdict.pending == "confirmatory_test"
    for item_id in ids[1:]:
        results.enter_result(world.tech, item_id, "0.001")
    with world.db.write(world.tech.actor) as w:
        results.refresh_conclusion(w, sample_id)
    sample = world.db.query_one(
        "SELECT conclusion_code, conclusion_zh FROM samples WHERE id = ?", (sample_id,)
    )
    assert sample is not None and sample["conclusion_code"] == "not_judged"
    assert "确证试验" in sample["conclusion_zh"]


def test_set_item_rule_rejudges_with_a_reason(world: World) -> None:
    from labdesk.core.errors import ValidationError
    from labdesk.services import item_rules

    sample_id = sample_in_state(world, "testing")
    item_id = item_ids(world, sample_id)[0]
    _set_item(world, item_id, limit_text="≤1.0 g/kg", unit="g/kg", lod=None, loq=None)
    assert results.enter_result(world.tech, item_id, "1.1").verdict == "fail"
    with pytest.raises(ValidationError) as refused:
        item_rules.set_item_rule(world.tech, item_id, factor="0", reason="苯甲酸钠以苯甲酸计")
    assert refused.value.field == "factor"
    with pytest.raises(ValidationError):
        item_rules.set_item_rule(world.tech, item_id, factor="0.847", reason="")
    verdict = item_rules.set_item_rule(world.tech, item_id, factor="0.847", reason="以苯甲酸计")
    assert verdict is not None and verdict.verdict == "pass"
    assert verdict.converted == "1.1 g/kg × 0.847 = 0.9317 g/kg"
    current = results.current_result(world.db, item_id)
    assert current is not None and current["kind"] == "correction"
    assert verify_audit(world.db).ok
