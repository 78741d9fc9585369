"""The documents as Qt rich text (a subset of HTML 4 that QTextDocument lays out).

Qt-free string building: every value is escaped here, so a sample name such as
"<b>" or "A&B 公司" prints as typed. Page furniture (page x of y) is drawn by
`labdesk.reports.pdf`, not here, because only it knows where the pages break.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape

from labdesk.core.rates import MIN_SAMPLES
from labdesk.reports.model import FAIL, SAMPLE_DATA_NOTE, Field, SamplingFormDoc, TestReportDoc
from labdesk.services.summary import BatchSummary

_STYLE = """
<style>
h1 { font-size: 20pt; font-weight: bold; text-align: center; margin: 0; }
h2 { font-size: 15pt; font-weight: bold; text-align: center; margin-top: 4pt; }
h3 { font-size: 11pt; font-weight: bold; margin-top: 10pt; margin-bottom: 3pt; }
table.grid { border-collapse: collapse; border-style: solid; border-color: #000; }
table.grid td, table.grid th { border: 1px solid #000; padding: 3px; }
th { font-weight: bold; background-color: #eeeeee; }
td.label { background-color: #f6f6f6; }
td.fail { font-weight: bold; }
p.meta { text-align: right; margin: 0; }
p.conclusion { font-size: 11pt; }
</style>
"""


def _e(value: object) -> str:
    return escape(str(value), quote=False)


def _field_rows(fields: Sequence[Field], per_row: int = 2) -> str:
    """Label/value pairs laid out `per_row` to a table row; a short last row widens its value."""
    rows: list[str] = []
    for start in range(0, len(fields), per_row):
        chunk = list(fields[start : start + per_row])
        cells: list[str] = []
        for index, f in enumerate(chunk):
            last_of_short_row = index == len(chunk) - 1 and len(chunk) < per_row
            span = 1 + 2 * (per_row - len(chunk)) if last_of_short_row else 1
            width = "" if span > 1 else ' width="30%"'
            cells.append(
                f'<td class="label" width="20%">{_e(f.label)}</td>'
                f'<td colspan="{span}"{width}>{_e(f.value)}</td>'
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(rows)


def _grid(body: str) -> str:
    return f'<table class="grid" width="100%" cellspacing="0" cellpadding="3">{body}</table>'


def _header_row(titles: Iterable[str]) -> str:
    return "<thead><tr>" + "".join(f"<th>{_e(t)}</th>" for t in titles) + "</tr></thead>"


#: Resource names of the images a report's HTML refers to (`labdesk.reports.pdf` adds them).
QR_RESOURCE = "labdesk-qr"
CMA_RESOURCE = "labdesk-cma"
#: Printed size of the payload QR code: 30 mm holds a ~400-byte payload (QR version
#: ~13) at 0.4 mm a module, which phone cameras and photocopies keep.
QR_MM = 30.0
#: What a report without a payload says (a centre with no signing key).
UNSIGNED_NOTE = "本报告未经数字签名，不能离线验证真伪。"


def _mm_px(mm: float | Decimal) -> int:
    """Millimetres in the CSS pixels (1/96 inch) Qt's rich text sizes images in; Qt
    scales them to the device's resolution."""
    return max(1, round(float(mm) / 25.4 * 96))


def _header(doc: TestReportDoc) -> str:
    """Centre and title in the middle; the CMA mark and the payload QR code beside them."""
    cma = next((m for m in doc.marks if m.kind == "cma"), None)
    side = _mm_px(QR_MM)

    def image(name: str, mm: float | Decimal) -> str:
        px = _mm_px(mm)
        return f'<img src="{name}" width="{px}" height="{px}">'

    left = image(CMA_RESOURCE, cma.size_mm) if cma and cma.position == "top-left" else ""
    right = image(QR_RESOURCE, QR_MM) if doc.payload else ""
    if cma and cma.position == "top-right":
        right = image(CMA_RESOURCE, cma.size_mm) + ("&nbsp;" if right else "") + right
    title = f"<h1>{_e(doc.centre)}</h1><h2>检验报告</h2>"
    if not left and not right:
        return title
    width = side + 8
    return (
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        f'<td width="{width}" valign="top">{left}</td>'
        f'<td align="center" valign="middle">{title}</td>'
        f'<td width="{width}" align="right" valign="top">{right}</td>'
        "</tr></table>"
    )


def _issue_notes(doc: TestReportDoc) -> str:
    notes = []
    if doc.supersedes_version is not None:
        reason = f"更正原因：{doc.correction_reason}" if doc.correction_reason else ""
        notes.append(
            f"本报告为更正报告，替代第 {doc.supersedes_version} 版报告，原报告作废。{reason}"
        )
    if doc.version and not doc.payload:
        notes.append(UNSIGNED_NOTE)
    return "".join(f"<p>{_e(n)}</p>" for n in notes)


def test_report_html(doc: TestReportDoc) -> str:
    """检验报告: header, sample fields, item table, conclusion, sign-offs."""
    items = "".join(
        "<tr>"
        f'<td align="center">{item.seq}</td><td>{_e(item.name)}</td><td>{_e(item.unit)}</td>'
        f"<td>{_e(item.limit)}{'＊' if item.sample_data else ''}</td><td>{_e(item.result)}</td>"
        f'<td align="center"{" class=fail" if item.verdict == FAIL else ""}>'
        f"{_e(item.verdict)}</td><td>{_e(item.method)}</td>"
        "</tr>"
        for item in doc.items
    )
    item_table = _grid(
        _header_row(("序号", "检验项目", "单位", "标准要求", "检验结果", "单项判定", "检验方法"))
        + items
    )
    signoffs = _grid(
        "<tr>"
        + "".join(
            f'<td class="label" align="center" width="11%">{_e(s.role)}</td>'
            f"<td>{_e(s.name)}<br/>{_e(s.date)}</td>"
            for s in doc.signoffs
        )
        + "</tr>"
    )
    remarks = f"<h3>备注</h3><p>{_e(doc.remarks)}</p>" if doc.remarks else ""
    issued = f"<p class=meta>签发日期：{_e(doc.issued)}</p>" if doc.issued else ""
    return (
        f"<html><head>{_STYLE}</head><body>"
        + _header(doc)
        + f"<p class=meta>报告编号：{_e(doc.number_line)}</p>"
        + _issue_notes(doc)
        + "<h3>样品信息</h3>"
        + _grid(
            _field_rows(
                [Field("样品编号", doc.sample_no), Field("样品名称", doc.sample_name), *doc.fields]
            )
        )
        + "<h3>检验结果</h3>"
        + item_table
        + (f"<p>{_e(SAMPLE_DATA_NOTE)}</p>" if any(i.sample_data for i in doc.items) else "")
        + f"<h3>检验结论</h3><p class=conclusion>{_e(doc.conclusion)}</p>"
        + (f"<p>{_e(doc.decision_rule)}</p>" if doc.decision_rule else "")
        + remarks
        + "<h3>签名</h3>"
        + signoffs
        + issued
        + "</body></html>"
    )


def sampling_form_html(doc: SamplingFormDoc) -> str:
    """抽样单: one bordered block per section, then the samplers' signature line."""
    sections = "".join(
        f"<h3>{_e(section.title)}</h3>" + _grid(_field_rows(section.fields))
        for section in doc.sections
    )
    samplers = "、".join(doc.samplers) if doc.samplers else ""
    return (
        f"<html><head>{_STYLE}</head><body>"
        f"<h1>{_e(doc.centre)}</h1><h2>抽样单</h2>"
        f"<p class=meta>抽样单编号：{_e(doc.form_no)}</p>"
        + sections
        + "<h3>抽样人员</h3>"
        + _grid(
            f'<tr><td class="label" width="20%">抽样人（签名）</td><td>{_e(samplers)}</td>'
            '<td class="label" width="20%">被抽样单位（签章）</td><td width="30%"></td></tr>'
        )
        + "</body></html>"
    )


def _interval_text(interval: tuple[Decimal, Decimal] | None) -> str:
    return "—" if interval is None else f"{interval[0]}%～{interval[1]}%"


def batch_summary_html(summary: BatchSummary, centre: str, min_samples: int = MIN_SAMPLES) -> str:
    """批次汇总: counts and rates (with their 95 % interval, and a "few samples" note below
    `min_samples` judged), failing items, approvers, the samples of one batch."""
    c = summary.counts
    head = [
        Field("批次", summary.title),
        Field("文件", summary.file_name or "—"),
        Field("导出时间", summary.created_at or "—"),
        Field("导出人", summary.created_by or "—"),
        Field("样品数", str(c.samples)),
        Field("已判定", str(c.judged)),
        Field("合格", str(c.passed)),
        Field("不合格", str(c.failed)),
        Field("不判定", str(c.not_judged)),
        Field("合格率", c.pass_rate.percent_text()),
        Field("不合格率", c.nonconformity_rate.percent_text()),
        Field("合格率 95% 区间", _interval_text(c.pass_rate.interval())),
        Field("批准人", "、".join(f"{name}（{n}）" for name, n in summary.approvers) or "—"),
    ]
    if c.pass_rate.few(min_samples):
        head.append(Field("样品数提示", f"已判定样品少于 {min_samples} 个，比率仅供参考"))
    items = "".join(
        f"<tr><td>{_e(i.name)}</td><td align=right>{i.tested}</td>"
        f"<td align=right>{i.failed}</td>"
        f"<td align=right>{_e(i.failure_rate.percent_text())}</td></tr>"
        for i in summary.failing_items
    )
    item_table = (
        _grid(_header_row(("检验项目", "检验数", "不合格数", "不合格率")) + items)
        if items
        else "<p>无不合格项目。</p>"
    )
    samples = "".join(
        f'<tr><td align="center">{n}</td><td>{_e(s.sample_no)}</td><td>{_e(s.sample_name)}</td>'
        f"<td>{_e(s.enterprise)}</td><td>{_e(s.conclusion)}</td><td>{_e(s.failing_items)}</td></tr>"
        for n, s in enumerate(summary.samples, start=1)
    )
    sample_table = _grid(
        _header_row(("序号", "样品编号", "样品名称", "受检单位", "结论", "不合格项目")) + samples
    )
    return (
        f"<html><head>{_STYLE}</head><body>"
        f"<h1>{_e(centre)}</h1><h2>批次汇总</h2>"
        + _grid(_field_rows(head))
        + "<h3>不合格项目</h3>"
        + item_table
        + "<h3>样品清单</h3>"
        + sample_table
        + "</body></html>"
    )
