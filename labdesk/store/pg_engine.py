"""PostgreSQL behind the store: a psycopg connection that behaves like sqlite3's.

`PgConnection.execute()` takes the program's SQLite-dialect SQL (translated once per
statement text by `pg_sql.translate`) and returns a psycopg cursor whose rows index by
position and by column name, like `sqlite3.Row`. The connection is in autocommit mode
and the store issues BEGIN/COMMIT itself, exactly as with sqlite3's
`isolation_level=None`. Integral numerics (what `sum()` of integers returns) come back
as `int`, as from SQLite.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import psycopg
from psycopg import adapt, pq

from labdesk.store import pg_sql
from labdesk.store.engine import Connection, Engine, ServerUrl
from labdesk.store.errors import DatabaseBusy, ServerAway, StoreError

CONNECT_TIMEOUT_S = 10
# How long a statement waits for another workstation's lock before the server refuses it
# (DatabaseBusy, tried again up to services/busy.ATTEMPTS times). The waits are on the
# GUI thread: 3 × 30 s froze a desk for up to ~90 s. The changes that run alone and so
# hold everyone else's entries measure well under that (a limit file of 10,000 rows
# ≈ 0.3 s, a sample's registration with its 150 items tens of ms: docs/performance.md);
# a lock held for many seconds is a stuck workstation's (below) or someone's by hand.
# 10 s a try keeps a desk's longest freeze at ~30 s; what waited longer stays with the
# user (the grid keeps a refused value and tries it again; other changes say so).
LOCK_TIMEOUT_S = 10
# A workstation that stopped in the middle of a transaction (hung, or paused in a
# debugger) would hold its locks for ever, and every other desk would meet them; the
# server ends such a session after this long idle inside a transaction (its change rolled
# back whole; that workstation is told the link was lost). No change of this program
# waits for the user inside a transaction, and its statements follow each other within
# milliseconds.
IDLE_IN_TRANSACTION_S = 120
# Any key fits: the number only has to be the same in every LabDesk process.
_MIGRATION_LOCK = 0x4C44534B
# Held by every audited transaction: exclusive (it runs alone, as on a file) or shared
# (beside other shared ones, its checks holding row locks): audit.write.
_AUDITED_LOCK = 0x4C44534C


def id_sequence(table: str) -> str:
    """The sequence of a table's ids."""
    return f"labdesk_id_{table}"


# The Writer's pending entries appended in one call (Writer.flush): the head locked, each
# entry's seq, prev_hash and hash computed here — the same text as audit.entry_hash: the
# JSON middle part comes built from the program, seq is an integer's decimal digits and
# prev_hash hex — the rows inserted and the head moved. Sent in one pipeline with the
# COMMIT, the head's lock is held only while the server works.


def _entry_hash(seq: str, middle: str, prev: str, old: str, new: str) -> str:
    """The SQL of an entry's hash (audit.entry_hash's text) from the SQL of its parts."""
    return (
        f"encode(sha256(convert_to('[' || {seq} || ',' || {middle} || ',\"' || {prev} "
        f"|| '\"]' || chr(10) || coalesce({old}, '') || chr(10) || coalesce({new}, ''), "
        "'UTF8')), 'hex')"
    )


APPEND = f"""
CREATE OR REPLACE FUNCTION labdesk_append(
  p_middle text[], p_at_utc text[], p_at_offset text[], p_user_id bigint[],
  p_username text[], p_action text[], p_table text[], p_record bigint[], p_field text[],
  p_old text[], p_new text[], p_reason text[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  s bigint;
  h text;
  d text;
  first bigint;
BEGIN
  SELECT seq, hash INTO s, h FROM audit_head WHERE id = 1 FOR UPDATE;
  first := s + 1;
  FOR i IN 1 .. coalesce(cardinality(p_middle), 0) LOOP
    s := s + 1;
    d := {_entry_hash("s", "p_middle[i]", "h", "p_old[i]", "p_new[i]")};
    INSERT INTO audit_log (seq, at_utc, at_offset, user_id, username, action, table_name,
        record_id, field, old_value, new_value, reason, prev_hash, hash)
      VALUES (s, p_at_utc[i], p_at_offset[i], p_user_id[i], p_username[i], p_action[i],
        p_table[i], p_record[i], p_field[i], p_old[i], p_new[i], p_reason[i], h, d);
    h := d;
  END LOOP;
  UPDATE audit_head SET seq = s, hash = h WHERE id = 1;
  RETURN first;
END $$
"""
# The arrays go in binary (%b): psycopg quotes and escapes every element of a text array
# in Python, about half the client's cost of the call (measured: 90 → 45 µs for 12 arrays).
_APPEND_CALL = (
    "SELECT labdesk_append(%b::text[], %b::text[], %b::text[], %b::bigint[], %b::text[], "
    "%b::text[], %b::text[], %b::bigint[], %b::text[], %b::text[], %b::text[], %b::text[])"
)
_APPEND_SIGNATURE = (
    "labdesk_append(text[],text[],text[],bigint[],text[],text[],text[],bigint[],text[],"
    "text[],text[],text[])"
)


