"""Westgard rules over a control series, each rule evaluated on its own.

A Levey–Jennings chart plots each control measurement against the material's established
mean and standard deviation. The rules (Westgard, "multirules"):

=========  ================================================================  ===========
rule       violated at point i when                                          kind
=========  ================================================================  ===========
``1-2s``   point i is beyond mean ± 2 SD                                     warning
``1-3s``   point i is beyond mean ± 3 SD                                     rejection
``2-2s``   points i−1 and i are both beyond 2 SD on the same side            rejection
``R-4s``   of points i−1 and i one is above +2 SD and the other below −2 SD  rejection
``4-1s``   points i−3 … i are all beyond 1 SD on the same side               rejection
``10x``    points i−9 … i are all on the same side of the mean               rejection
=========  ================================================================  ===========

"Beyond" is strict (a point exactly on mean + 2 SD is not beyond it), and a point exactly
on the mean belongs to neither side. Every rule is checked at every point, independently:
the manual chart practice of looking further only after a 1-2s warning is not followed
(computerized QC checks all rules on every point, so a 2-2s or 4-1s shift is caught even
when no single point crossed 2 SD first). R-4s is applied to consecutive points of the one
series. A violation is reported at the point that completes the pattern, with every point
of the pattern; a long shift therefore reports 10x at each point from the tenth on.

All comparisons are exact decimal arithmetic: ``v > mean + k × sd`` with no division.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from labdesk.core.errors import ValidationError
from labdesk.core.formula import parse_value

__all__ = ["REJECTION_RULES", "RULES", "Violation", "control_limits", "westgard"]

RULES = ("1-2s", "1-3s", "2-2s", "R-4s", "4-1s", "10x")
REJECTION_RULES = frozenset(RULES) - {"1-2s"}
MAX_POINTS = 1_000_000


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    index: int  # 0-based index of the point that completes the pattern
    points: tuple[int, ...]  # every point of the pattern, ascending

    @property
    def warning(self) -> bool:
        return self.rule not in REJECTION_RULES


def _context(*values: Decimal) -> Context:
    top = max((v.adjusted() for v in values if v), default=0)
    low = min((int(v.as_tuple().exponent) for v in values), default=0)
    return Context(prec=max(50, top - low + 10), rounding=ROUND_HALF_EVEN)


def control_limits(mean: Decimal, sd: Decimal) -> dict[int, tuple[Decimal, Decimal]]:
    """{k: (mean − k·sd, mean + k·sd)} for k = 1, 2, 3 — exact."""
    ctx = _context(mean, sd)
    return {
        k: (ctx.subtract(mean, ctx.multiply(sd, k)), ctx.add(mean, ctx.multiply(sd, k)))
        for k in (1, 2, 3)
    }


def _check_parameters(mean: Decimal | str, sd: Decimal | str) -> tuple[Decimal, Decimal]:
    m = parse_value(mean, "mean")
    s = parse_value(sd, "sd")
    if s <= 0:
        raise ValidationError("sd", "positive", f"sd: {sd} must be above 0 （标准差须大于 0）")
    return m, s


def westgard(
    values: Sequence[Decimal | str],
    mean: Decimal | str,
    sd: Decimal | str,
    rules: Sequence[str] = RULES,
) -> list[Violation]:
    """Every violation of `rules` in the series, by point, then in the order of `RULES`."""
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ValidationError(
            "rules", "known_rule", f"rules: unknown rule {unknown[0]} (known: {', '.join(RULES)})"
        )
    if len(values) > MAX_POINTS:
        raise ValidationError("values", "at_most", f"values: at most {MAX_POINTS} points")
    m, s = _check_parameters(mean, sd)
    points = [parse_value(v, f"values[{i}]") for i, v in enumerate(values)]
    limits = control_limits(m, s)
    lo1, hi1 = limits[1]
    lo2, hi2 = limits[2]
    lo3, hi3 = limits[3]

    def side(v: Decimal, lo: Decimal, hi: Decimal) -> int:
        return 1 if v > hi else -1 if v < lo else 0

    s1 = [side(v, lo1, hi1) for v in points]
    s2 = [side(v, lo2, hi2) for v in points]
    s3 = [side(v, lo3, hi3) for v in points]
    sign = [1 if v > m else -1 if v < m else 0 for v in points]
    wanted = set(rules)
    found: list[Violation] = []
    for i in range(len(points)):
        if "1-2s" in wanted and s2[i]:
            found.append(Violation("1-2s", i, (i,)))
        if "1-3s" in wanted and s3[i]:
            found.append(Violation("1-3s", i, (i,)))
        if i >= 1 and "2-2s" in wanted and s2[i] and s2[i] == s2[i - 1]:
            found.append(Violation("2-2s", i, (i - 1, i)))
        if i >= 1 and "R-4s" in wanted and s2[i] * s2[i - 1] == -1:
            found.append(Violation("R-4s", i, (i - 1, i)))
        if i >= 3 and "4-1s" in wanted and s1[i] and all(x == s1[i] for x in s1[i - 3 : i]):
            found.append(Violation("4-1s", i, tuple(range(i - 3, i + 1))))
        if i >= 9 and "10x" in wanted and sign[i] and all(x == sign[i] for x in sign[i - 9 : i]):
            found.append(Violation("10x", i, tuple(range(i - 9, i + 1))))
    return found
