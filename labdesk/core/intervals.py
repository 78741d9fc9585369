"""How a compiled rule judges what is not one plain number: a value known only to lie
in an interval (ND, <LOD, <LOQ, "<x", "ND(x)", a number below the LOD), a number against
不得检出, and a word (阴性, 检出, 符合 …); and the makers of its verdicts.

`IntervalJudgement` is a part of `core.judgement.CompiledRule` (its base), kept apart so
that neither module outgrows reading: it holds no state of its own and reads the fields
the compiled rule sets when it compiles (declared below for the type checker).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from labdesk.core.entries import Entry
from labdesk.core.errors import ValidationError
from labdesk.core.limits import Limit
from labdesk.core.numbers import WIDE, plain
from labdesk.core.verdict_words import why_said, why_stated
from labdesk.core.verdicts import Building, Verdict, VerdictCode, make_verdict

__all__ = ["IntervalJudgement"]

# Words a technician may type, by the kind of text criterion: (passing, failing).
_NEGATIVE_WORDS = (frozenset({"阴性", "未检出", "符合"}), frozenset({"阳性", "检出", "不符合"}))
_ABSENT_WORDS = (frozenset({"未检出", "符合"}), frozenset({"检出", "不符合"}))
_COMPLIES_WORDS = (frozenset({"符合"}), frozenset({"不符合"}))
_ZERO = Decimal(0)
_new_building = object.__new__


class IntervalJudgement:
    """Intervals, words and verdict makers of `core.judgement.CompiledRule`."""

    __slots__ = ()

    if TYPE_CHECKING:
        limit: Limit
        limit_zh: str
        limit_en: str
        lod: Decimal | None
        loq: Decimal | None
        _kind: str
        _numeric: bool
        _scale: Decimal | None
        _step: Decimal | None
        _lo: Decimal | None
        _lo_incl: bool
        _up: Decimal | None
        _up_incl: bool
        _suffix: dict[str, tuple[str, str]]
        _nd_fail: tuple[str, str]
        _span_open: tuple[str, str]
        _text_criterion: tuple[str, str]
        _unit_tail: str
        _stated_pass: tuple[Any, ...]
        _lod_display: str
        _below_lod_said: tuple[str, str]

        def _round(self, value: Decimal, mark: int) -> Decimal: ...

    def _judge_span(
        self,
        low: Decimal,
        high: Decimal,
        display: str,
        compared: str,
        said: Any = None,
        *,
        lod: Decimal | None = None,
        namer: Callable[..., tuple[str, str]] | None = None,
    ) -> Verdict:
        """The true value lies in [low, high); decide if all, none or some of it passes.

        ``said`` is how the explanation names the result (zh, en); default ``compared``.
        ``lod`` replaces the rule's LOD (an entry that states its own, "ND(0.01)").
        ``namer(verdict, said, tail)`` builds the explanation; default `why_said`.
        """
        if namer is None:
            namer = why_said
        kind = self._kind
        if kind == "report_only":
            return self._report_only(display, compared)
        if kind == "not_detected":
            lod = self.lod if lod is None else lod
            if lod is not None and high <= lod:
                return self._lazy("pass", compared, display, (namer, said, self._suffix["pass"]))
            if lod is not None and low >= lod:
                return self._lazy("fail", compared, display, (namer, said, self._nd_fail))
            return self._not_judged(
                display,
                compared,
                f"{compared} 不能说明是否低于检出限"
                + ("" if lod is not None else "（未给出检出限）")
                + f"，{self.limit_zh}，无法判定",
                f"{compared} does not show whether the value is below the LOD"
                + ("" if lod is not None else " (no LOD given)")
                + "; not judged",
            )
        if not self._numeric:
            return self._lazy(
                "not_judged", compared, display, (why_said, None, self._text_criterion)
            )
        scale = self._scale
        if scale is not None:  # the interval is in the result's unit: convert both ends
            low, high = WIDE.multiply(low, scale), WIDE.multiply(high, scale)
        closed_high = False
        if self._step is not None:  # rounded method: the rounded values lie in [r(low), r(high)]
            low, high, closed_high = self._round(low, 0), self._round(high, 0), True
        if high < low or (high == low and not closed_high):
            return self._not_judged(
                display,
                compared,
                "检出限与定量限相同，<LOQ 无意义，无法判定",
                "the LOD equals the LOQ, so <LOQ is empty; not judged",
            )
        code = self._span_code(low, high, closed_high)
        if code == "not_judged":
            return self._lazy(code, compared, display, (namer, said, self._span_open))
        return self._lazy(code, compared, display, (namer, said, self._suffix[code]))

    def _span_code(self, low: Decimal, high: Decimal, closed_high: bool) -> VerdictCode:
        """Values in [low, high) (or [low, high]) against the bounds: all pass, none, or some."""
        lo, up = self._lo, self._up
        # entirely outside?
        if up is not None and (low > up or (low == up and not self._up_incl)):
            return "fail"
        if lo is not None and (
            high < lo or (high == lo and (not closed_high or not self._lo_incl))
        ):
            return "fail"
        upper_ok = up is None or high < up or (high == up and (self._up_incl or not closed_high))
        lower_ok = lo is None or low > lo or (low == lo and self._lo_incl)
        return "pass" if upper_ok and lower_ok else "not_judged"

    def _judge_stated_lod(self, stated: Decimal, digits: str | None = None) -> Verdict:
        """ND with this measurement's own LOD, "ND(0.01)" (stated > 0); ``digits`` is its
        LOD's plain form when the caller has it."""
        if digits is None:
            digits = plain(stated)
        unit = self._unit_tail
        display = "未检出（检出限 " + digits + unit + "）"
        kind = self._kind
        if kind == "not_detected":  # below its own LOD: always passes (see _judge_span)
            built: Any = _new_building(Building)
            built.verdict = "pass"
            built.compared = "<" + digits
            built.display = display
            built._why = self._stated_pass
            built.limit = self.limit_zh
            built.__class__ = Verdict
            return built
        if kind == "qualitative":
            return self._judge_word("未检出", display)
        return self._judge_span(
            _ZERO, stated, display, "<" + digits, unit, lod=stated, namer=why_stated
        )

    def _judge_below_lod(self, entry: Entry) -> Verdict:
        if entry.kind == "not_detected" and entry.value is not None:
            return self._judge_stated_lod(entry.value)
        lod = self.lod
        if self.limit.is_qualitative:
            return self._judge_word("未检出", self._lod_display)
        if lod is not None:
            return self._judge_span(
                Decimal(0), lod, self._lod_display, f"<{plain(lod)}", self._below_lod_said
            )
        limit = self.limit
        if limit.is_not_detected and limit.criterion:
            # A presence test of a stated portion ("不得检出/25 g"): the portion is the
            # basis of 未检出, there is no concentration LOD to state.
            return self._judge_word("未检出", "未检出")
        raise ValidationError(
            "result",
            "lod_required",
            f"result {entry.text!r}: the item has no detection limit, and 未检出 must say "
            "below what. Type ND with this measurement's LOD, e.g. ND(0.01), or <0.01, or "
            "enter the method's LOD on the item (with a reason). "
            f"（结果“{entry.text}”：该项目没有检出限，“未检出”须注明检出限。请填写 ND(检出限)，"
            "如 ND(0.01)，或 <0.01，或先为该项目录入方法检出限并说明原因）",
        )

    def _judge_detected_number(self, value: Decimal, shown: str) -> Verdict:
        """A number (at or above any LOD) against 不得检出."""
        if value > 0:
            return self._verdict(
                "fail",
                shown,
                shown,
                f"检出 {shown}，{self.limit_zh}，不合格",
                f"detected at {shown}, limit {self.limit_en}: fail",
            )
        return self._not_judged(
            shown,
            shown,
            f"{shown} 不能说明是否检出（未给出检出限），无法判定",
            f"{shown} does not say whether the analyte was detected (no LOD given); not judged",
        )

    # ------------------------------------------------------------------ words
    def _judge_word(self, word: str, display: str | None = None) -> Verdict:
        shown = display or word
        limit = self.limit
        if limit.is_report_only:
            return self._report_only(shown, word)
        if limit.is_not_detected:
            passing, failing = _NEGATIVE_WORDS
        elif limit.is_qualitative:
            criterion = limit.criterion
            if criterion.startswith("阴性"):
                passing, failing = _NEGATIVE_WORDS
            elif criterion.startswith(("无", "应无", "不得有")):
                passing, failing = _ABSENT_WORDS
            else:
                passing, failing = _COMPLIES_WORDS
        else:
            return self._not_judged(
                shown,
                word,
                f"“{word}”不是数值，不能与 {self.limit_zh} 比较",
                f"{word!r} is not a number and cannot be compared with {self.limit_en}",
            )
        if word in passing:
            return self._lazy("pass", word, shown, (why_said, None, self._suffix["pass"]))
        if word in failing:
            return self._lazy("fail", word, shown, (why_said, None, self._suffix["fail"]))
        return self._not_judged(
            shown,
            word,
            f"“{word}”不能说明是否符合 {self.limit_zh}，无法判定",
            f"{word!r} does not say whether {self.limit_en} is met; not judged",
        )

    # ------------------------------------------------------------------ makers
    def _lazy(
        self, code: VerdictCode, compared: str, display: str, why: tuple[Any, ...]
    ) -> Verdict:
        """A Verdict whose explanations ``why`` builds when first read."""
        built: Any = _new_building(Building)
        built.verdict = code
        built.compared = compared
        built.display = display
        built._why = why
        built.limit = self.limit_zh
        built.__class__ = Verdict
        return built

    def _verdict(self, code: VerdictCode, compared: str, display: str, zh: str, en: str) -> Verdict:
        return make_verdict(code, compared, None, display, zh, en, self.limit_zh)

    def _not_judged(self, display: str, compared: str, zh: str, en: str) -> Verdict:
        return make_verdict("not_judged", compared, None, display, zh, en, self.limit_zh)

    def _report_only(self, display: str, compared: str) -> Verdict:
        return make_verdict(
            "not_judged",
            compared,
            None,
            display,
            f"{display}，报告实测值，不作判定",
            f"{display}: reported only, not judged",
            self.limit_zh,
            True,
        )
