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


DEFAULTS = {"id": None, "name": "", "qty": 0, "note": None, "flag": '引"号'}


@given(
    st.sets(st.sampled_from(COLUMNS[1:]), min_size=1),
    st.lists(st.tuples(st.integers(1, 2**62), st.lists(values, min_size=4, max_size=4))),
)
def test_rows_giving_some_columns_equal_the_encoder_with_the_defaults(
    given: set[str], rows: list[tuple[int, list[Any]]]
) -> None:
    names = tuple(c for c in COLUMNS[1:] if c in given)
    memo: dict[Any, str] = {}
    fast = _RowJson(COLUMNS, names, DEFAULTS, memo)
    full = _RowJson(COLUMNS, memo=memo)  # a shared memo mixes nothing up either
    for record_id, row in rows:
        picked = row[: len(names)]
        logged = {**DEFAULTS, **dict(zip(names, picked, strict=True)), "id": record_id}
        expected = _ROW_ENCODER.encode(logged)
        assert fast.encode((record_id, *picked)) == expected
        assert full.encode(tuple(logged.values())) == expected


def test_the_given_columns_are_the_tables_in_its_order() -> None:
    with pytest.raises(ValueError):
        _RowJson(COLUMNS, ("qty", "name"), DEFAULTS)
    with pytest.raises(ValueError):
        _RowJson(COLUMNS, ("nope",), DEFAULTS)


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


def _logged(path: Path, rows: list[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], list[str]]:
    db = open_database(path)
    try:
        with db.write(SYSTEM) as w:
            w.insert_many("enterprises", rows)
        stored = [tuple(r) for r in db.query("SELECT * FROM enterprises ORDER BY id")]
        texts = [str(r[0]) for r in db.query("SELECT new_value FROM audit_log ORDER BY seq")]
        assert verify_audit(db).ok
        return stored, texts
    finally:
        db.close()


def test_rows_of_one_shape_and_the_general_path_store_and_log_alike(tmp_path: Path) -> None:
    rows = [
        {
            "uscc": f"U{i}",
            "name": "某公司" if i % 2 else '"q"',
            "region_code": "340100",
            "phone": "" if i % 3 else "0551",
            "created_at": "t",
        }
        for i in range(20)
    ]
    fast = _logged(tmp_path / "fast.sqlite", rows)
    # an explicit "id": None (and then a row whose keys differ) take the row-by-row path
    general = _logged(tmp_path / "general.sqlite", [{"id": None, **r} for r in rows])
    assert fast == general
    mixed = [dict(r) for r in rows]
    mixed[5] = {k: v for k, v in mixed[5].items() if k != "phone"} | {"address": "合肥"}
    stored, texts = _logged(tmp_path / "mixed.sqlite", mixed)
    assert stored[5][3] == "合肥" and stored[5][6] == ""
    assert json.loads(texts[5])["address"] == "合肥"
