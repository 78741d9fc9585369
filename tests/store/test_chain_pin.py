"""The audit chain's hashes for a fixed input are pinned: a faster encoder (or a server
doing the append) must write the same entries byte for byte, or every existing
database's chain would stop verifying against the program that reads it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.store.audit import Actor, Writer, verify_audit
from labdesk.store.db import Database, open_database

ACTOR = Actor(7, "检验员 tester", "admin")
# Computed once by the program as it was before the faster encoders of 4 December 2026
# (main at c7e0c2a) and never to be changed: the hash of entry 35 commits to all 35.
PINNED_HEAD = (35, "e306a67de21ec9c2006046ceee8d9c7c0f9a78bc07764a52bcb6c4986513b2e5")


@pytest.fixture
def db(engine_target: Path | str) -> Iterator[Database]:
    database = open_database(engine_target)
    yield database
    database.close()


def _fixed_moment(w: Writer, second: int) -> None:
    # The writer's clock is the only input not given here: fixed, so the hashes are too.
    w.at_utc = f"2026-12-04T01:00:{second:02d}.000000Z"
    w.at_offset = "+08:00"


def _enterprise(i: int, name: str) -> dict[str, str]:
    return {
        "uscc": f"91340100MA2N{i:05d}",
        "name": name,
        "region_code": "340100",
        "created_at": "t",
    }


def _write_fixed_history(db: Database) -> None:
    with db.write(ACTOR) as w:
        _fixed_moment(w, 1)
        w.insert(
            "centre",
            {"id": 1, "name": "中心", "code": "C1", "region_code": "340100", "created_at": "t"},
        )
        w.insert_many(
            "enterprises",
            [
                _enterprise(1, '某"公司"\\ 😀'),
                _enterprise(2, "某公司"),
                {**_enterprise(3, "某公司"), "phone": "0551-1234", "address": "合肥\n蜀山"},
            ],
            reason="登记",
        )
    with db.write(ACTOR) as w:
        _fixed_moment(w, 2)
        # the same values again, in a second call and a second transaction
        w.insert_many("enterprises", [_enterprise(4, "某公司"), _enterprise(5, "1")])
        w.update("enterprises", 2, {"name": "某公司（改）"}, reason="更正")
        w.update_many("enterprises", [4, 5], {"phone": "12"}, reason="补录")
        w.insert("lab_settings", {"key": "items_date", "value": "sampling_date"})
    with db.write(ACTOR) as w:
        _fixed_moment(w, 4)
        # a batch large enough for the shared values to be written once (audit._SHARED_FROM)
        w.insert_many(
            "enterprises",
            [
                {
                    **_enterprise(10 + i, "某公司" if i % 3 else f"公司{i}"),
                    "phone": "" if i % 2 else "0551",
                    "address": "合肥",
                }
                for i in range(12)
            ],
            reason="批量",
        )
    with db.write(Actor(None, "system", "admin")) as w:
        _fixed_moment(w, 3)
        w.insert_many(
            "food_classes",
            [
                {"code": "F", "parent_code": None, "depth": 0, "seq": 1, "name": "食品"},
                {"code": "F1", "parent_code": "F", "depth": 1, "seq": 2, "name": "1"},
                {"code": "F2", "parent_code": "F", "depth": 1, "seq": 3, "name": "粮食"},
            ],
            action="import",
        )
        w.insert_many(
            "food_classes",
            [
                {"code": f"F2{i:02d}", "parent_code": "F2", "depth": 2, "seq": 4 + i, "name": "米"}
                for i in range(10)
            ],
            action="import",
        )


def test_the_chain_of_a_fixed_history_hashes_as_pinned(db: Database) -> None:
    _write_fixed_history(db)
    head = db.query_one("SELECT seq, hash FROM audit_head WHERE id = 1")
    assert head is not None
    assert (head["seq"], head["hash"]) == PINNED_HEAD
    assert verify_audit(db).ok
