"""`labdesk setup | demo | samples | audit verify | backup | restore | users`: the record.

    labdesk --db PATH setup --name N --code C --region 340100 --admin USER [--password-file F]
    labdesk --db PATH demo [--samples N] [--seed S] [--outbox DIR]
                                          signed demo batches + public key in the outbox
    labdesk --db PATH samples [--status S] [--json]   JSON: sample_no, state, conclusion,
                                                      report_no (null until approved)
    labdesk --db PATH audit verify [--json]        exit 0 intact, 1 broken (names the entry)
    labdesk --db PATH backup [--out FILE]
    labdesk --db PATH restore FILE
    labdesk --db PATH users list
    labdesk --db PATH users add USER --role R [--display-name D] [--password-file F]
            --as ADMIN [--as-password-file F]

Read-only commands (samples, audit verify, users list) open the file read-only, so they
work while the desktop app has the database open; writing ones take the single-writer
lock and are refused with the holder's PID while another LabDesk has it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from labdesk.cli import UsageError, db_path, db_target

if TYPE_CHECKING:
    from labdesk.services.context import ServiceContext
    from labdesk.signing import Signer
    from labdesk.store.db import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds setup, demo, samples, audit, backup, restore and users."""
    setup = sub.add_parser("setup", help="first run: create the centre and its administrator")
    setup.add_argument("--name", required=True, help="centre name (中心名称)")
    setup.add_argument("--code", required=True, help="centre code used in batch file names")
    setup.add_argument("--region", required=True, help="GB/T 2260 region code, e.g. 340100")
    setup.add_argument("--admin", required=True, metavar="USER", help="administrator username")
    setup.add_argument("--display-name", default="", help="administrator's display name")
    setup.add_argument(
        "--password-file", type=Path, help="read the admin password from this file's first line"
    )
    setup.add_argument(
        "--no-sample-library",
        action="store_true",
        help="do not load the shipped sample standards library (import your own later)",
    )
    setup.set_defaults(func=_setup)

    demo = sub.add_parser("demo", help="fill a demo database (demo users, samples, results)")
    demo.add_argument("--samples", type=int, default=200, metavar="N", help="samples (200)")
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (1)")
    demo.add_argument(
        "--outbox",
        type=Path,
        metavar="DIR",
        help="folder for the signed demo batches (default: <db name>-outbox beside the db)",
    )
    demo.set_defaults(func=_demo)

    samples = sub.add_parser("samples", help="list samples (number, state, conclusion)")
    samples.add_argument("--status", metavar="S", help="only samples in this state")
    samples.add_argument("--json", action="store_true", help="print a JSON list")
    samples.set_defaults(func=_samples)

    audit = sub.add_parser("audit", help="check the tamper-evident audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser("verify", help="re-walk the hash chain and replay the log")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument(
        "--anchor",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="also compare with this anchor (a copy of <db>.anchor or a backup's manifest "
        "kept elsewhere); the one beside the database and the backups' are always read",
    )
    verify.add_argument(
        "--outbox",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also read the audit heads signed into the centre's batches in DIR (a copy of "
        "the outbox kept elsewhere); the centre's own outbox folder is always read",
    )
    verify.set_defaults(func=_audit_verify)

    backup = sub.add_parser("backup", help="back up the database (online backup API)")
    backup.add_argument("--out", type=Path, metavar="FILE", help="backup file (default: rotating)")
    backup.set_defaults(func=_backup)

    restore = sub.add_parser("restore", help="replace the database by a verified backup")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(func=_restore)

    users = sub.add_parser("users", help="list or add users (admin)")
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    listing = users_sub.add_parser("list", help="list users")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_users_list)
    add = users_sub.add_parser("add", help="add a user (signed in as an admin)")
    add.add_argument("username")
    add.add_argument(
        "--role", required=True, choices=("technician", "reviewer", "manager", "admin")
    )
    add.add_argument("--display-name", default="")
    add.add_argument("--password-file", type=Path, help="the new user's password (first line)")
    add.add_argument("--as", dest="as_user", required=True, metavar="ADMIN", help="admin username")
    add.add_argument("--as-password-file", type=Path, help="the admin's password (first line)")
    add.set_defaults(func=_users_add)


