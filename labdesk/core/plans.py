"""Microbiological sampling plans (n, c, m, M) and the values of their units.

A plan is written as GB 29921-2021 prints its columns, as ``key=value`` pairs separated by
commas (or spaces, semicolons): ``n=5,c=2,m=100 CFU/g,M=1000 CFU/g`` (three-class),
``n=5,c=0,m=100 CFU/g`` or ``…,M=-`` (two-class), ``n=5,c=0,m=0 /25g,M=-`` (presence per
25 g). Numbers follow `core.numbers` (``m=10^4``, ``m=10⁴``, ``m=1e4``, ``m=10000``).

Rules (GB 4789.1; domain brief): n units are tested; a three-class plan passes iff no unit
exceeds M and at most c units lie in (m, M]; a two-class plan iff at most c units exceed m.
A plan with c > n, m > M (or m = M), a unit on m different from M's, a presence plan with
m ≠ 0 or an M, is refused naming the field and the rule.

Unit values (1#…n#), separated by ``;`` (or a tab or a line break, as a row pasted from
Excel): a count (``80``, ``16000``, ``2.1E4``, ``1.6×10⁴``, ``1.6×10^4``), ``<10`` (below
the lowest countable dilution), ``>x`` (above x, e.g. too many to count at the highest
dilution), ``未检出`` / ``ND`` / ``阴性``, ``检出`` / ``阳性``. A unit whose value only
bounds the count is classed by every count it allows: the plan passes only if every
possibility passes, fails if every one fails, and is not judged otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from labdesk.core.errors import ValidationError
from labdesk.core.numbers import MAX_EXPONENT, NumberSyntaxError, quote, scan_number
from labdesk.core.rounding import normalize_number_text

__all__ = [
    "MAX_UNITS",
    "PlanOutcome",
    "PlanSyntaxError",
    "SamplingPlan",
    "UnitValue",
    "classify_plan",
    "explain_plan",
    "judge_plan",
    "looks_like_plan",
    "parse_plan",
    "parse_unit_values",
    "read_unit",
    "read_units",
    "split_units",
]

MAX_UNITS = 60  # GB 4789.1 plans use n = 5; a few product standards more. 60 bounds a paste.
_KEY = re.compile(r"\s*([ncmM])\s*[=＝:：]\s*")
_NONE = frozenset({"-", "—", "/", "－", "——", "--", ""})
_SEPARATORS = re.compile(r"\r\n|[;；\t\r\n]")
_ND = frozenset({"未检出", "ND", "N.D.", "阴性", "NEGATIVE"})
_DETECTED = frozenset({"检出", "阳性", "POSITIVE"})


class PlanSyntaxError(ValidationError):
    """A plan text that does not read: ``position`` (0-based) and ``expected``."""

    def __init__(self, text: str, position: int, expected_en: str, expected_zh: str) -> None:
        self.text = text
        self.position = position
        self.expected = expected_en
        super().__init__(
            "limit",
            "plan_syntax",
            f"limit {quote(text)!r}: expected {expected_en} at position {position} "
            f"（采样方案“{quote(text)}”第 {position + 1} 个字符处应为{expected_zh}）",
            en=f"limit {quote(text, language='en')!r}: expected {expected_en} at position "
            f"{position}",
            zh=f"采样方案“{quote(text, language='zh')}”第 {position + 1} 个字符处应为{expected_zh}",
        )


@dataclass(frozen=True, slots=True)
class SamplingPlan:
    n: int
    c: int
    m: Decimal
    M: Decimal | None  # None: a two-class plan
    unit: str  # "CFU/g"; "" for a presence plan
    basis: str  # "/25 g" for presence per 25 g, else ""
    m_text: str
    M_text: str
    text: str

    @property
    def three_class(self) -> bool:
        return self.M is not None

    @property
    def presence(self) -> bool:
        return bool(self.basis)

    def describe_zh(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.presence:
            return f"n={self.n}，c={self.c}，m=0{self.basis}（不得检出）"
        big = f"，M={self.M_text}{unit}" if self.M is not None else ""
        return f"n={self.n}，c={self.c}，m={self.m_text}{unit}{big}"

    def describe_en(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.presence:
            return f"n={self.n}, c={self.c}, m=0{self.basis} (not detected)"
        kind = "three-class" if self.M is not None else "two-class"
        big = f", M={self.M_text}{unit}" if self.M is not None else ""
        return f"{kind} plan n={self.n}, c={self.c}, m={self.m_text}{unit}{big}"


def looks_like_plan(text: str) -> bool:
    """Whether a limit text is a sampling plan (it begins with ``n=``)."""
    return _KEY.match(normalize_number_text(text)) is not None and text.lstrip()[:1] == "n"


def _rule(rule: str, en: str, zh: str) -> ValidationError:
    return ValidationError(
        "limit", rule, f"limit: {en} （采样方案：{zh}）", en=f"limit: {en}", zh=f"采样方案：{zh}"
    )


def parse_plan(original: str) -> SamplingPlan:
    text = normalize_number_text(original)
    values: dict[str, tuple[int, str]] = {}  # key → (position of its value, raw value)
    pos = 0
    keys = list(_KEY.finditer(text))
    if not keys or (keys[0].start() != 0 and text[: keys[0].start()].strip()):
        raise PlanSyntaxError(original, 0, "n=…, c=…, m=… [, M=…]", "n=…，c=…，m=…[，M=…]")
    for index, match in enumerate(keys):
        if text[pos : match.start()].strip(" ,，;；") and index:
            raise PlanSyntaxError(original, pos, "a separator (,)", "分隔符（，）")
        key = match.group(1)
        if key in values:
            raise PlanSyntaxError(
                original, match.start(), f"{key} only once", f"{key} 只能出现一次"
            )
        end = keys[index + 1].start() if index + 1 < len(keys) else len(text)
        raw = text[match.end() : end]
        values[key] = (match.end(), raw.rstrip().rstrip(",，;；").rstrip())
        pos = end
    for key in ("n", "c", "m"):
        if key not in values:
            raise PlanSyntaxError(original, len(text), f"{key}=…", f"{key}=…")
    n = _count(original, *values["n"], "n")
    c = _count(original, *values["c"], "c")
    if n < 1 or n > MAX_UNITS:
        raise _rule(
            "plan_n_range", f"n={n} must be from 1 to {MAX_UNITS}", f"n 须为 1～{MAX_UNITS}"
        )
    if c > n:
        raise _rule(
            "plan_c_above_n",
            f"c={c} is more than n={n}: at most n units can be above m",
            f"c={c} 大于 n={n}",
        )
    m, m_text, m_unit, basis = _level(original, *values["m"], "m")
    M: Decimal | None = None
    M_text, M_unit = "", ""
    if "M" in values and values["M"][1].strip() not in _NONE:
        M, M_text, M_unit, big_basis = _level(original, *values["M"], "M")
        if big_basis:
            raise PlanSyntaxError(original, values["M"][0], "M as a count", "M 应为计数")
    if basis:
        if m != 0 or M is not None:
            raise _rule(
                "plan_presence",
                f"a presence plan per {basis.strip('/ ')} has m=0 and no M",
                "按份检出的方案 m=0 且无 M",
            )
        return SamplingPlan(n, c, m, None, "", basis, m_text, "", original)
    if m < 0:
        raise _rule("plan_m_negative", "m cannot be negative", "m 不能为负")
    if M is not None:
        if m > M:
            raise _rule("plan_m_above_M", f"m={m_text} is above M={M_text}", f"m={m_text} 大于 M")
        if m == M:
            raise _rule(
                "plan_m_equals_M",
                f"m equals M ({m_text}): write a two-class plan without M",
                "m 与 M 相同：应写成二级方案（无 M）",
            )
        if m_unit and M_unit and m_unit != M_unit:
            raise _rule(
                "plan_unit_mismatch",
                f"m is in {m_unit} but M in {M_unit}",
                f"m 的单位 {m_unit} 与 M 的单位 {M_unit} 不同",
            )
    return SamplingPlan(n, c, m, M, m_unit or M_unit, "", m_text, M_text, original)


def _count(original: str, position: int, raw: str, key: str) -> int:
    body = raw.strip()
    if not body.isdigit() or not body.isascii() or len(body) > 3:
        raise PlanSyntaxError(original, position, f"{key} as a whole number", f"{key} 为整数")
    return int(body)


def _level(original: str, position: int, raw: str, key: str) -> tuple[Decimal, str, str, str]:
    """(value, as written, unit, basis) of m or M: "100 CFU/g", "10^4", "0 /25g"."""
    text = normalize_number_text(original)
    lead = len(raw) - len(raw.lstrip())
    try:
        scanned = scan_number(text, position + lead, "limit", original)
    except NumberSyntaxError:
        raise PlanSyntaxError(
            original, position + lead, f"{key} as a number (100, 10^4, 1e4)", f"{key} 为数值"
        ) from None
    rest = raw[scanned.end - position :].strip()
    if scanned.value < 0:
        raise _rule(f"plan_{key}_negative", f"{key} cannot be negative", f"{key} 不能为负")
    if rest.startswith(("/", "每")):
        body = rest.lstrip("/每").strip()
        digits = body.rstrip("gGmLl ").strip()
        if not digits:
            raise PlanSyntaxError(original, scanned.end, "a portion such as /25 g", "如 /25 g")
        return scanned.value, scanned.written, "", f"/{digits} {body[len(digits) :].strip()}"
    unit = "".join(rest.split())
    if unit and (not (unit[0].isalpha() or unit[0] in "%‰") or any(ch in unit for ch in ",，;；=")):
        raise PlanSyntaxError(original, scanned.end, "a unit such as CFU/g", "单位，如 CFU/g")
    if len(unit) > 24:
        raise _rule("unit_length", f"the unit of {key} is too long", f"{key} 的单位过长")
    return scanned.value, scanned.written, unit, ""


# ----------------------------------------------------------------------------- units


@dataclass(frozen=True, slots=True)
class UnitValue:
    """One unit's value: the count lies in [low, high] (``open_low``/``open_high`` strict).

    ``kind``: "count" (low = high = the count), "below" (<x), "above" (>x),
    "not_detected", "detected". ``high`` is None for no upper bound.
    """

    text: str
    kind: str
    low: Decimal
    high: Decimal | None
    open_low: bool = False
    open_high: bool = False


def parse_unit_values(text: str, field: str = "result") -> list[UnitValue]:
    """The unit values of a plan result, in order (1#, 2#, …)."""
    return [
        v if isinstance(v, UnitValue) else UnitValue(_plain(v), "count", v, v)
        for v in read_units(text, field, scientific=False)
    ]


def read_unit(text: str, number: int, field: str = "result") -> UnitValue:
    """One unit's value typed alone (unit `number`, 1-based: a grid's n# cell); refused,
    naming the unit, if empty or holding a separator (one value per unit)."""
    part = text.strip()
    if not part:
        raise ValidationError(
            field,
            "unit_empty",
            f"{field} {number}#: a unit value is empty （第 {number} 个样品单元结果不能为空）",
        )
    if len(part) > 42 or _SEPARATORS.search(part):
        raise ValidationError(
            field,
            "unit_format",
            f"{field} {number}#: {quote(part)!r} holds more than one value; type one value per "
            f"unit （第 {number} 个样品单元只填一个结果）",
        )
    return _unit_value(part, field, number)


def split_units(text: str) -> list[str]:
    """The unit values of a plan result as typed, in order (for storing each one)."""
    return [part.strip() for part in _SEPARATORS.split(text.strip())]


def read_units(
    text: str, field: str = "result", *, scientific: bool = True
) -> list[UnitValue | Decimal]:
    """As `parse_unit_values`, a count given as its Decimal (the common case, read
    without building a UnitValue: a plan item is judged 100,000 times in a batch). With
    ``scientific`` a count written ``1.6×10^4`` or ``2.1E4`` is given as its Decimal too
    (the value `scan_number` reads, ``Decimal(mantissa).scaleb(power)``); without, as a
    UnitValue keeping its text."""
    if len(text) > MAX_UNITS * 42:
        raise ValidationError(
            field, "result_length", f"{field}: too long for {MAX_UNITS} unit values （结果过长）"
        )
    stripped = text.strip()
    if (
        "；" not in stripped
        and "\t" not in stripped
        and "\n" not in stripped
        and "\r" not in stripped
    ):
        parts = stripped.split(";")  # what `_SEPARATORS` would split
    else:
        parts = _SEPARATORS.split(stripped)
    out: list[UnitValue | Decimal] = []
    for part in parts:
        if part.isdigit() and part.isascii():
            out.append(Decimal(part))
            continue
        word = _WORD_VALUES.get(part)
        if word is not None:
            out.append(word)
            continue
        if part[:1] == "<" and part[1:].isdigit() and part.isascii() and part[1:].strip("0"):
            below = _BELOW.get(part)
            if below is None:
                if len(_BELOW) >= 256:
                    _BELOW.clear()
                below = _BELOW[part] = UnitValue(
                    part, "below", Decimal(0), Decimal(part[1:]), open_high=True
                )
            out.append(below)
            continue
        if scientific:
            head, times, tail = part.partition("×10^")
            if not times:
                head, times, tail = part.partition("E")
            # `_mantissa(head)` and `_power(tail)`, written out (35 % of a count sheet's
            # values above 100 are written so).
            if (
                times
                and tail.isdigit()
                and len(tail) <= 2
                and tail.isascii()
                and head.replace(".", "", 1).isdigit()
                and head.isascii()
                and head[0] != "."
                and head[-1] != "."
                and int(tail) <= MAX_EXPONENT
            ):
                out.append(Decimal(head).scaleb(int(tail)))
                continue
        part = part.strip()
        if not part:
            raise ValidationError(
                field,
                "unit_empty",
                f"{field} {quote(text)!r}: a unit value is empty; give one value per unit, "
                "separated by ; （每个样品单元须有一个结果，以 ; 分隔，不得为空）",
            )
        out.append(_unit_value(part, field, len(out) + 1))  # one value per part so far
    return out


# "<10" and its like, each made once: UnitValues are immutable, and a count sheet
# repeats its lowest dilution's bound on every unit below it (bounded, emptied when full).
_BELOW: dict[str, UnitValue] = {}
_WORD_VALUES = {
    **{w: UnitValue(w, "not_detected", Decimal(0), Decimal(0)) for w in ("未检出", "ND", "阴性")},
    **{w: UnitValue(w, "detected", Decimal(0), None, open_low=True) for w in ("检出", "阳性")},
}


def _plain(value: Decimal) -> str:
    text = str(value)
    return f"{value:f}" if "E" in text else text


def _unit_value(part: str, field: str, number: int) -> UnitValue:
    normal = normalize_number_text(part).strip()
    compact = normal.replace(" ", "")
    if compact.upper() in _ND:
        return UnitValue(part, "not_detected", Decimal(0), Decimal(0))
    if compact.upper() in _DETECTED:
        return UnitValue(part, "detected", Decimal(0), None, open_low=True)
    kind = "count"
    start = 0
    if compact[:1] in "<﹤>﹥":
        kind = "below" if compact[0] in "<﹤" else "above"
        start = 1
    if "," in compact or "，" in compact:
        raise ValidationError(
            field,
            "unit_format",
            f"{field} {number}#: {quote(part)!r} has a comma; separate units with ; and write "
            "counts without thousands separators （样品单元之间用 ; 分隔，数字不加千位分隔符）",
        )
    try:
        scanned = scan_number(compact, start, f"{field} {number}#", part)
    except NumberSyntaxError as exc:
        raise ValidationError(
            field,
            "unit_format",
            f"{field} {number}#: {quote(part)!r} is not a count (80, 16000, 2.1E4, 1.6×10⁴, "
            f"<10, >1.5×10⁵, 未检出, 检出): {exc} "
            f"（第 {number} 个样品单元“{quote(part)}”不是计数结果）",
        ) from None
    if scanned.end != len(compact):
        raise ValidationError(
            field,
            "unit_format",
            f"{field} {number}#: {quote(part)!r}: nothing may follow the count (the unit is the "
            f"plan's) （第 {number} 个样品单元：计数后不应有其他内容）",
        )
    value = scanned.value
    if value < 0:
        raise ValidationError(
            field,
            "count_negative",
            f"{field} {number}#: a count cannot be negative （计数不能为负）",
        )
    if kind == "below":
        if value <= 0:
            raise ValidationError(
                field,
                "unit_format",
                f"{field} {number}#: '<' needs a positive number （“<”后应为正数）",
            )
        return UnitValue(part, "below", Decimal(0), value, open_high=True)
    if kind == "above":
        return UnitValue(part, "above", value, None, open_low=True)
    return UnitValue(part, "count", value, value)


# ------------------------------------------------------------------------- judgement


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    code: str  # pass / fail / not_judged
    shown: tuple[str, ...]  # each unit as reported (rounded by the item's rule)
    above_m: int  # units certainly above m
    above_big_m: int  # units certainly above M
    undecided: int  # units whose class the value does not settle
    explanation_zh: str
    explanation_en: str


def _above(value: UnitValue, level: Decimal) -> bool | None:
    """True: certainly above ``level``; False: certainly at or below; None: either."""
    if value.low > level or (value.low == level and value.open_low):
        return True
    if value.high is not None and value.high <= level:
        return False
    return None


def classify_plan(
    plan: SamplingPlan,
    values: Sequence[UnitValue | Decimal],
    report: Callable[[Decimal], tuple[Decimal, str]] | None = None,
    field: str = "result",
) -> tuple[str, list[str], int, int, int, int, int]:
    """`judge_plan` without the explanation (built only when read, see
    `explain_plan`): (code, units shown, sure_m, maybe_m, sure_big, maybe_big, undecided)."""
    if len(values) != plan.n:
        raise ValidationError(
            field,
            "unit_count",
            f"{field}: {len(values)} unit values given, the plan has n={plan.n} "
            f"（给出 {len(values)} 个样品单元结果，方案 n={plan.n}）",
        )
    m, big, presence = plan.m, plan.M, bool(plan.basis)
    shown: list[str] = []
    sure_m = maybe_m = sure_big = maybe_big = undecided = 0
    for value in values:
        if isinstance(value, UnitValue):  # else a plain count, as its Decimal
            kind = value.kind
            if kind == "count":
                value = value.low
            else:
                text = value.text  # normalising maps no ASCII character
                shown.append(
                    text.strip() if text.isascii() else normalize_number_text(text).strip()
                )
                if kind == "not_detected":
                    continue  # [0, 0]: above no m and no M, and settled
                if presence and kind == "above" and value.low > 0:
                    value = _DETECTED_VALUE
                over_m = _above(value, m)
                over_big = _above(value, big) if big is not None else False
                sure_m += over_m is True
                maybe_m += over_m is not False
                sure_big += over_big is True
                maybe_big += over_big is not False
                undecided += (over_m is None) + (over_m is True and over_big is None)
                continue
        if report is not None:
            value, text = report(value)
        else:
            text = str(value)  # `_plain`, written out
            if "E" in text:
                text = f"{value:f}"
        shown.append(text)
        if value > m:  # a count above m (in a presence plan: any count above 0)
            sure_m += 1
            maybe_m += 1
            if big is not None and value > big:
                sure_big += 1
                maybe_big += 1
    if sure_big or sure_m > plan.c:
        code = "fail"
    elif maybe_big == 0 and maybe_m <= plan.c:
        code = "pass"
    else:
        code = "not_judged"
    return code, shown, sure_m, maybe_m, sure_big, maybe_big, undecided


def judge_plan(
    plan: SamplingPlan,
    values: Sequence[UnitValue | Decimal],
    report: Callable[[Decimal], tuple[Decimal, str]] | None = None,
    field: str = "result",
    described: tuple[str, str] | None = None,
) -> PlanOutcome:
    """One verdict from all units. ``report`` rounds a count as the item says (value
    compared, text shown); None compares counts as typed. A plain count may be given as
    its Decimal (`read_units`). ``described`` is the plan as the explanation names it
    (zh, en), when the caller has it already (a compiled rule does)."""
    code, shown, sure_m, maybe_m, sure_big, maybe_big, undecided = classify_plan(
        plan, values, report, field
    )
    zh, en = explain_plan(plan, shown, code, sure_m, maybe_m, sure_big, maybe_big, described)
    return PlanOutcome(code, tuple(shown), sure_m, sure_big, undecided, zh, en)


_DETECTED_VALUE = UnitValue("检出", "detected", Decimal(0), None, open_low=True)


def explain_plan(
    plan: SamplingPlan,
    shown: Sequence[str],
    code: str,
    sure_m: int,
    maybe_m: int,
    sure_big: int,
    maybe_big: int,
    described: tuple[str, str] | None = None,
) -> tuple[str, str]:
    unit = f" {plan.unit}" if plan.unit else ""
    numbers = range(1, len(shown) + 1)
    listed = "、".join(map("{}#{}".format, numbers, shown))
    listed_en = ", ".join(map("{}# {}".format, numbers, shown))
    plan_zh, plan_en = described or (plan.describe_zh(), plan.describe_en())
    head_zh = f"{listed}{unit}；{plan_zh}"
    head_en = f"{listed_en}{unit}; {plan_en}"
    level = "检出" if plan.presence else "超过 m"
    level_en = "detected" if plan.presence else "above m"
    if code == "fail" and sure_big:
        return (
            f"{head_zh}：{sure_big} 个单元超过 M，不合格",
            f"{head_en}: {sure_big} unit(s) above M: fail",
        )
    if code == "fail":
        return (
            f"{head_zh}：{sure_m} 个单元{level}，多于 c={plan.c}，不合格",
            f"{head_en}: {sure_m} unit(s) {level_en}, more than c={plan.c}: fail",
        )
    if code == "pass":
        big = "，无单元超过 M" if plan.M is not None else ""
        big_en = ", none above M" if plan.M is not None else ""
        return (
            f"{head_zh}：{sure_m} 个单元{level}（允许 c={plan.c}）{big}，合格",
            f"{head_en}: {sure_m} unit(s) {level_en} (c={plan.c} allowed){big_en}: pass",
        )
    return (
        f"{head_zh}：{sure_m}～{maybe_m} 个单元{level}"
        + (f"、至多 {maybe_big} 个可能超过 M" if maybe_big else "")
        + "，部分结果只给出范围，无法判定",
        f"{head_en}: between {sure_m} and {maybe_m} unit(s) {level_en}"
        + (f", up to {maybe_big} possibly above M" if maybe_big else "")
        + "; some values only bound the count: not judged",
    )
