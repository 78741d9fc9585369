"""Writer.update_many: the same entries as a loop of Writer.update, in bulk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labdesk.store.audit import SYSTEM, Actor, verify_audit
from labdesk.store.db import Database, open_database

ACTOR = Actor(3, "mgr", "manager")


def _fill(db: Database) -> list[int]:
    with db.write(SYSTEM) as w:
        return w.insert_many(
            "enterprises",
            [
                {
                    "uscc": f"U{i}",
                    "name": f"企业{i}",
                    "phone": "0551" if i % 3 == 0 else "",
                    "region_code": "340100",
                    "created_at": "t",
                }
                for i in range(12)
            ],
        )


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Database, Database, list[int]]]:
    a = open_database(tmp_path / "a.sqlite")
    b = open_database(tmp_path / "b.sqlite")
    ids = _fill(a)
    assert _fill(b) == ids
    yield a, b, ids
    a.close()
    b.close()


def _entries(db: Database, after: int) -> list[tuple[Any, ...]]:
    rows = db.query(
        "SELECT action, table_name, record_id, field, old_value, new_value, reason, username "
        "FROM audit_log WHERE seq > ? ORDER BY seq",
        (after,),
    )
    return [tuple(r) for r in rows]


def test_same_rows_and_entries_as_a_loop_of_update(
    pair: tuple[Database, Database, list[int]],
) -> None:
    a, b, ids = pair
    chosen = [ids[5], ids[0], ids[3], ids[9], ids[6]]  # order kept, not sorted
    changes = {"phone": "0551", "contact": "王"}
    start = int(a.scalar("SELECT max(seq) FROM audit_log"))
    with a.write(ACTOR) as w:
        olds_loop = {}
        for record_id in chosen:
            old = w.update("enterprises", record_id, changes, reason="r", action="bulk")
            if old:
                olds_loop[record_id] = old
    with b.write(ACTOR) as w:
        olds_bulk = w.update_many("enterprises", chosen, changes, reason="r", action="bulk")
    assert olds_bulk == olds_loop
    assert list(olds_bulk) == [i for i in chosen if i in olds_loop]
    assert _entries(b, start) == _entries(a, start)
    # contact on every row; phone only where it was '' (only enterprise 6 of those chosen)
    assert len(_entries(b, start)) == 5 + 1
    assert [dict(r) for r in b.query("SELECT * FROM enterprises ORDER BY id")] == [
        dict(r) for r in a.query("SELECT * FROM enterprises ORDER BY id")
    ]
    assert verify_audit(b).ok


def test_nothing_changing_writes_nothing(pair: tuple[Database, Database, list[int]]) -> None:
    _, b, ids = pair
    head = b.scalar("SELECT seq FROM audit_head")
    with b.write(ACTOR) as w:
        assert w.update_many("enterprises", ids[:3], {"region_code": "340100"}) == {}
    assert b.scalar("SELECT seq FROM audit_head") == head


def test_a_missing_id_writes_nothing(pair: tuple[Database, Database, list[int]]) -> None:
    _, b, ids = pair
    before = [dict(r) for r in b.query("SELECT * FROM enterprises")]
    head = b.scalar("SELECT seq FROM audit_head")
    with pytest.raises(LookupError, match="#999"), b.write(ACTOR) as w:
        w.update_many("enterprises", [ids[0], 999], {"contact": "x"})
    assert [dict(r) for r in b.query("SELECT * FROM enterprises")] == before
    assert b.scalar("SELECT seq FROM audit_head") == head


@pytest.mark.parametrize(
    ("ids", "changes", "message"),
    [([1, 1], {"contact": "x"}, "twice"), ([1], {"id": 5}, "id"), ([1], {"nope": 1}, "nope")],
)
def test_bad_calls_are_bugs(
    pair: tuple[Database, Database, list[int]],
    ids: list[int],
    changes: dict[str, Any],
    message: str,
) -> None:
    _, b, _ = pair
    with pytest.raises(ValueError, match=message), b.write(ACTOR) as w:
        w.update_many("enterprises", ids, changes)
