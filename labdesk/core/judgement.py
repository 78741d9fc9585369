"""Judging a typed result against an item's limit.

An `ItemRule` says how one test item is judged: the limit text, the method chosen for the
item (全数值比较法 "full" — the default — or 修约值比较法 "rounded"), the rounding interval
for the rounded method (``interval``, or ``decimals`` places, or else the limit's own last
digit place), and the method's detection and quantitation limits.

`compile_rule` parses all of that once; `CompiledRule.judge(text)` then reads one typed
result and returns a `Verdict`. Nothing ever passes by default: whatever cannot be decided
(a "<0.5" entry against "≤0.2", "<LOQ" without an LOQ, a word against a number) is
``not_judged`` with the reason in both languages.

Detection limits. A result below the LOD (typed as ND, 未检出, <LOD, or a number below the
rule's LOD) means the true value lies in [0, LOD); between LOD and LOQ (typed <LOQ, or a
number in that band) in [LOD, LOQ); "<x" in [0, x). Such an interval passes when every value
in it meets the limit, fails when none does, and is not judged otherwise. With the rounded
method the interval's ends are rounded first (rounding is monotonic, so this is exact for
the rounded values). Against 不得检出: below LOD passes, at or above LOD fails. ND without a
stated LOD passes upper limits (a lab never uses a method that cannot see its limit) but is
not judged against a positive lower limit.

Marks: a full-value comparison of "0.5(+)" with "≤0.5" fails (the true value was above 0.5);
"0.5(−)" passes "<0.5".

The parts: `core.item_rule` (the rule and its stored columns), this module (compiling a
rule, and the general path for one number), `core.intervals` (intervals, words, the verdict
makers), `core.judge_lanes` (the fast lanes of `judge`), `core.item_kinds` (plans, sums,
conversions, screening), `core.verdict_words` (explanations built when read) and
`core.conclusion` (a sample's conclusion). The names other modules use are all here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Any

from labdesk.core import item_kinds
from labdesk.core.conclusion import Conclusion, conclude
from labdesk.core.entries import MAX_LENGTH, WORDS, Entry, parse_entry
from labdesk.core.errors import ValidationError
from labdesk.core.intervals import IntervalJudgement
from labdesk.core.item_rule import (
    KIND_COLUMNS,
    RULE_COLUMNS,
    ItemColumns,
    ItemRule,
    check_method,
    check_rounding,
    item_rule,
    parse_factor,
    parse_positive,
    rounding_step,
)
from labdesk.core.judge_batch import VerdictColumns, judge_many, judge_rows
from labdesk.core.judge_lanes import MEMO_SIZE, lanes
from labdesk.core.limits import Limit, parse_limit
from labdesk.core.numbers import WIDE, plain, quote
from labdesk.core.rounding import (
    COLONY_RULE,
    MarkedValue,
    round_colony_count,
    round_to_interval,
)
from labdesk.core.units import MAX_UNIT_LENGTH, ratio
from labdesk.core.verdict_words import (
    why_converted,
    why_converted_rounded,
    why_named,
    why_plain,
    why_rounded,
    why_said,
    why_stated,
)
from labdesk.core.verdicts import Building, Verdict, VerdictCode, make_verdict, set_field

__all__ = [
    "KIND_COLUMNS",
    "MEMO_SIZE",
    "RULE_COLUMNS",
    "CompiledRule",
    "Conclusion",
    "ItemColumns",
    "ItemRule",
    "Verdict",
    "VerdictColumns",
    "compile_rule",
    "conclude",
    "item_rule",
    "judge",
    "judge_many",
    "judge_rows",
]

_MARK_TEXT = {1: "(+)", -1: "(−)"}
# A code's (code, _why), indexed by whether the value fails: False → pass, True → fail.
_CODES: tuple[VerdictCode, VerdictCode] = ("pass", "fail")
Whys = tuple[tuple[VerdictCode, tuple[Any, ...]], ...]
_new_building = object.__new__
_ONE = Decimal(1)
_wide_multiply = WIDE.multiply
_PLAIN_CHARS = "0123456789."
# Typed texts whose verdict depends on the rule alone (see CompiledRule._constant).
_CONSTANT_TEXTS = frozenset(
    {"ND", "nd", "N.D.", "未检出", "<LOD", "<LOQ", "<检出限", "<定量限"} | WORDS
)


def _fails_test(
    lo: Decimal | None, lo_incl: bool, up: Decimal | None, up_incl: bool
) -> Callable[[Decimal], bool]:
    """``value -> True`` when the value is outside [lo, up] (each end open or closed); for
    one end this is the bound's own comparison method, a single C call."""
    if lo is None and up is None:
        return lambda _value: False
    if lo is None:
        assert up is not None
        return up.__lt__ if up_incl else up.__le__  # up < x: above the limit
    if up is None:
        return lo.__gt__ if lo_incl else lo.__ge__  # lo > x: below the limit

    # Both ends: one chained comparison, its operators chosen here (a two-sided limit is
    # a sixth of a day's results: pH, tolerances).
    if lo_incl and up_incl:
        return lambda x: not lo <= x <= up
    if lo_incl:
        return lambda x: not lo <= x < up
    if up_incl:
        return lambda x: not lo < x <= up
    return lambda x: not lo < x < up