def _one_id(variable: str, table: str) -> str:
    """PL/pgSQL setting `variable` to a new id of `table`: labdesk_take_ids' one-id
    case written out (a call of it costs more than its work), the function itself
    when rows that brought their own ids are past the sequence."""
    # The lock (labdesk_take_ids) is taken by the row max(id) is read for: one
    # statement; the sequence's next comes after it.
    return (
        f"SELECT (SELECT coalesce(max(id), 0) FROM {table}) INTO top\n"
        "    FROM (SELECT pg_advisory_xact_lock_shared(1279546188, "
        f"hashtext('{table}'))) AS held;\n"
        f"  {variable} := nextval('{id_sequence(table)}');\n"
        f"  IF {variable} <= top THEN\n"
        f"    {variable} := labdesk_take_ids('{table}', 1);\n"
        "  END IF;"
    )


# The results columns after the id as labdesk_enter_first takes them, each with its
# type: the row inserted from values bound one by one (the server's reading of the row's
# JSON, json_populate_record, cost a sixth of the call: ~20 of ~120 µs, measured).
# FirstResult writes through it only while these are the table's columns, in order.
FIRST_RESULT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("sample_item_id", "bigint"),
    ("attempt", "bigint"),
    ("kind", "text"),
    ("text", "text"),
    ("verdict", "text"),
    ("compared", "text"),
    ("rounded", "text"),
    ("display", "text"),
    ("explanation_zh", "text"),
    ("explanation_en", "text"),
    ("report_only", "bigint"),
    ("instrument", "text"),
    ("method", "text"),
    ("entered_by", "bigint"),
    ("entered_at", "text"),
    ("reason", "text"),
    ("superseded_by", "bigint"),
    ("converted", "text"),
    ("pending", "text"),
)
_RESULT_PARAMS = ", ".join(f"r_{name} {kind}" for name, kind in FIRST_RESULT_COLUMNS)
_RESULT_INSERT = (
    "INSERT INTO results (id, "
    + ", ".join(name for name, _ in FIRST_RESULT_COLUMNS)
    + ")\n      VALUES (rid, "
    + ", ".join(f"r_{name}" for name, _ in FIRST_RESULT_COLUMNS)
    + ")"
)

