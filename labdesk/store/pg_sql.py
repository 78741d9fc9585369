"""SQLite's SQL, as the program writes it, turned into PostgreSQL's (statement by statement).

The translation is textual and small on purpose: the program's SQL keeps to the common
ground of both engines, and what differs is rewritten here, in one place:

* placeholders: `?` → `%s`, `?N` → `%(pN)s`, `:name` → `%(name)s`; a literal `%` → `%%`;
* `SELECT value FROM json_each(?)` (a list of ids as one JSON parameter) →
  `json_array_elements_text(…)` cast to bigint;
* `LIKE` → `ILIKE` (SQLite's LIKE ignores ASCII case), `COLLATE NOCASE` → the
  case-insensitive ICU collation `labdesk_nocase`, `CAST(… AS REAL)` → double precision;
* `BEGIN IMMEDIATE` → `BEGIN` (the chain head's row lock serializes writers instead);
* the PRAGMAs the store reads (`user_version`, `table_info`, `integrity_check`, …) and
  "is there a table X" asked of `sqlite_master`;
* DDL: `STRICT` dropped, INTEGER → BIGINT (ids never overflow 32 bits), BLOB → BYTEA,
  TEXT compared byte-wise (`COLLATE "C"`, SQLite's BINARY: the same sort order), and
  `RAISE(ABORT, …)` triggers as `labdesk_refuse(message)` trigger functions.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Objects every LabDesk database on PostgreSQL has before its first migration.
BOOTSTRAP = (
    "CREATE TABLE IF NOT EXISTS labdesk_schema ("
    " id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL, app text NOT NULL)",
    "INSERT INTO labdesk_schema (id, version, app) VALUES (1, 0, 'labdesk') "
    "ON CONFLICT (id) DO NOTHING",
    # The append-only triggers' body: refuse with the trigger's message.
    "CREATE OR REPLACE FUNCTION labdesk_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; "
    "END $$",
    # SQLite sums a comparison (0/1); PostgreSQL needs sum(boolean) for `sum(x = 'pass')`.
    "CREATE OR REPLACE FUNCTION labdesk_bool_add(bigint, boolean) RETURNS bigint "
    "LANGUAGE sql IMMUTABLE AS 'SELECT coalesce($1, 0) + CASE WHEN $2 THEN 1 ELSE 0 END'",
    "CREATE OR REPLACE AGGREGATE sum(boolean) (SFUNC = labdesk_bool_add, STYPE = bigint)",
)
NOCASE_COLLATION = (
    "CREATE COLLATION IF NOT EXISTS labdesk_nocase "
    "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
)

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?(\d+)|\?|:([A-Za-z_]\w*)|%|--[^\n]*")
_JSON_EACH = re.compile(r"SELECT\s+value\s+FROM\s+json_each\(([^()]*)\)", re.IGNORECASE)
# "Does table X exist?" asked of SQLite's catalogue: the same question of the schema.
_CATALOGUE = re.compile(r"\bFROM\s+sqlite_(?:master|schema)\b", re.IGNORECASE)
_CATALOGUE_VIEW = (
    "FROM (SELECT 'table' AS type, table_name::text AS name, table_name::text AS tbl_name "
    "FROM information_schema.tables WHERE table_schema = current_schema()) AS sqlite_master"
)
_LIKE = re.compile(r"\bLIKE\b", re.IGNORECASE)
_NOCASE = re.compile(r"\bCOLLATE\s+NOCASE\b", re.IGNORECASE)
_REAL = re.compile(r"\bAS\s+REAL\b", re.IGNORECASE)
_PRAGMA = re.compile(r"^\s*PRAGMA\s+(\w+)\s*(?:\(\s*(\w+)\s*\)|=\s*(\S+))?\s*;?\s*$", re.IGNORECASE)


class Translated:
    """A statement for psycopg, and how its parameters are passed (tuple or dict)."""

    __slots__ = ("ddl", "named", "numbered", "sql")

    def __init__(self, sql: str, numbered: bool, named: bool, ddl: bool) -> None:
        self.sql = sql
        self.numbered = numbered
        self.named = named
        self.ddl = ddl


@lru_cache(maxsize=4096)
def translate(sql: str) -> Translated:
    stripped = sql.lstrip()
    head = stripped[:16].upper()
    if head.startswith("PRAGMA"):
        return Translated(_pragma(stripped), False, False, False)
    if head.startswith("BEGIN IMMEDIATE"):
        return Translated("BEGIN", False, False, False)
    ddl = head.startswith(("CREATE", "ALTER", "DROP"))
    if ddl:
        sql = translate_ddl(sql)
    sql = _JSON_EACH.sub(
        lambda m: (
            f"SELECT value::bigint FROM json_array_elements_text(({m.group(1)})::json)"
            " AS labdesk_ids(value)"
        ),
        sql,
    )
    sql = _CATALOGUE.sub(_CATALOGUE_VIEW, sql)
    sql = _NOCASE.sub("COLLATE labdesk_nocase", sql)
    sql = _LIKE.sub("ILIKE", sql)
    sql = _REAL.sub("AS double precision", sql)
    numbered = named = False
    parts: list[str] = []
    last = 0
    for match in _TOKEN.finditer(sql):
        token = match.group(0)
        if token[0] in "'\"-" or token == "::":
            if "%" in token:
                parts.append(sql[last : match.start()] + token.replace("%", "%%"))
                last = match.end()
            continue
        parts.append(sql[last : match.start()])
        last = match.end()
        if token == "%":
            parts.append("%%")
        elif match.group(1) is not None:
            numbered = True
            parts.append(f"%(p{match.group(1)})s")
        elif match.group(2) is not None:
            named = True
            parts.append(f"%({match.group(2)})s")
        else:
            parts.append("%s")
    parts.append(sql[last:])
    return Translated("".join(parts), numbered, named, ddl)


def _pragma(statement: str) -> str:
    match = _PRAGMA.match(statement)
    if match is None:
        raise ValueError(f"unsupported PRAGMA on PostgreSQL: {statement!r}")
    name, argument, value = match.group(1).lower(), match.group(2), match.group(3)
    if name == "user_version":
        if value is not None:
            return f"UPDATE labdesk_schema SET version = {int(value)} WHERE id = 1"
        return "SELECT coalesce((SELECT version FROM labdesk_schema WHERE id = 1), 0)"
    if name == "table_info" and argument is not None:
        # SQLite's columns: cid, name, type, notnull, dflt_value, pk. Defaults come back
        # as SQLite writes them ('' and 0, not ''::text), which audit.py parses.
        return (
            "SELECT ordinal_position - 1, column_name::text, data_type::text, "
            "CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END, "
            "regexp_replace(column_default, '::[a-z \"]+$', ''), "
            "CASE WHEN column_name = 'id' THEN 1 ELSE 0 END "
            "FROM information_schema.columns "
            f"WHERE table_schema = current_schema() AND table_name = '{argument.lower()}' "
            "ORDER BY ordinal_position"
        )
    if name in ("integrity_check", "quick_check"):
        # The server checks its own pages (checksums, WAL); there is no file to scan.
        return "SELECT 'ok'"
    if name == "application_id":
        from labdesk.store.schema import APPLICATION_ID

        return "SELECT 1" if value is not None else f"SELECT {APPLICATION_ID}"
    if name == "foreign_keys":
        return "SELECT 1"
    if name == "journal_mode":
        return "SELECT 'server'"
    if value is not None:  # busy_timeout, synchronous, query_only…: SQLite settings
        return "SELECT 1"
    raise ValueError(f"unsupported PRAGMA on PostgreSQL: {statement!r}")


_TRIGGER = re.compile(
    r"CREATE\s+TRIGGER\s+(?P<name>\w+)\s+(?P<when>BEFORE|AFTER)\s+(?P<event>INSERT|UPDATE|DELETE)"
    r"(?P<of>\s+OF\s+[\w\s,]+?)?\s+ON\s+(?P<table>\w+)\s*(?:WHEN\s+(?P<cond>.+?))?\s*"
    r"BEGIN\s+SELECT\s+RAISE\s*\(\s*ABORT\s*,\s*'(?P<message>(?:[^']|'')*)'\s*\)\s*;\s*END\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_NOCASE_COLUMN = re.compile(r"(\w+\s+TEXT)\b([^,\n]*?)\s+COLLATE\s+NOCASE\b", re.IGNORECASE)
_TEXT = re.compile(r"\bTEXT\b(?!\s+COLLATE)")
_REFERENCES = re.compile(r"\bREFERENCES\s+\w+\s*\(\s*\w+\s*\)", re.IGNORECASE)
_ID_KEY = re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b", re.IGNORECASE)


def translate_ddl(sql: str) -> str:
    trigger = _TRIGGER.match(sql.strip())
    if trigger is not None:
        cond = trigger.group("cond")
        when = f" WHEN ({cond.strip()})" if cond else ""
        of = trigger.group("of") or ""
        message = trigger.group("message")
        return (
            f"CREATE TRIGGER {trigger.group('name')} {trigger.group('when')} "
            f"{trigger.group('event')}{of} ON {trigger.group('table')} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION labdesk_refuse('{message}')"
        )
    sql = re.sub(r"\)\s*STRICT\s*;?\s*$", ")", sql.strip(), flags=re.IGNORECASE)
    sql = _NOCASE_COLUMN.sub(lambda m: f"{m.group(1)} COLLATE labdesk_nocase{m.group(2)}", sql)
    if re.match(r"\s*CREATE\s+TABLE|\s*ALTER\s+TABLE", sql, re.IGNORECASE):
        sql = _TEXT.sub('TEXT COLLATE "C"', sql)
    sql = _ID_KEY.sub("id BIGINT PRIMARY KEY", sql)
    # Checked at once as in SQLite, but deferrable: `store copy` inserts rows that refer
    # forward (a result to the one superseding it) and checks them at commit.
    sql = _REFERENCES.sub(r"\g<0> DEFERRABLE INITIALLY IMMEDIATE", sql)
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql, flags=re.IGNORECASE)
    return sql.rstrip().rstrip(";")


_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)
_INLINE_FK = re.compile(
    r"^(\s*)(\w+)(\s[^\n]*?)\s+REFERENCES\s+(\w+)\s*\((\w+)\)(\s+DEFERRABLE INITIALLY IMMEDIATE)?",
    re.MULTILINE,
)


def split_forward_keys(sql: str, exists: set[str]) -> tuple[str, list[str]]:
    """A CREATE TABLE without its references to tables not created yet, and the
    ALTER TABLE statements that add them once they are (SQLite allows the forward
    reference `samples.export_batch_id → export_batches`; PostgreSQL does not)."""
    created = _CREATE_TABLE.match(sql)
    if created is None:
        return sql, []
    table = created.group(1).lower()
    later: list[str] = []

    def strip(match: re.Match[str]) -> str:
        target = match.group(4).lower()
        if target == table or target in exists:
            return match.group(0)
        later.append(
            f"ALTER TABLE {table} ADD FOREIGN KEY ({match.group(2)}) "
            f"REFERENCES {target} ({match.group(5)}) DEFERRABLE INITIALLY IMMEDIATE"
        )
        return f"{match.group(1)}{match.group(2)}{match.group(3)}"

    return _INLINE_FK.sub(strip, sql), later
