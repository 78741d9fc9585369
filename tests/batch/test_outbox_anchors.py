"""The heads signed into the centre's own batches anchor its audit chain (issue 21.4).

The attack: the database is swapped for a copy taken before the last export (a tail cut
that is wholly consistent: the chain, the head and every table agree), and the anchor
file and backups beside it are deleted. Inside the file it verifies intact; the outbox
still holds the batch that signed a longer chain.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from labdesk.batch.demo import build_demo
from labdesk.batch.outbox_anchors import outbox_anchors
from labdesk.cli import main
from labdesk.store.anchor import anchor_path
from labdesk.store.db import open_reader
from tests.cli.faults import demo_database


def verify(db: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--lang", "en", "--db", str(db), "audit", "verify", *extra])
    return code, out.getvalue()


def head_of(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT seq FROM audit_head").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def rolled_back(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """(database swapped for its older copy, its outbox, the head batch 2 signed)."""
    folder = tmp_path_factory.mktemp("outbox-anchors")
    db = demo_database(folder, samples=5)  # batch 1 in <db>-outbox
    older = folder / "older.sqlite"
    shutil.copyfile(db, older)  # checkpointed by demo_database: a whole copy
    build_demo(db, samples=3, seed=5)  # more samples, exported as batch 2
    outbox = folder / "lab-outbox"
    assert len(list(outbox.glob("*.labbatch"))) == 2
    with zipfile.ZipFile(outbox / "DEMO34-000002.labbatch") as batch:
        signed = int(json.loads(batch.read("manifest.json"))["audit_head"]["seq"])
    assert signed > head_of(older)
    shutil.copyfile(older, db)  # the rollback: everything after the copy is gone
    for side in (Path(f"{db}-wal"), Path(f"{db}-shm"), anchor_path(db)):
        side.unlink(missing_ok=True)
    shutil.rmtree(folder / "backups", ignore_errors=True)
    return db, outbox, signed


def test_the_rolled_back_file_alone_verifies_intact(rolled_back: tuple[Path, Path, int]) -> None:
    db, _outbox, signed = rolled_back
    from labdesk.services.audit import verify_audit

    reader = open_reader(db)
    try:
        assert verify_audit(reader).ok
    finally:
        reader.close()
    assert head_of(db) < signed


def test_the_outbox_batch_catches_the_cut(rolled_back: tuple[Path, Path, int]) -> None:
    db, _outbox, signed = rolled_back
    reader = open_reader(db)
    try:
        found = outbox_anchors(reader)
    finally:
        reader.close()
    assert [a.seq for a in found.anchors] == [signed]
    assert "DEMO34-000002.labbatch" in found.anchors[0].source
    assert found.anchors[0].at_utc.endswith("+00:00")
    code, out = verify(db)
    assert code == 1
    assert "truncated" in out and f"ends at entry {head_of(db)}" in out
    assert "DEMO34-000002.labbatch" in out


def test_json_names_the_batch_as_the_anchor(rolled_back: tuple[Path, Path, int]) -> None:
    db, _outbox, signed = rolled_back
    code, out = verify(db, "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert data["anchor"]["seq"] == signed and data["anchor"]["ok"] is False
    assert data["outbox_notes"] == []


def test_a_copy_of_the_outbox_named_with_outbox_counts_too(
    rolled_back: tuple[Path, Path, int], tmp_path: Path
) -> None:
    db, outbox, signed = rolled_back
    kept = tmp_path / "usb-stick"
    shutil.copytree(outbox, kept)
    reader = open_reader(db)
    try:
        found = outbox_anchors(reader, [kept, outbox])  # the recorded outbox read once
    finally:
        reader.close()
    assert [(a.seq, "usb-stick" in a.source) for a in found.anchors] == [
        (signed, False),
        (signed, True),
    ]
    code, _out = verify(db, "--outbox", str(kept))
    assert code == 1


def test_a_forged_batch_in_the_outbox_is_not_an_anchor_and_is_said(
    rolled_back: tuple[Path, Path, int], tmp_path: Path
) -> None:
    db, outbox, _signed = rolled_back
    forged = tmp_path / "forged"
    forged.mkdir()
    # Batch 2 with its manifest's head raised: the signature no longer verifies.
    source = outbox / "DEMO34-000002.labbatch"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(forged / source.name, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["audit_head"]["seq"] += 1000
                data = json.dumps(manifest).encode()
            new.writestr(info, data)
    reader = open_reader(db)
    try:
        found = outbox_anchors(reader, [forged])
    finally:
        reader.close()
    assert all("forged" not in a.source for a in found.anchors)
    assert any("forged" in note and "not used as an anchor" in note for note in found.notes)


def test_an_intact_database_holds_its_last_batch(tmp_path: Path) -> None:
    db = demo_database(tmp_path, samples=5)
    anchor_path(db).unlink()  # only the outbox left to anchor it
    code, out = verify(db)
    assert code == 0
    assert "DEMO34-000001.labbatch" in out


def test_on_postgresql_the_outbox_anchors_the_chain(
    rolled_back: tuple[Path, Path, int], pg_url: str
) -> None:
    """A server database has nothing beside it: before, only --anchor files bound it. The
    older copy moved to PostgreSQL still records its outbox, whose batch 2 signed more."""
    from tests.store.engines import fresh_schema

    db, _outbox, signed = rolled_back
    with fresh_schema(pg_url) as url:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["store", "copy", "--from", str(db), "--to", url]) == 0
        code, out = verify_url(url, "--json")
        data = json.loads(out)
        assert code == 1 and data["anchor"]["seq"] == signed
        assert "DEMO34-000002.labbatch" in data["anchor"]["source"]
        assert "truncated" in data["anchor"]["problem"]


def verify_url(url: str, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--lang", "en", "--db", url, "audit", "verify", *extra])
    return code, out.getvalue()
