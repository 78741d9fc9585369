"""What a technician types in a result cell, read into an `Entry`.

Accepted (surrounding spaces ignored, full-width characters read as ASCII):

- a plain decimal: ``0.549``, ``-0.0365``, ``+2``, ``１２．５``, optionally with a GB/T 8170
  mark ``15.5(+)`` / ``15.5(−)`` / ``15.5（-）`` (true value above / below);
- not detected: ``ND``, ``nd``, ``N.D.``, ``未检出``; with the detection limit of this
  measurement in brackets, ``ND(0.01)``, ``未检出（0.01）`` (`Entry.value` is that LOD);
- below a stated value: ``<0.01``, ``＜0.01`` (the true value is below 0.01);
- below the method's limits: ``<LOD``, ``<LOQ`` (any case; also ``<检出限``, ``<定量限``);
- a word: 阴性 / 阳性 / 检出 / 未检出 / 符合 / 不符合.

Numbers follow the one grammar of `core.numbers`: ``2.1E4``, ``1e-3``, ``1.6×10⁴``,
``1.6×10^4`` are read exactly (a bad exponent, ``1e999``, is refused with its position).
Units (``0.5 mg/kg``) and anything else are refused with a
ValidationError naming the field "result": the typed text is stored as the record, so it
must mean one thing. The original text is always kept in `Entry.text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from labdesk.core.errors import ValidationError
from labdesk.core.numbers import NumberSyntaxError, quote, scan_number
from labdesk.core.rounding import normalize_number_text

__all__ = ["Entry", "EntryKind", "parse_entry"]

EntryKind = Literal["number", "not_detected", "below", "below_lod", "below_loq", "word"]


@dataclass(frozen=True, slots=True)
class Entry:
    """A parsed result.

    kind: "number" (``value``, ``mark``), "not_detected" (ND, 未检出; ``value`` is the LOD
    stated with it, "ND(0.01)", else None), "below" (``value`` is the stated bound of
    "<0.01"), "below_lod", "below_loq", or "word" (``word`` is one of 阴性 阳性 检出 符合 不符合).
    """

    text: str
    kind: EntryKind
    value: Decimal | None = None
    mark: int = 0
    word: str = ""

    @property
    def normalized(self) -> str:
        """The entry as it should be stored/shown: '＜0.01' → '<0.01', 'nd' → 'ND'."""
        if self.kind == "number":
            return f"{self.value:f}{_MARK_TEXT[self.mark]}"
        if self.kind == "below":
            return f"<{self.value:f}"
        if self.kind == "not_detected" and self.value is not None:
            return f"ND({self.value:f})"
        return {"not_detected": self.word or "ND", "below_lod": "<LOD", "below_loq": "<LOQ"}.get(
            self.kind, self.word
        )


_NUMBER_CHARS = frozenset("0123456789.")
MAX_LENGTH = 40  # no instrument reports more digits; longer text is a paste accident
_MARKS = {"(+)": 1, "(-)": -1}
_MARK_TEXT = {1: "(+)", -1: "(−)", 0: ""}
_WORDS = {"阴性", "阳性", "检出", "符合", "不符合"}
WORDS = frozenset(_WORDS)  # the words a result may be, as typed
_NOT_DETECTED = {"ND", "N.D.", "N.D", "未检出"}
_BELOW_LOD = {"LOD", "检出限"}
_BELOW_LOQ = {"LOQ", "定量限"}

_ACCEPTED_EN = (
    "a decimal such as 0.549 or -12.5 (optionally marked 15.5(+) / 15.5(−)), ND / 未检出 "
    "(with its detection limit: ND(0.01)), <0.01, <LOD, <LOQ, or one of 阴性 阳性 检出 未检出 "
    "符合 不符合"
)
_ACCEPTED_ZH = (
    "数值（如 0.549、-12.5，可带修约标记 15.5(+)/15.5(−)）、ND/未检出（可带检出限：ND(0.01)）、"
    "<0.01、<LOD、<LOQ，"
    "或 阴性、阳性、检出、未检出、符合、不符合"
)


def _invalid(text: str, rule: str, why_en: str, why_zh: str) -> ValidationError:
    shown = quote(text)
    return ValidationError(
        "result",
        rule,
        f"result {shown!r}: {why_en}. Accepted: {_ACCEPTED_EN}. "
        f"（结果“{shown}”{why_zh}。可填写：{_ACCEPTED_ZH}）",
        en=f"result {quote(text, language='en')!r}: {why_en}. Accepted: {_ACCEPTED_EN}.",
        zh=f"结果“{quote(text, language='zh')}”{why_zh}。可填写：{_ACCEPTED_ZH}",
    )


def _decimal(body: str) -> Decimal | None:
    """A number in the one grammar of `core.numbers` (0.549, -12.5, 2.1E4, 1.6×10⁴), or None
    when ``body`` is not wholly one. A malformed exponent ("1e999", "1e") raises."""
    digits = body[1:] if body[:1] in "+-" else body
    if not digits:
        return None
    if _NUMBER_CHARS.issuperset(digits):
        if digits.count(".") > 1 or digits == ".":
            return None
        return Decimal(body)
    if not digits[0].isdigit():
        return None
    try:
        scanned = scan_number(body, 0, "result")
    except NumberSyntaxError as exc:
        if any(ch in body for ch in "eE^×⁰¹²³⁴⁵⁶⁷⁸⁹"):
            raise _invalid(
                body,
                "number_syntax",
                f"expected {exc.expected} at position {exc.position}",
                f"第 {exc.position + 1} 个字符处的指数不正确（指数不超过 ±30）",
            ) from None
        return None
    return scanned.value if scanned.end == len(body) else None


def _stated_lod(text: str, compact: str) -> Decimal | None:
    """The LOD of "ND(0.01)" / "未检出(0.01)" (brackets already read as ASCII), else None."""
    head, bracket, rest = compact.partition("(")
    if not bracket or not rest.endswith(")") or head.upper() not in _NOT_DETECTED:
        return None
    value = _decimal(rest[:-1])
    if value is None or value <= 0 or rest[:1] in "+-":
        raise _invalid(
            text,
            "result_format",
            "the detection limit in brackets must be a positive number, e.g. ND(0.01)",
            "括号内的检出限应为正数，如 ND(0.01)",
        )
    return value


def parse_entry(text: str) -> Entry:
    """Reads a typed result; raises ValidationError(field="result") when it is not one."""
    if not isinstance(text, str):
        raise _invalid(repr(text), "result_text", "is not text", "不是文本")
    # Full-width digits and minus variants are never ASCII: an ASCII text needs no mapping.
    cleaned = (text if text.isascii() else normalize_number_text(text)).strip()
    if not cleaned:
        raise _invalid(text, "required", "is empty", "为空")
    if len(cleaned) > MAX_LENGTH:
        raise _invalid(text, "result_length", f"is longer than {MAX_LENGTH} characters", "过长")
    value = _decimal(cleaned)
    if value is not None:
        return Entry(text, "number", value)
    compact = cleaned.replace(" ", "")
    upper = compact.upper()
    if compact in _WORDS:
        return Entry(text, "word", word=compact)
    if upper in _NOT_DETECTED:
        return Entry(text, "not_detected", word="未检出")
    stated = _stated_lod(text, compact)
    if stated is not None:
        return Entry(text, "not_detected", stated, word="未检出")
    if compact[-3:] in _MARKS:
        value = _decimal(compact[:-3])
        if value is not None:
            return Entry(text, "number", value, mark=_MARKS[compact[-3:]])
        raise _invalid(
            text, "result_format", "has a mark but no number before it", "修约标记前不是数值"
        )
    if compact[:1] in "<﹤" or compact[:1] == "≤":
        if compact[:1] == "≤":
            raise _invalid(
                text, "result_format", "use '<' for a value below a limit", "低于某值请用“<”"
            )
        rest = compact[1:]
        if rest.upper() in _BELOW_LOD:
            return Entry(text, "below_lod")
        if rest.upper() in _BELOW_LOQ:
            return Entry(text, "below_loq")
        value = _decimal(rest)
        if value is not None and value > 0:
            return Entry(text, "below", value)
        raise _invalid(
            text,
            "result_format",
            "'<' must be followed by a positive number, LOD or LOQ",
            "“<”后应为正数、LOD 或 LOQ",
        )
    raise _invalid(text, "result_format", "is not a number or an accepted word", "无法识别")
