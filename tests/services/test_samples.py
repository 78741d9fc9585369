"""Registering sampling forms: validation, frozen items, early states, drafts."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from labdesk.core.errors import ValidationError, WorkflowError
from labdesk.core.standards import ProductCategory, Standard, StandardsLibrary, TestItemDef
from labdesk.services import enterprises, library, queries, samples
from labdesk.services.audit import verify_audit
from labdesk.services.enterprises import EnterpriseForm
from tests.services.recordkit import (
    CATEGORY,
    ENTERPRISE_USCC,
    OTHER_USCC,
    World,
    register,
    sample_form,
    snapshot,
)

TODAY = date.today()


def test_a_registered_sample_carries_every_form_field(world: World) -> None:
    sample_id = register(
        world,
        sample_no="AH2026-0001",
        brand="徽味",
        spec_model="500g/袋",
        batch_no="20261101",
        shelf_life="12个月",
        executive_standard="GB 2762-2022",
        quality_grade="一级",
        licence_no="SC10134010000001",
        region_type="城市",
        place_type="超市",
        producer_name="某某食品厂",
        producer_address="合肥市某路1号",
        producer_phone="0551-1234567",
        sampling_org="测试中心",
        sealed=True,
        unit_acknowledged=True,
    )
    detail = queries.sample_detail(world.db, sample_id)
    assert detail["state"] == "registered"
    assert detail["samplers"] == ["张三", "李四"]
    assert detail["enterprise"]["uscc"] == ENTERPRISE_USCC
    assert detail["task"]["task_no"] == "RW-TEST-001"
    for name, value in {
        "brand": "徽味",
        "licence_no": "SC10134010000001",
        "unit_price": "6.50",
        "packaging": "散装",
        "sealed": True,
        "unit_acknowledged": True,
        "place_type": "超市",
        "producer_phone": "0551-1234567",
    }.items():
        assert detail[name] == value, name
    assert verify_audit(world.db).ok


def test_items_are_frozen_from_the_library(world: World) -> None:
    sample_id = register(world)
    items = queries.sample_items_with_results(world.db, sample_id)
    expected = library.items_for(world.db, CATEGORY, TODAY - timedelta(days=10))
    assert [i["name"] for i in items] == [e["name"] for e in expected]
    assert [i["limit_text"] for i in items] == [e["limit_text"] for e in expected]
    assert all(i["current"] is None and i["history"] == [] for i in items)


def _library(limit: str, *, old_limit: str = "≤0.5") -> StandardsLibrary:
    old = Standard("GB 9999", "2010", "old", None, date(2024, 1, 1))
    new = Standard("GB 9999", "2024", "new", date(2024, 1, 1), None)
    cat = ProductCategory("TEST-CAT", "测试品", "Test product", "GB 9999")

    def item(std: Standard, value: str) -> TestItemDef:
        return TestItemDef(
            "TEST-CAT",
            "PB",
            "铅",
            "Lead",
            "mg/kg",
            value,
            "full",
            None,
            None,
            None,
            None,
            "",
            std.key,
        )

    return StandardsLibrary([old, new], [cat], [item(old, old_limit), item(new, limit)])


def test_the_version_in_force_on_the_sampling_date_is_frozen(world: World) -> None:
    library.import_library(world.admin, _library("≤0.2"))
    before = register(
        world,
        category_code="TEST-CAT",
        sampling_date=date(2023, 6, 1),
        production_date=date(2023, 5, 1),
    )
    after = register(
        world,
        category_code="TEST-CAT",
        sampling_date=date(2024, 6, 1),
        production_date=date(2024, 5, 1),
    )
    limits = lambda sid: [i["limit_text"] for i in queries.sample_items_with_results(world.db, sid)]  # noqa: E731
    assert limits(before) == ["≤0.5"]
    assert limits(after) == ["≤0.2"]
    # A later library change never alters registered samples.
    library.import_library(world.admin, _library("≤0.1", old_limit="≤0.9"))
    assert limits(before) == ["≤0.5"]
    assert limits(after) == ["≤0.2"]
    assert [i["limit_text"] for i in library.items_for(world.db, "TEST-CAT", date(2024, 6, 1))] == [
        "≤0.1"
    ]
    assert verify_audit(world.db).ok


BAD_FORMS: list[tuple[str, str, dict[str, Any]]] = [
    ("enterprise_uscc", "exists", {"enterprise_uscc": OTHER_USCC}),
    ("production_date", "not_after_sampling", {"production_date": TODAY - timedelta(days=1)}),
    ("samplers", "at_least_two", {"samplers": ["张三"]}),
    ("samplers", "at_least_two", {"samplers": ["张三", "  "]}),
    ("samplers", "distinct", {"samplers": ["张三", "张三"]}),
    ("sample_qty", "non_negative", {"sample_qty": "-2"}),
    ("reserve_qty", "decimal", {"reserve_qty": "two"}),
    ("unit_price", "decimal", {"unit_price": "1e3"}),
    ("sampling_date", "not_future", {"sampling_date": TODAY + timedelta(days=1)}),
    ("sampling_date", "required", {"sampling_date": None}),
    ("category_code", "exists", {"category_code": "NO-SUCH"}),
    ("task_no", "exists", {"task_no": "RW-NONE"}),
    ("task_no", "required", {"task_no": ""}),
    ("sample_name", "required", {"sample_name": ""}),
    ("packaging", "one_of", {"packaging": "桶装"}),
    ("sample_no", "required", {"sample_no": " "}),
]


@pytest.mark.parametrize(("field", "rule", "changes"), BAD_FORMS)
def test_bad_forms_are_refused_naming_field_and_rule(
    world: World, field: str, rule: str, changes: dict[str, Any]
) -> None:
    before = snapshot(world.db)
    form = sample_form(**{"sample_no": "BAD-1", **changes})
    with pytest.raises(ValidationError) as caught:
        samples.register_sample(world.tech, form)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert field.split("_")[0] in str(caught.value)
    assert snapshot(world.db) == before


def test_duplicate_sample_numbers_are_refused(world: World) -> None:
    register(world, sample_no="DUP-1")
    before = snapshot(world.db)
    with pytest.raises(ValidationError, match="already exists"):
        register(world, sample_no="DUP-1")
    assert snapshot(world.db) == before


def test_enterprises_validate_the_credit_code(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        enterprises.register_enterprise(
            world.tech, EnterpriseForm(uscc="914403001922038217", name="x")
        )
    assert caught.value.field == "uscc"
    assert "check character" in str(caught.value)
    with pytest.raises(ValidationError, match="already registered"):
        enterprises.register_enterprise(
            world.tech, EnterpriseForm(uscc=ENTERPRISE_USCC.lower(), name="again")
        )
    new_id = enterprises.register_enterprise(
        world.tech, EnterpriseForm(uscc=" " + OTHER_USCC.lower(), name="芜湖某公司")
    )
    found = enterprises.get_enterprise(world.db, new_id)
    assert found["uscc"] == OTHER_USCC
    assert found["region_code"] == "340200"
    assert enterprises.find_enterprises(world.db, OTHER_USCC[:6])[0]["id"] == new_id
    assert [e["id"] for e in enterprises.find_enterprises(world.db, "芜湖")] == [new_id]


def test_drafts_skip_completeness_until_completed(world: World) -> None:
    draft = samples.register_sample(
        world.tech,
        sample_form(sample_no="D-1", samplers=[], sampling_date=None, task_no=""),
        draft=True,
    )
    assert queries.sample_detail(world.db, draft)["state"] == "draft"
    assert queries.sample_items_with_results(world.db, draft) == []
    with pytest.raises(ValidationError) as caught:
        samples.complete_draft(world.tech, draft)
    assert caught.value.field == "task_no"
    samples.complete_draft(
        world.tech,
        draft,
        {
            "task_no": "RW-TEST-001",
            "samplers": ["甲", "乙"],
            "sampling_date": TODAY - timedelta(days=3),
        },
    )
    assert queries.sample_detail(world.db, draft)["state"] == "registered"
    assert queries.sample_items_with_results(world.db, draft)


def test_receiving_sets_the_report_due_date(world: World) -> None:
    sample_id = register(world)
    samples.receive_sample(world.tech, sample_id, TODAY - timedelta(days=1))
    detail = queries.sample_detail(world.db, sample_id)
    assert detail["state"] == "received"
    assert detail["received_date"] == (TODAY - timedelta(days=1)).isoformat()
    assert detail["report_due_date"] > detail["received_date"]
    with pytest.raises(WorkflowError, match="received"):
        samples.receive_sample(world.tech, sample_id)


def test_editing_after_receipt_needs_a_reason(world: World) -> None:
    sample_id = register(world)
    samples.update_sample(world.tech, sample_id, {"brand": "新品牌"})
    samples.receive_sample(world.tech, sample_id)
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        samples.update_sample(world.tech, sample_id, {"brand": "再改"})
    assert caught.value.field == "reason"
    assert snapshot(world.db) == before
    samples.update_sample(world.tech, sample_id, {"brand": "再改"}, reason="抄写错误")
    history = queries.sample_history(world.db, sample_id)
    change = [h for h in history if h["field"] == "brand"][-1]
    assert (change["old"], change["new"], change["reason"]) == ("新品牌", "再改", "抄写错误")
    with pytest.raises(WorkflowError, match="cancel the sample"):
        samples.update_sample(world.tech, sample_id, {"category_code": "RICE"}, reason="wrong")


def test_cancel_needs_a_reason_and_keeps_the_record(world: World) -> None:
    sample_id = register(world)
    with pytest.raises(ValidationError):
        samples.cancel_sample(world.manager, sample_id, " ")
    samples.cancel_sample(world.manager, sample_id, "企业停产")
    detail = queries.sample_detail(world.db, sample_id)
    assert detail["state"] == "cancelled"
    events = queries.sample_events(world.db, sample_id)
    assert (events[-1]["action"], events[-1]["reason"], events[-1]["username"]) == (
        "cancel",
        "企业停产",
        "manager",
    )
    with pytest.raises(WorkflowError):
        samples.cancel_sample(world.manager, sample_id, "again")
    assert json.loads(world.db.scalar("SELECT samplers FROM samples WHERE id = ?", (sample_id,)))
