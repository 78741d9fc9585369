"""The audited write primitive and the hash-chained audit trail.

Every insert or update of an audited table (`schema.AUDITED_TABLES`) goes through a
`Writer`, obtained with `with db.write(actor) as w:`. In the same transaction it writes
the row and appends one `audit_log` entry per inserted row (the whole row as JSON) or per
changed field (old → new), each carrying who, when (UTC and the local UTC offset), why
and `hash = SHA-256(canonical(entry including prev_hash))`. The chain head (last seq and
hash) is also kept in `audit_head`, so a log cut short at its end is noticed.

`verify_audit(db)` checks the log two ways:
1. the chain: seq runs 1..N without gaps, each entry's prev_hash is its predecessor's
   hash, each hash matches its content, and the head row matches the last entry;
2. the replay: for each audited table, the entries of each record (in seq order) are
   applied from nothing — an update's recorded old value must equal the replayed value —
   and the rebuilt rows must equal the live rows column for column.
So an edited result or sample field (changed tables, unchanged log), an edited, deleted,
reordered or truncated log (triggers dropped first) are each reported with the entry
they break. What it cannot catch is someone who rewrites the tables *and* recomputes the
whole chain and head: there is no secret in an offline file. docs/record-api.md says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import operator
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from labdesk.core.content import body_digest, content_digest
from labdesk.store.actor import SYSTEM as SYSTEM  # re-exported: audit.SYSTEM, audit.Actor
from labdesk.store.actor import Actor as Actor
from labdesk.store.protocol import Store
from labdesk.store.schema import (
    AUDITED_TABLES,
    BLOB_COLUMNS,
    CONTENT_TABLES,
    audited_tables,
    content_tables,
)

GENESIS_HASH = "0" * 64
_FLUSH_EVERY = 20_000
_UPDATE_CHUNK = 10_000  # ids per json_each query in update_many (bounds memory)
# Ranges of entry numbers a connection remembers having appended (own_entries_between).
OWN_ENTRIES_KEPT = 1_000
# verify_audit reports progress (and polls for cancellation) every this many entries.
PROGRESS_EVERY = 1_000

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class VerificationCancelled(Exception):
    """`verify_audit` stopped because its `cancel()` callback returned True."""


# Created once: json.dumps with keyword arguments builds a new encoder on every call.
_VALUE_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
_ENTRY_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# An inserted row is logged with its keys in column order (deterministic, no sort needed).
_ROW_ENCODER = _ENTRY_ENCODER
# How the JSON of a new row begins when its id stands in as 0 (Writer.new_row_entry).
_ID_PLACEHOLDER = '{"id":0'

_SIMPLE_TYPES = frozenset({str, int, type(None)})
# Bound on the cache of value → JSON text in insert_many (see _RowJson) while it runs,
# and what is kept of it for the next call (the same table's next rows: a registration's
# 150 items repeat the previous sample's names, units, limits and sources).
_MEMO_LIMIT = 50_000
_MEMO_KEPT = 4_096
# Distinct key sets of insert_many rows remembered per table (see _Layout), and
# statements binding a subset of a table's columns.
_LAYOUTS_KEPT = 64
# From this many rows, the values all rows of an insert_many share are written once
# into a JSON template of the call's own (below, building it costs more than it saves).
_SHARED_FROM = 8


class NewRowEntry(NamedTuple):
    """A new row's audit entry around the id a server gives it (Writer.new_row_entry):
    the row's JSON after its leading '{"id":<id>', the entry's hashed middle before the
    id and after it; and the row's values (as logged) of `columns`, every column after
    the id in the table's order."""

    row_json: str
    middle_before: str
    middle_after: str
    columns: tuple[str, ...]
    values: tuple[Any, ...]


def _value_json(value: str | int | None) -> str:
    """A str, int or None as `_ROW_ENCODER` writes it."""
    if value is None:
        return "null"
    return encode_basestring(value) if type(value) is str else int.__repr__(value)


class _RowJson:
    """The JSON object text of a row of str/int/None values, keys in column order.

    Byte-identical to `_ROW_ENCODER.encode(dict(zip(columns, values)))` (tests check it
    with hypothesis) but about twice as fast on bulk inserts: the `"key":` parts are
    built once, and each value's text is looked up in a memo, since imported rows repeat
    most values (units, methods, verdicts, explanations). Only for rows whose values are
    exactly str, int or None (the caller checks): then equal values have equal JSON
    (no bool/Decimal/float aliasing 1 == True == Decimal(1) == 1.0). That holds whatever
    the call, so one instance serves a table's inserts for the life of the connection
    (`_TableInfo.row_json`), its memo trimmed after each call (`trim`).
    """

    def __init__(
        self,
        columns: Sequence[str],
        given: Sequence[str] | None = None,
        defaults: Mapping[str, Any] | None = None,
        memo: dict[Any, str] | None = None,
    ) -> None:
        """`given`: the columns (in column order, after the id) whose values each row
        carries, all of them unless said; the others are written as their `defaults`.
        `memo` may be shared by the encoders of one table (a value's text is the same
        in every column)."""
        if not columns or columns[0] != "id":
            raise ValueError("audited tables start with their id column")
        given = tuple(columns[1:]) if given is None else tuple(given)
        wanted = frozenset(given)
        if given != tuple(c for c in columns[1:] if c in wanted):
            raise ValueError("the given columns must be the table's, in column order")
        # ['{"id":', <id>, ',"col":', <value text>, …, '}']: the value slots are filled
        # per row by one slice assignment (the id, unique per row and never worth
        # memoising, apart), then joined once; a column the rows do not carry is
        # written into the text between two slots.
        self.template: list[Any] = ["{" + encode_basestring(columns[0]) + ":", None]
        between = ""
        for name in columns[1:]:
            between += "," + encode_basestring(name) + ":"
            if name in wanted:
                self.template += [between, None]
                between = ""
            else:
                between += _value_json((defaults or {})[name])
        self.template.append(between + "}")
        self.memo: dict[Any, str] = {} if memo is None else memo
        if not self.memo:
            self._seed()

    def _seed(self) -> None:
        self.memo.clear()
        self.memo[None] = "null"

    def trim(self) -> None:
        """Forgets the memo if it grew past what is worth keeping between calls (a bulk
        import's distinct values would otherwise stay in memory after it)."""
        if len(self.memo) > _MEMO_KEPT:
            self._seed()

    def encode(self, values: Sequence[Any]) -> str:
        parts = self.template.copy()
        parts[3::2] = map(self.memo.get, values[1:])  # C speed when every value is known
        parts[1] = int.__repr__(values[0])
        try:
            return "".join(parts)
        except TypeError:  # a value not seen yet left None in its slot
            memo = self.memo
            if len(memo) >= _MEMO_LIMIT:
                self._seed()
            for index in range(3, len(parts), 2):
                if parts[index] is None:
                    value = values[(index - 1) // 2]
                    text = encode_basestring(value) if type(value) is str else int.__repr__(value)
                    parts[index] = memo[value] = text
            return "".join(parts)


def _dumps(value: Any) -> str:
    return _VALUE_ENCODER.encode(value)


def _plain(table: str, column: str, value: Any) -> Any:
    """A column value as stored/logged: bytes become their digest, Decimal its text."""
    if isinstance(value, bytes | bytearray | memoryview):
        if (table, column) not in BLOB_COLUMNS:
            raise TypeError(f"{table}.{column} is not a BLOB column")
        return {"$sha256": hashlib.sha256(bytes(value)).hexdigest()}
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        raise TypeError(f"{table}.{column}: floats are never stored; pass the decimal text")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _to_db(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        raise TypeError("floats are never stored; pass the decimal text")
    return value


def entry_hash(
    seq: int,
    at_utc: str,
    at_offset: str,
    user_id: int | None,
    username: str,
    action: str,
    table_name: str,
    record_id: int,
    field_name: str | None,
    old_value: str | None,
    new_value: str | None,
    reason: str,
    prev_hash: str,
) -> str:
    """SHA-256 over the entry's canonical text, which commits to prev_hash.

    The text is the compact JSON array of the short fields, then a newline and the old
    value, then a newline and the new value (both already JSON text, or empty for NULL).
    JSON text never contains a raw newline and is never empty, so this is unambiguous,
    and the long row JSON of an insert is not escaped a second time.
    """
    head = _ENTRY_ENCODER.encode(
        [
            seq,
            at_utc,
            at_offset,
            user_id,
            username,
            action,
            table_name,
            record_id,
            field_name,
            reason,
            prev_hash,
        ]
    )
    canonical = f"{head}\n{old_value or ''}\n{new_value or ''}"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def local_offset(moment: datetime) -> str:
    """'+08:00' for China Standard Time: strftime("%z")'s hours and minutes, worked out
    from the offset itself (strftime costs a few µs on every audited write)."""
    return _offset_text(moment.astimezone().utcoffset())


def _offset_text(offset: timedelta | None) -> str:
    """local_offset's text of a moment's offset from UTC."""
    seconds = 0 if offset is None else int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def _parse_default(text: str | None) -> Any:
    if text is None or text.upper() == "NULL":
        return None
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    try:
        return int(text)
    except ValueError as exc:
        raise ValueError(f"unsupported column default {text!r}") from exc


class _TableInfo:
    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        rows = conn.execute(f"PRAGMA table_info({table})").fetchall()
        if not rows:
            raise ValueError(f"no table {table}")
        self.columns: tuple[str, ...] = tuple(r[1] for r in rows)
        self.defaults: dict[str, Any] = {r[1]: _parse_default(r[4]) for r in rows}
        self.required = {r[1] for r in rows if r[3] and r[4] is None and r[1] != "id"}
        self.column_set = frozenset(self.columns)
        self.blob_indexes = tuple(
            i for i, c in enumerate(self.columns) if (table, c) in BLOB_COLUMNS
        )
        self.insert_sql = (
            f"INSERT INTO {table} ({', '.join(self.columns)}) "
            f"VALUES ({', '.join('?' * len(self.columns))})"
        )
        # value → JSON text, shared by the table's row encoders (see _RowJson)
        self.memo: dict[Any, str] = {}
        self._row_json: _RowJson | None = None
        self._defaults = tuple(self.defaults[c] for c in self.columns)
        # the statements binding a subset of the columns: kept column indexes → SQL
        self._narrow_sql: dict[tuple[int, ...], str] = {}
        self._layouts: dict[frozenset[str], _Layout] = {}
        self.table = table

    def narrowed(self, rows: Sequence[tuple[Any, ...]]) -> tuple[str, Sequence[tuple[Any, ...]]]:
        """The INSERT of `rows` (full rows, in column order): see `_narrowed`."""
        return _narrowed(self.table, self.columns, self._defaults, rows, self._narrow_sql)

    @property
    def row_json(self) -> _RowJson:
        """The table's fast row encoder, made on the first insert (content tables have
        none: their rows get no audit entry)."""
        if self._row_json is None:
            self._row_json = _RowJson(self.columns, memo=self.memo)
        return self._row_json

    def layout(self, keys: Any) -> _Layout:
        """How rows with these keys (no id) are inserted and logged (`_Layout`)."""
        key = frozenset(keys)
        layout = self._layouts.get(key)
        if layout is None:
            if len(self._layouts) >= _LAYOUTS_KEPT:
                self._layouts.clear()
            layout = self._layouts[key] = _Layout(self, key)
        return layout


class _Layout:
    """Rows (dicts) that all give the same columns and no id: each row's values are
    picked in column order by one C call (`pick`), the JSON text has the other columns'
    defaults written into its template, and the row bound is (id, *values) narrowed to
    what differs from the defaults — what `insert_many` does row by row otherwise."""

    def __init__(self, info: _TableInfo, keys: frozenset[str]) -> None:
        self.given = tuple(c for c in info.columns if c in keys)
        self.pick = _picker(self.given)
        self.defaults = tuple(info.defaults[c] for c in self.given)
        self.row_json = _RowJson(info.columns, self.given, info.defaults, info.memo)
        self.table = info.table
        self.all_columns = info.columns
        self.table_defaults = info.defaults
        self._sql: dict[tuple[int, ...], str] = {}

    def bound(
        self, ids: Sequence[int], by_column: Sequence[tuple[Any, ...]]
    ) -> tuple[str, list[tuple[Any, ...]]]:
        """The INSERT binding the id and the given columns some row sets to other than
        the column's default, and its rows: the rows stored are the same (the others
        take that default), and binding a column costs about what storing it does (a
        sample's items leave half of sample_items' columns at their defaults). The
        values are str, int or None, so `==` is the stored equality."""
        count = len(ids)
        kept = tuple(
            index
            for index, (values, default) in enumerate(zip(by_column, self.defaults, strict=True))
            if values.count(default) != count
        )
        sql = self._sql.get(kept)
        if sql is None:
            if len(self._sql) >= _LAYOUTS_KEPT:
                self._sql.clear()
            names = ", ".join(["id", *(self.given[i] for i in kept)])
            sql = self._sql[kept] = (
                f"INSERT INTO {self.table} ({names}) VALUES ({', '.join('?' * (len(kept) + 1))})"
            )
        return sql, list(zip(ids, *(by_column[i] for i in kept), strict=True))

    def logged(
        self, ids: Sequence[int], by_column: Sequence[tuple[Any, ...]], memo: dict[Any, str]
    ) -> tuple[_RowJson, list[tuple[Any, ...]]]:
        """The encoder of the rows' JSON text and what it takes per row, (id, values…).
        A batch of `_SHARED_FROM` rows or more writes the values every row shares (a
        sample's items: its id, the unit, the standard) once into a template of its own,
        so that each row's text joins only the values that differ."""
        count = len(ids)
        if count < _SHARED_FROM:
            return self.row_json, list(zip(ids, *by_column, strict=True))
        varying = [i for i, values in enumerate(by_column) if values.count(values[0]) != count]
        shared = {self.given[i]: values[0] for i, values in enumerate(by_column)}
        row_json = _RowJson(
            self.all_columns,
            tuple(self.given[i] for i in varying),
            {**self.table_defaults, **shared},
            memo,
        )
        return row_json, list(zip(ids, *(by_column[i] for i in varying), strict=True))


def _picker(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The values of `names` of a row, as a tuple (one C call for two names or more)."""
    if len(names) > 1:
        return operator.itemgetter(*names)
    name = names[0]

    def pick(values: Mapping[str, Any]) -> tuple[Any, ...]:
        return (values[name],)

    return pick


def _narrowed(
    table: str,
    columns: Sequence[str],
    defaults: Sequence[Any],
    rows: Sequence[tuple[Any, ...]],
    cache: dict[tuple[int, ...], str],
) -> tuple[str, Sequence[tuple[Any, ...]]]:
    """The INSERT of `rows` (values of `columns`, in that order) binding only the columns
    some row sets to other than the column's default: the rows stored are the same (the
    others take that default), and binding a column costs about what storing it does (a
    sample's items leave half of sample_items' columns at their defaults). Values are
    plain here (str, int, None, bytes), so `==` is the stored equality."""
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    count = len(rows)
    kept = tuple(
        index
        for index, (values, default) in enumerate(zip(by_column, defaults, strict=True))
        if not count or values.count(default) != count
    )
    sql = cache.get(kept)
    if sql is None:
        if len(cache) >= _LAYOUTS_KEPT:
            cache.clear()
        names = ", ".join(columns[i] for i in kept)
        sql = cache[kept] = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(kept))})"
    if len(kept) == len(columns):
        return sql, rows
    return sql, list(zip(*(by_column[i] for i in kept), strict=True))


_AUDIT_INSERT = (
    "INSERT INTO audit_log (seq, at_utc, at_offset, user_id, username, action, table_name, "
    "record_id, field, old_value, new_value, reason, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class Writer:
    """Writes audited rows inside one transaction; created by `db.write(actor)`.

    All entries of one transaction share one timestamp: they are one user action.
    """

    def __init__(self, db: Store, conn: sqlite3.Connection, actor: Actor) -> None:
        self.db = db
        self.conn = conn
        self.actor = actor
        moment = datetime.now().astimezone()  # local: its offset is local_offset's
        self.at_utc = _utc_text(moment)
        self.at_offset = _offset_text(moment.utcoffset())
        # The chain head is read (on a server: locked) only when the entries are appended,
        # at the end of the transaction (`flush`): the lock that orders every workstation's
        # entries is held for the append and the COMMIT, not for the whole transaction.
        self._head: tuple[int, str] | None = None
        self.first_seq = 0  # the first entry this transaction appended (0: none yet)
        self._seq = 0
        # Entries waiting for their place in the chain: the hashed text's middle part
        # (every hashed field but seq and prev_hash, as JSON) and the stored columns
        # between seq and prev_hash.
        self._pending: list[tuple[Any, ...]] = []
        # Server-side appends sent, whose (first, last) entry numbers are still to be read.
        self._appended: list[Callable[[], tuple[int, int]]] = []
        self._next_id: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------
    def _info(self, table: str) -> _TableInfo:
        if table not in AUDITED_TABLES:
            raise ValueError(f"{table} is not an audited table")
        cache: dict[str, _TableInfo] = self.db.__dict__.setdefault("_table_info", {})
        info = cache.get(table)
        if info is None:
            info = cache[table] = _TableInfo(self.conn, table)
        return info

    def _allocate(self, table: str, count: int) -> int:
        """The first of `count` new consecutive ids of `table` (engine.take_ids)."""
        start = self.db.engine.take_ids(self.conn, table, count, self._next_id.get(table))
        self._next_id[table] = start + count
        return start

    def lock(self, table: str, record_id: int, columns: Sequence[str] = ("id",)) -> Any:
        """Reads `columns` of one row and holds it against other writers until the commit
        (on a server, `FOR UPDATE`; a file has one writer). A service's check made on the
        returned row holds for the rest of the transaction, also in a `shared` write that
        runs beside other workstations' (see `write`). None if the row does not exist."""
        info = self._info(table)
        unknown = set(columns) - info.column_set
        if unknown:
            raise ValueError(f"{table} has no column(s) {sorted(unknown)}")
        return self.conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?{self.db.engine.row_lock}",
            (record_id,),
        ).fetchone()

    def lock_joined(self, sql: str, params: Sequence[Any], alias: str) -> Any:
        """The first row of `sql`, a SELECT joining the row to hold as `alias`, which is
        held as `lock` holds it (on a server `FOR UPDATE OF alias`): one statement where
        finding the row and locking it would be two. On a server the other tables' rows
        are read as of the statement's start even when it waited for the lock, so only
        rows that no shared write changes may be read beside it; read the others after."""
        return self.conn.execute(sql + self.db.engine.row_lock_of(alias), params).fetchone()

    def _middle(
        self, action: str, table: str, record_id: int, field_name: str | None, reason: str
    ) -> str:
        """The hashed text's middle part of an entry: every hashed field but seq and
        prev_hash, as JSON (`entry_hash`)."""
        actor = self.actor
        return _ENTRY_ENCODER.encode(
            [
                self.at_utc,
                self.at_offset,
                actor.user_id,
                actor.username,
                action,
                table,
                record_id,
                field_name,
                reason,
            ]
        )[1:-1]

    def _insert_middle(self, action: str, table: str, reason: str) -> tuple[str, str]:
        """An insert entry's hashed middle around its record id, which comes between the
        two parts: every insert entry's middle is `f"{before},{id},{after}"`, the same
        text `_middle` gives for it (field_name null)."""
        actor = self.actor
        encode = _ENTRY_ENCODER.encode
        before = encode([self.at_utc, self.at_offset, actor.user_id, actor.username, action, table])
        return before[1:-1], encode([None, reason])[1:-1]

    def _append(
        self,
        action: str,
        table: str,
        record_id: int,
        field_name: str | None,
        old_json: str | None,
        new_json: str | None,
        reason: str,
    ) -> None:
        actor = self.actor
        middle = self._middle(action, table, record_id, field_name, reason)
        self._pending.append(
            (
                middle,
                self.at_utc,
                self.at_offset,
                actor.user_id,
                actor.username,
                action,
                table,
                record_id,
                field_name,
                old_json,
                new_json,
                reason,
            )
        )
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()

    def flush(self, *, at_commit: bool = False) -> None:
        """Appends the buffered entries to the chain and moves the head (done at commit).

        The first append of a transaction reads the head (on a server `FOR UPDATE`: the
        chain's one append order, held until the COMMIT); each entry then gets the next
        seq, its predecessor's hash and its own, the text being `entry_hash`'s. A server
        does it all in one call (pg_engine.APPEND), sent `at_commit` in one pipeline with
        the COMMIT: the head is then locked only while the server works, never while
        this program waits for its turn on a busy CPU."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        done = self.db.engine.append_audit(self.conn, pending, self._head is None)
        if done is not None:
            self._appended.append(done)
            if not at_commit:
                self.appended()
            return
        if self._head is None:
            head = self.conn.execute(self.db.engine.head_select).fetchone()
            self._head = (int(head[0]), str(head[1]))
            self.first_seq = self._head[0] + 1
        seq, prev = self._head
        sha256 = hashlib.sha256
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        for entry in pending:
            seq += 1
            old, new = entry[9], entry[10]
            canonical = f'[{seq},{entry[0]},"{prev}"]\n{old or ""}\n{new or ""}'
            digest = sha256(canonical.encode("utf-8")).hexdigest()
            append((seq, *entry[1:], prev, digest))
            prev = digest
        self._head = (seq, prev)
        self._seq = seq
        self.conn.executemany(_AUDIT_INSERT, rows)
        self.conn.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, prev))

    def appended(self) -> tuple[int, int] | None:
        """(first, last) entry number this transaction appended, None if none; on a
        server, once the append's answer came (after the commit's pipeline)."""
        while self._appended:
            first, last = self._appended.pop(0)()
            if not self.first_seq:
                self.first_seq = first
            self._seq = last
        return (self.first_seq, self._seq) if self.first_seq else None

    # -- entries of rows a server writes in one statement (store/first_result.py) -------
    def new_row_entry(
        self, table: str, values: Mapping[str, Any], *, reason: str, action: str
    ) -> NewRowEntry:
        """The audit entry of inserting `values` (no id) as one new row, around the id the
        server gives it there, and the row's values (`NewRowEntry`). The texts are those
        `insert` logs for the same row: the general encoder's, which the fast paths match."""
        info = self._info(table)
        keys = values.keys()
        if "id" in keys or info.blob_indexes or not keys:
            raise ValueError(f"{table}: a new row without its id and without BLOBs")
        self._check_keys(table, info, keys)
        layout = info.layout(keys)
        picked = layout.pick(values)
        after_id = info.columns[1:]
        if _SIMPLE_TYPES.issuperset(map(type, picked)):  # as insert_many logs them
            row_json = layout.row_json.encode((0, *picked))
            if len(picked) == len(after_id):
                row = picked
            else:
                given = dict(zip(layout.given, picked, strict=True))
                row = tuple(given[c] if c in given else info.defaults[c] for c in after_id)
        else:
            logged = {**info.defaults, **{name: _to_db(v) for name, v in values.items()}}
            if not _SIMPLE_TYPES.issuperset(map(type, logged.values())):
                raise TypeError(f"{table}: a row written on the server holds str/int/None")
            logged["id"] = 0
            row_json = _ROW_ENCODER.encode(logged)
            row = tuple(logged[c] for c in after_id)
        if not row_json.startswith(_ID_PLACEHOLDER + ",") or info.columns[0] != "id":
            raise ValueError(f"{table}: the id is not the row's first column")
        before, after = self._insert_middle(action, table, reason)
        return NewRowEntry(
            row_json[len(_ID_PLACEHOLDER) :], f"{before},", f",{after}", after_id, row
        )

    def update_entry(
        self,
        table: str,
        record_id: int,
        name: str,
        old: Any,
        new: Any,
        *,
        reason: str,
        action: str,
    ) -> tuple[str, str, str]:
        """The audit entry of `update` changing one field from `old` to `new`: (the hashed
        middle, the old value's JSON, the new one's), as `update` logs it."""
        info = self._info(table)
        if name not in info.column_set or name == "id":
            raise ValueError(f"cannot update {table}.{name}")
        return (
            self._middle(action, table, record_id, name, reason),
            _dumps(_plain(table, name, _to_db(old))),
            _dumps(_plain(table, name, _to_db(new))),
        )

    def _check_keys(self, table: str, info: _TableInfo, keys: Any) -> None:
        unknown = set(keys) - info.column_set
        if unknown:
            raise ValueError(f"{table} has no column(s) {sorted(unknown)}")
        missing = info.required - set(keys)
        if missing:
            raise ValueError(f"{table}.{sorted(missing)[0]} is required")

    # -- the primitive -------------------------------------------------------------
    def insert(
        self, table: str, values: Mapping[str, Any], *, reason: str = "", action: str = "insert"
    ) -> int:
        """Inserts one row (every column filled, defaults made explicit); returns its id."""
        return self.insert_many(table, [values], reason=reason, action=action)[0]

    def insert_many(
        self,
        table: str,
        rows: Sequence[Mapping[str, Any]],
        *,
        reason: str = "",
        action: str = "insert",
    ) -> list[int]:
        """Inserts rows with one executemany and one audit entry each; returns their ids.

        This is the hot path of imports and the demo generator, hence the inlined loops:
        first the rows are completed (defaults, ids) and inserted, then their audit
        entries are built (row JSON, hash chain). (Overlapping the two on a helper
        thread was tried: handing the GIL over for every row made it no faster.)
        """
        info = self._info(table)
        fast = self._picked(table, info, rows)
        if fast is not None:
            layout, picked = fast
            by_column = list(zip(*picked, strict=True))
            if len(picked) == 1 and self.db.engine.ids_on_insert:
                # 0 stands in for the id the server's INSERT takes itself.
                ids = [self._insert_taking_id(table, *layout.bound([0], by_column))]
            else:
                start = self._allocate(table, len(picked))
                ids = list(range(start, start + len(picked)))
                self.conn.executemany(*layout.bound(ids, by_column))
            row_json, logged = layout.logged(ids, by_column, info.memo)
            self._log_inserts(table, info, row_json, ids, logged, {}, reason, action)
        else:
            ids = self._insert_general(table, info, rows, reason, action)
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()
        return ids

    def _insert_taking_id(self, table: str, sql: str, bound: Sequence[tuple[Any, ...]]) -> int:
        """Inserts the one row `bound` (its id a stand-in) with the id the server's
        INSERT takes itself (engine.insert_taking_id: one statement where taking the id
        first would be two); returns that id."""
        return self.db.engine.insert_taking_id(self.conn, table, sql, bound[0])

    def _picked(
        self, table: str, info: _TableInfo, rows: Sequence[Mapping[str, Any]]
    ) -> tuple[_Layout, list[tuple[Any, ...]]] | None:
        """The rows' values in column order (`_Layout.pick`, in C) when the rows are dicts
        that all give the same columns, no id, no BLOB column and only str, int or None;
        None otherwise: then `_insert_general` completes them one by one."""
        if not rows or info.blob_indexes or set(map(type, rows)) != {dict}:
            return None
        keys = rows[0].keys()
        if not keys or "id" in keys or len(set(map(len, rows))) != 1:
            return None
        self._check_keys(table, info, keys)
        layout = info.layout(keys)
        try:
            picked = list(map(layout.pick, rows))
        except KeyError:  # a row with other keys (as many): the general path names them
            return None
        simple = _SIMPLE_TYPES.issuperset
        for values in picked:  # (per row: quicker than one pass over them all chained)
            if not simple(map(type, values)):
                return None
        return layout, picked

    def _insert_general(
        self,
        table: str,
        info: _TableInfo,
        rows: Sequence[Mapping[str, Any]],
        reason: str,
        action: str,
    ) -> list[int]:
        defaults = info.defaults
        blob_indexes = info.blob_indexes
        automatic = sum(1 for values in rows if values.get("id") is None)
        if automatic and automatic != len(rows):
            # A block of new ids is reserved up front (on a server, from the table's
            # sequence): rows bringing their own id would have to fit around it.
            raise ValueError(f"insert_many into {table}: give every row its id, or none")
        # One new row on a server: its id is taken by the INSERT itself (one statement
        # where taking it first would be two); 0 stands in for it until then.
        taken_on_insert = automatic == 1 and len(rows) == 1 and self.db.engine.ids_on_insert
        next_id = 0 if taken_on_insert or not automatic else self._allocate(table, automatic)
        full_rows: list[tuple[Any, ...]] = []
        ids: list[int] = []
        # Rows whose JSON the fast path cannot build: index → the row as a dict.
        general: dict[int, dict[str, Any]] = {}
        checked_keys: Any = None
        for index, values in enumerate(rows):
            keys = values.keys()
            if keys != checked_keys:
                self._check_keys(table, info, keys)
                checked_keys = keys
            # defaults | values keeps the defaults' key order: the columns' order.
            logged = {**defaults, **values}
            simple = _SIMPLE_TYPES.issuperset(map(type, logged.values()))
            if not simple:
                logged = {c: _to_db(v) for c, v in logged.items()}
                simple = _SIMPLE_TYPES.issuperset(map(type, logged.values()))
            record_id = logged["id"]
            if record_id is None:
                record_id = logged["id"] = next_id
                next_id += 1
            ids.append(record_id)
            full_rows.append(tuple(logged.values()))
            if blob_indexes or not simple:
                general[index] = logged
        if not automatic:
            self._next_id.pop(table, None)  # ids of their own: the next block asks the table

        if taken_on_insert:
            ids[0] = self._insert_taking_id(table, *info.narrowed(full_rows))
            full_rows[0] = (ids[0], *full_rows[0][1:])
            if 0 in general:
                general[0]["id"] = ids[0]
        else:
            self.conn.executemany(*info.narrowed(full_rows))
        self._log_inserts(table, info, info.row_json, ids, full_rows, general, reason, action)
        return ids

    def _log_inserts(
        self,
        table: str,
        info: _TableInfo,
        row_json: _RowJson,
        ids: Sequence[int],
        full_rows: Sequence[tuple[Any, ...]],
        general: Mapping[int, dict[str, Any]],
        reason: str,
        action: str,
    ) -> None:
        """Adds one insert entry per row to the pending audit entries (chained at `flush`):
        the row's JSON by `row_json` (whose columns `full_rows` hold), or for the rows in
        `general` by the general encoder."""
        actor = self.actor
        user_id, username = actor.user_id, actor.username
        at_utc, at_offset = self.at_utc, self.at_offset
        columns, blob_indexes = info.columns, info.blob_indexes
        encode_row = _ROW_ENCODER.encode
        fast_json = row_json.encode
        fixed_before, fixed_after = self._insert_middle(action, table, reason)
        pending = self._pending
        if not general:  # every row by `row_json` (a comprehension: the hot path)
            pending += [
                (
                    f"{fixed_before},{record_id},{fixed_after}",
                    at_utc,
                    at_offset,
                    user_id,
                    username,
                    action,
                    table,
                    record_id,
                    None,
                    None,
                    fast_json(row),
                    reason,
                )
                for record_id, row in zip(ids, full_rows, strict=True)
            ]
            row_json.trim()
            return
        for index, (record_id, row) in enumerate(zip(ids, full_rows, strict=True)):
            logged = general.get(index)
            if logged is None:
                new_json = fast_json(row)
            else:  # BLOBs (logged by digest) or e.g. a str subclass: the general encoder
                if blob_indexes:
                    logged = dict(logged)
                    for blob in blob_indexes:
                        name = columns[blob]
                        logged[name] = _plain(table, name, logged[name])
                new_json = encode_row(logged)
            # The hashed text's middle, built from the parts fixed within the batch.
            pending.append(
                (
                    f"{fixed_before},{record_id},{fixed_after}",
                    at_utc,
                    at_offset,
                    user_id,
                    username,
                    action,
                    table,
                    record_id,
                    None,
                    None,
                    new_json,
                    reason,
                )
            )
        row_json.trim()

    def insert_content(
        self,
        table: str,
        parent_id: int,
        rows: Sequence[Sequence[Any]],
        body: str | None = None,
        *,
        columns: Sequence[str] | None = None,
    ) -> str:
        """Inserts the rows of a content table (`schema.CONTENT_TABLES`) belonging to
        the parent row `parent_id`, in one executemany without an audit entry each.

        `rows` are value tuples of the columns after (id, parent key), in table order
        (str, int or None); `body` is their `core.content.body_digest` if the caller has
        it. Returns `content_digest(body, first id, count)`, which the caller writes —
        audited — on the parent row; `verify_audit` recomputes it from the table.

        `columns` (a subset of those, in table order) narrows the rows to the columns
        some row sets, the others taking their defaults: binding a column costs as much
        as storing it (10,000 limit rows load a quarter faster without the five a limit
        file never sets). `body` is then required: the digest of the rows as stored,
        defaults included (what `verify_audit` recomputes).
        """
        spec = CONTENT_TABLES.get(table)
        if spec is None:
            raise ValueError(f"{table} is not a content table")
        cache: dict[str, _TableInfo] = self.db.__dict__.setdefault("_table_info", {})
        info = cache.get(table)
        if info is None:
            info = cache[table] = _TableInfo(self.conn, table)
        if info.columns[1] != spec[1]:
            raise ValueError(f"{table}: the parent key must be its second column")
        insert_sql = info.insert_sql
        width = len(info.columns) - 2
        if columns is not None:
            if body is None:
                raise ValueError(f"{table}: narrowed rows need the stored rows' body digest")
            order = [c for c in info.columns[2:] if c in set(columns)]
            if list(columns) != order or len(order) != len(columns):
                raise ValueError(f"{table}: columns must be its own, in table order")
            width = len(columns)
            names = ", ".join(info.columns[:2] + tuple(columns))
            # the parent's id (an int) written into the statement: one value less to bind
            insert_sql = (
                f"INSERT INTO {table} ({names}) VALUES (?, {int(parent_id)}, "
                f"{', '.join('?' * width)})"
            )
        if rows and len(rows[0]) != width:
            raise ValueError(f"{table}: rows need {width} values, got {len(rows[0])}")
        for value in rows[0] if rows else ():
            if isinstance(value, float | Decimal | bool):
                raise TypeError(f"{table}: content values are str, int or None")
        start = self._allocate(table, len(rows))
        # A list, not a generator: resuming a generator per row made the insert of 10,000
        # limit rows ~5 % slower (the bulk imports pause the collector, core.bulk).
        if rows and columns is not None:
            self.conn.executemany(insert_sql, [(start + i, *row) for i, row in enumerate(rows)])
        elif rows:
            self.conn.executemany(
                insert_sql, [(start + i, parent_id, *row) for i, row in enumerate(rows)]
            )
        return content_digest(body or body_digest(rows), start, len(rows))

    def update(
        self,
        table: str,
        record_id: int,
        changes: Mapping[str, Any],
        *,
        reason: str = "",
        action: str = "update",
    ) -> dict[str, Any]:
        """Updates the changed fields of one row, one audit entry per field.

        Returns {field: old value} for the fields that actually changed (unchanged
        values write nothing).
        """
        info = self._info(table)
        unknown = set(changes) - set(info.columns)
        if unknown or "id" in changes:
            raise ValueError(
                f"cannot update {table} column(s) {sorted(unknown | {'id'} & set(changes))}"
            )
        names = list(changes)
        # Locked until the commit (on a server): the old value logged is the one replaced.
        current = self.conn.execute(
            f"SELECT {', '.join(names)} FROM {table} WHERE id = ?{self.db.engine.row_lock}",
            (record_id,),
        ).fetchone()
        if current is None:
            raise LookupError(f"{table} #{record_id} does not exist")
        changed: dict[str, Any] = {}
        for index, name in enumerate(names):
            old = current[index]
            new = _to_db(changes[name])
            if _plain(table, name, old) != _plain(table, name, new):
                changed[name] = (old, new)
        if not changed:
            return {}
        assignments = ", ".join(f"{name} = ?" for name in changed)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?",
            [new for _, new in changed.values()] + [record_id],
        )
        for name, (old, new) in changed.items():
            self._append(
                action,
                table,
                record_id,
                name,
                _dumps(_plain(table, name, old)),
                _dumps(_plain(table, name, new)),
                reason,
            )
        return {name: old for name, (old, _) in changed.items()}

    def update_many(
        self,
        table: str,
        record_ids: Sequence[int],
        changes: Mapping[str, Any],
        *,
        reason: str = "",
        action: str = "update",
    ) -> dict[int, dict[str, Any]]:
        """The same `changes` applied to many rows: as `update` once per id, in bulk.

        One query reads the current values, one executemany writes the rows that change,
        and the audit entries are exactly those the loop of `update` calls would write (per
        row in the given order, per changed field). Returns {id: {field: old value}} for
        the rows that changed. A missing id raises LookupError and writes nothing.
        """
        info = self._info(table)
        unknown = set(changes) - info.column_set
        if unknown or "id" in changes:
            raise ValueError(
                f"cannot update {table} column(s) {sorted(unknown | {'id'} & set(changes))}"
            )
        ids = [int(i) for i in record_ids]
        if len(set(ids)) != len(ids):
            raise ValueError(f"update_many: an id of {table} appears twice")
        names = list(changes)
        new_values = {name: _to_db(changes[name]) for name in names}
        new_plain = {name: _plain(table, name, value) for name, value in new_values.items()}
        new_json = {name: _dumps(value) for name, value in new_plain.items()}
        current: dict[int, tuple[Any, ...]] = {}
        select = (
            f"SELECT id, {', '.join(names)} FROM {table} "
            f"WHERE id IN (SELECT value FROM json_each(?)){self.db.engine.row_lock}"
        )
        for start in range(0, len(ids), _UPDATE_CHUNK):
            chunk = json.dumps(ids[start : start + _UPDATE_CHUNK])
            for row in self.conn.execute(select, (chunk,)):
                current[int(row[0])] = tuple(row[1:])
        for record_id in ids:
            if record_id not in current:
                raise LookupError(f"{table} #{record_id} does not exist")
        olds: dict[int, dict[str, Any]] = {}
        for record_id in ids:
            row = current[record_id]
            changed = {
                name: row[index]
                for index, name in enumerate(names)
                if _plain(table, name, row[index]) != new_plain[name]
            }
            if changed:
                olds[record_id] = changed
        if not olds:
            return {}
        assignments = ", ".join(f"{name} = ?" for name in names)
        values = [new_values[name] for name in names]
        self.conn.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = ?",
            [(*values, record_id) for record_id in olds],
        )
        for record_id, changed in olds.items():
            for name, old in changed.items():
                self._append(
                    action,
                    table,
                    record_id,
                    name,
                    _dumps(_plain(table, name, old)),
                    new_json[name],
                    reason,
                )
        return olds


