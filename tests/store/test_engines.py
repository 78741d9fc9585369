"""One store, two engines (issue 18): the same schema on SQLite and PostgreSQL, a server
URL never taken as a file, many writers appending one audit chain, and `audit verify`
beside a writer reading one snapshot (issue 21.3)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from labdesk.cli import main
from labdesk.store.audit import verify_audit
from labdesk.store.db import open_database, open_reader
from labdesk.store.engine import ServerUrl, target_of
from labdesk.store.errors import NotALabDeskDatabase, SchemaTooNew, StoreError
from labdesk.store.schema import AUDITED_TABLES, LATEST_VERSION
from tests.store.engines import fresh_schema

ROOT = Path(__file__).resolve().parents[2]


def test_a_server_url_is_never_taken_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    unreachable = "postgresql://labdesk@127.0.0.1:1/centre"
    assert main(["--db", unreachable, "samples"]) == 2
    assert "cannot be reached" in capsys.readouterr().err
    assert main(["--lang", "en", "--db", unreachable, "restore", "copy.sqlite"]) == 2
    assert "database file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no "postgresql:" folder, nothing at all


def test_a_password_in_the_url_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for url in (
        "postgresql://labdesk:secret@127.0.0.1:1/centre",
        "postgresql://labdesk@127.0.0.1:1/centre?password=secret",
    ):
        assert main(["--db", url, "samples"]) == 2
        err = capsys.readouterr().err
        assert ".pgpass" in err and "PGPASSWORD" in err and "secret" not in err
    assert list(tmp_path.iterdir()) == []


def test_keyword_connection_strings_and_urls_without_a_database_are_refused() -> None:
    with pytest.raises(StoreError, match="postgresql://"):
        target_of("host=/tmp dbname=centre")
    with pytest.raises(StoreError, match="no database"):
        target_of("postgresql://labdesk@server")
    assert target_of("lab.sqlite") == Path("lab.sqlite")
    assert isinstance(target_of("postgres://labdesk@server/centre"), ServerUrl)
    assert target_of("postgresql://labdesk@server/centre").name == "centre"


def _columns_sqlite(path: Path) -> dict[str, list[str]]:
    with open_database(path) as db:
        tables = [
            str(r[0])
            for r in db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        ]
        return {t: [str(r[1]) for r in db.query(f"PRAGMA table_info({t})")] for t in tables}


def _columns_server(url: str) -> dict[str, list[str]]:
    with open_database(url) as db:
        rows = db.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name <> 'labdesk_schema' "
            "ORDER BY table_name, ordinal_position"
        )
        out: dict[str, list[str]] = {}
        for row in rows:
            out.setdefault(str(row[0]), []).append(str(row[1]))
        return out


def test_the_same_tables_and_columns_on_both_engines(tmp_path: Path, pg_url: str) -> None:
    on_file = _columns_sqlite(tmp_path / "lab.sqlite")
    with fresh_schema(pg_url) as url:
        on_server = _columns_server(url)
        with open_database(url) as db:
            assert db.user_version == LATEST_VERSION
            triggers = {
                str(r[0])
                for r in db.query(
                    "SELECT trigger_name FROM information_schema.triggers "
                    "WHERE trigger_schema = current_schema()"
                )
            }
    assert on_server == on_file
    assert set(AUDITED_TABLES) <= set(on_server)
    assert triggers >= {
        "audit_log_no_update",
        "audit_log_no_delete",
        "audit_head_no_delete",
        "audit_head_forward_only",
    }


def test_a_newer_or_foreign_server_database_is_refused(pg_url: str) -> None:
    with fresh_schema(pg_url) as url:
        open_database(url).close()
        with psycopg.connect(url, autocommit=True) as raw:
            raw.execute(f"UPDATE labdesk_schema SET version = {LATEST_VERSION + 1}")
        with pytest.raises(SchemaTooNew, match="newer LabDesk"):
            open_database(url)
        with pytest.raises(SchemaTooNew):
            open_reader(url)
    with fresh_schema(pg_url) as url:
        with psycopg.connect(url, autocommit=True) as raw:
            raw.execute("CREATE TABLE invoices (id bigint PRIMARY KEY)")
        with pytest.raises(NotALabDeskDatabase):
            open_database(url)
    with fresh_schema(pg_url) as url, pytest.raises(NotALabDeskDatabase):
        open_reader(url)  # an empty database is not opened read-only as if it were one


def test_usernames_stay_case_insensitive_on_the_server(pg_url: str) -> None:
    from labdesk.services import auth

    with fresh_schema(pg_url) as url, open_database(url) as db:
        auth.setup_centre(
            db,
            name="测试中心",
            code="T1",
            region_code="340100",
            admin_username="Admin",
            admin_password="correct-horse-1",
        )
        assert auth.sign_in(db, "admin", "correct-horse-1").actor.username == "Admin"
        with pytest.raises(db.engine.integrity_errors):
            db.conn.execute(
                "INSERT INTO users (id, username, display_name, role, password_hash, created_at)"
                " VALUES (99, 'ADMIN', 'x', 'admin', 'x', 't')"
            )


def _writers(
    target: str, seeds: range, module: str = "tests.store.kill_child"
) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [
        subprocess.Popen(
            [sys.executable, "-m", module, target, str(seed)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in seeds
    ]


def _wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.strip() == "READY", child.stderr.read() if child.stderr else line


def _stop(children: list[subprocess.Popen[str]]) -> list[list[str]]:
    """Kills the writers; returns each one's acknowledged lines."""
    out: list[list[str]] = []
    for child in children:
        child.kill()
        stdout, _ = child.communicate(timeout=30)
        out.append(stdout.splitlines())
    return out


