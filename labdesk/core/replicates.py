"""Parallel determinations (平行测定): the mean, and the method's permitted difference.

GB 5009 methods report the arithmetic mean of two determinations made under
repeatability conditions and state how far apart they may be, usually as a percentage of
the mean ("两次独立测定结果的绝对差值不得超过算术平均值的 20%"). With n > 2 values the
difference checked is the range (largest − smallest). The check runs on the values as
given and the unrounded mean; the mean is rounded once, for reporting only.

Everything is exact: the sum is computed with as many digits as the values need, and the
comparison ``range ≤ p % × |mean|`` is made as ``range × 100 × n ≤ p × |sum|`` (products
of decimals are exact), so no division ever decides a borderline case. The mean itself is
``sum / n``; when that does not terminate it cannot be a rounding tie either (a tie is a
terminating decimal), and for n ≤ 20 its repeating part is too short to come within the
working precision of one, so rounding it once is exact too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from labdesk.core.errors import ValidationError
from labdesk.core.formula import parse_value
from labdesk.core.rounding import parse_interval, round_to_interval

__all__ = ["MAX_REPLICATES", "ReplicateCheck", "check_replicates", "mean", "parse_value_list"]

MAX_REPLICATES = 20
_SEPARATORS = re.compile(r"[;,；，\s]+")


@dataclass(frozen=True)
class ReplicateCheck:
    """The outcome for n determinations of one item."""

    values: tuple[Decimal, ...]
    mean: Decimal  # unrounded
    reported: Decimal  # the mean rounded once (or the unrounded mean if no rounding asked)
    difference: Decimal  # largest − smallest
    max_rel_diff: Decimal | None  # the permitted difference, % of the mean
    allowed: Decimal | None  # max_rel_diff % × |mean| (unrounded)
    relative_difference: Decimal | None  # difference / |mean| × 100; None when the mean is 0
    within: bool

    @property
    def n(self) -> int:
        return len(self.values)

    def explanation_en(self) -> str:
        if self.max_rel_diff is None:
            return f"mean of {self.n} determinations"
        rel = "∞" if self.relative_difference is None else f"{_short(self.relative_difference)} %"
        verdict = "within" if self.within else "outside"
        return (
            f"difference {_plain(self.difference)} = {rel} of the mean; permitted "
            f"{_plain(self.max_rel_diff)} %: {verdict} the repeatability limit"
        )

    def explanation_zh(self) -> str:
        if self.max_rel_diff is None:
            return f"{self.n} 次测定的算术平均值"
        rel = "∞" if self.relative_difference is None else f"{_short(self.relative_difference)}%"
        verdict = "符合" if self.within else "不符合"
        return (
            f"绝对差值 {_plain(self.difference)}，为平均值的 {rel}；允许 "
            f"{_plain(self.max_rel_diff)}%：{verdict}重复性要求"
        )


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _short(value: Decimal) -> str:
    """A percentage for a message: two decimals (the check itself is exact)."""
    return format(round_to_interval(value, "0.01"), "f")


def _wide(*values: Decimal) -> Context:
    """A context in which adding and multiplying these values is exact."""
    top = max((v.adjusted() for v in values if v), default=0)
    low = min((int(v.as_tuple().exponent) for v in values), default=0)
    return Context(prec=max(50, top - low + 20), rounding=ROUND_HALF_EVEN)


def parse_value_list(text: str, field: str = "values") -> list[Decimal]:
    """``"0.153;0.161"`` (also ``,`` ``；`` ``，`` or spaces between) → decimals."""
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if not parts:
        raise ValidationError(field, "required", f"{field}: no values given (未给出数值)")
    return [parse_value(p, f"{field}[{i}]") for i, p in enumerate(parts)]


def mean(values: Sequence[Decimal]) -> Decimal:
    """The arithmetic mean, unrounded (50 significant digits when it does not terminate)."""
    if not values:
        raise ValidationError("values", "required", "values: no values given (未给出数值)")
    total = _exact_sum(values, _wide(*values))
    return Context(prec=50, rounding=ROUND_HALF_EVEN).divide(total, len(values))


def _exact_sum(values: Sequence[Decimal], ctx: Context) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = ctx.add(total, value)
    return total


def check_replicates(
    values: Sequence[Decimal | str],
    max_rel_diff: Decimal | str | None = None,
    *,
    places: int | None = None,
    interval: str | Decimal | None = None,
) -> ReplicateCheck:
    """The mean of the determinations and whether their difference is within the limit.

    `max_rel_diff` is the permitted difference in % of the mean (20 for "20 %"); None
    checks nothing (``within`` is True). At least two values are needed to check.
    """
    numbers = [parse_value(v, f"values[{i}]") for i, v in enumerate(values)]
    if not numbers:
        raise ValidationError("values", "required", "values: no values given (未给出数值)")
    if len(numbers) > MAX_REPLICATES:
        raise ValidationError(
            "values",
            "at_most",
            f"values: {len(numbers)} determinations; at most {MAX_REPLICATES} "
            f"（平行测定最多 {MAX_REPLICATES} 次）",
        )
    limit: Decimal | None = None
    if max_rel_diff is not None:
        limit = parse_value(max_rel_diff, "max_rel_diff")
        if limit <= 0:
            raise ValidationError(
                "max_rel_diff",
                "positive",
                f"max_rel_diff: {max_rel_diff} must be above 0 （允许相对偏差须大于 0）",
            )
        if len(numbers) < 2:
            raise ValidationError(
                "values",
                "at_least_two",
                "values: a repeatability check needs at least two determinations "
                "（重复性检查至少需要两次平行测定）",
            )
    ctx = _wide(*numbers, *([limit] if limit is not None else []))
    total = _exact_sum(numbers, ctx)
    n = len(numbers)
    average = Context(prec=50, rounding=ROUND_HALF_EVEN).divide(total, n)
    difference = ctx.subtract(max(numbers), min(numbers))
    allowed = relative = None
    within = True
    if limit is not None:
        size = ctx.abs(total)
        # range ≤ p/100 × |sum/n|  ⇔  range × 100 × n ≤ p × |sum|: exact, no division.
        within = ctx.multiply(ctx.multiply(difference, 100), n) <= ctx.multiply(limit, size)
        exact = Context(prec=50, rounding=ROUND_HALF_EVEN)
        allowed = exact.divide(exact.multiply(limit, abs(average)), 100)
        if average:
            relative = exact.divide(exact.multiply(difference, 100), abs(average))
    reported = average
    if places is not None:
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 20:
            raise ValidationError("places", "range", "places: a whole number from 0 to 20")
        reported = round_to_interval(average, Decimal(1).scaleb(-places))
    elif interval is not None:
        reported = round_to_interval(average, parse_interval(interval))
    return ReplicateCheck(
        values=tuple(numbers),
        mean=average,
        reported=reported,
        difference=difference,
        max_rel_diff=limit,
        allowed=allowed,
        relative_difference=relative,
        within=within,
    )
