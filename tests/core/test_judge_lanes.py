"""The lanes of `CompiledRule.judge` (plain digits, ``<x``, ``ND(x)``, rounded, converted)
give exactly what the general reader gives: every field, explanations included."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.core import item_kinds
from labdesk.core.entries import parse_entry
from labdesk.core.errors import ValidationError
from labdesk.core.judgement import CompiledRule, ItemRule, compile_rule
from labdesk.core.verdicts import Verdict

FIELDS = (
    "verdict",
    "compared",
    "rounded",
    "display",
    "explanation_zh",
    "explanation_en",
    "limit",
    "report_only",
    "units",
    "components",
    "converted",
    "pending",
)

# One of each shape a lane specialises on, and the shapes that go to the general path.
RULES = [
    ItemRule("≤0.2", lod="0.005", loq="0.015", unit="mg/kg"),
    ItemRule("<0.5"),
    ItemRule("≥0.5", lod="0.1"),
    ItemRule(">0.5"),
    ItemRule("4.0～7.5"),
    ItemRule("10.0±0.5（不含Δ）"),
    ItemRule("≤0.5 mg/kg", method="rounded"),
    ItemRule("4.0～7.5", method="rounded"),
    ItemRule("≥3.0", method="rounded", interval="0.1"),
    ItemRule("0.5～1.5", method="rounded", interval="0.2"),
    ItemRule("≤0.5", method="rounded", interval="0.5"),
    ItemRule("≤0.5", method="rounded", decimals=2, lod="0.01"),
    ItemRule("≤0.5", factor="1"),
    ItemRule("≤0.5", factor="0.847", lod="0.01"),
    ItemRule("≤1.0 g/kg", unit="mg/kg"),
    ItemRule("≤1.0 g/kg", unit="mg/kg", method="rounded"),
    ItemRule("≤0.2 mg/kg", unit="μg/kg", lod="5", loq="15"),
    ItemRule("≤0.5", screening=True, lod="0.01"),
    ItemRule("≤100 CFU/g", rounding="gb4789.2"),
    ItemRule("不得检出/25 g"),
    ItemRule("不得检出", lod="0.01"),
    ItemRule("不得使用", lod="0.005", unit="g/kg"),
    ItemRule("阴性"),
    ItemRule("按生产需要适量使用"),
]
COMPILED = [compile_rule(rule) for rule in RULES]


def fields(verdict: Verdict) -> tuple[Any, ...]:
    return tuple(getattr(verdict, name) for name in FIELDS)


def reference(rule: CompiledRule, text: str) -> Verdict:
    """The general reader: parse the entry, judge it (and a screening value above its
    limit needs the confirmatory test, as `judge` says)."""
    verdict = rule.judge_entry(parse_entry(text))
    if rule.rule.screening and verdict.verdict == "fail":
        verdict = item_kinds.needs_confirmation(verdict)
    return verdict


def outcome(fn: Any, *args: Any) -> tuple[Any, ...]:
    try:
        return fields(fn(*args))
    except ValidationError as error:
        return ("error", error.field, error.rule)


_digits = st.text("0123456789", min_size=1, max_size=8)
# Digits with at most one point, as typed: "0.052", "05", ".5", "5.", "00.50".
_plain = st.one_of(
    _digits,
    st.builds(lambda a, b: f"{a}.{b}", _digits, _digits),
    st.builds(lambda a: f".{a}", _digits),
    st.builds(lambda a: f"{a}.", _digits),
    st.decimals(min_value=0, max_value=1000, places=6, allow_nan=False).map(lambda d: f"{d:f}"),
)
_texts = st.one_of(
    _plain,
    _plain.map(lambda t: "<" + t),
    _plain.map(lambda t: f"ND({t})"),
    st.sampled_from(["ND", "未检出", "<LOD", "<LOQ", "阴性", "检出", "符合", "5.5(+)", "1.2.3"]),
)


@settings(max_examples=400, deadline=None)
@given(st.integers(0, len(RULES) - 1), _texts)
def test_the_lanes_give_what_the_general_reader_gives(index: int, text: str) -> None:
    fresh = compile_rule(RULES[index])
    assert outcome(fresh.judge, text) == outcome(reference, COMPILED[index], text)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(RULES) - 1), st.lists(_plain, min_size=1, max_size=4).map("+".join))
def test_a_sum_of_plain_numbers_is_judged_as_item_kinds_judges_it(index: int, text: str) -> None:
    fresh = compile_rule(RULES[index])
    assert outcome(fresh.judge, text) == outcome(COMPILED[index]._judge_general, text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(RULES) - 1), _texts)
def test_a_repeated_text_gets_the_same_verdict(index: int, text: str) -> None:
    rule = COMPILED[index]
    assert outcome(rule.judge, text) == outcome(rule.judge, text)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, len(RULES) - 1),
    st.lists(st.decimals(min_value=0, max_value=10, places=3), min_size=2, max_size=3),
)
def test_a_converted_sum_says_what_the_general_conversion_says(
    index: int, parts: list[Decimal]
) -> None:
    rule = COMPILED[index]
    if rule._scale is None or rule._colony or rule.rule.screening:
        return
    text = "+".join(f"{part:f}" for part in parts)
    total = sum(parts, Decimal(0))
    said = "+".join(str(Decimal(f"{part:f}")) for part in parts)
    general = fields(item_kinds.judge_scaled(rule, total, 0, f"{said}={total:f}"))
    components = tuple(f"{part:f}" for part in parts)
    assert fields(compile_rule(RULES[index]).judge(text)) == (
        *general[:9],
        components,
        *general[10:],
    )


# What the judgement said before the lanes (the general path of 3 December 2026, every
# field), for entries the lanes now take: pinned, so that the two paths cannot drift
# together. Each line: the ItemRule's fields, the text, the verdict's fields (FIELDS).
PINNED = json.loads((Path(__file__).parent / "judge_pins.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("rule", "text", "expected"), PINNED)
def test_pinned_words(rule: dict[str, Any], text: str, expected: list[Any]) -> None:
    want = tuple(tuple(x) if isinstance(x, list) else x for x in expected)
    assert outcome(compile_rule(ItemRule(**rule)).judge, text) == want
    if "+" not in text:  # a sum is no entry of its own
        assert outcome(reference, compile_rule(ItemRule(**rule)), text) == want