def _utc_text(moment: datetime) -> str:
    """strftime("%Y-%m-%dT%H:%M:%S.%fZ") of the moment in UTC, by isoformat (the same
    text from year 1000 on, at half the cost on every audited write)."""
    utc = moment.astimezone(UTC)
    if utc.year < 1000:  # strftime writes such a year without its leading zeros
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@contextlib.contextmanager
def write(db: Store, actor: Actor, *, shared: bool = False) -> Iterator[Writer]:
    """An audited transaction; everything commits together or not at all.

    On a server, an audited transaction runs alone (`shared=False`: every service's
    check-then-write holds as on a file) or, `shared=True`, beside other shared ones: for
    a service whose checks each hold a row lock on what they protect (`Writer.lock`), so
    the only thing shared writes wait for is the chain head, locked for the append at
    the end. A file has one writer either way."""
    writers: list[Writer] = []
    # db.lock is held until the entries are noted below: a window's watch reads the
    # list under it (own_entries_between), so it never takes this connection's commit,
    # announced at once on a server, for another workstation's (ui/change_watch.py).
    with db.lock:
        with db.transaction(
            audited="shared" if shared else "alone",
            before_commit=lambda: writers[0].flush(at_commit=True),
        ) as conn:
            writer = Writer(db, conn, actor)
            writers.append(writer)
            yield writer
        mine = writer.appended()
        if mine is not None:
            note_own_entries(db, *mine)