# A result decided on rows read before (store/first_result.py), written in one
# statement: the checks of a shared write (audit.write) made again here, under the same
# locks, on what the decision relied on — no write that runs alone has begun since the
# read (write_epoch; such writes alone change items, authorizations and runs), the
# sample is still in the state read (its row locked as `Writer.lock` locks it) and the
# item still has no current result. Then, as the program's Writer would: the sample
# moved to testing with its event (when asked), the result inserted, and their audit
# entries appended in that order. The result's row is inserted from its values, the
# event's from the JSON its entry logs, each with the id the server takes; the program
# gives the result's JSON and values from one row (Writer.new_row_entry). NULL when a
# check fails: nothing is written and the program takes its general path. Few
# statements, since each costs the server its start and end: 6 → 3 on the common path,
# with the values bound, 132 → 118 µs of the server's CPU a call (its backend's, from
# /proc, 4,168 calls, one client alone; the whole benchmark's noise is wider than that).
ENTER_FIRST = f"""
CREATE OR REPLACE FUNCTION labdesk_enter_first(
  p_item bigint, p_sample bigint, p_state text, p_epoch bigint, p_to_state text,
  p_at_utc text, p_at_offset text, p_user_id bigint, p_username text,
  p_move_action text, p_move_reason text, p_move_middle text, p_move_old text,
  p_move_new text, p_event_json text, p_event_before text, p_event_after text,
  p_action text, p_reason text, p_result_json text, p_result_before text,
  p_result_after text, {_RESULT_PARAMS},
  OUT o_result bigint, OUT o_first bigint, OUT o_last bigint)
LANGUAGE plpgsql AS $$
DECLARE
  st text;
  epoch bigint;
  taken boolean;
  ev bigint;
  ev_json text;
  rid bigint;
  res_json text;
  first bigint;
  top bigint;
  s bigint;
BEGIN
  -- The audited writers' lock (shared; labdesk_take_ids' comment), then the sample's row,
  -- in that order (as audit.write takes them), in one statement.
  SELECT (SELECT state FROM samples WHERE id = p_sample FOR UPDATE) INTO st
    FROM (SELECT pg_advisory_xact_lock_shared({_AUDITED_LOCK})) AS held;
  -- A statement of its own after the locks: what they waited for is seen. With the
  -- checks, the results' max(id) under their id lock (_one_id's).
  SELECT (SELECT n FROM write_epoch WHERE id = 1),
      EXISTS (SELECT 1 FROM results WHERE sample_item_id = p_item AND superseded_by IS NULL),
      (SELECT coalesce(max(id), 0) FROM results)
    INTO epoch, taken, top
    FROM (SELECT pg_advisory_xact_lock_shared(1279546188, hashtext('results'))) AS held;
  IF st IS DISTINCT FROM p_state OR epoch IS DISTINCT FROM p_epoch OR taken THEN
    RETURN;  -- nothing written: the three answers NULL
  END IF;
  rid := nextval('{id_sequence("results")}');
  IF rid <= top THEN
    rid := labdesk_take_ids('results', 1);
  END IF;
  res_json := '{{"id":' || rid || p_result_json;
  IF p_to_state IS NULL THEN
    -- One entry: labdesk_append's steps written out (no arrays to build and take apart),
    -- with the row's INSERT. One statement: the head locked (its latest row, also after
    -- waiting for it), the entry chained onto it and inserted, the head moved.
    WITH r AS ({_RESULT_INSERT}),
    h AS (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE),
    e AS (
      INSERT INTO audit_log (seq, at_utc, at_offset, user_id, username, action, table_name,
          record_id, field, old_value, new_value, reason, prev_hash, hash)
        SELECT h.seq + 1, p_at_utc, p_at_offset, p_user_id, p_username, p_action, 'results',
          rid, NULL, NULL, res_json, p_reason, h.hash,
          {
    _entry_hash(
        "(h.seq + 1)", "(p_result_before || rid || p_result_after)", "h.hash", "NULL", "res_json"
    )
}
        FROM h
      RETURNING seq, hash)
    UPDATE audit_head SET seq = e.seq, hash = e.hash FROM e WHERE audit_head.id = 1
      RETURNING e.seq INTO s;
    o_result := rid;
    o_first := s;
    o_last := s;
    RETURN;
  END IF;
  UPDATE samples SET state = p_to_state WHERE id = p_sample;
  {_one_id("ev", "sample_events")}
  ev_json := '{{"id":' || ev || p_event_json;
  INSERT INTO sample_events
    SELECT * FROM json_populate_record(NULL::sample_events, ev_json::json);
  {_RESULT_INSERT};
  first := labdesk_append(
    ARRAY[p_move_middle, p_event_before || ev || p_event_after,
          p_result_before || rid || p_result_after],
    ARRAY[p_at_utc, p_at_utc, p_at_utc], ARRAY[p_at_offset, p_at_offset, p_at_offset],
    ARRAY[p_user_id, p_user_id, p_user_id], ARRAY[p_username, p_username, p_username],
    ARRAY[p_move_action, p_move_action, p_action], ARRAY['samples', 'sample_events', 'results'],
    ARRAY[p_sample, ev, rid], ARRAY['state', NULL, NULL], ARRAY[p_move_old, NULL, NULL],
    ARRAY[p_move_new, ev_json, res_json], ARRAY[p_move_reason, p_move_reason, p_reason]);
  o_result := rid;
  o_first := first;
  o_last := first + 2;
END $$
"""
_ENTER_FIRST_CALL = (
    "SELECT * FROM labdesk_enter_first("
    + ", ".join(["%s"] * (22 + len(FIRST_RESULT_COLUMNS)))
    + ")"
)
_ENTER_FIRST_SIGNATURE = (
    "labdesk_enter_first(bigint,bigint,text,bigint,text,text,text,bigint,text,text,text,"
    "text,text,text,text,text,text,text,text,text,text,text,"
    + ",".join(kind for _, kind in FIRST_RESULT_COLUMNS)
    + ")"
)
# What an older LabDesk made for the same work (dropped when this program's is made).
_OLD_ENTER_FIRST = (
    "labdesk_enter_first(bigint,bigint,text,bigint,text,text,text,bigint,text,text,text,text,"
    "text,text,text,text,text,text,text,text,text,text)"
)

# Every audited commit moves the head: its new seq is announced on this channel (NOTIFY
# is delivered at commit, never for a transaction rolled back), so a window waiting with
# LISTEN learns of another workstation's change at once instead of at its next poll.
CHANGE_CHANNEL = "labdesk_audit"
NOTIFY_HEAD = (
    "CREATE OR REPLACE FUNCTION labdesk_audit_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN PERFORM pg_notify('{CHANGE_CHANNEL}', NEW.seq::text); RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS labdesk_audit_notify ON audit_head",
    "CREATE TRIGGER labdesk_audit_notify AFTER UPDATE ON audit_head FOR EACH ROW "
    "EXECUTE FUNCTION labdesk_audit_notify()",
)
# A plan's units kept as a draft (store/drafts.py) are unaudited, so they move no head:
# each draft row written or deleted announces its item here, with the writing server
# process (the notification's pid), for the windows that show it (ui/change_watch.py).
DRAFTS_CHANNEL = "labdesk_drafts"
NOTIFY_DRAFTS = (
    "CREATE OR REPLACE FUNCTION labdesk_drafts_notify() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN IF TG_OP = 'DELETE' THEN "
    f"PERFORM pg_notify('{DRAFTS_CHANNEL}', OLD.sample_item_id::text); "
    f"ELSE PERFORM pg_notify('{DRAFTS_CHANNEL}', NEW.sample_item_id::text); END IF; "
    "RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS labdesk_drafts_notify ON unit_drafts",
    "CREATE TRIGGER labdesk_drafts_notify AFTER INSERT OR UPDATE OR DELETE ON unit_drafts "
    "FOR EACH ROW EXECUTE FUNCTION labdesk_drafts_notify()",
)


