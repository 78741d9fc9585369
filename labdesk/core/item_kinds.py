"""The item kinds beyond "one typed value against one limit", for `core.judgement`:

- **sums** ("以 A 和 B 之和计"): ``0.35+0.20`` — each component read as a result (a number,
  ND / 未检出 with the rule's LOD, ``<x``); the sum is exact in Decimal. A component that
  only bounds its value makes the sum an interval ([Σ low, Σ high)), judged as any
  interval is (passes only if all of it passes). The components are kept on the verdict;
- **conversions**: the result's unit to the limit's (`core.units`) and the 以…计 factor
  (苯甲酸钠 × 0.847 → 苯甲酸): one exact multiplication by the rule's scale; the converted
  value is judged and both are shown (`Verdict.converted`);
- **GB 4789.2 colony counts**: a count rounded by the method's rule, then compared;
- **sampling plans** (`core.plans`): all n unit values → one verdict;
- **screening**: a value above its limit does not fail, it needs the confirmatory test
  (not judged, `Verdict.pending`), and the sample cannot be concluded until it is done.

These functions are the CompiledRule's own slow paths, kept apart so the common path of
`core.judgement` stays short; they read the compiled rule's precomputed fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Context, Decimal, Inexact, InvalidOperation
from typing import Any, Protocol

from labdesk.core.entries import MAX_LENGTH, parse_entry
from labdesk.core.errors import ValidationError
from labdesk.core.limits import Limit
from labdesk.core.numbers import quote
from labdesk.core.plans import SamplingPlan, classify_plan, explain_plan, read_units
from labdesk.core.rounding import format_colony_count, normalize_number_text, round_colony_count
from labdesk.core.verdicts import (
    PENDING_CONFIRMATION,
    Building,
    Verdict,
    VerdictCode,
    make_verdict,
    set_field,
)


class CompiledRule(Protocol):
    """What these paths read of `core.judgement.CompiledRule` (a Protocol here, so the
    module does not import judgement back)."""

    limit: Limit
    limit_zh: str
    limit_en: str
    unit: str
    result_unit: str
    factor: Decimal | None
    lod: Decimal | None
    step: Decimal | None
    _scale: Decimal | None
    _colony: bool
    _step: Decimal | None
    _plan: SamplingPlan | None
    _suffix: dict[str, tuple[str, str]]
    _described: tuple[str, str]

    def _round(self, value: Decimal, mark: int) -> Decimal: ...
    def _decide(self, x: Decimal, mark: int) -> VerdictCode: ...
    def judge_value(
        self, value: Decimal, said: str, components: tuple[str, ...] = ()
    ) -> Verdict: ...
    def judge_span_of(
        self, low: Decimal, high: Decimal, compared: str, said: tuple[str, str]
    ) -> Verdict: ...


__all__ = [
    "MAX_COMPONENTS",
    "judge_plan_text",
    "judge_scaled",
    "judge_sum",
    "plan_report",
    "split_sum",
]

MAX_COMPONENTS = 20
_PLAIN_CHARS = "0123456789."
_WIDE = Context(prec=120)  # exact for any accepted entry times any accepted scale
# A sum's components are added exactly: in the thread's 28-digit context
# 0.1000000000000000000000000000001+0.2 made 0.3, a pass against ≤0.3 for a value above it.
# The number grammar bounds an entry to 40 characters and exponents to ±30, so 120 digits
# always hold the exact sum of 20 components; the trap turns any breach of that into a
# loud error instead of a rounding.
_SUM = Context(prec=120, traps=[Inexact, InvalidOperation])
_add = _SUM.add
_new_building = object.__new__


def _plain(value: Decimal) -> str:
    text = str(value)
    return f"{value:f}" if "E" in text else text


# ------------------------------------------------------------------------------ sums


def split_sum(text: str) -> list[str] | None:
    """The components of ``a+b(+c…)``, or None when ``text`` is not a sum.

    A "+" is a separator outside brackets (``15.5(+)`` is a mark), after the first
    character (``+2`` is a sign) and not in an exponent (``1e+3``, ``10^+3``).
    """
    if text.isascii() and not any(ch in text for ch in "()^eE"):
        # No bracket, no exponent: every "+" after the first character separates.
        lead = 1 if text[:1] == "+" else 0
        pieces = text[lead:].split("+")
        if len(pieces) == 1:
            return None
        pieces[0] = text[:lead] + pieces[0]
        return pieces
    normal = normalize_number_text(text)
    parts: list[str] = []
    depth = 0
    start = 0
    for index, ch in enumerate(normal):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "+" and depth == 0 and index > 0:
            before = normal[:index].rstrip()
            if before and before[-1] in "eE^":
                continue
            parts.append(text[start:index])
            start = index + 1
    if not parts:
        return None
    parts.append(text[start:])
    return parts


def judge_sum(rule: CompiledRule, text: str, parts: list[str]) -> Verdict:
    if len(parts) > MAX_COMPONENTS:
        raise ValidationError(
            "result",
            "sum_components",
            f"result: a sum of at most {MAX_COMPONENTS} components "
            f"（求和项最多 {MAX_COMPONENTS} 个）",
        )
    if any(not part.strip() for part in parts):
        raise ValidationError(
            "result",
            "sum_empty_component",
            f"result {quote(text)!r}: a component of the sum is empty; write every component, "
            "e.g. 0.35+0.20 （求和结果中有空的分量，请写出每一项，如 0.35+0.20）",
        )
    limit = rule.limit
    if not (limit.is_numeric or limit.is_report_only):
        raise ValidationError(
            "result",
            "sum_needs_numeric_limit",
            f"result {quote(text)!r}: a sum can only be judged against a numeric limit, not "
            f"{rule.limit_zh} （求和结果只能按数值限量判定）",
        )
    low = high = Decimal(0)
    exact = True
    shown: list[str] = []
    for part in parts:
        plain = part.strip()
        if (
            plain.isascii()
            and plain
            and len(plain) <= MAX_LENGTH  # longer: refused by parse_entry, as any entry
            and not plain.strip(_PLAIN_CHARS)
            and plain[0] != "."
        ):
            try:
                value = Decimal(plain)
            except InvalidOperation:
                pass
            else:  # a plain component: what parse_entry would give, without its reader
                low = _add(low, value)
                high = _add(high, value)
                shown.append(_plain(value))
                continue
        entry = parse_entry(part)
        if entry.mark:
            raise ValidationError(
                "result",
                "sum_component",
                f"result {quote(part)!r}: a component of a sum carries no rounding mark "
                "（求和分量不带修约标记）",
            )
        if entry.kind == "number":
            assert entry.value is not None
            if entry.value < 0:
                raise ValidationError(
                    "result", "sum_component", f"result {quote(part)!r}: a component is negative"
                )
            low = _add(low, entry.value)
            high = _add(high, entry.value)
            shown.append(_plain(entry.value))
        elif entry.kind == "below":
            assert entry.value is not None
            high = _add(high, entry.value)
            exact = False
            shown.append(f"<{_plain(entry.value)}")
        elif entry.kind in ("not_detected", "below_lod"):
            lod = entry.value if entry.value is not None else rule.lod
            if lod is None:
                raise ValidationError(
                    "result",
                    "lod_required",
                    f"result {quote(part)!r}: a component below the LOD needs the LOD, e.g. "
                    "ND(0.01) or <0.01 （未检出的分量须注明检出限，如 ND(0.01)）",
                )
            high = _add(high, lod)
            exact = False
            shown.append(f"ND({_plain(lod)})")
        else:
            raise ValidationError(
                "result",
                "sum_component",
                f"result {quote(part)!r}: a component of a sum is a number, ND(LOD) or <x "
                "（求和分量须为数值、ND(检出限) 或 <x）",
            )
    components = tuple(part.strip() for part in parts)
    joined = "+".join(shown)
    if exact:
        total = low
        said = f"{joined}={_plain(total)}"
        verdict = rule.judge_value(total, said)
    else:
        said = f"{joined}（和 {_plain(low)}～<{_plain(high)}）"
        said_en = f"{joined} (sum {_plain(low)} to below {_plain(high)})"
        verdict = rule.judge_span_of(low, high, f"<{_plain(high)}", (said, said_en))
    # The verdict of the total was made here and is seen by no one else yet.
    set_field(verdict, "components", components)
    return verdict


# ------------------------------------------------------------------- conversions


def judge_scaled(rule: CompiledRule, value: Decimal, mark: int, shown: str) -> Verdict:
    """A number (at or above any LOD/LOQ) converted by the rule's scale and/or rounded by
    GB 4789.2, then compared with the limit."""
    scale = rule._scale
    x = _WIDE.multiply(value, scale) if scale is not None else value
    xs = _plain(x)
    unit = f" {rule.unit}" if rule.unit else ""
    source = f" {rule.result_unit}" if rule.result_unit else ""
    converted = ""
    said_zh = said_en = shown
    if scale is not None:
        if rule.factor is not None:
            converted = f"{shown}{source} × {_plain(rule.factor)} = {xs}{unit}"
            said_zh = f"{converted}（以…计，换算系数 {_plain(rule.factor)}）"
            said_en = f"{converted} (expressed as, factor {_plain(rule.factor)})"
        else:
            converted = f"{shown}{source} → {xs}{unit}"
            said_zh = f"{converted}（单位换算）"
            said_en = f"{converted} (unit converted)"
    if rule._colony:
        rounded = round_colony_count(x)
        rshown = format_colony_count(rounded)
        code = rule._decide(rounded, 0)
        said_zh += f" 按 GB 4789.2 修约为 {rshown}"
        said_en += f" reported per GB 4789.2 as {rshown}"
        display = compared = rshown
        rounded_text: str | None = rshown
    elif rule._step is not None:
        rounded = rule._round(x, mark)
        rshown = _plain(rounded)
        code = rule._decide(rounded, 0)
        said_zh += f" 修约至 {rshown}"
        said_en += f" rounded to {rshown}"
        display = compared = rounded_text = rshown
    else:
        code = rule._decide(x, mark)
        display, compared, rounded_text = xs, xs, None
    zh, en = rule._suffix[code]
    verdict = make_verdict(
        code, compared, rounded_text, display, said_zh + zh, said_en + en, rule.limit_zh
    )
    if converted:
        set_field(verdict, "converted", converted)
    return verdict


# ------------------------------------------------------------------------- plans


def plan_report(rule: CompiledRule) -> Callable[[Decimal], tuple[Decimal, str]] | None:
    """How a plan item reports each count (`plans.classify_plan`'s ``report``): rounded by
    GB 4789.2 or to the item's interval; None compares the counts as typed."""
    if rule._colony:

        def report(count: Decimal) -> tuple[Decimal, str]:
            rounded = round_colony_count(count)
            return rounded, format_colony_count(rounded)

        return report
    if rule.step is not None:

        def report_rounded(count: Decimal) -> tuple[Decimal, str]:
            rounded = rule._round(count, 0)
            return rounded, _plain(rounded)

        return report_rounded
    return None


def judge_plan_text(rule: CompiledRule, text: str) -> Verdict:
    plan = rule._plan
    assert plan is not None
    values = read_units(text)
    code, units, sure_m, maybe_m, sure_big, maybe_big, _undecided = classify_plan(
        plan, values, plan_report(rule)
    )
    # The explanation lists every unit; it is built only when read (Verdict.__getattr__).
    built: Any = _new_building(Building)
    built.verdict = code
    built.compared = built.display = "; ".join(units)
    built._why = (_explain_plan, plan, code, sure_m, maybe_m, sure_big, maybe_big, rule._described)
    built.limit = rule.limit_zh
    built.units = tuple(units)
    built.__class__ = Verdict
    return built


def _explain_plan(verdict: Verdict, plan: SamplingPlan, code: str, *counts: Any) -> tuple[str, str]:
    return explain_plan(plan, verdict.units, code, *counts)


# ---------------------------------------------------------------------- screening


def needs_confirmation(verdict: Verdict) -> Verdict:
    """A screening value that would fail: not judged, pending the confirmatory test."""
    return replace(
        verdict,
        verdict="not_judged",
        explanation_zh=verdict.explanation_zh.removesuffix("，不合格")
        + "：筛查结果超过限量，不能据此判定不合格，需做确证试验",
        explanation_en=verdict.explanation_en.removesuffix(": fail")
        + ": the screening value is above the limit; it needs the confirmatory test",
        pending=PENDING_CONFIRMATION,
    )