def note_own_entries(db: Store, first: int, last: int) -> None:
    """Notes that this connection appended entries first..last (`own_entries_between`);
    under db.lock, held until the commit's entries are noted (see `write`)."""
    own: list[tuple[int, int]] = db.__dict__.setdefault("own_entries", [])
    own.append((first, last))
    del own[:-OWN_ENTRIES_KEPT]


def own_entries_between(db: Store, after: int, upto: int) -> int:
    """How many audit entries numbered after..upto this connection appended itself."""
    with db.lock:  # not while one of its transactions is committing (write)
        own: list[tuple[int, int]] = list(db.__dict__.get("own_entries", []))
    return sum(max(0, min(last, upto) - max(first, after + 1) + 1) for first, last in own)


# ---------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------


@dataclass
class AuditReport:
    """The outcome of `verify_audit`. `problem` is '' when ok."""

    ok: bool
    entries_checked: int
    first_broken_seq: int | None
    problem: str
    problems: list[str] = field(default_factory=list)
    head_seq: int = 0
    head_hash: str = GENESIS_HASH

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries_checked": self.entries_checked,
            "first_broken_seq": self.first_broken_seq,
            "problem": self.problem,
            "problems": list(self.problems),
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
        }


class _Findings:
    """Problems found; those in the chain itself outrank the replay's.

    When the chain is broken, the replay's complaints are consequences, and the entry to
    name is the first broken link; when the chain is intact, a replay mismatch names the
    last entry that set the value found changed in the tables.
    """

    LIMIT = 50

    def __init__(self) -> None:
        self.chain: list[tuple[int | None, str]] = []
        self.replay: list[tuple[int | None, str]] = []
        self.items = self.chain  # where add() goes

    def add(self, seq: int | None, message: str) -> None:
        if len(self.items) < self.LIMIT:
            self.items.append((seq, message))

    def report(self, checked: int, head_seq: int, head_hash: str) -> AuditReport:
        primary = self.chain or self.replay
        if not primary:
            return AuditReport(True, checked, None, "", [], head_seq, head_hash)
        seqs = [s for s, _ in primary if s is not None]
        first = min(seqs) if seqs else None
        ordered = sorted(primary, key=lambda item: (item[0] is None, item[0] or 0))
        if self.chain:
            ordered += self.replay
        messages = [m for _, m in ordered]
        return AuditReport(False, checked, first, messages[0], messages, head_seq, head_hash)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


