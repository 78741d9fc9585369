"""One number grammar for limits, results and sampling-plan units.

Accepted, at a position in a text (full-width characters already read as ASCII by
`rounding.normalize_number_text`):

- a decimal with an optional sign: ``0.549``, ``-12.5``, ``+2``, ``16000``;
- E-notation: ``2.1E4``, ``1e3``, ``1E-3`` — the ``e``/``E`` is an exponent only when a
  digit (or a sign and a digit) follows; ``5EU/mL`` is 5 with the unit EU/mL;
- a power of ten as printed in standards and on count sheets: ``1.6×10⁴``, ``1.6×10^4``,
  ``1.6x10^4``, ``1.6*10^4``, ``1.6·10⁴``, and ``10⁴`` / ``10^4`` alone (= 1×10⁴).

Each is read exactly (``Decimal(mantissa).scaleb(exponent)``), never through a float, and
never split into a number and a "unit" (``≤1e3`` is ≤1000, not ≤1 with the unit "e3").
Exponents are bounded by `MAX_EXPONENT` (``1e999`` is refused at the exponent's position,
not judged). A malformed number raises `NumberSyntaxError` with the 0-based position and
what was expected there.

`quote` keeps every message short: a 120,000-character paste is quoted as its first few
dozen characters, never echoed whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal

from labdesk.core.errors import ValidationError
from labdesk.core.rounding import normalize_number_text

__all__ = [
    "MAX_EXPONENT",
    "QUOTE_CHARS",
    "WIDE",
    "NumberSyntaxError",
    "Scanned",
    "parse_number",
    "plain",
    "quote",
    "scan_number",
    "superscript",
]

MAX_EXPONENT = 30  # 10³⁰: far beyond any count or concentration; 1e999 is a typo or an attack
QUOTE_CHARS = 40
_DIGITS = frozenset("0123456789")
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPTS = frozenset("⁻⁺⁰¹²³⁴⁵⁶⁷⁸⁹")
_FROM_SUPERSCRIPT = str.maketrans("⁻⁺⁰¹²³⁴⁵⁶⁷⁸⁹", "-+0123456789")
_TIMES = ("×10", "x10", "X10", "*10", "·10", "✕10")
# Exact for any accepted entry (≤ 40 characters) times any accepted scale (a unit ratio
# within 10^±30 times a factor), so a conversion never rounds.
WIDE = Context(prec=120)


def plain(value: Decimal) -> str:
    """A Decimal as plain digits (no exponent), the way a report prints it."""
    text = str(value)
    if "E" in text:
        text = f"{value:f}"
    return text


def quote(text: str, limit: int = QUOTE_CHARS, language: str | None = None) -> str:
    """``text`` for a message: at most ``limit`` characters, an ellipsis when cut; the
    length said in ``language`` ("zh", "en"), or in both when None (a combined message)."""
    if len(text) <= limit:
        return text
    if language == "zh":
        return f"{text[:limit]}…（共 {len(text)} 个字符）"
    if language == "en":
        return f"{text[:limit]}… ({len(text)} characters)"
    return f"{text[:limit]}…（共 {len(text)} 个字符 / {len(text)} characters）"


class NumberSyntaxError(ValidationError):
    """A number that does not read; ``position`` (0-based) and ``expected`` say where/what."""

    def __init__(self, field: str, text: str, position: int, expected_en: str, expected_zh: str):
        self.text = text
        self.position = position
        self.expected = expected_en
        found = text[position : position + 8] if position < len(text) else "end of text"
        found_zh = text[position : position + 8] if position < len(text) else "结尾"
        shown_zh = quote(text, language="zh")
        zh = f"“{shown_zh}”第 {position + 1} 个字符处（{found_zh}）应为{expected_zh}"
        super().__init__(
            field,
            "number_syntax",
            f"{field} {quote(text)!r}: expected {expected_en} at position {position} "
            f"(found {found!r}) （“{quote(text)}”第 {position + 1} 个字符处（{found_zh}）"
            f"应为{expected_zh}）",
            en=f"{field} {quote(text, language='en')!r}: expected {expected_en} at position "
            f"{position} (found {found!r})",
            zh=zh,
        )


@dataclass(frozen=True, slots=True)
class Scanned:
    """A number read from a text: its exact value, where it ended, and how it was written."""

    value: Decimal
    end: int
    written: str  # the normalised text of the number, "1.6×10⁴"
    scientific: bool  # written with an exponent (E or ×10ⁿ)


def _exponent(field: str, original: str, text: str, pos: int, raised: bool) -> tuple[int, int]:
    """(exponent, end) of the power after ``e``, ``^`` (raised=False) or in superscripts."""
    start = pos
    if raised:
        while pos < len(text) and text[pos] in _SUPERSCRIPTS:
            pos += 1
        digits = text[start:pos].translate(_FROM_SUPERSCRIPT)
    else:
        if pos < len(text) and text[pos] in "+-":
            pos += 1
        while pos < len(text) and text[pos] in _DIGITS:
            pos += 1
        digits = text[start:pos]
    body = digits.lstrip("+-")
    if not body or not body.isdigit() or digits.count("-") + digits.count("+") > 1:
        raise NumberSyntaxError(
            field, original, start, "the digits of a power of ten (10³, 10^3, E3)", "10 的指数数字"
        )
    if len(body) > 3 or int(body) > MAX_EXPONENT:
        raise NumberSyntaxError(
            field,
            original,
            start,
            f"a power of ten from 10⁻{MAX_EXPONENT} to 10^{MAX_EXPONENT}",
            f"不超过 ±{MAX_EXPONENT} 的指数",
        )
    return int(digits), pos


def scan_number(text: str, pos: int, field: str, original: str | None = None) -> Scanned:
    """Reads one number starting at ``pos`` of the normalised ``text``.

    ``original`` is the text as typed (same length) for messages; default ``text``.
    """
    original = text if original is None else original
    start = pos
    size = len(text)
    if pos < size and text[pos] in "+-":
        pos += 1
    digits_start = pos
    while pos < size and text[pos] in _DIGITS:
        pos += 1
    if pos == digits_start:
        raise NumberSyntaxError(field, original, start, "a number", "数值")
    if pos < size and text[pos] == ".":
        pos += 1
        fraction = pos
        while pos < size and text[pos] in _DIGITS:
            pos += 1
        if pos == fraction:
            raise NumberSyntaxError(
                field, original, pos, "a digit after the decimal point", "小数点后的数字"
            )
        if pos < size and text[pos] == ".":  # 0.5.1: not a number at all
            raise NumberSyntaxError(field, original, start, "a number", "数值")
    mantissa = text[start:pos]
    body = text[digits_start:pos]
    # 10⁴ / 10^4 alone: the 10 is the base, not a mantissa.
    if body == "10" and pos < size and (text[pos] == "^" or text[pos] in _SUPERSCRIPTS):
        sign = mantissa[:1] if mantissa[:1] in "+-" else ""
        raised = text[pos] != "^"
        power, end = _exponent(field, original, text, pos if raised else pos + 1, raised)
        return Scanned(Decimal(f"{sign}1").scaleb(power), end, text[start:end], True)
    if pos < size and text[pos] in "eE":
        after = pos + 1
        if after < size and text[after] in "+-":
            after += 1
        if after < size and text[after] in _DIGITS:
            power, end = _exponent(field, original, text, pos + 1, False)
            return Scanned(Decimal(mantissa).scaleb(power), end, text[start:end], True)
        if after > pos + 1 or after >= size or not text[after].isalpha():
            # "1e", "1e+", "1E-x", "1e)": an exponent begun and not finished. Only a letter
            # after the e makes it a unit ("5EU/mL"); never read "1e" as 1 with a unit "e".
            raise NumberSyntaxError(
                field, original, after, "the digits of the exponent (1E-3)", "指数数字"
            )
    for times in _TIMES:
        if text.startswith(times, pos):
            after = pos + len(times)
            if after < size and text[after] == "^":
                power, end = _exponent(field, original, text, after + 1, False)
            elif after < size and text[after] in _SUPERSCRIPTS:
                power, end = _exponent(field, original, text, after, True)
            else:
                raise NumberSyntaxError(
                    field,
                    original,
                    after,
                    "a power after ×10, such as ×10³ or ×10^3",
                    "×10 后的指数，如 ×10³ 或 ×10^3",
                )
            return Scanned(Decimal(mantissa).scaleb(power), end, text[start:end], True)
    return Scanned(Decimal(mantissa), pos, mantissa, False)


def parse_number(text: str, field: str) -> Decimal:
    """The whole ``text`` (spaces around ignored) as one number, or NumberSyntaxError."""
    normal = normalize_number_text(text)
    pos = len(normal) - len(normal.lstrip())
    scanned = scan_number(normal, pos, field, text)
    rest = normal[scanned.end :]
    if rest.strip():
        raise NumberSyntaxError(
            field,
            text,
            scanned.end + len(rest) - len(rest.lstrip()),
            "the end of the number",
            "数值结束",
        )
    return scanned.value


def superscript(power: int) -> str:
    """10's exponent as superscript digits: 4 → ⁴, -3 → ⁻³."""
    sign = "⁻" if power < 0 else ""
    return sign + "".join(_SUPERSCRIPT_DIGITS[int(ch)] for ch in str(abs(power)))
