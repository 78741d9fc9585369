"""`labdesk store copy / info / grant` (issue 18.3 and 18.4): a centre moved from its file
to a server and back with the audit verifying on each target; the application's role
on PostgreSQL can append to the audit log but never change or delete it, and an edit
made behind the program by a superuser is still caught by `audit verify`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from labdesk.cli import main
from labdesk.services import queries, results, samples
from labdesk.store.audit import verify_audit
from labdesk.store.db import open_database
from tests.services.recordkit import open_world, sample_form
from tests.store.engines import fresh_schema


def _fill(target: Path | str, count: int = 3) -> None:
    world = open_world(target)
    try:
        for n in range(count):
            sample_id = samples.register_sample(world.tech, sample_form(sample_no=f"C-{n}"))
            samples.receive_sample(world.tech, sample_id)
            for row in queries.sample_items_with_results(world.db, sample_id):
                results.enter_result(world.tech, int(row["id"]), "0.010")
    finally:
        world.db.close()


def _counts(target: Path | str) -> dict[str, int]:
    with open_database(target) as db:
        return {
            t: int(db.scalar(f"SELECT count(*) FROM {t}"))
            for t in ("users", "samples", "results", "audit_log", "lib_items", "lib_limits")
        }


def test_a_centre_moves_to_the_server_and_back(
    tmp_path: Path, pg_url: str, record_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.services.recordkit import copy_database

    source = tmp_path / "lab.sqlite"
    copy_database(record_template, source)
    _fill(source)
    before = _counts(source)
    with fresh_schema(pg_url) as url:
        assert main(["store", "copy", "--from", str(source), "--to", url, "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["ok"] and out["audit"]["ok"]
        assert out["rows"]["samples"] == before["samples"]
        assert _counts(url) == before
        assert main(["--db", url, "store", "info", "--json"]) == 0
        info = json.loads(capsys.readouterr().out)
        assert info["engine"] == "postgresql" and info["samples"] == before["samples"]
        assert info["audit_head_seq"] == before["audit_log"]
        # A second copy into the now full target is refused, nothing written.
        assert main(["--lang", "en", "store", "copy", "--from", str(source), "--to", url]) == 2
        assert "not empty" in capsys.readouterr().err
        assert _counts(url) == before
        back = tmp_path / "back.sqlite"
        assert main(["store", "copy", "--from", url, "--to", str(back)]) == 0
        assert "audit trail intact on the target" in capsys.readouterr().out
    assert _counts(back) == before
    with open_database(back) as db:
        assert verify_audit(db).ok
        assert db.query("SELECT * FROM samples ORDER BY id") == _rows(source, "samples")


def _rows(path: Path, table: str) -> list[Any]:
    with open_database(path) as db:
        return db.query(f"SELECT * FROM {table} ORDER BY id")


def _as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.split("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


@pytest.fixture
def app_role(pg_url: str) -> str:
    role = f"app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
    return role


def test_the_application_role_cannot_rewrite_the_audit_log(
    pg_url: str, app_role: str, record_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.services.recordkit import build_template

    with fresh_schema(pg_url) as owner_url:
        build_template(owner_url)  # the owner creates the tables (migrations)
        assert main(["--db", owner_url, "store", "grant", app_role]) == 0
        capsys.readouterr()
        app_url = _as_role(owner_url, app_role)
        _fill(app_url, count=1)  # the app's role enters samples and results
        with psycopg.connect(app_url, autocommit=True) as app:
            for statement in (
                "UPDATE audit_log SET reason = 'x' WHERE seq = 1",
                "DELETE FROM audit_log WHERE seq = 1",
                "TRUNCATE audit_log",
                "DELETE FROM audit_head",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
        with open_database(app_url) as db:
            assert verify_audit(db).ok
        # A superuser can drop the triggers and edit; the chain still gives it away.
        with psycopg.connect(owner_url, autocommit=True) as superuser:
            superuser.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
            superuser.execute("UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 3")
            superuser.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
        assert main(["--db", app_url, "audit", "verify"]) == 1
        out = capsys.readouterr().out
        assert "BROKEN" in out and "entry: 3" in out


def test_grant_refuses_a_file_and_odd_role_names(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "x.sqlite"), "store", "grant", "app"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
    with fresh_schema(pg_url) as url:
        assert main(["--lang", "en", "--db", url, "store", "grant", "app; DROP TABLE users"]) == 2
        assert "role" in capsys.readouterr().err
        assert main(["--db", url, "store", "grant", "labdesk_app", "--print"]) == 0
        sql = capsys.readouterr().out
        assert "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM labdesk_app" in sql
