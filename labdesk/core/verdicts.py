"""The outcome of judging one result (`Verdict`), shared by the judgement modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["LABEL_EN", "LABEL_ZH", "Verdict", "VerdictCode", "lazy_verdict", "make_verdict"]

VerdictCode = Literal["pass", "fail", "not_judged"]
LABEL_ZH = {"pass": "合格", "fail": "不合格", "not_judged": "不判定"}
LABEL_EN = {"pass": "pass", "fail": "fail", "not_judged": "not judged"}
PENDING_CONFIRMATION = "confirmatory_test"


@dataclass(frozen=True)
class Verdict:
    """The outcome for one result.

    ``compared`` is what was actually compared ("0.5", "<0.01", "阴性"), ``rounded`` the
    rounded value (rounded method, numeric results only), ``display`` what the report
    prints. ``limit`` is the canonical Chinese limit; ``report_only`` marks items that are
    reported without judgement (they never block a 合格 conclusion).
    """

    verdict: VerdictCode
    compared: str
    rounded: str | None
    display: str
    explanation_zh: str
    explanation_en: str
    limit: str = ""
    report_only: bool = False
    # What stood behind the value, for the report (empty for a plain result):
    units: tuple[str, ...] = ()  # a sampling plan's unit values as reported, 1#…n#
    components: tuple[str, ...] = ()  # the components of a sum, as typed
    converted: str = ""  # "850 mg/kg → 0.850 g/kg" (unit and/or 以…计 factor)
    pending: str = ""  # PENDING_CONFIRMATION: a screening value above its limit

    @property
    def label_zh(self) -> str:
        return LABEL_ZH[self.verdict]

    @property
    def label_en(self) -> str:
        return LABEL_EN[self.verdict]

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    @property
    def failed(self) -> bool:
        return self.verdict == "fail"


# The explanation texts are built on first access (most verdicts of a batch or a screen are
# never explained): a lazily made Verdict carries ``_why`` = (builder, *args) in its
# ``__dict__``, and ``builder(fields, *args)`` returns (zh, en), ``fields`` being that
# ``__dict__`` (a builder shared by many verdicts reads each one's own values). These
# non-data descriptors sit on the class, so a value set by ``__init__`` (or already built)
# in the instance's ``__dict__`` wins over them; eq, repr, hash, ``replace`` and pickling
# read the texts through getattr and see the same strings an eager Verdict holds.
class _Explanation:
    __slots__ = ("_english",)

    def __init__(self, english: bool) -> None:
        self._english = english

    def __get__(self, verdict: object, owner: type | None = None) -> Any:
        if verdict is None:
            return self
        fields = verdict.__dict__
        why = fields.pop("_why")
        zh, en = why[0](fields, *why[1:])
        fields["explanation_zh"] = zh
        fields["explanation_en"] = en
        return en if self._english else zh


setattr(Verdict, "explanation_zh", _Explanation(False))  # noqa: B010 (a field, typed str)
setattr(Verdict, "explanation_en", _Explanation(True))  # noqa: B010

_object_new = object.__new__


def lazy_verdict(
    code: VerdictCode,
    compared: str,
    rounded: str | None,
    display: str,
    why: tuple[Any, ...],
    limit: str,
) -> Verdict:
    """A Verdict whose explanations ``why[0](fields, *why[1:])`` -> (zh, en) are built
    when first read; every other field as `make_verdict` sets it."""
    verdict: Verdict = _object_new(Verdict)
    fields = verdict.__dict__
    fields["verdict"] = code
    fields["compared"] = compared
    fields["rounded"] = rounded
    fields["display"] = display
    fields["_why"] = why
    fields["limit"] = limit
    return verdict


def make_verdict(
    code: VerdictCode,
    compared: str,
    rounded: str | None,
    display: str,
    zh: str,
    en: str,
    limit: str,
    report_only: bool = False,
) -> Verdict:
    """Builds a Verdict without the frozen dataclass ``__init__`` (one attribute guard per
    field made it the costliest step of a judgement). Same object, same fields."""
    verdict: Verdict = _object_new(Verdict)
    fields = verdict.__dict__
    fields["verdict"] = code
    fields["compared"] = compared
    fields["rounded"] = rounded
    fields["display"] = display
    fields["explanation_zh"] = zh
    fields["explanation_en"] = en
    fields["limit"] = limit
    fields["report_only"] = report_only
    return verdict
