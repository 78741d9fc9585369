"""Limit expressions as product standards write them (GB/T 8170 §4, absorbing GB 1250).

`parse_limit` reads the text of a limit cell into a `Limit`:

==============================  ==========================================================
``≤A`` ``<=A`` ``≦A``            小于或等于 / 不大于 / 不多于 / 不高于 / A及以下 / 至多A
``≥A`` ``>=A`` ``≧A``            大于或等于 / 不小于 / 不少于 / 不低于 / A及以上 / 至少A
``<A`` ``＜A``                   小于 / 少于 / 低于 / 不足A
``>A`` ``＞A``                   大于 / 多于 / 高于 / 超过A
``=A`` ``＝A``                   exactly A
``A～B`` ``A~B`` ``A-B`` 从A到B   A ≤ X ≤ B (also A至B, A到B)
超过A到B / 至少A不足B / 超过A不足B  A < X ≤ B / A ≤ X < B / A < X < B
``X₀±Δ``                         X₀−Δ ≤ X ≤ X₀+Δ; "(不含Δ)" excludes both ends, "(不含+Δ)" /
                                 "(不含−Δ)" only the upper / lower end
不得检出 [/25 g]                  not detected (judged against the method's LOD)
不得使用                          GB 2760: an additive not permitted — judged as 不得检出
按生产需要适量使用                 GB 2760: used as production needs — report only, never fails
``n=5,c=2,m=100 CFU/g,M=1000``    a microbiological sampling plan (`core.plans`)
阴性, 符合…, 应符合…, 无…, 应无…, 不得有…   a text criterion
实测, 实测值, 报告实测值, —, —— , /, -    report only: no judgement
==============================  ==========================================================

A unit after the numbers (``≤0.2 mg/kg``, ``≤150μg/kg``, ``4.0～7.5 %``) is kept in
`Limit.unit`. Numbers follow the one grammar of `core.numbers`: plain decimals, E-notation
(``≤1e3`` is ≤1000, never ≤1 with a unit "e3"), ``A×10ⁿ`` / ``A×10^n``; exponents bounded.
A tolerance may name its exclusion by the number, ``10.0±0.1（不含0.1）`` (= 不含Δ).

GB 2763 marks are kept as marks with their meaning (`Limit.mark`, `LIMIT_MARKS`), never as
a unit: a trailing ``*`` (临时限量, a temporary limit), ``（临时限量）`` and
``（再残留限量）`` / ``（EMRL）`` (an extraneous maximum residue limit). GB 2763 prints its
EMRLs in their own tables; the bracket form is how a row carries that fact here.
A limit text longer than `MAX_LIMIT_LENGTH` is refused, quoting only its beginning.

Annotations after the limit, as standards print them, are kept but never change the
comparison (they say what the number means, not where the line is):

- a trailing note in brackets, ``≤0.2（以Pb计）``, ``≤10 (以干基计)`` → `Limit.note`
  ("以Pb计"); a bracket starting with 不含 is the tolerance exclusion, not a note;
  ``不得检出（/25 g）`` is the basis "/25 g", as ``不得检出/25 g``;
- a trailing footnote mark → `Limit.footnote` ("a"): superscript letters ``≤0.05ᵃ``,
  ``^`` and letters/digits ``≤0.05^a``, or a lone a/b/c after a space, a digit or a
  bracket: ``≤0.05 a``, ``≤0.05a`` (a superscript lost in copying from a PDF).
  Superscript digits (``≤0.05¹``) and ``^1`` are a footnote only where they cannot be a
  power or a unit: ``≤10³`` stays 1000 and ``mg/m³`` stays a unit.

At most one note and one footnote, in either order.

Anything else raises `LimitSyntaxError` with the 0-based position and what was expected
there: a limit that cannot be read must never judge a result as passing.

Plain "A以上" / "A以下" is rejected on purpose: GB/T 8170 only defines "A及以上" / "A及以下",
and whether a bare 以上 includes A is exactly the ambiguity GB 1250 was written to end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from labdesk.core.errors import ValidationError
from labdesk.core.limit_messages import expected_zh
from labdesk.core.numbers import NumberSyntaxError, quote, scan_number
from labdesk.core.plans import SamplingPlan, looks_like_plan, parse_plan
from labdesk.core.rounding import normalize_number_text

__all__ = [
    "LIMIT_MARKS",
    "MAX_LIMIT_LENGTH",
    "Bound",
    "Limit",
    "LimitKind",
    "LimitSyntaxError",
    "parse_limit",
]

LimitKind = Literal[
    "max",
    "min",
    "range",
    "tolerance",
    "equal",
    "not_detected",
    "qualitative",
    "report_only",
    "plan",
]
MAX_LIMIT_LENGTH = 200  # the longest real limit cell is far shorter; a paste is refused
NOT_PERMITTED = "不得使用"
AS_NEEDED = "按生产需要适量使用"
LIMIT_MARKS: dict[str, tuple[str, str]] = {
    "*": ("临时限量（GB 2763：该限量为临时限量）", "temporary limit (GB 2763)"),
    "EMRL": ("再残留限量（GB 2763）", "extraneous maximum residue limit (GB 2763)"),
}
_MARK_NOTES = {"临时限量": "*", "再残留限量": "EMRL", "EMRL": "EMRL"}
NUMERIC_KINDS = frozenset({"max", "min", "range", "tolerance", "equal"})


class LimitSyntaxError(ValidationError):
    """A limit text that cannot be read; `.position` (0-based) and `.expected` say where/what."""

    def __init__(
        self,
        text: str,
        position: int,
        expected: str,
        *,
        rule: str = "limit_syntax",
        message: str | None = None,
        en: str | None = None,
        zh: str | None = None,
    ) -> None:
        self.text = text
        self.position = position
        self.expected = expected
        found = text[position : position + 8] if position < len(text) else "end of text"
        if message is None:
            message = (
                f"limit {quote(text)!r}: expected {expected} at position {position} "
                f"(found {found!r}) （限量值“{quote(text)}”第 {position + 1} 个字符处应为"
                f"{expected_zh(expected)}）"
            )
            en = (
                f"limit {quote(text, language='en')!r}: expected {expected} at position "
                f"{position} (found {found!r})"
            )
            zh = (
                f"限量值“{quote(text, language='zh')}”第 {position + 1} 个字符处应为"
                f"{expected_zh(expected)}"
            )
        super().__init__("limit", rule, message, en=en, zh=zh)


@dataclass(frozen=True, slots=True)
class Bound:
    """One end of an acceptance interval. ``text`` is the number as the standard wrote it."""

    value: Decimal
    inclusive: bool
    text: str

    @property
    def place(self) -> Decimal:
        """The last digit place written (0.5 → 0.1, 250 → 1, 1.0×10³ → 1E+2)."""
        return Decimal(1).scaleb(self.value.as_tuple().exponent)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Limit:
    """A parsed limit. Numeric kinds have ``lower`` and/or ``upper``; the others have none.

    ``text`` is what was typed; ``criterion`` the text criterion (qualitative) or the
    basis (not_detected, e.g. "/25 g"); ``nominal``/``delta``/``excluded`` are set for
    tolerances ("10.0±0.5（不含−Δ）" → excluded "-").
    """

    kind: LimitKind
    text: str
    lower: Bound | None = None
    upper: Bound | None = None
    unit: str = ""
    criterion: str = ""
    nominal: Bound | None = None
    delta: Bound | None = None
    excluded: str = ""  # tolerance only: "", "±", "+" or "-"
    note: str = ""  # "以Pb计" from "≤0.2（以Pb计）": shown, never compared
    footnote: str = ""  # "a" from "≤0.05ᵃ" / "≤0.05^a" / "≤0.05 a"
    plan: SamplingPlan | None = None  # kind "plan"
    mark: str = ""  # a key of LIMIT_MARKS: "*" temporary, "EMRL" extraneous residue limit
    wording: str = ""  # 不得使用 / 按生产需要适量使用: the table's own words, shown as written

    @property
    def mark_meaning(self) -> str:
        return LIMIT_MARKS[self.mark][0] if self.mark else ""

    # -- classification -------------------------------------------------------------
    @property
    def is_report_only(self) -> bool:
        return self.kind == "report_only"

    @property
    def is_not_detected(self) -> bool:
        return self.kind == "not_detected"

    @property
    def is_qualitative(self) -> bool:
        return self.kind == "qualitative"

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def is_plan(self) -> bool:
        return self.kind == "plan"

    @property
    def bounds(self) -> tuple[Bound | None, Bound | None]:
        """(lower, upper); ``None`` for an open end."""
        return self.lower, self.upper

    # -- meaning ----------------------------------------------------------------------
    def contains(self, value: Decimal) -> bool:
        """Whether ``value`` satisfies a numeric limit (full-value comparison).

        Raises ValueError for non-numeric limits: those are judged by `judgement`, which
        knows the detection limit and the typed word.
        """
        if self.kind not in NUMERIC_KINDS:
            raise ValueError(f"a {self.kind} limit has no numeric bounds: {self.text!r}")
        lower, upper = self.lower, self.upper
        if lower is not None and (
            value < lower.value or (value == lower.value and not lower.inclusive)
        ):
            return False
        return not (
            upper is not None
            and (value > upper.value or (value == upper.value and not upper.inclusive))
        )

    def default_interval(self) -> Decimal | None:
        """The limit's own last digit place — the 修约值比较法 interval when none is stated."""
        places = [b.place for b in (self.lower, self.upper, self.nominal, self.delta) if b]
        return min(places) if places else None

    def describe_zh(self) -> str:
        """Canonical Chinese text; `parse_limit` reads it back to the same limit."""
        base = self._base_zh()
        note = f"（{self.note}）" if self.note else ""
        mark = {"*": "*", "EMRL": "（再残留限量）"}.get(self.mark, "")
        return f"{base}{mark}{note}{_footnote_text(base + mark + note, self.footnote)}"

    def describe_en(self) -> str:
        """Canonical English text for reports and logs."""
        note = f" ({_note_en(self.note)})" if self.note else ""
        mark = f" [note {self.footnote}]" if self.footnote else ""
        meaning = f" ({LIMIT_MARKS[self.mark][1]})" if self.mark else ""
        return f"{self._base_en()}{meaning}{note}{mark}"

    def _base_zh(self) -> str:
        if self.wording:
            return self.wording
        if self.plan is not None:
            return self.plan.describe_zh()
        unit = f" {self.unit}" if self.unit else ""
        lo, up = self.lower, self.upper
        if self.kind == "max" and up:
            return f"{'≤' if up.inclusive else '<'}{up.text}{unit}"
        if self.kind == "min" and lo:
            return f"{'≥' if lo.inclusive else '>'}{lo.text}{unit}"
        if self.kind == "equal" and lo:
            return f"={lo.text}{unit}"
        if self.kind == "tolerance" and self.nominal and self.delta:
            note = {"±": "（不含Δ）", "+": "（不含+Δ）", "-": "（不含−Δ）"}.get(self.excluded, "")
            return f"{self.nominal.text}±{self.delta.text}{unit}{note}"
        if self.kind == "range" and lo and up:
            if lo.inclusive and up.inclusive:
                return f"{lo.text}～{up.text}{unit}"
            first = "至少" if lo.inclusive else "超过"
            second = "到" if up.inclusive else "不足"
            return f"{first}{lo.text}{second}{up.text}{unit}"
        if self.kind == "not_detected":
            return f"不得检出{self.criterion}" if self.criterion else "不得检出"
        if self.kind == "qualitative":
            return self.criterion
        return "实测"

    def _base_en(self) -> str:
        if self.wording == NOT_PERMITTED:
            return "not permitted (GB 2760: judged as not detected)"
        if self.wording == AS_NEEDED:
            return "used as production needs (GB 2760: reported only)"
        if self.plan is not None:
            return self.plan.describe_en()
        unit = f" {self.unit}" if self.unit else ""
        lo, up = self.lower, self.upper
        if self.kind == "max" and up:
            return f"{'at most' if up.inclusive else 'below'} {up.text}{unit}"
        if self.kind == "min" and lo:
            return f"{'at least' if lo.inclusive else 'above'} {lo.text}{unit}"
        if self.kind == "equal" and lo:
            return f"exactly {lo.text}{unit}"
        if self.kind == "tolerance" and self.nominal and self.delta:
            note = {
                "±": " (both ends excluded)",
                "+": " (upper end excluded)",
                "-": " (lower end excluded)",
            }.get(self.excluded, "")
            return f"{self.nominal.text} ± {self.delta.text}{unit}{note}"
        if self.kind == "range" and lo and up:
            first = "from" if lo.inclusive else "above"
            second = "to" if up.inclusive else "below"
            return f"{first} {lo.text} {second} {up.text}{unit}"
        if self.kind == "not_detected":
            basis = f" ({self.criterion.strip()})" if self.criterion else ""
            return f"not detected{basis}"
        if self.kind == "qualitative":
            return _QUALITATIVE_EN.get(self.criterion, f"text criterion {self.criterion}")
        return "report only"


