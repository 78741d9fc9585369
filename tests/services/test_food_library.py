"""The food library in the record: a 大米 sample's items from every applicable standard,
imports that change nothing when nothing changed, GB 2763's next revision beside the
2021 one, and changes to the proposed items kept with their reason."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from labdesk.core.errors import ValidationError
from labdesk.core.limit_tables import LimitFileError
from labdesk.services import food_imports, food_library, queries, samples
from labdesk.store.audit import verify_audit
from tests.services.recordkit import World, register

RICE = "F01020101"
MRL = [
    "标准编号",
    "实施日期",
    "代替标准",
    "农药",
    "项目代码",
    "食品类别/名称",
    "最大残留限量/(mg/kg)",
]


def _file(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _head(world: World) -> int:
    return int(world.db.scalar("SELECT seq FROM audit_head WHERE id = 1"))


def _rice(world: World, **overrides: object) -> int:
    values: dict[str, object] = {
        "sample_name": "大米",
        "category_code": "",
        "food_class_code": RICE,
        "executive_standard": "GB/T 1354-2018",
        "quality_grade": "一级",
    }
    values.update(overrides)
    return register(world, **values)


def _frozen(world: World, sample_id: int) -> list[dict[str, Any]]:
    rows = world.db.query(
        "SELECT * FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
    )
    return [dict(r) for r in rows]


def test_a_rice_sample_gets_items_from_every_standard_with_their_sources(world: World) -> None:
    sample_id = _rice(world)
    items = _frozen(world, sample_id)
    by_standard = {f"{i['standard_no']}-{i['standard_year']}" for i in items}
    assert by_standard == {"GB 2762-2022", "GB 2761-2017", "GB 2763-2021", "GB/T 1354-2018"}
    lead = next(i for i in items if i["code"] == "PB")
    assert lead["source"] == "GB 2762-2022 表1, 谷物及其制品 → 大米"  # inherited from 谷物
    assert lead["limit_text"] == "≤0.2" and lead["sample_data"] == 1
    broken = next(i for i in items if i["code"] == "BROKEN")
    assert broken["limit_text"] == "≤15.0"  # the label's grade: 一级
    assert all(i["lib_limit_id"] and i["lib_item_id"] is None for i in items)
    sample = world.db.query_one("SELECT * FROM samples WHERE id = ?", (sample_id,))
    assert sample is not None
    assert (sample["food_class_code"], sample["category_code"]) == (RICE, "")
    assert sample["items_basis"] == "sampling_date"
    assert verify_audit(world.db).ok


def test_the_grade_on_the_label_picks_the_graded_limit(world: World) -> None:
    items = _frozen(world, _rice(world, quality_grade="三级"))
    assert next(i for i in items if i["code"] == "BROKEN")["limit_text"] == "≤25.0"
    no_label = _frozen(world, _rice(world, executive_standard="", quality_grade=""))
    assert not [i for i in no_label if i["standard_no"] == "GB/T 1354"]


def test_a_vegetable_inherits_cadmium_unless_its_class_is_excluded(world: World) -> None:
    cabbage = food_library.compose_items(world.db, "F20020201", date(2025, 5, 1))
    pak_choi = food_library.compose_items(world.db, "F20020101", date(2025, 5, 1))
    assert "GB 2762|CD" in {i["key"] for i in cabbage.items}
    assert "GB 2762|CD" not in {i["key"] for i in pak_choi.items}  # 叶菜蔬菜除外
    lead = next(i for i in cabbage.items if i["key"] == "GB 2762|PB")
    assert lead["source"] == "GB 2762-2022 表1, 芸薹类蔬菜 → 结球甘蓝"
    assert lead["sample_data"] == 0  # confirmed row


def test_the_version_in_force_on_the_date_is_used(world: World) -> None:
    old = food_library.compose_items(world.db, "F20020201", date(2020, 5, 1))
    new = food_library.compose_items(world.db, "F20020201", date(2024, 5, 1))
    assert {i["standard_year"] for i in old.items if i["standard_no"] == "GB 2762"} == {"2017"}
    assert {i["standard_year"] for i in new.items if i["standard_no"] == "GB 2762"} == {"2022"}


def test_the_lab_can_pick_the_versions_by_production_date(world: World) -> None:
    food_library.set_items_date_rule(world.admin, "production_date")
    sampled = date.today() - timedelta(days=2)
    produced = date(2023, 6, 1)  # GB 2762-2017 still in force that day
    sample_id = _rice(world, sampling_date=sampled, production_date=produced)
    row = world.db.query_one("SELECT items_basis, items_on FROM samples WHERE id = ?", (sample_id,))
    assert row is not None and tuple(row) == ("production_date", "2023-06-01")
    with pytest.raises(ValidationError):
        food_library.set_items_date_rule(world.admin, "received_date")


def test_changing_the_proposed_items_needs_a_reason_kept_in_the_audit(world: World) -> None:
    proposal = food_library.proposed_items(
        world.db, RICE, date.today(), grade="一级", executive_standard="GB/T 1354-2018"
    )
    keys = [i["key"] for i in proposal.items]
    assert "GB 2762|SN" in [i["key"] for i in proposal.available]  # not in 大米's template
    chosen = [k for k in keys if k != "GB 2763|omethoate"] + ["GB 2762|SN"]
    before = _head(world)
    with pytest.raises(ValidationError) as caught:
        _rice(world, item_keys=chosen)
    assert caught.value.field == "items_reason"
    assert _head(world) == before
    sample_id = _rice(world, item_keys=chosen, items_reason="计划要求加测锡")
    codes = [i["code"] for i in _frozen(world, sample_id)]
    assert "SN" in codes and "omethoate" not in codes
    event = world.db.query_one(
        "SELECT reason FROM sample_events WHERE sample_id = ? AND action = 'items_changed'",
        (sample_id,),
    )
    assert event is not None
    assert "计划要求加测锡" in event["reason"] and "GB 2763|omethoate" in event["reason"]
    with pytest.raises(ValidationError, match="no limit"):
        _rice(world, item_keys=["GB 2762|NOPE"], items_reason="x")


def test_a_food_sample_needs_a_leaf_and_not_both_kinds_of_category(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _rice(world, food_class_code="F0102")
    assert caught.value.rule == "leaf"
    with pytest.raises(ValidationError) as caught:
        _rice(world, category_code="VEG-FRESH")
    assert caught.value.rule == "one_of"
    with pytest.raises(ValidationError) as caught:
        _rice(world, food_class_code="F999")
    assert caught.value.rule == "exists"


def test_reimporting_an_identical_file_writes_nothing(world: World) -> None:
    folder = food_imports.shipped_dir()
    table = food_imports.read_limits(world.db, folder / "food-limits-gb2762.csv")
    before = _head(world)
    outcome = food_imports.import_limits(world.admin, table)
    assert not outcome.changed and outcome.unchanged == ["GB 2762-2022", "GB 2762-2017"]
    assert "no change" in outcome.message()
    assert _head(world) == before


def test_the_next_gb_2763_beside_the_2021_one_changes_no_existing_sample(
    world: World, tmp_path: Path
) -> None:
    first = _rice(world)
    frozen_before = _frozen(world, first)
    start = date.today() + timedelta(days=30)
    path = _file(
        tmp_path / "gb2763-next.csv",
        MRL,
        [
            [
                "GB 2763-2099",
                start.isoformat(),
                "GB 2763-2021",
                "克百威",
                "carbofuran",
                "大米",
                "0.01*",
            ],
            ["", "", "", "氧乐果", "omethoate", "大米", "0.01"],
        ],
    )
    table = food_imports.read_limits(world.db, path)
    outcome = food_imports.import_limits(world.admin, table)
    assert outcome.loaded == ["GB 2763-2099"] and outcome.closed == ["GB 2763-2021"]
    assert _frozen(world, first) == frozen_before
    today = food_library.compose_items(world.db, RICE, date.today())
    later = food_library.compose_items(world.db, RICE, start)
    carbofuran = {
        i["standard_year"]: i for i in today.items + later.items if i["code"] == "carbofuran"
    }
    assert set(carbofuran) == {"2021", "2099"}
    assert (carbofuran["2099"]["limit_text"], carbofuran["2099"]["mark"]) == ("≤0.01", "*")
    assert "临时限量" in carbofuran["2099"]["mark_meaning"]
    versions = {(v["standard_no"], v["standard_year"]): v for v in food_library.versions(world.db)}
    assert versions[("GB 2763", "2021")]["abolished_from"] == start.isoformat()
    assert verify_audit(world.db).ok
    # the same file again: nothing
    again = food_imports.import_limits(world.admin, food_imports.read_limits(world.db, path))
    assert not again.changed


def test_an_overlapping_version_is_refused_and_nothing_is_loaded(
    world: World, tmp_path: Path
) -> None:
    path = _file(
        tmp_path / "overlap.csv",
        MRL,
        [["GB 2763-2099", "2030-01-01", "", "克百威", "carbofuran", "大米", "0.01"]],
    )
    before = _head(world)
    with pytest.raises(LimitFileError) as caught:
        food_imports.read_limits(world.db, path)
    assert [p.rule for p in caught.value.problems] == ["version_overlap"]
    assert _head(world) == before


def test_stats_and_tree_for_the_cli(world: World) -> None:
    figures = food_library.stats(world.db)
    assert figures["classes"] >= 100
    assert figures["confirmed"] == 7 and figures["rows"] == figures["confirmed"] + figures["sample"]
    gb2762 = next(e for e in figures["by_standard"] if e["standard"] == "GB 2762-2022")
    assert gb2762["confirmed"] == 7
    tree = food_library.tree_json(world.db)
    assert tree["code"] == "F" and {"code", "name", "children"} <= set(tree)
    assert json.dumps(tree, ensure_ascii=False).count('"code"') == figures["classes"]


def test_a_frozen_food_item_judges_and_reports_like_any_other(world: World) -> None:
    sample_id = _rice(world)
    samples.receive_sample(world.tech, sample_id)
    samples.start_testing(world.tech, sample_id)
    items = queries.sample_items_with_results(world.db, sample_id)
    assert items and all(i["limit_text"] for i in items)


def test_a_limit_row_changed_behind_the_programs_back_is_reported(world: World) -> None:
    assert verify_audit(world.db).ok
    with world.db.transaction() as conn:
        conn.execute(
            "UPDATE lib_limits SET limit_text = '≤0.5' WHERE id = (SELECT min(id) FROM lib_limits)"
        )
    report = verify_audit(world.db)
    assert not report.ok
    assert any("lib_limits rows of lib_versions" in p for p in report.problems)


def test_content_rows_go_only_into_content_tables(world: World) -> None:
    with (
        pytest.raises(ValueError, match="not a content table"),
        world.db.write(world.admin.actor) as w,
    ):
        w.insert_content("samples", 1, [("X",)])


def test_the_report_names_the_food_class_and_the_versions_used(world: World) -> None:
    from labdesk.reports.data import report_document

    sample_id = _rice(world)
    sample_no = str(world.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (sample_id,)))
    fields = {f.label: f.value for f in report_document(world.db, sample_no).fields}
    assert fields["产品类别"] == "粮食加工品 / 大米 / 大米 / 大米"
    assert fields["判定依据"].split("、") == [
        "GB 2762-2022",
        "GB 2761-2017",
        "GB 2763-2021",
        "GB/T 1354-2018",
    ]


def test_an_item_added_after_registration_needs_a_reason_and_is_audited(world: World) -> None:
    from labdesk.core.errors import WorkflowError
    from labdesk.services.item_changes import add_food_item

    sample_id = _rice(world)
    with pytest.raises(ValidationError) as caught:
        add_food_item(world.tech, sample_id, "GB 2762|SN", "  ")
    assert caught.value.field == "items_reason"
    item_id = add_food_item(world.tech, sample_id, "GB 2762|SN", "罐装大米加测锡")
    row = world.db.query_one("SELECT * FROM sample_items WHERE id = ?", (item_id,))
    assert row is not None and row["code"] == "SN" and row["source"].startswith("GB 2762-2022")
    entry = world.db.query_one(
        "SELECT reason FROM audit_log WHERE table_name = 'sample_items' AND record_id = ?",
        (item_id,),
    )
    assert entry is not None and entry["reason"] == "罐装大米加测锡"
    with pytest.raises(ValidationError, match="already on the sample"):
        add_food_item(world.tech, sample_id, "GB 2762|SN", "again")
    samples.cancel_sample(world.manager, sample_id, "duplicate")
    with pytest.raises(WorkflowError):
        add_food_item(world.tech, sample_id, "GB 2761|AFB1", "late")
    assert verify_audit(world.db).ok


def test_an_item_removed_after_registration_is_kept_withdrawn_and_can_come_back(
    world: World,
) -> None:
    from labdesk.core.errors import WorkflowError
    from labdesk.services import results, workflow
    from labdesk.services.item_changes import add_food_item, addable_items, withdraw_item

    sample_id = _rice(world)
    items = _frozen(world, sample_id)
    lead = next(i for i in items if i["code"] == "PB")
    withdraw_item(world.tech, int(lead["id"]), "委托方只检农残")
    live = queries.sample_items_with_results(world.db, sample_id)
    assert lead["id"] not in [i["id"] for i in live] and len(live) == len(items) - 1
    full = queries.sample_items_with_results(world.db, sample_id, withdrawn=True)
    assert len(full) == len(items)
    sample = world.db.query_one("SELECT * FROM samples WHERE id = ?", (sample_id,))
    assert "GB 2762|PB" in addable_items(world.db, sample)
    back = add_food_item(world.tech, sample_id, "GB 2762|PB", "委托方恢复检铅")
    assert back != lead["id"]
    assert len(queries.sample_items_with_results(world.db, sample_id)) == len(items)
    samples.receive_sample(world.tech, sample_id)
    samples.start_testing(world.tech, sample_id)
    results.enter_result(world.tech, back, "0.01")
    with pytest.raises(WorkflowError, match="has a result"):
        withdraw_item(world.tech, back, "no")
    assert "铅" not in workflow.missing_results(world.db, sample_id)
    assert verify_audit(world.db).ok


def test_limit_rows_are_stored_whole_though_only_the_columns_set_are_bound(
    world: World, tmp_path: Path
) -> None:
    path = _file(
        tmp_path / "mrl.csv",
        MRL,
        [
            ["GB 9999-2021", "2021-09-03", "", "甲胺磷", "METHAMIDOPHOS", "大米", "0.05"],
            ["GB 9999-2021", "2021-09-03", "", "乐果", "DIMETHOATE", "大米", "0.05*"],
        ],
    )
    table = food_imports.read_limits(world.db, path)
    columns, narrow = table.inserted_rows("GB 9999-2021")
    # never set by a limit file: left to the defaults; the mark is set on one row
    assert not {"method", "interval", "decimals", "lod", "loq", "grade"} & set(columns)
    assert {"mark", "mark_meaning", "limit_text"} <= set(columns)
    assert len(narrow) == 2 and len(narrow[0]) == len(columns)
    food_imports.import_limits(world.admin, table)
    version = world.db.scalar(
        "SELECT id FROM lib_versions WHERE standard_no = 'GB 9999' AND standard_year = '2021'"
    )
    stored = [
        tuple(r)[2:]
        for r in world.db.query(
            "SELECT * FROM lib_limits WHERE version_id = ? ORDER BY id", (version,)
        )
    ]
    assert stored == table.stored_rows("GB 9999-2021")
    assert verify_audit(world.db).ok
    with pytest.raises(ValueError, match="body digest"), world.db.write(world.admin.actor) as w:
        w.insert_content("lib_limits", int(version), narrow, columns=columns)
    with pytest.raises(ValueError, match="table order"), world.db.write(world.admin.actor) as w:
        w.insert_content("lib_limits", int(version), narrow, "x", columns=columns[::-1])


FLOUR = "F01010101"  # 通用小麦粉: no template in the shipped sample templates
BRAISED_MEAT = "F04010101"  # 酱卤肉: of the shipped sample limits, only tin composes


def test_tin_only_for_food_in_tinplate_is_applicable_but_not_proposed_without_a_template(
    world: World,
) -> None:
    """GB 2762's tin limit is composed for every food but holds only for food in tinplate
    containers (its note): a class without a template proposes every other item, and
    tin stays addable — with a reason, as any item added — for a canned sample."""
    on = date.today()
    composed = food_library.compose_items(world.db, FLOUR, on)
    assert "GB 2762|SN" in [i["key"] for i in composed.items]
    proposal = food_library.proposed_items(world.db, FLOUR, on)
    assert proposal.template_class == ""
    proposed = [i["key"] for i in proposal.items]
    assert "GB 2762|SN" not in proposed
    assert [i["key"] for i in proposal.available] == ["GB 2762|SN"]
    assert "镀锡薄钢板" in proposal.available[0]["note"]
    assert sorted(proposed) == sorted(i["key"] for i in composed.items if i["code"] != "SN")

    values = {"sample_name": "小麦粉", "category_code": "", "food_class_code": FLOUR}
    plain = register(world, sample_no="FLOUR-1", **values)
    assert "SN" not in [i["code"] for i in _frozen(world, plain)]
    with pytest.raises(ValidationError) as caught:
        register(world, sample_no="FLOUR-2", item_keys=[*proposed, "GB 2762|SN"], **values)
    assert caught.value.field == "items_reason"
    canned = register(
        world,
        sample_no="FLOUR-3",
        item_keys=[*proposed, "GB 2762|SN"],
        items_reason="镀锡罐装，加测锡",
        **values,
    )
    assert "SN" in [i["code"] for i in _frozen(world, canned)]


def test_a_template_that_lists_tin_proposes_it(world: World) -> None:
    """The condition only shapes the default: a plan's template decides what it lists."""
    on = date.today()
    entries = [
        {"standard_no": "GB 2762", "item_code": "PB", "test_method": ""},
        {"standard_no": "GB 2762", "item_code": "SN", "test_method": ""},
    ]
    food_library.set_template(world.manager, FLOUR, entries)
    proposal = food_library.proposed_items(world.db, FLOUR, on)
    assert [i["key"] for i in proposal.items] == ["GB 2762|PB", "GB 2762|SN"]


def test_a_class_where_only_tin_applies_says_so_and_registers_it_chosen(world: World) -> None:
    """Nothing proposed (tin is all the sample limits compose for 酱卤肉): the refusal
    says which conditional items apply and how to choose them."""
    values = {"sample_name": "酱牛肉", "category_code": "", "food_class_code": BRAISED_MEAT}
    with pytest.raises(ValidationError) as caught:
        register(world, sample_no="MEAT-1", **values)
    assert caught.value.field == "item_keys"
    assert "GB 2762|SN" in str(caught.value) and "附条件" in str(caught.value)
    sample_id = register(
        world, sample_no="MEAT-2", item_keys=["GB 2762|SN"], items_reason="镀锡罐装", **values
    )
    assert [i["code"] for i in _frozen(world, sample_id)] == ["SN"]