class _Ticker:
    """Counts audit entries visited and reports every PROGRESS_EVERY of them.

    Each entry is visited twice — once by the chain walk, once by the replay — so the
    total is twice the number of entries; `progress(total, total)` ends a verification.
    """

    def __init__(self, total: int, progress: Progress | None, cancel: CancelCheck | None) -> None:
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancel = cancel
        self._next = PROGRESS_EVERY

    def tick(self) -> None:
        self.done += 1
        if self.done >= self._next:
            self._next += PROGRESS_EVERY
            self.report()

    def report(self) -> None:
        if self._cancel is not None and self._cancel():
            raise VerificationCancelled("audit verification cancelled")
        if self._progress is not None:
            # Entries appended while verifying (a reader sees a snapshot per statement)
            # must not push done past total.
            self._progress(min(self.done, self.total), self.total)


def verify_audit(
    db: Store, *, progress: Progress | None = None, cancel: CancelCheck | None = None
) -> AuditReport:
    """Re-walks the hash chain and replays the log against the live tables.

    `progress(done, total)` is called at the start, every PROGRESS_EVERY entries visited
    and at the end (done == total); `cancel()` is polled as often and, when it returns
    True, verification stops by raising `VerificationCancelled`.
    """
    findings = _Findings()
    # One read transaction: a writer in another process appends beside us, and each
    # statement seeing its own moment would report the newer entries as "missing".
    with db.lock, db.snapshot():
        conn = db.conn
        total = 0
        if progress is not None or cancel is not None:
            total = 2 * int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
        ticker = _Ticker(total, progress, cancel)
        ticker.report()
        checked, last_seq, last_hash = _walk_chain(conn, findings, ticker)
        head = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        if head is None:
            findings.add(None, "the audit head row is missing")
        else:
            head_seq, head_hash = int(head[0]), str(head[1])
            if head_seq > last_seq:
                findings.add(
                    last_seq + 1,
                    f"the audit log was truncated: it ends at entry {last_seq} but the head "
                    f"records {head_seq} entries (entries {last_seq + 1}–{head_seq} are missing)",
                )
            elif head_seq < last_seq or head_hash != last_hash:
                findings.add(
                    head_seq + 1 if head_seq < last_seq else last_seq,
                    f"the audit head (entry {head_seq}) does not match the last entry "
                    f"({last_seq}): the head or the log was altered",
                )
        findings.items = findings.replay
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        for table in audited_tables(version):
            _replay_table(conn, table, findings, ticker)
        for table, spec in content_tables(version).items():
            _check_content(conn, table, spec, findings)
        ticker.done = ticker.total
        ticker.report()
    return findings.report(checked, last_seq, last_hash)


