"""PDF documents: real, extractable Chinese text with the CJK font embedded."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from labdesk.reports.model import (
    FAIL,
    PASS,
    Field,
    FormSection,
    ReportItem,
    SamplingFormDoc,
    Signoff,
    TestReportDoc,
    conclusion_sentence,
)
from labdesk.reports.pdf import render_report_pdf, render_sampling_form_pdf
from tests.support import require_tool

Extract = Callable[[Path], str]


def _doc(items: list[ReportItem], *, sample_name: str = "小白菜") -> TestReportDoc:
    failing = [i.name for i in items if i.verdict == FAIL]
    return TestReportDoc(
        centre="示例市产品质量监督检验中心",
        report_no="CTR-AH2026-000123",
        sample_no="AH2026-000123",
        sample_name=sample_name,
        fields=[Field("受检单位", "示例农贸市场有限公司"), Field("抽样日期", "2026-03-01")],
        items=items,
        conclusion=conclusion_sentence(failing, ["GB 2762-2022"]),
        signoffs=[
            Signoff("检验", "张三", "2026-03-05"),
            Signoff("审核", "李四", "2026-03-06"),
            Signoff("批准", "王五", "2026-03-07"),
        ],
        issued="2026-03-07",
    )


def _items(count: int, failing: set[int]) -> list[ReportItem]:
    return [
        ReportItem(
            seq=n,
            name=f"项目{n:02d}",
            limit="≤0.2",
            result="0.35" if n in failing else "0.05",
            unit="mg/kg",
            verdict=FAIL if n in failing else PASS,
            method="GB 5009.12-2017",
        )
        for n in range(1, count + 1)
    ]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_failing_report_shows_number_verdicts_and_conclusion(
    tmp_path: Path, pdf_text: Extract
) -> None:
    items = _items(4, failing={2})
    path = tmp_path / "report.pdf"
    pages = render_report_pdf(_doc(items), path)
    text = pdf_text(path)
    assert pages == 1
    assert "检验报告" in text
    assert "AH2026-000123" in text
    lines = text.splitlines()
    for item in items:
        row = next(line for line in lines if item.name in line)
        verdicts = re.findall(r"不合格|合格", row)
        assert verdicts == [item.verdict], row
        assert item.result in row and item.limit in row
    assert "检验结论为不合格" in _squash(text)
    assert "项目02项目不符合GB2762-2022标准要求" in _squash(text)
    for name in ("张三", "李四", "王五"):
        assert name in text
    assert "第1页共1页" in _squash(text)


def test_long_report_numbers_every_page(tmp_path: Path, pdf_text: Extract) -> None:
    path = tmp_path / "long.pdf"
    pages = render_report_pdf(_doc(_items(90, failing={45, 90})), path)
    assert pages >= 2
    raw = pdf_text(path)
    text = _squash(raw)
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in text
    assert text.count("项目") >= 90
    # pdftotext separates pages with form feeds: one per page.
    assert raw.count("\f") == pages


def test_font_is_embedded(tmp_path: Path, qapp: object) -> None:
    pdffonts = require_tool("pdffonts")
    path = tmp_path / "fonts.pdf"
    render_report_pdf(_doc(_items(2, failing=set())), path)
    listing = subprocess.run(
        [pdffonts, str(path)], check=True, capture_output=True, text=True
    ).stdout
    rows = [line for line in listing.splitlines() if "WenQuanYi" in line]
    assert rows, listing
    # columns: name type encoding emb sub uni — the font is embedded with a Unicode map
    assert all(" yes " in row for row in rows), listing


def test_markup_in_values_prints_literally(tmp_path: Path, pdf_text: Extract) -> None:
    path = tmp_path / "escape.pdf"
    render_report_pdf(_doc(_items(1, failing=set()), sample_name="<b>A&B</b> 样品"), path)
    assert "<b>A&B</b> 样品" in pdf_text(path)


def test_sampling_form(tmp_path: Path, pdf_text: Extract) -> None:
    doc = SamplingFormDoc(
        centre="示例市产品质量监督检验中心",
        form_no="AH2026-000123",
        sections=[
            FormSection(
                "被抽样单位",
                [Field("单位名称", "示例超市"), Field("统一社会信用代码", "914403001922038216")],
            ),
            FormSection("样品信息", [Field("样品名称", "大米"), Field("抽样数量", "2kg")]),
        ],
        samplers=["赵六", "钱七"],
    )
    path = tmp_path / "form.pdf"
    render_sampling_form_pdf(doc, path)
    text = pdf_text(path)
    for expected in ("抽样单", "AH2026-000123", "914403001922038216", "大米", "赵六、钱七"):
        assert expected in text


def test_no_partial_file_left_behind(tmp_path: Path, qapp: object) -> None:
    path = tmp_path / "ok.pdf"
    render_report_pdf(_doc(_items(1, failing=set())), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.pdf"]
    assert path.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("failing", "expected"),
    [
        ([], "经抽样检验，所检项目符合 GB 2762-2022 标准要求，检验结论为合格。"),
        (["铅"], "经抽样检验，铅项目不符合 GB 2762-2022 标准要求，检验结论为不合格。"),
        (
            ["铅", "镉", "铅"],
            "经抽样检验，铅、镉项目不符合 GB 2762-2022 标准要求，检验结论为不合格。",
        ),
    ],
)
def test_conclusion_sentence(failing: list[str], expected: str) -> None:
    assert conclusion_sentence(failing, ["GB 2762-2022", "GB 2762-2022"]) == expected


def test_only_a_report_with_sample_data_limits_carries_the_note() -> None:
    from dataclasses import replace

    from labdesk.reports.layout import test_report_html
    from labdesk.reports.model import SAMPLE_DATA_NOTE

    confirmed = _items(2, set())
    assert SAMPLE_DATA_NOTE not in test_report_html(_doc(confirmed))
    mixed = [confirmed[0], replace(confirmed[1], sample_data=True)]
    html = test_report_html(_doc(mixed))
    assert SAMPLE_DATA_NOTE in html and html.count("≤0.2＊") == 1
