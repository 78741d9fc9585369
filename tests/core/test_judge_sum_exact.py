"""A sum is judged on its exact total, however many digits its components carry.

The thread's 28-digit decimal context rounded 0.1000000000000000000000000000001+0.2 to 0.3,
so a total above ≤0.3 passed and one below <0.3 failed; the same for a 以…计 factor
multiplied by a unit ratio. Each path (`judge`, the per-rule lanes, the batch columns)
must compare the exact value."""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.core.judgement import ItemRule, compile_rule, judge, judge_many

# Up to 37 characters a component (the grammar's bound is 40), so the total needs more
# digits than the 28 of the thread's context.
_components = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=30).map(lambda d: f"{d:f}"),
    min_size=2,
    max_size=4,
)


def test_a_long_sum_just_above_the_limit_fails() -> None:
    text = "0.1000000000000000000000000000001+0.2"
    verdict = judge(ItemRule("≤0.3"), text)
    assert verdict.verdict == "fail"
    assert verdict.compared == "0.3000000000000000000000000000001"
    assert judge_many(compile_rule(ItemRule("≤0.3")), [text]).codes == ["fail"]


def test_a_long_sum_just_below_the_limit_passes() -> None:
    text = "0.0999999999999999999999999999999+0.2"
    assert judge(ItemRule("<0.3"), text).verdict == "pass"
    assert judge_many(compile_rule(ItemRule("<0.3")), [text]).codes == ["pass"]


def test_a_component_longer_than_any_entry_is_refused_as_an_entry_is() -> None:
    import pytest

    from labdesk.core.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        judge(ItemRule("≤0.3"), "0." + "1" * 150 + "+0.2")
    assert refused.value.rule == "result_length"


def test_a_long_factor_times_a_unit_ratio_is_exact() -> None:
    # 0.001 mg/kg × 1000 (→ μg/kg) × 0.1000000000000000000000000000001 (以…计) is just above
    # 0.1 μg/kg; a scale rounded to 28 digits made it 0.1 exactly, a pass.
    rule = ItemRule("≤0.1 μg/kg", unit="mg/kg", factor="0.1000000000000000000000000000001")
    assert judge(rule, "0.001").verdict == "fail"
    assert judge_many(compile_rule(rule), ["0.001"]).codes == ["fail"]


@settings(max_examples=300, deadline=None)
@given(_components, st.integers(2, 27), st.booleans())
def test_every_path_compares_the_exact_total(parts: list[str], keep: int, below: bool) -> None:
    text = "+".join(parts)
    with localcontext(Context(prec=200, traps=[Inexact])):  # the exact total
        total = sum((Decimal(p) for p in parts), Decimal(0))
    exact = f"{total:f}"
    # A limit a hair away from the total: its first digits, so the two differ only in the
    # digits a 28-digit context drops.
    limit = Decimal(exact[: keep + 1].rstrip("."))
    if below:
        limit = limit.next_minus() if limit > 0 else limit
    expected = "pass" if total <= limit else "fail"
    rule = ItemRule(f"≤{limit:f}")
    assert judge(rule, text).verdict == expected
    assert compile_rule(rule).judge(text).verdict == expected
    assert judge_many(compile_rule(rule), [text, text]).codes == [expected, expected]
