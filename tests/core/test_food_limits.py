"""Cells as the standards print them, and the composition of a sample's items."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.food_limits import (
    Candidate,
    CellError,
    class_cell,
    compose,
    parse_explicit_cell,
    parse_max_cell,
    source_text,
    split_exclusions,
)
from labdesk.core.limits import parse_limit

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_plain_name = st.text(_HAN, min_size=1, max_size=6)
# names may carry brackets of their own: 带馅(料)面米制品, 小麦粉(包括食用麸皮)
_name = st.one_of(
    _plain_name,
    st.builds(lambda a, b, c: f"{a}({b}){c}", _plain_name, _plain_name, st.text(_HAN, max_size=3)),
)


@given(_name, st.lists(_name, max_size=5))
def test_class_cells_read_back_to_their_name_and_exclusions(name: str, excluded: list[str]) -> None:
    cell = class_cell(name, excluded)
    assert split_exclusions(cell) == (name, tuple(excluded))


def test_exclusions_as_printed() -> None:
    assert split_exclusions("谷物及其制品[麦片、面筋、粥类罐头、带馅（料）面米制品除外]") == (
        "谷物及其制品",
        ("麦片", "面筋", "粥类罐头", "带馅(料)面米制品"),
    )
    assert split_exclusions("小麦粉（包括食用麸皮）") == ("小麦粉(包括食用麸皮)", ())
    for bad in ("新鲜蔬菜（叶菜蔬菜除外", "（叶菜蔬菜除外）", "", "新鲜蔬菜（除外）"):
        with pytest.raises(CellError):
            split_exclusions(bad)


_number = st.decimals(min_value=0, max_value=10**6, allow_nan=False, places=3).map(
    lambda d: format(d, "f")
)


@given(_number, st.sampled_from(["", "*"]))
def test_a_bare_number_in_an_mrl_column_is_at_most_and_its_mark_kept_apart(
    number: str, mark: str
) -> None:
    limit, got_mark = parse_max_cell(number + mark)
    assert got_mark == mark
    parsed = parse_limit(limit)
    assert parsed.kind == "max" and parsed.upper is not None
    assert parsed.upper.inclusive and parsed.upper.value == Decimal(number)
    assert parsed.unit == ""


def test_mrl_cells_refuse_units_and_unknown_marks() -> None:
    assert parse_max_cell("≤0.5") == ("≤0.5", "")
    assert parse_max_cell("不得检出") == ("不得检出", "")
    for bad in ("0.2mg/kg", "0.2#", "", "abc"):
        with pytest.raises(CellError):
            parse_max_cell(bad)


@given(_number)
def test_a_bare_number_outside_an_mrl_column_is_refused(number: str) -> None:
    with pytest.raises(CellError, match="bare number"):
        parse_explicit_cell(number, "指标")
    assert parse_explicit_cell(f"≥{number}", "指标") == f"≥{number}"


def _cand(
    code: str, klass: str, *, excluded: tuple[str, ...] = (), grade: str = "", order: int = 0
) -> Candidate:
    return Candidate(
        "GB 2762", code, klass, frozenset(excluded), grade, "contaminant", order, klass
    )


PATH = ["F", "F01", "F0102", "F010201"]


def test_rows_inherit_down_the_tree_and_the_deepest_wins() -> None:
    got = compose(PATH, [_cand("PB", "F01", order=1), _cand("PB", "F0102", order=2)])
    assert [(c.candidate.class_code, c.depth) for c in got.items] == [("F0102", 2)]
    got = compose(PATH, [_cand("PB", "F0102", order=2), _cand("PB", "F01", order=1)])
    assert [c.candidate.class_code for c in got.items] == ["F0102"]
    assert compose(PATH, [_cand("PB", "F20")]).items == ()


def test_an_excluded_class_or_anything_under_it_does_not_inherit() -> None:
    rows = [_cand("CD", "F01", excluded=("F0102",)), _cand("HG", "F", excluded=("F20",))]
    assert [c.candidate.item_code for c in compose(PATH, rows).items] == ["HG"]


def test_graded_rows_follow_the_label_and_say_when_no_grade_was_given() -> None:
    rows = [
        _cand("BROKEN", "F0102", grade="一级", order=1),
        _cand("BROKEN", "F0102", grade="二级", order=2),
        _cand("ODOUR", "F0102", order=3),
    ]
    two = compose(PATH, rows, "二级")
    assert [(c.candidate.item_code, c.candidate.grade) for c in two.items] == [
        ("BROKEN", "二级"),
        ("ODOUR", ""),
    ]
    none = compose(PATH, rows, "")
    assert [c.candidate.item_code for c in none.items] == ["ODOUR"]
    assert none.needs_grade == ("GB 2762",)


def test_source_names_the_class_written_and_the_sample_class() -> None:
    assert source_text("GB 2762-2022", "表1", "谷物及其制品", "大米") == (
        "GB 2762-2022 表1, 谷物及其制品 → 大米"
    )
    assert source_text("GB 2762-2022", "表2", "大米", "大米") == "GB 2762-2022 表2, 大米"
