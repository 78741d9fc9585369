"""The application's role on PostgreSQL: it writes the record but cannot rewrite history.

The tables belong to an owner role (the one that first opened the database and ran the
migrations); the desktop app and the lab commands log in as another role, granted here:
SELECT, INSERT and UPDATE on the record's tables, but on `audit_log` only SELECT and
INSERT — no UPDATE, DELETE or TRUNCATE — and on `audit_head` SELECT and UPDATE, which
its trigger lets move forward only; and the id sequences. The append-only triggers refuse
an UPDATE or DELETE of the log even by the owner; a superuser can drop them, and then
`audit verify` still finds the edit, since the chain's hashes no longer match
(docs/deployment.md).
"""

from __future__ import annotations

import re

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str, schema: str) -> list[str]:
    """The GRANT/REVOKE statements giving `role` the application's rights in `schema`."""
    for name in (role, schema):
        if not _ROLE.match(name):
            from labdesk.store.errors import StoreError

            raise StoreError(
                f"{name!r} is not a plain role or schema name (lower-case letters, digits "
                "and _) (名称无效)"
            )
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        # New ids come from one sequence per table (nextval, and setval past rows that
        # brought their own id: pg_engine.take_ids_function).
        f"GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # A plan's units typed so far are deleted once its result is written (drafts.py).
        f"GRANT DELETE ON unit_drafts TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}",
        f"REVOKE DELETE, TRUNCATE ON audit_head FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON labdesk_schema FROM {role}",
    ]
