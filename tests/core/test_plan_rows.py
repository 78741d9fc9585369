"""GB 29921 plan tables (n / c / m / M columns) read into the library as plan limits."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from labdesk.core.foods import FoodTree
from labdesk.core.foods_io import read_food_classes, shipped_classes_path
from labdesk.core.judgement import ItemRule, compile_rule
from labdesk.core.limit_reader import read_limit_table
from labdesk.core.limit_tables import LimitFileError
from labdesk.core.plan_rows import plan_records

HEADER = [
    "标准编号",
    "表号",
    "致病菌",
    "食品类别（名称）",
    "n",
    "c",
    "m",
    "M",
    "单位",
    "来源",
    "样例数据",
]


@pytest.fixture(scope="module")
def tree() -> FoodTree:
    return read_food_classes(shipped_classes_path())


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_columns_fold_into_one_plan_cell() -> None:
    rows = iter(
        [
            HEADER,
            [
                "GB 29921-2021",
                "",
                "金黄色葡萄球菌",
                "大米",
                "5",
                "1",
                "100",
                "1000",
                "CFU/g",
                "x",
                "true",
            ],
            ["GB 29921-2021", "", "沙门氏菌", "大米", "5", "0", "0", "", "/25 g", "x", "true"],
        ]
    )
    out = list(plan_records(rows))
    assert out[0][-1] == "指标" and "n" not in out[0]
    assert out[1][-1] == "n=5,c=1,m=100 CFU/g,M=1000 CFU/g"
    assert out[2][-1] == "n=5,c=0,m=0 /25 g"
    for row in out[1:]:
        compile_rule(ItemRule(row[-1]))  # each reads as a plan


def test_a_plan_table_loads_as_sample_data(tmp_path: Path, tree: FoodTree) -> None:
    path = _csv(
        tmp_path / "plans.csv",
        [
            [
                "GB 29921-2021",
                "",
                "金黄色葡萄球菌",
                "大米",
                "5",
                "1",
                "100",
                "1000",
                "CFU/g",
                "brief",
                "true",
            ],
            ["GB 29921-2021", "", "沙门氏菌", "大米", "5", "0", "0", "", "/25 g", "brief", "true"],
        ],
    )
    table = read_limit_table(path, tree)
    assert [r.limit for r in table.rows] == [
        "n=5,c=1,m=100 CFU/g,M=1000 CFU/g",
        "n=5,c=0,m=0 /25 g",
    ]
    assert all(r.sample_data for r in table.rows)
    rule = compile_rule(ItemRule(table.rows[0].limit, unit=table.rows[0].unit))
    assert rule.judge("80;120;<10;95;300").verdict == "fail"  # c = 1: two above m


def test_a_bad_plan_row_is_reported_on_its_row(tmp_path: Path, tree: FoodTree) -> None:
    path = _csv(
        tmp_path / "plans.csv",
        [
            [
                "GB 29921-2021",
                "",
                "金黄色葡萄球菌",
                "大米",
                "5",
                "6",
                "100",
                "1000",
                "CFU/g",
                "x",
                "true",
            ]
        ],
    )
    with pytest.raises(LimitFileError) as info:
        read_limit_table(path, tree)
    assert any(p.row == 2 and "c=6" in p.message for p in info.value.problems)


def test_the_shipped_plans_file_reads_as_plans() -> None:
    path = Path(__file__).parents[2] / "resources" / "standards" / "gb29921-2021-plans.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(plan_records(iter(csv.reader(handle))))
    for row in rows[1:]:
        assert compile_rule(ItemRule(row[-1])).limit.is_plan
        assert row[rows[0].index("样例数据")] == "true"  # not confirmed: sample data
