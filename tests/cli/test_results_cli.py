"""`labdesk results import|mappings|set-lod`, `round --decimals`, `export` selection and
one example in every command's help (issue 20)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from labdesk.cli import COMMANDS, EXAMPLES, main
from labdesk.store.db import open_reader
from tests.reports.lab import PASSWORD, build_scenario

GBK_ROWS = [
    ["样品编号", "检验项目", "检验结果"],
    ["S-003", "镉", "0.05"],
    ["S-003", "无机砷", "0.10"],
    ["S-003", "总汞", "ND(0.003)"],
    ["S-003", "铅", "0.30"],
    ["S-003", "黄曲霉毒素B1", "2.0"],
]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scenario(tmp_path_factory.mktemp("lab") / "lab.sqlite")


@pytest.fixture
def lab(scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "lab.sqlite"
    shutil.copy(scenario, copy)
    monkeypatch.setenv("LABDESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("LABDESK_USER", "tech")
    return copy


def gbk_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_bytes(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("gbk"))
    return path


def results_of(db_file: Path, sample_no: str) -> list[str]:
    db = open_reader(db_file)
    try:
        return [
            str(r[0])
            for r in db.query(
                "SELECT r.text FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
                "JOIN samples s ON s.id = i.sample_id WHERE s.sample_no = ? "
                "AND r.superseded_by IS NULL ORDER BY i.seq",
                (sample_no,),
            )
        ]
    finally:
        db.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_gbk_csv_is_previewed_then_imported_whole(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = gbk_csv(tmp_path / "结果.csv", GBK_ROWS)
    code, out, _ = run(capsys, "--db", str(lab), "results", "import", str(path), "--dry-run")
    assert code == 0, out
    assert "GBK" in out and "sha256:" in out and "dry run: 5 result(s)" in out
    assert "row     5  S-003  铅  0.30  → 不合格 fail" in out
    assert results_of(lab, "S-003") == []  # a dry run writes nothing
    code, out, _ = run(capsys, "--db", str(lab), "results", "import", str(path))
    assert code == 0 and "imported 5 result(s)" in out
    assert results_of(lab, "S-003") == ["0.05", "0.10", "ND(0.003)", "0.30", "2.0"]


def test_one_bad_row_refuses_the_whole_file(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = gbk_csv(tmp_path / "bad.csv", [*GBK_ROWS, ["S-999", "铅", "0.1"]])
    code, out, err = run(capsys, "--db", str(lab), "results", "import", str(path), "--json")
    assert code == 2 and "nothing imported" in err
    report = json.loads(out)
    assert report["ok"] is False and report["imported"] == 0 and report["encoding"] == "GBK"
    refused = [r for r in report["checked"] if r["problems"]]
    assert [r["row"] for r in refused] == [7]
    assert refused[0]["problems"][0].startswith("A（样品编号）: known_sample")
    assert results_of(lab, "S-003") == []


def test_a_mapping_is_edited_saved_and_reused(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["样品", "分析物", "读数"], ["S-004", "铅", "0.10"]]
    path = gbk_csv(tmp_path / "aas.csv", rows)
    base = ["--db", str(lab), "results", "import", str(path)]
    code, _, err = run(capsys, *base, "--dry-run")
    assert code == 2 and "nothing imported" in err
    columns = ["--column", "sample_no=样品", "--column", "item=分析物", "--column", "result=读数"]
    code, out, _ = run(capsys, *base, *columns, "--save-mapping", "AAS 01", "--dry-run")
    assert code == 0 and "saved as 'AAS 01'" in out
    code, out, _ = run(capsys, "--db", str(lab), "results", "mappings", "--json")
    assert json.loads(out) == {"AAS 01": {"item": "分析物", "result": "读数", "sample_no": "样品"}}
    code, out, _ = run(capsys, *base, "--mapping", "AAS 01")
    assert code == 0 and "imported 1 result(s)" in out
    code, _, err = run(capsys, *base, "--column", "colour=x")
    assert code == 2 and "FIELD=TITLE" in err


def test_import_signs_in(lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = gbk_csv(tmp_path / "r.csv", GBK_ROWS)
    code, _, err = run(
        capsys, "--lang", "en", "--db", str(lab), "results", "import", str(path), "--user", "rev"
    )
    assert code == 2 and "may not enter results" in err
    assert results_of(lab, "S-003") == []


def test_set_lod_then_nd_is_accepted(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = gbk_csv(tmp_path / "nd.csv", [GBK_ROWS[0], ["S-004", "克百威", "ND"]])
    code, out, _ = run(capsys, "--db", str(lab), "results", "import", str(path), "--dry-run")
    assert code == 2 and "lod_required" in out
    args = ["--db", str(lab), "results", "set-lod", "S-004", "CARBOFURAN", "--lod", "0.005"]
    code, out, _ = run(capsys, *args, "--reason", "GB 23200.112 检出限")
    assert code == 0 and "0.005" in out
    code, out, _ = run(capsys, "--db", str(lab), "results", "import", str(path))
    assert code == 0 and "未检出（检出限 0.005 mg/kg）" in out


@pytest.mark.parametrize(
    ("argv", "printed"),
    [
        (["0.35", "--decimals", "1"], "0.4"),
        (["2.675", "--decimals", "2"], "2.68"),
        (["1250", "--decimals", "-2"], "1200"),
        (["60.25", "--decimals", "1"], "60.2"),
    ],
)
def test_round_takes_decimals_as_judge_does(
    argv: list[str], printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["round", *argv]) == 0
    assert capsys.readouterr().out.strip() == printed


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_help_shows_one_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert f"示例：\n  {EXAMPLES[command]}" in out  # Chinese by default
    with pytest.raises(SystemExit):
        main(["--lang", "en", command, "--help"])
    out = capsys.readouterr().out
    assert f"example:\n  {EXAMPLES[command]}" in out
    assert EXAMPLES[command].startswith("labdesk ") and f" {command}" in EXAMPLES[command]


def test_set_rule_makes_an_item_screening(lab: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--lang", "en", "--db", str(lab), "results", "set-rule", "S-004", "CARBOFURAN"]
    code, _, err = run(capsys, *args, "--factor", "-1", "--reason", "x")
    assert code == 2 and "factor" in err
    code, out, _ = run(capsys, *args, "--screening", "yes", "--reason", "筛查方法")
    assert code == 0 and "rule set" in out
    import sqlite3

    with sqlite3.connect(lab) as raw:
        screening = raw.execute(
            "SELECT i.screening FROM sample_items i JOIN samples s ON s.id = i.sample_id "
            "WHERE s.sample_no = 'S-004' AND i.code = 'CARBOFURAN'"
        ).fetchone()
    assert screening == (1,)