def take_ids_function(tables: Sequence[str]) -> str:
    """`labdesk_take_ids(tbl, n)`: the first of `n` new consecutive ids of `tbl`.

    The sequence hands out ids that no other transaction can take; the table's max(id)
    keeps it ahead of rows inserted with their own ids (`store copy`, a restore). A block
    wider than one id must not interleave with another session's, hence the advisory
    lock, held only for these statements (a session lock, released on error too: a
    transaction lock would be held until the commit and serialize every writer of the
    table again). One id, the common case, is the sequence's next while the sequence is
    ahead of max(id): it takes that lock shared, for its transaction, so no block moves
    the sequence between its nextval and its max(id) (measured in a loop: 20 µs a call
    with the subtransaction and the session lock, 12 µs for nextval and max(id)). Each
    table of the schema has its own static statements (their plans are cached for the
    session), half the server's time of one `EXECUTE format(…)` planned anew at every
    call (measured: 73 → 37 µs a call); a table not named falls back to that."""
    branches = "".join(
        f"    {'IF' if index == 0 else 'ELSIF'} tbl = '{table}' THEN\n"
        f"      SELECT coalesce(max(id), 0) INTO top FROM {table};\n"
        f"      taken := nextval('{id_sequence(table)}');\n"
        for index, table in enumerate(tables)
    )
    fallback = (
        "EXECUTE format('SELECT coalesce(max(id), 0) FROM %I', tbl) INTO top;\n"
        "      taken := nextval(('labdesk_id_' || tbl)::regclass);\n"
    )
    chooser = f"{branches}    ELSE\n      {fallback}    END IF;\n" if tables else fallback
    return f"""
CREATE OR REPLACE FUNCTION labdesk_take_ids(tbl text, n bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  top bigint;
  taken bigint;
  first bigint;
BEGIN
  IF n = 1 THEN
    -- One id: the sequence's next, when no row that brought its own id is past it. The
    -- lock (shared, until the commit) keeps a block from being taken past such rows
    -- meanwhile (below), whose ids the sequence would then hand out again: that waits
    -- for this transaction, and this for it. No session lock to release on an error.
    PERFORM pg_advisory_xact_lock_shared(1279546188, hashtext(tbl));
{chooser}    IF taken > top THEN
      RETURN taken;
    END IF;
  END IF;
  PERFORM pg_advisory_lock(1279546188, hashtext(tbl));
  BEGIN
{chooser}    first := greatest(taken, top + 1);
    IF n > 1 OR first <> taken THEN
      PERFORM setval(('labdesk_id_' || tbl)::regclass, first + n - 1);
    END IF;
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(1279546188, hashtext(tbl));
    RAISE;
  END;
  PERFORM pg_advisory_unlock(1279546188, hashtext(tbl));
  RETURN first;
END $$
"""


def functions_mark(tables: Sequence[str]) -> str:
    """What the server functions of this program are, as a short digest kept in the
    comment of `labdesk_take_ids`: a database whose functions an older LabDesk made (or
    made for other tables) gets this program's on open (PostgresEngine.prepare)."""
    text = "\n".join((take_ids_function(tables), APPEND, ENTER_FIRST, *NOTIFY_HEAD, *NOTIFY_DRAFTS))
    return "labdesk " + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class _RowBase(tuple[Any, ...]):
    """A result row: by position, or by (case-insensitive) column name, like sqlite3.Row."""

    __slots__ = ()
    _index: ClassVar[dict[str, int]] = {}
    _names: ClassVar[tuple[str, ...]] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            # The names as the statement spelled them are in the index too: most lookups
            # (dict(row) among them) need no lower() (measured: a fifth of reading an
            # item's row by name).
            index = self._index.get(key)
            if index is None:
                index = self._index.get(key.lower())
                if index is None:
                    raise IndexError(f"No item with that key: {key}")
            return tuple.__getitem__(self, index)
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


_ROW_CLASSES: dict[tuple[str, ...], type[_RowBase]] = {}


def _row_class(names: tuple[str, ...]) -> type[_RowBase]:
    cls = _ROW_CLASSES.get(names)
    if cls is None:
        index: dict[str, int] = {}
        for position, name in enumerate(names):
            index.setdefault(name.lower(), position)
        for name in names:  # the first column of that name, whatever its case (sqlite3.Row)
            index.setdefault(name, index[name.lower()])
        cls = type("Row", (_RowBase,), {"__slots__": (), "_index": index, "_names": names})
        if len(_ROW_CLASSES) < 2048:
            _ROW_CLASSES[names] = cls
    return cls