_QUALITATIVE_EN = {"阴性": "negative", "阳性": "positive"}

# --------------------------------------------------------------------------- vocabulary

# Words before a number: (word, side, inclusive); side "upper" makes a max, "lower" a min.
_PREFIX_WORDS: tuple[tuple[str, str, bool], ...] = tuple(
    sorted(
        [
            ("小于或等于", "upper", True),
            ("不大于", "upper", True),
            ("不多于", "upper", True),
            ("不高于", "upper", True),
            ("至多", "upper", True),
            ("大于或等于", "lower", True),
            ("不小于", "lower", True),
            ("不少于", "lower", True),
            ("不低于", "lower", True),
            ("至少", "lower", True),
            ("大于", "lower", False),
            ("多于", "lower", False),
            ("高于", "lower", False),
            ("超过", "lower", False),
            ("小于", "upper", False),
            ("少于", "upper", False),
            ("低于", "upper", False),
            ("不足", "upper", False),
            ("<=", "upper", True),
            ("≤", "upper", True),
            ("≦", "upper", True),
            ("⩽", "upper", True),
            (">=", "lower", True),
            ("≥", "lower", True),
            ("≧", "lower", True),
            ("⩾", "lower", True),
            ("<", "upper", False),
            (">", "lower", False),
            ("﹤", "upper", False),
            ("﹥", "lower", False),
        ],
        key=lambda w: -len(w[0]),  # longest first: 小于或等于 before 小于, <= before <
    )
)
_RANGE_SEPARATORS = ("~", "〜", "～", "-", "—", "至", "到")
_REPORT_ONLY = frozenset({"实测", "实测值", "报告实测值", "报告", "—", "——", "-", "--", "/", "－"})
_QUALITATIVE_PREFIXES = ("阴性", "应符合", "符合", "应无", "无", "不得有")
_NOT_DETECTED = "不得检出"
_UNIT_STOP = frozenset(" ~〜～-—=±(（)）,，;；")
_UNIT_SYMBOLS = frozenset("%‰°℃/")
_UNIT_STOP_WORDS = ("及以上", "及以下", "以上", "以下", "到", "不足", "至")
_EXPECT_LIMIT = (
    "a limit (≤ ≥ < > =, 不大于/不小于…, a number, A～B, X±Δ, 不得检出, 阴性/符合…, 实测)"
)


