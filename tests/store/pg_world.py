"""Record worlds on the PostgreSQL test server: a template database built once, copied
per test with CREATE DATABASE … TEMPLATE (a file copy on the server: quick)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from labdesk.store.engine import ServerUrl


def database_url(base: str, dbname: str) -> str:
    """`base` (a postgresql:// URL) naming database `dbname` instead."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def database_name(url: str) -> str:
    return str(conninfo_to_dict(url)["dbname"])


def _admin(base: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(database_url(base, "postgres"), autocommit=True)


@contextmanager
def new_database(base: str, *, template: str | None = None) -> Iterator[str]:
    name = f"ld_{uuid.uuid4().hex[:12]}"
    clause = f" TEMPLATE {template}" if template else ""
    with _admin(base) as conn:
        conn.execute(f"CREATE DATABASE {name}{clause}")
    try:
        yield database_url(base, name)
    finally:
        drop_database(base, name)


def drop_database(base: str, name: str) -> None:
    with _admin(base) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def as_target(url: str) -> ServerUrl:
    return ServerUrl.parse(url)
