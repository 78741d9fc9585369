"""Both engines for the store's tests: a SQLite file, or a fresh schema on the test server.

Each PostgreSQL test gets its own schema (`search_path` in the URL's `options`), made and
dropped around it: quicker than a database per test, and as isolated for the store,
whose every name (tables, triggers, the nocase collation) lives in the current schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg

ENGINES = ("sqlite", "postgresql")


def with_schema(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A libpq URL whose tables live in a new, empty schema (dropped afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
