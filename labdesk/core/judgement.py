"""Judging a typed result against an item's limit, and a sample's conclusion.

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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Any, Literal, Protocol

from labdesk.core import item_kinds
from labdesk.core.entries import MAX_LENGTH, WORDS, Entry, parse_entry
from labdesk.core.errors import ValidationError
from labdesk.core.limits import Limit, parse_limit
from labdesk.core.numbers import parse_number, quote
from labdesk.core.rounding import (
    COLONY_RULE,
    ROUNDING_RULES,
    MarkedValue,
    parse_interval,
    parse_marked,
    round_colony_count,
    round_to_interval,
)
from labdesk.core.units import MAX_UNIT_LENGTH, ratio
from labdesk.core.verdicts import (
    LABEL_ZH,
    Building,
    Verdict,
    VerdictCode,
    make_verdict,
)

__all__ = [
    "CompiledRule",
    "Conclusion",
    "ItemRule",
    "Verdict",
    "compile_rule",
    "conclude",
    "judge",
]


_NUMBER_CHARS = frozenset("0123456789.")
_MARK_TEXT = {1: "(+)", -1: "(−)"}
# Words a technician may type, by the kind of text criterion: (passing, failing).
_NEGATIVE_WORDS = (frozenset({"阴性", "未检出", "符合"}), frozenset({"阳性", "检出", "不符合"}))
_ABSENT_WORDS = (frozenset({"未检出", "符合"}), frozenset({"检出", "不符合"}))
_COMPLIES_WORDS = (frozenset({"符合"}), frozenset({"不符合"}))
_new_building = object.__new__
_ZERO = Decimal(0)
_ONE = Decimal(1)
_WIDE = Context(prec=120)  # exact for any accepted entry times any accepted scale
_wide_multiply = _WIDE.multiply
_PLAIN_CHARS = "0123456789."
# Typed texts whose verdict depends on the rule alone (see CompiledRule._constant).
MEMO_SIZE = 4096  # verdicts remembered per compiled rule (see `_lanes`)
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

    def fails(x: Decimal) -> bool:
        return x < lo or x > up or (x == lo and not lo_incl) or (x == up and not up_incl)

    return fails


# Explanation builders for `verdicts.lazy_verdict`: ``builder(verdict, *args)`` -> (zh, en),
# run when an explanation is first read. Each writes exactly the words the eager form
# wrote; ``said`` names the result (zh, en), None meaning ``verdict.compared``.
def _why_plain(verdict: Verdict, suffix: tuple[str, str]) -> tuple[str, str]:
    shown = verdict.compared
    return shown + suffix[0], shown + suffix[1]


def _why_rounded(verdict: Verdict, suffix: tuple[str, str]) -> tuple[str, str]:
    shown, rshown = verdict._said, verdict.rounded
    return f"{shown} 修约至 {rshown}{suffix[0]}", f"{shown} rounded to {rshown}{suffix[1]}"


def _why_said(
    verdict: Verdict, said: tuple[str, str] | None, suffix: tuple[str, str]
) -> tuple[str, str]:
    if said is None:
        shown = verdict.compared
        return shown + suffix[0], shown + suffix[1]
    return said[0] + suffix[0], said[1] + suffix[1]


def _why_stated(verdict: Verdict, unit: str, suffix: tuple[str, str]) -> tuple[str, str]:
    """ND with its own LOD: named by the display (未检出（检出限 0.01 mg/kg）) and the LOD
    in ``compared`` ("<0.01")."""
    return (
        verdict.display + suffix[0],
        "not detected (LOD " + verdict.compared[1:] + unit + ")" + suffix[1],
    )


def _why_converted(
    verdict: Verdict, note_zh: str, note_en: str, suffix: tuple[str, str]
) -> tuple[str, str]:
    converted = verdict.converted
    return f"{converted}{note_zh}{suffix[0]}", f"{converted}{note_en}{suffix[1]}"


def _why_converted_rounded(
    verdict: Verdict, note_zh: str, note_en: str, suffix: tuple[str, str]
) -> tuple[str, str]:
    converted, rshown = verdict.converted, verdict.rounded
    return (
        f"{converted}{note_zh} 修约至 {rshown}{suffix[0]}",
        f"{converted}{note_en} rounded to {rshown}{suffix[1]}",
    )


@dataclass(frozen=True, slots=True)
class ItemRule:
    """How one test item is judged. All numbers as the decimal text the standard gives."""

    limit: str
    method: Literal["full", "rounded"] = "full"
    interval: str | None = None
    decimals: int | None = None
    lod: str | None = None
    loq: str | None = None
    unit: str = ""  # the result's unit; converted exactly when the limit states another
    factor: str | None = None  # 以…计: measured × factor is the limited form (苯甲酸钠 → 苯甲酸)
    rounding: str = "gb8170"  # or "gb4789.2": colony counts reported by the method's rule
    screening: bool = False  # clears a limit but cannot fail it (total Hg for methylmercury)


# The columns of a library item (lib_items) and of a frozen sample item (sample_items) that
# make its judgement rule: `item_rule` is the one place that reads them, so a new rule
# field is added here and in the schema, not in every caller.
RULE_COLUMNS = ("limit_text", "method", "interval", "decimals", "lod", "loq", "unit")


class ItemColumns(Protocol):
    """A stored item: a database row or a dict, read by column name."""

    def __getitem__(self, key: str, /) -> Any: ...


# Rule columns a stored item may lack (a library item, a row of a query that does not
# select them, a database before schema 10): read with these defaults.
KIND_COLUMNS = {"factor": None, "rounding": "gb8170", "screening": 0}


def _optional(item: ItemColumns, column: str) -> Any:
    try:
        value = item[column]
    except (KeyError, IndexError):
        return KIND_COLUMNS[column]
    return KIND_COLUMNS[column] if value is None else value


def item_rule(item: ItemColumns) -> ItemRule:
    """The judgement rule of a stored item (a row or dict with `RULE_COLUMNS`, and
    optionally the `KIND_COLUMNS` of issue 14)."""
    decimals = item["decimals"]
    return ItemRule(
        limit=str(item["limit_text"]),
        method=item["method"],
        interval=item["interval"],
        decimals=None if decimals is None else int(decimals),
        lod=item["lod"],
        loq=item["loq"],
        unit=str(item["unit"] or ""),
        factor=_optional(item, "factor"),
        rounding=str(_optional(item, "rounding")),
        screening=bool(_optional(item, "screening")),
    )


def _plain(value: Decimal) -> str:
    """Decimal as plain digits (no exponent), the way a report prints it."""
    text = str(value)
    if "E" in text:
        text = f"{value:f}"
    return text


def _factor(text: str | None) -> Decimal | None:
    """The 以…计 factor: a positive number (0.847), in the one number grammar."""
    if text is None or str(text).strip() == "":
        return None
    value = parse_number(str(text), "factor")
    if value <= 0:
        raise ValidationError(
            "factor",
            "factor_positive",
            f"factor: {quote(str(text))!r} must be above 0 （换算系数须大于 0）",
        )
    return value


def _positive(text: str | None, field: str) -> Decimal | None:
    if text is None or text == "":
        return None
    marked = parse_marked(text, field)
    if marked.mark or marked.value <= 0:
        raise ValidationError(
            field, "positive", f"{field}: {text!r} must be a positive decimal （{field} 须为正数）"
        )
    return marked.value


class CompiledRule:
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
        if rule.method not in ("full", "rounded"):
            raise ValidationError(
                "method",
                "method_choice",
                f"method: {rule.method!r} must be 'full' (全数值比较法) "
                "or 'rounded' (修约值比较法)",
            )
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
        self.factor = _factor(rule.factor)
        self._scale: Decimal | None = None
        if self.factor is not None or unit_ratio is not None:
            if not (limit.is_numeric or limit.is_report_only):
                raise ValidationError(
                    "factor" if self.factor is not None else "unit",
                    "conversion_needs_numeric_limit",
                    f"a factor or a unit conversion needs a numeric limit, not "
                    f"{quote(rule.limit)!r} （换算系数或单位换算只用于数值限量）",
                )
            self._scale = (self.factor or Decimal(1)) * (unit_ratio or Decimal(1))
        if rule.rounding not in ROUNDING_RULES:
            raise ValidationError(
                "rounding",
                "rounding_rule",
                f"rounding: {quote(str(rule.rounding))!r} must be one of "
                f"{', '.join(ROUNDING_RULES)} （修约规则须为 GB/T 8170 或 GB 4789.2）",
            )
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
        self.lod = _positive(rule.lod, "lod")
        self.loq = _positive(rule.loq, "loq")
        if self.lod is not None and self.loq is not None and self.lod > self.loq:
            raise ValidationError(
                "loq",
                "loq_not_below_lod",
                "loq: the LOQ must not be below the LOD （定量限不得低于检出限）",
            )
        step: Decimal | None = None
        if rule.interval not in (None, "") and rule.decimals is not None:
            raise ValidationError(
                "interval", "one_of", "give either an interval or decimals, not both"
            )
        if rule.interval not in (None, ""):
            step = parse_interval(rule.interval)
        elif rule.decimals is not None:
            if isinstance(rule.decimals, bool) or not isinstance(rule.decimals, int):
                raise ValidationError("decimals", "integer", "decimals: give a whole number")
            if not -12 <= rule.decimals <= 12:
                raise ValidationError("decimals", "range", "decimals: must be between -12 and 12")
            step = Decimal(1).scaleb(-rule.decimals)
        elif rule.method == "rounded":
            step = limit.default_interval()
        if rule.method != "rounded":
            step = None
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
            f"未检出（检出限 {_plain(self.lod)}{unit}）" if self.lod is not None else "未检出"
        )
        lod_en = f" (LOD {_plain(self.lod)}{unit})" if self.lod is not None else ""
        self._below_lod_said = (self._lod_display, f"not detected{lod_en}")
        loq_text = f"{_plain(self.loq)}{unit}" if self.loq is not None else ""
        lod_text = f"{_plain(self.lod)}{unit}" if self.lod is not None else "0"
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
            factor = _plain(self.factor)
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
        self._plain_whys = tuple(
            (code, (_why_plain, self._suffix[code])) for code in ("pass", "fail")
        )
        # A converted value's (code, _why) pairs: the notes are the rule's own.
        _, _, note_zh, note_en = self._conv
        builder = _why_converted if self._step is None else _why_converted_rounded
        self._converted_whys = tuple(
            (code, (builder, note_zh, note_en, self._suffix[code])) for code in ("pass", "fail")
        )
        self._rounded_whys = tuple(
            (code, (_why_rounded, self._suffix[code])) for code in ("pass", "fail")
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
        self._stated_pass = (_why_stated, unit, self._suffix["pass"])
        # `<x` against an unconverted full-value limit, by the code of its interval.
        self._below_whys = {
            "pass": (_why_said, None, self._suffix["pass"]),
            "fail": (_why_said, None, self._suffix["fail"]),
            "not_judged": (_why_said, None, self._span_open),
        }
        # Verdicts that depend on the rule alone, made on first use: ND / 未检出 (the
        # rule's LOD), <LOD, <LOQ, and any number below the LOD or in [LOD, LOQ) — each
        # is judged as the same interval whatever was typed. Not a memo of texts.
        self._constant: dict[str, Verdict] = {}
        self.judge = _lanes(self)

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
                    said = "<" + _plain(bound)
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

    def judge_value(self, value: Decimal, said: str) -> Verdict:
        """A computed value (a sum) against the limit: no LOD/LOQ floor applies to it;
        ``said`` names it in the explanation ("0.35+0.20=0.55")."""
        plain = _plain(value)
        if self._kind == "report_only":
            return self._report_only(plain, said)
        if self._colony:
            return item_kinds.judge_scaled(self, value, 0, said)
        if self._scale is not None:  # the words of item_kinds.judge_scaled, built lazily
            return self._judge_plain_scaled(value, said)
        built: Any = _new_building(Building)
        if self._step is None:
            code = self._decide(value, 0)
            built.verdict = code
            built._why = (_why_said, (said, said), self._suffix[code])
            built.compared = built.display = plain
        else:
            rounded = _plain(self._round(value, 0))
            code = self._decide(Decimal(rounded), 0)
            built.verdict = code
            built._why = self._rounded_whys[code == "fail"][1]
            built._said = said
            built.compared = built.display = built.rounded = rounded
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

    def _judge_plain_scaled(self, value: Decimal, shown: str | None = None) -> Verdict:
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
                Decimal(0), entry.value, f"<{_plain(entry.value)}", f"<{_plain(entry.value)}"
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
                Decimal(0), lod, self._lod_display, f"<{_plain(lod)}", self._below_lod_said
            )
        if loq is not None and value < loq:
            return self._judge_span(lod or Decimal(0), loq, "<LOQ", "<LOQ", self._below_loq_said)
        limit = self.limit
        plain = shown = _plain(value)
        if mark:
            shown += _MARK_TEXT[mark]  # compared/explained with the mark, printed without
        if not limit.is_numeric:
            if limit.is_not_detected:
                return self._judge_detected_number(value, shown)
            if limit.is_report_only:
                return self._report_only(plain, shown)
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
            return make_verdict(code, shown, None, plain, shown + zh, shown + en, self.limit_zh)
        rounded = self._round(value, mark)
        rshown = _plain(rounded)
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

    # ------------------------------------------------------------------ intervals
    def _judge_span(
        self,
        low: Decimal,
        high: Decimal,
        display: str,
        compared: str,
        said: Any = None,
        *,
        lod: Decimal | None = None,
        namer: Callable[..., tuple[str, str]] | None = None,
    ) -> Verdict:
        """The true value lies in [low, high); decide if all, none or some of it passes.

        ``said`` is how the explanation names the result (zh, en); default ``compared``.
        ``lod`` replaces the rule's LOD (an entry that states its own, "ND(0.01)").
        ``namer(verdict, said, tail)`` builds the explanation; default `_why_said`.
        """
        if namer is None:
            namer = _why_said
        kind = self._kind
        if kind == "report_only":
            return self._report_only(display, compared)
        if kind == "not_detected":
            lod = self.lod if lod is None else lod
            if lod is not None and high <= lod:
                return self._lazy("pass", compared, display, (namer, said, self._suffix["pass"]))
            if lod is not None and low >= lod:
                return self._lazy("fail", compared, display, (namer, said, self._nd_fail))
            return self._not_judged(
                display,
                compared,
                f"{compared} 不能说明是否低于检出限"
                + ("" if lod is not None else "（未给出检出限）")
                + f"，{self.limit_zh}，无法判定",
                f"{compared} does not show whether the value is below the LOD"
                + ("" if lod is not None else " (no LOD given)")
                + "; not judged",
            )
        if not self._numeric:
            return self._lazy(
                "not_judged", compared, display, (_why_said, None, self._text_criterion)
            )
        scale = self._scale
        if scale is not None:  # the interval is in the result's unit: convert both ends
            low, high = _WIDE.multiply(low, scale), _WIDE.multiply(high, scale)
        closed_high = False
        if self._step is not None:  # rounded method: the rounded values lie in [r(low), r(high)]
            low, high, closed_high = self._round(low, 0), self._round(high, 0), True
        if high < low or (high == low and not closed_high):
            return self._not_judged(
                display,
                compared,
                "检出限与定量限相同，<LOQ 无意义，无法判定",
                "the LOD equals the LOQ, so <LOQ is empty; not judged",
            )
        code = self._span_code(low, high, closed_high)
        if code == "not_judged":
            return self._lazy(code, compared, display, (namer, said, self._span_open))
        return self._lazy(code, compared, display, (namer, said, self._suffix[code]))

    def _span_code(self, low: Decimal, high: Decimal, closed_high: bool) -> VerdictCode:
        """Values in [low, high) (or [low, high]) against the bounds: all pass, none, or some."""
        lo, up = self._lo, self._up
        # entirely outside?
        if up is not None and (low > up or (low == up and not self._up_incl)):
            return "fail"
        if lo is not None and (
            high < lo or (high == lo and (not closed_high or not self._lo_incl))
        ):
            return "fail"
        upper_ok = up is None or high < up or (high == up and (self._up_incl or not closed_high))
        lower_ok = lo is None or low > lo or (low == lo and self._lo_incl)
        return "pass" if upper_ok and lower_ok else "not_judged"

    def _judge_stated_lod(self, stated: Decimal, plain: str | None = None) -> Verdict:
        """ND with this measurement's own LOD, "ND(0.01)" (stated > 0); ``plain`` is the
        LOD's plain form when the caller has it."""
        if plain is None:
            plain = _plain(stated)
        unit = self._unit_tail
        display = "未检出（检出限 " + plain + unit + "）"
        kind = self._kind
        if kind == "not_detected":  # below its own LOD: always passes (see _judge_span)
            built: Any = _new_building(Building)
            built.verdict = "pass"
            built.compared = "<" + plain
            built.display = display
            built._why = self._stated_pass
            built.limit = self.limit_zh
            built.__class__ = Verdict
            return built
        if kind == "qualitative":
            return self._judge_word("未检出", display)
        return self._judge_span(
            _ZERO, stated, display, "<" + plain, unit, lod=stated, namer=_why_stated
        )

    def _judge_below_lod(self, entry: Entry) -> Verdict:
        if entry.kind == "not_detected" and entry.value is not None:
            return self._judge_stated_lod(entry.value)
        lod = self.lod
        if self.limit.is_qualitative:
            return self._judge_word("未检出", self._lod_display)
        if lod is not None:
            return self._judge_span(
                Decimal(0), lod, self._lod_display, f"<{_plain(lod)}", self._below_lod_said
            )
        limit = self.limit
        if limit.is_not_detected and limit.criterion:
            # A presence test of a stated portion ("不得检出/25 g"): the portion is the
            # basis of 未检出, there is no concentration LOD to state.
            return self._judge_word("未检出", "未检出")
        raise ValidationError(
            "result",
            "lod_required",
            f"result {entry.text!r}: the item has no detection limit, and 未检出 must say "
            "below what. Type ND with this measurement's LOD, e.g. ND(0.01), or <0.01, or "
            "enter the method's LOD on the item (with a reason). "
            f"（结果“{entry.text}”：该项目没有检出限，“未检出”须注明检出限。请填写 ND(检出限)，"
            "如 ND(0.01)，或 <0.01，或先为该项目录入方法检出限并说明原因）",
        )

    def _judge_detected_number(self, value: Decimal, shown: str) -> Verdict:
        """A number (at or above any LOD) against 不得检出."""
        if value > 0:
            return self._verdict(
                "fail",
                shown,
                shown,
                f"检出 {shown}，{self.limit_zh}，不合格",
                f"detected at {shown}, limit {self.limit_en}: fail",
            )
        return self._not_judged(
            shown,
            shown,
            f"{shown} 不能说明是否检出（未给出检出限），无法判定",
            f"{shown} does not say whether the analyte was detected (no LOD given); not judged",
        )

    # ------------------------------------------------------------------ words
    def _judge_word(self, word: str, display: str | None = None) -> Verdict:
        shown = display or word
        limit = self.limit
        if limit.is_report_only:
            return self._report_only(shown, word)
        if limit.is_not_detected:
            passing, failing = _NEGATIVE_WORDS
        elif limit.is_qualitative:
            criterion = limit.criterion
            if criterion.startswith("阴性"):
                passing, failing = _NEGATIVE_WORDS
            elif criterion.startswith(("无", "应无", "不得有")):
                passing, failing = _ABSENT_WORDS
            else:
                passing, failing = _COMPLIES_WORDS
        else:
            return self._not_judged(
                shown,
                word,
                f"“{word}”不是数值，不能与 {self.limit_zh} 比较",
                f"{word!r} is not a number and cannot be compared with {self.limit_en}",
            )
        if word in passing:
            return self._lazy("pass", word, shown, (_why_said, None, self._suffix["pass"]))
        if word in failing:
            return self._lazy("fail", word, shown, (_why_said, None, self._suffix["fail"]))
        return self._not_judged(
            shown,
            word,
            f"“{word}”不能说明是否符合 {self.limit_zh}，无法判定",
            f"{word!r} does not say whether {self.limit_en} is met; not judged",
        )

    # ------------------------------------------------------------------ makers
    def _lazy(
        self, code: VerdictCode, compared: str, display: str, why: tuple[Any, ...]
    ) -> Verdict:
        """A Verdict whose explanations ``why`` builds when first read."""
        built: Any = _new_building(Building)
        built.verdict = code
        built.compared = compared
        built.display = display
        built._why = why
        built.limit = self.limit_zh
        built.__class__ = Verdict
        return built

    def _verdict(self, code: VerdictCode, compared: str, display: str, zh: str, en: str) -> Verdict:
        return make_verdict(code, compared, None, display, zh, en, self.limit_zh)

    def _not_judged(self, display: str, compared: str, zh: str, en: str) -> Verdict:
        return make_verdict("not_judged", compared, None, display, zh, en, self.limit_zh)

    def _report_only(self, display: str, compared: str) -> Verdict:
        return make_verdict(
            "not_judged",
            compared,
            None,
            display,
            f"{display}，报告实测值，不作判定",
            f"{display}: reported only, not judged",
            self.limit_zh,
            True,
        )


