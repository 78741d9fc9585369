"""Limit expressions: every wording of GB/T 8170 §4 / domain.md, errors with positions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.limits import MAX_LIMIT_LENGTH, Limit, LimitSyntaxError, parse_limit

D = Decimal

# (text, kind, lower (value, inclusive) or None, upper or None)
INCLUSIVE_UPPER = [
    "≤5",
    "<=5",
    "≦5",
    "小于或等于5",
    "不大于5",
    "不多于5",
    "不高于5",
    "5及以下",
    "至多5",
]
INCLUSIVE_LOWER = [
    "≥5",
    ">=5",
    "≧5",
    "大于或等于5",
    "不小于5",
    "不少于5",
    "不低于5",
    "5及以上",
    "至少5",
]
EXCLUSIVE_LOWER = [">5", "＞5", "大于5", "多于5", "高于5", "超过5"]
EXCLUSIVE_UPPER = ["<5", "＜5", "小于5", "少于5", "低于5", "不足5"]


@pytest.mark.parametrize("text", INCLUSIVE_UPPER)
def test_inclusive_upper_wordings(text: str) -> None:
    limit = parse_limit(text)
    assert limit.kind == "max"
    assert limit.lower is None
    assert limit.upper is not None and limit.upper.value == D(5) and limit.upper.inclusive
    assert limit.contains(D(5)) and limit.contains(D("4.999")) and not limit.contains(D("5.001"))


@pytest.mark.parametrize("text", INCLUSIVE_LOWER)
def test_inclusive_lower_wordings(text: str) -> None:
    limit = parse_limit(text)
    assert limit.kind == "min"
    assert limit.lower is not None and limit.lower.value == D(5) and limit.lower.inclusive
    assert limit.contains(D(5)) and not limit.contains(D("4.999"))


@pytest.mark.parametrize("text", EXCLUSIVE_LOWER)
def test_exclusive_lower_wordings(text: str) -> None:
    limit = parse_limit(text)
    assert limit.kind == "min"
    assert limit.lower is not None and not limit.lower.inclusive
    assert not limit.contains(D(5)) and limit.contains(D("5.0001"))


@pytest.mark.parametrize("text", EXCLUSIVE_UPPER)
def test_exclusive_upper_wordings(text: str) -> None:
    limit = parse_limit(text)
    assert limit.kind == "max"
    assert limit.upper is not None and not limit.upper.inclusive
    assert not limit.contains(D(5)) and limit.contains(D("4.9999"))


@pytest.mark.parametrize(
    ("text", "low_in", "high_in"),
    [
        ("4.0～7.5", True, True),
        ("4.0~7.5", True, True),
        ("4.0-7.5", True, True),
        ("4.0〜7.5", True, True),
        ("4.0至7.5", True, True),
        ("从4.0到7.5", True, True),
        ("超过4.0到7.5", False, True),
        ("至少4.0不足7.5", True, False),
        ("超过4.0不足7.5", False, False),
    ],
)
def test_ranges(text: str, low_in: bool, high_in: bool) -> None:
    limit = parse_limit(text)
    assert limit.kind == "range"
    assert limit.lower is not None and limit.upper is not None
    assert (limit.lower.value, limit.upper.value) == (D("4.0"), D("7.5"))
    assert (limit.lower.inclusive, limit.upper.inclusive) == (low_in, high_in)
    assert limit.contains(D("4.0")) is low_in
    assert limit.contains(D("7.5")) is high_in
    assert limit.contains(D("6"))
    assert not limit.contains(D("3.99")) and not limit.contains(D("7.51"))
    assert limit.default_interval() == D("0.1")


@pytest.mark.parametrize(
    ("text", "low_in", "high_in"),
    [
        ("10.0±0.5", True, True),
        ("10.0±0.5（不含Δ）", False, False),
        ("10.0±0.5(不含Δ)", False, False),
        ("10.0±0.5（不含+Δ）", True, False),
        ("10.0±0.5（不含−Δ）", False, True),
        ("10.0±0.5 (不含-Δ)", False, True),
        ("10.0±0.5 mm（不含 +Δ）", True, False),
    ],
)
def test_tolerance(text: str, low_in: bool, high_in: bool) -> None:
    limit = parse_limit(text)
    assert limit.kind == "tolerance"
    assert limit.lower is not None and limit.upper is not None
    assert (limit.lower.value, limit.upper.value) == (D("9.5"), D("10.5"))
    assert (limit.lower.inclusive, limit.upper.inclusive) == (low_in, high_in)
    assert limit.contains(D("9.5")) is low_in and limit.contains(D("10.5")) is high_in
    assert limit.contains(D("10.2"))
    assert parse_limit(limit.describe_zh()).bounds == limit.bounds


def test_units_are_kept() -> None:
    assert parse_limit("≤0.2 mg/kg").unit == "mg/kg"
    assert parse_limit("≤150μg/kg").unit == "μg/kg"
    assert parse_limit("≤0.124 mg/m³").unit == "mg/m³"
    assert parse_limit("4.0～7.5 %").unit == "%"
    assert parse_limit("4.0%～7.5%").unit == "%"
    assert parse_limit("≤1×10⁵ CFU/g").unit == "CFU/g"
    limit = parse_limit("≤150μg/kg")
    assert limit.upper is not None and limit.upper.value == D(150)


def test_power_of_ten() -> None:
    limit = parse_limit("≤1×10⁵ CFU/g")
    assert limit.upper is not None and limit.upper.value == D(100000)
    assert parse_limit("≤10^3").upper.value == parse_limit("≤10³").upper.value == D(1000)  # type: ignore[union-attr]
    assert parse_limit("≤1.5×10^-2").contains(D("0.015"))


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("≤0.5", "0.1"),
        ("≤250", "1"),
        ("≤0.124 mg/m³", "0.001"),
        ("≤5.0", "0.1"),
        ("4.0～7.5", "0.1"),
        ("4～7.55", "0.01"),  # the finer of the two
        ("10±0.05", "0.01"),
    ],
)
def test_default_interval_is_the_limits_own_last_place(text: str, interval: str) -> None:
    assert parse_limit(text).default_interval() == D(interval)


@pytest.mark.parametrize(
    ("text", "basis"),
    [
        ("不得检出", ""),
        ("不得检出 /25 g", "/25 g"),
        ("不得检出/25g", "/25 g"),
        ("不得检出／25 g", "/25 g"),
    ],
)
def test_not_detected(text: str, basis: str) -> None:
    limit = parse_limit(text)
    assert limit.kind == "not_detected" and limit.is_not_detected
    assert limit.criterion == basis
    assert limit.default_interval() is None
    assert not limit.is_qualitative and not limit.is_report_only


@pytest.mark.parametrize(
    "text", ["阴性", "符合GB 2760要求", "无异物", "应无霉变", "应符合表1", "不得有异味"]
)
def test_qualitative(text: str) -> None:
    limit = parse_limit(text)
    assert limit.is_qualitative and limit.criterion == text
    with pytest.raises(ValueError):
        limit.contains(D(1))


@pytest.mark.parametrize("text", ["实测", "实测值", "报告实测值", "—", "——", "/", "-", " / ", "－"])
def test_report_only(text: str) -> None:
    limit = parse_limit(text)
    assert limit.is_report_only and limit.kind == "report_only"
    assert limit.describe_zh() == "实测" and limit.describe_en() == "report only"


def test_equal_and_negative() -> None:
    assert parse_limit("＝7.0").kind == "equal"
    assert parse_limit("=7.0").contains(D("7.00")) and not parse_limit("=7.0").contains(D("7.01"))
    assert parse_limit("-5~5").contains(D(-5))
    limit = parse_limit("−10--5")
    assert limit.lower is not None and limit.lower.value == D(-10)
    assert limit.upper is not None and limit.upper.value == D(-5)


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("不大于0.5 mg/kg", "≤0.5 mg/kg", "at most 0.5 mg/kg"),
        ("低于5", "<5", "below 5"),
        ("至少95", "≥95", "at least 95"),
        ("超过5", ">5", "above 5"),
        ("从4到7", "4～7", "from 4 to 7"),
        ("超过4到7", "超过4到7", "above 4 to 7"),
        ("至少4不足7", "至少4不足7", "from 4 below 7"),
        ("超过4不足7", "超过4不足7", "above 4 below 7"),
        ("10.0±0.5(不含Δ)", "10.0±0.5（不含Δ）", "10.0 ± 0.5 (both ends excluded)"),
        ("不得检出/25g", "不得检出/25 g", "not detected (/25 g)"),
        ("阴性", "阴性", "negative"),
    ],
)
def test_canonical_descriptions(text: str, zh: str, en: str) -> None:
    limit = parse_limit(text)
    assert limit.describe_zh() == zh
    assert limit.describe_en() == en


@pytest.mark.parametrize(
    ("text", "position", "expected_word"),
    [
        ("", 0, "limit"),
        ("≤", 1, "number"),
        ("≤abc", 1, "number"),
        ("abc", 0, "limit"),
        ("0.5", 0, "comparison"),
        ("≤0.5 mg/kg xyz", 11, "end"),
        ("5以上", 1, "及以上"),
        ("7～4", 0, "range"),
        ("10±-1", 3, "tolerance"),
        ("10±0.5(不含x)", 9, "Δ"),
        ("不得检出 abc", 5, "basis"),
        ("≤0.5.1", 1, "number"),
        ("从4", 2, "到"),
        ("4～", 2, "number"),
        ("≤1×10", 5, "power"),
        ("0.2 mg～0.3 g", 11, "same unit"),
    ],
)
def test_syntax_errors_say_where_and_what(text: str, position: int, expected_word: str) -> None:
    with pytest.raises(LimitSyntaxError) as info:
        parse_limit(text)
    error = info.value
    assert isinstance(error, ValidationError) and error.field == "limit"
    assert error.position == position
    assert expected_word in error.expected
    assert f"position {position}" in str(error) and error.expected in str(error)


def test_non_text_is_a_syntax_error() -> None:
    with pytest.raises(LimitSyntaxError):
        parse_limit(0.5)  # type: ignore[arg-type]


def test_sample_limits_from_domain_table_parse() -> None:
    for text in [
        "≤0.2",
        "≤0.05",
        "≤0.01",
        "≤250",
        "≤150",
        "≤0.124",
        "≤5.0",
        "不得检出 /25 g",
        "4.0～7.5",
        "4.0～8.5",
        "4.0～9.0",
        "≤90",
    ]:
        limit = parse_limit(text)
        assert isinstance(limit, Limit)


# ---------------------------------------------------------------- properties

_LIMIT_ALPHABET = st.sampled_from(
    [
        *list("0123456789.-+~～≤≥<>=＜＞≦≧±()（）/ %μgkmL×^³⁵"),
        "不大于",
        "不小于",
        "超过",
        "不足",
        "至少",
        "至多",
        "及以上",
        "及以下",
        "从",
        "到",
        "至",
        "不含",
        "Δ",
        "不得检出",
        "阴性",
        "实测",
        "mg/kg",
        "以上",
    ]
)


@given(st.text())
def test_parser_never_crashes_on_arbitrary_text(text: str) -> None:
    try:
        parse_limit(text)
    except LimitSyntaxError as error:
        assert 0 <= error.position <= len(text)
    except ValidationError as error:
        # The one other refusal: a text longer than any limit cell (issue 21.2).
        assert (error.field, error.rule) == ("limit", "limit_length")
        assert len(text) > MAX_LIMIT_LENGTH


@given(st.lists(_LIMIT_ALPHABET, max_size=8).map("".join))
def test_parser_never_crashes_on_limit_like_text(text: str) -> None:
    try:
        limit = parse_limit(text)
    except LimitSyntaxError as error:
        assert 0 <= error.position <= len(text)
    else:
        again = parse_limit(limit.describe_zh())  # canonical text reads back the same
        assert (again.kind, again.bounds, again.unit) == (limit.kind, limit.bounds, limit.unit)


_NUMBERS = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False)


@given(_NUMBERS, _NUMBERS, st.booleans(), st.booleans(), _NUMBERS)
def test_range_contains_matches_its_bounds(
    a: Decimal, b: Decimal, low_in: bool, high_in: bool, x: Decimal
) -> None:
    low, high = min(a, b), max(a, b)
    if low == high:
        return
    first = "至少" if low_in else "超过"
    second = "到" if high_in else "不足"
    limit = parse_limit(f"{first}{low}{second}{high}")
    above = x > low or (low_in and x == low)
    below = x < high or (high_in and x == high)
    assert limit.contains(x) is (above and below)


@pytest.mark.parametrize("text", ["≤1×10^9999999", "≤1×10^-31", "≤10^99"])
def test_absurd_powers_of_ten_are_syntax_errors(text: str) -> None:
    with pytest.raises(LimitSyntaxError) as info:
        parse_limit(text)
    assert "power of ten" in info.value.expected


def test_full_width_limits_describe_in_ascii() -> None:
    limit = parse_limit("≤０．５　ｍｇ/ｋｇ")
    assert limit.describe_zh() == "≤0.5 mg/kg"
    assert limit.upper is not None and limit.upper.value == D("0.5")


# ---------------------------------------------------------------- annotations

# (text, the same limit without annotations, unit, note, footnote, canonical Chinese)
ANNOTATED = [
    ("≤0.2（以Pb计）", "≤0.2", "", "以Pb计", "", "≤0.2（以Pb计）"),
    ("≤0.2(以Pb计)", "≤0.2", "", "以Pb计", "", "≤0.2（以Pb计）"),
    ("≤0.5 mg/kg（以As计）", "≤0.5 mg/kg", "mg/kg", "以As计", "", "≤0.5 mg/kg（以As计）"),
    ("≤10（以干基计）", "≤10", "", "以干基计", "", "≤10（以干基计）"),
    ("≤1.0 （以脂肪计）", "≤1.0", "", "以脂肪计", "", "≤1.0（以脂肪计）"),
    ("不大于0.5（以Ｐｂ计）", "≤0.5", "", "以Pb计", "", "≤0.5（以Pb计）"),
    ("4.0～7.5 (以干基计)", "4.0～7.5", "", "以干基计", "", "4.0～7.5（以干基计）"),
    ("≤0.05ᵃ", "≤0.05", "", "", "a", "≤0.05ᵃ"),
    ("≤0.05^a", "≤0.05", "", "", "a", "≤0.05ᵃ"),
    ("≤0.05 a", "≤0.05", "", "", "a", "≤0.05ᵃ"),
    ("≤0.05a", "≤0.05", "", "", "a", "≤0.05ᵃ"),  # ᵃ pasted from a PDF
    ("≤5 kPa", "≤5 kPa", "kPa", "", "", "≤5 kPa"),  # a unit ending in a keeps it
    ("≤0.05 mg/kg b", "≤0.05 mg/kg", "mg/kg", "", "b", "≤0.05 mg/kgᵇ"),
    ("≤0.05 mg/kgᶜ", "≤0.05 mg/kg", "mg/kg", "", "c", "≤0.05 mg/kgᶜ"),
    ("≤0.05^A", "≤0.05", "", "", "A", "≤0.05^A"),
    ("≤0.05¹", "≤0.05", "", "", "1", "≤0.05 ^1"),
    ("≤0.05^2", "≤0.05", "", "", "2", "≤0.05 ^2"),
    ("≤10 ^2", "≤10", "", "", "2", "≤10 ^2"),  # a space: not the power 10^2
    ("≤10 ¹", "≤10", "", "", "1", "≤10 ^1"),
    ("≤10ᵃ", "≤10", "", "", "a", "≤10ᵃ"),
    ("≤0.2（以Pb计）ᵃ", "≤0.2", "", "以Pb计", "a", "≤0.2（以Pb计）ᵃ"),
    ("≤0.2ᵃ（以Pb计）", "≤0.2", "", "以Pb计", "a", "≤0.2（以Pb计）ᵃ"),
    ("10.0±0.5（不含Δ）（以干基计）", "10.0±0.5（不含Δ）", "", "以干基计", "", None),
    ("阴性（以25 g计）", "阴性", "", "以25 g计", "", "阴性（以25 g计）"),
]


@pytest.mark.parametrize(("text", "plain", "unit", "note", "footnote", "zh"), ANNOTATED)
def test_annotations_are_kept_and_do_not_change_the_limit(
    text: str, plain: str, unit: str, note: str, footnote: str, zh: str | None
) -> None:
    limit, bare = parse_limit(text), parse_limit(plain)
    assert (limit.kind, limit.bounds, limit.unit) == (bare.kind, bare.bounds, unit)
    assert (limit.note, limit.footnote) == (note, footnote)
    assert limit.text == text  # what was typed is kept whole
    if zh is not None:
        assert limit.describe_zh() == zh
    assert limit.describe_zh().startswith(bare.describe_zh())
    again = parse_limit(limit.describe_zh())
    assert (again.kind, again.bounds, again.unit, again.note, again.footnote) == (
        limit.kind,
        limit.bounds,
        limit.unit,
        limit.note,
        limit.footnote,
    )


@pytest.mark.parametrize(
    ("text", "en"),
    [
        ("≤0.2（以Pb计）", "at most 0.2 (as Pb)"),
        ("≤0.5 mg/kg（以As计）", "at most 0.5 mg/kg (as As)"),
        ("≤10（以干基计）", "at most 10 (on a dry basis)"),
        ("≤1.0（以脂肪计）", "at most 1.0 (on a fat basis)"),
        ("≤3（以鲜重计）", "at most 3 (以鲜重计)"),  # no translation invented
        ("≤0.05ᵃ", "at most 0.05 [note a]"),
    ],
)
def test_annotations_in_english(text: str, en: str) -> None:
    assert parse_limit(text).describe_en() == en


@pytest.mark.parametrize("text", ["10.0±0.5（不含Δ）", "10.0±0.5(不含+Δ)", "10.0±0.5 （不含−Δ）"])
def test_tolerance_exclusions_are_not_notes(text: str) -> None:
    limit = parse_limit(text)
    assert limit.kind == "tolerance" and limit.excluded and limit.note == ""


@pytest.mark.parametrize("text", ["不得检出（/25 g）", "不得检出 (/25g)", "不得检出/25 g"])
def test_not_detected_basis_in_brackets_is_the_basis(text: str) -> None:
    limit = parse_limit(text)
    assert limit.is_not_detected and limit.criterion == "/25 g" and limit.note == ""
    assert limit.describe_zh() == "不得检出/25 g"


def test_not_detected_with_a_note_and_footnote() -> None:
    limit = parse_limit("不得检出（以沙门氏菌计）ᵃ")
    assert limit.is_not_detected and limit.criterion == ""
    assert (limit.note, limit.footnote) == ("以沙门氏菌计", "a")


@pytest.mark.parametrize(
    ("text", "kept"),
    [("≤10³", "1E+3"), ("≤1×10^3", "1E+3"), ("≤10^2", "1E+2"), ("≤1×10⁵ CFU/g", "1E+5")],
)
def test_powers_of_ten_are_not_footnotes(text: str, kept: str) -> None:
    limit = parse_limit(text)
    assert limit.upper is not None and limit.upper.value == D(kept) and limit.footnote == ""


def test_superscript_digits_in_a_unit_are_not_footnotes() -> None:
    limit = parse_limit("≤0.124 mg/m³")
    assert limit.unit == "mg/m³" and limit.footnote == ""


@pytest.mark.parametrize(
    ("text", "position", "expected_word"),
    [
        ("≤0.2（以Pb计", 4, "end"),  # unclosed bracket
        ("≤0.2（）", 4, "end"),  # empty note
        ("≤0.5(+)", 4, "end"),  # not words: no note
        ("≤0.2（以Pb计）（以As计）", 4, "end"),  # one note only
        ("（以Pb计）", 0, "limit"),  # a note with no limit
        ("ᵃ", 0, "limit"),
        ("≤（以Pb计）", 1, "number"),
        ("≤0.05ᵃᵇᶜᵈ", 5, "footnote"),  # at most three marks; ᵃ is never a unit
        ("≤0.05^abcd", 5, "end"),
        ("≤10^99", 4, "power"),  # after 10 a raised number is a power, not a footnote
        ("≤10⁹⁹", 3, "power"),
        ("10±0.5(不含x)（以干基计）", 9, "Δ"),
        ("0.5（以Pb计）", 0, "comparison"),
    ],
)
def test_bad_annotations_are_syntax_errors(text: str, position: int, expected_word: str) -> None:
    with pytest.raises(LimitSyntaxError) as info:
        parse_limit(text)
    assert info.value.position == position
    assert expected_word in info.value.expected


_ANNOTATION_ALPHABET = st.sampled_from(
    [
        *list("0123456789.≤≥<~±()（）/ ^aAbcᵃᵇ¹³ "),
        "以Pb计",
        "以干基计",
        "不含Δ",
        "不得检出",
        "阴性",
        "mg/kg",
        "×10",
    ]
)


@given(st.lists(_ANNOTATION_ALPHABET, max_size=10).map("".join))
def test_parser_never_crashes_on_annotation_like_text(text: str) -> None:
    try:
        limit = parse_limit(text)
    except LimitSyntaxError as error:
        assert 0 <= error.position <= len(text)
    else:
        again = parse_limit(limit.describe_zh())
        assert (again.kind, again.bounds, again.unit, again.note, again.footnote) == (
            limit.kind,
            limit.bounds,
            limit.unit,
            limit.note,
            limit.footnote,
        )
