"""Units: exact Decimal conversion; incompatible or unknown units refused naming both."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.units import _TABLE, canonical_unit, known_unit, ratio


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        ("mg/kg", "g/kg", "0.001"),
        ("g/kg", "mg/kg", "1000"),
        ("μg/kg", "mg/kg", "0.001"),
        ("ng/g", "μg/kg", "1"),
        ("mg/100g", "mg/kg", "10"),
        ("g/100g", "%", "1"),
        ("μg/L", "mg/L", "0.001"),
        ("ng/mL", "μg/L", "1"),
        ("CFU/100mL", "CFU/mL", "0.01"),
        ("ug/kg", "mg/kg", "0.001"),
        ("µg/kg", "mg/kg", "0.001"),
    ],
)
def test_exact_factors(source: str, target: str, factor: str) -> None:
    assert ratio(source, target) == Decimal(factor)


def test_same_or_empty_unit_needs_no_conversion() -> None:
    assert ratio("mg/kg", "mg/kg") is None
    assert ratio("mg / kg", "mg/kg") is None
    assert ratio("", "mg/kg") is None
    assert ratio("mg/m³", "mg/m³") is None  # unknown to the table, but the same


@pytest.mark.parametrize(
    ("source", "target", "rule"),
    [
        ("mg/kg", "mg/L", "incompatible_units"),
        ("CFU/g", "MPN/g", "incompatible_units"),
        ("CFU/g", "CFU/mL", "incompatible_units"),
        ("mg/kg", "furlongs", "unknown_unit"),
        ("x" * 100, "mg/kg", "unit_length"),
    ],
)
def test_refused_naming_both(source: str, target: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        ratio(source, target)
    assert info.value.rule == rule and info.value.field == "unit"
    if rule == "incompatible_units":
        assert source in str(info.value) and target in str(info.value)


@given(st.sampled_from(sorted(_TABLE)), st.sampled_from(sorted(_TABLE)))
def test_conversion_round_trips_exactly(a: str, b: str) -> None:
    ua, ub = known_unit(a), known_unit(b)
    assert ua is not None and ub is not None
    if ua.dimension != ub.dimension:
        with pytest.raises(ValidationError):
            ratio(a, b)
        return
    there, back = ratio(a, b) or Decimal(1), ratio(b, a) or Decimal(1)
    assert there * back == 1


@given(st.text(max_size=30))
def test_canonical_never_crashes(text: str) -> None:
    assert isinstance(canonical_unit(text), str)
