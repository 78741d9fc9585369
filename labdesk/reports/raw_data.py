"""The raw-data sheet (原始记录): readings, intermediates, formula and QC behind each result.

Printed beside the test report (ISO/IEC 17025 7.5: the technical record lets the result be
repeated): per item, the method version and its formula, the run, instrument and
technician, one row per parallel determination with every input as used (typed,
imported, a default or the blank mean), the named intermediates and the unrounded value,
then the mean, the reported value and the repeatability check, and the run's QC samples
with their verdicts. Items typed without readings say so.

`provenance_html` is also what the reviewer's panel shows (in the interface language);
the sheet itself is Chinese, as the reports are. Qt-free string building; `pdf.py`
paints it.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from labdesk.core.formula import parse_formula
from labdesk.core.qc import QC_NAMES_EN, QC_NAMES_ZH
from labdesk.services.run_views import Provenance, sample_provenance

_STYLE = """
<style>
h1 { font-size: 16pt; font-weight: bold; text-align: center; margin: 0; }
h3 { font-size: 11pt; font-weight: bold; margin-top: 10pt; margin-bottom: 3pt; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 1px solid #000; padding: 2px; }
th { font-weight: bold; background-color: #eeeeee; }
p.small { font-size: 9pt; margin: 0; }
</style>
"""

_WORDS = {
    "method": ("方法", "Method"),
    "formula": ("计算公式", "Formula"),
    "inputs": ("输入", "Inputs"),
    "run": ("检测批", "Run"),
    "instrument": ("仪器", "Instrument"),
    "technician": ("检验员", "Technician"),
    "determination": ("平行", "Determination"),
    "value": ("计算值", "Value"),
    "mean": ("平均值", "Mean"),
    "reported": ("报告值", "Reported"),
    "check": ("重复性", "Repeatability"),
    "qc": ("质控", "QC"),
    "label": ("编号", "Label"),
    "kind": ("类型", "Kind"),
    "found": ("测得", "Found"),
    "criterion": ("判据", "Criterion"),
    "verdict": ("判定", "Verdict"),
    "typed": ("手工录入结果（无读数）", "typed result (no readings)"),
    "no_result": ("尚无结果", "no result yet"),
    "reason": ("超差说明", "Accepted because"),
    "override": ("仪器超期使用批准", "Instrument past its date, allowed"),
    "rounding": ("修约", "Rounding"),
    "pass": ("合格", "pass"),
    "fail": ("不合格", "FAIL"),
}


def _e(value: object) -> str:
    return escape(str(value), quote=False)


def _w(key: str, zh: bool) -> str:
    return _WORDS[key][0 if zh else 1]


def _short(text: str, digits: int = 8) -> str:
    whole, dot, fraction = text.partition(".")
    if not dot or len(fraction) <= digits:
        return text
    return f"{whole}.{fraction[:digits]}…"


def _grid(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="grid" cellspacing="0" cellpadding="2"><tr>{header}</tr>{body}</table>'


def provenance_html(p: Provenance, *, zh: bool = True, heading: bool = True) -> str:
    """One item: method, formula, determinations, mean and check, the run's QC."""
    parts: list[str] = []
    name = p.item.get("name", "")
    if heading:
        parts.append(f"<h3>{_e(name)}</h3>")
    if p.result is None:
        parts.append(f"<p>{_e(_w('no_result', zh))}</p>")
        return "".join(parts)
    if not p.computed:
        parts.append(f"<p>{_e(p.result['text'])} — {_e(_w('typed', zh))}</p>")
    method = p.method
    if method is not None:
        formula = parse_formula(str(method["formula"])).canonical()
        parts.append(
            f"<p>{_e(_w('method', zh))}：{_e(method['code'])} v{_e(method['version'])} "
            f"{_e(method['name'])}<br/>{_e(_w('formula', zh))}：<b>{_e(formula)}</b>"
            f"（{_e(method['unit'])}）</p>"
        )
        inputs = json.loads(method["inputs"] or "[]")
        legend = "；".join(
            f"{i['name']} = {i.get('label') or i['name']}"
            + (f" ({i['unit']})" if i.get("unit") else "")
            + (f"，默认 {i['default']}" if zh and i.get("default") else "")
            + (f", default {i['default']}" if not zh and i.get("default") else "")
            + (f"，取空白 {i['blank_of']}" if zh and i.get("blank_of") else "")
            + (f", blank of {i['blank_of']}" if not zh and i.get("blank_of") else "")
            for i in inputs
        )
        parts.append(f"<p class=small>{_e(_w('inputs', zh))}：{_e(legend)}</p>")
    if p.run is not None:
        run = p.run
        line = (
            f"{_w('run', zh)}：{run['run_no']}；{_w('instrument', zh)}：{run['instrument_code']} "
            f"{run['instrument_name']}；{_w('technician', zh)}：{run['technician_name']}"
        )
        parts.append(f"<p class=small>{_e(line)}</p>")
        if run["instrument_override"]:
            parts.append(
                f"<p class=small>{_e(_w('override', zh))}（{_e(run['override_username'])}）："
                f"{_e(run['instrument_override'])}</p>"
            )
    if p.determinations:
        names = [n for n, _t, _u in p.determinations[0]["readings"]]
        inter = [n for n, _t, _u in p.determinations[0]["intermediates"]]
        rows = []
        for index, d in enumerate(p.determinations, start=1):
            readings = {n: t for n, t, _u in d["readings"]}
            steps = {n: t for n, t, _u in d["intermediates"]}
            rows.append(
                [
                    str(index),
                    *(_short(readings.get(n, "")) for n in names),
                    *(_short(steps.get(n, "")) for n in inter),
                    _short(d["value"]),
                ]
            )
        parts.append(_grid([_w("determination", zh), *names, *inter, _w("value", zh)], rows))
    if p.check is not None:
        check = p.check
        explanation = check.explanation_zh() if zh else check.explanation_en()
        parts.append(
            f"<p>{_e(_w('mean', zh))}：{_e(_short(format(check.mean, 'f')))}；"
            f"{_e(_w('reported', zh))}：<b>{_e(p.result['text'])}</b>；"
            f"{_e(_w('check', zh))}：{_e(explanation)}</p>"
        )
        if p.replicate_reason:
            parts.append(f"<p>{_e(_w('reason', zh))}：{_e(p.replicate_reason)}</p>")
    if p.qc:
        rows = [
            [
                q.label,
                (QC_NAMES_ZH if zh else QC_NAMES_EN).get(q.kind, q.kind),
                _short(q.value),
                q.criterion_zh if zh else q.criterion_en,
                (q.detail_zh if zh else q.detail_en),
                "" if q.passed is None else _w("pass" if q.passed else "fail", zh),
            ]
            for q in p.qc
        ]
        parts.append(
            f"<p><b>{_e(_w('qc', zh))}</b></p>"
            + _grid(
                [
                    _w("label", zh),
                    _w("kind", zh),
                    _w("found", zh),
                    _w("criterion", zh),
                    "",
                    _w("verdict", zh),
                ],
                rows,
            )
        )
    return "".join(parts)


def raw_data_html(db: Any, sample_id: int) -> str:
    """The whole sheet of one sample (Chinese)."""
    sample = db.query_one(
        "SELECT s.sample_no, s.sample_name, c.name AS centre FROM samples s, centre c "
        "WHERE s.id = ? AND c.id = 1",
        (sample_id,),
    )
    if sample is None:
        return ""
    items = "".join(provenance_html(p, zh=True) for p in sample_provenance(db, sample_id))
    return (
        f"<html><head>{_STYLE}</head><body><h1>{_e(sample['centre'])}</h1>"
        f"<h1>原始记录</h1><p>样品编号：{_e(sample['sample_no'])}　样品名称："
        f"{_e(sample['sample_name'])}</p>{items}</body></html>"
    )


def render_raw_data_pdf(db: Any, sample_id: int, path: Path) -> int:
    """The raw-data sheet of one sample to `path` (Qt's PDF writer); the page count."""
    from labdesk.reports.pdf import write_html_pdf

    number = str(db.scalar("SELECT sample_no FROM samples WHERE id = ?", (sample_id,)) or "")
    return write_html_pdf(
        raw_data_html(db, sample_id), path, title=f"原始记录 {number}", footer_left=number
    )
