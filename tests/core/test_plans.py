"""Sampling plans n, c, m, M (issue 14 item 1) and their bad input."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.judgement import ItemRule, compile_rule, judge
from labdesk.core.limits import parse_limit
from labdesk.core.plans import judge_plan, parse_plan, parse_unit_values

THREE = "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"
PRESENCE = "n=5,c=0,m=0 /25g,M=-"


@pytest.mark.parametrize(
    ("text", "n", "c", "m", "M", "unit"),
    [
        (THREE, 5, 2, "100", "1000", "CFU/g"),
        ("n=5,c=2,m=10^4,M=10^5 CFU/g", 5, 2, "10000", "100000", "CFU/g"),
        ("n=5,c=2,m=10⁴,M=10⁵", 5, 2, "10000", "100000", ""),
        ("n=5,c=2,m=10000,M=1e5", 5, 2, "10000", "100000", ""),
        ("n=5 c=1 m=100 M=1000 CFU/g", 5, 1, "100", "1000", "CFU/g"),
        ("n=5，c=0，m=100 CFU/g", 5, 0, "100", None, "CFU/g"),
    ],
)
def test_plans_read(text: str, n: int, c: int, m: str, M: str | None, unit: str) -> None:
    plan = parse_plan(text)
    assert (plan.n, plan.c, plan.m, plan.unit) == (n, c, Decimal(m), unit)
    assert (Decimal(M) if M else None) == plan.M


def test_presence_plan() -> None:
    plan = parse_plan(PRESENCE)
    assert plan.presence and plan.basis == "/25 g" and plan.M is None


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("n=5,c=6,m=100,M=1000", "plan_c_above_n"),
        ("n=5,c=1,m=1000,M=100", "plan_m_above_M"),
        ("n=5,c=1,m=100,M=100", "plan_m_equals_M"),
        ("n=5,c=1,m=100 CFU/g,M=1000 CFU/mL", "plan_unit_mismatch"),
        ("n=5,c=0,m=1 /25g", "plan_presence"),
        ("n=0,c=0,m=1", "plan_n_range"),
        ("n=5,c=x,m=1", "plan_syntax"),
        ("n=5,c=1", "plan_syntax"),
        ("n=5,c=1,m=abc", "plan_syntax"),
    ],
)
def test_bad_plans_refused_naming_the_rule(text: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_limit(text)
    assert info.value.field == "limit"
    assert info.value.rule in (rule, "limit_syntax")


@pytest.mark.parametrize(
    ("values", "verdict"),
    [
        ("80;120;<10;95;300", "pass"),  # two in (m, M], c = 2
        ("80;120;150;95;300", "fail"),  # three in (m, M]
        ("80;120;<10;95;1.6×10^4", "fail"),  # one above M
        ("80;120;<10;95;2.1E4", "fail"),
        ("80;16000;<10;95;20", "fail"),
        ("未检出;<10;<10;95;100", "pass"),
        ("80;120;<500;150;20", "not_judged"),  # <500 may or may not exceed m
        ("80;120;>1000;95;20", "fail"),
    ],
)
def test_three_class_plan(values: str, verdict: str) -> None:
    assert judge(THREE, values).verdict == verdict


def test_presence_plan_verdicts() -> None:
    assert judge(PRESENCE, "未检出;未检出;未检出;未检出;未检出").verdict == "pass"
    assert judge(PRESENCE, "未检出;未检出;检出;未检出;未检出").verdict == "fail"


def test_explanation_names_units_and_rule() -> None:
    v = judge(THREE, "80;120;<10;95;300")
    assert v.units == ("80", "120", "<10", "95", "300")
    assert "2 个单元超过 m" in v.explanation_zh and "c=2" in v.explanation_zh
    assert "above m" in v.explanation_en


def test_gb4789_rounding_belongs_to_the_item() -> None:
    plan = "n=5,c=2,m=10^4 CFU/g,M=10^5 CFU/g"
    values = "10449;10449;10449;95;20"  # 1.0×10⁴ each when reported by GB 4789.2
    assert judge(plan, values).verdict == "fail"  # full value: three above m
    colony = compile_rule(ItemRule(plan, rounding="gb4789.2")).judge(values)
    assert colony.verdict == "pass" and colony.units[0] == "1.0×10⁴"


@pytest.mark.parametrize(
    ("values", "rule"),
    [
        ("80;120;95;300", "unit_count"),
        ("80;;120;95;300", "unit_empty"),
        ("80;120;abc;95;300", "unit_format"),
        ("80;120;16,000;95;300", "unit_format"),
        ("80;120;-5;95;300", "count_negative"),
        ("80;120;95 CFU/g;95;300", "unit_format"),
    ],
)
def test_bad_unit_values(values: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        judge(THREE, values)
    assert info.value.field == "result" and info.value.rule == rule


def test_excel_row_pasted_with_tabs() -> None:
    assert judge(THREE, "80\t120\t<10\t95\t300").verdict == "pass"


counts = st.integers(min_value=0, max_value=10**6)


@given(st.lists(counts, min_size=5, max_size=5), st.integers(0, 5))
def test_plan_verdict_matches_the_definition(units: list[int], c: int) -> None:
    plan = parse_plan(f"n=5,c={c},m=100,M=10000")
    outcome = judge_plan(plan, parse_unit_values(";".join(map(str, units))))
    above_m = sum(1 for u in units if u > 100)
    above_big = any(u > 10000 for u in units)
    assert outcome.code == ("fail" if above_big or above_m > c else "pass")


@given(st.text(max_size=60))
def test_plan_parser_never_crashes(text: str) -> None:
    with contextlib.suppress(ValidationError):
        parse_plan("n=5," + text)


@given(st.text(max_size=60))
def test_unit_values_never_crash(text: str) -> None:
    with contextlib.suppress(ValidationError):
        parse_unit_values(text)


_mantissas = st.one_of(
    st.integers(0, 999).map(str),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 99), st.integers(0, 99)),
    st.sampled_from(["", ".5", "5.", "1.2.3", "-1.6", " 1.6"]),
)
_powers = st.one_of(st.integers(0, 40).map(str), st.sampled_from(["", "-2", "+3", "٣", "1.5"]))
_written = st.one_of(
    st.builds(lambda m, p: f"{m}×10^{p}", _mantissas, _powers),
    st.builds(lambda m, p: f"{m}E{p}", _mantissas, _powers),
    st.sampled_from(["80", "<10", "<0", "未检出", "检出", ">1000", "1.6×10⁴", "2.1e4"]),
)


@given(st.lists(_written, min_size=5, max_size=5))
def test_counts_written_with_a_power_read_as_the_scanner_reads_them(units: list[str]) -> None:
    """The judging lane of `read_units` (``1.6×10^4``, ``2.1E4`` as Decimals) gives the
    verdict, units and explanation that the general unit reader gives."""
    text = ";".join(units)
    fast = slow = None
    with contextlib.suppress(ValidationError):
        fast = compile_rule(ItemRule(THREE)).judge(text)
    with contextlib.suppress(ValidationError):
        plan = parse_plan(THREE)
        slow = judge_plan(plan, parse_unit_values(text), described=None)
    if fast is None or slow is None:
        assert fast is None and slow is None
        return
    assert (fast.verdict, fast.units) == (slow.code, slow.shown)
    assert fast.explanation_zh == slow.explanation_zh.replace(
        plan.describe_zh(), compile_rule(ItemRule(THREE)).limit_zh
    )
