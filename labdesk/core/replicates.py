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

import operator
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import NamedTuple

from labdesk.core.errors import ValidationError
from labdesk.core.formula import parse_value
from labdesk.core.rounding import round_to_interval

__all__ = ["MAX_REPLICATES", "ReplicateCheck", "check_replicates", "mean", "parse_value_list"]

MAX_REPLICATES = 20
_SEPARATORS = re.compile(r"[;,；，\s]+")


# Adding and multiplying decimals of at most a few thousand digits is exact here (the
# precision is a ceiling, not a cost: results carry only the digits they need).
EXACT = Context(prec=100_000, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
_DIVIDE = Context(prec=50, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)


class ReplicateCheck(NamedTuple):
    """The outcome for n determinations of one item."""

    values: tuple[Decimal, ...]
    mean: Decimal  # unrounded
    reported: Decimal  # the mean rounded once (or the unrounded mean if no rounding asked)
    difference: Decimal  # largest − smallest
    max_rel_diff: Decimal | None  # the permitted difference, % of the mean
    within: bool

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def allowed(self) -> Decimal | None:
        """max_rel_diff % × |mean| (unrounded)."""
        if self.max_rel_diff is None:
            return None
        return _DIVIDE.divide(_DIVIDE.multiply(self.max_rel_diff, abs(self.mean)), 100)

    @property
    def relative_difference(self) -> Decimal | None:
        """difference ÷ |mean| × 100; None when the mean is 0."""
        if not self.mean:
            return None
        return _DIVIDE.divide(_DIVIDE.multiply(self.difference, 100), abs(self.mean))

    def explanation_en(self) -> str:
        if self.max_rel_diff is None:
            return f"mean of {self.n} determinations"
        relative = self.relative_difference
        rel = "∞" if relative is None else f"{_short(relative)} %"
        verdict = "within" if self.within else "outside"
        return (
            f"difference {_plain(self.difference)} = {rel} of the mean; permitted "
            f"{_plain(self.max_rel_diff)} %: {verdict} the repeatability limit"
        )

    def explanation_zh(self) -> str:
        if self.max_rel_diff is None:
            return f"{self.n} 次测定的算术平均值"
        relative = self.relative_difference
        rel = "∞" if relative is None else f"{_short(relative)}%"
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
    return _DIVIDE.divide(_sum(values), len(values))


def _sum(values: Sequence[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = EXACT.add(total, value)
    return total


_HUNDRED_TIMES = {n: Decimal(100 * n) for n in range(1, 21)}


def assess(
    numbers: Sequence[Decimal], limit: Decimal | None
) -> tuple[Decimal, Decimal, bool, Decimal]:
    """(mean, range, within, sum) of checked decimals, exactly (the mean is exact when
    mean × n == sum).

    range ≤ p/100 × |sum/n|  ⇔  range × 100 × n ≤ p × |sum|: no division decides it.
    """
    n = len(numbers)
    if n == 2:
        a, b = numbers
        total = EXACT.add(a, b)
        difference = EXACT.subtract(a, b).copy_abs()
    else:
        total = _sum(numbers)
        difference = EXACT.subtract(max(numbers), min(numbers)) if n > 1 else Decimal(0)
    average = _DIVIDE.divide(total, n)
    within = True
    if limit is not None:
        scale = _HUNDRED_TIMES.get(n) or Decimal(100 * n)
        within = EXACT.multiply(difference, scale) <= EXACT.multiply(limit, total.copy_abs())
    return average, difference, within, total


def assess_columns(
    columns: Sequence[Sequence[Decimal]], limit: Decimal | None
) -> tuple[list[Decimal], list[Decimal], list[bool]]:
    """`assess` for many items at once: `columns[k]` holds determination k of every item.

    (means, ranges, withins), item by item the values `assess` gives (the same exact
    operations in the same order, each a `map` over the items: for a run's thousands of
    items the loop is in C)."""
    n = len(columns)
    size = len(columns[0]) if columns else 0
    if n == 2:
        first, second = columns
        totals = list(map(EXACT.add, first, second))
        differences = list(map(Decimal.copy_abs, map(EXACT.subtract, first, second)))
    else:
        totals = [Decimal(0)] * size
        for column in columns:
            totals = list(map(EXACT.add, totals, column))
        if n > 1:
            differences = list(map(EXACT.subtract, map(max, *columns), map(min, *columns)))
        else:
            differences = [Decimal(0)] * size
    means = list(map(_DIVIDE.divide, totals, [n] * size))
    if limit is None:
        return means, differences, [True] * size
    scale = _HUNDRED_TIMES.get(n) or Decimal(100 * n)
    spread = map(EXACT.multiply, differences, [scale] * size)
    allowed = map(EXACT.multiply, [limit] * size, map(Decimal.copy_abs, totals))
    return means, differences, list(map(operator.le, spread, allowed))


def check_limit(max_rel_diff: Decimal | str | None, n: int) -> Decimal | None:
    if max_rel_diff is None:
        return None
    limit = parse_value(max_rel_diff, "max_rel_diff")
    if limit <= 0:
        raise ValidationError(
            "max_rel_diff",
            "positive",
            f"max_rel_diff: {max_rel_diff} must be above 0 （允许相对偏差须大于 0）",
        )
    if n < 2:
        raise ValidationError(
            "values",
            "at_least_two",
            "values: a repeatability check needs at least two determinations "
            "（重复性检查至少需要两次平行测定）",
        )
    return limit


def check_replicates(
    values: Sequence[Decimal | str],
    max_rel_diff: Decimal | str | None = None,
    *,
    places: int | None = None,
    interval: str | Decimal | None = None,
) -> ReplicateCheck:
    """The mean of the determinations and whether their difference is within the limit.

    `max_rel_diff` is the permitted difference in % of the mean (20 for "20 %"); None
    checks nothing (``within`` is True). At least two values are needed to check. The
    mean is rounded once (GB/T 8170) to `places` or `interval` if given.
    """
    from labdesk.core.formula import Outcome, round_once, step_of

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
    limit = check_limit(max_rel_diff, len(numbers))
    step = step_of(places, interval)
    average, difference, within, total = assess(numbers, limit)
    exact = EXACT.multiply(average, len(numbers)) == total
    reported = average
    if step is not None:
        # A mean of given values that does not terminate has no repeating part close to a
        # tie (n ≤ 20), so there is nothing to evaluate again.
        reported = round_once(average, step, exact, lambda: Outcome(average, (), True))
    return ReplicateCheck(tuple(numbers), average, reported, difference, limit, within)