def _row_factory(cursor: Any) -> Any:
    # The names straight from the result: `cursor.description` builds a Column object
    # per column on every statement (a tenth of the client's time per result entry).
    result = cursor.pgresult
    if result is None or not result.nfields:
        return tuple
    fname = result.fname
    encoding = getattr(cursor, "_encoding", "utf-8")  # the client encoding (psycopg's)
    return _row_class(tuple(fname(i).decode(encoding) for i in range(result.nfields)))


class _IntegralNumericLoader(adapt.Loader):
    """numeric → int when integral (sum of integers), else Decimal (never float)."""

    def load(self, data: Any) -> Any:
        value = Decimal(bytes(data).decode("ascii"))
        if value == value.to_integral_value() and "." not in str(value) and "E" not in str(value):
            return int(value)
        return value


def _without_nul(translated: pg_sql.Translated, parameters: Any) -> Any:
    """PostgreSQL text cannot hold a NUL character (SQLite's can). A lookup with one can
    match nothing stored, so it looks for U+FFFE instead (a noncharacter, which typed text
    never holds); a write with one is refused plainly instead of failing in the driver."""
    values = parameters.values() if isinstance(parameters, dict) else parameters
    if not any(isinstance(v, str) and "\x00" in v for v in values):
        return parameters
    if translated.sql.lstrip()[:6].upper() not in ("SELECT", "WITH"):
        raise StoreError(
            "a text holds a NUL character (\\x00), which the database server cannot store: "
            "remove it and try again (文本含有空字符，无法保存)"
        )

    def clean(value: Any) -> Any:
        return value.replace("\x00", "\ufffe") if isinstance(value, str) else value

    if isinstance(parameters, dict):
        return {key: clean(value) for key, value in parameters.items()}
    return [clean(value) for value in parameters]


def _params(translated: pg_sql.Translated, parameters: Any) -> Any:
    parameters = _without_nul(translated, parameters)
    if translated.numbered:
        return {f"p{i}": value for i, value in enumerate(parameters, start=1)}
    if translated.named:
        return dict(parameters)
    return tuple(parameters) if not isinstance(parameters, tuple) else parameters


class PgConnection:
    """A psycopg connection speaking the store's dialect (see the module docstring)."""

    def __init__(self, raw: psycopg.Connection[Any], target: ServerUrl, *, readonly: bool) -> None:
        self.raw = raw
        self.target = target
        self.readonly = readonly
        # Foreign keys to tables a migration creates later: (target table, ALTER …).
        self._pending_keys: list[tuple[str, str]] = []
        self._open_tx = False
        self.listening = False  # LISTEN issued on this link (wait_for_change)
        self.draft_writers: set[int] = set()  # server processes announced writing drafts
        # The cursor of first results (enter_first), kept: one made per entry cost more.
        self.entry_cursor: psycopg.Cursor[Any] | None = None

    @property
    def lost(self) -> bool:
        return self.raw.closed or self.raw.broken

    @property
    def in_transaction(self) -> bool:
        if self.lost:  # the server rolled back; the ROLLBACK still closes ours (below)
            return self._open_tx
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def _reconnect(self) -> None:
        """A connection the server or network dropped is replaced before the next
        statement; the statement that met the break failed (StoreError), and the server
        rolled its transaction back, so nothing was half-written."""
        with contextlib.suppress(psycopg.Error):
            self.raw.close()
        self.raw = _raw_connect(self.target, readonly=self.readonly)
        self.listening = False

    def _check_link(self, sql: str) -> bool:
        """Reconnects a lost link between transactions; inside one, refuses (the rest of
        the transaction must never run on a new connection, in autocommit). False when
        the statement is a ROLLBACK that the lost link already did."""
        if self.lost:
            if self._open_tx:
                if sql.strip().upper() == "ROLLBACK":
                    self._open_tx = False
                    return False
                raise psycopg.OperationalError("the connection was lost inside a transaction")
            self._reconnect()
        return True

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        if not self._check_link(sql):
            return None
        translated = pg_sql.translate(sql)
        word = translated.sql[:8].upper()
        if word.startswith(("COMMIT", "ROLLBACK")):
            self._open_tx = False  # the attempt ends the transaction, whatever its outcome
        if translated.ddl:
            return self._ddl(translated.sql, translated.after)
        cursor = self.raw.cursor(row_factory=_row_factory)
        cursor.execute(translated.sql, _params(translated, parameters))
        if word.startswith("BEGIN"):
            # Only once the server began it: a BEGIN that met a dropped link began
            # nothing, and marking it open would refuse every later statement as
            # "lost inside a transaction" instead of reconnecting.
            self._open_tx = True
        return cursor

    def begin_with(self, statements: str) -> None:
        """BEGIN and the statements after it (PostgreSQL's own SQL, no parameters) sent
        as one simple query: one round trip."""
        self._check_link("BEGIN")
        self.raw.execute(statements)
        self._open_tx = True  # as in execute: only once the server began it

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        self._check_link(sql)
        translated = pg_sql.translate(sql)
        cursor = self.raw.cursor(row_factory=_row_factory)
        rows = [_params(translated, p) for p in parameters]
        if rows:
            cursor.executemany(translated.sql, rows)
        return cursor

    def cursor(self) -> _Cursor:
        """A cursor as sqlite3's `conn.cursor()`: execute() speaks the store's dialect."""
        return _Cursor(self)

    def _ddl(self, sql: str, after: tuple[str, ...] = ()) -> Any:
        exists = set(self.tables())
        statement, later = pg_sql.split_forward_keys(sql, exists)
        cursor = self.raw.cursor()
        cursor.execute(statement.replace("%%", "%"))
        for statement_after in after:
            cursor.execute(statement_after)
        for target_table, alter in ((a.split("REFERENCES ")[1].split(" ")[0], a) for a in later):
            self._pending_keys.append((target_table, alter))
        if self._pending_keys:
            exists = set(self.tables())
            still: list[tuple[str, str]] = []
            for target_table, alter in self._pending_keys:
                if target_table in exists:
                    cursor.execute(alter)
                else:
                    still.append((target_table, alter))
            self._pending_keys = still
        return cursor

    def tables(self) -> list[str]:
        cursor = self.raw.execute(
            "SELECT table_name::text FROM information_schema.tables "
            "WHERE table_schema = current_schema()"
        )
        return [str(r[0]) for r in cursor.fetchall()]

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.raw.close()


