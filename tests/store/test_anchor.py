"""The audit chain anchored outside the file (issue 21.4): a truncated tail with a rewound
`audit_head` verifies intact inside the file, but not against its anchors."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from labdesk.cli import main
from labdesk.store.anchor import anchor_path, check_against_anchors, manifest_path
from labdesk.store.backup import backup_to, list_backups
from labdesk.store.db import open_database, open_reader
from labdesk.store.restore import restore
from tests.cli.faults import demo_database


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory.mktemp("anchor-demo"), samples=5)


VICTIM = "victim"


@pytest.fixture
def db(demo: Path, tmp_path: Path) -> Path:
    """A demo database whose last audited write added a user (the tail the attack cuts)."""
    from labdesk.services import auth

    path = tmp_path / "lab.sqlite"
    shutil.copy(demo, path)
    writer = open_database(path)
    try:
        admin = auth.sign_in(writer, "admin", "admin-demo")
        auth.add_user(admin, VICTIM, "被删除的用户", "technician", "victim-password-1")
    finally:
        writer.close()  # closing the writer writes the anchor
    return path


def cut_tail(path: Path, _entries: int = 0) -> int:
    """The attack of issue 21.4: drop the triggers, delete the last entries and the row
    they recorded, rewind `audit_head` to the new last entry. Returns the new head."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DROP TRIGGER audit_head_forward_only")
    user_id = conn.execute("SELECT id FROM users WHERE username = ?", (VICTIM,)).fetchone()[0]
    first = conn.execute(
        "SELECT min(seq) FROM audit_log WHERE table_name = 'users' AND record_id = ?", (user_id,)
    ).fetchone()[0]
    keep = first - 1
    conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
    conn.execute("DELETE FROM audit_log WHERE seq > ?", (keep,))
    head = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (keep,)).fetchone()[0]
    conn.execute("UPDATE audit_head SET seq = ?, hash = ?", (keep, head))
    conn.commit()
    conn.close()
    return int(keep)


def verify(path: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--db", str(path), "audit", "verify", *extra])
    return code, out.getvalue()


def test_closing_the_database_writes_the_anchor(db: Path) -> None:
    anchor = json.loads(anchor_path(db).read_text(encoding="utf-8"))
    reader = open_reader(db)
    try:
        head = reader.query_one("SELECT seq, hash FROM audit_head")
    finally:
        reader.close()
    assert head is not None
    assert (anchor["seq"], anchor["hash"]) == (head["seq"], head["hash"])
    assert anchor["format"] == "labdesk-anchor/1"


def test_a_cut_tail_is_caught_by_the_anchor_beside_the_file(db: Path) -> None:
    code, out = verify(db)
    assert code == 0 and "holds entry" in out
    before = json.loads(anchor_path(db).read_text(encoding="utf-8"))["seq"]
    keep = cut_tail(db, 5)
    # Inside the file alone it still looks whole: the chain and the head agree.
    reader = open_reader(db)
    try:
        from labdesk.services.audit import verify_audit

        assert verify_audit(reader).ok
        check = check_against_anchors(reader)
    finally:
        reader.close()
    assert not check.ok
    code, out = verify(db)
    assert code == 1
    assert "truncated" in out and f"ends at entry {keep}" in out and f"entry {before}" in out


def test_a_backup_manifest_anchors_the_chain_even_without_the_anchor_file(
    db: Path, tmp_path: Path
) -> None:
    writer = open_database(db)
    try:
        copy = backup_to(writer, db.parent / "backups" / "lab-auto-1.sqlite")
    finally:
        writer.close()
    manifest = json.loads(manifest_path(copy).read_text(encoding="utf-8"))
    assert manifest["seq"] > 0 and len(manifest["sha256"]) == 64
    anchor_path(db).unlink()  # the attacker deletes the anchor beside the file too
    cut_tail(db, 3)
    code, out = verify(db)
    assert code == 1 and "manifest of backup" in out


def test_an_anchor_kept_elsewhere_is_named_on_the_command_line(db: Path, tmp_path: Path) -> None:
    kept = tmp_path / "usb" / "lab.anchor"
    kept.parent.mkdir()
    shutil.copy(anchor_path(db), kept)
    anchor_path(db).unlink()
    cut_tail(db, 2)
    assert verify(db)[0] == 0  # nothing beside it any more: the file alone looks whole
    code, out = verify(db, "--anchor", str(kept))
    assert code == 1 and "truncated" in out


def test_a_rewritten_entry_below_the_anchor_is_caught(db: Path) -> None:
    seq = json.loads(anchor_path(db).read_text(encoding="utf-8"))["seq"]
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET hash = ? WHERE seq = ?", ("f" * 64, seq))
    conn.commit()
    conn.close()
    code, _out = verify(db)
    assert code == 1


def test_a_restore_rewinds_on_purpose_and_verifies(db: Path) -> None:
    writer = open_database(db)
    try:
        old = backup_to(writer, db.parent / "backups" / "lab-auto-old.sqlite")
        writer.set_meta("probe", "later work")
    finally:
        writer.close()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", str(db), "backup"]) == 0  # a later, longer backup
    assert list_backups(db)
    restore(db, old)
    code, out = verify(db)
    assert code == 0, out


def test_the_audit_screens_check_compares_with_the_anchors_too(db: Path) -> None:
    from labdesk.ui.audit_screen import verify_file

    assert verify_file(db).ok
    cut_tail(db)
    report = verify_file(db)
    assert not report.ok and "truncated" in report.problem
