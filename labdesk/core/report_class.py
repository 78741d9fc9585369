"""报告类别: the report class the national sampling system files each sample under.

The system's five classes (domain.md, "The national sampling system's data shape"):
合格报告, 一般不合格报告, 一般问题报告, 一般不合格（问题）报告, 24小时限时报告 (there is no
"问题样品报告": an issue text saying 问题样品 means 一般问题报告).

Derived from the conclusion and the task's purpose (检验目的), then confirmed or changed
by the approver:
- passed → 合格报告;
- failed in supervision sampling (监督抽检, 抽检监测) → 一般不合格报告: the failing items are
  不合格项, a legal judgement;
- failed in risk monitoring or evaluation sampling (风险监测, 评价性抽检) → 一般问题报告: the
  results are not a legal judgement there, the failing items are 问题项;
- not judged (report-only items) → nothing is derived: the approver chooses.
一般不合格（问题）报告 (both kinds of item in one report) and 24小时限时报告 (a result that
may cause serious harm: the approver's judgement) are never derived, only chosen.
"""

from __future__ import annotations

from labdesk.core.errors import ValidationError

PASSED = "合格报告"
FAILED = "一般不合格报告"
PROBLEM = "一般问题报告"
FAILED_AND_PROBLEM = "一般不合格（问题）报告"
URGENT = "24小时限时报告"
REPORT_CLASSES = (PASSED, FAILED, PROBLEM, FAILED_AND_PROBLEM, URGENT)
#: Purposes whose failing results are 问题项 (findings), not 不合格项 (legal failures).
PROBLEM_PURPOSES = ("风险监测", "评价性抽检")

#: 结果判定 of one item in the national item sheet.
ITEM_PASS = "合格项"
ITEM_FAIL = "不合格项"
ITEM_PROBLEM = "问题项"


def derive_report_class(conclusion_code: str, purpose: str = "") -> str:
    """The class the conclusion implies, or "" when the approver must choose."""
    if conclusion_code == "pass":
        return PASSED
    if conclusion_code == "fail":
        return PROBLEM if purpose in PROBLEM_PURPOSES else FAILED
    return ""


def item_judgement(verdict: str, purpose: str = "") -> str:
    """结果判定 for one tested item: 合格项 / 不合格项 / 问题项, "" for report-only items."""
    if verdict == "pass":
        return ITEM_PASS
    if verdict == "fail":
        return ITEM_PROBLEM if purpose in PROBLEM_PURPOSES else ITEM_FAIL
    return ""


def check_report_class(value: str) -> str:
    """`value` if it is one of the five classes (or ""), else ValidationError."""
    value = value.strip()
    if value and value not in REPORT_CLASSES:
        raise ValidationError(
            "report_class",
            "one_of",
            f"报告类别应为 {' / '.join(REPORT_CLASSES)} 之一 (report class: one of the five)",
        )
    return value
