"""A method's measurement uncertainty and the decision rule a conformity statement uses.

ISO/IEC 17025:2017 7.8.6 and ILAC-G8:09/2019 (domain.md): when a report states
conformity, the decision rule is documented and stated. Two rules are offered:

- **simple acceptance** (简单接受, w = 0), the default: the measured value is compared with
  the limit exactly as the item's rule says (GB/T 8170; `core.judgement`);
- **guarded acceptance** (保护带, w = U): a value is accepted only if it still meets the
  limit when moved by its expanded uncertainty U either way — x + U and x − U are both
  judged by the same item rule, so for "≤ TL" the acceptance limit is TL − U. A value
  inside the guard band is not accepted (binary rule). Words, ND and "<x" entries are
  judged as they are: a guard band applies to measured numbers.

The judgement itself is never re-implemented here: `decide` only calls the item's
`CompiledRule.judge` on shifted values and words the outcome.

Uncertainty per method: a relative expanded uncertainty at k = 2 for every level
(``"10%"``), or per level (``"≤0.1:20%; ≤1:15%; *:10%"`` — the first level whose upper
bound the value does not exceed, ``*`` for the rest). U of a value is |x| × U_rel and is
given to two significant figures (GB/T 8170 rounding).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from labdesk.core.errors import ValidationError
from labdesk.core.formula import parse_value
from labdesk.core.judgement import CompiledRule, Verdict
from labdesk.core.rounding import normalize_number_text, round_to_sig

__all__ = [
    "DECISION_RULES",
    "UncertaintySpec",
    "decide",
    "expanded_u",
    "parse_uncertainty",
    "statement_en",
    "statement_zh",
]

DECISION_RULES = ("simple", "guard_band")
COVERAGE_K = 2


@dataclass(frozen=True)
class UncertaintySpec:
    """Relative expanded uncertainty (%, k = 2): one value, or one per level."""

    levels: tuple[tuple[Decimal | None, Decimal], ...]  # (upper bound incl. or None, U_rel %)

    @property
    def text(self) -> str:
        if len(self.levels) == 1 and self.levels[0][0] is None:
            return f"{self.levels[0][1]}%"
        parts = [
            f"{'*' if bound is None else '≤' + format(bound, 'f')}:{rel}%"
            for bound, rel in self.levels
        ]
        return "; ".join(parts)

    def relative_for(self, value: Decimal) -> Decimal | None:
        size = abs(value)
        for bound, rel in self.levels:
            if bound is None or size <= bound:
                return rel
        return None


def _percent(text: str, field: str) -> Decimal:
    body = text.strip().rstrip("%％").strip()
    value = parse_value(body, field)
    if value <= 0 or value >= 100:
        raise ValidationError(
            field, "range", f"{field}: {text} must be above 0 % and below 100 %（相对不确定度）"
        )
    return value


def parse_uncertainty(text: str | None) -> UncertaintySpec | None:
    """``"10%"`` or ``"≤0.1:20%; ≤1:15%; *:10%"``; empty text → None (no U stated)."""
    if text is None or not text.strip():
        return None
    clean = normalize_number_text(text).replace("<=", "≤").replace("≦", "≤")
    parts = [p.strip() for p in clean.replace("；", ";").split(";") if p.strip()]
    if len(parts) == 1 and ":" not in parts[0]:
        return UncertaintySpec(((None, _percent(parts[0], "uncertainty")),))
    levels: list[tuple[Decimal | None, Decimal]] = []
    for index, part in enumerate(parts):
        bound_text, sep, rel_text = part.partition(":")
        field = f"uncertainty[{index}]"
        if not sep:
            raise ValidationError(
                field, "level_form", f"{field}: {part!r} is not 'upper bound:U%' (如 ≤0.1:20%)"
            )
        bound_text = bound_text.strip()
        if bound_text == "*":
            if index != len(parts) - 1:
                raise ValidationError(field, "last", f"{field}: '*' must be the last level")
            bound: Decimal | None = None
        else:
            bound = parse_value(bound_text.lstrip("≤").strip(), field)
            if levels and (levels[-1][0] is None or bound <= levels[-1][0]):
                raise ValidationError(
                    field, "ascending", f"{field}: levels must go up (层级须递增): {part}"
                )
        levels.append((bound, _percent(rel_text, field)))
    return UncertaintySpec(tuple(levels))


def expanded_u(spec: UncertaintySpec | None, value: Decimal) -> Decimal | None:
    """U (k = 2) of `value` by the spec, two significant figures; None if not stated."""
    if spec is None:
        return None
    rel = spec.relative_for(value)
    if rel is None or value == 0:
        return None if rel is None else Decimal(0)
    return round_to_sig(abs(value) * rel / 100, 2)


def statement_zh(rule: str, u: Decimal | None = None) -> str:
    if rule == "guard_band":
        shown = f"，U = {format(u, 'f')}" if u is not None else ""
        return (
            f"判定规则：保护带接受（w = U，k = {COVERAGE_K}{shown}），测得值加、减 U 后仍符合限量"
            "方判为合格"
        )
    return "判定规则：简单接受（w = 0），测得值按 GB/T 8170 直接与限量比较"


def statement_en(rule: str, u: Decimal | None = None) -> str:
    if rule == "guard_band":
        shown = f", U = {format(u, 'f')}" if u is not None else ""
        return (
            f"Decision rule: guarded acceptance (w = U, k = {COVERAGE_K}{shown}); a value "
            "passes only if it still meets the limit moved by U either way"
        )
    return (
        "Decision rule: simple acceptance (w = 0); the measured value is compared with the "
        "limit (GB/T 8170)"
    )


def check_rule(rule: str) -> str:
    if rule not in DECISION_RULES:
        raise ValidationError(
            "decision_rule",
            "known_rule",
            f"decision_rule: {rule!r} is not one of {', '.join(DECISION_RULES)}",
        )
    return rule


def decide(compiled: CompiledRule, text: str, rule: str, u: Decimal | None) -> Verdict:
    """The verdict of `text` under the decision rule (simple: the item rule's own)."""
    base = compiled.judge(text)
    if check_rule(rule) == "simple" or base.verdict == "not_judged" or base.report_only:
        return base
    try:
        x = parse_value(text, "result")
    except ValidationError:
        return base  # ND, <x, words: the guard band applies to measured numbers only
    if u is None:
        return replace(
            base,
            verdict="not_judged",
            explanation_zh="判定规则为保护带接受，但方法未给出测量不确定度 U，无法判定",
            explanation_en="the decision rule is a guard band but the method states no "
            "uncertainty U: not judged",
        )
    if base.verdict == "fail":
        return replace(
            base,
            explanation_zh=base.explanation_zh + "（保护带接受）",
            explanation_en=base.explanation_en + " (guarded acceptance)",
        )
    high = compiled.judge(format(x + u, "f"))
    low = compiled.judge(format(x - u, "f"))
    shown = format(u, "f")
    if high.verdict == "pass" and low.verdict == "pass":
        return replace(
            base,
            explanation_zh=f"{base.explanation_zh}；加减 U = {shown} 后仍符合（保护带接受）",
            explanation_en=f"{base.explanation_en}; still meets it at ± U = {shown} "
            "(guarded acceptance)",
        )
    if "not_judged" in (high.verdict, low.verdict):
        return replace(
            base,
            verdict="not_judged",
            explanation_zh=f"加减 U = {shown} 后无法判定（保护带接受）",
            explanation_en=f"cannot be judged at ± U = {shown} (guarded acceptance)",
        )
    return replace(
        base,
        verdict="fail",
        explanation_zh=f"测得值在保护带内：加减 U = {shown} 后不符合限量，不予接受（保护带接受）",
        explanation_en=f"inside the guard band: at ± U = {shown} the value no longer meets the "
        "limit, so it is not accepted (guarded acceptance)",
    )
