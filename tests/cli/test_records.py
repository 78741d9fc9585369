"""`labdesk setup | demo | samples | audit verify | backup | restore | users`."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from labdesk.cli import main
from labdesk.store.db import open_database


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--samples", "40", "--seed", "3"]) == 0
    return path


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(demo_file), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


def test_demo_prints_the_demo_accounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "d.sqlite"), "demo", "--samples", "12"]) == 0
    out = capsys.readouterr().out
    assert "DEMO accounts" in out
    assert "tech1-demo" in out and "manager" in out
    assert "pass rate" in out
    assert "DEMO signing-key passphrase: labdesk-demo" in out and "demo only" in out
    outbox = tmp_path / "d-outbox"
    assert f"in outbox: {outbox}" in out and f"public key for HQ: {outbox}" in out


def test_demo_batches_verify_ingest_and_audit_through_the_cli(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`labdesk demo` → `labdesk verify` with the exported key → `labdesk hq ingest` (no
    gaps) → `labdesk audit verify`, all through the command line."""
    outbox = demo_file.parent / "demo-outbox"
    pem = str(outbox / "DEMO34-public-key.pem")
    batches = sorted(outbox.glob("DEMO34-*.labbatch"))
    assert len(batches) >= 1
    capsys.readouterr()
    for batch in batches:
        assert main(["verify", str(batch), "--trust", pem]) == 0
        assert capsys.readouterr().out.startswith("OK")
    hq = ["hq", "--db", str(tmp_path / "hq.sqlite")]
    assert main([*hq, "ingest", str(outbox), "--trust", pem]) == 0
    assert capsys.readouterr().out.count("loaded") == len(batches)
    assert main([*hq, "gaps"]) == 0
    assert "no gaps" in capsys.readouterr().out
    assert main(["--db", str(demo_file), "audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out
    assert main(["--db", str(demo_file), "samples", "--status", "exported", "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert main([*hq, "summary", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["samples"] == len(exported) > 0


def test_setup_refuses_a_code_that_cannot_name_a_batch_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text("admin-secret-1\n", encoding="utf-8")
    pw.chmod(0o600)
    args = ["--db", str(tmp_path / "lab.sqlite"), "setup", "--name", "中心", "--region", "340100"]
    args = ["--lang", "en", *args]
    assert main([*args, "--code", "AH 01", "--admin", "boss", "--password-file", str(pw)]) == 2
    assert "centre code 'AH 01'" in capsys.readouterr().err


def test_samples_json_lists_number_state_conclusion(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(demo_file), "samples", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert len(listing) == 40
    assert set(listing[0]) == {"sample_no", "state", "conclusion", "report_no"}
    assert main(["--db", str(demo_file), "samples", "--status", "approved", "--json"]) == 0
    approved = json.loads(capsys.readouterr().out)
    assert approved and {s["state"] for s in approved} == {"approved"}
    assert {s["conclusion"] for s in approved} <= {"pass", "fail", "not_judged"}


def test_samples_json_gives_the_report_number_once_approved(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report_no` is the number allocated at approval, as stored; null before approval."""
    assert main(["--db", str(demo_file), "samples", "--json"]) == 0
    listing = {s["sample_no"]: s for s in json.loads(capsys.readouterr().out)}
    raw = sqlite3.connect(f"{demo_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        stored = dict(raw.execute("SELECT sample_no, report_no FROM samples").fetchall())
    finally:
        raw.close()
    assert {no: s["report_no"] for no, s in listing.items()} == stored
    numbered = {s["state"] for s in listing.values() if s["report_no"] is not None}
    assert numbered and numbered <= {"approved", "exported"}
    for s in listing.values():
        if s["state"] in ("approved", "exported"):
            assert re.fullmatch(r"DEMO34-\d{4}-\d{6}", s["report_no"]), s
        elif s["state"] in ("draft", "registered", "received"):  # never approved yet
            assert s["report_no"] is None, s
    assert main(["--db", str(demo_file), "samples", "--status", "registered", "--json"]) == 0
    registered = json.loads(capsys.readouterr().out)
    assert registered and all(s["report_no"] is None for s in registered)


def test_samples_with_an_unknown_status_is_a_usage_error(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(demo_file), "samples", "--status", "lost"]) == 2
    assert "未知状态：lost" in capsys.readouterr().err  # Chinese by default (issue 21.8)
    assert main(["--lang", "en", "--db", str(demo_file), "samples", "--status", "lost"]) == 2
    assert "unknown state" in capsys.readouterr().err


def test_audit_verify_passes_then_names_the_broken_entry(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(demo_copy), "audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    raw = sqlite3.connect(demo_copy)
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.execute("DELETE FROM audit_log WHERE seq = 42")
    raw.commit()
    raw.close()
    assert main(["--db", str(demo_copy), "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "first broken entry: 42" in out
    assert main(["--db", str(demo_copy), "audit", "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["first_broken_seq"] == 42


def test_audit_verify_catches_an_edited_result(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = sqlite3.connect(demo_copy)
    raw.execute("UPDATE results SET text = '0.000' WHERE id = 3")
    raw.commit()
    raw.close()
    assert main(["--db", str(demo_copy), "audit", "verify"]) == 1
    assert "results #3.text" in capsys.readouterr().out


def test_backup_and_restore(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.sqlite"
    assert main(["--db", str(demo_copy), "backup", "--out", str(out)]) == 0
    assert main(["--db", str(demo_copy), "backup"]) == 0
    assert "backed up to" in capsys.readouterr().out
    raw = sqlite3.connect(demo_copy)
    raw.execute("UPDATE samples SET sample_name = 'forged' WHERE id = 1")
    raw.commit()
    raw.close()
    assert main(["--db", str(demo_copy), "audit", "verify"]) == 1
    assert main(["--db", str(demo_copy), "restore", str(out)]) == 0
    assert main(["--db", str(demo_copy), "audit", "verify"]) == 0


def test_writing_commands_are_refused_while_another_process_holds_the_file(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; from labdesk.store.db import open_database;"
            f"db = open_database(Path({str(demo_copy)!r}));"
            "print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert main(["--lang", "en", "--db", str(demo_copy), "backup"]) == 2
        err = capsys.readouterr().err
        assert f"process {holder.pid}" in err
        assert main(["--db", str(demo_copy), "restore", str(demo_copy)]) == 2
        # Read-only commands still work beside the writer.
        assert main(["--db", str(demo_copy), "samples", "--json"]) == 0
    finally:
        holder.kill()
        holder.wait()


def test_setup_then_users(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lab.sqlite"
    admin_pw = tmp_path / "admin.txt"
    admin_pw.write_text("admin-secret-1\n", encoding="utf-8")
    admin_pw.chmod(0o600)
    user_pw = tmp_path / "user.txt"
    user_pw.write_text("user-secret-1\n", encoding="utf-8")
    user_pw.chmod(0o600)
    args = ["--db", str(path), "setup", "--name", "某中心", "--code", "AH01", "--region", "340100"]
    assert main([*args, "--admin", "boss", "--password-file", str(admin_pw)]) == 0
    assert "SAMPLE standards library" in capsys.readouterr().out
    assert main([*args, "--admin", "boss", "--password-file", str(admin_pw)]) == 2
    add = ["--db", str(path), "users", "add", "li", "--role", "technician"]
    add += ["--password-file", str(user_pw), "--as", "boss"]
    assert main([*add, "--as-password-file", str(user_pw)]) == 2  # wrong admin password
    assert main([*add, "--as-password-file", str(admin_pw)]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "users", "list", "--json"]) == 0
    users = json.loads(capsys.readouterr().out)
    assert [(u["username"], u["role"]) for u in users] == [("boss", "admin"), ("li", "technician")]
    db = open_database(path)
    try:
        assert db.scalar("SELECT demo FROM centre") == 0
    finally:
        db.close()


def test_a_missing_database_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "--db", str(tmp_path / "none.sqlite"), "samples"]) == 2
    assert "no database" in capsys.readouterr().err
