"""`judge_rows` / `judge_many`: every column, and every field of every row's Verdict, is
what `CompiledRule.judge` gives for that text alone — over every rule shape of the lanes'
tests, plain numbers, ``<x``, ``ND(x)``, words, sums, refusals, plans and screening."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.judgement import ItemRule, compile_rule, judge_many, judge_rows
from tests.core.test_judge_lanes import RULES, _plain, _texts, fields

PLANS = [
    ItemRule("n=5,c=2,m=10^4 CFU/g,M=10^5 CFU/g"),
    ItemRule("n=5,c=0,m=0 /25g,M=-"),
    ItemRule("n=5,c=2,m=100 CFU/g,M=1000 CFU/g", rounding="gb4789.2"),
    ItemRule("n=5,c=1,m=100 CFU/g,M=1000 CFU/g", method="rounded", interval="10"),
]
ALL_RULES = [*RULES, *PLANS]
_units = st.one_of(
    st.integers(0, 200_000).map(str),
    st.sampled_from(["<10", "未检出", "检出", "1.6×10^4", "2.1E4", ""]),
)
_any_text = st.one_of(
    _texts,
    st.lists(_plain, min_size=2, max_size=3).map("+".join),  # sums
    st.lists(_units, min_size=5, max_size=5).map(";".join),  # plan units
    st.sampled_from(["", " ", "0.5 ", "０.５", "+1+2", "1++2", "<0", "ND(0)", "x" * 50]),
    st.text(max_size=12),
)


def alone(index: int, text: str) -> tuple[Any, ...]:
    """What a freshly compiled rule's `judge` says of the text by itself."""
    try:
        return fields(compile_rule(ALL_RULES[index]).judge(text))
    except ValidationError as error:
        return ("error", error.field, error.rule, str(error))


def row(columns: Any, i: int) -> tuple[Any, ...]:
    try:
        verdict = columns.verdict(i)
    except ValidationError as error:
        assert columns.codes[i] == columns.displays[i] == ""
        assert columns.errors[i] is error
        return ("error", error.field, error.rule, str(error))
    assert columns.codes[i] == verdict.verdict
    assert columns.displays[i] == verdict.display
    return fields(verdict)


_rows = st.lists(st.tuples(st.integers(0, len(ALL_RULES) - 1), _any_text), max_size=30)


@settings(max_examples=500, deadline=None)
@given(_rows)
def test_every_row_is_what_judge_gives_for_its_text_alone(rows: list[tuple[int, str]]) -> None:
    rules = [compile_rule(rule) for rule in ALL_RULES]
    columns = judge_rows(rules, rows)
    assert len(columns) == len(rows)
    for i, (index, text) in enumerate(rows):
        assert row(columns, i) == alone(index, text), (ALL_RULES[index], text)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(ALL_RULES) - 1), st.lists(_any_text, max_size=20))
def test_one_rule_many_texts(index: int, texts: list[str]) -> None:
    columns = judge_many(compile_rule(ALL_RULES[index]), texts)
    assert [row(columns, i) for i in range(len(texts))] == [alone(index, t) for t in texts]


def test_rows_keyed_by_item_share_a_rule_and_keep_their_order() -> None:
    shared = compile_rule(ItemRule("≤0.2", lod="0.005", unit="mg/kg"))
    rules = {11: shared, 12: shared, 13: compile_rule(ItemRule("≤0.5 mg/kg", method="rounded"))}
    columns = judge_rows(rules, [(13, "0.55"), (11, "0.3"), (12, "0.001"), (13, "0.5449")])
    assert columns.codes == ["fail", "fail", "pass", "pass"]
    assert columns.displays == ["0.6", "0.3", "未检出（检出限 0.005 mg/kg）", "0.5"]
    assert columns.verdict(0).explanation_en == "0.55 rounded to 0.6, limit at most 0.5 mg/kg: fail"
    assert columns.verdict(1).explanation_zh == "0.3，≤0.2 mg/kg，不合格"


def test_a_plan_text_seen_before_in_the_batch_is_judged_as_it_was() -> None:
    rule = compile_rule(PLANS[0])
    over = "2.1E4;80;<10;1.6×10^5;3"  # one unit above M: fails
    texts = [over, "未检出;未检出;未检出;未检出;未检出", over]
    columns = judge_many(rule, [*texts, "1;2;3"])
    assert columns.codes[:3] == ["fail", "pass", "fail"]
    assert columns.displays[2] == columns.displays[0] == "21000; 80; <10; 160000; 3"
    assert columns.errors[3].rule == "unit_count"
    assert columns.verdict(2) == rule.judge(over)


def test_a_refused_row_is_kept_with_its_error_and_the_others_are_judged() -> None:
    columns = judge_many(compile_rule("≤0.2"), ["0.1", "abc", "0.3"])
    assert columns.codes == ["pass", "", "fail"]
    assert set(columns.errors) == {1}
    assert columns.errors[1].field == "result"
    with pytest.raises(ValidationError) as raised:
        columns.verdicts()
    assert raised.value is columns.errors[1]


@pytest.mark.parametrize("precision", [3, 28, 200])
def test_a_conversion_is_exact_whatever_the_threads_decimal_context(precision: int) -> None:
    # The converted lane multiplies with the thread's context when the product fits it
    # exactly (cheaper than a context method) and with a wide one otherwise.
    rule = compile_rule(ItemRule("≤1.0 g/kg", unit="mg/kg", factor="0.847"))
    texts = ["850", "1234567890123456789012345.123456789", "0.000000001"]
    with localcontext() as context:
        context.prec = precision
        columns = judge_many(rule, texts)
    wide = Context(prec=200)
    factor = Decimal("0.000847")
    assert columns.displays == [f"{wide.multiply(Decimal(t), factor):f}" for t in texts]
    assert columns.codes == ["pass", "fail", "pass"]


@pytest.mark.parametrize("precision", [3, 28, 200])
@pytest.mark.parametrize(
    "text",
    [
        "1180.637544273907910271546635182998819",  # × 0.000847 = 0.99999…9693
        "1180.637544273907910271546635182998820",  # = 1.00000…0540
        "<1180.637544273907910271546635182998819",
        "<1180.637544273907910271546635182998820",
        "590.3187721369539551357733175914994095+590.3187721369539551357733175914994105",
    ],
)
def test_rows_near_the_limit_in_any_context_are_what_judge_says(precision: int, text: str) -> None:
    # The verdict turns on the 37th digit of the product, which a 28-digit context would
    # round away (and a 3-digit one everything).
    rule = compile_rule(ItemRule("≤1.0 g/kg", unit="mg/kg", factor="0.847"))
    with localcontext() as context:
        context.prec = precision
        columns = judge_many(rule, [text])
        expected = rule.judge(text)
    assert (columns.codes[0], columns.displays[0]) == (expected.verdict, expected.display)


@pytest.mark.parametrize("limit", ["4.0～7.5", "超过4.0到7.5", "至少4.0不足7.5", "超过4.0不足7.5"])
def test_a_two_sided_limit_at_and_beside_its_ends(limit: str) -> None:
    # Each end open or closed as the limit says (`Limit.contains`), one by one and in a batch.
    rule = compile_rule(limit)
    texts = ["3.9", "4.0", "4.00", "4.1", "7.4", "7.5", "7.50", "7.6"]
    expected = ["pass" if rule.limit.contains(Decimal(t)) else "fail" for t in texts]
    assert [rule.judge(t).verdict for t in texts] == expected
    assert judge_many(rule, texts).codes == expected
