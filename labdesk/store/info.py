"""`labdesk store info`: which engine holds the record, and what it holds."""

from __future__ import annotations

from typing import Any

from labdesk.store.db import Database


def store_info(db: Database) -> dict[str, Any]:
    with db.snapshot():
        head = db.query_one("SELECT seq, hash FROM audit_head WHERE id = 1")
        facts: dict[str, Any] = {
            "engine": db.engine.name,
            "database": str(db.target),
            "schema_version": db.user_version,
            "audit_head_seq": int(head[0]) if head else 0,
            "audit_head_hash": str(head[1]) if head else "",
            "samples": int(db.scalar("SELECT count(*) FROM samples") or 0),
            "results": int(db.scalar("SELECT count(*) FROM results") or 0),
            "users": int(db.scalar("SELECT count(*) FROM users") or 0),
        }
        if db.engine.is_file:
            facts["server_version"] = "SQLite " + str(db.scalar("SELECT sqlite_version()"))
        else:
            facts["server_version"] = str(db.scalar("SHOW server_version"))
    return facts