def _canonical(digits: str) -> bool:
    """Whether digits with at most one point are already their value's plain form: no
    trailing point, and no leading zero or point unless "0." begins it."""
    return digits[-1] != "." and (digits[1:2] == "." or "0" != digits[0] != ".")


def _lanes(rule: CompiledRule) -> Callable[[str], Verdict]:
    """The `CompiledRule.judge` of one rule: a closure with what the rule's commonest
    entries need bound as its own variables, made once when the rule compiles.

    Most typed results are ASCII digits with at most one point (0.052), and the rest
    mostly ``<x`` and ``ND(x)``; for these the closure goes straight to the verdict —
    no entry object, no dispatch on what the rule is, explanations left to build when
    read — and everything else goes to `CompiledRule._judge_general`, which is the
    reference: tests/core/test_judge_lanes.py holds the two equal on every field.
    """
    general = rule._judge_general
    if rule._screening or rule._plan is not None:
        return general  # a screening verdict is rewritten after judging; plans are items
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

    def bounds(text: str) -> Verdict:
        """``<x`` and ``ND(x)`` in ASCII (x > 0); else the general path."""
        if text[:1] == "<":
            rest = text[1:]
            if rest and rest.replace(".", "", 1).isdigit():
                bound = Decimal(rest)
                if bound:
                    said = text if _canonical(rest) else "<" + _plain(bound)
                    if not plain_span:
                        return span(_ZERO, bound, said, said)
                    # `_judge_span` of [0, x) against a full-value numeric limit.
                    built: Any = new(Building)
                    built.verdict = code = span_code(_ZERO, bound, False)
                    built.compared = built.display = said
                    built._why = below_whys[code]
                    built.limit = limit_zh
                    built.__class__ = Verdict
                    return built
        elif text[:3] == "ND(" and text[-1] == ")":
            inner = text[3:-1]
            if inner and inner.replace(".", "", 1).isdigit():
                stated = Decimal(inner)
                if stated:
                    return stated_lod(stated, inner if _canonical(inner) else None)
        return general(text)

    # The memo: verdicts are immutable and depend only on the rule and the text, and lab
    # results repeat (three significant figures, the same blanks and NDs), so each rule
    # keeps its last `MEMO_SIZE` verdicts by text (emptied when full). It is written into
    # each lane below, not wrapped around them: a wrapping call cost distinct values twice
    # what the look-up and the store do (docs/performance.md).
    memo: dict[str, Verdict] = {}
    memo_get = memo.get

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
                        text  # `_canonical`, written out
                        if text[-1] != "." and (text[1:2] == "." or "0" != text[0] != ".")
                        else _plain(value)
                    )
                    built.limit = limit_zh
                    built.__class__ = Verdict
                    verdict = built
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[text] = verdict
            return verdict

        return judge_rounded

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
                    verdict = number(value, text if _canonical(text) else _plain(value))
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
                    text  # `_canonical`, written out
                    if text[-1] != "." and (text[1:2] == "." or "0" != text[0] != ".")
                    else _plain(value)
                )
                built.limit = limit_zh
                built.__class__ = Verdict
                verdict = built
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[text] = verdict
        return verdict

    return judge_full


