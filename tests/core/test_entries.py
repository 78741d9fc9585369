"""Reading what a technician types as a result."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.entries import parse_entry
from labdesk.core.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "value", "mark"),
    [
        ("0.549", "0.549", 0),
        ("-0.0365", "-0.0365", 0),
        ("−0.0365", "-0.0365", 0),
        ("+2", "2", 0),
        ("１２．５", "12.5", 0),
        (" 0.50 ", "0.50", 0),
        ("15.5(+)", "15.5", 1),
        ("15.5(-)", "15.5", -1),
        ("15.5(−)", "15.5", -1),
        ("15.5（－）", "15.5", -1),
        ("16.5（+）", "16.5", 1),
    ],
)
def test_numbers(text: str, value: str, mark: int) -> None:
    entry = parse_entry(text)
    assert entry.kind == "number"
    assert entry.value == Decimal(value) and str(entry.value) == value
    assert entry.mark == mark
    assert entry.text == text  # the original is kept


@pytest.mark.parametrize("text", ["ND", "nd", "N.D.", "n.d.", "未检出", " ND "])
def test_not_detected(text: str) -> None:
    entry = parse_entry(text)
    assert entry.kind == "not_detected" and entry.text == text
    assert entry.normalized == "未检出"


@pytest.mark.parametrize(
    ("text", "value"), [("<0.01", "0.01"), ("＜0.01", "0.01"), ("< 0.5", "0.5")]
)
def test_below_a_stated_value(text: str, value: str) -> None:
    entry = parse_entry(text)
    assert entry.kind == "below" and entry.value == Decimal(value)
    assert entry.normalized == f"<{value}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("<LOD", "below_lod"),
        ("<lod", "below_lod"),
        ("＜LOD", "below_lod"),
        ("<LOQ", "below_loq"),
        ("<loq", "below_loq"),
        ("<检出限", "below_lod"),
        ("<定量限", "below_loq"),
    ],
)
def test_below_method_limits(text: str, kind: str) -> None:
    assert parse_entry(text).kind == kind


@pytest.mark.parametrize("word", ["阴性", "阳性", "检出", "符合", "不符合"])
def test_words(word: str) -> None:
    entry = parse_entry(word)
    assert entry.kind == "word" and entry.word == word


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "required"),
        ("   ", "required"),
        ("abc", "result_format"),
        ("1e999", "number_syntax"),
        ("1e", "number_syntax"),
        ("0.5 mg/kg", "result_format"),
        ("<0", "result_format"),
        ("<-1", "result_format"),
        ("≤0.1", "result_format"),
        ("(+)", "result_format"),
        ("1.2.3", "result_format"),
        (".", "result_format"),
        ("NaN", "result_format"),
        ("Infinity", "result_format"),
        ("1_000", "result_format"),
        ("合格", "result_format"),
    ],
)
def test_rejected_with_a_bilingual_message(text: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_entry(text)
    error = info.value
    assert error.field == "result" and error.rule == rule
    message = str(error)
    assert "Accepted" in message and "ND" in message and "<LOQ" in message  # English
    assert "可填写" in message and "未检出" in message  # Chinese


@given(st.text())
def test_never_crashes(text: str) -> None:
    try:
        entry = parse_entry(text)
    except ValidationError as error:
        assert error.field == "result"
    else:
        assert entry.text == text
        if entry.kind in ("number", "below"):
            assert entry.value is not None and entry.value.is_finite()


@pytest.mark.parametrize(
    ("text", "lod"),
    [("ND(0.01)", "0.01"), ("未检出（0.005）", "0.005"), ("nd (2)", "2"), ("N.D.(0.10)", "0.10")],
)
def test_not_detected_with_its_detection_limit(text: str, lod: str) -> None:
    entry = parse_entry(text)
    assert entry.kind == "not_detected" and entry.value == Decimal(lod)
    assert entry.normalized == f"ND({lod})"


@given(
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("10000"), places=4),
    st.sampled_from(["ND", "nd", "未检出", "N.D."]),
)
def test_any_positive_stated_lod_reads_back(value: Decimal, word: str) -> None:
    entry = parse_entry(f"{word}({value:f})")
    assert entry.kind == "not_detected" and entry.value == value
