"""What a printed document says, as plain data (Qt-free).

The loaders in `labdesk.reports.data` fill these from the database; the renderers in
`labdesk.reports.pdf` turn them into pages. Keeping the two apart lets tests and the UI
render a document without a database, and keeps every string that reaches paper in one
place where it can be checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

PASS = "合格"
FAIL = "不合格"
#: Verdict shown for items the standard asks only to report (no limit to judge).
REPORT_ONLY = "—"


@dataclass(frozen=True)
class Field:
    """One labelled value of a form (样品名称: 小白菜)."""

    label: str
    value: str


@dataclass(frozen=True)
class ReportItem:
    """One test item as printed: the limit and result exactly as stored, never re-formatted."""

    seq: int
    name: str
    limit: str
    result: str
    unit: str
    verdict: str
    method: str
    sample_data: bool = False  # the limit is sample data: marked, and the report says so


#: Printed under the item table when a limit is sample data (issue 15: never present an
#: unconfirmed number as an official limit).
SAMPLE_DATA_NOTE = (
    "＊ 标注的限量为样例数据，未经标准原文核对，不是官方限量，仅供演示和测试"
    "（sample data, not an official limit）。"
)


@dataclass(frozen=True)
class Signoff:
    """Who did one step (检验 / 审核 / 批准) and when (ISO/IEC 17025 7.5.1)."""

    role: str
    name: str
    date: str


@dataclass(frozen=True)
class Mark:
    """One of the centre's marks (CMA 标志, 检验检测专用章) as the centre provided it."""

    kind: str  # "cma" | "seal"
    image: bytes  # PNG or JPEG bytes
    position: str  # cma: top-left | top-right; seal: issue-date | conclusion
    size_mm: Decimal  # printed size (layout turns it into device pixels)


@dataclass(frozen=True)
class TestReportDoc:
    """检验报告 of one sample."""

    __test__ = False  # not a pytest test class despite the name

    centre: str
    report_no: str
    sample_no: str
    sample_name: str
    fields: Sequence[Field]
    items: Sequence[ReportItem]
    conclusion: str
    signoffs: Sequence[Signoff]
    issued: str = ""
    remarks: str = ""
    #: The issue printed (1 = original, 2… corrections); 0 before approval.
    version: int = 0
    #: For a correction (更正): the version it replaces and why.
    supersedes_version: int | None = None
    correction_reason: str = ""
    #: The signed report payload (LDR/1 text), printed as a QR code; "" when unsigned.
    payload: str = ""
    marks: Sequence[Mark] = ()
    decision_rule: str = ""  # the rule the conformity statement used (ISO/IEC 17025 7.8.6)

    @property
    def number_line(self) -> str:
        """报告编号 as printed: the number, and from the first issue on its version."""
        if not self.version:
            return self.report_no
        if self.version == 1:
            return f"{self.report_no}（第 1 版）"
        return f"{self.report_no}（第 {self.version} 版，更正）"

    @property
    def failed(self) -> bool:
        return any(item.verdict == FAIL for item in self.items)


@dataclass(frozen=True)
class FormSection:
    title: str
    fields: Sequence[Field]


@dataclass(frozen=True)
class SamplingFormDoc:
    """抽样单: the sampling record as the samplers and the sampled unit signed it."""

    centre: str
    form_no: str
    sections: Sequence[FormSection]
    samplers: Sequence[str] = field(default_factory=tuple)


def conclusion_sentence(
    failing_items: Sequence[str], standards: Sequence[str], *, judged: bool = True
) -> str:
    """The conclusion wording (domain brief: typical wording, no official template).

    `failing_items` are item names in report order; `standards` the standards judged against.
    """
    basis = "、".join(dict.fromkeys(s for s in standards if s)) or "相关"
    if not judged:
        return "经抽样检验，所检项目仅作报告，不作判定。"
    if failing_items:
        names = "、".join(dict.fromkeys(failing_items))
        return f"经抽样检验，{names}项目不符合 {basis} 标准要求，检验结论为{FAIL}。"
    return f"经抽样检验，所检项目符合 {basis} 标准要求，检验结论为{PASS}。"