def test_verify_beside_a_writer_reads_one_snapshot(world_target: Path | str) -> None:
    """Issue 21.3: while another process commits sample after sample, every verification
    reports the chain intact up to its own snapshot's head: never a false alarm."""
    target = str(world_target)
    [writer] = _writers(target, range(1, 2))
    try:
        _wait_ready(writer)
        heads: list[int] = []
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline or len(heads) < 3:
            reader = open_reader(target)
            try:
                report = verify_audit(reader)
            finally:
                reader.close()
            assert report.ok, report.problem
            heads.append(report.head_seq)
        assert writer.poll() is None, "the writer stopped while we verified"
    finally:
        _stop([writer])
    assert heads == sorted(heads) and heads[-1] > heads[0], heads
    with open_database(target) as db:
        assert verify_audit(db).ok


def test_two_workstations_on_one_server_append_one_chain(world_target: Path | str) -> None:
    """Issue 18's "done when": workstations in separate processes enter, review and
    approve at once on one server; every acknowledged change is there and the audit
    verifies. (A SQLite file refuses a second writer process: store/lock.py.)"""
    target = str(world_target)
    if isinstance(world_target, Path):
        pytest.skip("a SQLite file has one writer process (store/lock.py)")
    # Two entering workstations, and the reviewer's and manager's one beside them.
    children = _writers(target, range(1, 3)) + _writers(
        target, range(1), "tests.store.review_child"
    )
    for child in children:
        _wait_ready(child)
    time.sleep(8)
    acknowledged = _stop(children)
    approved = [line.split() for line in acknowledged[-1] if line.startswith("APPROVED")]
    assert approved, acknowledged[-1][-5:]
    numbers = [fields[2] for fields in approved]
    assert len(set(numbers)) == len(numbers)  # report numbers never shared
    with open_database(target) as db:
        report = verify_audit(db)
        assert report.ok, report.problem
        for lines in acknowledged:
            for line in lines:
                kind, *rest = line.split()
                if kind == "SAMPLE":
                    assert db.scalar("SELECT count(*) FROM samples WHERE id = ?", (int(rest[0]),))
                elif kind == "RESULT":
                    row = db.query_one(
                        "SELECT sample_item_id, text FROM results WHERE id = ?", (int(rest[0]),)
                    )
                    assert row is not None and (row[0], row[1]) == (int(rest[1]), rest[2])
        for _, sample_id, number in approved:
            row = db.query_one(
                "SELECT state, report_no FROM samples WHERE id = ?", (int(sample_id),)
            )
            assert row is not None and row[0] in ("approved", "exported") and row[1] == number
        seqs = [int(r[0]) for r in db.query("SELECT seq FROM audit_log ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
    entering = acknowledged[:-1]
    assert all(any(line.startswith("RESULT") for line in lines) for lines in entering)


def test_killed_server_backends_lose_no_acknowledged_entry(world_target: Path | str) -> None:
    """The server ends the writer's session again and again (pg_terminate_backend, as a
    crash or a restart would): each change in flight fails plainly and is not half
    written, the store reconnects, and every change it acknowledged is there after."""
    if isinstance(world_target, Path):
        pytest.skip("a file has no server backend (test_kill kills the process instead)")
    target = str(world_target)
    dbname = target_of(target).name
    [writer] = _writers(target, range(7, 8))
    killed = 0
    try:
        _wait_ready(writer)
        with psycopg.connect(target, autocommit=True) as admin:
            # At least 10 s and three kills; a loaded machine may need longer to reconnect
            # and commit between two kills (bounded, so a writer that hangs still fails).
            start = time.monotonic()
            while time.monotonic() - start < 10 or (killed < 3 and time.monotonic() - start < 45):
                time.sleep(1.0)  # room to reconnect and commit between two kills
                row = admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND application_name = 'labdesk' "
                    "AND pid <> pg_backend_pid()",
                    (dbname,),
                ).fetchone()
                killed += int(row[0]) if row else 0
            assert writer.poll() is None, "the writer died instead of reconnecting"
    finally:
        [lines] = _stop([writer])
    lost = [line for line in lines if line.startswith("LOST")]
    assert killed >= 3 and lost, (killed, lines[-5:])
    assert all("connection" in line for line in lost), lost[:3]
    acknowledged = [line.split() for line in lines if line.startswith(("SAMPLE", "RESULT"))]
    after_first_loss = lines[lines.index(lost[0]) :]
    assert any(line.startswith("RESULT") for line in after_first_loss)
    with open_database(target) as db:
        report = verify_audit(db)
        assert report.ok, report.problem
        for kind, *rest in acknowledged:
            if kind == "SAMPLE":
                assert db.scalar("SELECT count(*) FROM samples WHERE id = ?", (int(rest[0]),))
            else:
                stored = db.query_one(
                    "SELECT sample_item_id, text FROM results WHERE id = ?", (int(rest[0]),)
                )
                assert stored is not None and (stored[0], stored[1]) == (int(rest[1]), rest[2])


def test_a_nul_character_is_looked_up_as_absent_and_refused_in_a_write(pg_url: str) -> None:
    """PostgreSQL text cannot hold NUL (a scanned code may carry one): a lookup finds
    nothing, a write says why, and nothing is written."""
    with fresh_schema(pg_url) as url, open_database(url) as db:
        assert db.query("SELECT * FROM users WHERE username = ?", ("ad\x00min",)) == []
        with pytest.raises(StoreError, match="NUL"):
            db.set_meta("note", "a\x00b")
        assert db.get_meta("note") is None
