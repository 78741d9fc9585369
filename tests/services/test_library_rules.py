"""Library rows carry the item's rule (issue 14 follow-up): the 以…计 factor, the rounding
rule and the screening flag, from a limit file or the flat library, frozen onto the
sample item at registration; bad or disagreeing rules refused with the row and rule."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from pathlib import Path

import pytest

from labdesk.core.library_io import (
    COLUMNS,
    RULE_COLUMNS,
    load_library,
    load_sample_library,
    write_library_csv,
)
from labdesk.core.limit_tables import LimitFileError
from labdesk.core.standards import StandardsLibrary
from labdesk.services import food_imports, food_library, library, samples
from labdesk.services.audit import verify_audit
from tests.services.recordkit import CATEGORY, World, register

RICE = "F01020101"
HEADER = [
    "标准编号",
    "实施日期",
    "代替标准",
    "农药",
    "项目代码",
    "食品类别/名称",
    "最大残留限量/(mg/kg)",
    "换算系数",
    "修约规则",
    "筛查",
    "标准类型",
]


def _file(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _row(code: str, food: str, mrl: str, factor: str = "", rounding: str = "", screen: str = ""):
    return ["GB 9998-2021", "2021-09-03", "", f"项目{code}", code, food, mrl, factor, rounding,
            screen, "additive"]  # fmt: skip


def test_a_limit_file_states_rules_that_reach_the_sample_item(world: World, tmp_path: Path) -> None:
    path = _file(
        tmp_path / "rules.csv",
        [
            _row("BENZOIC", "大米", "1.0", factor="0.847"),
            _row("BENZOIC", "谷物", "1.0"),  # stated once per item: the blank row agrees
            _row("HG", "大米", "0.02", screen="是"),
            _row("PLAIN", "大米", "0.05"),
        ],
    )
    table = food_imports.read_limits(world.db, path)
    rules = {r.code: r for r in table.rules("GB 9998-2021")}
    assert set(rules) == {"BENZOIC", "HG"}
    assert (rules["BENZOIC"].factor, rules["BENZOIC"].rounding) == ("0.847", "gb8170")
    assert rules["HG"].screening is True
    food_imports.import_limits(world.admin, table)
    composed = {
        i["code"]: i
        for i in food_library.compose_items(world.db, RICE, date(2025, 5, 1)).items
        if i["standard_no"] == "GB 9998"
    }
    assert composed["BENZOIC"]["factor"] == "0.847"
    assert composed["HG"]["screening"] == 1
    assert (composed["PLAIN"]["factor"], composed["PLAIN"]["rounding"]) == (None, "gb8170")
    proposal = food_library.proposed_items(
        world.db, RICE, date.today(), grade="一级", executive_standard="GB/T 1354-2018"
    )
    keys = [i["key"] for i in proposal.items] + ["GB 9998|BENZOIC", "GB 9998|HG"]
    sample_id = register(
        world,
        sample_name="大米",
        category_code="",
        food_class_code=RICE,
        executive_standard="GB/T 1354-2018",
        quality_grade="一级",
        item_keys=keys,
        items_reason="加测防腐剂与总汞筛查",
    )
    frozen = {
        r["code"]: r
        for r in world.db.query(
            "SELECT code, factor, rounding, screening FROM sample_items WHERE sample_id = ?",
            (sample_id,),
        )
    }
    assert frozen["BENZOIC"]["factor"] == "0.847" and frozen["HG"]["screening"] == 1
    assert frozen["PB"]["factor"] is None and frozen["PB"]["rounding"] == "gb8170"
    assert verify_audit(world.db).ok
    # Same file again: no change (the rules are part of the version's digest).
    again = food_imports.import_limits(world.admin, food_imports.read_limits(world.db, path))
    assert not again.changed


@pytest.mark.parametrize(
    ("rows", "rule"),
    [
        ([_row("BENZOIC", "大米", "1.0", factor="-1")], "factor_positive"),
        ([_row("BENZOIC", "大米", "1.0", rounding="GB 9999")], "rounding"),
        ([_row("HG", "大米", "0.02", screen="maybe")], "boolean"),
    ],
)
def test_a_bad_or_disagreeing_rule_is_refused_with_its_row(
    world: World, tmp_path: Path, rows: list[list[str]], rule: str
) -> None:
    path = _file(tmp_path / "bad.csv", rows)
    with pytest.raises(LimitFileError) as caught:
        food_imports.read_limits(world.db, path)
    assert rule in {p.rule for p in caught.value.problems}, caught.value.problems
    assert all(p.row >= 2 for p in caught.value.problems)


def test_a_flat_library_item_carries_its_rule_onto_the_sample(world: World, tmp_path: Path) -> None:
    shipped = load_sample_library()
    target = next(i for i in shipped.items if i.category == CATEGORY)
    items = [
        dataclasses.replace(i, factor="0.847", rounding="gb4789.2") if i is target else i
        for i in shipped.items
    ]
    ruled = StandardsLibrary(shipped.standards, shipped.categories, items)
    path = tmp_path / "library.csv"
    write_library_csv(ruled, path)
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == list(COLUMNS + RULE_COLUMNS)
    assert load_library(path) == ruled  # the file round-trips with its rules
    assert library.import_library(world.admin, load_library(path)) > 0
    std = shipped.standard(target.standard)
    stored = world.db.query_one(
        "SELECT factor, rounding FROM lib_items WHERE active = 1 AND code = ? "
        "AND category_code = ? AND standard_no = ? AND standard_year = ?",
        (target.code, CATEGORY, std.number, std.year),
    )
    assert stored is not None and tuple(stored) == ("0.847", "gb4789.2")
    sample_id = register(world)
    frozen = world.db.query_one(
        "SELECT factor, rounding FROM sample_items WHERE sample_id = ? AND code = ? "
        "AND standard_no = ? AND standard_year = ?",
        (sample_id, target.code, std.number, std.year),
    )
    assert frozen is not None and tuple(frozen) == ("0.847", "gb4789.2")
    assert library.import_library(world.admin, ruled) == 0  # unchanged: nothing written
    samples.cancel_sample(world.manager, sample_id, "test over")
    assert verify_audit(world.db).ok