def compile_rule(rule: ItemRule | str) -> CompiledRule:
    """Parses a rule once (limit, interval, LOD/LOQ); a bare string is a full-value limit."""
    if isinstance(rule, str):
        rule = ItemRule(limit=rule)
    return CompiledRule(rule)


def judge(rule: ItemRule | str | CompiledRule, text: str) -> Verdict:
    """One-off judgement; for many results compile the rule once with `compile_rule`."""
    compiled = rule if isinstance(rule, CompiledRule) else compile_rule(rule)
    return compiled.judge(text)


# ---------------------------------------------------------------------- per sample


@dataclass(frozen=True, slots=True)
class Conclusion:
    """A sample's conclusion (检验结论) from its items' verdicts."""

    code: VerdictCode
    label_zh: str
    failing_items: tuple[str, ...]
    undecided_items: tuple[str, ...]
    sentence_zh: str
    sentence_en: str
    pending_items: tuple[str, ...] = ()  # screening items awaiting the confirmatory test


def _item_list_zh(names: Sequence[str]) -> str:
    """`铅、镉项目` but `pH 项目`: Chinese text takes no space before 项目 after a Chinese name,
    and one after a Latin or numeric name so the two do not run together."""
    joined = "、".join(names)
    return f"{joined} 项目" if joined[-1:].isascii() else f"{joined}项目"


