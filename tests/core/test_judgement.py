"""Judging results against limits, and a sample's conclusion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.judgement import (
    ItemRule,
    Verdict,
    compile_rule,
    conclude,
    judge,
)
from labdesk.core.limits import LimitSyntaxError
from labdesk.core.rounding import round_to_interval

# ------------------------------------------------------------ domain.md worked examples


def test_domain_full_value_vs_rounded_value() -> None:
    """≤0.5 %: 0.549 fails by full value, passes by rounded value (0.5); 0.551 fails both."""
    full = judge(ItemRule("≤0.5"), "0.549")
    assert full.verdict == "fail" and full.compared == "0.549" and full.rounded is None
    rounded = judge(ItemRule("≤0.5", method="rounded"), "0.549")
    assert rounded.verdict == "pass" and rounded.compared == "0.5" and rounded.rounded == "0.5"
    assert rounded.explanation_zh == "0.549 修约至 0.5，≤0.5，合格"
    assert "0.549" in rounded.explanation_en and "pass" in rounded.explanation_en
    assert judge(ItemRule("≤0.5"), "0.551").verdict == "fail"
    both = judge(ItemRule("≤0.5", method="rounded"), "0.551")
    assert both.verdict == "fail" and both.rounded == "0.6"


def test_domain_below_lod_prints_not_detected_with_the_lod() -> None:
    verdict = judge(ItemRule("≤0.2", lod="0.01", unit="mg/kg"), "ND")
    assert verdict.display == "未检出（检出限 0.01 mg/kg）"
    assert verdict.verdict == "pass"
    assert verdict.compared == "<0.01"


def test_domain_between_lod_and_loq_prints_loq() -> None:
    verdict = judge(ItemRule("≤0.2 mg/kg", lod="0.01", loq="0.03"), "0.02")
    assert verdict.display == "<LOQ" and verdict.verdict == "pass"
    assert judge(ItemRule("≤0.2 mg/kg", lod="0.01", loq="0.03"), "<LOQ").display == "<LOQ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ND", "pass"),
        ("<LOD", "pass"),
        ("0.005", "pass"),
        ("0.01", "fail"),
        ("0.3", "fail"),
        ("未检出", "pass"),
        ("阴性", "pass"),
        ("阳性", "fail"),
        ("检出", "fail"),
        ("<LOQ", "fail"),
    ],
)
def test_domain_not_detected_against_lod(text: str, expected: str) -> None:
    """Against 不得检出: below LOD passes, at or above LOD fails."""
    rule = ItemRule("不得检出", lod="0.01", loq="0.03", unit="mg/kg")
    assert judge(rule, text).verdict == expected


def test_domain_below_a_value_against_an_upper_limit() -> None:
    """A "<0.01" entry against "≤0.2" passes: the true value is below 0.2."""
    assert judge(ItemRule("≤0.2"), "<0.01").verdict == "pass"
    undecided = judge(ItemRule("≤0.2"), "<0.5")
    assert undecided.verdict == "not_judged"
    assert "0.5" in undecided.explanation_en and "0.2" in undecided.explanation_zh
    assert "not judged" in undecided.explanation_en


def test_domain_salmonella_not_detected_per_25g() -> None:
    rule = ItemRule("不得检出 /25 g")
    assert judge(rule, "未检出").verdict == "pass"
    assert judge(rule, "阴性").verdict == "pass"
    assert judge(rule, "检出").verdict == "fail"


def test_domain_conclusion_wording() -> None:
    ok = conclude(
        "菠菜",
        "GB 2762-2022",
        [("铅", judge("≤0.2", "0.05")), ("镉", judge("≤0.05", "ND(0.002)"))],
    )
    assert ok.code == "pass" and ok.label_zh == "合格"
    assert ok.sentence_zh == "经抽样检验，所检项目符合 GB 2762-2022 标准要求，检验结论为合格。"
    bad = conclude(
        "菠菜",
        "GB 2762-2022",
        [
            ("铅", judge("≤0.2", "0.3")),
            ("镉", judge("≤0.05", "0.06")),
            ("汞", judge("≤0.01", "0.001")),
        ],
    )
    assert bad.code == "fail" and bad.label_zh == "不合格"
    assert bad.failing_items == ("铅", "镉")
    assert (
        bad.sentence_zh == "经抽样检验，铅、镉项目不符合 GB 2762-2022 标准要求，检验结论为不合格。"
    )
    assert "fail" in bad.sentence_en and "铅" in bad.sentence_en


def test_a_latin_item_name_keeps_a_space_before_项目() -> None:
    bad = conclude("纺织品", "GB 18401-2010", [("pH", judge("4.0～7.5", "8.1"))])
    assert bad.sentence_zh.startswith("经抽样检验，pH 项目不符合 GB 18401-2010")


# ------------------------------------------------------------ methods and intervals


@pytest.mark.parametrize(
    ("rule", "text", "verdict", "rounded"),
    [
        (ItemRule("≤60", method="rounded", interval="0.5"), "60.25", "pass", "60.0"),
        (ItemRule("≤60", method="rounded", interval="0.5"), "60.26", "fail", "60.5"),
        (ItemRule("≤0.124", method="rounded"), "0.1245", "pass", "0.124"),
        (ItemRule("≤0.124", method="rounded"), "0.1255", "fail", "0.126"),
        (ItemRule("≤0.5", method="rounded", decimals=2), "0.504", "pass", "0.50"),
        (ItemRule("≤0.5", method="rounded", decimals=2), "0.505", "pass", "0.50"),
        (ItemRule("≤0.5", method="rounded", decimals=2), "0.506", "fail", "0.51"),
        (ItemRule("≤840", method="rounded", interval="20"), "850", "pass", "840"),
        (ItemRule("≥95", method="rounded"), "94.5", "fail", "94"),
        (ItemRule("≥95", method="rounded"), "94.51", "pass", "95"),
        (ItemRule("4.0～7.5", method="rounded"), "7.54", "pass", "7.5"),
        (ItemRule("4.0～7.5", method="rounded"), "3.95", "pass", "4.0"),
        (ItemRule("≤0.5", method="rounded"), "0.55(−)", "pass", "0.5"),
        (ItemRule("≤0.5", method="rounded"), "0.45(+)", "pass", "0.5"),
        (ItemRule("≤-0.03", method="rounded", interval="0.01"), "-0.025", "fail", "-0.02"),
    ],
)
def test_rounded_method(rule: ItemRule, text: str, verdict: str, rounded: str) -> None:
    result = judge(rule, text)
    assert result.verdict == verdict
    assert result.rounded == rounded and result.compared == rounded and result.display == rounded


def test_full_method_ignores_the_interval() -> None:
    result = judge(ItemRule("≤0.5", interval="0.1"), "0.549")
    assert result.verdict == "fail" and result.rounded is None


@pytest.mark.parametrize(
    ("limit", "text", "verdict"),
    [
        ("≤0.5", "0.5", "pass"),
        ("≤0.5", "0.5(+)", "fail"),  # the true value was above 0.5
        ("≤0.5", "0.5(−)", "pass"),
        ("<0.5", "0.5(−)", "pass"),
        ("<0.5", "0.5", "fail"),
        ("≥5", "5(−)", "fail"),
        (">5", "5(+)", "pass"),
        (">5", "5", "fail"),
        ("4.0～7.5", "7.5", "pass"),
        ("4.0～7.5", "7.6", "fail"),
        ("超过4.0到7.5", "4.0", "fail"),
        ("至少4.0不足7.5", "7.5", "fail"),
        ("10.0±0.5（不含Δ）", "10.5", "fail"),
        ("10.0±0.5（不含−Δ）", "10.5", "pass"),
        ("10.0±0.5（不含−Δ）", "9.5", "fail"),
        ("=7.0", "7.00", "pass"),
        ("≥-5", "-0.5", "pass"),
        ("≤150μg/kg", "151", "fail"),
    ],
)
def test_full_value_with_marks_and_bounds(limit: str, text: str, verdict: str) -> None:
    assert judge(limit, text).verdict == verdict


# ------------------------------------------------------------ detection limits


@pytest.mark.parametrize(
    ("rule", "text", "verdict", "display"),
    [
        (
            ItemRule("≤0.2", lod="0.01", unit="mg/kg"),
            "0.005",
            "pass",
            "未检出（检出限 0.01 mg/kg）",
        ),
        (ItemRule("≤0.2", lod="0.01"), "<LOD", "pass", "未检出（检出限 0.01）"),
        # ND states its own LOD when the item has none
        (ItemRule("≤0.2", unit="mg/kg"), "ND(0.01)", "pass", "未检出（检出限 0.01 mg/kg）"),
        (ItemRule("≤0.2", lod="0.02"), "ND(0.01)", "pass", "未检出（检出限 0.01）"),
        (ItemRule("≤0.005"), "未检出（0.01）", "not_judged", "未检出（检出限 0.01）"),
        (ItemRule("≤0.005", lod="0.01"), "ND", "not_judged", "未检出（检出限 0.01）"),
        (ItemRule("≤0.01", lod="0.01"), "ND", "pass", "未检出（检出限 0.01）"),
        (ItemRule("<0.01", lod="0.01"), "ND", "pass", "未检出（检出限 0.01）"),
        (ItemRule("≥3", lod="0.01"), "ND", "fail", "未检出（检出限 0.01）"),
        (ItemRule("≥3"), "ND(0.01)", "fail", "未检出（检出限 0.01）"),
        (ItemRule("≤0.2", lod="0.01", loq="0.3"), "<LOQ", "not_judged", "<LOQ"),
        (ItemRule("≤0.2", lod="0.3", loq="0.5"), "<LOQ", "fail", "<LOQ"),
        (ItemRule("≤0.2", loq="0.03"), "<LOQ", "pass", "<LOQ"),
        (ItemRule("≤0.2"), "<LOQ", "not_judged", "<LOQ"),
        (ItemRule("≤0.2", lod="0.01", loq="0.03"), "0.03", "pass", "0.03"),
        (ItemRule("≤0.2", lod="0.01"), "<0.01", "pass", "<0.01"),
        (ItemRule("≤0.2", method="rounded"), "<0.25", "pass", "<0.25"),  # rounds to ≤0.2
        (ItemRule("≤0.2", method="rounded"), "<0.26", "not_judged", "<0.26"),
        (ItemRule("≥0.5"), "<0.5", "fail", "<0.5"),
        (ItemRule("不得检出"), "0.003", "fail", "0.003"),
        (ItemRule("不得检出"), "<0.01", "not_judged", "<0.01"),
        (ItemRule("不得检出", lod="0.01"), "<0.01", "pass", "<0.01"),
        (ItemRule("不得检出", lod="0.01"), "<0.02", "not_judged", "<0.02"),
        (ItemRule("不得检出"), "0", "not_judged", "0"),
        (ItemRule("不得检出"), "ND(0.01)", "pass", "未检出（检出限 0.01）"),
        (ItemRule("不得检出/25 g"), "ND", "pass", "未检出"),  # a presence test of 25 g
    ],
)
def test_detection_limits(rule: ItemRule, text: str, verdict: str, display: str) -> None:
    result = judge(rule, text)
    assert (result.verdict, result.display) == (verdict, display), result.explanation_en
    assert result.explanation_zh and result.explanation_en


def test_not_judged_always_says_why() -> None:
    result = judge(ItemRule("≤0.005", lod="0.01"), "ND")
    assert "not judged" in result.explanation_en or "cannot" in result.explanation_en
    assert "无法" in result.explanation_zh


# ------------------------------------------------------------ words and report-only


@pytest.mark.parametrize(
    ("limit", "text", "verdict"),
    [
        ("阴性", "阴性", "pass"),
        ("阴性", "阳性", "fail"),
        ("阴性", "ND", "pass"),
        ("阴性", "0.3", "not_judged"),
        ("无异物", "未检出", "pass"),
        ("无异物", "检出", "fail"),
        ("无异物", "符合", "pass"),
        ("符合GB 2760", "符合", "pass"),
        ("符合GB 2760", "不符合", "fail"),
        ("符合GB 2760", "阴性", "not_judged"),
        ("≤0.5", "阴性", "not_judged"),
        ("≤0.5", "符合", "not_judged"),
    ],
)
def test_words(limit: str, text: str, verdict: str) -> None:
    assert judge(limit, text).verdict == verdict


@pytest.mark.parametrize("text", ["12.3", "ND(0.1)", "<0.5", "阴性", "<LOQ"])
def test_report_only_is_not_judged_but_displayed(text: str) -> None:
    result = judge("实测", text)
    assert result.verdict == "not_judged" and result.report_only
    assert result.display
    assert "不作判定" in result.explanation_zh


@pytest.mark.parametrize(
    ("limit", "text"),
    [("≤0.2", "ND"), ("≤0.2", "未检出"), ("≤0.2", "<LOD"), ("不得检出", "ND"), ("实测", "ND")],
)
def test_not_detected_without_any_lod_is_refused_with_its_reason(limit: str, text: str) -> None:
    """Issue 20: a report that says 未检出 must say below what."""
    with pytest.raises(ValidationError) as caught:
        judge(limit, text)
    assert caught.value.field == "result" and caught.value.rule == "lod_required"
    assert "ND(0.01)" in str(caught.value) and "检出限" in str(caught.value)


@pytest.mark.parametrize("text", ["ND()", "ND(-0.1)", "ND(0)", "ND(abc)"])
def test_a_stated_lod_must_be_a_positive_number(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        judge(ItemRule("≤0.2"), text)
    assert caught.value.rule == "result_format"


def test_words_need_no_lod() -> None:
    assert judge("阴性", "未检出").verdict == "pass"


def test_report_only_shows_the_number() -> None:
    assert judge("报告实测值", "12.30").display == "12.30"
    assert judge(ItemRule("—", lod="0.01"), "0.001").display == "未检出（检出限 0.01）"


# ------------------------------------------------------------ rules and errors


def test_compiled_rule_is_reusable() -> None:
    compiled = compile_rule(ItemRule("≤0.2 mg/kg", lod="0.01"))
    assert compiled.limit.upper is not None and compiled.limit.upper.value == Decimal("0.2")
    assert compiled.unit == "mg/kg"
    verdicts = [compiled.judge(t) for t in ("0.1", "0.3", "ND")]
    assert [v.verdict for v in verdicts] == ["pass", "fail", "pass"]
    assert all(isinstance(v, Verdict) and v.limit == "≤0.2 mg/kg" for v in verdicts)


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (ItemRule("≤abc"), "limit"),
        (ItemRule("≤0.5", method="banker"), "method"),  # type: ignore[arg-type]
        (ItemRule("≤0.5", method="rounded", interval="0.3"), "interval"),
        (ItemRule("≤0.5", method="rounded", interval="0.1", decimals=2), "interval"),
        (ItemRule("≤0.5", decimals=-20), "decimals"),
        (ItemRule("≤0.5", lod="0"), "lod"),
        (ItemRule("≤0.5", lod="-1"), "lod"),
        (ItemRule("≤0.5", lod="x"), "lod"),
        (ItemRule("≤0.5", lod="0.1", loq="0.05"), "loq"),
        (ItemRule("≤150 μg/kg", unit="mg/L"), "unit"),
        (ItemRule("≤150 μg/kg", unit="furlongs"), "unit"),
    ],
)
def test_bad_rules_are_rejected(rule: ItemRule, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        compile_rule(rule)
    assert info.value.field == field


def test_limit_error_is_a_limit_syntax_error() -> None:
    with pytest.raises(LimitSyntaxError):
        judge("≤", "1")


def test_bad_result_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        judge("≤0.5", "zero point five")
    assert info.value.field == "result"


# ------------------------------------------------------------ conclusions


def test_conclusion_not_judged_when_a_result_is_undecidable() -> None:
    result = conclude(
        "大米", "GB 2762-2022", [("镉", judge("≤0.2", "0.1")), ("铅", judge("≤0.2", "<0.5"))]
    )
    assert result.code == "not_judged" and result.label_zh == "不判定"
    assert result.undecided_items == ("铅",)
    assert "铅" in result.sentence_zh and "不判定" in result.sentence_zh


def test_report_only_items_do_not_block_a_pass() -> None:
    result = conclude(
        "大米", "GB 2762-2022", [("镉", judge("≤0.2", "0.1")), ("水分", judge("实测", "13.2"))]
    )
    assert result.code == "pass"


def test_a_fail_wins_over_not_judged() -> None:
    result = conclude(
        "大米", "GB 2762-2022", [("镉", judge("≤0.2", "0.3")), ("铅", judge("≤0.2", "<0.5"))]
    )
    assert result.code == "fail" and result.failing_items == ("镉",)


def test_no_judged_items_is_not_a_pass() -> None:
    assert conclude("大米", "GB 2762-2022", []).code == "not_judged"
    assert conclude("大米", "GB 2762-2022", [("水分", judge("实测", "13.2"))]).code == "not_judged"


# ------------------------------------------------------------ properties

_VALUES = st.decimals(min_value=-5, max_value=50, places=4, allow_nan=False, allow_infinity=False)
_LIMITS = st.decimals(min_value=0, max_value=40, places=2, allow_nan=False, allow_infinity=False)
_STEPS = st.sampled_from([None, "0.1", "0.5", "0.02", "1", "2", "0.001"])
_DETECTION = st.sampled_from(
    [(None, None), ("0.01", None), ("0.01", "0.03"), (None, "0.5"), ("1", "3")]
)


def _rule(
    limit: str, method: str, step: str | None, detection: tuple[str | None, str | None]
) -> ItemRule:
    lod, loq = detection
    return ItemRule(limit, method=method, interval=step, lod=lod, loq=loq)  # type: ignore[arg-type]


@given(
    _LIMITS,
    _VALUES,
    st.decimals(min_value=0, max_value=20, places=3),
    st.booleans(),
    st.sampled_from(["full", "rounded"]),
    _STEPS,
    _DETECTION,
)
def test_passing_an_upper_limit_survives_a_decrease(
    limit: Decimal,
    value: Decimal,
    drop: Decimal,
    inclusive: bool,
    method: str,
    step: str | None,
    detection: tuple[str | None, str | None],
) -> None:
    compiled = compile_rule(_rule(f"{'≤' if inclusive else '<'}{limit}", method, step, detection))
    if compiled.judge(f"{value:f}").verdict == "pass":
        assert compiled.judge(f"{value - drop:f}").verdict == "pass"


@given(
    _LIMITS,
    _VALUES,
    st.decimals(min_value=0, max_value=20, places=3),
    st.booleans(),
    st.sampled_from(["full", "rounded"]),
    _STEPS,
    _DETECTION,
)
def test_passing_a_lower_limit_survives_an_increase(
    limit: Decimal,
    value: Decimal,
    rise: Decimal,
    inclusive: bool,
    method: str,
    step: str | None,
    detection: tuple[str | None, str | None],
) -> None:
    compiled = compile_rule(_rule(f"{'≥' if inclusive else '>'}{limit}", method, step, detection))
    if compiled.judge(f"{value:f}").verdict == "pass":
        assert compiled.judge(f"{value + rise:f}").verdict == "pass"


@given(_LIMITS, _VALUES, st.booleans())
def test_full_method_agrees_with_limit_contains(
    limit: Decimal, value: Decimal, upper: bool
) -> None:
    compiled = compile_rule(f"{'≤' if upper else '≥'}{limit}")
    verdict = compiled.judge(f"{value:f}").verdict
    assert verdict == ("pass" if compiled.limit.contains(value) else "fail")


@given(
    st.sampled_from(["≤0.5", "不得检出", "阴性", "实测", "4.0～7.5", "≥3"]), st.text(max_size=12)
)
def test_judge_never_crashes(limit: str, text: str) -> None:
    try:
        verdict = judge(ItemRule(limit, lod="0.01", loq="0.03"), text)
    except ValidationError as error:
        assert error.field == "result"
    else:
        assert verdict.verdict in ("pass", "fail", "not_judged")
        assert verdict.explanation_zh and verdict.explanation_en


_ANY_STEP = st.builds(
    lambda k, n: str(Decimal(k).scaleb(n).normalize()),
    st.sampled_from([1, 2, 5]),
    st.integers(min_value=-40, max_value=6),
).map(lambda text: f"{Decimal(text):f}")


@given(
    st.sampled_from(["≤", "<", "≥", ">", "="]),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=8, min_value=-(10**8), max_value=10**8
    ),
    st.one_of(st.none(), _ANY_STEP),
    st.from_regex(r"[+-]?[0-9]{1,18}(\.[0-9]{1,16})?(\((\+|-)\))?", fullmatch=True),
)
def test_rounded_method_never_crashes(op: str, limit: Decimal, step: str | None, text: str) -> None:
    rule = ItemRule(f"{op}{limit:f}", method="rounded", interval=step)
    verdict = judge(rule, text)
    assert verdict.verdict in ("pass", "fail") and verdict.rounded is not None


def test_overlong_results_are_rejected_not_crashed() -> None:
    with pytest.raises(ValidationError) as info:
        judge(ItemRule("≤0.5", method="rounded"), "9" * 200)
    assert info.value.rule == "result_length"


def test_a_missing_unit_reads_as_none() -> None:
    rule = ItemRule("≤0.5 mg/kg", unit=None)  # type: ignore[arg-type]  # a NULL column
    assert compile_rule(rule).unit == "mg/kg"


@pytest.mark.parametrize("text", [None, 0.5, ["0.5"], 5])
def test_non_text_results_are_validation_errors(text: object) -> None:
    with pytest.raises(ValidationError) as info:
        compile_rule("≤0.5").judge(text)  # type: ignore[arg-type]
    assert info.value.field == "result"


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False),
    st.builds(
        lambda k, n: f"{Decimal(k).scaleb(n):f}",
        st.sampled_from([1, 2, 5]),
        st.integers(min_value=-4, max_value=4),
    ),
)
def test_rounded_method_rounds_like_round_to_interval(value: Decimal, step: str) -> None:
    verdict = judge(ItemRule("≤0", method="rounded", interval=step), f"{value:f}")
    assert verdict.rounded == str(round_to_interval(f"{value:f}", step))


@pytest.mark.parametrize(
    ("limit", "interval", "text", "rounded", "verdict"),
    [
        ("≤840", "10", "845", "840", "pass"),
        ("≤840", "10", "846", "850", "fail"),
        ("≤800", "100", "849", "800", "pass"),
        ("≤1×10⁵", None, "149999", "100000", "pass"),
        ("≤1×10⁵", None, "150000", "200000", "fail"),
    ],
)
def test_rounded_method_with_coarse_steps(
    limit: str, interval: str | None, text: str, rounded: str, verdict: str
) -> None:
    result = judge(ItemRule(limit, method="rounded", interval=interval), text)
    assert (result.rounded, result.verdict) == (rounded, verdict)


# ------------------------------------------------------------ annotated limits

_NOTES = st.text(alphabet="PbAsCdHgNO₂干基脂肪鲜重总砷铅 ", min_size=1, max_size=6).filter(
    lambda s: s.strip() != ""
)
_LIMIT_NUMBERS = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False)


@st.composite
def _limit_expressions(draw: st.DrawFn) -> str:
    """Valid limits of every shape, as a standard would print them."""
    a, b = draw(_LIMIT_NUMBERS), draw(_LIMIT_NUMBERS)
    unit = draw(st.sampled_from(["", " mg/kg", "%", " μg/kg"]))
    shape = draw(st.integers(0, 7))
    if shape == 0:
        word = draw(st.sampled_from(["≤", "≥", "<", ">", "不大于", "不小于", "超过", "="]))
        return f"{word}{a}{unit}"
    if shape == 1:
        return f"{a}及以下{unit}" if draw(st.booleans()) else f"{a}及以上{unit}"
    if shape == 2:
        return f"{min(a, b)}～{max(a, b)}{unit}"
    if shape == 3 and a != b:
        return f"超过{min(a, b)}不足{max(a, b)}{unit}"
    if shape == 4:
        excluded = draw(st.sampled_from(["", "（不含Δ）", "(不含+Δ)", "（不含−Δ）"]))
        return f"{a}±{b + Decimal('0.01')}{unit}{excluded}"
    if shape == 5:
        return "不得检出" + draw(st.sampled_from(["", "/25 g"]))
    if shape == 6:
        return draw(st.sampled_from(["阴性", "无异物", "实测"]))
    return f"≤{a}{unit}"


_RESULTS = st.one_of(
    _LIMIT_NUMBERS.map(str),
    st.sampled_from(["ND", "未检出", "<0.01", "<LOQ", "阴性", "阳性", "检出", "0.5(+)", "无"]),
)


@given(
    _limit_expressions(),
    _NOTES,
    st.sampled_from(["（{}）", "({})", " （{}）", "（{}）ᵃ", "^b（{}）"]),
    st.sampled_from(["full", "rounded"]),
    st.sampled_from([None, "0.01"]),
    _RESULTS,
)
def test_an_annotated_limit_judges_exactly_like_the_bare_one(
    expr: str, note: str, form: str, method: str, lod: str | None, value: str
) -> None:
    annotated_text = expr + form.format("以" + note.strip() + "计")
    plain = compile_rule(ItemRule(expr, method=method, lod=lod))  # type: ignore[arg-type]
    annotated = compile_rule(ItemRule(annotated_text, method=method, lod=lod))  # type: ignore[arg-type]
    assert annotated.limit.note == "以" + note.strip() + "计"
    assert annotated.limit.bounds == plain.limit.bounds
    try:
        want = plain.judge(value)
    except ValidationError as error:
        with pytest.raises(ValidationError) as info:
            annotated.judge(value)
        assert (info.value.field, info.value.rule) == (error.field, error.rule)
        return
    got = annotated.judge(value)
    assert (got.verdict, got.compared, got.rounded, got.display, got.report_only) == (
        want.verdict,
        want.compared,
        want.rounded,
        want.display,
        want.report_only,
    )
    assert got.limit.startswith(want.limit.split("（不含")[0])


def test_the_items_unit_goes_before_the_note() -> None:
    rule = compile_rule(ItemRule("≤0.2（以Pb计）", unit="mg/kg"))
    assert rule.limit_zh == "≤0.2 mg/kg（以Pb计）"
    assert rule.limit_en == "at most 0.2 mg/kg (as Pb)"
    verdict = rule.judge("0.25")
    assert verdict.verdict == "fail" and verdict.limit == "≤0.2 mg/kg（以Pb计）"
    assert "≤0.2 mg/kg（以Pb计）" in verdict.explanation_zh


def test_a_footnote_does_not_change_the_verdict() -> None:
    for text in ("≤0.05ᵃ", "≤0.05^a", "≤0.05 a"):
        assert judge(ItemRule(text), "0.05").verdict == "pass"
        assert judge(ItemRule(text), "0.051").verdict == "fail"
