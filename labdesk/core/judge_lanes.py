"""The lanes of `CompiledRule.judge`: one closure per compiled rule for the entries that
most results are, everything else left to the rule's general path.

Most typed results are ASCII digits with at most one point (0.052), and the rest mostly
``<x`` and ``ND(x)``. For these a lane goes straight to the verdict: no entry object, no
dispatch on what the rule is (the closure is made for this rule's shape, its fields bound
as the closure's own), explanations left to build when read (`core.verdict_words`).
`CompiledRule._judge_general` is the reference: tests/core/test_judge_lanes.py holds the
lanes equal to it on every field, and pins outputs of the code before the lanes.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Context, Decimal, getcontext
from typing import Any, Protocol

from labdesk.core.entries import MAX_LENGTH
from labdesk.core.item_kinds import MAX_COMPONENTS, judge_plan_text
from labdesk.core.item_kinds import CompiledRule as PlanRule
from labdesk.core.numbers import WIDE, plain
from labdesk.core.plans import SamplingPlan
from labdesk.core.verdicts import Building, Verdict, VerdictCode

__all__ = ["MEMO_SIZE", "LaneRule", "canonical", "lanes"]

MEMO_SIZE = 4096  # verdicts remembered per compiled rule (see `lanes`)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_new_building = object.__new__


class LaneRule(PlanRule, Protocol):
    """What the lanes read of a `core.judgement.CompiledRule` when it compiles (a Protocol
    here, so that this module does not import judgement back)."""

    limit_zh: str
    _fast: bool
    _floor: Decimal | None
    _scale: Decimal | None
    _screening: bool
    _plan: SamplingPlan | None
    _unscaled_full: bool
    _step_is_power: bool
    _quantum: Decimal | None
    _ctx: Context
    _plain_whys: tuple[tuple[VerdictCode, tuple[Any, ...]], ...]
    _rounded_whys: tuple[tuple[VerdictCode, tuple[Any, ...]], ...]
    _below_whys: dict[str, tuple[Any, ...]]
    _converted_whys: tuple[tuple[VerdictCode, tuple[Any, ...]], ...]
    _conv: tuple[str, str, str, str]
    _kind: str
    _numeric: bool
    _step: Decimal | None
    _up: Decimal | None
    _lo: Decimal | None

    _fails: Callable[[Decimal], bool]

    def _judge_general(self, text: str) -> Verdict: ...
    def _below_floor(self, text: str, value: Decimal) -> Verdict: ...
    def _judge_plain(self, value: Decimal, shown: str | None = None) -> Verdict: ...
    def _judge_plain_scaled(self, value: Decimal, shown: str | None = None) -> Verdict: ...
    def _judge_span(
        self, low: Decimal, high: Decimal, display: str, compared: str, said: Any = None
    ) -> Verdict: ...
    def _judge_stated_lod(self, stated: Decimal, digits: str | None = None) -> Verdict: ...
    def _span_code(self, low: Decimal, high: Decimal, closed_high: bool) -> VerdictCode: ...
    def judge_value(
        self, value: Decimal, said: str, components: tuple[str, ...] = ()
    ) -> Verdict: ...


def canonical(digits: str) -> bool:
    """Whether digits with at most one point are already their value's plain form: no
    trailing point, and no leading zero or point unless "0." begins it."""
    return digits[-1] != "." and (digits[1:2] == "." or "0" != digits[0] != ".")


def lanes(rule: LaneRule) -> Callable[[str], Verdict]:
    """The `CompiledRule.judge` of one rule: a closure with what the rule's commonest
    entries need bound as its own variables, made once when the rule compiles.

    Most typed results are ASCII digits with at most one point (0.052), and the rest
    mostly ``<x`` and ``ND(x)``; for these the closure goes straight to the verdict —
    no entry object, no dispatch on what the rule is, explanations left to build when
    read — and everything else goes to `CompiledRule._judge_general`, which is the
    reference: tests/core/test_judge_lanes.py holds the two equal on every field.
    """
    general = rule._judge_general
    if rule._screening:
        return general  # a screening verdict is rewritten after judging
    memo: dict[str, Verdict] = {}
    memo_get = memo.get
    if rule._plan is not None:
        return _plan_lane(rule, general, memo)
    span = rule._judge_span
    stated_lod = rule._judge_stated_lod
    numeric = rule._fast
    floor = rule._floor
    below_floor = rule._below_floor
    number = rule._judge_plain if rule._scale is None else rule._judge_plain_scaled
    whys = rule._plain_whys
    fails = rule._fails
    limit_zh = rule.limit_zh
    new = _new_building

    span_code = rule._span_code
    below_whys = rule._below_whys
    plain_span = numeric and rule._unscaled_full
    # [0, x) against an upper limit above 0 alone: passes when x is at most the limit
    # (open at x, so x = a "<" limit passes too), else it is not judged (`_span_code`).
    below_up = rule._up if plain_span and rule._lo is None and rule._up else None
    judge_value = rule.judge_value
    sums = rule._numeric or rule._kind == "report_only"  # else refused on the general path
    # Plain components of a text of n characters add up to at most n digits: within the
    # thread's precision their `+=` is exact; a longer sum goes to `judge_sum`'s exact add.
    sum_room = getcontext().prec

    def bounds(text: str) -> Verdict:
        """``<x``, ``ND(x)`` (x > 0) and a sum of plain numbers in ASCII; else the
        general path."""
        first = text[0]
        if first == "<":
            rest = text[1:]
            if rest and rest.replace(".", "", 1).isdigit():
                bound = Decimal(rest)
                if bound:
                    said = text if canonical(rest) else "<" + plain(bound)
                    if not plain_span:
                        return span(_ZERO, bound, said, said)
                    # `_judge_span` of [0, x) against a full-value numeric limit.
                    built: Any = new(Building)
                    if below_up is not None:
                        code: VerdictCode = "pass" if bound <= below_up else "not_judged"
                    else:
                        code = span_code(_ZERO, bound, False)
                    built.verdict = code
                    built.compared = built.display = said
                    built._why = below_whys[code]
                    built.limit = limit_zh
                    built.__class__ = Verdict
                    return built
        elif first == "N":
            if text[:3] == "ND(" and text[-1] == ")":
                inner = text[3:-1]
                if inner and inner.replace(".", "", 1).isdigit():
                    stated = Decimal(inner)
                    if stated:
                        return stated_lod(stated, inner if canonical(inner) else None)
        elif sums and "+" in text and first != "+" and len(text) <= sum_room:
            parts = text.split("+")
            if len(parts) <= MAX_COMPONENTS:
                # `item_kinds.judge_sum` for plain components: the same sum, the same words.
                total = _ZERO
                shown = []
                for part in parts:
                    if not part or part[0] == "." or not part.replace(".", "", 1).isdigit():
                        return general(text)
                    value = Decimal(part)
                    total += value
                    shown.append(
                        part  # `canonical`, written out
                        if part[-1] != "." and (part[1:2] == "." or part[0] != "0")
                        else plain(value)
                    )
                return judge_value(total, "+".join(shown) + "=" + plain(total), tuple(parts))
        return general(text)

    # The memo (`memo` above): verdicts are immutable and depend only on the rule and the
    # text, and lab results repeat (three significant figures, the same blanks and NDs), so
    # each rule keeps its last `MEMO_SIZE` verdicts by text (emptied when full). It is
    # written into each lane below, not wrapped around them: a wrapping call cost distinct
    # values twice what the look-up and the store do (docs/performance.md).

    if numeric and rule._scale is None and rule._step_is_power:
        quantum, context, rounded_whys = rule._quantum, rule._ctx, rule._rounded_whys
        assert quantum is not None

        def judge_rounded(text: str) -> Verdict:
            try:
                verdict = memo_get(text)
            except TypeError:  # unhashable, so not text: refused there
                return general(text)
            if verdict is not None:
                return verdict
            if text.__class__ is not str or not text.isascii() or not 0 < len(text) <= MAX_LENGTH:
                verdict = general(text)
            elif not text.replace(".", "", 1).isdigit():
                verdict = bounds(text)
            else:
                value = Decimal(text)  # digits and one point at most: read exactly
                if floor is not None and value < floor:
                    verdict = below_floor(text, value)
                else:
                    # `_judge_plain` with a step of 10⁻ⁿ, written out: one quantize (a
                    # value read from digits has no sign to clear).
                    x = value.quantize(quantum, ROUND_HALF_EVEN, context)
                    rshown = str(x)
                    if "E" in rshown:
                        rshown = f"{x:f}"
                    built: Any = new(Building)
                    built.verdict, built._why = rounded_whys[fails(x)]
                    built.compared = built.display = built.rounded = rshown
                    built._said = (
                        text  # `canonical`, written out
                        if text[-1] != "." and (text[1:2] == "." or "0" != text[0] != ".")
                        else plain(value)
                    )
                    built.limit = limit_zh
                    built.__class__ = Verdict
                    verdict = built
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[text] = verdict
            return verdict

        return judge_rounded

    scale = rule._scale
    if numeric and scale is not None and (rule._step is None or rule._step_is_power):
        multiply = WIDE.multiply
        mid, tail = rule._conv[0], rule._conv[1]
        converted_whys = rule._converted_whys
        rounding = rule._step is not None
        step_quantum, step_context = rule._quantum or _ONE, rule._ctx

        def judge_converted(text: str) -> Verdict:
            try:
                verdict = memo_get(text)
            except TypeError:  # unhashable, so not text: refused there
                return general(text)
            if verdict is not None:
                return verdict
            if text.__class__ is not str or not text.isascii() or not 0 < len(text) <= MAX_LENGTH:
                verdict = general(text)
            elif not text.replace(".", "", 1).isdigit():
                verdict = bounds(text)
            else:
                value = Decimal(text)  # digits and one point at most: read exactly
                if floor is not None and value < floor:
                    verdict = below_floor(text, value)
                else:
                    # `_judge_plain_scaled` written out: one exact multiplication.
                    x = multiply(value, scale)
                    xs = str(x)
                    if "E" in xs:
                        xs = f"{x:f}"
                    built: Any = new(Building)
                    built.converted = (
                        (
                            text  # `canonical`, written out
                            if text[-1] != "." and (text[1:2] == "." or "0" != text[0] != ".")
                            else plain(value)
                        )
                        + mid
                        + xs
                        + tail
                    )
                    if rounding:
                        x = x.quantize(step_quantum, ROUND_HALF_EVEN, step_context)
                        xs = str(x)
                        if "E" in xs:
                            xs = f"{x:f}"
                        built.rounded = xs
                    built.verdict, built._why = converted_whys[fails(x)]
                    built.compared = built.display = xs
                    built.limit = limit_zh
                    built.__class__ = Verdict
                    verdict = built
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[text] = verdict
            return verdict

        return judge_converted

    if not (numeric and rule._unscaled_full):

        def judge(text: str) -> Verdict:
            try:
                verdict = memo_get(text)
            except TypeError:  # unhashable, so not text: refused there
                return general(text)
            if verdict is not None:
                return verdict
            if text.__class__ is not str or not text.isascii() or not 0 < len(text) <= MAX_LENGTH:
                verdict = general(text)
            elif not text.replace(".", "", 1).isdigit():
                verdict = bounds(text)
            elif not numeric:
                verdict = general(text)
            else:
                value = Decimal(text)
                if floor is not None and value < floor:
                    verdict = below_floor(text, value)
                else:
                    verdict = number(value, text if canonical(text) else plain(value))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[text] = verdict
            return verdict

        return judge

    def judge_full(text: str) -> Verdict:
        try:
            verdict = memo_get(text)
        except TypeError:  # unhashable, so not text: refused there
            return general(text)
        if verdict is not None:
            return verdict
        if text.__class__ is not str or not text.isascii() or not 0 < len(text) <= MAX_LENGTH:
            verdict = general(text)
        elif not text.replace(".", "", 1).isdigit():
            verdict = bounds(text)
        else:
            value = Decimal(text)  # digits and one point at most: read exactly
            if floor is not None and value < floor:
                verdict = below_floor(text, value)
            else:
                # `_judge_plain` written out for the commonest rule (no rounding, no
                # conversion): a Verdict filled in as a `Building`.
                built: Any = new(Building)
                built.verdict, built._why = whys[fails(value)]
                built.compared = built.display = (
                    text  # `canonical`, written out
                    if text[-1] != "." and (text[1:2] == "." or "0" != text[0] != ".")
                    else plain(value)
                )
                built.limit = limit_zh
                built.__class__ = Verdict
                verdict = built
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[text] = verdict
        return verdict

    return judge_full


def _plan_lane(
    rule: LaneRule, general: Callable[[str], Verdict], memo: dict[str, Verdict]
) -> Callable[[str], Verdict]:
    """A sampling plan's `judge`: the units straight to `item_kinds.judge_plan_text`,
    remembered as any rule's verdicts are (a presence test's 未检出;未检出;… repeats)."""
    memo_get = memo.get
    judge_units = judge_plan_text

    def judge_plan(text: str) -> Verdict:
        try:
            verdict = memo_get(text)
        except TypeError:  # unhashable, so not text: refused there
            return general(text)
        if verdict is not None:
            return verdict
        verdict = judge_units(rule, text) if text.__class__ is str else general(text)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[text] = verdict
        return verdict

    return judge_plan
