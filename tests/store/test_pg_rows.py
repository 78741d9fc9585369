"""Rows from the server read by name as sqlite3.Row reads them: any case, the first
column of that name (pg_engine._row_class, which needs no server)."""

from __future__ import annotations

import sqlite3

import pytest

from labdesk.store.pg_engine import _row_class

_NAMES = ("id", "Name", "name", "X")
_VALUES = (7, "first", "second", None)


def _sqlite_row() -> sqlite3.Row:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    row = conn.execute(
        "SELECT 7 AS id, 'first' AS \"Name\", 'second' AS name, NULL AS \"X\""
    ).fetchone()
    conn.close()
    return row


@pytest.mark.parametrize("key", ["id", "ID", "Name", "name", "NAME", "X", "x", 0, 1, 2, 3, -1])
def test_a_server_row_reads_a_key_as_a_sqlite_row_does(key: str | int) -> None:
    row = _row_class(_NAMES)(_VALUES)
    assert row[key] == _sqlite_row()[key]


def test_a_name_not_in_the_row_is_refused_as_sqlite_refuses_it() -> None:
    row = _row_class(_NAMES)(_VALUES)
    with pytest.raises(IndexError):
        row["missing"]
    with pytest.raises(IndexError):
        _sqlite_row()["missing"]


def test_a_row_becomes_the_dict_a_sqlite_row_becomes() -> None:
    row = _row_class(_NAMES)(_VALUES)
    assert dict(row) == dict(_sqlite_row())
    assert row.keys() == _sqlite_row().keys()
