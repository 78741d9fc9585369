"""`labdesk summary` and `batch-summary` say how much stands behind a rate (issue 20):
the 95 % Wilson interval of every rate and a few_samples mark below --min-samples."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from labdesk.cli import main
from labdesk.core.rates import wilson_percent
from tests.reports.lab import build_scenario


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two concluded samples in 2026-03: S-001 fails, S-002 passes."""
    return build_scenario(tmp_path_factory.mktemp("lab") / "lab.sqlite")


def summary(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> dict:
    assert main(["--db", str(db), "summary", "--json", "--today", "2026-03-10", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_two_judged_samples_are_few_and_carry_their_interval(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = summary(capsys, scenario)
    low, high = wilson_percent(1, 2)  # type: ignore[misc]
    assert data["pass_rate"] == "50.00" and data["few_samples"] is True
    assert data["pass_rate_interval"] == [str(low), str(high)]
    assert data["nonconformity_rate_interval"] == [str(100 - high), str(100 - low)]
    assert data["min_samples"] == 10
    (month,) = data["by_month"]
    assert month["few_samples"] is True and month["pass_rate_interval"] == [str(low), str(high)]
    rice = next(g for g in data["by_category"] if g["key"] == "RICE")
    assert rice["judged"] == 1 and rice["few_samples"] is True


def test_the_minimum_is_configurable(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = summary(capsys, scenario, "--min-samples", "2")
    assert data["few_samples"] is False and data["min_samples"] == 2
    assert main(["--db", str(scenario), "summary", "--min-samples", "0"]) == 2


def test_text_and_xlsx_mark_few_samples(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.xlsx"
    assert main(["--db", str(scenario), "summary", "--xlsx", str(out)]) == 0
    text = capsys.readouterr().out
    assert "50.00% (95% " in text and " *" in text and "少于 10 个" in text
    book = openpyxl.load_workbook(out)
    header = [c.value for c in book["按月份"][1]]
    assert "合格率95%区间(%)" in header and "样品少(<10)" in header
    row = [c.value for c in book["按月份"][2]]
    assert row[header.index("样品少(<10)")] == "是"


def test_batch_summary_says_few_samples(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(scenario), "batch-summary", "--pending", "--json"]) == 0
    (batch,) = json.loads(capsys.readouterr().out)
    assert batch["few_samples"] is True and batch["pass_rate_interval"] is not None
    assert main(["--db", str(scenario), "batch-summary", "--pending"]) == 0
    assert "比率仅供参考" in capsys.readouterr().out


def test_batch_summary_pdf_says_few_samples(scenario: Path, tmp_path: Path, qapp: object) -> None:
    import subprocess

    from tests.support import require_tool

    pdftotext = require_tool("pdftotext")
    out = tmp_path / "batch.pdf"
    assert main(["--db", str(scenario), "batch-summary", "--pending", "--pdf", str(out)]) == 0
    text = subprocess.run([pdftotext, str(out), "-"], check=True, capture_output=True).stdout
    flat = "".join(text.decode("utf-8").split())  # the PDF wraps lines anywhere
    assert "合格率95%区间" in flat and "已判定样品少于10个，比率仅供参考" in flat
