"""Schema 2: the export-batch index and the report number, migrated from a version-1 file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from labdesk.reports.data import report_document
from labdesk.services import clocks, results, workflow
from labdesk.services.audit import verify_audit
from labdesk.services.samples import transition
from labdesk.store import db as db_module
from labdesk.store import schema
from labdesk.store.db import open_database
from labdesk.store.restore import check_backup
from labdesk.store.schema import LATEST_VERSION, MIGRATIONS
from tests.services.recordkit import build_template, export, open_world, sample_in_state


def _build_version_1(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """A lab at schema 1 with samples reviewed, approved (the old way) and exported."""
    monkeypatch.setattr(db_module, "MIGRATIONS", MIGRATIONS[:1])
    monkeypatch.setattr(db_module, "LATEST_VERSION", 1)
    # Schema-1 LabDesk stored no clocks (schema 5): its samples carry none.
    monkeypatch.setattr(clocks, "refresh_in", lambda *args, **kwargs: 0)
    monkeypatch.setattr(schema, "LIVE_ITEM_SQL", "1 = 1")  # no withdrawn items then
    # No write epoch then (schema 15): every result the general way.
    monkeypatch.setattr(results, "_enter_first", lambda *args, **kwargs: None)
    build_template(path)
    world = open_world(path)
    try:
        assert world.db.user_version == 1
        ids = {state: sample_in_state(world, "reviewed") for state in ("reviewed", "approved")}
        ids["exported"] = sample_in_state(world, "reviewed")
        with world.db.write(world.manager.actor) as w:  # approve as schema-1 LabDesk did
            for state in ("approved", "exported"):
                transition(w, ids[state], "reviewed", "approved", "approve")
        export(world, [ids["exported"]])
        assert verify_audit(world.db).ok
    finally:
        world.db.close()
    monkeypatch.undo()
    return ids


def test_a_version_1_database_is_backed_up_then_migrated_and_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert LATEST_VERSION >= 2
    path = tmp_path / "lab.sqlite"
    ids = _build_version_1(path, monkeypatch)
    world = open_world(path)
    try:
        db = world.db
        assert db.user_version == LATEST_VERSION
        backups = list((tmp_path / "backups").glob("lab-schema1-*.sqlite"))
        assert len(backups) == 1
        old = sqlite3.connect(backups[0])
        try:
            assert old.execute("PRAGMA user_version").fetchone()[0] == 1
            columns = [r[1] for r in old.execute("PRAGMA table_info(samples)")]
            assert "report_no" not in columns
        finally:
            old.close()
        assert check_backup(backups[0]).ok  # the backup is a good schema-1 file

        report = verify_audit(db)
        assert report.ok, report.problems
        indexes = {str(r["name"]) for r in db.query("PRAGMA index_list(samples)")}
        assert {"samples_export_batch", "samples_report_no"} <= indexes
        plan = " ".join(
            str(r[3])
            for r in db.query("EXPLAIN QUERY PLAN SELECT id FROM samples WHERE export_batch_id = 1")
        )
        assert "samples_export_batch" in plan
        assert db.scalar("SELECT count(*) FROM samples WHERE report_no IS NOT NULL") == 0

        # Old approvals keep printing the number they printed; new ones get a real one.
        sample_no = str(db.scalar("SELECT sample_no FROM samples WHERE id = ?", (ids["exported"],)))
        assert report_document(db, sample_no).report_no == f"TEST34-{sample_no}"
        number = workflow.approve(world.manager, ids["reviewed"])
        assert number.endswith("-000001")
        export(world, [ids["approved"]])
        report = verify_audit(db)
        assert report.ok, report.problems
        assert report.entries_checked == report.head_seq
    finally:
        world.db.close()
    # Reopening at the latest version neither migrates nor backs up again.
    with open_database(path) as db:
        assert db.user_version == LATEST_VERSION
    assert len(list((tmp_path / "backups").glob("lab-schema*.sqlite"))) == 1


def test_a_tampered_report_number_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "lab.sqlite"
    build_template(path)
    world = open_world(path)
    try:
        sample_id = sample_in_state(world, "approved")
        world.db.conn.execute(
            "UPDATE samples SET report_no = 'TEST34-2000-000009' WHERE id = ?", (sample_id,)
        )
        report = verify_audit(world.db)
        assert not report.ok
        assert f"samples #{sample_id}.report_no" in report.problem
    finally:
        world.db.close()