class CompiledRule(IntervalJudgement):
    """An `ItemRule` with its limit, interval, LOD and LOQ parsed; `judge` is the hot path."""

    __slots__ = (
        "_below_lod_said",
        "_below_loq_said",
        "_below_whys",
        "_colony",
        "_constant",
        "_conv",
        "_converted_whys",
        "_ctx",
        "_described",
        "_fails",
        "_fast",
        "_floor",
        "_kind",
        "_label",
        "_lo",
        "_lo_incl",
        "_lod_display",
        "_nd_fail",
        "_numeric",
        "_plain_whys",
        "_plan",
        "_quantum",
        "_rounded_whys",
        "_scale",
        "_screening",
        "_span_open",
        "_stated_pass",
        "_step",
        "_step_is_power",
        "_suffix",
        "_sum_whys",
        "_text_criterion",
        "_unit_tail",
        "_unscaled_full",
        "_up",
        "_up_incl",
        "factor",
        "judge",
        "limit",
        "limit_en",
        "limit_zh",
        "lod",
        "loq",
        "result_unit",
        "rule",
        "step",
        "unit",
    )

    # Judges one typed result; bad text raises ValidationError(field="result"). A closure
    # made for this rule when it compiles (`_lanes`): see there why.
    judge: Callable[[str], Verdict]

    def __init__(self, rule: ItemRule) -> None:
        check_method(rule)
        self.rule = rule
        self.limit: Limit = parse_limit(rule.limit)
        limit = self.limit
        rule_unit = (rule.unit or "").strip()  # a NULL column reads as no unit
        if len(rule_unit) > MAX_UNIT_LENGTH:
            raise ValidationError(
                "unit", "unit_length", f"unit: {quote(rule_unit)!r} is too long （单位过长）"
            )
        # The limit's unit is the one judged and shown; the item's (the result's) is
        # converted to it exactly, or refused when the two cannot be (units.ratio).
        unit_ratio = ratio(rule_unit, limit.unit) if rule_unit and limit.unit else None
        if unit_ratio is not None and limit.is_plan:
            raise ValidationError(
                "unit",
                "plan_unit",
                f"unit: enter the units of the plan in its unit {limit.unit} "
                f"(the item says {rule_unit}) （样品单元结果须以方案单位 {limit.unit} 录入）",
            )
        self.unit = limit.unit or rule_unit
        self.result_unit = rule_unit or self.unit
        self.factor = parse_factor(rule.factor)
        self._scale: Decimal | None = None
        if self.factor is not None or unit_ratio is not None:
            if not (limit.is_numeric or limit.is_report_only):
                raise ValidationError(
                    "factor" if self.factor is not None else "unit",
                    "conversion_needs_numeric_limit",
                    f"a factor or a unit conversion needs a numeric limit, not "
                    f"{quote(rule.limit)!r} （换算系数或单位换算只用于数值限量）",
                )
            # In 120 digits, not the thread's 28: a factor as long as the number grammar
            # allows times a unit ratio stays exact.
            self._scale = _wide_multiply(self.factor or Decimal(1), unit_ratio or Decimal(1))
        check_rounding(rule)
        self._colony = rule.rounding == COLONY_RULE
        if self._colony and rule.method == "rounded" and (rule.interval or rule.decimals):
            raise ValidationError(
                "rounding",
                "one_rounding_rule",
                "rounding: GB 4789.2 rounds colony counts by its own rule; give no interval "
                "（GB 4789.2 按自身规则修约，不另给修约间隔）",
            )
        self._screening = bool(rule.screening)
        if self._screening and not (limit.kind == "max" or limit.is_not_detected):
            raise ValidationError(
                "screening",
                "screening_needs_upper_limit",
                f"screening: a screening measurement can only clear an upper limit "
                f"(≤, <, 不得检出), not {quote(rule.limit)!r} （筛查项目只适用于上限）",
            )
        self._plan = limit.plan
        self.lod = parse_positive(rule.lod, "lod")
        self.loq = parse_positive(rule.loq, "loq")
        if self.lod is not None and self.loq is not None and self.lod > self.loq:
            raise ValidationError(
                "loq",
                "loq_not_below_lod",
                "loq: the LOQ must not be below the LOD （定量限不得低于检出限）",
            )
        step = rounding_step(rule, limit)
        self.step = step
        self._step = step
        self._quantum: Decimal | None = None
        self._ctx = Context(prec=80)
        self._step_is_power = False  # a step of 10⁻ⁿ rounds with a single quantize
        if step is not None:
            exponent = min(int(step.normalize().as_tuple().exponent), 0)
            self._quantum = Decimal(1).scaleb(exponent)
            self._step_is_power = step == self._quantum
            # Wide enough for any accepted entry (≤ 40 characters) written to this step's
            # places, so quantize never overflows the context.
            self._ctx = Context(prec=MAX_LENGTH + 40 - exponent)
        if self._colony:  # rounds by GB 4789.2 in _round; the step only marks "rounded"
            self._step, self._quantum = Decimal(1), Decimal(1)
        unit = f" {self.result_unit}" if self.result_unit else ""  # LOD/LOQ: the method's
        # The item's unit goes after the numbers, before any note (≤0.2 mg/kg（以Pb计）).
        shown = replace(limit, unit=self.unit) if self.unit and limit.is_numeric else limit
        self.limit_zh = shown.describe_zh()
        self.limit_en = shown.describe_en()
        self._described = (self.limit_zh, self.limit_en)
        self._lod_display = (
            f"未检出（检出限 {plain(self.lod)}{unit}）" if self.lod is not None else "未检出"
        )
        lod_en = f" (LOD {plain(self.lod)}{unit})" if self.lod is not None else ""
        self._below_lod_said = (self._lod_display, f"not detected{lod_en}")
        loq_text = f"{plain(self.loq)}{unit}" if self.loq is not None else ""
        lod_text = f"{plain(self.lod)}{unit}" if self.lod is not None else "0"
        self._below_loq_said = (
            f"<LOQ（检出限 {lod_text}，定量限 {loq_text}）",
            f"<LOQ (between LOD {lod_text} and LOQ {loq_text})",
        )
        self._fast = limit.is_numeric and not self._colony
        # How a converted value is named (the same words as item_kinds.judge_scaled):
        # shown + mid + converted + unit, then the note. Precomputed for the fast path.
        source = f" {self.result_unit}" if self.result_unit else ""
        target = f" {self.unit}" if self.unit else ""
        if self.factor is not None:
            factor = plain(self.factor)
            self._conv = (
                f"{source} × {factor} = ",
                target,
                f"（以…计，换算系数 {factor}）",
                f" (expressed as, factor {factor})",
            )
        else:
            self._conv = (f"{source} → ", target, "（单位换算）", " (unit converted)")
        floors = [x for x in (self.lod, self.loq) if x is not None]
        self._floor = max(floors) if floors else None  # below it: the LOD/LOQ rules apply
        lo, up = limit.lower, limit.upper
        self._lo = lo.value if lo else None
        self._lo_incl = lo.inclusive if lo else True
        self._up = up.value if up else None
        self._up_incl = up.inclusive if up else True
        # Precomputed explanation tails: the hot path only concatenates.
        self._suffix = {
            "pass": (f"，{self.limit_zh}，合格", f", limit {self.limit_en}: pass"),
            "fail": (f"，{self.limit_zh}，不合格", f", limit {self.limit_en}: fail"),
        }
        self._label = (" 修约至 ", " rounded to ")
        # For the hot path (`_judge_plain`): whether a value fails the numeric limit, as one
        # call, and each code's shared verdict fields, indexed by that answer.
        self._unscaled_full = self._scale is None and self._step is None
        self._fails = _fails_test(self._lo, self._lo_incl, self._up, self._up_incl)
        # Each code's shared (code, _why) pair, indexed by that answer.
        self._plain_whys: Whys = tuple((code, (why_plain, self._suffix[code])) for code in _CODES)
        # A converted value's (code, _why) pairs: the notes are the rule's own.
        _, _, note_zh, note_en = self._conv
        builder = why_converted if self._step is None else why_converted_rounded
        self._converted_whys: Whys = tuple(
            (code, (builder, note_zh, note_en, self._suffix[code])) for code in _CODES
        )
        # A sum's (code, _why) pairs: named by what ``_said`` holds ("0.35+0.20=0.55").
        self._sum_whys: Whys = tuple((code, (why_named, self._suffix[code])) for code in _CODES)
        self._rounded_whys: Whys = tuple(
            (code, (why_rounded, self._suffix[code])) for code in _CODES
        )
        # The words of the interval paths (`_judge_span`), as tails after the result.
        lz, le = self.limit_zh, self.limit_en
        self._kind = limit.kind
        self._numeric = limit.is_numeric
        self._nd_fail = (f"，已检出，{lz}，不合格", f": detected, limit {le}: fail")
        self._span_open = (
            f" 只给出范围，真值可能符合也可能不符合 {lz}，无法判定",
            f" only bounds the value, which may or may not meet {le}; not judged",
        )
        self._text_criterion = (
            f" 不能按文字要求（{lz}）判定",
            f" cannot be judged against a text criterion ({le})",
        )
        self._unit_tail = unit
        self._stated_pass = (why_stated, unit, self._suffix["pass"])
        # `<x` against an unconverted full-value limit, by the code of its interval.
        self._below_whys: dict[str, tuple[Any, ...]] = {
            "pass": (why_said, None, self._suffix["pass"]),
            "fail": (why_said, None, self._suffix["fail"]),
            "not_judged": (why_said, None, self._span_open),
        }
        # Verdicts that depend on the rule alone, made on first use: ND / 未检出 (the
        # rule's LOD), <LOD, <LOQ, and any number below the LOD or in [LOD, LOQ) — each
        # is judged as the same interval whatever was typed. Not a memo of texts.
        self._constant: dict[str, Verdict] = {}
        self.judge = lanes(self)

    # ------------------------------------------------------------------ general path
    def _judge_general(self, text: str) -> Verdict:
        """Judges what the lanes of `judge` (`_lanes`) leave: words, ND/<LOD/<LOQ, marks,
        sums, full-width or spaced text, plans, screening, and refusals."""
        if text.__class__ is not str:
            parse_entry(text)  # raises the ValidationError (field "result") for non-text
        verdict = self._constant.get(text) if len(text) <= 6 else None
        if verdict is None:
            verdict = self._judge_text(text)
            if text in _CONSTANT_TEXTS:
                self._constant[text] = verdict
        if self._screening and verdict.verdict == "fail":
            verdict = item_kinds.needs_confirmation(verdict)
        return verdict

    def _below_floor(self, text: str, value: Decimal) -> Verdict:
        """A plain number below the LOD or the LOQ: the same verdict for every such value."""
        lod = self.lod
        key = "\0lod" if lod is not None and value < lod else "\0loq"
        verdict = self._constant.get(key)
        if verdict is None:
            verdict = self._constant[key] = self._judge_number(text, value, 0)
        return verdict

    def _judge_text(self, text: str) -> Verdict:
        if self._plan is not None:
            return item_kinds.judge_plan_text(self, text)
        if text[:1] == "<" and text.isascii():
            # "<0.01" typed plainly: the entry grammar's answer, without its general reader.
            rest = text[1:]
            if rest and not rest.strip(_PLAIN_CHARS) and len(text) <= MAX_LENGTH:
                try:
                    bound = Decimal(rest)
                except InvalidOperation:
                    bound = None
                if bound is not None and bound > 0:
                    said = "<" + plain(bound)
                    return self._judge_span(Decimal(0), bound, said, said)
        if text[:3] == "ND(" and text[-1:] == ")" and text.isascii():
            inner = text[3:-1]
            if inner and not inner.strip(_PLAIN_CHARS) and len(text) <= MAX_LENGTH:
                try:
                    stated = Decimal(inner)
                except InvalidOperation:
                    stated = None
                if stated is not None and stated > 0:
                    return self._judge_stated_lod(stated)
        if len(text) <= MAX_LENGTH and text.isascii() and not text.strip(_PLAIN_CHARS):
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
            if value is not None:
                floor = self._floor
                if self._fast and (floor is None or value >= floor):
                    if self._scale is None:
                        return self._judge_plain(value)
                    return self._judge_plain_scaled(value)
                return self._judge_number(text, value, 0)
        if "+" in text:
            parts = item_kinds.split_sum(text)
            if parts is not None:
                return item_kinds.judge_sum(self, text, parts)
        entry = parse_entry(text)
        return self.judge_entry(entry)

    def judge_value(self, value: Decimal, said: str, components: tuple[str, ...] = ()) -> Verdict:
        """A computed value (a sum) against the limit: no LOD/LOQ floor applies to it;
        ``said`` names it in the explanation ("0.35+0.20=0.55"); ``components`` as typed."""
        if self._kind == "report_only" or self._colony:
            if self._kind == "report_only":
                verdict = self._report_only(plain(value), said)
            else:
                verdict = item_kinds.judge_scaled(self, value, 0, said)
            if components:
                set_field(verdict, "components", components)
            return verdict
        if self._scale is not None:  # the words of item_kinds.judge_scaled, built lazily
            return self._judge_plain_scaled(value, said, components)
        built: Any = _new_building(Building)
        built._said = said
        if self._step is None:
            built.verdict, built._why = self._sum_whys[self._fails(value)]
            built.compared = built.display = plain(value)
        else:
            rounded = plain(self._round(value, 0))
            built.verdict, built._why = self._rounded_whys[self._fails(Decimal(rounded))]
            built.compared = built.display = built.rounded = rounded
        if components:
            built.components = components
        built.limit = self.limit_zh
        built.__class__ = Verdict
        return built

    def judge_span_of(
        self, low: Decimal, high: Decimal, compared: str, said: tuple[str, str]
    ) -> Verdict:
        """A value known only to lie in [low, high) (in the result's unit)."""
        return self._judge_span(low, high, compared, compared, said)

    def _judge_plain(self, value: Decimal, shown: str | None = None) -> Verdict:
        """The common case: an unmarked number above any LOD/LOQ against a numeric limit,
        ``value`` read from digits and points alone (so never negative); ``shown`` is its
        plain form when the caller has it.

        The same verdict and words as `_judge_number` + `_decide`, written out because it
        runs for almost every result (see benchmarks/bench_judge.py).
        """
        if shown is None:
            shown = str(value)
            if "E" in shown:
                shown = f"{value:f}"
        built: Any = _new_building(Building)
        step = self._step
        if step is None:
            built.verdict, built._why = self._plain_whys[self._fails(value)]
            built.compared = built.display = shown
        else:
            if self._step_is_power:  # `_round` for 10⁻ⁿ; no sign to clear (see above)
                x = value.quantize(self._quantum or _ONE, ROUND_HALF_EVEN, self._ctx)
            else:
                x = self._round(value, 0)
            rshown = str(x)
            if "E" in rshown:
                rshown = f"{x:f}"
            built.verdict, built._why = self._rounded_whys[self._fails(x)]
            built.compared = built.display = built.rounded = rshown
            built._said = shown
        built.limit = self.limit_zh
        built.__class__ = Verdict
        return built

    def _judge_plain_scaled(
        self, value: Decimal, shown: str | None = None, components: tuple[str, ...] = ()
    ) -> Verdict:
        """`_judge_plain` for a rule that converts (unit ratio and/or 以…计 factor): the
        same verdict and words as `item_kinds.judge_scaled`, without its general path."""
        scale = self._scale
        assert scale is not None
        if shown is None:
            shown = str(value)
            if "E" in shown:
                shown = f"{value:f}"
        x = _wide_multiply(value, scale)
        xs = str(x)
        if "E" in xs:
            xs = f"{x:f}"
        built: Any = _new_building(Building)
        built.converted = shown + self._conv[0] + xs + self._conv[1]
        if self._step is None:
            built.verdict, built._why = self._converted_whys[self._fails(x)]
            built.compared = built.display = xs
        else:
            x = self._round(x, 0)
            rshown = str(x)
            if "E" in rshown:
                rshown = f"{x:f}"
            built.verdict, built._why = self._converted_whys[self._fails(x)]
            built.compared = built.display = built.rounded = rshown
        if components:
            built.components = components
        built.limit = self.limit_zh
        built.__class__ = Verdict
        return built

    def judge_entry(self, entry: Entry) -> Verdict:
        """Judges an already parsed `Entry`."""
        kind = entry.kind
        if kind == "number":
            assert entry.value is not None
            return self._judge_number(entry.text, entry.value, entry.mark)
        if kind in ("not_detected", "below_lod"):
            return self._judge_below_lod(entry)
        if kind == "below":
            assert entry.value is not None
            return self._judge_span(
                Decimal(0), entry.value, f"<{plain(entry.value)}", f"<{plain(entry.value)}"
            )
        if kind == "below_loq":
            if self.limit.is_report_only:
                return self._report_only("<LOQ", "<LOQ")
            if self.loq is None:
                return self._not_judged(
                    "<LOQ",
                    "<LOQ",
                    "结果为 <LOQ，但未给出定量限，无法判定",
                    "the result is <LOQ but the rule gives no LOQ, so it cannot be judged",
                )
            return self._judge_span(
                self.lod or Decimal(0), self.loq, "<LOQ", "<LOQ", self._below_loq_said
            )
        return self._judge_word(entry.word)

    def _judge_number(self, text: str, value: Decimal, mark: int) -> Verdict:
        lod, loq = self.lod, self.loq
        if lod is not None and value < lod:
            return self._judge_span(
                Decimal(0), lod, self._lod_display, f"<{plain(lod)}", self._below_lod_said
            )
        if loq is not None and value < loq:
            return self._judge_span(lod or Decimal(0), loq, "<LOQ", "<LOQ", self._below_loq_said)
        limit = self.limit
        digits = shown = plain(value)
        if mark:
            shown += _MARK_TEXT[mark]  # compared/explained with the mark, printed without
        if not limit.is_numeric:
            if limit.is_not_detected:
                return self._judge_detected_number(value, shown)
            if limit.is_report_only:
                return self._report_only(digits, shown)
            return self._not_judged(
                shown,
                shown,
                f"{shown} 是数值，而要求为文字判定（{self.limit_zh}），无法判定",
                f"{shown} is a number but the requirement is a text criterion "
                f"({self.limit_en}); not judged",
            )
        if self._scale is not None or self._colony:
            return item_kinds.judge_scaled(self, value, mark, shown)
        step = self._step
        if step is None:
            code = self._decide(value, mark)
            zh, en = self._suffix[code]
            return make_verdict(code, shown, None, digits, shown + zh, shown + en, self.limit_zh)
        rounded = self._round(value, mark)
        rshown = plain(rounded)
        code = self._decide(rounded, 0)
        zh, en = self._suffix[code]
        to_zh, to_en = self._label
        return make_verdict(
            code,
            rshown,
            rshown,
            rshown,
            shown + to_zh + rshown + zh,
            shown + to_en + rshown + en,
            self.limit_zh,
        )

    def _round(self, value: Decimal, mark: int) -> Decimal:
        if self._colony:
            return round_colony_count(value)
        step, quantum = self._step, self._quantum
        assert step is not None and quantum is not None
        if mark:
            return round_to_interval(MarkedValue(value, mark), step)
        if self._step_is_power:
            rounded = value.quantize(quantum, ROUND_HALF_EVEN, self._ctx)
        else:
            ctx = self._ctx
            steps = ctx.divide(value, step).to_integral_value(ROUND_HALF_EVEN, ctx)
            rounded = ctx.multiply(steps, step).quantize(quantum, context=ctx)
        if not rounded and rounded.is_signed():
            rounded = rounded.copy_abs()
        return rounded

    def _decide(self, x: Decimal, mark: int) -> VerdictCode:
        """Full comparison of ``x`` (true value x + mark·ε) against the bounds."""
        lo = self._lo
        if lo is not None and (
            x < lo or (x == lo and (mark < 0 or (mark == 0 and not self._lo_incl)))
        ):
            return "fail"
        up = self._up
        if up is not None and (
            x > up or (x == up and (mark > 0 or (mark == 0 and not self._up_incl)))
        ):
            return "fail"
        return "pass"


def compile_rule(rule: ItemRule | str) -> CompiledRule:
    """Parses a rule once (limit, interval, LOD/LOQ); a bare string is a full-value limit."""
    if isinstance(rule, str):
        rule = ItemRule(limit=rule)
    return CompiledRule(rule)


def judge(rule: ItemRule | str | CompiledRule, text: str) -> Verdict:
    """One-off judgement; for many results compile the rule once with `compile_rule`."""
    compiled = rule if isinstance(rule, CompiledRule) else compile_rule(rule)
    return compiled.judge(text)
