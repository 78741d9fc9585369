"""A damaged file is refused on open; a read-only medium is read; a failed backup leaves
nothing (issue 21.6 and 21.8)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from labdesk.store import health
from labdesk.store.backup import backup_to
from labdesk.store.db import open_database, open_reader
from labdesk.store.errors import StoreError
from tests.cli.faults import damage, read_only_folder
from tests.services.recordkit import World


def _copy(world: World, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = backup_to(world.db, folder / "lab.sqlite")
    return out


def test_a_damaged_file_is_refused_by_readers_and_writers(world: World, tmp_path: Path) -> None:
    path = _copy(world, tmp_path / "d")
    assert path.stat().st_size <= health.QUICK_CHECK_MAX_BYTES
    damage(path)
    with pytest.raises(StoreError, match="damaged"):
        open_reader(path)
    with pytest.raises(StoreError, match="damaged"):
        open_database(path, create=False)


def test_a_whole_file_opens_and_is_checked_once(world: World, tmp_path: Path) -> None:
    path = _copy(world, tmp_path / "w")
    open_reader(path).close()
    state = health._state(path)
    assert state in health._checked
    open_reader(path).close()


def test_a_check_started_ahead_is_the_open_s_check(world: World, tmp_path: Path) -> None:
    path = _copy(world, tmp_path / "a")
    conn = sqlite3.connect(path)  # as the app leaves it: opening changes nothing then
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    thread = health.check_ahead(path)
    assert thread is not None
    assert health.check_ahead(path) is None  # one check per file state
    db = open_database(path, create=False)  # waits for it, does not check again
    try:
        assert not thread.is_alive()
        assert health._state(path) in health._checked
    finally:
        db.close()


def test_a_damage_found_ahead_is_still_refused_plainly(world: World, tmp_path: Path) -> None:
    path = _copy(world, tmp_path / "b")
    damage(path)
    thread = health.check_ahead(path)
    assert thread is not None
    thread.join()
    assert health._state(path) not in health._checked  # only a pass is recorded
    with pytest.raises(StoreError, match="damaged"):
        open_database(path, create=False)


def test_a_read_only_medium_is_read_and_not_written(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "medium"
    path = _copy(world, folder)
    # As the app leaves it: WAL mode, no -wal/-shm beside it once closed.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    with read_only_folder(folder) as mounted:
        reader = open_reader(mounted / "lab.sqlite")
        try:
            assert reader.scalar("SELECT count(*) FROM users") >= 1
        finally:
            reader.close()
        with pytest.raises(StoreError, match="cannot save changes"):
            open_database(mounted / "lab.sqlite", create=False)
        with pytest.raises(StoreError, match=r"read-only|cannot be written"):
            backup_to(world.db, mounted / "copy.sqlite")
        assert not (mounted / "copy.sqlite").exists()


def _small_disk(tmp_path: Path, size_kb: int) -> Path | None:
    if os.name != "posix" or os.geteuid() != 0:
        return None
    target = tmp_path / "small-disk"
    target.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(target)],
        capture_output=True,
    )
    return target if done.returncode == 0 else None


def test_a_backup_that_fills_the_disk_leaves_no_file(world: World, tmp_path: Path) -> None:
    disk = _small_disk(tmp_path, 64)
    if disk is None:
        pytest.skip("needs root to mount a small tmpfs (the simulated case below runs anyway)")
    try:
        with pytest.raises(StoreError, match="disk is full"):
            backup_to(world.db, disk / "b.sqlite")
        assert sorted(p.name for p in disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_failed_backup_removes_its_journal(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a full disk does half-way, made to happen anywhere: SQLite has written part of
    the copy and its rollback journal when the write fails."""
    real_connect = sqlite3.connect

    class FailingTarget:
        def __init__(self, name: str) -> None:
            self.conn = real_connect(name)
            self.name = name

        def execute(self, sql: str) -> sqlite3.Cursor:
            return self.conn.execute(sql)

        def close(self) -> None:
            self.conn.close()

    def connect(name: str, *a: object, **k: object) -> object:
        target = FailingTarget(name)
        Path(name + "-journal").write_bytes(b"x" * 512)
        return target

    class Conn:
        def backup(self, target: FailingTarget) -> None:
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("labdesk.store.backup.sqlite3.connect", connect)
    monkeypatch.setattr(world.db, "conn", Conn())
    out = tmp_path / "copies" / "b.sqlite"
    with pytest.raises(StoreError, match="disk is full"):
        backup_to(world.db, out)
    assert sorted(p.name for p in out.parent.iterdir()) == []
    shutil.rmtree(out.parent)
