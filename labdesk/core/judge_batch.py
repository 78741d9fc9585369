"""Judging many results at once: verdicts as columns (`VerdictColumns`).

Where many results are judged together — an import's preview, a bulk of entries, a
benchmark's day of results — most verdicts are only ever read for their code and what
the report prints. `judge_rows(rules, rows)` (and `judge_many(rule, texts)` for one rule)
return those as two lists, ``codes`` and ``displays``, filled by a lane per rule that
appends two values per plain number, ``<x``, sum of plain numbers, ``ND(x)`` against
不得检出 and sampling plan: no `Verdict` object per result (making and keeping one, and
the garbage collector walking it, cost more than the judging; see the judge section of
docs/performance.md), and a converted, rounded or summed value printed only when
``displays`` is read. Everything else of a row — its explanations, ``converted``,
``compared`` of an ND(x) … — is its `Verdict`, made on demand by `VerdictColumns.verdict`
through the rule's own `CompiledRule.judge` (the reference: tests/core/test_judge_batch.py
holds every column and every field equal to it).

A row a lane does not take (ND, <LOQ, words, numbers below the LOD, marks, full-width or
spaced text, screening, a step not 10⁻ⁿ) is judged at once by `CompiledRule.judge` and
its Verdict kept. A row the rule refuses is kept in ``errors`` (its code and display
empty): nothing is raised, so a caller can name every bad row, or raise the first
(`VerdictColumns.verdict` raises the row's error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, getcontext
from typing import Protocol, cast

from labdesk.core.entries import MAX_LENGTH
from labdesk.core.errors import ValidationError
from labdesk.core.item_kinds import MAX_COMPONENTS, plan_report
from labdesk.core.judge_lanes import MEMO_SIZE, LaneRule, canonical
from labdesk.core.numbers import WIDE, plain
from labdesk.core.plans import classify_plan, read_units
from labdesk.core.verdicts import Verdict, VerdictCode

__all__ = ["VerdictColumns", "judge_many", "judge_rows"]

# A code by whether the value fails the limit (the index of `CompiledRule._fails`).
_CODES: tuple[VerdictCode, VerdictCode] = ("pass", "fail")
_ZERO = Decimal(0)
_ONE = Decimal(1)
Lane = Callable[[str], None]


class CompiledRule(LaneRule, Protocol):
    """What a batch reads of a `core.judgement.CompiledRule` (a Protocol, so that this
    module does not import judgement back)."""

    judge: Callable[[str], Verdict]
    _unit_tail: str


class VerdictColumns:
    """The verdicts of many results, row ``i`` being the ``i``-th text judged.

    ``codes[i]`` is the verdict code ("pass", "fail", "not_judged"; "" when the rule
    refused the text, the error then in ``errors[i]``) and ``displays[i]`` what the report
    prints. `verdict(i)` is the row's full `Verdict`, equal to ``rule.judge(text)``.
    """

    __slots__ = ("_made", "_rule_of", "_shown", "_text_of", "_written", "codes", "errors")

    def __init__(
        self, rule_of: Callable[[int], CompiledRule], text_of: Callable[[int], str]
    ) -> None:
        self.codes: list[str] = []
        # Each row's display, or the Decimal a lane compared (a converted, rounded or
        # summed value) until `displays` is first read and writes it out.
        self._shown: list[str | Decimal] = []
        self._written = False
        self.errors: dict[int, ValidationError] = {}
        self._made: dict[int, Verdict] = {}  # the rows judged through `CompiledRule.judge`
        self._rule_of = rule_of
        self._text_of = text_of

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def displays(self) -> list[str]:
        """What the report prints, row by row. A value a lane computed is written out as
        plain digits here, on first read, not while judging: most of what a conversion
        cost was printing the converted value (docs/performance.md)."""
        shown = self._shown
        if not self._written:
            # `plain` written out in one comprehension: a third of the cost of a loop
            # calling it (a display column is read whole, by a preview or a report).
            shown[:] = [
                value
                if value.__class__ is str
                else (text if "E" not in (text := str(value)) else f"{value:f}")
                for value in shown
            ]
            self._written = True
        return cast("list[str]", shown)  # every row written out above

    def verdict(self, i: int) -> Verdict:
        """Row ``i``'s Verdict (made now for a lane's row, then kept); raises the
        ValidationError of a refused row."""
        error = self.errors.get(i)
        if error is not None:
            raise error
        verdict = self._made.get(i)
        if verdict is None:
            verdict = self._made[i] = self._rule_of(i).judge(self._text_of(i))
        return verdict

    def verdicts(self) -> list[Verdict]:
        """Every row's Verdict, in order (raises the first refused row's error)."""
        return [self.verdict(i) for i in range(len(self.codes))]


def judge_many(rule: CompiledRule, texts: Sequence[str]) -> VerdictColumns:
    """Every text judged against one rule, as columns."""
    columns = VerdictColumns(lambda _i: rule, texts.__getitem__)
    lane = _lane(rule, columns)
    for text in texts:
        lane(text)
    return columns


def judge_rows(
    rules: Mapping[int, CompiledRule] | Sequence[CompiledRule], rows: Sequence[tuple[int, str]]
) -> VerdictColumns:
    """Each (key, text) row judged against ``rules[key]``, as columns in the rows' order
    (results of many items: a bulk of entries keyed by sample item, a day's results)."""
    columns = VerdictColumns(lambda i: rules[rows[i][0]], lambda i: rows[i][1])
    by_rule: dict[int, Lane] = {}  # a rule shared by several keys gets one lane

    def lane_of(rule: CompiledRule) -> Lane:
        lane = by_rule.get(id(rule))
        if lane is None:
            lane = by_rule[id(rule)] = _lane(rule, columns)
        return lane

    lanes: Mapping[int, Lane] | list[Lane]
    if isinstance(rules, Mapping):
        lanes = {key: lane_of(rule) for key, rule in rules.items()}
    else:
        lanes = [lane_of(rule) for rule in rules]
    for key, text in rows:
        lanes[key](text)
    return columns


def _lane(rule: CompiledRule, columns: VerdictColumns) -> Lane:
    """The lane of one rule in one batch: appends row after row to ``columns``.

    Plain numbers (ASCII digits, one point at most) against a numeric limit unrounded,
    rounded to 10⁻ⁿ or converted, and ``<x``, ``ND(x)`` and sums of plain numbers, go to
    their code and display here; every other row through `CompiledRule.judge`."""
    codes = columns.codes
    code_append, display_append = codes.append, columns._shown.append
    made, errors = columns._made, columns.errors
    judge = rule.judge

    def judged(text: str) -> None:
        try:
            verdict = judge(text)
        except ValidationError as exc:
            errors[len(codes)] = exc
            code_append("")
            display_append("")
            return
        made[len(codes)] = verdict
        code_append(verdict.verdict)
        display_append(verdict.display)

    if rule._plan is not None:
        return _plan_lane(rule, columns, judged)
    if rule._screening:
        return judged  # a screening verdict is rewritten after judging: `judge` alone
    if not rule._fast:
        return _stated_lane(rule, judged, code_append, display_append)
    floor, fails = rule._floor, rule._fails
    step, scale = rule._step, rule._scale
    if step is not None and not rule._step_is_power:
        return judged  # a step such as 0.2 or 5: rare, and its rounding is not one call
    quantum, context = rule._quantum or _ONE, rule._ctx
    multiply = WIDE.multiply
    below_floor = rule._below_floor
    span_code = rule._span_code
    room = _exact_room(scale) if scale is not None else 0
    sum_room = getcontext().prec  # as `judge_lanes`: a longer sum is added exactly there

    def other(text: str) -> None:
        """An ASCII text of 1–MAX_LENGTH characters that is not plain digits: ``<x`` and
        sums of plain numbers as `judge_lanes` reads them, else `CompiledRule.judge`."""
        first = text[0]
        if first == "<":
            rest = text[1:]
            if rest and rest.replace(".", "", 1).isdigit():
                bound = Decimal(rest)
                if bound:
                    # `IntervalJudgement._judge_span` of [0, x) against a numeric limit:
                    # the end x converted and rounded as the rule does (0 stays 0), never
                    # empty (x > 0; rounded, its ends make a closed interval).
                    high, closed = bound, False
                    if scale is not None:
                        high = high * scale if len(rest) <= room else multiply(high, scale)
                    if step is not None:
                        high = high.quantize(quantum, ROUND_HALF_EVEN, context)
                        closed = True
                    code_append(span_code(_ZERO, high, closed))
                    display_append(text if canonical(rest) else "<" + plain(bound))
                    return None
        elif "+" in text and first != "+" and len(text) <= sum_room:
            parts = text.split("+")
            if len(parts) <= MAX_COMPONENTS:
                total = _ZERO
                for part in parts:  # `judge_lanes`' plain components, the same sum
                    if not part or part[0] == "." or not part.replace(".", "", 1).isdigit():
                        return judged(text)
                    total += Decimal(part)
                # The total against the limit (no floor applies to a sum), as a plain
                # number's lane judges it; its digits are at most the text's length.
                if scale is not None:
                    total = total * scale if len(text) <= room else multiply(total, scale)
                if step is not None:
                    total = total.quantize(quantum, ROUND_HALF_EVEN, context)
                code_append(_CODES[fails(total)])
                display_append(total)
                return None
        return judged(text)

    def below(text: str, value: Decimal) -> None:
        """A plain number below the LOD or LOQ: the rule's one verdict for such values."""
        verdict = below_floor(text, value)
        made[len(codes)] = verdict
        code_append(verdict.verdict)
        display_append(verdict.display)

    # Each lane reads a plain number as `judge_lanes` does: a str of ASCII digits with at
    # most one point, 1–MAX_LENGTH long, read exactly by Decimal(); its display is the
    # text itself when that is already the plain form (`judge_lanes.canonical`, written out).
    if scale is None and step is None:

        def full(text: str) -> None:
            if text.__class__ is not str or not text.isascii() or not 0 < len(text) <= MAX_LENGTH:
                return judged(text)
            if text.replace(".", "", 1).isdigit():
                value = Decimal(text)
                if floor is not None and value < floor:
                    return below(text, value)
                code_append(_CODES[fails(value)])
                display_append(
                    text
                    if text[-1] != "." and (text[1:2] == "." or "0" != text[0] != ".")
                    else plain(value)
                )
                return None
            return other(text)

        return full

    if scale is None:

        def rounded(text: str) -> None:
            if text.__class__ is not str or not text.isascii() or not 0 < len(text) <= MAX_LENGTH:
                return judged(text)
            if text.replace(".", "", 1).isdigit():
                value = Decimal(text)
                if floor is not None and value < floor:
                    return below(text, value)
                x = value.quantize(quantum, ROUND_HALF_EVEN, context)
                code_append(_CODES[fails(x)])
                display_append(x)
                return None
            return other(text)

        return rounded

    def converted(text: str) -> None:
        """One exact multiplication, then rounded to 10⁻ⁿ when the rule rounds."""
        if text.__class__ is not str or not text.isascii() or not 0 < len(text) <= MAX_LENGTH:
            return judged(text)
        if text.replace(".", "", 1).isdigit():
            value = Decimal(text)
            if floor is not None and value < floor:
                return below(text, value)
            x = value * scale if len(text) <= room else multiply(value, scale)
            if step is not None:
                x = x.quantize(quantum, ROUND_HALF_EVEN, context)
            code_append(_CODES[fails(x)])
            display_append(x)
            return None
        return other(text)

    return converted


def _exact_room(scale: Decimal) -> int:
    """The longest plain-number text whose product with ``scale`` the thread's decimal
    context computes exactly (0: none): a text of n characters has at most n digits, so
    the product has at most n + len(scale's digits), and an exact result is never
    rounded. The ``*`` operator is half the cost of `WIDE.multiply` (a bound context
    method), which is most of what a conversion adds to a judgement."""
    context = getcontext()
    _sign, digits, exponent = scale.as_tuple()
    if not isinstance(exponent, int) or context.Emax < 1000 or context.Emin > -1000:
        return 0
    if not -100 < exponent < 100:
        return 0
    return max(context.prec - len(digits), 0)


def _plan_lane(rule: CompiledRule, columns: VerdictColumns, judged: Lane) -> Lane:
    """A sampling plan's units read and classed (`item_kinds.judge_plan_text` without its
    Verdict); a text seen before in this batch is its first row's code and display (a
    presence test's 未检出;未检出;… repeats); a refusal through `CompiledRule.judge`."""
    plan = rule._plan
    assert plan is not None
    report = plan_report(rule)
    codes, shown = columns.codes, columns._shown
    code_append, display_append = codes.append, shown.append
    seen: dict[str, int] = {}  # at most MEMO_SIZE texts, as a compiled rule's own memo
    seen_get = seen.get

    def plan_row(text: str) -> None:
        if text.__class__ is not str:
            return judged(text)
        first = seen_get(text)
        if first is not None:
            code_append(codes[first])
            display_append(shown[first])
            return None
        try:
            code, units, *_counts = classify_plan(plan, read_units(text), report)
        except ValidationError:
            return judged(text)  # keeps the refusal as `judge` words it
        if len(seen) >= MEMO_SIZE:
            seen.clear()
        seen[text] = len(codes)
        code_append(code)
        display_append("; ".join(units))
        return None

    return plan_row


def _stated_lane(
    rule: CompiledRule,
    judged: Lane,
    code_append: Callable[[str], None],
    display_append: Callable[[str], None],
) -> Lane:
    """A rule that is not numeric: ``ND(x)`` against 不得检出 passes (below its own LOD,
    `IntervalJudgement._judge_stated_lod`); every other row through `CompiledRule.judge`."""
    if rule._kind != "not_detected":
        return judged
    unit = rule._unit_tail

    def stated(text: str) -> None:
        if text.__class__ is str and text[:3] == "ND(" and text[-1:] == ")" and text.isascii():
            inner = text[3:-1]
            if len(text) <= MAX_LENGTH and inner and inner.replace(".", "", 1).isdigit():
                stated = Decimal(inner)
                if stated:
                    code_append("pass")
                    display_append(
                        "未检出（检出限 "
                        + (inner if canonical(inner) else plain(stated))
                        + unit
                        + "）"
                    )
                    return
        judged(text)

    return stated