def _read_password(path: Path | None, prompt: str, *, confirm: bool) -> str:
    if path is not None:
        from labdesk.cli.secret_files import read_secret_file

        text = read_secret_file(path)
        lines = text.splitlines()
        if not lines or not lines[0]:
            raise UsageError(f"{path} is empty")
        return lines[0]
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password: use --password-file")
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("again: ") != password:
        raise UsageError("the two passwords differ")
    return password


def _setup(args: argparse.Namespace) -> int:
    from labdesk.services import auth, library
    from labdesk.store.db import open_database

    password = _read_password(args.password_file, "admin password: ", confirm=True)
    db = open_database(db_target(args))
    try:
        ctx = auth.setup_centre(
            db,
            name=args.name,
            code=args.code,
            region_code=args.region,
            admin_username=args.admin,
            admin_password=password,
            admin_display_name=args.display_name,
        )
        if not args.no_sample_library:
            library.ensure_library(ctx)
            print("loaded the shipped SAMPLE standards library (sample data, not authoritative)")
        print(f"centre {args.name} set up in {db.target}; administrator: {args.admin}")
    finally:
        db.close()
    return 0


def _render_demo_reports(manager: ServiceContext, signer: Signer) -> int:
    """The demo's issued report PDFs, rendered through Qt once the samples exist (Qt is
    imported only then: the samples come first, and start sooner)."""
    from labdesk.reports.issue import issue_missing_pdfs
    from labdesk.reports.pdf import ensure_gui_application

    ensure_gui_application()
    return issue_missing_pdfs(manager, signer)


