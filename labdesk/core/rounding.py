"""GB/T 8170-2008 数值修约 on decimal text — never through a binary float.

Rules (GB/T 8170 §3):

- round once, from the original value (不得连续修约: 15.4546 → 15, never via 15.455 → 15.46 …);
- the first discarded digit < 5 drops, > 5 carries; exactly 5 followed by any non-zero digit
  carries; exactly 5 with nothing or only zeros after it carries when the kept digit is odd
  and drops when it is even (四舍六入五成双). On the value scaled by the interval this is
  exactly ``ROUND_HALF_EVEN``;
- intervals are 1, 2 or 5 × 10ⁿ. The 0.5-unit rule (double, round, halve) and the 0.2-unit rule
  (×5, round, ÷5) both reduce to "round value ÷ interval to an integer, multiply back", which
  is what `round_to_interval` does for every interval;
- negative values: round the absolute value, then restore the sign (−0.0365 → −0.036);
- a reported value may carry a mark: "(+)" means the true value was above it (it had been
  rounded down), "(−)" below (rounded up). The mark only matters when what is discarded is
  exactly half an interval: "(+)" then carries, "(−)" drops (15.5(−) → 15, 16.5(+) → 17).
  Marks speak about the absolute value, as the rounding that produced them did.

Results keep the interval's places: 60.25 at 0.5 → ``Decimal("60.0")``, 832 at 20 → ``840``.

Significant figures: `round_to_sig` returns a Decimal with exactly N significant digits.
When that needs a positive exponent the value is kept in scientific form, so ``str()`` gives
``"2E+3"`` for 2500 at 1 figure (GB/T 8170 writes 2×10³) and ``"2.5E+3"`` at 2 — trailing
zeros never claim precision the value does not have. `format_sig_zh` renders ``2×10³``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

from labdesk.core.errors import ValidationError

__all__ = [
    "MarkedValue",
    "format_colony_count",
    "format_sig_zh",
    "normalize_number_text",
    "parse_interval",
    "parse_marked",
    "round_colony_count",
    "round_to_interval",
    "round_to_sig",
]

# One character in, one character out, so positions in normalised text match the original.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update(
    {
        0x3000: ord(" "),  # ideographic space
        0x2212: ord("-"),  # − minus sign
        0x2013: ord("-"),  # – en dash
        0x2010: ord("-"),  # ‐ hyphen
        0x2011: ord("-"),  # non-breaking hyphen
        0xFE63: ord("-"),  # small hyphen-minus
        0x3002: ord("."),  # 。 typed for a decimal point by Chinese IMEs
    }
)


def normalize_number_text(text: str) -> str:
    """Full-width ASCII, minus-sign variants and 。 to plain ASCII, length preserved."""
    return text.translate(_FULLWIDTH)


_MARKS = {"(+)": 1, "(-)": -1}
_DIGITS = frozenset("0123456789.")
_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"


@dataclass(frozen=True, slots=True)
class MarkedValue:
    """A decimal with its GB/T 8170 mark: +1 true value above, −1 below, 0 none."""

    value: Decimal
    mark: int = 0

    def __str__(self) -> str:
        suffix = {1: "(+)", -1: "(−)"}.get(self.mark, "")
        return f"{self.value:f}{suffix}"


def _plain_decimal(text: str, field: str) -> Decimal:
    """A plain signed decimal (digits and one point); rejects exponents, NaN, '1_000'."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not _DIGITS.issuperset(body) or body.count(".") > 1 or body == ".":
        raise ValidationError(
            field,
            "decimal",
            f"{field}: {text!r} is not a decimal number such as 0.549 or -12.5 "
            f"（{field}：“{text}”不是十进制数，如 0.549、-12.5）",
        )
    return Decimal(text)


