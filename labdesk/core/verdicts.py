"""The outcome of judging one result (`Verdict`), shared by the judgement modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

__all__ = [
    "LABEL_EN",
    "LABEL_ZH",
    "Building",
    "Verdict",
    "VerdictCode",
    "make_verdict",
    "set_field",
]

VerdictCode = Literal["pass", "fail", "not_judged"]
LABEL_ZH = {"pass": "合格", "fail": "不合格", "not_judged": "不判定"}
LABEL_EN = {"pass": "pass", "fail": "fail", "not_judged": "not judged"}
PENDING_CONFIRMATION = "confirmatory_test"


class _Lazy:
    """The private slots behind a Verdict's lazy fields: ``_why`` = (builder, *args), and
    ``_said``, the typed value a shared builder names (a rounded value's "0.56")."""

    __slots__ = ("_said", "_why")

    if TYPE_CHECKING:
        _said: str
        _why: tuple[Any, ...]


# Read when a field was never set (see Verdict.__getattr__): the dataclass defaults, and
# ``rounded`` (None for all but the rounded method).
_UNSET = {
    "rounded": None,
    "limit": "",
    "report_only": False,
    "units": (),
    "components": (),
    "converted": "",
    "pending": "",
}


@dataclass(frozen=True, slots=True)
class Verdict(_Lazy):
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

    if not TYPE_CHECKING:  # mypy would otherwise accept any attribute name

        def __getattr__(self, name: str) -> Any:
            # Python calls this only for a slot never set. Most verdicts of a batch or a
            # screen are never explained, so a judgement leaves the explanations unset and
            # records how to build them (``_why``); the first read builds both and keeps
            # them. The other unset fields read as their defaults. Eq, repr, hash,
            # ``replace`` and pickling read every field through getattr, so they see the
            # same strings and values an eagerly built Verdict holds.
            if name in _UNSET:
                return _UNSET[name]
            if name == "explanation_zh" or name == "explanation_en":
                try:
                    why = self._why
                except AttributeError:
                    raise AttributeError(name) from None
                zh, en = why[0](self, *why[1:])
                _setattr(self, "explanation_zh", zh)
                _setattr(self, "explanation_en", en)
                return en if name == "explanation_en" else zh
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class Building(_Lazy):
    """A Verdict being filled in: the same slots, without the frozen guard (one Python
    call per field made that guard the costliest step of a judgement). A judgement sets
    the fields it has, then ``__class__ = Verdict``; nothing else ever sees a Building."""

    __slots__ = Verdict.__slots__

    if TYPE_CHECKING:
        verdict: VerdictCode
        compared: str
        rounded: str | None
        display: str
        explanation_zh: str
        explanation_en: str
        limit: str
        report_only: bool
        units: tuple[str, ...]
        components: tuple[str, ...]
        converted: str
        pending: str


_setattr = object.__setattr__
_object_new = object.__new__


def set_field(verdict: Verdict, name: str, value: Any) -> None:
    """Sets a field of a Verdict just made and not yet seen by anyone else (a sum's
    components on the verdict of its total)."""
    _setattr(verdict, name, value)


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
    """Builds a Verdict without the frozen dataclass ``__init__``. Same object, same
    fields."""
    verdict: Any = _object_new(Building)
    verdict.verdict = code
    verdict.compared = compared
    if rounded is not None:
        verdict.rounded = rounded
    verdict.display = display
    verdict.explanation_zh = zh
    verdict.explanation_en = en
    verdict.limit = limit
    if report_only:
        verdict.report_only = True
    verdict.__class__ = Verdict
    return verdict
