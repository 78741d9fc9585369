"""GB/T 8170 rounding: every worked example of domain.md, the rules, and a property test."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.rounding import (
    format_sig_zh,
    parse_marked,
    round_to_interval,
    round_to_sig,
)

# (value, interval, expected text) — domain.md "Numbers", in order.
DOMAIN_INTERVAL_EXAMPLES = [
    ("12.1498", "0.1", "12.1"),
    ("12.1498", "1", "12"),
    ("10.5002", "1", "11"),
    ("1.050", "0.1", "1.0"),
    ("0.35", "0.1", "0.4"),
    ("-0.0365", "0.001", "-0.036"),
    ("60.28", "0.5", "60.5"),
    ("832", "20", "840"),  # 0.2 unit of hundreds
    ("15.4546", "1", "15"),  # no successive rounding
    ("15.5(−)", "1", "15"),
    ("16.5(+)", "1", "17"),
    ("17.5", "1", "18"),
    ("60.25", "0.5", "60.0"),
    ("2.675", "0.01", "2.68"),  # "%.2f" % 2.675 gives 2.67
]

DOMAIN_SIG_EXAMPLES = [
    ("2500", 1, "2E+3", "2×10³"),
    ("3500", 1, "4E+3", "4×10³"),
]


@pytest.mark.parametrize(("value", "interval", "expected"), DOMAIN_INTERVAL_EXAMPLES)
def test_domain_examples_to_an_interval(value: str, interval: str, expected: str) -> None:
    result = round_to_interval(value, interval)
    assert str(result) == expected


@pytest.mark.parametrize(("value", "n", "expected", "pretty"), DOMAIN_SIG_EXAMPLES)
def test_domain_examples_to_significant_figures(
    value: str, n: int, expected: str, pretty: str
) -> None:
    result = round_to_sig(value, n)
    assert str(result) == expected
    assert format_sig_zh(result) == pretty
    assert result == Decimal(pretty.replace("×10³", "E+3"))


def test_binary_float_would_get_these_wrong() -> None:
    # The reason the module exists: the float answers differ from GB/T 8170's.
    assert round(0.35, 1) == 0.3
    assert round_to_interval("0.35", "0.1") == Decimal("0.4")
    assert "%.2f" % 2.675 == "2.67"  # noqa: UP031 — the printf trap domain.md names
    assert round_to_interval("2.675", "0.01") == Decimal("2.68")


@pytest.mark.parametrize(
    ("value", "interval", "expected"),
    [
        ("1.15", "0.1", "1.2"),  # 5 after odd kept digit carries
        ("1.25", "0.1", "1.2"),  # 5 after even kept digit drops
        ("1.2500", "0.1", "1.2"),  # trailing zeros after the 5 are still "exactly 5"
        ("1.2501", "0.1", "1.3"),  # any non-zero digit after the 5 carries
        ("1.24999", "0.1", "1.2"),
        ("0.0365", "0.001", "0.036"),
        ("0.0375", "0.001", "0.038"),
        ("-0.0375", "0.001", "-0.038"),
        ("-12.1498", "1", "-12"),
        ("-0.0001", "0.001", "0.000"),  # no "-0.000"
        ("60.75", "0.5", "61.0"),  # 121.5 → 122 (even) → 61.0
        ("60.74", "0.5", "60.5"),
        ("830", "20", "840"),  # 41.5 → 42
        ("850", "20", "840"),  # 42.5 → 42
        ("2.3", "0.2", "2.4"),  # 11.5 → 12
        ("2.5", "0.2", "2.4"),  # 12.5 → 12
        ("1234", "10", "1230"),
        ("1235", "10", "1240"),
        ("1245", "100", "1200"),
        ("1250", "100", "1200"),
        ("1350", "100", "1400"),
        ("5", "0.1", "5.0"),  # finer interval: places are added, value unchanged
        ("１２．１４９８", "0.1", "12.1"),  # full-width digits
        ("−0.0365", "0.001", "-0.036"),  # U+2212 minus
        ("15.5(-)", "1", "15"),
        ("15.5（－）", "1", "15"),
        ("16.5（+）", "1", "17"),
        ("16.5（＋）", "1", "17"),
        ("16.6(−)", "1", "17"),  # the mark only matters at exactly half
        ("16.4(+)", "1", "16"),
        ("-16.5(+)", "1", "-17"),  # marks speak about the absolute value
        ("-15.5(−)", "1", "-15"),
        ("60.25(+)", "0.5", "60.5"),
    ],
)
def test_rules(value: str, interval: str, expected: str) -> None:
    assert str(round_to_interval(value, interval)) == expected


def test_accepts_decimal_and_int() -> None:
    assert round_to_interval(Decimal("0.549"), Decimal("0.1")) == Decimal("0.5")
    assert str(round_to_interval(7, "0.5")) == "7.0"


@pytest.mark.parametrize(
    "interval", ["3", "0", "-1", "-0.5", "0.3", "15", "abc", "", "NaN", "1e2x"]
)
def test_invalid_interval_names_the_field(interval: str) -> None:
    with pytest.raises(ValidationError) as info:
        round_to_interval("1.23", interval)
    assert info.value.field == "interval"
    assert "interval" in str(info.value)


@pytest.mark.parametrize("value", ["", "abc", "1e-3", "1_000", "NaN", "1.2.3", "(+)", "--1", "."])
def test_invalid_value(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        round_to_interval(value, "0.1")
    assert info.value.field == "value"


def test_float_is_refused() -> None:
    with pytest.raises(ValidationError):
        round_to_interval(0.35, "0.1")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "n", "expected"),
    [
        ("12.1498", 3, "12.1"),
        ("0.0365", 2, "0.036"),
        ("-0.0365", 2, "-0.036"),
        ("9.96", 2, "10"),  # the carry adds a digit: still 2 figures
        ("0.0996", 2, "0.10"),
        ("123456", 3, "1.23E+5"),
        ("2500", 2, "2.5E+3"),
        ("2.5", 1, "2"),
        ("3.5", 1, "4"),
        ("0.000123456", 4, "0.0001235"),
        ("15.5(−)", 2, "15"),
        ("1.0", 5, "1.0000"),
    ],
)
def test_significant_figures(value: str, n: int, expected: str) -> None:
    assert str(round_to_sig(value, n)) == expected


@pytest.mark.parametrize("n", [0, -1])
def test_significant_figures_must_be_positive(n: int) -> None:
    with pytest.raises(ValidationError) as info:
        round_to_sig("1.5", n)
    assert info.value.field == "sig"


def test_parse_marked_keeps_the_mark() -> None:
    assert parse_marked("15.5(−)").mark == -1
    assert parse_marked("16.5（+）").mark == 1
    assert str(parse_marked("16.5（+）")) == "16.5(+)"
    assert parse_marked("17.5").mark == 0


_INTERVALS = st.builds(
    lambda k, n: Decimal(k).scaleb(n),
    st.sampled_from([1, 2, 5]),
    st.integers(min_value=-6, max_value=4),
)


@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9),
    interval=_INTERVALS,
)
def test_equals_half_even_on_the_scaled_value(value: Decimal, interval: Decimal) -> None:
    wide = Context(prec=200)
    steps = wide.divide(value, interval).to_integral_value(ROUND_HALF_EVEN, wide)
    expected = wide.multiply(steps, interval)
    result = round_to_interval(f"{value:f}", interval)
    assert result == expected
    # the result is written with the interval's places
    assert result.as_tuple().exponent == min(int(interval.normalize().as_tuple().exponent), 0)
