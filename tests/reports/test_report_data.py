"""Reports built from the database print what the services stored."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from labdesk.core.errors import NotFound
from labdesk.reports.data import report_document, sampling_form_document
from labdesk.reports.model import FAIL, PASS
from labdesk.reports.pdf import render_report_pdf
from labdesk.store.db import Database, open_reader
from tests.reports.lab import build_scenario

Extract = Callable[[Path], str]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scenario(tmp_path_factory.mktemp("lab") / "lab.sqlite")


@pytest.fixture
def reader(scenario: Path) -> Iterator[Database]:
    db = open_reader(scenario)
    yield db
    db.close()


def test_failing_sample_report_pdf_text(
    reader: Database, tmp_path: Path, pdf_text: Extract
) -> None:
    doc = report_document(reader, "S-001")
    path = tmp_path / "S-001.pdf"
    render_report_pdf(doc, path)
    text = pdf_text(path)
    flat = re.sub(r"\s+", "", text)
    assert "检验报告" in text
    assert "S-001" in text
    expected = {"铅": FAIL, "克百威": PASS, "氧乐果": PASS}
    lines = text.splitlines()
    for name, verdict in expected.items():
        row = next(line for line in lines if re.search(rf"\d\s+{name}\s", line))
        assert re.findall(r"不合格|合格", row) == [verdict], row
    assert "0.35" in text and "≤0.2" in text and "0.010" in text  # typed text, zeros kept
    assert "检验结论为不合格" in flat
    assert "第1页共1页" in flat
    for name in ("张三", "李四", "王五"):  # entered, reviewed, approved
        assert name in text


def test_report_fields_come_from_the_record(reader: Database) -> None:
    doc = report_document(reader, "S-002")
    assert doc.sample_name == "大米"
    assert doc.report_no == "CTR-S-002"
    assert not doc.failed
    assert [i.verdict for i in doc.items] == [PASS] * len(doc.items)
    assert "检验结论为合格" in doc.conclusion
    fields = {f.label: f.value for f in doc.fields}
    assert fields["受检单位"] == "示例粮油有限公司"
    assert fields["任务来源"] == "示例市市场监督管理局"
    assert fields["抽样人员"] == "赵六、钱七"
    assert [s.name for s in doc.signoffs] == ["张三", "李四", "王五"]
    assert doc.remarks == ""


def test_unapproved_report_says_so(reader: Database) -> None:
    doc = report_document(reader, "S-003")
    assert "尚未批准" in doc.remarks
    assert {i.verdict for i in doc.items} == {"未检"}
    assert doc.signoffs[2].name == ""


def test_sampling_form_data(reader: Database) -> None:
    doc = sampling_form_document(reader, "S-001")
    values = {f.label: f.value for s in doc.sections for f in s.fields}
    assert values["统一社会信用代码"] == "914403001922038216"
    assert values["抽样数量"] == "2kg"
    assert list(doc.samplers) == ["赵六", "钱七"]


def test_unknown_sample_is_not_found(reader: Database) -> None:
    with pytest.raises(NotFound):
        report_document(reader, "NO-SUCH")