def conclude(product: str, standard: str, items: Sequence[tuple[str, Verdict]]) -> Conclusion:
    """合格 when every judged item passes; 不合格 when any fails; otherwise 不判定.

    Report-only items never block 合格; any other not-judged item (a missing or
    undecidable result against a limit) makes the conclusion 不判定 unless something failed.
    """
    failing = tuple(name for name, v in items if v.verdict == "fail")
    undecided = tuple(name for name, v in items if v.verdict == "not_judged" and not v.report_only)
    pending = tuple(name for name, v in items if v.pending)
    judged = [name for name, v in items if not v.report_only]
    std_zh = f" {standard.strip()} " if standard.strip() else ""
    std_en = f" {standard.strip()}" if standard.strip() else " the standard"
    subject_en = f"{product.strip()}: " if product.strip() else ""
    if pending:
        # A screening value above its limit: neither pass nor fail until the confirmatory
        # test is done, and a report issued now would have to be corrected then.
        code: VerdictCode = "not_judged"
        sentence_zh = (
            f"经抽样检验，{_item_list_zh(pending)}筛查结果超过限量，需做确证试验，"
            "确证前不能作出检验结论。"
        )
        sentence_en = (
            f"{subject_en}{', '.join(pending)} screened above the limit; the confirmatory "
            "test is needed before the sample can be concluded."
        )
    elif failing:
        code = "fail"
        sentence_zh = (
            f"经抽样检验，{_item_list_zh(failing)}不符合{std_zh}标准要求，检验结论为不合格。"
        )
        sentence_en = f"{subject_en}{', '.join(failing)} did not meet{std_en}; conclusion: fail."
    elif undecided or not judged:
        code = "not_judged"
        names = _item_list_zh(undecided) if undecided else "所检项目"
        sentence_zh = f"经抽样检验，{names}无法判定是否符合{std_zh}标准要求，检验结论为不判定。"
        what = ", ".join(undecided) if undecided else "no item with a limit"
        sentence_en = f"{subject_en}{what} could not be judged against{std_en}; not judged."
    else:
        code = "pass"
        sentence_zh = f"经抽样检验，所检项目符合{std_zh}标准要求，检验结论为合格。"
        sentence_en = f"{subject_en}all items tested meet{std_en}; conclusion: pass."
    return Conclusion(
        code,
        LABEL_ZH[code],
        failing,
        undecided,
        sentence_zh.replace("  ", " "),
        sentence_en,
        pending,
    )
