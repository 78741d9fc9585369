"""Limit files in the printed layouts: every row validated first, all or nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from labdesk.core.foods import FoodTree
from labdesk.core.foods_io import read_food_classes, shipped_classes_path
from labdesk.core.limit_reader import read_limit_table
from labdesk.core.limit_tables import LimitFileError, StoredVersion

GB2763 = ["标准编号", "实施日期", "农药", "食品类别/名称", "最大残留限量/(mg/kg)"]
GB2762 = ["标准编号", "表号", "污染物", "项目代码", "食品类别（名称）", "限量", "单位"]


@pytest.fixture(scope="module")
def tree() -> FoodTree:
    return read_food_classes(shipped_classes_path())


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _rules(exc: pytest.ExceptionInfo[LimitFileError]) -> list[tuple[int, str]]:
    return [(p.row, p.rule) for p in exc.value.problems]


def test_a_gb_2763_table_with_merged_pesticide_cells_and_a_temporary_mark(
    tmp_path: Path, tree: FoodTree
) -> None:
    path = _csv(
        tmp_path / "mrl.csv",
        GB2763,
        [
            ["GB 2763-2021", "2021-09-03", "克百威", "蔬菜", "0.02"],
            ["", "", "", "大米", "0.1*"],  # merged cells come out blank: carried down
            ["", "", "腐霉利", "韭菜", "0.2"],
        ],
    )
    table = read_limit_table(path, tree)
    assert list(table.versions) == ["GB 2763-2021"]
    version = table.versions["GB 2763-2021"]
    assert version.kind == "pesticide" and version.effective_from == date(2021, 9, 3)
    rice = table.rows[1]
    assert (rice.item_name, rice.limit, rice.mark, rice.unit) == ("克百威", "≤0.1", "*", "mg/kg")
    assert rice.class_codes == ("F0102",)
    assert table.rows[2].item_name == "腐霉利"


def test_a_gb_2762_table_with_exclusions_resolves_every_class(
    tmp_path: Path, tree: FoodTree
) -> None:
    path = _csv(
        tmp_path / "pb.csv",
        GB2762,
        [
            [
                "GB 2762-2022",
                "表2",
                "镉",
                "CD",
                "新鲜蔬菜（叶菜蔬菜、豆类蔬菜除外）",
                "0.05",
                "mg/kg",
            ],
            ["GB 2762-2022", "表1", "铅", "PB", "谷物及其制品", "0.2", "mg/kg"],
        ],
    )
    table = read_limit_table(path, tree)
    cd, pb = table.rows
    assert cd.excluded == ("叶菜蔬菜", "豆类蔬菜") and cd.excluded_codes == ("F200201", "F200206")
    assert pb.class_codes == ("F01", "F2006")  # 谷物及其制品: processed and raw grains


def test_every_bad_row_is_reported_with_its_rule_and_nothing_is_kept(
    tmp_path: Path, tree: FoodTree
) -> None:
    path = _csv(
        tmp_path / "bad.csv",
        ["标准编号", "污染物", "项目代码", "食品类别（名称）", "食品分类代码", "限量", "单位"],
        [
            ["GB 2762-2022", "铅", "PB", "面包", "", "0.2", "mg/kg"],  # unknown class
            ["GB 2762-2022", "铅", "PB", "", "F999", "0.2", "mg/kg"],  # code does not exist
            ["GB 2762-2022", "镉", "CD", "大米", "", "0.2", "mg/kg"],
            ["GB 2762-2022", "镉", "CD", "大米", "", "0.3", "mg/kg"],  # same class and item
            ["GB 2762-2022", "汞", "HG", "大米（面包除外）", "", "0.02", "mg/kg"],
            ["GB 2762-2022", "锡", "SN", "大米", "", "0.2mg/kg", ""],  # a unit in the limit
            ["GB2762 2022", "锡", "SN", "大米", "", "0.2", ""],  # no year
        ],
    )
    with pytest.raises(LimitFileError) as caught:
        read_limit_table(path, tree)
    assert _rules(caught) == [
        (2, "unknown_class"),
        (3, "class_exists"),
        (5, "duplicate_row"),
        (6, "unknown_class"),
        (7, "limit"),
        (8, "standard_key"),
    ]
    assert "面包" in str(caught.value) and "nothing was loaded" in str(caught.value)


def test_a_bare_number_in_a_column_that_is_not_an_mrl_column_is_refused(
    tmp_path: Path, tree: FoodTree
) -> None:
    header = ["标准编号", "项目", "食品类别", "等级", "指标", "单位"]
    path = _csv(
        tmp_path / "product.csv",
        header,
        [["GB/T 1354-2018", "碎米总量", "大米", "一级", "15.0", "%"]],
    )
    with pytest.raises(LimitFileError) as caught:
        read_limit_table(path, tree)
    assert _rules(caught) == [(2, "bare_number")]
    assert "指标" in str(caught.value)
    ok = _csv(
        tmp_path / "ok.csv", header, [["GB/T 1354-2018", "碎米总量", "大米", "一级", "≤15.0", "%"]]
    )
    row = read_limit_table(ok, tree).rows[0]
    assert (row.limit, row.grade) == ("≤15.0", "一级")
    assert read_limit_table(ok, tree).versions["GB/T 1354-2018"].kind == "product"


def test_overlapping_versions_are_refused_in_a_file_and_against_the_library(
    tmp_path: Path, tree: FoodTree
) -> None:
    path = _csv(
        tmp_path / "two.csv",
        ["标准编号", "实施日期", "农药", "食品类别/名称", "最大残留限量"],
        [
            ["GB 2763-2021", "2021-09-03", "克百威", "蔬菜", "0.02"],
            ["GB 2763-2026", "2026-03-01", "克百威", "蔬菜", "0.01"],
        ],
    )
    with pytest.raises(LimitFileError) as caught:
        read_limit_table(path, tree)
    assert [p.rule for p in caught.value.problems] == ["version_overlap"]
    new = _csv(
        tmp_path / "new.csv",
        ["标准编号", "实施日期", "农药", "食品类别/名称", "最大残留限量"],
        [["GB 2763-2026", "2026-03-01", "克百威", "蔬菜", "0.01"]],
    )
    stored = [StoredVersion("GB 2763", "2021", date(2021, 9, 3), None)]
    with pytest.raises(LimitFileError, match="version_overlap"):
        read_limit_table(new, tree, stored)
    replacing = _csv(
        tmp_path / "replacing.csv",
        ["标准编号", "实施日期", "代替标准", "农药", "食品类别/名称", "最大残留限量"],
        [["GB 2763-2026", "2026-03-01", "GB 2763-2021", "克百威", "蔬菜", "0.01"]],
    )
    assert read_limit_table(replacing, tree, stored).versions["GB 2763-2026"].replaces == (
        "GB 2763-2021",
    )


def test_a_mark_is_never_a_unit_and_unknown_columns_are_refused(
    tmp_path: Path, tree: FoodTree
) -> None:
    path = _csv(
        tmp_path / "unit.csv",
        ["标准编号", "农药", "食品类别/名称", "最大残留限量", "单位"],
        [["GB 2763-2021", "克百威", "蔬菜", "0.02", "*"]],
    )
    with pytest.raises(LimitFileError, match="a mark is not a unit"):
        read_limit_table(path, tree)
    typo = _csv(tmp_path / "typo.csv", ["标准编号", "农药", "食品类别/名称", "最大残留线量"], [])
    with pytest.raises(LimitFileError) as caught:
        read_limit_table(typo, tree)
    assert {p.rule for p in caught.value.problems} == {"unknown_column", "required"}


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, tree: FoodTree
) -> None:
    path = _csv(tmp_path / "big.csv", GB2763, [["GB 2763-2021", "", "克百威", "蔬菜", "0.02"]] * 50)
    with pytest.raises(LimitFileError) as caught:
        read_limit_table(path, tree, max_bytes=100)
    assert _rules(caught) == [(0, "max_size")]


def test_an_xlsx_table_reads_like_the_csv(tmp_path: Path, tree: FoodTree) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(GB2763)
    sheet.append(["GB 2763-2021", "2021-09-03", "克百威", "蔬菜", "0.02*"])
    sheet.append([None, None, None, "大米", "0.1"])
    book.save(tmp_path / "mrl.xlsx")
    table = read_limit_table(tmp_path / "mrl.xlsx", tree)
    assert [(r.item_name, r.limit, r.mark) for r in table.rows] == [
        ("克百威", "≤0.02", "*"),
        ("克百威", "≤0.1", ""),
    ]


def test_the_digest_is_the_same_for_the_same_content(tmp_path: Path, tree: FoodTree) -> None:
    rows = [["GB 2763-2021", "2021-09-03", "克百威", "蔬菜", "0.02"]]
    a = read_limit_table(_csv(tmp_path / "a.csv", GB2763, rows), tree)
    b = read_limit_table(_csv(tmp_path / "b.csv", GB2763, [[], *rows]), tree)  # a blank line
    c = read_limit_table(
        _csv(
            tmp_path / "c.csv", GB2763, [["GB 2763-2021", "2021-09-03", "克百威", "蔬菜", "0.03"]]
        ),
        tree,
    )
    assert a.digest("GB 2763-2021") == b.digest("GB 2763-2021") != c.digest("GB 2763-2021")


def test_the_shipped_limit_files_read_and_label_what_is_confirmed(tree: FoodTree) -> None:
    folder = shipped_classes_path().parent
    confirmed = []
    for name in (
        "food-limits-gb2762.csv",
        "food-limits-gb2761.csv",
        "food-limits-gb2763.csv",
        "food-limits-gb31650.csv",
        "food-limits-product.csv",
    ):
        table = read_limit_table(folder / name, tree)
        assert all(r.source for r in table.rows)
        confirmed += [r for r in table.rows if not r.sample_data]
    # only GB 2762-2022 rows read on a public transcription are shipped as confirmed
    assert {r.standard for r in confirmed} == {"GB 2762-2022"}
    assert all("foodmate" in r.source for r in confirmed)
    assert len(confirmed) == 7


_CLASSES = ["蔬菜", "大米", "韭菜", "结球甘蓝", "谷物及其制品", "新鲜蔬菜（叶菜蔬菜除外）"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_CLASSES),
            st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False),
            st.sampled_from(["", "*"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_valid_table_reads_back_row_for_row(
    tmp_path: Path, tree: FoodTree, rows: list[tuple[str, object, str]]
) -> None:
    body = [
        ["GB 2763-2021", "", f"农药{i}", klass, f"{value}{mark}"]
        for i, (klass, value, mark) in enumerate(rows)
    ]
    table = read_limit_table(_csv(tmp_path / "p.csv", GB2763, body), tree)
    assert [(r.item_name, r.limit, r.mark) for r in table.rows] == [
        (f"农药{i}", f"≤{value}", mark) for i, (_k, value, mark) in enumerate(rows)
    ]
    assert all(r.class_codes for r in table.rows)


def test_only_columns_a_file_lacks_are_left_out_of_the_insert(
    tmp_path: Path, tree: FoodTree
) -> None:
    """The fields a file has no column for are never looked for, the others are: the
    inserted rows, filled with the defaults, are the stored rows either way."""
    from labdesk.core.limit_tables import STORED_COLUMNS, STORED_DEFAULTS

    bare = read_limit_table(
        _csv(
            tmp_path / "bare.csv",
            GB2763,
            [["GB 2763-2021", "2021-09-03", "克百威", "蔬菜", "0.02"]],
        ),
        tree,
    )
    assert {"note", "source", "grade", "test_method", "table", "item_en"} <= bare.unset
    assert "unit" not in bare.unset  # the MRL header's (mg/kg)
    noted = read_limit_table(
        _csv(
            tmp_path / "noted.csv",
            [*GB2763, "备注", "检验方法"],
            [
                ["GB 2763-2021", "2021-09-03", "克百威", "蔬菜", "0.02", "", ""],
                ["", "", "腐霉利", "韭菜", "0.2", "临时", "GB 23200.8"],
            ],
        ),
        tree,
    )
    assert "note" not in noted.unset and "test_method" not in noted.unset
    for table in (bare, noted):
        columns, inserted = table.inserted_rows("GB 2763-2021")
        defaults = {c: STORED_DEFAULTS.get(c) for c in STORED_COLUMNS}
        rebuilt = [
            tuple({**defaults, **dict(zip(columns, row, strict=True))}.values()) for row in inserted
        ]
        assert rebuilt == table.stored_rows("GB 2763-2021")
    assert "note" in noted.inserted_rows("GB 2763-2021")[0]
