"""A sample's conclusion (检验结论) from its items' verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from labdesk.core.verdicts import LABEL_ZH, Verdict, VerdictCode

__all__ = ["Conclusion", "conclude"]


@dataclass(frozen=True, slots=True)
class Conclusion:
    """A sample's conclusion (检验结论) from its items' verdicts."""

    code: VerdictCode
    label_zh: str
    failing_items: tuple[str, ...]
    undecided_items: tuple[str, ...]
    sentence_zh: str
    sentence_en: str
    pending_items: tuple[str, ...] = ()  # screening items awaiting the confirmatory test


def _item_list_zh(names: Sequence[str]) -> str:
    """`铅、镉项目` but `pH 项目`: Chinese text takes no space before 项目 after a Chinese name,
    and one after a Latin or numeric name so the two do not run together."""
    joined = "、".join(names)
    return f"{joined} 项目" if joined[-1:].isascii() else f"{joined}项目"


def conclude(product: str, standard: str, items: Sequence[tuple[str, Verdict]]) -> Conclusion:
    """合格 when every judged item passes; 不合格 when any fails; otherwise 不判定.

    Report-only items never block 合格; any other not-judged item (a missing or
    undecidable result against a limit) makes the conclusion 不判定 unless something failed.
    """
    failing = tuple(name for name, v in items if v.verdict == "fail")
    undecided = tuple(name for name, v in items if v.verdict == "not_judged" and not v.report_only)
    pending = tuple(name for name, v in items if v.pending)
    judged = [name for name, v in items if not v.report_only]
    std_zh = f" {standard.strip()} " if standard.strip() else ""
    std_en = f" {standard.strip()}" if standard.strip() else " the standard"
    subject_en = f"{product.strip()}: " if product.strip() else ""
    if pending:
        # A screening value above its limit: neither pass nor fail until the confirmatory
        # test is done, and a report issued now would have to be corrected then.
        code: VerdictCode = "not_judged"
        sentence_zh = (
            f"经抽样检验，{_item_list_zh(pending)}筛查结果超过限量，需做确证试验，"
            "确证前不能作出检验结论。"
        )
        sentence_en = (
            f"{subject_en}{', '.join(pending)} screened above the limit; the confirmatory "
            "test is needed before the sample can be concluded."
        )
    elif failing:
        code = "fail"
        sentence_zh = (
            f"经抽样检验，{_item_list_zh(failing)}不符合{std_zh}标准要求，检验结论为不合格。"
        )
        sentence_en = f"{subject_en}{', '.join(failing)} did not meet{std_en}; conclusion: fail."
    elif undecided or not judged:
        code = "not_judged"
        names = _item_list_zh(undecided) if undecided else "所检项目"
        sentence_zh = f"经抽样检验，{names}无法判定是否符合{std_zh}标准要求，检验结论为不判定。"
        what = ", ".join(undecided) if undecided else "no item with a limit"
        sentence_en = f"{subject_en}{what} could not be judged against{std_en}; not judged."
    else:
        code = "pass"
        sentence_zh = f"经抽样检验，所检项目符合{std_zh}标准要求，检验结论为合格。"
        sentence_en = f"{subject_en}all items tested meet{std_en}; conclusion: pass."
    return Conclusion(
        code,
        LABEL_ZH[code],
        failing,
        undecided,
        sentence_zh.replace("  ", " "),
        sentence_en,
        pending,
    )
