"""`labdesk due`, `calendar`, `clocks` and `national-sheet` through the real dispatcher."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from labdesk.cli import main
from labdesk.core.workcalendar import package_years
from tests.reports.lab import PASSWORD, build_scenario

LABDESK = Path(sys.executable).with_name("labdesk")
NEXT = package_years()[-1] + 1


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_due_contract_from_a_fresh_process() -> None:
    out = subprocess.run(
        [str(LABDESK), "due", "--from", "2025-09-26", "--working-days", "5", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert json.loads(out) == {"due": "2025-10-10"}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--from", "2025-09-26", "--days", "15"], "2025-10-11"),
        (["--from", "2026-02-13", "--working-days", "1"], "2026-02-14"),  # Saturday worked
        (["--from", "2026-02-14", "--working-days", "0"], "2026-02-14"),
        (["--from", f"{NEXT}-06-01", "--days", "3"], f"{NEXT}-06-04"),  # needs no calendar
    ],
)
def test_due(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    assert _run(capsys, ["due", *argv, "--json"]) == (0, json.dumps({"due": expected}) + "\n", "")
    assert _run(capsys, ["due", *argv])[1].strip() == expected


def test_due_refuses_a_year_nobody_knows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys, ["due", "--from", f"{NEXT - 1}-12-20", "--working-days", "20", "--json"]
    )
    assert code == 2 and out == "" and str(NEXT) in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--from", "2025-13-01", "--days", "1"],
        ["--from", "2025-09-26", "--working-days", "-1"],
        ["--from", "2025-09-26"],
        ["--from", "2025-09-26", "--days", "1", "--working-days", "1"],
    ],
)
def test_due_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["due", *argv])
    assert caught.value.code == 2
    capsys.readouterr()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scenario(tmp_path_factory.mktemp("lab") / "lab.sqlite")


@pytest.fixture
def db_file(scenario: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "lab.sqlite"
    shutil.copy(scenario, copy)
    return copy


def test_calendar_import_list_and_due_with_the_centre_calendar(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password = tmp_path / "pw"
    password.write_text(PASSWORD)
    password.chmod(0o600)
    calendar = tmp_path / f"{NEXT}.csv"
    # Test data, not the State Council's notice.
    calendar.write_text(f"year,{NEXT}\nsource,test data\ndate,kind,name\n{NEXT}-01-01,休,元旦\n")
    db = ["--db", str(db_file)]
    login = ["--user", "boss", "--password-file", str(password)]
    code, out, _ = _run(capsys, [*db, "calendar", "import", str(calendar), *login])
    assert code == 0 and f"{NEXT}" in out
    code, out, _ = _run(capsys, [*db, "calendar", "list", "--json"])
    years = {y["year"]: y for y in json.loads(out)}
    assert years[NEXT]["origin"] == "imported" and years[NEXT]["source"] == "test data"
    assert years[NEXT - 1]["origin"] == "package"
    code, out, _ = _run(
        capsys, [*db, "due", "--from", f"{NEXT - 1}-12-31", "--working-days", "1", "--json"]
    )
    assert code == 0 and json.loads(out)["due"] > f"{NEXT}-01-01"
    # A bad file names the row and writes nothing.
    calendar.write_text(f"year,{NEXT}\ndate,kind,name\n{NEXT}-01-01,休\n{NEXT}-01-01,休\n")
    code, _out, err = _run(capsys, [*db, "calendar", "import", str(calendar), *login])
    assert code == 2 and "第 4 行" in err


def test_clocks_show_and_refresh(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, ["--db", str(db_file), "clocks", "show", "S-003", "--json", "--today", "2026-03-10"]
    )
    lines = {line["key"]: line for line in json.loads(out)}
    assert (
        code == 0
        and lines["report"]["due"]
        and lines["report"]["status"]
        in (
            "open",
            "due_soon",
            "overdue",
        )
    )
    assert lines["delivery"]["status"] == "none"  # general products
    password = tmp_path / "pw"
    password.write_text(PASSWORD)
    password.chmod(0o600)
    code, out, _ = _run(
        capsys,
        [
            "--db",
            str(db_file),
            "clocks",
            "refresh",
            "--user",
            "boss",
            "--password-file",
            str(password),
        ],
    )
    assert code == 0 and "0" in out


def test_national_sheet(db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sheet.xlsx"
    code, text, _ = _run(capsys, ["--db", str(db_file), "national-sheet", "--out", str(out)])
    assert code == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    for title in ("检验项目", "检验结果", "结果判定", "最小允许限", "最大允许限", "方法检出限"):
        assert title in header
    body = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    # S-001 (3 items) and S-002 (5 items) are concluded; the others are not.
    assert {r["抽样单编号"] for r in body} == {"S-001", "S-002"} and len(body) == 8
    lead = next(r for r in body if r["抽样单编号"] == "S-001" and r["检验项目"] == "铅")
    assert (lead["检验结果"], lead["结果判定"], lead["最大允许限"]) == ("0.35", "不合格项", "0.2")
    assert lead["报告类别"] == "一般不合格报告" and lead["最小允许限"] is None
    assert f"{len(body)} " in text
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and 't="n"' not in xml
    code, _text, _ = _run(
        capsys, ["--db", str(db_file), "national-sheet", "--out", str(out), "--from", "2099-01-01"]
    )
    assert code == 0 and len(list(openpyxl.load_workbook(out).active.iter_rows())) == 1
    code, _t, err = _run(
        capsys, ["--db", str(db_file), "national-sheet", "--out", str(tmp_path / "x.csv")]
    )
    assert code == 2 and ".xlsx" in err