def _walk_chain(
    conn: sqlite3.Connection, findings: _Findings, ticker: _Ticker
) -> tuple[int, int, str]:
    expected = 1
    prev = GENESIS_HASH
    checked = 0
    last_seq = 0
    cursor = conn.execute(
        "SELECT seq, at_utc, at_offset, user_id, username, action, table_name, record_id, "
        "field, old_value, new_value, reason, prev_hash, hash FROM audit_log ORDER BY seq"
    )
    for row in cursor:
        seq = int(row[0])
        checked += 1
        ticker.tick()
        if seq != expected:
            findings.add(
                expected,
                f"audit entry {expected} is missing: the log jumps from {expected - 1} to {seq}",
            )
        elif row[12] != prev:
            findings.add(
                seq,
                f"audit entry {seq} does not follow entry {seq - 1} (its previous-hash "
                "differs): entries were deleted, inserted or reordered",
            )
        digest = entry_hash(*tuple(row)[:13])
        if digest != row[13]:
            findings.add(seq, f"audit entry {seq} was altered: its content does not match its hash")
        prev = str(row[13])
        expected = seq + 1
        last_seq = seq
    return checked, last_seq, prev


def _live_plain(table: str, columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    return {c: _plain(table, c, v) for c, v in zip(columns, row, strict=True)}


def _replay_table(
    conn: sqlite3.Connection, table: str, findings: _Findings, ticker: _Ticker
) -> None:
    """Merge-joins the live rows (by id) with the table's entries (by record, seq)."""
    live_cursor = conn.execute(f"SELECT * FROM {table} ORDER BY id")
    columns = [d[0] for d in live_cursor.description]
    defaults = {
        str(r[1]): _parse_default(r[4]) for r in conn.execute(f"PRAGMA table_info({table})")
    }
    entries = conn.execute(
        "SELECT record_id, seq, field, old_value, new_value FROM audit_log "
        "WHERE table_name = ? ORDER BY record_id, seq",
        (table,),
    )
    live_iter = iter(live_cursor)
    live = next(live_iter, None)
    entry = next(entries, None)
    while live is not None or entry is not None:
        live_id = int(live[0]) if live is not None else None
        entry_id = int(entry[0]) if entry is not None else None
        if entry_id is None or (live_id is not None and live_id < entry_id):
            assert live is not None
            findings.add(
                None,
                f"{table} #{live_id} is in the table but not in the audit log "
                "(inserted behind the program's back)",
            )
            live = next(live_iter, None)
            continue
        # Replay every entry of record `entry_id`.
        state: dict[str, Any] | None = None
        last_seq = 0
        while entry is not None and int(entry[0]) == entry_id:
            _, seq, field_name, old_json, new_json = entry
            last_seq = int(seq)
            try:
                if field_name is None:
                    if state is not None:
                        findings.add(seq, f"audit entry {seq} inserts {table} #{entry_id} twice")
                    state = json.loads(new_json)
                elif state is None:
                    findings.add(
                        seq,
                        f"audit entry {seq} changes {table} #{entry_id} before it was inserted",
                    )
                else:
                    old = json.loads(old_json)
                    if state.get(field_name) != old:
                        findings.add(
                            seq,
                            f"audit entry {seq} changes {table} #{entry_id}.{field_name} from "
                            f"{_short(old)} but the replayed value is "
                            f"{_short(state.get(field_name))}: entries altered or reordered",
                        )
                    state[field_name] = json.loads(new_json)
            except (TypeError, ValueError):
                findings.add(seq, f"audit entry {seq} holds unreadable values")
            ticker.tick()
            entry = next(entries, None)
        if live_id == entry_id:
            assert live is not None
            actual = _live_plain(table, columns, live)
            if state is not None and len(state) < len(columns):
                # Columns added by a later migration: rows logged before it hold the
                # column's default (ALTER TABLE … ADD COLUMN … DEFAULT).
                for column in columns:
                    state.setdefault(column, defaults.get(column))
            if state is not None and actual != state:
                for column in columns:
                    if actual.get(column) != state.get(column):
                        findings.add(
                            last_seq,
                            f"{table} #{entry_id}.{column} is {_short(actual.get(column))} "
                            f"but the audit log (last entry {last_seq}) says "
                            f"{_short(state.get(column))}: changed behind the program's back",
                        )
                        break
            live = next(live_iter, None)
        else:
            findings.add(
                last_seq,
                f"{table} #{entry_id} is in the audit log (last entry {last_seq}) but missing "
                "from the table: deleted behind the program's back",
            )


def _check_content(
    conn: sqlite3.Connection, table: str, spec: tuple[str, str, str], findings: _Findings
) -> None:
    """Each parent's recorded digest must match its content rows as they are now."""
    parent, key, digest_column = spec
    for parent_id, recorded in conn.execute(
        f"SELECT id, {digest_column} FROM {parent} ORDER BY id"
    ).fetchall():
        rows = conn.execute(
            f"SELECT * FROM {table} WHERE {key} = ? ORDER BY id", (parent_id,)
        ).fetchall()
        ids = [int(r[0]) for r in rows]
        first = ids[0] if ids else 0
        consecutive = ids == list(range(first, first + len(ids)))
        body = body_digest([tuple(r)[2:] for r in rows])
        if not consecutive or content_digest(body, first, len(rows)) != recorded:
            findings.add(
                None,
                f"the {table} rows of {parent} #{parent_id} do not match the digest recorded "
                f"in the audit log ({len(rows)} rows now): changed behind the program's back",
            )
    orphans = conn.execute(
        f"SELECT count(*) FROM {table} WHERE {key} NOT IN (SELECT id FROM {parent})"
    ).fetchone()[0]
    if orphans:
        findings.add(None, f"{orphans} {table} rows belong to no {parent} row")