class _Reader:
    """A cursor over the normalised text; errors report positions in the original."""

    __slots__ = ("original", "pos", "text")

    def __init__(self, original: str, text: str) -> None:
        self.original = original
        self.text = text
        self.pos = 0

    def fail(self, expected: str, position: int | None = None) -> LimitSyntaxError:
        return LimitSyntaxError(self.original, self.pos if position is None else position, expected)

    def skip_space(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos].isspace():
            pos += 1
        self.pos = pos

    def at_end(self) -> bool:
        self.skip_space()
        return self.pos >= len(self.text)

    def take(self, word: str) -> bool:
        self.skip_space()
        if self.text.startswith(word, self.pos):
            self.pos += len(word)
            return True
        return False

    def number(self) -> Bound:
        """A signed number in the grammar of `core.numbers` (1e3, 1.6×10⁴, 10^4 …)."""
        self.skip_space()
        try:
            scanned = scan_number(self.text, self.pos, "limit", self.original)
        except NumberSyntaxError as exc:
            raise self.fail(exc.expected, exc.position) from None
        self.pos = scanned.end
        return Bound(scanned.value, True, scanned.written)  # normalised: "０．５" → "0.5"

    def unit(self) -> str:
        """An optional unit right after a number (mg/kg, μg/kg, %, CFU/g, mg/m³)."""
        start = self.pos
        self.skip_space()
        text, pos = self.text, self.pos
        unit_start = pos
        while pos < len(text) and text[pos] not in _UNIT_STOP:
            if any(text.startswith(w, pos) for w in _UNIT_STOP_WORDS):
                break
            pos += 1
        unit = text[unit_start:pos]
        if (
            not unit
            or not (unit[0].isalpha() or unit[0] in _UNIT_SYMBOLS)
            or unit[0] in _SUPERSCRIPTS  # ᵃ is a footnote, never a unit
        ):
            self.pos = start
            return ""
        self.pos = pos
        return unit


