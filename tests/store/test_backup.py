"""Backups through the online backup API, rotation, verified restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from labdesk.services import queries, results
from labdesk.services.audit import verify_audit
from labdesk.store.backup import auto_backup, backup_to, list_backups
from labdesk.store.db import open_database
from labdesk.store.errors import DatabaseLocked, StoreError
from labdesk.store.restore import check_backup, restore
from tests.services.recordkit import World, item_ids, sample_in_state


def test_a_backup_is_a_complete_verified_copy(world: World, tmp_path: Path) -> None:
    sample_id = sample_in_state(world, "submitted")
    out = backup_to(world.db, tmp_path / "copies" / "b.sqlite")
    report = check_backup(out)
    assert report.ok
    assert report.head_seq == world.db.scalar("SELECT seq FROM audit_head")
    copy = sqlite3.connect(out)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert (
        copy.execute("SELECT state FROM samples WHERE id = ?", (sample_id,)).fetchone()[0]
        == "submitted"
    )
    copy.close()
    with pytest.raises(StoreError, match="already exists"):
        backup_to(world.db, out)


def test_automatic_backups_rotate_and_wait_a_day(world: World) -> None:
    first = auto_backup(world.db)
    assert first is not None and first.exists()
    assert auto_backup(world.db) is None  # one a day unless forced
    made = [auto_backup(world.db, keep=3, force=True) for _ in range(4)]
    kept = list_backups(world.db.path)
    assert len(kept) == 3
    assert kept == sorted(p for p in made if p is not None)[-3:]
    assert first not in kept


def test_restore_brings_back_the_backed_up_state(world: World, tmp_path: Path) -> None:
    sample_id = sample_in_state(world, "submitted")
    saved = backup_to(world.db, tmp_path / "before.sqlite")
    item_id = item_ids(world, sample_id)[0]
    results.enter_result(world.tech, item_id, "0.009", reason="after the backup")
    path = world.db.path
    with pytest.raises(DatabaseLocked):
        restore(path, saved)  # the database is still open here
    world.db.close()
    kept = restore(path, saved)
    assert kept is not None and kept.exists()
    db = open_database(path)
    try:
        assert verify_audit(db).ok
        current = queries.sample_items_with_results(db, sample_id)[0]["current"]
        assert current["text"] == "0.001"
    finally:
        db.close()
    replaced = open_database(kept)  # the replaced file still holds the later change
    try:
        assert (
            queries.sample_items_with_results(replaced, sample_id)[0]["current"]["text"] == "0.009"
        )
    finally:
        replaced.close()


def test_restore_refuses_a_tampered_or_damaged_backup(world: World, tmp_path: Path) -> None:
    sample_in_state(world, "testing")
    saved = backup_to(world.db, tmp_path / "b.sqlite")
    raw = sqlite3.connect(saved)
    raw.execute("UPDATE samples SET sample_name = 'forged'")
    raw.commit()
    raw.close()
    path = world.db.path
    world.db.close()
    with pytest.raises(StoreError, match="fails audit verification"):
        restore(path, saved)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError):
        restore(path, junk)
    with pytest.raises(StoreError, match="no backup"):
        restore(path, tmp_path / "missing.sqlite")
    db = open_database(path)  # untouched
    try:
        assert verify_audit(db).ok
    finally:
        db.close()
