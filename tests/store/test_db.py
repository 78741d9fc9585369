"""Opening the database: PRAGMAs, STRICT tables, the single-writer lock, migrations."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from labdesk.store import db as db_module
from labdesk.store.db import open_database, open_reader
from labdesk.store.errors import (
    DatabaseLocked,
    NotALabDeskDatabase,
    SchemaTooNew,
    StoreError,
    translate,
)
from labdesk.store.schema import APPLICATION_ID, AUDITED_TABLES, LATEST_VERSION, MIGRATIONS


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "lab.sqlite"


def test_pragmas_on_a_new_database(path: Path) -> None:
    with open_database(path) as db:
        assert db.scalar("PRAGMA journal_mode") == "wal"
        assert db.scalar("PRAGMA synchronous") == 2  # FULL
        assert db.scalar("PRAGMA foreign_keys") == 1
        assert db.scalar("PRAGMA busy_timeout") > 0
        assert db.scalar("PRAGMA application_id") == APPLICATION_ID
        assert db.user_version == LATEST_VERSION


def test_reader_connections_get_the_pragmas_too(path: Path) -> None:
    open_database(path).close()
    reader = open_reader(path)
    try:
        assert reader.scalar("PRAGMA foreign_keys") == 1
        assert reader.scalar("PRAGMA synchronous") == 2
        with pytest.raises(sqlite3.OperationalError):
            reader.conn.execute("INSERT INTO meta VALUES ('x', 'y')")
        with pytest.raises(StoreError):
            reader.set_meta("x", "y")
    finally:
        reader.close()


def test_every_table_is_strict(path: Path) -> None:
    with open_database(path) as db:
        rows = db.query("SELECT name, sql FROM sqlite_schema WHERE type = 'table'")
        assert {r["name"] for r in rows} >= set(AUDITED_TABLES) | {"audit_log", "audit_head"}
        for row in rows:
            assert row["sql"].rstrip().endswith("STRICT"), row["name"]


def test_strict_tables_refuse_the_wrong_type(path: Path) -> None:
    with open_database(path) as db, pytest.raises(sqlite3.IntegrityError):
        db.conn.execute(
            "INSERT INTO centre (id, name, code, region_code, demo, created_at) "
            "VALUES (1, 'n', 'c', '340100', 'yes', 't')"
        )


def test_second_open_in_the_same_process_is_refused(path: Path) -> None:
    first = open_database(path)
    try:
        with pytest.raises(DatabaseLocked) as caught:
            open_database(path)
        message = str(caught.value)
        assert str(path) in message
        assert str(os.getpid()) in message
    finally:
        first.close()
    open_database(path).close()  # released on close


def test_second_process_is_refused_with_the_holders_pid(path: Path) -> None:
    holder = open_database(path)
    try:
        script = textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            from labdesk.store.db import open_database
            from labdesk.store.errors import DatabaseLocked
            try:
                open_database(Path({str(path)!r}))
            except DatabaseLocked as exc:
                print(exc)
                sys.exit(3)
            sys.exit(0)
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 3, done.stderr
        assert str(os.getpid()) in done.stdout
        assert str(path) in done.stdout
    finally:
        holder.close()


def test_lock_is_released_when_the_holder_dies(path: Path) -> None:
    open_database(path).close()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from labdesk.store.db import open_database;"
            f"db = open_database(Path({str(path)!r})); print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseLocked):
            open_database(path)
    finally:
        child.kill()
        child.wait()
    open_database(path).close()


def test_a_newer_schema_is_refused(path: Path) -> None:
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer LabDesk"):
        open_database(path)
    with pytest.raises(SchemaTooNew):
        open_reader(path)


def test_a_foreign_sqlite_file_is_refused(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotALabDeskDatabase, match="not a LabDesk database"):
        open_database(path)


def test_a_file_that_is_not_a_database_is_a_user_error(path: Path) -> None:
    path.write_bytes(b"this is a spreadsheet, honestly" * 200)
    with pytest.raises(StoreError, match="not a LabDesk database"):
        open_database(path)


def test_missing_file_without_create(path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        open_database(path, create=False)
    assert not path.exists()


def _with_extra_migration(monkeypatch: pytest.MonkeyPatch, migration: object) -> None:
    migrations = [*MIGRATIONS, migration]
    monkeypatch.setattr(db_module, "MIGRATIONS", migrations)
    monkeypatch.setattr(db_module, "LATEST_VERSION", len(migrations))


def test_an_older_schema_is_backed_up_then_migrated(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_database(path) as db, db.transaction() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('marker', 'v1')")

    def add_table(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT")

    _with_extra_migration(monkeypatch, add_table)
    with open_database(path) as db:
        assert db.user_version == LATEST_VERSION + 1
        assert db.scalar("SELECT count(*) FROM extra") == 0
    backups = list((path.parent / "backups").glob(f"lab-schema{LATEST_VERSION}-*.sqlite"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert old.execute("SELECT value FROM meta WHERE key = 'marker'").fetchone()[0] == "v1"
    old.close()


def test_a_failing_migration_changes_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (id INTEGER PRIMARY KEY) STRICT")
        raise RuntimeError("migration bug")

    _with_extra_migration(monkeypatch, broken)
    with pytest.raises(RuntimeError):
        open_database(path)
    monkeypatch.undo()
    with open_database(path) as db:  # lock released, schema untouched
        assert db.user_version == LATEST_VERSION
        assert db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'half'") == 0


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database or disk is full", "disk is full"),
        ("attempt to write a readonly database", "read-only"),
        ("database disk image is malformed", "damaged"),
        ("file is not a database", "not a LabDesk database"),
    ],
)
def test_sqlite_errors_users_can_fix_become_plain_messages(message: str, expected: str) -> None:
    translated = translate(sqlite3.OperationalError(message), "x.sqlite")
    assert isinstance(translated, StoreError)
    assert expected in str(translated)
    assert "x.sqlite" in str(translated)


def test_other_sqlite_errors_stay_bugs() -> None:
    original = sqlite3.OperationalError("no such column: frobnicate")
    assert translate(original) is original


def test_transactions_roll_back_on_error(path: Path) -> None:
    with open_database(path) as db:
        with pytest.raises(ValueError), db.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
            raise ValueError("abort")
        assert db.get_meta("a") is None
        db.set_meta("a", "c")
        assert db.get_meta("a") == "c"


def test_nested_transactions_are_a_bug(path: Path) -> None:
    with (
        open_database(path) as db,
        db.transaction(),
        pytest.raises(RuntimeError, match="nested"),
        db.transaction(),
    ):
        pass