_ASCII_DIGITS = frozenset("0123456789")
_FROM_SUPERSCRIPT = str.maketrans("⁻⁺⁰¹²³⁴⁵⁶⁷⁸⁹", "-+0123456789")


def _merge_units(reader: _Reader, first: str, second: str) -> str:
    if first and second and first != second:
        raise reader.fail(
            f"the same unit on both numbers ({first!r} then {second!r})", reader.pos - len(second)
        )
    return second or first


# ------------------------------------------------------------------------ annotations

_SUPERSCRIPT_LETTERS = dict(
    zip("abcdefghijklmnoprstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True)
)
_FROM_SUPERSCRIPT_LETTER = {ord(v): k for k, v in _SUPERSCRIPT_LETTERS.items()}
# Always a footnote: superscript letters, ^letters, or a lone a/b/c after a space, a digit
# or a bracket ("≤0.05a" is how "≤0.05ᵃ" pastes from a PDF; no unit is a lone a, b or c
# in a product standard, and "ᵃ" would otherwise be read as a unit).
_SUPERSCRIPTS = "".join(_SUPERSCRIPT_LETTERS.values())
# A footnote only if the limit does not read with it: ≤10³ is 1000, mg/m³ a unit.
_DIGIT_FOOTNOTE = re.compile(r"\s*(?:\^([0-9]{1,3})|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}))\Z")
_POWER_BASE = re.compile(r"(?:[×xX*]10|(?<![0-9.])10)\Z")
_NOTE_EN = {
    "以干基计": "on a dry basis",
    "以湿基计": "on a wet basis",
    "以脂肪计": "on a fat basis",
}
_NOTE_AS = re.compile(r"以\s*([A-Za-z0-9₀-₉⁺⁻+\-()·]+)\s*计")


def _split_annotations(text: str) -> tuple[int, str, str]:
    """(end of the limit proper, note, footnote) for the normalised ``text``.

    Looks at the end only, so a plain limit costs an rstrip and a few character tests.
    """
    end, note, footnote = len(text), "", ""
    for _ in range(2):
        body = text[:end].rstrip()
        if not note and body.endswith(")"):
            opening = body.rfind("(", 0, len(body) - 1)
            inner = body[opening + 1 : -1].strip() if opening >= 0 else ""
            if (
                inner
                and ")" not in inner
                and not inner.startswith("不含")
                and any(ch.isalpha() for ch in inner)
            ):
                end, note = opening, inner
                continue
        if not footnote:
            found = _footnote_at_end(body)
            if found:
                end, footnote = found
                continue
        break
    return end, note, footnote


def _footnote_at_end(body: str) -> tuple[int, str] | None:
    """(where the footnote starts, the footnote) if ``body`` ends with one (see above).

    By hand rather than a regex: this runs on every limit parsed, and a regex anchored at
    the end still tries every start position.
    """
    size = len(body)
    start = size
    while start > 0 and body[start - 1] in _SUPERSCRIPTS:
        start -= 1
    if start < size:
        found = body[start:]
        return (start, found.translate(_FROM_SUPERSCRIPT_LETTER)) if len(found) <= 3 else None
    while start > 0 and body[start - 1].isascii() and body[start - 1].isalpha():
        start -= 1
    letters = body[start:]
    if 1 <= len(letters) <= 3 and start > 0 and body[start - 1] == "^":
        return None if body[start - 2 : start] == "^^" else (start - 1, letters)
    if letters in ("a", "b", "c") and size >= 2:
        before = body[-2]
        if "0" <= before <= "9" or before == ")":
            return size - 1, letters
        if before.isspace():
            rest = len(body[:-1].rstrip())
            return (rest, letters) if rest else None
    return None


def _footnote_text(before: str, footnote: str) -> str:
    """The footnote as `parse_limit` reads it back: ᵃ, ^A, or " ^1" (never a power)."""
    if not footnote:
        return ""
    if all(ch in _SUPERSCRIPT_LETTERS for ch in footnote):
        return "".join(_SUPERSCRIPT_LETTERS[ch] for ch in footnote)
    if footnote.isdigit():
        return f" ^{footnote}"  # "≤10^1" would be the power 10¹
    return f"^{footnote}"


def _note_en(note: str) -> str:
    """以Pb计 → "as Pb"; the usual bases in English; anything else as written."""
    if note in _NOTE_EN:
        return _NOTE_EN[note]
    match = _NOTE_AS.fullmatch(note)
    return f"as {match.group(1)}" if match else note


def _parse(original: str) -> Limit:
    text = normalize_number_text(original)
    if looks_like_plan(text):
        try:
            plan = parse_plan(original)
        except NumberSyntaxError as exc:
            raise LimitSyntaxError(original, exc.position, exc.expected) from None
        except ValidationError as exc:
            # A plan that reads but breaks a rule (c > n, m > M …): still a limit that
            # cannot be used, so callers that catch LimitSyntaxError see it; rule kept.
            raise LimitSyntaxError(
                original,
                int(getattr(exc, "position", 0)),
                str(getattr(exc, "expected", exc.rule)),
                rule=exc.rule,
                message=str(exc),
                en=exc.texts.get("en"),
                zh=exc.texts.get("zh"),
            ) from None
        return Limit("plan", original, unit=plan.unit, criterion=plan.basis, plan=plan)
    mark = ""
    stripped = text.rstrip()
    if stripped.endswith("*") and not stripped.endswith("**"):
        mark, text = "*", stripped[:-1] + " " * (len(text) - len(stripped) + 1)
    end, note, footnote = _split_annotations(text)
    if note in _MARK_NOTES and not mark:
        mark, note = _MARK_NOTES[note], ""
    limit = _parse_marked(original, text, end, note, footnote)
    if mark:
        if limit.kind not in NUMERIC_KINDS:
            raise LimitSyntaxError(
                original, len(original.rstrip()) - 1, "a numeric limit before a GB 2763 mark"
            )
        return replace(limit, mark=mark)
    return limit


def _parse_marked(original: str, text: str, end: int, note: str, footnote: str) -> Limit:
    try:
        limit = _parse_core(original, text[:end])
    except LimitSyntaxError:
        match = None if footnote else _DIGIT_FOOTNOTE.search(text[:end].rstrip())
        before = text[: match.start()] if match else ""
        attached = match is not None and not match.group(0)[0].isspace()
        if match is None or not before.strip() or (attached and _POWER_BASE.search(before)):
            raise  # right after 10 / ×10 a raised number is a power: its error stands
        try:
            limit = _parse_core(original, text[: match.start()])
        except LimitSyntaxError:
            pass
        else:
            return _annotated(
                limit, note, match.group(1) or match.group(2).translate(_FROM_SUPERSCRIPT)
            )
        raise
    if note or footnote:
        return _annotated(limit, note, footnote)
    return limit


def _annotated(limit: Limit, note: str, footnote: str) -> Limit:
    if limit.is_not_detected and not limit.criterion and note.startswith(("/", "每")):
        return replace(limit, criterion=_normalise_basis(note), footnote=footnote)
    return replace(limit, note=note, footnote=footnote)


def _parse_core(original: str, text: str) -> Limit:
    """Parses the limit proper: ``text`` is the normalised text up to any annotation."""
    stripped = text.strip()
    if not stripped:
        raise LimitSyntaxError(original, 0, _EXPECT_LIMIT)
    if stripped in _REPORT_ONLY or stripped.replace(" ", "") in _REPORT_ONLY:
        return Limit("report_only", original)
    reader = _Reader(original, text)
    reader.skip_space()
    if stripped in (NOT_PERMITTED, AS_NEEDED):
        kind: LimitKind = "not_detected" if stripped == NOT_PERMITTED else "report_only"
        return Limit(kind, original, wording=stripped)
    if reader.take(_NOT_DETECTED):
        reader.skip_space()
        basis = text[reader.pos :].strip()
        if basis and basis[0] not in "/每(（":
            raise reader.fail("the end of the limit or a basis such as /25 g")
        return Limit("not_detected", original, criterion=_normalise_basis(basis))
    for prefix in _QUALITATIVE_PREFIXES:
        if stripped.startswith(prefix):
            return Limit("qualitative", original, criterion=original[: len(text)].strip())

    # 从A到B, 超过A到B, 至少A不足B, 超过A不足B, or a comparison word/symbol before one number.
    if reader.take("从"):
        lo = reader.number()
        u1 = reader.unit()
        if not reader.take("到") and not reader.take("至"):
            raise reader.fail("到 (从A到B)")
        return _finish_range(reader, lo, u1)
    for word, side, inclusive in _PREFIX_WORDS:
        if reader.take(word):
            bound = reader.number()
            bound = Bound(bound.value, inclusive, bound.text)
            unit = reader.unit()
            if side == "lower":
                second = _second_half(reader, bound, unit)
                if second is not None:
                    return second
            _expect_end(reader)
            if side == "upper":
                return Limit("max", original, upper=bound, unit=unit)
            return Limit("min", original, lower=bound, unit=unit)
    if reader.take("=") or reader.take("＝"):
        bound = reader.number()
        unit = reader.unit()
        _expect_end(reader)
        return Limit("equal", original, lower=bound, upper=bound, unit=unit)

    # A number first: A及以上 / A及以下 / A～B / X±Δ.
    try:
        first = reader.number()
    except LimitSyntaxError:
        raise reader.fail(_EXPECT_LIMIT) from None
    unit = reader.unit()
    if reader.take("及以上"):
        unit = _merge_units(reader, unit, reader.unit())
        _expect_end(reader)
        return Limit("min", original, lower=first, unit=unit)
    if reader.take("及以下"):
        unit = _merge_units(reader, unit, reader.unit())
        _expect_end(reader)
        return Limit("max", original, upper=first, unit=unit)
    if reader.take("±"):
        return _finish_tolerance(reader, first, unit)
    for separator in _RANGE_SEPARATORS:
        if reader.take(separator):
            return _finish_range(reader, first, unit)
    reader.skip_space()
    if text.startswith(("以上", "以下"), reader.pos):
        raise reader.fail("及以上 or 及以下 (a bare 以上/以下 is ambiguous under GB/T 8170)")
    if reader.at_end():
        raise reader.fail("a comparison before the number (≤ ≥ < > = or 不大于…) or a range", 0)
    raise reader.fail("及以上, 及以下, a range separator (～ ~ - 至) or ±")


def _normalise_basis(basis: str) -> str:
    """'/25g' → '/25 g'; other bases as typed (trimmed)."""
    if basis.startswith("/"):
        rest = basis[1:].strip()
        number_end = 0
        while number_end < len(rest) and (rest[number_end].isdigit() or rest[number_end] == "."):
            number_end += 1
        if 0 < number_end < len(rest):
            return f"/{rest[:number_end]} {rest[number_end:].strip()}"
        return f"/{rest}"
    return basis


def _second_half(reader: _Reader, lo: Bound, unit: str) -> Limit | None:
    """After "超过A"/"至少A" etc.: an optional "到B" or "不足B" makes a range."""
    for word, inclusive in (("到", True), ("不足", False), ("至", True)):
        if reader.take(word):
            up = reader.number()
            up = Bound(up.value, inclusive, up.text)
            unit = _merge_units(reader, unit, reader.unit())
            _expect_end(reader)
            return _make_range(reader, lo, up, unit)
    return None


def _finish_range(reader: _Reader, lo: Bound, unit: str) -> Limit:
    up = reader.number()
    unit = _merge_units(reader, unit, reader.unit())
    _expect_end(reader)
    return _make_range(reader, Bound(lo.value, True, lo.text), up, unit)


def _make_range(reader: _Reader, lo: Bound, up: Bound, unit: str) -> Limit:
    if lo.value > up.value or (lo.value == up.value and not (lo.inclusive and up.inclusive)):
        raise reader.fail(
            f"a range whose lower end ({lo.text}) is below its upper end ({up.text})", 0
        )
    return Limit("range", reader.original, lower=lo, upper=up, unit=unit)


def _finish_tolerance(reader: _Reader, nominal: Bound, unit: str) -> Limit:
    delta = reader.number()
    if delta.value < 0 or delta.text.startswith(("+", "-")):
        raise reader.fail("a tolerance Δ without sign, e.g. 10.0±0.5", reader.pos - len(delta.text))
    unit = _merge_units(reader, unit, reader.unit())
    excluded = ""
    reader.skip_space()
    if reader.take("(") or reader.take("（"):
        if not reader.take("不含"):
            raise reader.fail("不含Δ, 不含+Δ or 不含−Δ")
        if reader.take("+Δ"):
            excluded = "+"
        elif reader.take("-Δ"):
            excluded = "-"
        elif reader.take("±Δ") or reader.take("Δ"):
            excluded = "±"
        else:
            excluded = _numeric_exclusion(reader, delta)
        if not reader.take(")") and not reader.take("）"):
            raise reader.fail("a closing bracket")
    _expect_end(reader)
    low = nominal.value - delta.value
    high = nominal.value + delta.value
    lower = Bound(low, excluded not in ("±", "-"), _plain(low))
    upper = Bound(high, excluded not in ("±", "+"), _plain(high))
    if delta.value == 0 and excluded:
        raise reader.fail("a tolerance greater than 0 when an end is excluded", 0)
    return Limit(
        "tolerance",
        reader.original,
        lower=lower,
        upper=upper,
        unit=unit,
        nominal=nominal,
        delta=delta,
        excluded=excluded,
    )


def _numeric_exclusion(reader: _Reader, delta: Bound) -> str:
    """ "（不含0.1）" / "（不含+0.1）" / "（不含−0.1）": Δ written as its number."""
    reader.skip_space()
    side = "±"
    if reader.take("±"):
        side = "±"
    elif reader.text.startswith(("+", "-"), reader.pos):
        side = reader.text[reader.pos]
        reader.pos += 1
    at = reader.pos
    try:
        number = reader.number()
    except LimitSyntaxError:
        raise reader.fail("Δ, +Δ, −Δ or the tolerance's number after 不含", at) from None
    if number.value != delta.value or number.text.startswith(("+", "-")):
        raise reader.fail(f"the tolerance itself ({delta.text}) after 不含, not {number.text}", at)
    return side


def _plain(value: Decimal) -> str:
    return f"{value:f}"


def _expect_end(reader: _Reader) -> None:
    if not reader.at_end():
        # Annotations were split off before parsing: say they exist, since a bracket or a
        # letter here is most likely a note or footnote written in a form we do not read.
        raise reader.fail(
            "the end of the limit (a note goes in brackets, （以Pb计）; a footnote as ᵃ or ^a)"
        )


def parse_limit(text: str) -> Limit:
    """Reads a limit cell; raises `LimitSyntaxError` (a ValidationError, field "limit"),
    or a ValidationError with rule "limit_length" for a text above MAX_LIMIT_LENGTH.

    Results are cached: limits repeat across thousands of results and `Limit` is frozen.
    """
    if not isinstance(text, str):
        raise LimitSyntaxError(repr(text)[:QUOTE], 0, "limit text")
    if len(text) > MAX_LIMIT_LENGTH:
        raise ValidationError(
            "limit",
            "limit_length",
            f"limit {quote(text)!r} is longer than {MAX_LIMIT_LENGTH} characters "
            f"（限量值过长，最多 {MAX_LIMIT_LENGTH} 个字符）",
        )
    return _parse_cached(text)


QUOTE = 60


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Limit:
    return _parse(text)
