"""The clocks migration: a schema-4 lab opens, is backed up, migrated, and still verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from labdesk.services import clocks, results, workflow
from labdesk.services.audit import verify_audit
from labdesk.store import db as db_module
from labdesk.store import schema
from labdesk.store.schema import AUDITED_TABLES, LATEST_VERSION, MIGRATIONS, audited_tables
from tests.services.recordkit import build_template, open_world, sample_in_state

CLOCK_TABLES = {"calendar_years", "calendar_days", "backup_samples", "reinspection_cases"}


def _clocks_version() -> int:
    """The version the clocks migration brings a database to (found by its name)."""
    names = [m.__name__ for m in MIGRATIONS]
    return names.index("_migrate_clocks") + 1


def test_the_clock_tables_are_audited_from_their_version() -> None:
    version = _clocks_version()
    assert set(AUDITED_TABLES) >= CLOCK_TABLES
    assert not CLOCK_TABLES & set(audited_tables(version - 1))
    assert set(audited_tables(version)) >= CLOCK_TABLES


def test_a_schema_4_lab_migrates_and_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = _clocks_version()
    path = tmp_path / "lab.sqlite"
    monkeypatch.setattr(db_module, "MIGRATIONS", MIGRATIONS[: version - 1])
    monkeypatch.setattr(db_module, "LATEST_VERSION", version - 1)
    monkeypatch.setattr(clocks, "refresh_in", lambda *args, **kwargs: 0)  # no clocks then
    monkeypatch.setattr(schema, "LIVE_ITEM_SQL", "1 = 1")  # no withdrawn items then
    # No write epoch then (schema 15): every result the general way.
    monkeypatch.setattr(results, "_enter_first", lambda *args, **kwargs: None)
    build_template(path)
    world = open_world(path)
    try:
        reviewed = sample_in_state(world, "reviewed")
        received = sample_in_state(world, "received")
        assert verify_audit(world.db).ok
    finally:
        world.db.close()
    monkeypatch.undo()

    world = open_world(path)
    try:
        db = world.db
        assert db.user_version == LATEST_VERSION
        assert list((tmp_path / "backups").glob(f"lab-schema{version - 1}-*.sqlite"))
        row = db.query_one("SELECT * FROM samples WHERE id = ?", (received,))
        assert row is not None and row["delivery_due"] is None and row["clock_missing_year"] is None
        report = verify_audit(db)
        assert report.ok, report.problems
        # Clocks stored before the official calendar are recomputed on request, audited.
        clocks.refresh_all(world.manager)
        workflow.approve(world.manager, reviewed)
        assert db.scalar("SELECT concluded_on FROM samples WHERE id = ?", (reviewed,))
        report = verify_audit(db)
        assert report.ok, report.problems
    finally:
        world.db.close()
