"""Checking the record: audit-chain verification with replay, and SQLite's integrity check.

`verify_audit` lives in `labdesk.store.audit` (beside the primitive whose output it
checks); it is re-exported here for the UI and CLI, which talk to services only.
"""

from __future__ import annotations

from labdesk.store.audit import AuditReport, VerificationCancelled, verify_audit
from labdesk.store.db import Database

__all__ = ["AuditReport", "VerificationCancelled", "integrity_problems", "verify_audit"]


def integrity_problems(db: Database) -> list[str]:
    """`PRAGMA integrity_check` messages; empty when the file is sound."""
    messages = [str(r[0]) for r in db.query("PRAGMA integrity_check")]
    return [] if messages == ["ok"] else messages
