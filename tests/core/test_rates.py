"""The Wilson interval and the few-samples rule (core.rates)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.rates import MIN_SAMPLES, few_samples, wilson_interval, wilson_percent


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    # Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no correction).
    [
        (81, 263, "0.2553", "0.3662"),
        (15, 148, "0.0624", "0.1605"),
        (0, 20, "0.0000", "0.1611"),
        (1, 29, "0.0061", "0.1718"),
    ],
)
def test_published_values(k: int, n: int, low: str, high: str) -> None:
    interval = wilson_interval(k, n)
    assert interval is not None
    assert (round(interval[0], 4), round(interval[1], 4)) == (Decimal(low), Decimal(high))


def test_one_failing_sample_is_not_a_certain_zero() -> None:
    assert wilson_percent(0, 1) == (Decimal("0.00"), Decimal("79.35"))
    assert wilson_percent(1, 1) == (Decimal("20.65"), Decimal("100.00"))
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_the_minimum() -> None:
    assert MIN_SAMPLES == 10
    assert few_samples(9) and not few_samples(10) and few_samples(10, minimum=20)


def _exact_bounds(k: int, n: int) -> tuple[Fraction, Fraction]:
    """The same formula with exact fractions, the square root to 50 digits."""
    from decimal import Context

    z = Fraction("1.959963984540054")
    p = Fraction(k, n)
    z2 = z * z
    d = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / d
    inside = p * (1 - p) / n + z2 / (4 * n * n)
    ctx = Context(prec=50)
    root = Fraction(ctx.sqrt(ctx.divide(Decimal(inside.numerator), Decimal(inside.denominator))))
    half = z * root / d
    return max(Fraction(0), centre - half), min(Fraction(1), centre + half)


@given(st.integers(1, 100_000), st.data())
def test_agrees_with_exact_arithmetic_and_contains_the_rate(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    interval = wilson_interval(k, n)
    assert interval is not None
    low, high = interval
    exact_low, exact_high = _exact_bounds(k, n)
    assert abs(Fraction(low) - exact_low) < Fraction(1, 10**30)
    assert abs(Fraction(high) - exact_high) < Fraction(1, 10**30)
    assert 0 <= low <= Fraction(k, n) <= high <= 1
    percent = wilson_percent(k, n)
    assert percent is not None
    assert percent[0] <= low * 100 and high * 100 <= percent[1]  # rounded outwards