def _demo(args: argparse.Namespace) -> int:
    from labdesk.batch.demo import build_demo

    if args.samples < 0:
        raise UsageError("--samples must be 0 or more")
    path = db_path(args)
    made = build_demo(
        path,
        samples=args.samples,
        seed=args.seed,
        outbox=args.outbox,
        render_reports=_render_demo_reports,
    )
    summary = made.summary
    print(f"demo database: {path}")
    print(
        f"{summary.samples} samples, {summary.enterprises} enterprises, {summary.results} "
        f"results; pass rate of judged samples {summary.pass_rate} % ({summary.judged} judged)"
    )
    print("states: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.states.items())))
    print("DEMO accounts (demo passwords — never use them for real data):")
    for username, password, role in summary.accounts:
        print(f"  {username:<10} {password:<15} {role}")
    print(
        f"DEMO signing-key passphrase: {made.passphrase}  "
        "(demo only — stored nowhere, never use it for a real key)"
    )
    print(f"issued report PDFs kept (signed): {made.report_pdfs}")
    if made.batches:
        first, last = made.batches[0].sequence, made.batches[-1].sequence
        which = f"batch {first}" if first == last else f"batches {first}–{last}"
        print(f"signed {which} in outbox: {made.outbox}")
        print(f"public key for HQ: {made.public_key_file}")
    else:
        print(f"outbox: {made.outbox} (no batches exported this time)")
    return 0


def _samples(args: argparse.Namespace) -> int:
    from labdesk.services import queries
    from labdesk.store.db import open_reader

    reader = open_reader(db_target(args))
    try:
        flt = queries.SampleFilter(states=(args.status,) if args.status else ())
        ids = queries.sample_ids(reader, flt)
        rows = queries.sample_rows(reader, ids[::-1])
        report_no = _report_numbers(reader, list(ids))
    finally:
        reader.close()
    listing = [
        {
            "sample_no": r["sample_no"],
            "state": r["state"],
            "conclusion": r["conclusion_code"] or None,
            "report_no": report_no.get(int(r["id"])),
        }
        for r in rows
    ]
    if args.json:
        print(json.dumps(listing, ensure_ascii=False))
    else:
        for row in listing:
            print(f"{row['sample_no']}\t{row['state']}\t{row['conclusion'] or ''}")
    return 0


def _report_numbers(reader: Database, ids: list[int]) -> dict[int, str]:
    """检验报告编号 by sample id, for those of `ids` that have one (approved at least once).

    Read here rather than through `queries.sample_rows`, whose grid columns lack it."""
    rows = reader.query(
        "SELECT id, report_no FROM samples WHERE report_no IS NOT NULL "
        "AND id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    )
    return {int(row[0]): str(row[1]) for row in rows}


def _audit_verify(args: argparse.Namespace) -> int:
    from labdesk.batch.outbox_anchors import outbox_anchors
    from labdesk.services.audit import integrity_problems, verify_audit
    from labdesk.store.anchor import check_against_anchors
    from labdesk.store.db import open_reader

    reader = open_reader(db_target(args))
    try:
        integrity = integrity_problems(reader)
        report = verify_audit(reader)
        outbox = outbox_anchors(reader, args.outbox)  # the heads its batches signed (21.4)
        anchored = check_against_anchors(reader, args.anchor, outbox.anchors)
    finally:
        reader.close()
    ok = report.ok and not integrity and anchored.ok
    newest = anchored.anchor
    if args.json:
        data = report.as_dict()
        data["integrity"] = integrity or ["ok"]
        data["anchor"] = (
            None
            if newest is None
            else {
                "ok": anchored.ok,
                "seq": newest.seq,
                "hash": newest.hash,
                "at_utc": newest.at_utc,
                "source": newest.source,
                "problem": anchored.problem,
            }
        )
        data["outbox_notes"] = outbox.notes
        data["ok"] = ok
        print(json.dumps(data, ensure_ascii=False))
    elif ok:
        print(f"audit trail intact: {report.entries_checked} entries, head {report.head_hash}")
        if newest is not None:
            print(f"  holds entry {newest.seq} as recorded by {newest.source} on {newest.at_utc}")
        else:
            print("  no anchor found to compare with (one is written when the database closes)")
        for note in outbox.notes:
            print(f"  note: {note}")
    else:
        if not anchored.ok:
            print(f"audit trail BROKEN (against its anchor): {anchored.problem}")
        if integrity:
            print(f"database integrity check failed: {'; '.join(integrity[:3])}")
        if not report.ok:
            where = (
                f"first broken entry: {report.first_broken_seq}"
                if report.first_broken_seq is not None
                else "no entry to blame"
            )
            print(f"audit trail BROKEN ({where}): {report.problem}")
            for extra in report.problems[1:5]:
                print(f"  also: {extra}")
    return 0 if ok else 1


def _backup(args: argparse.Namespace) -> int:
    from labdesk.store.auto_backup import take_automatic_backup
    from labdesk.store.backup import backup_to
    from labdesk.store.db import open_database, open_reader

    # A named copy needs only a consistent read (so it works beside the app and from a
    # read-only medium); the rotating one is verified and recorded as the last good one.
    # A file only: db_path refuses a server URL (pg_dump backs up a server).
    if args.out:
        reader = open_reader(db_path(args))
        try:
            path = backup_to(reader, args.out)
        finally:
            reader.close()
        print(f"backed up to {path}")
        return 0
    db = open_database(db_path(args), create=False)
    try:
        outcome = take_automatic_backup(db, force=True)
    finally:
        db.close()
    if not outcome.ok:
        print(f"labdesk: the backup was not kept: {outcome.problem}", file=sys.stderr)
        return 1
    print(f"backed up to {outcome.path} (verified: {outcome.entries} audit entries)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from labdesk.store.restore import restore

    target = db_path(args)
    kept = restore(target, args.file)
    print(f"restored {target} from {args.file}")
    if kept is not None:
        print(f"the replaced database was kept as {kept}")
    return 0


def _users_list(args: argparse.Namespace) -> int:
    from labdesk.services import auth
    from labdesk.store.db import open_reader

    reader = open_reader(db_target(args))
    try:
        users = auth.list_users(reader)
    finally:
        reader.close()
    if args.json:
        print(json.dumps(users, ensure_ascii=False))
    else:
        for u in users:
            state = "active" if u["active"] else "disabled"
            print(f"{u['username']}\t{u['role']}\t{u['display_name']}\t{state}")
    return 0


def _users_add(args: argparse.Namespace) -> int:
    from labdesk.services import auth
    from labdesk.store.db import open_database

    admin_password = _read_password(
        args.as_password_file, f"{args.as_user}'s password: ", confirm=False
    )
    password = _read_password(args.password_file, f"password for {args.username}: ", confirm=True)
    db = open_database(db_target(args), create=False)
    try:
        ctx = auth.sign_in(db, args.as_user, admin_password)
        auth.add_user(ctx, args.username, args.display_name, args.role, password)
    finally:
        db.close()
    print(f"added {args.username} ({args.role})")
    return 0
