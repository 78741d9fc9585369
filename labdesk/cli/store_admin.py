"""`labdesk store …`: the database itself — which engine, moving a centre, server roles.

    labdesk --db PATH|URL store info [--json]
    labdesk store copy --from PATH|URL --to PATH|URL [--json]
    labdesk --db URL store grant ROLE [--print]

`info` says which engine holds the record, its schema and audit head; `copy` moves a whole
centre into an empty database and verifies the audit there (store/copy.py); `grant`
gives a PostgreSQL role the application's rights: read and write the record, append to
the audit log, never change or delete its rows (docs/deployment.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from labdesk.cli import UsageError, db_target


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    store = sub.add_parser("store", help="the database: engine, copy a centre, server roles")
    verbs = store.add_subparsers(dest="store_command", metavar="VERB", required=True)

    info = verbs.add_parser("info", help="engine, schema, audit head and row counts")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(func=_info)

    copy = verbs.add_parser(
        "copy", help="copy a whole centre into an empty database and verify its audit there"
    )
    copy.add_argument("--from", dest="source", required=True, metavar="PATH|URL")
    copy.add_argument("--to", dest="target", required=True, metavar="PATH|URL")
    copy.add_argument("--json", action="store_true", help="print one JSON object")
    copy.set_defaults(func=_copy)

    grant = verbs.add_parser(
        "grant", help="give a PostgreSQL role the application's rights (append-only audit)"
    )
    grant.add_argument("role", help="the application's login role, e.g. labdesk_app")
    grant.add_argument("--print", action="store_true", help="print the SQL instead of running it")
    grant.set_defaults(func=_grant)


def _target(text: str) -> Any:
    from labdesk.store.engine import target_of

    return target_of(text)


def _info(args: argparse.Namespace) -> int:
    from labdesk.store.db import open_reader
    from labdesk.store.info import store_info

    reader = open_reader(db_target(args))
    try:
        facts = store_info(reader)
    finally:
        reader.close()
    if args.json:
        print(json.dumps(facts, ensure_ascii=False))
    else:
        for key, value in facts.items():
            print(f"{key}: {value}")
    return 0


def _copy(args: argparse.Namespace) -> int:
    from labdesk.store.copy import copy_centre

    def progress(table: str, rows: int) -> None:
        if not args.json:
            print(f"\r{table}: {rows} rows", end="", file=sys.stderr, flush=True)

    report = copy_centre(_target(args.source), _target(args.target), progress=progress)
    if not args.json:
        print(file=sys.stderr)
    audit = report.audit
    ok = audit is not None and audit.ok
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        total = sum(report.rows.values())
        print(f"copied {total} rows of {len(report.rows)} tables to {report.target}")
        if audit is not None and audit.ok:
            print(f"audit trail intact on the target: {audit.entries_checked} entries")
        elif audit is not None:
            print(f"audit trail BROKEN on the target: {audit.problem}")
    return 0 if ok else 1


def _grant(args: argparse.Namespace) -> int:
    from labdesk.store.db import open_database
    from labdesk.store.grants import grant_statements

    target = db_target(args)
    from labdesk.store.engine import ServerUrl

    if not isinstance(target, ServerUrl):
        raise UsageError("store grant is for a PostgreSQL database (--db postgresql://…)")
    db = open_database(target)
    try:
        statements = grant_statements(args.role, str(db.scalar("SELECT current_schema()")))
        if args.print:
            print(";\n".join(statements) + ";")
            return 0
        with db.transaction() as conn:
            for statement in statements:
                conn.execute(statement)
    finally:
        db.close()
    print(f"role {args.role} may now read and write {target}, and only append to its audit log")
    return 0
