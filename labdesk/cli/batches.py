"""`labdesk keys|export|batches|verify|hq`: signing keys, signed batches and the HQ side.

Secrets never go on the command line (shell history, `ps`):
- the user's password: `--password-file FILE`, else $LABDESK_PASSWORD, else a prompt;
- the key passphrase: `--passphrase-file FILE`, else $LABDESK_KEY_PASSPHRASE, else a prompt
  (only when interactive). A file's trailing newline is not part of the secret.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from labdesk.cli import UsageError, db_target

PASSPHRASE_ENV = "LABDESK_KEY_PASSPHRASE"
PASSWORD_ENV = "LABDESK_PASSWORD"
USER_ENV = "LABDESK_USER"


def _secret(file: Path | None, env: str, prompt: str, *, confirm: bool = False) -> str:
    if file is not None:
        from labdesk.cli.secret_files import read_secret_file

        return read_secret_file(file, f"{prompt.lower()} file").rstrip("\r\n")
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"{prompt.lower()} needed: give a file option or set ${env}")
    value = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass(f"{prompt} (again): ") != value:
        raise UsageError(f"the two {prompt.lower()}s differ")
    return value


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    """The signing-key passphrase: --passphrase-file, $LABDESK_KEY_PASSPHRASE, or a prompt."""
    return _secret(args.passphrase_file, PASSPHRASE_ENV, "Key passphrase", confirm=confirm)


def _add_secrets(parser: argparse.ArgumentParser, *, user: bool = True) -> None:
    if user:
        parser.add_argument(
            "--user",
            "--as",
            dest="user",
            metavar="USER",
            default=os.environ.get(USER_ENV),
            help=f"sign in as this user (default: ${USER_ENV})",
        )
        parser.add_argument(
            "--password-file",
            "--as-password-file",
            dest="password_file",
            type=Path,
            metavar="FILE",
            help=f"the user's password (or ${PASSWORD_ENV}; else prompted)",
        )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help=f"the signing-key passphrase (or ${PASSPHRASE_ENV}; else prompted)",
    )


def _open(args: argparse.Namespace) -> Any:
    from labdesk.store.db import open_database

    path = db_target(args)
    if isinstance(path, Path) and not path.exists():
        raise UsageError(f"no database at {path}")
    return open_database(path, create=False)


def _read(args: argparse.Namespace) -> Any:
    """A read-only connection: works beside the desktop app and from read-only media."""
    from labdesk.store.db import open_reader

    return open_reader(db_target(args))


def _sign_in(args: argparse.Namespace, db: Any) -> Any:
    from labdesk.services import auth

    if not args.user:
        raise UsageError(f"who is doing this? give --user NAME (or set ${USER_ENV})")
    password = _secret(args.password_file, PASSWORD_ENV, "Password")
    return auth.sign_in(db, args.user, password)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


# -- keys -------------------------------------------------------------------------------


def _keys_init(args: argparse.Namespace) -> int:
    from labdesk.services import keys

    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        passphrase = read_passphrase(args, confirm=True)
        info = keys.init_keys(ctx, args.algorithm, passphrase, replace=args.replace)
    finally:
        db.close()
    print(f"created {info.algorithm} signing key")
    print(f"fingerprint (SHA-256 of the public key): {info.fingerprint}")
    print("send HQ the public key: labdesk keys export --out centre.pem")
    return 0


def _keys_export(args: argparse.Namespace) -> int:
    from labdesk.services import keys

    db = _read(args)
    try:
        pem = keys.public_key_pem(db)
    finally:
        db.close()
    if str(args.out) == "-":
        sys.stdout.write(pem)
    else:
        args.out.write_text(pem, encoding="ascii")
        print(f"wrote {args.out}")
    return 0


def _keys_show(args: argparse.Namespace) -> int:
    from labdesk.services import keys

    db = _read(args)
    try:
        listed = keys.all_keys(db)
    finally:
        db.close()
    if args.json:
        _print_json([{k: v for k, v in vars(key).items() if k != "public_pem"} for key in listed])
        return 0
    if not listed:
        print("no signing key yet: labdesk keys init")
        return 1
    for key in listed:
        state = "active" if key.active else "retired"
        print(f"{key.fingerprint}  {key.algorithm:<8} {state:<8} created {key.created_at}")
    return 0


# -- export and batches ------------------------------------------------------------------


def _day(text: str | None, option: str) -> Any:
    from datetime import date

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: not a date (YYYY-MM-DD): {text!r}") from None


def _export_selection(args: argparse.Namespace, db: Any) -> list[int] | None:
    """The samples `--sample`, or `--task` / `--from` / `--to`, choose (None: all approved)."""
    from labdesk.core.errors import NotFound, WorkflowError
    from labdesk.services import queries

    by_filter = args.task is not None or args.date_from or args.date_to
    if args.sample and by_filter:
        raise UsageError("--sample names the samples; it does not combine with --task/--from/--to")
    if args.sample:
        ids = []
        for number in args.sample:
            found = db.scalar("SELECT id FROM samples WHERE sample_no = ?", (number,))
            if found is None:
                raise NotFound(f"no sample {number} (样品不存在)")
            ids.append(int(found))
        return ids
    if not by_filter:
        return None
    if (
        args.task is not None
        and db.scalar("SELECT 1 FROM tasks WHERE task_no = ?", (args.task,)) is None
    ):
        raise NotFound(f"no task {args.task} (任务不存在)")
    ids = queries.approved_unexported_samples(
        db,
        task_no=args.task,
        date_from=_day(args.date_from, "--from"),
        date_to=_day(args.date_to, "--to"),
    )
    if not ids:
        raise WorkflowError("no approved samples match the selection (没有符合条件的待导出样品)")
    return ids


def _export(args: argparse.Namespace) -> int:
    from labdesk.batch.export import export_batch

    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        chosen = _export_selection(args, db)
        passphrase = read_passphrase(args)

        def progress(done: int, total: int) -> None:
            if args.verbose:
                print(f"read {done}/{total} samples", file=sys.stderr)

        result = export_batch(ctx, args.out, passphrase, progress=progress, sample_ids=chosen)
    finally:
        db.close()
    print(f"wrote {result.path}: batch {result.sequence}, {result.sample_count} samples")
    print(f"manifest sha256 {result.manifest_sha256}")
    return 0


def _batches_list(args: argparse.Namespace) -> int:
    from labdesk.batch.export import list_batches

    db = _read(args)
    try:
        batches = list_batches(db)
    finally:
        db.close()
    if args.json:
        _print_json(batches)
        return 0
    for b in batches:
        print(
            f"{b['sequence']:>6}  {b['file_name']}  {b['sample_count']:>6} samples  "
            f"{b['created_at']}  {str(b['manifest_sha256'])[:16]}…"
        )
    if not batches:
        print("no batches exported yet")
    return 0


def _batches_rewrite(args: argparse.Namespace) -> int:
    from labdesk.batch.export import rewrite_batch

    db = _open(args)
    try:
        path = rewrite_batch(db, args.sequence, args.out)
    finally:
        db.close()
    print(f"wrote {path} (identical to the batch first sent)")
    return 0


# -- verify -------------------------------------------------------------------------------


def _load_trust(files: list[Path]) -> list[Any]:
    from labdesk.signing import load_public_pem

    if not files:
        raise UsageError("give at least one --trust PEM (the centre's public key)")
    keys = []
    for file in files:
        try:
            keys.append(load_public_pem(file.read_bytes()))
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror}") from exc
    return keys


def _limits(args: argparse.Namespace) -> Any:
    from labdesk.batch.verify import MB, Limits

    cap = args.max_mb * MB
    return Limits(max_archive_bytes=cap, max_total_bytes=cap, max_entry_bytes=cap)


def _verify(args: argparse.Namespace) -> int:
    from labdesk.batch.verify import BatchRejected, verify_batch

    trusted = _load_trust(args.trust)
    try:
        batch = verify_batch(args.file, trusted, limits=_limits(args))
    except BatchRejected as exc:
        if args.json:
            _print_json({"ok": False, "reason": exc.reason, "message": str(exc)})
        else:
            print(f"REJECTED {args.file}: {exc}")
        return 1
    summary = batch.summary()
    if args.json:
        _print_json({"ok": True, "manifest": batch.manifest, "summary": summary})
        return 0
    m = batch.manifest
    print(f"OK {args.file}")
    print(f"  centre   {m['centre']['code']} {m['centre']['name']}")
    print(f"  batch    {m['sequence']} ({m['batch_id']}) created {m['created_at']}")
    print(f"  previous {m['previous_manifest_sha256'] or '— (first batch)'}")
    print(f"  signed   {m['signature']['algorithm']} key {batch.key.key_id}")
    print(
        f"  samples  {summary.get('samples')}: pass {summary.get('pass')}, "
        f"fail {summary.get('fail')}, not judged {summary.get('not_judged', 0)}"
    )
    return 0


# -- hq -----------------------------------------------------------------------------------


def _hq_url(args: argparse.Namespace) -> str:
    if args.hq_db:
        return str(args.hq_db)
    from labdesk.paths import data_dir

    return str(data_dir() / "hq.sqlite")


def _hq_ingest(args: argparse.Namespace) -> int:
    from labdesk.batch.hq import ingest
    from labdesk.batch.hq_store import open_hq

    trusted = _load_trust(args.trust)
    with open_hq(_hq_url(args)) as store:
        if store.created:
            print(f"created a new HQ database at {store.url}", file=sys.stderr)
        outcomes = ingest(
            store,
            args.files,
            trusted,
            limits=_limits(args),
            accept_new_key=args.accept_new_key,
        )
    if args.json:
        _print_json([vars(o) for o in outcomes])
    else:
        for o in outcomes:
            if o.status == "refused":
                print(f"REFUSED {o.source}: {o.message}")
            elif o.status == "duplicate":
                print(f"same    {o.source}: {o.message}")
            else:
                print(
                    f"loaded  {o.source}: {o.centre_code} batch {o.sequence}, {o.samples} samples"
                )
            for warning in o.warnings:
                print(f"  warning: {warning}")
    if not outcomes:
        print("no batch files found", file=sys.stderr)
        return 1
    return 1 if any(o.status == "refused" for o in outcomes) else 0


def _hq_summary(args: argparse.Namespace) -> int:
    from labdesk.batch.hq import summary
    from labdesk.batch.hq_store import open_hq

    with open_hq(_hq_url(args), create=False) as store:
        figures = summary(store)
    if args.json:
        _print_json(figures)
        return 0

    def line(label: str, f: dict[str, Any]) -> str:
        rate = f"{f['pass_rate']} %" if f["pass_rate"] is not None else "—"
        return f"{label:<24} {f['samples']:>7} {f['pass']:>7} {f['fail']:>6} {rate:>9}"

    print(f"{'':<24} {'samples':>7} {'pass':>7} {'fail':>6} {'pass rate':>9}")
    print(line("province", figures))
    for title, key in (("by centre", "centre"), ("by category", "category"), ("by month", "month")):
        print(f"\n{title}")
        for row in figures[f"by_{key}"]:
            print(line(str(row[key]), row))
    return 0


def _hq_gaps(args: argparse.Namespace) -> int:
    from labdesk.batch.hq import gaps
    from labdesk.batch.hq_store import open_hq

    with open_hq(_hq_url(args), create=False) as store:
        found = gaps(store)
    if args.json:
        _print_json([vars(g) for g in found])
    elif not found:
        print("no gaps: every centre's batches have arrived in sequence")
    else:
        for gap in found:
            missing = ", ".join(str(n) for n in gap.missing)
            upto = gap.received_up_to
            print(f"{gap.centre_code}: missing batch(es) {missing} (received up to {upto})")
    return 0


def _hq_report(args: argparse.Namespace) -> int:
    from labdesk.batch.hq_reports import history
    from labdesk.batch.hq_store import open_hq

    with open_hq(_hq_url(args), create=False) as store:
        rows = history(store, args.report_no)
    if args.json:
        latest = rows[-1] if rows else None
        _print_json({"report_no": args.report_no, "latest": latest, "history": rows})
        return 0 if rows else 1
    if not rows:
        print(f"{args.report_no}: not received at HQ")
        return 1
    latest = rows[-1]
    print(
        f"{args.report_no} ({latest['centre_code']}): latest version {latest['version']}, "
        f"{latest['state'].upper()}"
    )
    for r in rows:
        why = r["withdrawn_reason"] if r["state"] == "withdrawn" else r["reason"]
        print(
            f"  v{r['version']}  {r['kind']:<10} {r['state']:<10} issued {r['issued_at']}  "
            f"batch {r['sequence']}" + (f"  — {why}" if why else "")
        )
    return 0


def _hq_window(args: argparse.Namespace) -> int:
    from labdesk.ui.hq_app import run_hq_app

    return run_hq_app(_hq_url(args), getattr(args, "lang", None))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    """Adds keys, export, batches, verify and hq."""
    keys = sub.add_parser("keys", help="the centre's signing key")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    init = keys_sub.add_parser("init", help="create the signing key (manager or admin)")
    init.add_argument("--algorithm", choices=("sm2", "ed25519"), default="sm2")
    init.add_argument("--replace", action="store_true", help="retire the current key")
    _add_secrets(init)
    init.set_defaults(func=_keys_init)
    exp = keys_sub.add_parser("export", help="write the public key (PEM) to give HQ")
    exp.add_argument("--out", type=Path, required=True, metavar="FILE", help="'-' for stdout")
    exp.set_defaults(func=_keys_export)
    show = keys_sub.add_parser("show", help="the key fingerprints")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_keys_show)

    export = sub.add_parser(
        "export",
        help="write a signed batch of approved samples",
        description="Sign approved samples not yet exported as one batch: all of them, or "
        "those --sample names, or those of --task and/or sampled --from/--to (inclusive).",
    )
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="the outbox")
    export.add_argument(
        "--sample", action="append", default=[], metavar="NO", help="this sample (repeatable)"
    )
    export.add_argument("--task", metavar="TASK_NO", help="the approved samples of this task")
    export.add_argument(
        "--from", dest="date_from", metavar="YYYY-MM-DD", help="sampled on or after"
    )
    export.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="sampled on or before")
    _add_secrets(export)
    export.set_defaults(func=_export)

    batches = sub.add_parser("batches", help="exported batches")
    batches_sub = batches.add_subparsers(dest="batches_command", metavar="ACTION", required=True)
    listing = batches_sub.add_parser("list", help="batches exported so far")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_batches_list)
    rewrite = batches_sub.add_parser("rewrite", help="write a lost batch file again, identical")
    rewrite.add_argument("sequence", type=int, metavar="SEQ")
    rewrite.add_argument("--out", type=Path, required=True, metavar="DIR")
    rewrite.set_defaults(func=_batches_rewrite)

    def add_limits(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--max-mb", type=int, default=200, metavar="N", help="size limit per batch (200)"
        )

    verify = sub.add_parser("verify", help="check a batch file (exit 0 good, 1 rejected)")
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.add_argument("--trust", type=Path, action="append", default=[], metavar="PEM")
    verify.add_argument("--json", action="store_true")
    add_limits(verify)
    verify.set_defaults(func=_verify)

    hq = sub.add_parser("hq", help="the receiving side (provincial HQ)")
    hq.add_argument(
        "--db",
        dest="hq_db",
        metavar="URL",
        help="HQ database: an SQLite file (default: hq.sqlite in the data folder), "
        "sqlite:///path or postgresql://…",
    )
    # No verb: the HQ window (labdesk.ui.hq_window) on that database.
    hq.set_defaults(func=_hq_window)
    hq_sub = hq.add_subparsers(dest="hq_command", metavar="ACTION")
    ing = hq_sub.add_parser("ingest", help="verify and load batches (files or inbox folders)")
    ing.add_argument("files", type=Path, nargs="+", metavar="FILE_OR_DIR")
    ing.add_argument("--trust", type=Path, action="append", default=[], metavar="PEM")
    ing.add_argument(
        "--accept-new-key", action="store_true", help="accept a centre's new signing key"
    )
    ing.add_argument("--json", action="store_true")
    add_limits(ing)
    ing.set_defaults(func=_hq_ingest)
    summ = hq_sub.add_parser("summary", help="province-wide figures")
    summ.add_argument("--json", action="store_true")
    summ.set_defaults(func=_hq_summary)
    gaps = hq_sub.add_parser("gaps", help="batches missing in a centre's sequence")
    gaps.add_argument("--json", action="store_true")
    gaps.set_defaults(func=_hq_gaps)
    rep = hq_sub.add_parser(
        "report", help="a report's versions as HQ holds them (superseded, withdrawn)"
    )
    rep.add_argument("report_no", metavar="REPORT_NO")
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(func=_hq_report)
    from labdesk.cli.hq_province import add_verbs

    add_verbs(hq_sub, _hq_url)
