"""The fast row JSON of insert_many is byte-identical to the documented encoder's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.store.audit import _ROW_ENCODER, SYSTEM, _RowJson, entry_hash, verify_audit
from labdesk.store.db import open_database

COLUMNS = ("id", "name", "qty", "note", "flag")
values = st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.text())


@given(st.lists(st.tuples(st.integers(1, 2**62), values, values, values, values), max_size=30))
def test_fast_json_equals_the_encoder(rows: list[tuple[Any, ...]]) -> None:
    fast = _RowJson(COLUMNS)
    for row in rows:  # one instance for all rows: the memo must never mix values up
        expected = _ROW_ENCODER.encode(dict(zip(COLUMNS, row, strict=True)))
        assert fast.encode(row) == expected
        assert json.loads(expected) == dict(zip(COLUMNS, row, strict=True))


def test_equal_looking_values_of_different_types_stay_apart() -> None:
    fast = _RowJson(COLUMNS)
    assert fast.encode((1, "1", 1, "", None)) == '{"id":1,"name":"1","qty":1,"note":"","flag":null}'
    assert fast.encode((2, 1, "1", None, "")) == '{"id":2,"name":1,"qty":"1","note":null,"flag":""}'
    assert fast.encode((3, '引号"\\\n', 0, "null", -5)) == _ROW_ENCODER.encode(
        dict(zip(COLUMNS, (3, '引号"\\\n', 0, "null", -5), strict=True))
    )


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from labdesk.store import audit

    monkeypatch.setattr(audit, "_MEMO_LIMIT", 8)
    fast = _RowJson(COLUMNS)
    for i in range(100):
        row = (i, f"n{i}", i, str(i), None)
        assert fast.encode(row) == _ROW_ENCODER.encode(dict(zip(COLUMNS, row, strict=True)))
        assert len(fast.memo) <= 8 + len(COLUMNS)


def test_bulk_entries_hash_as_documented(tmp_path: Path) -> None:
    db = open_database(tmp_path / "j.sqlite")
    try:
        with db.write(SYSTEM) as w:
            w.insert_many(
                "enterprises",
                [
                    {
                        "uscc": f"U{i}",
                        "name": '某"公司"',
                        "region_code": "340100",
                        "created_at": "t",
                    }
                    for i in range(50)
                ],
            )
        for row in db.query("SELECT * FROM audit_log ORDER BY seq"):
            assert row["new_value"] == _ROW_ENCODER.encode(json.loads(row["new_value"]))
            assert row["hash"] == entry_hash(*tuple(row)[:13])
        assert verify_audit(db).ok
    finally:
        db.close()
