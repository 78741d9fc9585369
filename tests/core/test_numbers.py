"""The one number grammar (issue 21 item 2): exact, bounded, never a number plus a "unit"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.numbers import (
    MAX_EXPONENT,
    NumberSyntaxError,
    parse_number,
    quote,
    scan_number,
    superscript,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1e3", "1000"),
        ("2.1E4", "21000"),
        ("1E-3", "0.001"),
        ("1.6×10⁴", "16000"),
        ("1.6×10^4", "16000"),
        ("1.6x10^4", "16000"),
        ("1.6*10^-2", "0.016"),
        ("10⁴", "10000"),
        ("10^4", "10000"),
        ("-0.0365", "-0.0365"),
        ("16000", "16000"),
        ("１．５", "1.5"),
    ],
)
def test_read_exactly(text: str, value: str) -> None:
    assert parse_number(text, "value") == Decimal(value)


@pytest.mark.parametrize(
    ("text", "position"),
    [("1e999", 2), ("1e", 2), ("1e+", 3), ("1.6×10", 6), ("1.6×10^", 7), ("1.", 2), ("abc", 0)],
)
def test_refused_with_position(text: str, position: int) -> None:
    with pytest.raises(NumberSyntaxError) as info:
        parse_number(text, "value")
    assert info.value.position == position and info.value.field == "value"


def test_unit_after_e_is_not_an_exponent() -> None:
    scanned = scan_number("5EU/mL", 0, "limit")
    assert scanned.value == 5 and scanned.end == 1


def test_messages_quote_at_most_a_few_dozen_characters() -> None:
    long = "1" * 50 + "x" * 120_000
    with pytest.raises(ValidationError) as info:
        parse_number(long, "value")
    assert len(str(info.value)) < 400
    assert quote("abc") == "abc" and len(quote("a" * 1000)) < 80


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=-MAX_EXPONENT, max_value=MAX_EXPONENT),
    st.sampled_from(["e", "E", "×10^", "x10^", "×10"]),
)
def test_every_written_form_is_exact(digits: int, places: int, power: int, form: str) -> None:
    mantissa = Decimal(digits).scaleb(-places)
    written = f"{mantissa:f}"
    text = f"{written}×10{superscript(power)}" if form == "×10" else f"{written}{form}{power}"
    assert parse_number(text, "value") == mantissa.scaleb(power)


@given(st.text(max_size=30))
def test_never_crashes(text: str) -> None:
    try:
        value = parse_number(text, "value")
    except ValidationError:
        return
    assert value.is_finite() and abs(value.adjusted()) <= MAX_EXPONENT + 40
