"""Issue 14 items 2–6: units, GB 2760/2763 wording, sums, 以…计, screening."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.item_kinds import split_sum
from labdesk.core.judgement import ItemRule, compile_rule, conclude, judge
from labdesk.core.limits import parse_limit


def rule(limit: str, value: str, **kw: object) -> object:
    return compile_rule(ItemRule(limit, **kw)).judge(value)  # type: ignore[arg-type]


def test_converted_to_the_limits_unit_and_says_so() -> None:
    v = compile_rule(ItemRule("≤1.0 g/kg", unit="mg/kg")).judge("850")
    assert v.verdict == "pass" and v.display == "0.850"
    assert v.converted == "850 mg/kg → 0.850 g/kg" and "单位换算" in v.explanation_zh
    assert compile_rule(ItemRule("≤1.0 g/kg", unit="mg/kg")).judge("1001").verdict == "fail"


def test_conversion_with_lod_in_the_methods_unit() -> None:
    compiled = compile_rule(ItemRule("≤0.2 mg/kg", unit="μg/kg", lod="5", loq="15"))
    assert compiled.judge("ND").display == "未检出（检出限 5 μg/kg）"
    assert compiled.judge("<LOQ").verdict == "pass"
    assert compiled.judge("<300").verdict == "not_judged"
    assert compiled.judge("201").verdict == "fail"


def test_incompatible_units_refused_naming_both() -> None:
    with pytest.raises(ValidationError) as info:
        compile_rule(ItemRule("≤1.0 mg/kg", unit="mg/L"))
    assert info.value.rule == "incompatible_units"
    assert "mg/kg" in str(info.value) and "mg/L" in str(info.value)


def test_unknown_unit_refused() -> None:
    with pytest.raises(ValidationError) as info:
        compile_rule(ItemRule("≤1.0 mg/kg", unit="mg/furlong"))
    assert info.value.rule == "unknown_unit"


def test_not_permitted_is_judged_as_not_detected() -> None:
    compiled = compile_rule(ItemRule("不得使用", lod="0.005", unit="g/kg"))
    assert compiled.judge("ND").verdict == "pass"
    assert compiled.judge("0.004").verdict == "pass"  # below the LOD
    assert compiled.judge("0.02").verdict == "fail"
    assert compiled.limit_zh == "不得使用"


def test_as_needed_is_report_only() -> None:
    v = judge("按生产需要适量使用", "3.2")
    assert v.verdict == "not_judged" and v.report_only


def test_gb2763_marks_are_marks_not_units() -> None:
    temporary = parse_limit("≤0.02*")
    assert temporary.unit == "" and temporary.mark == "*" and "临时限量" in temporary.mark_meaning
    emrl = parse_limit("≤0.1（再残留限量）")
    assert emrl.mark == "EMRL" and emrl.note == "" and emrl.unit == ""
    assert parse_limit(temporary.describe_zh()) == temporary
    assert judge("≤0.02*", "0.03").verdict == "fail"


def test_tolerance_with_numeric_exclusion() -> None:
    assert parse_limit("10.0±0.1（不含0.1）").excluded == "±"
    assert parse_limit("10.0±0.1（不含+0.1）").excluded == "+"
    assert judge("10.0±0.1（不含0.1）", "10.1").verdict == "fail"
    assert judge("10.0±0.1（不含0.1）", "10.05").verdict == "pass"
    with pytest.raises(ValidationError):
        parse_limit("10.0±0.1（不含0.2）")


def test_e_notation_limits() -> None:
    assert judge("≤1e3", "500").verdict == "pass"
    assert judge("≤1E-3", "0.0009").verdict == "pass"
    with pytest.raises(ValidationError):
        parse_limit("≤1e999")
    with pytest.raises(ValidationError):
        parse_limit("≤1e")


def test_sums_judge_the_total_and_keep_components() -> None:
    v = judge(ItemRule("≤0.5", unit="mg/kg"), "0.35+0.20")
    assert v.verdict == "fail" and v.display == "0.55" and v.components == ("0.35", "0.20")
    assert "0.35+0.20=0.55" in v.explanation_zh
    assert judge(ItemRule("≤0.5", lod="0.01"), "0.30+ND").verdict == "pass"
    assert judge(ItemRule("≤0.5", lod="0.01"), "0.495+ND").verdict == "not_judged"


@pytest.mark.parametrize("text", ["0.35+", "+0.35+", "0.35++0.2", "0.35+ "])
def test_sum_with_empty_component_refused(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        judge("≤0.5", text)
    assert info.value.field == "result" and info.value.rule == "sum_empty_component"


def test_marks_and_exponents_are_not_sums() -> None:
    assert split_sum("15.5(+)") is None
    assert split_sum("1e+3") is None
    assert split_sum("+2") is None
    assert split_sum("1+2") == ["1", "2"]


def test_factor_expressed_as() -> None:
    v = compile_rule(ItemRule("≤1.0 g/kg", unit="g/kg", factor="0.847")).judge("1.2")
    assert v.verdict == "fail" and v.display == "1.0164"
    assert v.converted == "1.2 g/kg × 0.847 = 1.0164 g/kg"


@pytest.mark.parametrize("factor", ["0", "-0.847", "abc"])
def test_bad_factor_refused(factor: str) -> None:
    with pytest.raises(ValidationError) as info:
        compile_rule(ItemRule("≤1.0 g/kg", factor=factor))
    assert info.value.field == "factor"


def test_screening_clears_but_cannot_fail() -> None:
    compiled = compile_rule(ItemRule("≤0.5 mg/kg", screening=True, lod="0.01"))
    assert compiled.judge("0.4").verdict == "pass"
    above = compiled.judge("0.6")
    assert above.verdict == "not_judged" and above.pending == "confirmatory_test"
    assert "确证试验" in above.explanation_zh
    ok = compiled.judge("0.4")
    conclusion = conclude("大米", "GB 2762", [("甲基汞", above), ("铅", ok)])
    assert conclusion.code == "not_judged" and conclusion.pending_items == ("甲基汞",)
    assert "确证" in conclusion.sentence_zh


def test_screening_needs_an_upper_limit() -> None:
    with pytest.raises(ValidationError) as info:
        compile_rule(ItemRule("≥0.5", screening=True))
    assert info.value.rule == "screening_needs_upper_limit"


def test_long_inputs_are_refused_quoting_little() -> None:
    for make in (
        lambda: parse_limit("≤" + "1" * 120_000),
        lambda: compile_rule(ItemRule("≤1", unit="m" * 120_000)),
        lambda: judge("≤1", "1" * 120_000),
    ):
        with pytest.raises(ValidationError) as info:
            make()
        assert len(str(info.value)) < 1000


@given(st.lists(st.decimals(min_value=0, max_value=1000, places=3), min_size=2, max_size=6))
def test_sum_is_exact(parts: list[Decimal]) -> None:
    text = "+".join(f"{p:f}" for p in parts)
    v = judge("≤100000", text)
    assert v.display == f"{sum(parts):f}"


@given(st.text(max_size=40))
def test_judge_never_crashes(text: str) -> None:
    with contextlib.suppress(ValidationError):
        judge(ItemRule("≤0.5 g/kg", unit="mg/kg", lod="0.01"), text)


@given(
    st.decimals(min_value=0, max_value=100000, places=3),
    st.sampled_from(
        [
            ItemRule("≤1.0 g/kg", unit="mg/kg"),
            ItemRule("≤1.0 g/kg", unit="g/kg", factor="0.847"),
            ItemRule("≤0.2 mg/kg", unit="μg/kg", method="rounded"),
            ItemRule("4.0～7.5 g/100g", unit="mg/kg"),
        ]
    ),
)
def test_the_fast_conversion_path_says_what_the_general_one_does(
    value: object, item: ItemRule
) -> None:
    from decimal import Decimal

    from labdesk.core.item_kinds import judge_scaled

    text = f"{value:f}"
    compiled = compile_rule(item)
    assert compiled.judge(text) == judge_scaled(compiled, Decimal(text), 0, text)
