"""Builds printable documents from the database (Qt-free; reads only).

A report prints what is stored, never recomputes it: limits are the frozen sample items,
results their stored display text, verdicts and the conclusion what the judgement wrote
when the result was entered. Only the layout is decided here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from labdesk.core.errors import NotFound
from labdesk.reports.model import (
    FAIL,
    PASS,
    Field,
    FormSection,
    Mark,
    ReportItem,
    SamplingFormDoc,
    Signoff,
    TestReportDoc,
    conclusion_sentence,
)
from labdesk.services import report_content, report_sheet

#: States whose report is final; any other prints a "not approved" remark.
FINAL_STATES = ("approved", "exported")
NOT_TESTED = report_content.NOT_TESTED


class Reader(Protocol):
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ...) -> list[Any]: ...


#: Printed instead of a report number on a report not yet approved.
UNNUMBERED = "（批准后编号）"


def report_number(report_no: str | None, state: str, centre_code: str, sample_no: str) -> str:
    """报告编号: the number allocated at approval (`<centre code>-<year>-<serial>`,
    `services.workflow.next_report_no`). A sample approved before report numbers existed
    (schema 1) has none: it keeps the number it printed then, centre code + sample number.
    A report not yet approved has no number."""
    if report_no:
        return report_no
    if state not in FINAL_STATES:
        return UNNUMBERED
    return f"{centre_code}-{sample_no}" if centre_code else sample_no


def _centre(db: Reader) -> tuple[str, str]:
    rows = db.query("SELECT name, code FROM centre WHERE id = 1")
    return (str(rows[0]["name"]), str(rows[0]["code"])) if rows else ("", "")


def _sample_row(db: Reader, sample_no: str) -> Any:
    return report_sheet.sample_row(db, sample_no)


_text, _samplers, _quantity = report_sheet.text, report_sheet.samplers, report_sheet.quantity
local_date = report_sheet.local_date


def _issue(db: Reader, sample_id: int, version: int | None) -> dict[str, Any] | None:
    """The report issue to print: `version`, else the newest (None before approval)."""
    if version is None:
        rows = db.query(
            "SELECT * FROM reports WHERE sample_id = ? ORDER BY version DESC LIMIT 1", [sample_id]
        )
    else:
        rows = db.query(
            "SELECT * FROM reports WHERE sample_id = ? AND version = ?", [sample_id, version]
        )
        if not rows:
            raise NotFound(f"样品没有第 {version} 版报告 (no report version {version})")
    return dict(rows[0]) if rows else None


def _as_report_item(item: report_content.ContentItem) -> ReportItem:
    return ReportItem(
        seq=item.seq,
        name=item.name,
        limit=item.limit,
        result=item.result,
        unit=item.unit,
        verdict=item.verdict,
        method=item.method,
        sample_data=item.sample_data,
    )


def report_document(
    db: Reader, sample_no: str, *, version: int | None = None, marks: Sequence[Mark] = ()
) -> TestReportDoc:
    """检验报告 of the sample `sample_no`, from what is stored.

    An issued report prints its issue (the newest, or `version`): the items as its
    canonical content holds them, its number and version, its signed payload (the QR
    code) and, for a correction, what it replaces and why. `marks` are the centre's
    CMA mark and seal, printed only on an issued report."""
    from labdesk.services.results import require_defended

    centre_name, centre_code = _centre(db)
    s = _sample_row(db, sample_no)
    require_defended(db, [int(s["id"])], "print the report")  # 未检出 says below what
    items = report_content.item_rows(db, int(s["id"]))  # type: ignore[arg-type]
    issue = _issue(db, int(s["id"]), version)
    report_class = _text(issue["report_class"] if issue is not None else s["report_class"])
    live = report_content.printed(
        db,  # type: ignore[arg-type]
        int(s["id"]),
        items,
        report_class=report_class,
    )
    fields = [Field(label, value) for label, value in live.fields]
    steps, rule, conclusion = live.steps, live.decision_rule, live.conclusion
    content = None
    if issue is not None and issue.get("content"):
        content = report_content.parse(issue["content"])
        report_class = content.report_class  # as the issue printed (and signed) it
    if content is not None and content.fields is not None:
        # /2: everything the report says is the signed content, as issued
        fields = [Field(label, value) for label, value in content.fields]
        steps, rule = content.steps or [], str(content.decision_rule)
        conclusion = str(content.conclusion)
        report_items = [replace(_as_report_item(i), result=i.result + i.u) for i in content.items]
    else:  # /1 content (items and class signed) or not issued: the rest from the database
        fields = [Field(f.label, report_class) if f.label == "报告类别" else f for f in fields]
        shown = content.items if content is not None else report_content.items_from_rows(items)
        report_items = [
            replace(_as_report_item(i), result=i.result + live.u_notes.get(i.seq, ""))
            for i in shown
        ]
    if not conclusion and items and all(r["verdict"] for r in items):
        conclusion = conclusion_sentence(
            [i.name for i in report_items if i.verdict == FAIL],
            report_content.standards_of(items),
            judged=any(i.verdict in (PASS, FAIL) for i in report_items),
        )
    signoffs = [Signoff(x.role, x.name, x.date) for x in steps]
    approved = next((x for x in steps if x.role == "批准" and x.date), None)
    final = s["state"] in FINAL_STATES
    issued = approved.date if (approved and final) else ""
    if issue is not None:
        issued = local_date(str(issue["issued_at"]))
    supersedes = None
    if issue is not None and issue["kind"] == "correction":
        supersedes = int(issue["version"]) - 1
    return TestReportDoc(
        centre=centre_name,
        report_no=str(issue["report_no"])
        if issue is not None
        else report_number(s["report_no"], str(s["state"]), centre_code, str(s["sample_no"])),
        sample_no=str(s["sample_no"]),
        sample_name=str(s["sample_name"]),
        fields=fields,
        items=report_items,
        conclusion=conclusion or "尚未出具结论。",
        signoffs=signoffs,
        issued=issued,
        remarks=""
        if final or issue is not None
        else f"本报告尚未批准（当前状态：{s['state']}），仅供内部核对，不作正式报告使用。",
        version=int(issue["version"]) if issue is not None else 0,
        supersedes_version=supersedes,
        correction_reason=str(issue["reason"]) if issue is not None and supersedes else "",
        payload=str(issue["payload"] or "") if issue is not None else "",
        marks=tuple(marks) if issue is not None else (),
        decision_rule=rule if conclusion else "",
    )


def sampling_form_document(db: Reader, sample_no: str) -> SamplingFormDoc:
    """抽样单 of the sample `sample_no`."""
    centre_name, _code = _centre(db)
    s = _sample_row(db, sample_no)
    yes_no = {1: "是", 0: "否"}
    sections = [
        FormSection(
            "任务信息",
            [
                Field("任务编号", _text(s["task_no"])),
                Field("任务来源", _text(s["task_source"])),
                Field("任务类别", _text(s["task_category"])),
                Field("检验目的", _text(s["task_purpose"])),
                Field("报告类别", _text(s["report_class"])),
                Field("抽样日期", _text(s["sampling_date"])),
            ],
        ),
        FormSection(
            "被抽样单位",
            [
                Field("单位名称", _text(s["ent_name"])),
                Field("统一社会信用代码", _text(s["ent_uscc"])),
                Field("地址", _text(s["ent_address"])),
                Field("法定代表人", _text(s["ent_legal_rep"])),
                Field("联系人", _text(s["ent_contact"])),
                Field("电话", _text(s["ent_phone"])),
                Field("区域类型", _text(s["region_type"])),
                Field("抽样场所", _text(s["place_type"])),
            ],
        ),
        FormSection(
            "标称生产者",
            [
                Field("名称", _text(s["producer_name"])),
                Field("电话", _text(s["producer_phone"])),
                Field("地址", _text(s["producer_address"])),
            ],
        ),
        FormSection(
            "样品信息",
            [
                Field("样品名称", _text(s["sample_name"])),
                Field("商标", _text(s["brand"])),
                Field("规格型号", _text(s["spec_model"])),
                Field("批号", _text(s["batch_no"])),
                Field("生产日期", _text(s["production_date"])),
                Field("保质期", _text(s["shelf_life"])),
                Field("执行标准", _text(s["executive_standard"])),
                Field("质量等级", _text(s["quality_grade"])),
                Field("生产许可证编号", _text(s["licence_no"])),
                Field("抽样基数", _text(s["lot_size"])),
                Field("抽样数量", _quantity(s["sample_qty"], s["qty_unit"])),
                Field("备样数量", _quantity(s["reserve_qty"], s["qty_unit"])),
                Field("包装形式", _text(s["packaging"])),
                Field("单价", _text(s["unit_price"])),
            ],
        ),
        FormSection(
            "抽样情况",
            [
                Field("抽样单位", _text(s["sampling_org"])),
                Field("封样", yes_no.get(int(s["sealed"]), "")),
                Field("被抽样单位确认", yes_no.get(int(s["unit_acknowledged"]), "")),
                *(
                    [Field("被抽样单位拒绝签字", f"见证人：{_text(s['refusal_witness'])}")]
                    if int(s["unit_refused_sign"] or 0)
                    else []
                ),
            ],
        ),
    ]
    return SamplingFormDoc(
        centre=centre_name, form_no=str(s["sample_no"]), sections=sections, samplers=_samplers(s)
    )
