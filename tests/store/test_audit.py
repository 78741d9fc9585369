"""The audited write primitive and the hash chain (no services involved)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from labdesk.store.audit import GENESIS_HASH, SYSTEM, Actor, entry_hash, verify_audit
from labdesk.store.db import Database, open_database

ACTOR = Actor(7, "tester", "admin")


@pytest.fixture
def db(engine_target: Path | str) -> Iterator[Database]:
    database = open_database(engine_target)
    yield database
    database.close()


def _centre(db: Database) -> None:
    with db.write(SYSTEM) as w:
        w.insert(
            "centre",
            {"id": 1, "name": "中心", "code": "C1", "region_code": "340100", "created_at": "t"},
        )


def _entries(db: Database) -> list[sqlite3.Row]:
    return db.query("SELECT * FROM audit_log ORDER BY seq")


def test_insert_logs_the_whole_row_with_defaults(db: Database) -> None:
    _centre(db)
    [entry] = _entries(db)
    assert entry["action"] == "insert"
    assert entry["field"] is None
    assert entry["table_name"] == "centre"
    assert entry["record_id"] == 1
    row = json.loads(entry["new_value"])
    assert row == {
        "id": 1,
        "name": "中心",
        "code": "C1",
        "region_code": "340100",
        "outbox_dir": "",
        "demo": 0,
        "created_at": "t",
    }
    assert entry["username"] == "system"
    assert entry["at_utc"].endswith("Z")
    assert entry["at_offset"][0] in "+-" and entry["at_offset"][3] == ":"


def test_update_logs_each_changed_field_old_and_new(db: Database) -> None:
    _centre(db)
    with db.write(ACTOR) as w:
        old = w.update(
            "centre", 1, {"name": "新中心", "code": "C1", "outbox_dir": "/out"}, reason="renamed"
        )
    assert old == {"name": "中心", "outbox_dir": ""}
    changes = _entries(db)[1:]
    assert [
        (e["field"], json.loads(e["old_value"]), json.loads(e["new_value"])) for e in changes
    ] == [
        ("name", "中心", "新中心"),
        ("outbox_dir", "", "/out"),
    ]
    assert {e["reason"] for e in changes} == {"renamed"}
    assert {e["user_id"] for e in changes} == {7}
    assert db.scalar("SELECT name FROM centre") == "新中心"


def test_an_update_that_changes_nothing_logs_nothing(db: Database) -> None:
    _centre(db)
    with db.write(ACTOR) as w:
        assert w.update("centre", 1, {"name": "中心"}) == {}
    assert len(_entries(db)) == 1


def test_the_chain_links_and_hashes(db: Database) -> None:
    _centre(db)
    with db.write(ACTOR) as w:
        w.update("centre", 1, {"name": "x"})
        w.update("centre", 1, {"name": "y"}, reason="again")
    entries = _entries(db)
    assert [e["seq"] for e in entries] == [1, 2, 3]
    previous = GENESIS_HASH
    for e in entries:
        assert e["prev_hash"] == previous
        assert e["hash"] == entry_hash(*tuple(e)[:13])
        previous = e["hash"]
    head = db.query_one("SELECT seq, hash FROM audit_head")
    assert head is not None
    assert (head["seq"], head["hash"]) == (3, previous)


def test_a_failed_transaction_writes_neither_rows_nor_entries(db: Database) -> None:
    _centre(db)
    with pytest.raises(RuntimeError), db.write(ACTOR) as w:
        w.update("centre", 1, {"name": "changed"})
        raise RuntimeError("crash before commit")
    assert db.scalar("SELECT name FROM centre") == "中心"
    assert len(_entries(db)) == 1
    assert db.scalar("SELECT seq FROM audit_head") == 1
    assert verify_audit(db).ok


def test_bad_values_and_tables_are_bugs(db: Database) -> None:
    _centre(db)
    with pytest.raises(TypeError, match="float"), db.write(ACTOR) as w:
        w.update("centre", 1, {"name": 1.5})
    with pytest.raises(ValueError, match="not an audited table"), db.write(ACTOR) as w:
        w.insert("meta", {"key": "k", "value": "v"})
    with pytest.raises(ValueError, match="no column"), db.write(ACTOR) as w:
        w.insert("enterprises", {"nonsense": 1})
    with pytest.raises(ValueError, match="required"), db.write(ACTOR) as w:
        w.insert("enterprises", {"uscc": "X"})
    with pytest.raises(LookupError), db.write(ACTOR) as w:
        w.update("centre", 99, {"name": "n"})
    assert verify_audit(db).ok


def test_decimals_are_stored_as_their_text(db: Database) -> None:
    with db.write(ACTOR) as w:
        w.insert(
            "enterprises",
            {"uscc": "U", "name": "n", "region_code": Decimal("340100"), "created_at": "t"},
        )
    assert db.scalar("SELECT region_code FROM enterprises") == "340100"


def test_blobs_are_logged_by_digest(db: Database) -> None:
    with db.write(ACTOR) as w:
        w.insert(
            "signing_keys",
            {
                "algorithm": "sm2",
                "public_pem": "PEM",
                "private_blob": b"\x00secret",
                "fingerprint": "f",
                "created_at": "t",
            },
        )
    [entry] = _entries(db)
    logged = json.loads(entry["new_value"])["private_blob"]
    assert logged == {"$sha256": hashlib.sha256(b"\x00secret").hexdigest()}
    assert b"secret" not in entry["new_value"].encode()
    assert verify_audit(db).ok
    db.conn.execute("UPDATE signing_keys SET private_blob = ?", (b"\x00",))
    assert not verify_audit(db).ok


def test_triggers_refuse_update_and_delete_of_the_log(db: Database) -> None:
    _centre(db)
    refused = db.engine.integrity_errors
    with pytest.raises(refused, match="append-only"):
        db.conn.execute("UPDATE audit_log SET reason = 'x'")
    with pytest.raises(refused, match="append-only"):
        db.conn.execute("DELETE FROM audit_log")
    with pytest.raises(refused):
        db.conn.execute("DELETE FROM audit_head")
    with pytest.raises(refused, match="forward"):
        db.conn.execute("UPDATE audit_head SET seq = 0")


def test_a_refused_write_is_one_error_type_on_both_engines(db: Database) -> None:
    """A UNIQUE key refusing a write reads the same on SQLite and PostgreSQL, and the
    transaction is rolled back whole: neither the row nor its audit entry is kept."""
    from labdesk.store.errors import ConstraintViolation, StoreError

    row = {"uscc": "U1", "name": "n", "region_code": "340100", "created_at": "t"}
    with db.write(ACTOR) as w:
        w.insert("enterprises", row)
    entries = len(_entries(db))
    with pytest.raises(ConstraintViolation) as caught, db.write(ACTOR) as w:
        w.insert("enterprises", dict(row, uscc="U2"))
        w.insert("enterprises", row)
    assert isinstance(caught.value, StoreError)
    assert isinstance(caught.value.__cause__, db.engine.integrity_errors)
    assert "nothing was saved" in caught.value.in_language("en")
    assert db.scalar("SELECT count(*) FROM enterprises") == 1
    assert len(_entries(db)) == entries
    assert verify_audit(db).ok


def test_insert_many_assigns_consecutive_ids_and_one_entry_each(db: Database) -> None:
    rows = [
        {"uscc": f"U{i}", "name": f"n{i}", "region_code": "340100", "created_at": "t"}
        for i in range(5)
    ]
    with db.write(ACTOR) as w:
        first = w.insert_many("enterprises", rows)
        second = w.insert_many("enterprises", [dict(rows[0], uscc="V")])
    assert first == [1, 2, 3, 4, 5]
    assert second == [6]
    assert len(_entries(db)) == 6
    assert verify_audit(db).ok


def test_verify_on_an_empty_database(db: Database) -> None:
    report = verify_audit(db)
    assert report.ok
    assert report.entries_checked == 0
    assert report.first_broken_seq is None


def test_a_column_added_by_a_migration_replays_as_its_default(db: Database) -> None:
    _centre(db)
    db.conn.execute("ALTER TABLE centre ADD COLUMN phone TEXT NOT NULL DEFAULT ''")
    assert verify_audit(db).ok
    db.conn.execute("UPDATE centre SET phone = '0551'")
    assert "centre #1.phone" in verify_audit(db).problem


def _fail_after_append(monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    """The audit append at commit (a pipeline on a server) fails after its own writes."""
    from labdesk.store import audit

    real_flush = audit.Writer.flush

    def flush(self: audit.Writer, *, at_commit: bool = False) -> None:
        real_flush(self, at_commit=at_commit)
        if not at_commit:
            return
        if failure == "python":
            raise RuntimeError("a bug while appending")
        self.conn.execute("INSERT INTO audit_log (seq) VALUES (NULL)")  # NOT NULL refuses

    monkeypatch.setattr(audit.Writer, "flush", flush)


@pytest.mark.parametrize("failure", ["python", "database"])
def test_a_failure_in_the_commit_tail_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    from labdesk.store.errors import StoreError

    with monkeypatch.context() as patch:
        _fail_after_append(patch, failure)
        with pytest.raises((RuntimeError, StoreError)):
            _centre(db)
    assert db.query("SELECT * FROM centre") == []
    assert _entries(db) == []
    assert db.scalar("SELECT seq FROM audit_head WHERE id = 1") == 0
    assert db.__dict__.get("own_entries", []) == []
    _centre(db)  # the connection is usable again, and the chain starts afresh
    assert [e["seq"] for e in _entries(db)] == [1]
    assert verify_audit(db).ok


def test_every_character_hashes_alike_on_both_engines(db: Database) -> None:
    """The chain is computed by the program on a file and by the server on PostgreSQL:
    quotes, backslashes, control characters, newlines, emoji and CJK text hash the same
    (verify recomputes every entry with audit.entry_hash)."""
    tricky = "a\"b\\c\n\t\r\x01 名称 😀 \u2028\u00e9 'q'"
    with db.write(Actor(None, 'ü"ser\\名', "admin")) as w:
        record = w.insert(
            "enterprises",
            {"uscc": "U1", "name": tricky, "region_code": "340100", "created_at": "t"},
            reason=tricky,
        )
        w.update("enterprises", record, {"name": tricky + "2"}, reason='改 \\ "')
    entries = _entries(db)
    assert len(entries) == 2
    for entry in entries:
        assert entry["hash"] == entry_hash(*tuple(entry)[:13])
    assert json.loads(entries[0]["new_value"])["name"] == tricky
    assert verify_audit(db).ok