class _Cursor:
    """`conn.cursor()` for code written against sqlite3 (row_factory None: plain tuples)."""

    def __init__(self, conn: PgConnection) -> None:
        self._conn = conn
        self._cursor: Any = None
        self.row_factory: Any = None

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        self._conn._check_link(sql)
        translated = pg_sql.translate(sql)
        self._cursor = self._conn.raw.cursor()
        self._cursor.execute(translated.sql, _params(translated, parameters))
        return self

    @property
    def description(self) -> Any:
        return None if self._cursor is None else self._cursor.description

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def fetchmany(self, size: int = 1) -> list[Any]:
        return list(self._cursor.fetchmany(size))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


def connect(target: ServerUrl, *, readonly: bool) -> PgConnection:
    return PgConnection(_raw_connect(target, readonly=readonly), target, readonly=readonly)


def _raw_connect(target: ServerUrl, *, readonly: bool) -> psycopg.Connection[Any]:
    try:
        raw = psycopg.connect(
            target.url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="labdesk",
        )
    except psycopg.OperationalError as exc:
        message, away = _connect_message(target, exc)
        raise (ServerAway(message) if away else StoreError(message)) from exc
    raw.adapters.register_loader("numeric", _IntegralNumericLoader)
    # No statement waits on a lock for ever, and no stuck session holds one for ever: one
    # round trip (SET statements, not the startup packet's `options`, which connection
    # poolers such as PgBouncer refuse by default).
    settings = (
        f"SET lock_timeout = '{LOCK_TIMEOUT_S}s'; "
        f"SET idle_in_transaction_session_timeout = '{IDLE_IN_TRANSACTION_S}s'"
        + ("; SET default_transaction_read_only = on" if readonly else "")
    )
    try:
        raw.execute(settings)
    except psycopg.Error as exc:
        # The link lost just after it was made (the server restarting, say) is the
        # server away, as for the connect itself: whoever opens says so and tries again.
        raw.close()
        if isinstance(exc, psycopg.OperationalError):
            raise ServerAway(
                f"{target}: the connection to the database server was lost as it was made "
                "— try again (与数据库服务器的连接中断)"
            ) from exc
        raise
    return raw


def _connect_message(target: ServerUrl, exc: psycopg.OperationalError) -> tuple[str, bool]:
    """The plain message, and whether the server is away (as opposed to refusing us)."""
    text = str(exc).strip()
    low = text.lower()
    away = False
    if "password authentication failed" in low or "no password supplied" in low:
        plain = (
            "the server refused the user name or password: check ~/.pgpass or PGPASSWORD "
            "(用户名或密码错误)"
        )
    elif "does not exist" in low and "database" in low:
        plain = (
            "the server has no such database: create it first (docs/deployment.md) (数据库不存在)"
        )
    elif "role" in low and "does not exist" in low:
        plain = (
            "the server has no such user (role): ask the administrator to create it (用户不存在)"
        )
    elif any(
        needle in low
        for needle in ("could not connect", "connection refused", "timeout", "no such file")
    ):
        plain = (
            "the database server cannot be reached: check the address and that the server "
            "is running (无法连接数据库服务器)"
        )
        away = True
    elif any(
        needle in low
        for needle in (
            "not currently accepting connections",
            "the database system is starting up",
            "the database system is shutting down",
            "the database system is in recovery mode",
        )
    ):
        # Up but not taking connections now (a restart, maintenance): away for a while.
        plain = (
            "the database server is not taking connections now (restarting or in "
            "maintenance): try again shortly (数据库服务器暂时不接受连接)"
        )
        away = True
    else:
        plain = "the database server refused the connection (数据库服务器拒绝连接)"
    first = text.splitlines()[0] if text else ""
    return f"{target}: {plain} [{first}]", away


