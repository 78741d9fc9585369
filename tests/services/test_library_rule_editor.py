"""Editing an item's rule in the food library (issue 15.1): factor, rounding and
screening set through `library_rules`, refused as the file import refuses them,
permitted to the admin and the technical manager, audited, and never reaching a
sample registered before the edit."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from labdesk.core.errors import NotFound, PermissionDenied, ValidationError
from labdesk.services import food_imports, food_library, library_rules
from labdesk.services.audit import verify_audit
from tests.services.recordkit import World, register

RICE = "F01020101"
HEADER = [
    "标准编号",
    "实施日期",
    "农药",
    "项目代码",
    "食品类别/名称",
    "最大残留限量/(mg/kg)",
    "标准类型",
]


def _load(world: World, tmp_path: Path, rows: list[tuple[str, str, str]]) -> int:
    path = tmp_path / "limits.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for code, food, limit in rows:
            writer.writerow(
                ["GB 9998-2021", "2021-09-03", f"项目{code}", code, food, limit, "additive"]
            )
    food_imports.import_limits(world.admin, food_imports.read_limits(world.db, path))
    return int(
        world.db.scalar("SELECT id FROM lib_versions WHERE active = 1 AND standard_no = 'GB 9998'")
    )


def _composed(world: World, code: str) -> dict[str, object]:
    items = food_library.compose_items(world.db, RICE, date(2025, 5, 1)).items
    return next(i for i in items if i["standard_no"] == "GB 9998" and i["code"] == code)


@pytest.fixture
def version(world: World, tmp_path: Path) -> int:
    return _load(
        world,
        tmp_path,
        [
            ("BENZOIC", "大米", "1.0"),
            ("BENZOIC", "谷物及其制品", "2.0"),
            ("SALM", "大米", "不得检出"),
        ],
    )


def test_a_rule_set_in_the_app_is_composed_and_frozen_onto_new_samples_only(
    world: World, version: int
) -> None:
    before = register(
        world,
        sample_name="大米",
        category_code="",
        food_class_code=RICE,
        item_keys=["GB 9998|BENZOIC"],
        items_reason="只测防腐剂",
    )
    assert library_rules.set_library_rule(
        world.manager,
        version,
        "BENZOIC",
        factor="0.847",
        rounding="gb8170",
        screening=False,
        reason="以苯甲酸计：测得苯甲酸钠",
    )
    item = _composed(world, "BENZOIC")
    assert (item["factor"], item["rounding"], item["screening"]) == ("0.847", "gb8170", 0)
    listed = {i["code"]: i for i in library_rules.version_items(world.db, version)}
    assert listed["BENZOIC"]["rule"] == library_rules.LibraryRule("0.847")
    assert listed["BENZOIC"]["limits"] == ["≤1.0", "≤2.0"]
    assert not listed["SALM"]["rule"].stated
    after = register(
        world,
        sample_name="大米",
        category_code="",
        food_class_code=RICE,
        item_keys=["GB 9998|BENZOIC"],
        items_reason="只测防腐剂",
    )
    frozen = {
        int(r["sample_id"]): r["factor"]
        for r in world.db.query(
            "SELECT sample_id, factor FROM sample_items WHERE code = 'BENZOIC' "
            "AND sample_id IN (?, ?)",
            (before, after),
        )
    }
    assert frozen == {before: None, after: "0.847"}  # the earlier sample keeps its rule
    entry = world.db.query_one(
        "SELECT user_id, reason, action FROM audit_log WHERE table_name = 'lib_item_rules' "
        "ORDER BY seq DESC LIMIT 1"
    )
    assert entry is not None
    assert (entry["reason"], entry["action"]) == ("以苯甲酸计：测得苯甲酸钠", "library_rule")
    assert entry["user_id"] == world.manager.actor.user_id
    assert verify_audit(world.db).ok


def test_changing_and_clearing_a_rule_updates_it_and_the_same_rule_writes_nothing(
    world: World, version: int
) -> None:
    set_rule = library_rules.set_library_rule
    assert set_rule(
        world.admin, version, "BENZOIC", factor="0.847", rounding="", screening=False, reason="a"
    )
    seq = world.db.scalar("SELECT max(seq) FROM audit_log")
    assert not set_rule(
        world.admin,
        version,
        "BENZOIC",
        factor=" 0.847 ",
        rounding="gb8170",
        screening=False,
        reason="b",
    )
    assert world.db.scalar("SELECT max(seq) FROM audit_log") == seq
    assert set_rule(
        world.admin, version, "BENZOIC", factor="", rounding="gb8170", screening=True, reason="c"
    )
    item = _composed(world, "BENZOIC")
    assert (item["factor"], item["screening"]) == (None, 1)
    assert (
        world.db.scalar("SELECT count(*) FROM lib_item_rules WHERE version_id = ?", (version,)) == 1
    )


def test_importing_the_file_again_after_an_edit_restores_the_files_rule(
    world: World, version: int, tmp_path: Path
) -> None:
    library_rules.set_library_rule(
        world.admin,
        version,
        "BENZOIC",
        factor="0.847",
        rounding="gb8170",
        screening=False,
        reason="x",
    )
    path = tmp_path / "limits.csv"
    outcome = food_imports.import_limits(world.admin, food_imports.read_limits(world.db, path))
    assert outcome.changed and outcome.loaded == ["GB 9998-2021"]
    assert _composed(world, "BENZOIC")["factor"] is None


@pytest.mark.parametrize(
    ("code", "factor", "rounding", "screening", "field", "rule"),
    [
        ("BENZOIC", "0", "gb8170", False, "factor", "factor_positive"),
        ("BENZOIC", "-0.8", "gb8170", False, "factor", "factor_positive"),
        ("BENZOIC", "abc", "gb8170", False, "factor", None),
        ("BENZOIC", "", "gb9999", False, "rounding", "rounding_rule"),
        ("SALM", "0.5", "gb8170", False, "factor", None),  # a factor needs a numeric limit
    ],
)
def test_a_bad_or_conflicting_rule_is_refused_naming_the_field_and_nothing_is_written(
    world: World,
    version: int,
    code: str,
    factor: str,
    rounding: str,
    screening: bool,
    field: str,
    rule: str | None,
) -> None:
    seq = world.db.scalar("SELECT max(seq) FROM audit_log")
    with pytest.raises(ValidationError) as caught:
        library_rules.set_library_rule(
            world.admin,
            version,
            code,
            factor=factor,
            rounding=rounding,
            screening=screening,
            reason="r",
        )
    assert caught.value.field == field
    if rule is not None:
        assert caught.value.rule == rule
    assert field in str(caught.value)
    assert world.db.scalar("SELECT max(seq) FROM audit_log") == seq


def test_screening_a_minimum_conflicts_with_that_limit(world: World, tmp_path: Path) -> None:
    version = _load(world, tmp_path, [("PROT", "大米", "≥6.0")])
    with pytest.raises(ValidationError, match=r"≥6\.0") as caught:
        library_rules.set_library_rule(
            world.admin, version, "PROT", factor="", rounding="gb8170", screening=True, reason="r"
        )
    assert caught.value.field == "screening"


def test_a_reason_is_required_and_only_admin_or_manager_may_edit(
    world: World, version: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        library_rules.set_library_rule(
            world.admin,
            version,
            "BENZOIC",
            factor="0.8",
            rounding="gb8170",
            screening=False,
            reason=" ",
        )
    assert caught.value.field == "reason"
    for ctx in (world.tech, world.reviewer):
        with pytest.raises(PermissionDenied):
            library_rules.set_library_rule(
                ctx,
                version,
                "BENZOIC",
                factor="0.8",
                rounding="gb8170",
                screening=False,
                reason="r",
            )
    with pytest.raises(NotFound):
        library_rules.set_library_rule(
            world.admin,
            version,
            "NOPE",
            factor="0.8",
            rounding="gb8170",
            screening=False,
            reason="r",
        )
    assert not world.db.scalar(
        "SELECT count(*) FROM lib_item_rules WHERE version_id = ?", (version,)
    )


FLOUR = "F01010101"  # 通用小麦粉: under 谷物 (F01), not under 大米


def _rule_of(world: World, class_code: str, code: str) -> tuple[object, object, object]:
    items = food_library.compose_items(world.db, class_code, date(2025, 5, 1)).items
    item = next(i for i in items if i["standard_no"] == "GB 9998" and i["code"] == code)
    return item["factor"], item["screening"], item["rule_class"]


def test_a_class_rule_wins_below_its_class_and_the_most_specific_wins(
    world: World, version: int
) -> None:
    set_rule = library_rules.set_library_rule
    set_rule(world.admin, version, "BENZOIC", factor="0.847", rounding="gb8170", screening=False,
             reason="版本规则")  # fmt: skip
    set_rule(world.admin, version, "BENZOIC", factor="1.18", rounding="gb8170", screening=False,
             reason="谷物以另一形态计", class_code="F01")  # fmt: skip
    set_rule(world.admin, version, "BENZOIC", factor="0.5", rounding="gb8170", screening=False,
             reason="大米另计", class_code="F0102")  # fmt: skip
    assert _rule_of(world, RICE, "BENZOIC") == ("0.5", 0, "F0102")
    assert _rule_of(world, FLOUR, "BENZOIC") == ("1.18", 0, "F01")
    rules = library_rules.class_rules(world.db, version, "BENZOIC")
    assert [r["class_code"] for r in rules] == ["F01", "F0102"]
    sample_id = register(
        world,
        sample_name="大米",
        category_code="",
        food_class_code=RICE,
        item_keys=["GB 9998|BENZOIC"],
        items_reason="只测防腐剂",
    )
    assert (
        world.db.scalar(
            "SELECT factor FROM sample_items WHERE sample_id = ? AND code = 'BENZOIC'", (sample_id,)
        )
        == "0.5"
    )
    assert library_rules.clear_class_rule(world.admin, version, "BENZOIC", "F0102", reason="撤回")
    assert not library_rules.clear_class_rule(world.admin, version, "BENZOIC", "F0102", reason="x")
    assert _rule_of(world, RICE, "BENZOIC") == ("1.18", 0, "F01")
    library_rules.clear_class_rule(world.admin, version, "BENZOIC", "F01", reason="撤回")
    assert _rule_of(world, RICE, "BENZOIC") == ("0.847", 0, "")
    # the sample registered under the class rule keeps it
    assert (
        world.db.scalar(
            "SELECT factor FROM sample_items WHERE sample_id = ? AND code = 'BENZOIC'", (sample_id,)
        )
        == "0.5"
    )
    assert verify_audit(world.db).ok


def test_a_class_rule_is_checked_against_the_limits_that_reach_the_class(
    world: World, tmp_path: Path
) -> None:
    version = _load(world, tmp_path, [("PROT", "大米", "≥6.0"), ("PROT", "小麦粉", "≤9")])
    # screening the flour's maximum is fine; the rice minimum is not screened
    assert library_rules.set_library_rule(
        world.admin, version, "PROT", factor="", rounding="gb8170", screening=True,
        reason="r", class_code="F0101",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        library_rules.set_library_rule(
            world.admin, version, "PROT", factor="", rounding="gb8170", screening=True,
            reason="r", class_code="F0102",
        )  # fmt: skip
    assert caught.value.field == "screening"
    with pytest.raises(NotFound):  # no PROT limit reaches 谷物加工品
        library_rules.set_library_rule(
            world.admin, version, "PROT", factor="1.1", rounding="gb8170", screening=False,
            reason="r", class_code="F010401",
        )  # fmt: skip
    with pytest.raises(NotFound):
        library_rules.set_library_rule(
            world.admin, version, "PROT", factor="1.1", rounding="gb8170", screening=False,
            reason="r", class_code="NO-SUCH-CLASS",
        )  # fmt: skip


def test_a_class_rule_reaches_a_composition_cached_before_it(world: World, version: int) -> None:
    library_rules.set_library_rule(  # clears the version's digest: later edits leave it alone
        world.admin, version, "BENZOIC", factor="0.8", rounding="gb8170", screening=False,
        reason="版本规则",
    )  # fmt: skip
    assert _rule_of(world, RICE, "BENZOIC") == ("0.8", 0, "")  # composed, and cached
    seq = world.db.scalar("SELECT max(seq) FROM audit_log")
    before = food_library.library_revision(world.db)
    library_rules.set_library_rule(
        world.admin, version, "BENZOIC", factor="0.5", rounding="gb8170", screening=False,
        reason="大米另计", class_code=RICE,
    )  # fmt: skip
    tables = world.db.query("SELECT DISTINCT table_name FROM audit_log WHERE seq > ?", (seq,))
    assert [r[0] for r in tables] == ["lib_class_rules"]  # the rule alone names the change
    assert food_library.library_revision(world.db) != before
    assert _rule_of(world, RICE, "BENZOIC") == ("0.5", 0, RICE)


RULE_HEADER = [*HEADER, "质量等级", "换算系数"]


def _rules_file(tmp_path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    path = tmp_path / "class-rules.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RULE_HEADER)
        for code, food, limit, grade, factor in rows:
            writer.writerow(
                ["GB 9998-2021", "2021-09-03", f"项目{code}", code, food, limit, "additive",
                 grade, factor]
            )  # fmt: skip
    return path


def test_a_limit_file_giving_an_item_other_rules_for_other_classes_imports_class_rules(
    world: World, tmp_path: Path
) -> None:
    path = _rules_file(
        tmp_path,
        [
            ("NITRITE", "谷物及其制品", "20", "", "1.5"),  # 以NaNO2计 for the cereals
            ("NITRITE", "大米", "10", "", "1"),  # another form for rice
            ("PLAIN", "大米", "1", "", "0.8"),  # one rule: the version's, as before
        ],
    )
    table = food_imports.read_limits(world.db, path)
    assert [r.code for r in table.rules("GB 9998-2021")] == ["PLAIN"]
    by_class = {c: r.factor for c, r in table.class_rules("GB 9998-2021")}
    # each row's rule for the nodes its class name means (大米: the 亚类 F0102)
    assert by_class["F01"] == "1.5" and by_class["F0102"] == "1"
    food_imports.import_limits(world.admin, table)
    assert _rule_of(world, RICE, "NITRITE") == ("1", 0, "F0102")
    assert _rule_of(world, FLOUR, "NITRITE") == ("1.5", 0, "F01")
    assert _rule_of(world, RICE, "PLAIN") == ("0.8", 0, "")
    again = food_imports.import_limits(world.admin, food_imports.read_limits(world.db, path))
    assert not again.changed  # class rules are part of the version's digest
    assert verify_audit(world.db).ok


def test_two_rules_for_one_class_in_a_file_are_refused(world: World, tmp_path: Path) -> None:
    from labdesk.core.limit_tables import LimitFileError

    path = _rules_file(
        tmp_path,
        [("PROT", "大米", "≥6.0", "一级", "1.1"), ("PROT", "大米", "≥5.0", "二级", "1.2")],
    )
    with pytest.raises(LimitFileError) as caught:
        food_imports.read_limits(world.db, path)
    assert [(p.row, p.rule) for p in caught.value.problems] == [(3, "rule_agrees")]


def test_a_class_rule_equal_to_the_one_it_follows_writes_nothing(
    world: World, version: int
) -> None:
    set_rule = library_rules.set_library_rule
    set_rule(world.admin, version, "BENZOIC", factor="0.847", rounding="gb8170",
             screening=False, reason="版本规则")  # fmt: skip
    seq = world.db.scalar("SELECT max(seq) FROM audit_log")
    assert not set_rule(world.admin, version, "BENZOIC", factor="0.847", rounding="gb8170",
                        screening=False, reason="同版本", class_code=RICE)  # fmt: skip
    assert set_rule(world.admin, version, "BENZOIC", factor="0.5", rounding="gb8170",
                    screening=False, reason="谷物另计", class_code="F01")  # fmt: skip
    assert not set_rule(world.admin, version, "BENZOIC", factor="0.5", rounding="gb8170",
                        screening=False, reason="同谷物", class_code=RICE)  # fmt: skip
    # a class may still take the plain rule against its ancestor's
    assert set_rule(world.admin, version, "BENZOIC", factor="", rounding="gb8170",
                    screening=False, reason="大米不换算", class_code=RICE)  # fmt: skip
    assert _rule_of(world, RICE, "BENZOIC") == (None, 0, RICE)
    tables = world.db.query("SELECT table_name FROM audit_log WHERE seq > ?", (seq,))
    assert sorted(r[0] for r in tables) == ["lib_class_rules", "lib_class_rules"]