def parse_marked(value: str | Decimal | int | MarkedValue, field: str = "value") -> MarkedValue:
    """Reads '15.5', '-0.0365', '15.5(−)', '１６．５（＋）' into a `MarkedValue`.

    Decimals and ints pass through (floats are refused: they have already lost the
    decimal digits the technician typed).
    """
    if isinstance(value, MarkedValue):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(field, "finite", f"{field}: {value} is not a finite number")
        return MarkedValue(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError(
            field,
            "decimal",
            f"{field}: give the value as decimal text or Decimal, not {type(value).__name__}",
        )
    if isinstance(value, int):
        return MarkedValue(Decimal(value))
    text = normalize_number_text(value).strip().replace(" ", "")
    mark = 0
    tail = text[-3:]
    if tail in _MARKS:
        mark = _MARKS[tail]
        text = text[:-3]
    return MarkedValue(_plain_decimal(text, field), mark)


def parse_interval(interval: str | Decimal | int) -> Decimal:
    """A rounding interval: 1, 2 or 5 × 10ⁿ, positive. Anything else → ValidationError."""
    try:
        step = parse_marked(interval, "interval")
    except ValidationError as exc:
        raise ValidationError(
            "interval", "interval_form", f"interval: {interval!r} is not a number"
        ) from exc
    value = step.value
    if step.mark or value <= 0 or value.normalize().as_tuple().digits not in ((1,), (2,), (5,)):
        raise ValidationError(
            "interval",
            "interval_1_2_5",
            f"interval: {interval} is not a GB/T 8170 rounding interval — it must be 1, 2 or 5 "
            f"× 10ⁿ, e.g. 0.1, 0.5, 0.02, 10 （修约间隔须为 1、2 或 5 乘以 10 的整数次幂）",
        )
    return value


def _places_of(interval: Decimal) -> Decimal:
    """The quantum the result is written with: the interval's own places, integers as 1."""
    exponent = min(int(interval.normalize().as_tuple().exponent), 0)
    return Decimal(1).scaleb(exponent)


def _context_for(*values: Decimal) -> Context:
    """A context wide enough that dividing by an interval and scaling back stay exact."""
    digits = 0
    for v in values:
        t = v.as_tuple()
        digits = max(digits, len(t.digits) + abs(int(t.exponent)))
    return Context(prec=max(34, digits * 2 + 8))


def _round_abs(magnitude: Decimal, step: Decimal, mark: int, ctx: Context) -> Decimal:
    """Number of steps after rounding ``magnitude`` (≥ 0) to ``step``, as an integer Decimal."""
    quotient = ctx.divide(magnitude, step)
    if mark:
        floor = quotient.to_integral_value(rounding=ROUND_FLOOR, context=ctx)
        if ctx.subtract(quotient, floor) == Decimal("0.5"):
            return ctx.add(floor, 1) if mark > 0 else floor
    return quotient.to_integral_value(rounding=ROUND_HALF_EVEN, context=ctx)


def _round(marked: MarkedValue, step: Decimal, quantum: Decimal) -> Decimal:
    value = marked.value
    ctx = _context_for(value, step)
    steps = _round_abs(abs(value), step, marked.mark, ctx)
    result = ctx.multiply(steps, step).quantize(quantum, context=ctx)
    if value < 0 and result != 0:
        result = -result
    return abs(result) if result == 0 else result  # never "-0.000"


def round_to_interval(
    value: str | Decimal | int | MarkedValue, interval: str | Decimal | int
) -> Decimal:
    """GB/T 8170 rounding of ``value`` to ``interval`` (1, 2 or 5 × 10ⁿ).

    >>> round_to_interval("60.25", "0.5")
    Decimal('60.0')
    >>> round_to_interval("15.5(−)", "1")
    Decimal('15')
    """
    step = parse_interval(interval)
    return _round(parse_marked(value), step, _places_of(step))


def round_to_sig(value: str | Decimal | int | MarkedValue, n: int) -> Decimal:
    """GB/T 8170 rounding of ``value`` to ``n`` significant figures.

    The result has exactly ``n`` significant digits; see the module docstring for the
    string form (``round_to_sig("2500", 1)`` → ``Decimal('2E+3')``).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValidationError(
            "sig", "positive_integer", f"significant figures: {n!r} is not a whole number ≥ 1"
        )
    marked = parse_marked(value)
    if marked.value == 0:
        return Decimal(0).quantize(Decimal(1).scaleb(min(0, -(n - 1))))
    exponent = marked.value.adjusted() - n + 1
    step = Decimal(1).scaleb(exponent)
    result = _round(marked, step, step)
    if result.adjusted() > marked.value.adjusted():  # 9.96 → 10: one digit more after a carry
        ctx = _context_for(result)
        result = result.quantize(Decimal(1).scaleb(exponent + 1), context=ctx)
    return result


def format_sig_zh(value: Decimal) -> str:
    """A Decimal as a report would print it: ``2E+3`` → ``2×10³``, others unchanged."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent <= 0:
        return str(value)
    mantissa = value.scaleb(-value.adjusted())
    power = "".join(_SUPERSCRIPT[int(ch)] for ch in str(value.adjusted()))
    del sign, digits
    return f"{mantissa}×10{power}"


# --------------------------------------------------------------------- GB 4789.2 counts
#
# GB 4789.2 (菌落总数测定) reports colony counts by its own rule, not GB/T 8170's: below 100
# CFU the integer; from 100 two significant figures, the third digit rounded half up
# (四舍五入), the rest written as zeros or as a power of ten (1.6×10⁴). The domain brief
# records this as the 2016 rule, believed unchanged in GB 4789.2-2022 (to verify against
# that text). The rule belongs to the item: an item says which one it follows.

COLONY_RULE = "gb4789.2"
ROUNDING_RULES = ("gb8170", COLONY_RULE)


def round_colony_count(value: Decimal) -> Decimal:
    """A counted value as GB 4789.2 reports it: 15.5 → 16, 155 → 1.6E+2, 16449 → 1.6E+4."""
    if value < 0:
        raise ValidationError(
            "result",
            "count_negative",
            f"a colony count cannot be negative: {value} （菌落数不能为负）",
        )
    if value < 100:
        whole = value.quantize(Decimal(1), ROUND_HALF_UP)
        if whole < 100:
            return whole
        value = whole  # 99.5 → 100, which is then written with two figures
    step = Decimal(1).scaleb(value.adjusted() - 1)
    ctx = Context(prec=max(34, len(value.as_tuple().digits) + 8))
    rounded = ctx.multiply(
        ctx.divide(value, step).to_integral_value(ROUND_HALF_UP, ctx), step
    ).quantize(step, context=ctx)
    if rounded.adjusted() > value.adjusted():  # 995 → 1.0E+3: still two figures
        rounded = rounded.quantize(Decimal(1).scaleb(rounded.adjusted() - 1), context=ctx)
    return rounded


def format_colony_count(value: Decimal) -> str:
    """A GB 4789.2 count for the report: 16 → "16", 1.6E+4 → "1.6×10⁴"."""
    if value < 100:
        return f"{value:f}"
    mantissa = value.scaleb(-value.adjusted()).quantize(Decimal("0.1"))
    power = "".join(_SUPERSCRIPT[int(ch)] for ch in str(value.adjusted()))
    return f"{mantissa:f}×10{power}"
