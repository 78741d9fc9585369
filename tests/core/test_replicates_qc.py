"""Replicates, QC acceptance, Westgard rules and decision rules (all exact decimals)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.core.decision import decide, expanded_u, parse_uncertainty, statement_zh
from labdesk.core.errors import ValidationError
from labdesk.core.judgement import ItemRule, compile_rule
from labdesk.core.qc import (
    blank_check,
    control_point,
    duplicate_check,
    reference_check,
    spike_check,
)
from labdesk.core.replicates import check_replicates, parse_value_list
from labdesk.core.westgard import RULES, westgard

# ----- replicates -----------------------------------------------------------------------------


def test_two_determinations_within_twenty_percent() -> None:
    check = check_replicates(["0.153", "0.161"], "20", places=3)
    assert check.mean == Decimal("0.157")
    assert check.reported == Decimal("0.157")
    assert check.difference == Decimal("0.008")
    assert check.within
    assert check.allowed == Decimal("0.0314")


def test_the_limit_itself_is_within_and_just_above_is_not() -> None:
    # mean 0.15, 20 % of it 0.03: a difference of exactly 0.03 is within.
    assert check_replicates(["0.135", "0.165"], "20").within
    assert not check_replicates(["0.1349", "0.1651"], "20").within


def test_mean_rounded_once_half_even() -> None:
    # Mean 0.1525 exactly: GB/T 8170 gives 0.152 (even), not 0.153.
    assert check_replicates(["0.152", "0.153"], places=3).reported == Decimal("0.152")
    # Three values whose mean does not terminate.
    check = check_replicates(["1", "1", "2"], places=3)
    assert check.reported == Decimal("1.333")


def test_zero_mean() -> None:
    assert check_replicates(["0", "0"], "20").within
    spread = check_replicates(["-0.1", "0.1"], "20")
    assert not spread.within
    assert spread.relative_difference is None


@pytest.mark.parametrize(
    ("values", "limit", "field", "rule"),
    [
        (["0.1"], "20", "values", "at_least_two"),
        ([], None, "values", "required"),
        (["0.1", "x"], "20", "values[1]", "decimal"),
        (["0.1", "0.2"], "0", "max_rel_diff", "positive"),
        (["0.1", "0.2"], "-5", "max_rel_diff", "positive"),
        (["1"] * 21, None, "values", "at_most"),
    ],
)
def test_replicate_refusals(values: list[str], limit: str | None, field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_replicates(values, limit)
    assert (info.value.field, info.value.rule) == (field, rule)


def test_value_lists_accept_the_usual_separators() -> None:
    assert parse_value_list("0.153;0.161") == [Decimal("0.153"), Decimal("0.161")]
    assert parse_value_list(" 1, 2；3，4  5") == [Decimal(n) for n in "12345"]
    with pytest.raises(ValidationError):
        parse_value_list(" ; ")


_decimals = st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(_decimals, min_size=2, max_size=6), st.integers(1, 50))
def test_the_check_agrees_with_exact_fractions(values: list[Decimal], percent: int) -> None:
    check = check_replicates(values, str(percent))
    mean = sum((Fraction(v) for v in values), Fraction(0)) / len(values)
    spread = Fraction(max(values)) - Fraction(min(values))
    assert check.within == (spread <= Fraction(percent, 100) * abs(mean))
    assert Fraction(check.difference) == spread


# ----- acceptance of QC samples --------------------------------------------------------------


def test_blank_below_lod() -> None:
    assert blank_check("0.004", "0.005").passed
    at = blank_check("0.005", "0.005")
    assert not at.passed
    assert "≥" in at.detail_en
    with pytest.raises(ValidationError) as info:
        blank_check("0.001", None)
    assert info.value.field == "lod"


def test_duplicate_uses_the_repeatability_limit() -> None:
    assert duplicate_check("0.150", "0.160", "20").passed
    far = duplicate_check("0.100", "0.160", "20")
    assert not far.passed
    assert far.measured > 20


def test_spike_recovery_range_includes_its_ends() -> None:
    # (0.290 − 0.100) ÷ 0.200 = 95 %
    ok = spike_check("0.290", "0.100", "0.200", "80", "120")
    assert ok.passed and ok.measured == Decimal(95)
    assert spike_check("0.260", "0.100", "0.200", "80", "120").passed  # exactly 80 %
    assert not spike_check("0.2599", "0.100", "0.200", "80", "120").passed
    assert spike_check("0.340", "0.100", "0.200", "80", "120").passed  # exactly 120 %
    assert not spike_check("0.3401", "0.100", "0.200", "80", "120").passed
    with pytest.raises(ValidationError):
        spike_check("0.3", "0.1", "0", "80", "120")
    with pytest.raises(ValidationError):
        spike_check("0.3", "0.1", "0.2", "120", "80")


def test_reference_material_within_certified_u() -> None:
    assert reference_check("0.30", "0.31", "0.02").passed
    assert reference_check("0.29", "0.31", "0.02").passed  # the end
    assert not reference_check("0.289", "0.31", "0.02").passed


# ----- Westgard -------------------------------------------------------------------------------


def _rules_at(values: list[str], mean: str = "10", sd: str = "1") -> list[tuple[str, int]]:
    return [(v.rule, v.index) for v in westgard(values, mean, sd)]


def test_the_issue_example() -> None:
    assert _rules_at(["10.2", "13.5"]) == [("1-2s", 1), ("1-3s", 1)]


def test_limits_are_strict() -> None:
    assert _rules_at(["12", "13", "8", "7"]) == [("1-2s", 1), ("1-2s", 3)]


def test_each_rule_on_its_own() -> None:
    # 2-2s although no 1-3s; R-4s on consecutive points; 4-1s with no point beyond 2 SD.
    assert ("2-2s", 1) in _rules_at(["12.1", "12.2"])
    assert ("R-4s", 1) in _rules_at(["12.1", "7.9"])
    shift = _rules_at(["11.1", "11.5", "11.2", "11.9"])
    assert shift == [("4-1s", 3)]  # caught although no point crossed 2 SD (no 1-2s gate)
    assert ("R-4s", 2) not in _rules_at(["12.1", "10", "7.9"])  # not consecutive


def test_ten_on_one_side_and_the_mean_breaks_a_run() -> None:
    ten = ["10.1"] * 10
    assert _rules_at(ten) == [("10x", 9)]
    assert _rules_at(["10.1"] * 12) == [("10x", 9), ("10x", 10), ("10x", 11)]
    assert _rules_at(["10.1"] * 5 + ["10"] + ["10.1"] * 5) == []


def test_westgard_refusals() -> None:
    with pytest.raises(ValidationError) as zero:
        westgard(["1"], "10", "0")
    assert zero.value.field == "sd"
    with pytest.raises(ValidationError) as bad:
        westgard(["1", "abc"], "10", "1")
    assert bad.value.field == "values[1]"


def _z(v: Decimal, mean: Decimal, sd: Decimal) -> Fraction:
    return (Fraction(v) - Fraction(mean)) / Fraction(sd)


def _naive(values: list[Decimal], mean: Decimal, sd: Decimal) -> set[tuple[str, int]]:
    """The rules written again from their definitions, with exact z-scores."""
    z = [_z(v, mean, sd) for v in values]
    out: set[tuple[str, int]] = set()
    for i, zi in enumerate(z):
        if abs(zi) > 2:
            out.add(("1-2s", i))
        if abs(zi) > 3:
            out.add(("1-3s", i))
        if i >= 1 and ((zi > 2 and z[i - 1] > 2) or (zi < -2 and z[i - 1] < -2)):
            out.add(("2-2s", i))
        if i >= 1 and ((zi > 2 and z[i - 1] < -2) or (zi < -2 and z[i - 1] > 2)):
            out.add(("R-4s", i))
        last4 = z[i - 3 : i + 1] if i >= 3 else []
        if last4 and (all(x > 1 for x in last4) or all(x < -1 for x in last4)):
            out.add(("4-1s", i))
        last10 = z[i - 9 : i + 1] if i >= 9 else []
        if last10 and (all(x > 0 for x in last10) or all(x < 0 for x in last10)):
            out.add(("10x", i))
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.decimals(min_value=5, max_value=15, places=2), max_size=40),
    st.decimals(min_value="0.1", max_value=3, places=2),
)
def test_westgard_agrees_with_the_definitions(values: list[Decimal], sd: Decimal) -> None:
    found = westgard(values, Decimal(10), sd)
    assert {(v.rule, v.index) for v in found} == _naive(values, Decimal(10), sd)
    assert [RULES.index(v.rule) + 10 * v.index for v in found] == sorted(
        RULES.index(v.rule) + 10 * v.index for v in found
    )


def test_control_point_fails_on_rejection_rules_only() -> None:
    ok, here = control_point(["10", "10.5"], "12.5", "10", "1")
    assert ok.passed and [v.rule for v in here] == ["1-2s"]
    bad, here = control_point(["12.2"], "12.5", "10", "1")
    assert not bad.passed and {v.rule for v in here} == {"1-2s", "2-2s"}


# ----- uncertainty and decision rules ----------------------------------------------------------


def test_uncertainty_specs() -> None:
    flat = parse_uncertainty("10%")
    assert flat is not None and flat.text == "10%"
    assert expanded_u(flat, Decimal("0.19")) == Decimal("0.019")
    levels = parse_uncertainty("≤0.1:20%; ≤1:15%; *:10%")
    assert levels is not None
    assert expanded_u(levels, Decimal("0.05")) == Decimal("0.010")
    assert expanded_u(levels, Decimal("0.5")) == Decimal("0.075")
    assert expanded_u(levels, Decimal("5")) == Decimal("0.50")
    assert parse_uncertainty("") is None
    capped = parse_uncertainty("≤1:15%")
    assert capped is not None and expanded_u(capped, Decimal("2")) is None
    for bad in ("0%", "100%", "≤1:10%; ≤0.5:20%", "*:10%; ≤1:5%", "abc"):
        with pytest.raises(ValidationError):
            parse_uncertainty(bad)


def test_guard_band_uses_the_item_rule() -> None:
    rule = compile_rule(ItemRule("≤0.2", lod="0.01"))
    assert decide(rule, "0.19", "simple", Decimal("0.019")).verdict == "pass"
    inside = decide(rule, "0.19", "guard_band", Decimal("0.019"))
    assert inside.verdict == "fail" and "保护带" in inside.explanation_zh
    assert decide(rule, "0.18", "guard_band", Decimal("0.018")).verdict == "pass"
    assert decide(rule, "0.21", "guard_band", Decimal("0.021")).verdict == "fail"
    assert decide(rule, "ND", "guard_band", Decimal("0.001")).verdict == "pass"
    assert decide(rule, "0.05", "guard_band", None).verdict == "not_judged"
    minimum = compile_rule(ItemRule("≥3.0"))
    assert decide(minimum, "3.1", "guard_band", Decimal("0.2")).verdict == "fail"
    assert decide(minimum, "3.3", "guard_band", Decimal("0.2")).verdict == "pass"
    with pytest.raises(ValidationError):
        decide(rule, "0.1", "lenient", None)
    assert "简单接受" in statement_zh("simple")
    assert "保护带" in statement_zh("guard_band", Decimal("0.019"))