class PostgresEngine(Engine):
    name = "postgresql"
    is_file = False
    errors: tuple[type[BaseException], ...] = (psycopg.Error,)
    integrity_errors: tuple[type[BaseException], ...] = (psycopg.errors.IntegrityError,)
    # Every audited transaction locks the chain head to append: one order for all.
    head_select = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
    row_lock = " FOR UPDATE"

    def row_lock_of(self, alias: str) -> str:
        return f" FOR UPDATE OF {alias}"

    def take_ids(self, conn: Connection, table: str, count: int, known: int | None) -> int:
        # Reserved anew each time: a later block of this transaction need not follow on.
        return int(conn.execute("SELECT labdesk_take_ids(?, ?)", (table, count)).fetchone()[0])

    ids_on_insert = True

    def insert_taking_id(self, conn: Connection, table: str, sql: str, row: Sequence[Any]) -> int:
        # The id from labdesk_take_ids inside the INSERT, read back with RETURNING.
        head, values, rest = sql.partition(" VALUES (?")
        if not values:
            raise ValueError(f"not an INSERT of a row's values: {sql!r}")
        statement = f"{head} VALUES (labdesk_take_ids('{table}', 1){rest} RETURNING id"
        return int(conn.execute(statement, tuple(row[1:])).fetchone()[0])

    def prepare(self, conn: Connection, tables: Sequence[str], *, check_only: bool = False) -> bool:
        assert isinstance(conn, PgConnection)
        names = [id_sequence(t) for t in tables]
        mark = functions_mark(tables)
        row = conn.raw.execute(
            "SELECT to_regprocedure('labdesk_take_ids(text,bigint)') IS NULL "
            f"OR to_regprocedure('{_APPEND_SIGNATURE}') IS NULL "
            f"OR to_regprocedure('{_ENTER_FIRST_SIGNATURE}') IS NULL "
            "OR obj_description(to_regprocedure('labdesk_take_ids(text,bigint)'), 'pg_proc') "
            "IS DISTINCT FROM %s, array("
            "SELECT name FROM unnest(%s::text[]) AS s(name) WHERE to_regclass(name) IS NULL), "
            "NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'labdesk_audit_notify' "
            "AND tgrelid = to_regclass('audit_head'))",
            (mark, names),
        ).fetchone()
        assert row is not None
        absent = set(row[1])
        missing = bool(row[0] or absent or row[2])
        if check_only or not missing:
            return missing
        for table, name in zip(tables, names, strict=True):
            if name not in absent:
                continue  # never moved back: other sessions may hold ids from it
            conn.raw.execute(f"CREATE SEQUENCE {name}")
            # Ahead of the rows already there (a database made before the sequences).
            conn.raw.execute(
                f"SELECT setval('{name}', greatest(max(id), 1), max(id) IS NOT NULL) FROM {table}"
            )
        # After the sequences: the function names each of them.
        conn.raw.execute(take_ids_function(tables))
        conn.raw.execute(f"COMMENT ON FUNCTION labdesk_take_ids(text, bigint) IS '{mark}'")
        conn.raw.execute(APPEND)
        # (an older one answered an array: its result type cannot be replaced)
        conn.raw.execute(f"DROP FUNCTION IF EXISTS {_ENTER_FIRST_SIGNATURE}")
        conn.raw.execute(f"DROP FUNCTION IF EXISTS {_OLD_ENTER_FIRST}")
        conn.raw.execute(ENTER_FIRST)
        for statement in (*NOTIFY_HEAD, *NOTIFY_DRAFTS):
            conn.raw.execute(statement)
        return True

    def pipeline(self, conn: Connection) -> contextlib.AbstractContextManager[Any]:
        assert isinstance(conn, PgConnection)
        conn._check_link("")  # a link lost inside the transaction refuses here
        return conn.raw.pipeline()

    def append_audit(
        self, conn: Connection, entries: list[tuple[Any, ...]], first: bool
    ) -> Callable[[], tuple[int, int]] | None:
        assert isinstance(conn, PgConnection)
        conn._check_link("")
        columns = [list(column) for column in zip(*entries, strict=True)]
        cursor = conn.raw.cursor()
        cursor.execute(_APPEND_CALL, columns)
        count = len(entries)

        def answer() -> tuple[int, int]:
            row = cursor.fetchone()
            assert row is not None
            return int(row[0]), int(row[0]) + count - 1

        return answer

    one_statement_entries = True
    first_result_columns = tuple(name for name, _ in FIRST_RESULT_COLUMNS)

    def enter_first(self, conn: Connection, params: Sequence[Any]) -> list[int] | None:
        """labdesk_enter_first (ENTER_FIRST) in autocommit: its own transaction, one round
        trip. [result id, first entry, last entry], or None when a check failed."""
        assert isinstance(conn, PgConnection)
        conn._check_link("SELECT")  # a lost link between transactions: reconnect
        cursor = conn.entry_cursor
        if cursor is None or cursor.connection is not conn.raw:  # (a new link since)
            cursor = conn.entry_cursor = conn.raw.cursor()
        row = cursor.execute(_ENTER_FIRST_CALL, params).fetchone()
        return None if row is None or row[0] is None else [row[0], row[1], row[2]]

    def wait_for_change(self, conn: Connection, timeout: float) -> bool:
        assert isinstance(conn, PgConnection)
        conn._check_link("")
        if not conn.listening:
            conn.raw.execute(f"LISTEN {CHANGE_CHANNEL}; LISTEN {DRAFTS_CHANNEL}")
            conn.listening = True
        announced = False
        for notify in conn.raw.notifies(timeout=timeout, stop_after=1):
            announced = True
            self._note(conn, notify)
        if announced:  # a burst of commits: one wake-up
            for notify in conn.raw.notifies(timeout=0.0):
                self._note(conn, notify)
        return announced

    @staticmethod
    def _note(conn: PgConnection, notify: psycopg.Notify) -> None:
        if notify.channel == DRAFTS_CHANNEL:
            conn.draft_writers.add(notify.pid)

    def take_draft_writers(self, conn: Connection) -> set[int]:
        assert isinstance(conn, PgConnection)
        writers, conn.draft_writers = conn.draft_writers, set()
        return writers

    def backend_id(self, conn: Connection) -> int | None:
        assert isinstance(conn, PgConnection)
        return None if conn.lost else int(conn.raw.info.backend_pid)

    def begin_write(self, conn: Connection, audited: str = "") -> None:
        if not audited:
            conn.execute("BEGIN")
            return
        assert isinstance(conn, PgConnection)
        if audited == "shared":
            # One round trip: the transaction and its lock in one simple query.
            conn.begin_with(f"BEGIN; SELECT pg_advisory_xact_lock_shared({_AUDITED_LOCK})")
            return
        # A write that runs alone moves the epoch once it has the lock: a result decided
        # on rows read before it began is then not written (labdesk_enter_first).
        conn.begin_with(
            f"BEGIN; SELECT pg_advisory_xact_lock({_AUDITED_LOCK}); "
            "UPDATE write_epoch SET n = n + 1 WHERE id = 1"
        )

    def begin_snapshot(self, conn: Connection) -> None:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def lock_schema(self, conn: Connection) -> None:
        assert isinstance(conn, PgConnection)
        raw = conn.raw
        raw.execute(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})").fetchone()
        for statement in pg_sql.BOOTSTRAP:  # PostgreSQL's own SQL: not translated
            raw.execute(statement)

    def probe(self, conn: Connection) -> tuple[bool, int]:
        assert isinstance(conn, PgConnection)
        tables = set(conn.tables())
        if "labdesk_schema" not in tables:
            # Tables of another program: never migrate over them.
            return bool(tables), 0
        row = conn.execute("SELECT version, app FROM labdesk_schema WHERE id = 1").fetchone()
        if row is None:
            return False, 0
        return str(row[1]) != "labdesk", int(row[0])

    def stamp(self, conn: Connection, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(version)}")

    def translate(self, exc: BaseException, where: object) -> BaseException:
        if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.DeadlockDetected):
            # Both are OperationalErrors, but the connection is fine: the server gave up
            # waiting (lock_timeout) or broke a deadlock by cancelling this transaction.
            busy = DatabaseBusy(
                f"{where}: the database is busy with another workstation's change to the "
                "same records; nothing of this change was saved — try again "
                "(数据库正忙于其他工作站的修改，未保存，请重试)"
            )
            busy.__cause__ = exc
            return busy
        if isinstance(exc, psycopg.errors.IdleInTransactionSessionTimeout):
            # The server ended this session: it stayed inside a transaction, idle, past
            # IDLE_IN_TRANSACTION_S (this workstation was stuck); the link is gone.
            error: StoreError = ServerAway(
                f"{where}: the database server ended this workstation's connection after "
                f"it had been idle inside a change for over {IDLE_IN_TRANSACTION_S} s; "
                "nothing of that change was saved — try again "
                "(本工作站的修改长时间未完成，服务器已断开连接，未保存，请重试)"
            )
            error.__cause__ = exc
            return error
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            error = ServerAway(
                f"{where}: the connection to the database server was lost; nothing of the "
                "unfinished change was saved — try again (与数据库服务器的连接中断，未保存)"
            )
            error.__cause__ = exc
            return error
        if isinstance(exc, psycopg.errors.IntegrityError):
            from labdesk.store.errors import ConstraintViolation

            violation = ConstraintViolation(where, str(exc))
            violation.__cause__ = exc
            return violation
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            error = StoreError(f"{where}: the database server refused: {exc} (权限不足)")
            error.__cause__ = exc
            return error
        if isinstance(exc, psycopg.errors.DiskFull):
            error = StoreError(f"{where}: the database server's disk is full (服务器磁盘已满)")
            error.__cause__ = exc
            return error
        return exc


POSTGRES = PostgresEngine()


def column_names(cursor: Any) -> Sequence[str]:
    return [d.name for d in cursor.description or ()]
