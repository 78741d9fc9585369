"""Acceptance of the quality-control samples of an analytical run (ISO/IEC 17025 7.7).

Four kinds, each judged against the method version's criterion:

- **blank** (空白): the blank's value, in result units, must be below the method's LOD;
- **duplicate** (平行样): the duplicate and the routine result it repeats may differ by at
  most the permitted % of their mean (the replicate rule, `core.replicates`);
- **spike** (加标回收): recovery = (spiked − unspiked) ÷ added × 100 % must lie within the
  method's range, ends included (e.g. 80 %–120 %);
- **reference material** (标准物质 / CRM): the measured value must lie within the certified
  value ± its expanded uncertainty U, ends included.

Control materials plotted on a Levey–Jennings chart are judged by the Westgard rules
(`core.westgard`); `control_point` judges the newest point against the series before it.

Each check is exact decimal arithmetic: a recovery is compared as
``low × added ≤ (spiked − unspiked) × 100 ≤ high × added`` (added > 0), with no division.
The percentage shown in the message is rounded to two decimals for reading only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from labdesk.core.errors import ValidationError
from labdesk.core.formula import parse_value
from labdesk.core.replicates import check_replicates
from labdesk.core.rounding import round_to_interval
from labdesk.core.westgard import REJECTION_RULES, Violation, westgard

__all__ = [
    "QC_KINDS",
    "QcOutcome",
    "blank_check",
    "control_point",
    "duplicate_check",
    "reference_check",
    "spike_check",
]

QC_KINDS = ("blank", "duplicate", "spike", "crm", "control")
QC_NAMES_ZH = {
    "blank": "空白",
    "duplicate": "平行样",
    "spike": "加标回收",
    "crm": "标准物质",
    "control": "质控样",
}
QC_NAMES_EN = {
    "blank": "blank",
    "duplicate": "duplicate",
    "spike": "spike recovery",
    "crm": "reference material",
    "control": "control sample",
}


@dataclass(frozen=True)
class QcOutcome:
    kind: str
    passed: bool
    measured: Decimal  # the blank value, the relative difference %, the recovery %, the value
    criterion_en: str
    criterion_zh: str
    detail_en: str
    detail_zh: str

    @property
    def label_zh(self) -> str:
        return "合格" if self.passed else "不合格"


def _exact(*values: Decimal) -> Context:
    top = max((v.adjusted() for v in values if v), default=0)
    low = min((int(v.as_tuple().exponent) for v in values), default=0)
    return Context(prec=max(50, top - low + 10), rounding=ROUND_HALF_EVEN)


def _pct(value: Decimal) -> str:
    return format(round_to_interval(value, "0.01"), "f")


def _f(value: Decimal) -> str:
    return format(value, "f")


def blank_check(value: Decimal | str, lod: Decimal | str | None) -> QcOutcome:
    """The blank must be below the LOD (a blank at the LOD is not below it)."""
    if lod is None or (isinstance(lod, str) and not lod.strip()):
        raise ValidationError(
            "lod",
            "required",
            "lod: the method states no detection limit, so a blank cannot be judged "
            "（方法未规定检出限，无法判定空白）",
        )
    v, limit = parse_value(value, "blank"), parse_value(lod, "lod")
    ok = v < limit
    return QcOutcome(
        "blank",
        ok,
        v,
        f"blank < LOD {_f(limit)}",
        f"空白 < 检出限 {_f(limit)}",
        f"blank {_f(v)} {'<' if ok else '≥'} LOD {_f(limit)}",
        f"空白 {_f(v)} {'<' if ok else '≥'} 检出限 {_f(limit)}",
    )


def duplicate_check(
    original: Decimal | str, duplicate: Decimal | str, max_rel_diff: Decimal | str | None
) -> QcOutcome:
    """|duplicate − original| ≤ p % of their mean (the method's repeatability limit)."""
    if max_rel_diff is None or (isinstance(max_rel_diff, str) and not max_rel_diff.strip()):
        raise ValidationError(
            "max_rel_diff",
            "required",
            "max_rel_diff: the method states no permitted difference, so a duplicate cannot be "
            "judged（方法未规定允许差，无法判定平行样）",
        )
    check = check_replicates([original, duplicate], max_rel_diff)
    assert check.max_rel_diff is not None
    rel = check.relative_difference
    shown = "∞" if rel is None else f"{_pct(rel)} %"
    return QcOutcome(
        "duplicate",
        check.within,
        rel if rel is not None else check.difference,
        f"difference ≤ {_f(check.max_rel_diff)} % of the mean",
        f"相对偏差 ≤ {_f(check.max_rel_diff)}%",
        f"difference {_f(check.difference)} = {shown} of the mean",
        f"绝对差值 {_f(check.difference)}，相对偏差 {shown.replace(' %', '%')}",
    )


def spike_check(
    spiked: Decimal | str,
    unspiked: Decimal | str,
    added: Decimal | str,
    low: Decimal | str,
    high: Decimal | str,
) -> QcOutcome:
    """Recovery (spiked − unspiked) ÷ added × 100 % within [low, high] %."""
    s, u = parse_value(spiked, "spiked"), parse_value(unspiked, "unspiked")
    a = parse_value(added, "added")
    lo, hi = parse_value(low, "recovery_low"), parse_value(high, "recovery_high")
    if a <= 0:
        raise ValidationError(
            "added", "positive", f"added: the spike must be above 0, not {added}（加标量须大于 0）"
        )
    if lo > hi:
        raise ValidationError(
            "recovery_low",
            "ordered",
            f"recovery_low: {low} % is above recovery_high {high} %（回收率下限大于上限）",
        )
    ctx = _exact(s, u, a, lo, hi)
    found = ctx.multiply(ctx.subtract(s, u), 100)
    ok = ctx.multiply(lo, a) <= found <= ctx.multiply(hi, a)
    recovery = Context(prec=50).divide(found, a)
    return QcOutcome(
        "spike",
        ok,
        recovery,
        f"recovery {_f(lo)} %–{_f(hi)} %",
        f"回收率 {_f(lo)}%～{_f(hi)}%",
        f"recovery ({_f(s)} − {_f(u)}) ÷ {_f(a)} = {_pct(recovery)} %",
        f"回收率 ({_f(s)} − {_f(u)}) ÷ {_f(a)} = {_pct(recovery)}%",
    )


def reference_check(
    value: Decimal | str, certified: Decimal | str, expanded_u: Decimal | str
) -> QcOutcome:
    """A reference material's result within certified value ± U (ends included)."""
    v, c = parse_value(value, "value"), parse_value(certified, "certified")
    u = parse_value(expanded_u, "certified_u")
    if u < 0:
        raise ValidationError("certified_u", "not_negative", "certified_u: U cannot be negative")
    ctx = _exact(v, c, u)
    low, high = ctx.subtract(c, u), ctx.add(c, u)
    ok = low <= v <= high
    return QcOutcome(
        "crm",
        ok,
        v,
        f"certified {_f(c)} ± {_f(u)}",
        f"标准值 {_f(c)} ± {_f(u)}",
        f"found {_f(v)}, accepted {_f(low)}–{_f(high)}",
        f"测得 {_f(v)}，接受范围 {_f(low)}～{_f(high)}",
    )


def control_point(
    history: Sequence[Decimal | str], value: Decimal | str, mean: Decimal | str, sd: Decimal | str
) -> tuple[QcOutcome, list[Violation]]:
    """The newest control point judged by every Westgard rule over the series it ends.

    Fails on any rejection rule completed at this point; a 1-2s warning alone passes (and
    is reported). Returns the outcome and the violations at this point.
    """
    series = [*history, value]
    here = [v for v in westgard(series, mean, sd) if v.index == len(series) - 1]
    rejected = [v.rule for v in here if v.rule in REJECTION_RULES]
    warned = [v.rule for v in here if v.rule not in REJECTION_RULES]
    v = parse_value(value, "value")
    rules = ", ".join(v.rule for v in here) or "none"
    rules_zh = "、".join(v.rule for v in here) or "无"
    return (
        QcOutcome(
            "control",
            not rejected,
            v,
            f"Westgard rules, mean {mean}, SD {sd}",
            f"Westgard 规则，均值 {mean}，标准差 {sd}",
            f"rules violated: {rules}" + (" (warning only)" if warned and not rejected else ""),
            f"违反规则：{rules_zh}" + ("（仅警告）" if warned and not rejected else ""),
        ),
        here,
    )
