"""Reports built from the database print what the services stored."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from labdesk.core.errors import NotFound
from labdesk.reports.data import (
    UNNUMBERED,
    local_date,
    report_document,
    report_number,
    sampling_form_document,
)
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
    # Allocated at approval: S-001 was approved first, S-002 second, in the year of approval.
    approved_on = reader.query(
        "SELECT ev.at_utc FROM sample_events AS ev JOIN samples AS s ON s.id = ev.sample_id "
        "WHERE s.sample_no = 'S-002' AND ev.to_state = 'approved'"
    )
    year = local_date(approved_on[0]["at_utc"])[:4]
    assert doc.report_no == f"CTR-{year}-000002"
    assert report_document(reader, "S-001").report_no == f"CTR-{year}-000001"
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
    assert doc.report_no == UNNUMBERED
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


def test_report_number_of_samples_approved_before_numbering() -> None:
    # Schema-1 databases approved without a report number keep the one they printed.
    assert report_number(None, "approved", "CTR", "S-9") == "CTR-S-9"
    assert report_number(None, "exported", "", "S-9") == "S-9"
    assert report_number(None, "reviewed", "CTR", "S-9") == UNNUMBERED
    assert report_number("CTR-2026-000007", "exported", "CTR", "S-9") == "CTR-2026-000007"
