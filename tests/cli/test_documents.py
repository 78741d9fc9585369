"""`labdesk summary`, `report`, `batch-summary`, `standards import/export` end to end."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from labdesk.cli import main
from tests.reports.lab import PASSWORD, build_scenario
from tests.support import require_tool


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scenario(tmp_path_factory.mktemp("lab") / "lab.sqlite")


@pytest.fixture
def db_file(scenario: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "lab.sqlite"
    shutil.copy(scenario, copy)
    return copy


def test_summary_json(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(scenario), "summary", "--json", "--today", "2026-03-10"]) == 0
    data = json.loads(capsys.readouterr().out)
    # S-001 fails, S-002 passes (both approved); S-003..S-005 are still open.
    assert (data["samples"], data["pass"], data["fail"], data["pending"]) == (5, 1, 1, 3)
    assert data["pass_rate"] == "50.00"
    assert data["nonconformity_rate"] == "50.00"
    assert data["by_state"] == {"approved": 2, "registered": 1, "testing": 2}
    categories = {g["key"]: (g["samples"], g["fail"]) for g in data["by_category"]}
    assert categories == {"RICE": (3, 0), "VEG-BRASSICA": (2, 1)}
    assert [g["key"] for g in data["by_month"]] == ["2026-03"]
    assert data["by_source"][0]["label"] == "示例市市场监督管理局"
    assert data["by_enterprise"][0]["label"] == "示例农贸市场有限公司"
    assert {r["key"] for r in data["by_region"]} == {"440300", "340100"}
    assert data["top_failing_items"] == [
        {"item": "铅", "tested": 2, "fail": 1, "failure_rate": "50.00"}
    ]
    # S-001 was approved today (real time), after 2026-03-10: no window open on that day.
    assert data["reinspection_open"] == 0


def test_summary_filters(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--db", str(scenario), "summary", "--json", "--category", "RICE"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["samples"], data["pass"], data["fail"]) == (3, 1, 0)
    assert data["pass_rate"] == "100.00"
    assert main(["--db", str(scenario), "summary", "--json", "--from", "2027-01-01"]) == 0
    empty = json.loads(capsys.readouterr().out)
    assert (empty["samples"], empty["pass_rate"]) == (0, None)


def test_summary_bad_date_is_a_usage_error(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(scenario), "summary", "--from", "03/01/2026"]) == 2
    assert "--from" in capsys.readouterr().err


def test_summary_text_and_xlsx(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "summary.xlsx"
    assert main(["--db", str(scenario), "summary", "--xlsx", str(out)]) == 0
    text = capsys.readouterr().out
    assert "合格率 pass rate      50.00%" in text
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["总览", "按状态"]
    assert "不合格项目" in book.sheetnames
    overview = {row[0].value: row[1].value for row in book["总览"].iter_rows(min_row=2)}
    assert overview["样品数"] == 5
    assert overview["合格率(%)"] == "50.00"


def test_report_writes_one_pdf_per_sample(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    pdftotext = require_tool("pdftotext")
    out = tmp_path / "reports"
    assert main(["--db", str(scenario), "report", "S-001", "S-002", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["S-001.pdf", "S-002.pdf"]
    text = subprocess.run(
        [pdftotext, "-layout", str(out / "S-001.pdf"), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    assert "检验报告" in text and "S-001" in text
    assert "检验结论为不合格" in re.sub(r"\s+", "", text)


def test_report_with_sampling_form(scenario: Path, tmp_path: Path, qapp: object) -> None:
    out = tmp_path / "reports"
    args = ["--db", str(scenario), "report", "S-003", "--out", str(out), "--sampling-form"]
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == ["S-003-抽样单.pdf", "S-003.pdf"]


def test_report_unknown_sample_writes_nothing(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert main(["--db", str(scenario), "report", "S-001", "NOPE", "--out", str(out)]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_report_command_in_a_fresh_process(scenario: Path, tmp_path: Path) -> None:
    """Without a display or QT_QPA_PLATFORM the command makes its own offscreen application."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-m", "labdesk", "--db", str(scenario), "report", "S-002", "--out", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "S-002.pdf").read_bytes().startswith(b"%PDF")


def test_batch_summary_pending(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(scenario), "batch-summary", "--pending", "--json"]) == 0
    (batch,) = json.loads(capsys.readouterr().out)
    assert batch["pending"] is True
    assert (batch["samples"], batch["pass"], batch["fail"], batch["pass_rate"]) == (
        2,
        1,
        1,
        "50.00",
    )
    assert batch["failing_items"] == [{"item": "铅", "fail": 1}]
    assert batch["approvers"] == [{"name": "王五", "samples": 2}]


def test_batch_summary_pdf(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    pdftotext = require_tool("pdftotext")
    out = tmp_path / "batch.pdf"
    assert main(["--db", str(scenario), "batch-summary", "--pending", "--pdf", str(out)]) == 0
    text = subprocess.run([pdftotext, str(out), "-"], check=True, capture_output=True).stdout
    decoded = text.decode("utf-8")
    assert "批次汇总" in decoded and "S-001" in decoded and "王五" in decoded


def test_standards_export_then_import_as_admin(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "library.csv"
    assert main(["--db", str(db_file), "standards", "export", "--out", str(exported)]) == 0
    header = exported.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("standard_number,standard_year")
    before = exported.read_text(encoding="utf-8-sig")
    password = tmp_path / "pw"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    password.chmod(0o600)
    args = ["--lang", "en", "--db", str(db_file), "standards", "import", str(exported)]
    assert main([*args, "--user", "tech", "--password-file", str(password)]) == 2
    assert "admin" in capsys.readouterr().err
    assert main([*args, "--user", "admin", "--password-file", str(password)]) == 0
    # The exported file is the library in use: nothing is written (issue 21.7).
    assert "no change" in capsys.readouterr().out
    again = tmp_path / "again.xlsx"
    assert main(["--db", str(db_file), "standards", "export", "--out", str(again)]) == 0
    from labdesk.core.library_io import load_library

    assert load_library(again).items == load_library(exported).items
    assert before.count("\n") == exported.read_text(encoding="utf-8-sig").count("\n")


def test_standards_import_bad_file_changes_nothing(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("standard_number,limit\nGB 1,not a limit\n", encoding="utf-8")
    from labdesk.store.db import open_reader

    def library_rows() -> int:
        db = open_reader(db_file)
        try:
            return int(db.scalar("SELECT count(*) FROM lib_items"))
        finally:
            db.close()

    before = library_rows()
    args = ["--db", str(db_file), "standards", "import", str(bad), "--user", "admin"]
    assert main(args) == 2
    assert "bad.csv" in capsys.readouterr().err
    assert library_rows() == before
