"""`labdesk verify-report`, `labdesk reports …`, `labdesk marks …`, `labdesk labels`.

verify-report needs no database: the report PDF (or the text a phone scanned from its QR
code) and the centre's public key are enough. Exit codes: 0 the report is genuine and
(with --hq) in force, 1 rejected, or superseded / withdrawn at HQ, 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from labdesk.cli import UsageError, db_target
from labdesk.cli.batches import _add_secrets, _load_trust, _open, _sign_in, read_passphrase


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    """Adds verify-report, reports, marks and labels."""
    v = sub.add_parser(
        "verify-report",
        help="check a report PDF or a scanned report QR text (exit 0 genuine, 1 rejected)",
        description=(
            "Checks a test report offline against the centre's public key: the signed "
            "payload, the report content it names and the signature over the PDF file. "
            "With --payload, checks what a phone scanned from the report's QR code."
        ),
    )
    v.add_argument("file", type=Path, nargs="?", metavar="FILE.pdf")
    v.add_argument(
        "--payload",
        metavar="TEXT",
        help="the QR text instead of a file ('-' reads it from standard input)",
    )
    v.add_argument("--trust", type=Path, action="append", default=[], metavar="PEM")
    v.add_argument(
        "--hq", metavar="URL", help="also ask this HQ database whether the report is in force"
    )
    v.add_argument("--json", action="store_true")
    v.add_argument(
        "--timing", action="store_true", help="print the time of the check itself (stderr)"
    )
    v.set_defaults(func=cmd_verify_report)

    r = sub.add_parser("reports", help="issued test reports: versions, corrections, withdrawals")
    verbs = r.add_subparsers(dest="reports_command", metavar="ACTION", required=True)
    hist = verbs.add_parser("history", help="every version of a sample's report")
    hist.add_argument("sample_no", metavar="SAMPLE_NO")
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(func=cmd_reports_history)
    corr = verbs.add_parser(
        "correct", help="open a correction (更正): the sample goes back for rework (manager)"
    )
    corr.add_argument("sample_no", metavar="SAMPLE_NO")
    corr.add_argument("--reason", required=True)
    _add_secrets(corr)
    corr.set_defaults(func=cmd_reports_correct)
    wd = verbs.add_parser("withdraw", help="withdraw (作废) the report in force (manager)")
    wd.add_argument("sample_no", metavar="SAMPLE_NO")
    wd.add_argument("--reason", required=True)
    _add_secrets(wd)
    wd.set_defaults(func=cmd_reports_withdraw)
    pdfs = verbs.add_parser(
        "issue-pdfs", help="render, sign and keep the PDF of every issue in force that lacks one"
    )
    _add_secrets(pdfs)
    pdfs.set_defaults(func=cmd_reports_issue_pdfs)

    m = sub.add_parser("marks", help="the centre's CMA mark and 检验检测专用章 on reports")
    mverbs = m.add_subparsers(dest="marks_command", metavar="ACTION", required=True)
    show = mverbs.add_parser("show", help="the marks configured")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_marks_show)
    put = mverbs.add_parser("set", help="set a mark's image and place (admin)")
    put.add_argument("kind", choices=("cma", "seal"))
    put.add_argument("image", type=Path, metavar="IMAGE.png")
    put.add_argument("--position", help="cma: top-left | top-right; seal: issue-date | conclusion")
    put.add_argument("--size", metavar="MM", help="printed size in millimetres")
    _add_secrets(put)
    put.set_defaults(func=cmd_marks_set)
    clear = mverbs.add_parser("clear", help="stop printing a mark (admin)")
    clear.add_argument("kind", choices=("cma", "seal"))
    _add_secrets(clear)
    clear.set_defaults(func=cmd_marks_clear)

    lab = sub.add_parser("labels", help="sample and portion labels (Code 128 + QR) as a PDF")
    lab.add_argument(
        "--sample", action="append", default=[], required=True, metavar="NO", dest="samples"
    )
    lab.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    lab.add_argument(
        "--layout",
        choices=("50x30", "70x40", "a4"),
        default="50x30",
        help="label stock: 50×30 mm or 70×40 mm rolls (one label a page), or A4 sheets",
    )
    lab.add_argument(
        "--portions",
        default="sample,test,backup,retest",
        help="which labels per sample (sample, test 检验样, backup 备份样, retest 复检样)",
    )
    lab.set_defaults(func=cmd_labels)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


# -- verify-report ---------------------------------------------------------------------


def _hq_state(url: str, report_no: str, version: int) -> dict[str, Any] | None:
    from labdesk.batch.hq_reports import report_status
    from labdesk.batch.hq_store import open_hq

    with open_hq(url, create=False) as store:
        return report_status(store, report_no, version)


def cmd_verify_report(args: argparse.Namespace) -> int:
    from labdesk.signing.report_verify import ReportRejected, verify_payload, verify_pdf

    if (args.file is None) == (args.payload is None):
        raise UsageError("give a report PDF, or --payload TEXT (one of the two)")
    trusted = _load_trust(args.trust)
    if args.payload is not None:
        text = sys.stdin.read() if args.payload == "-" else args.payload
        data = b""
    else:
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
        text = ""
    started = time.perf_counter()
    try:
        checked = (
            verify_pdf(data, trusted) if args.payload is None else verify_payload(text, trusted)
        )
    except ReportRejected as exc:
        if args.timing:
            print(f"checked in {(time.perf_counter() - started) * 1000:.1f} ms", file=sys.stderr)
        if args.json:
            _print_json({"status": "REJECTED", "reason": exc.reason, "message": exc.detail})
        else:
            print(f"REJECTED ({exc.reason}): {exc.detail}")
        return 1
    if args.timing:
        print(f"checked in {(time.perf_counter() - started) * 1000:.1f} ms", file=sys.stderr)
    result = checked.as_dict()
    status = "OK"
    if args.hq:
        found = _hq_state(args.hq, checked.payload.report, checked.payload.version)
        result["hq"] = found
        if found is None:
            result["hq"] = {"state": "unknown"}
        elif found["state"] in ("superseded", "withdrawn"):
            status = found["state"].upper()
        result["status"] = status
    if args.json:
        _print_json(result)
    else:
        _print_verified(result, status)
    return 0 if status == "OK" else 1


def _print_verified(result: dict[str, Any], status: str) -> None:
    p = result
    print(f"{status}: report {p['report_no']} version {p['version']} is genuine")
    for label, key in (
        ("centre", "centre"),
        ("sample", "sample_no"),
        ("product", "product"),
        ("USCC", "uscc"),
        ("conclusion", "conclusion"),
        ("issued", "issued"),
    ):
        print(f"  {label:<11} {p[key]}")
    print(f"  content     sm3:{p['content_sm3']}")
    print(f"  key         {p['key_id']} ({p['algorithm']})")
    if p["source"] == "pdf":
        print(f"  file        signed over all {p['file_bytes']} bytes; {len(p['items'])} items")
    else:
        print("  (a scanned payload: compare these fields with the paper report)")
    hq = p.get("hq")
    if hq:
        state = hq.get("state")
        if state == "superseded":
            print(f"  HQ          SUPERSEDED by version {hq.get('latest_version')}")
        elif state == "withdrawn":
            print(f"  HQ          WITHDRAWN: {hq.get('withdrawn_reason', '')}")
        elif state == "current":
            print("  HQ          in force (the latest version HQ holds)")
        else:
            print("  HQ          not known to HQ")


# -- reports ---------------------------------------------------------------------------


def _sample_id(db: Any, sample_no: str) -> int:
    value = db.scalar("SELECT id FROM samples WHERE sample_no = ?", (sample_no,))
    if value is None:
        raise UsageError(f"no sample {sample_no}")
    return int(value)


def _history_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "report_no": r["report_no"],
            "version": r["version"],
            "kind": r["kind"],
            "state": r["state"],
            "reason": r["reason"],
            "issued_at": r["issued_at"],
            "signed": bool(r["payload"]),
            "pdf_sha256": r["pdf_sha256"] or None,
            "withdrawn_reason": r["withdrawn_reason"] or None,
            "sent_state": r["sent_state"] or None,
        }
        for r in rows
    ]


def cmd_reports_history(args: argparse.Namespace) -> int:
    from labdesk.services import report_issues
    from labdesk.store.db import open_reader

    db = open_reader(db_target(args))
    try:
        rows = report_issues.report_history(db, _sample_id(db, args.sample_no))
    finally:
        db.close()
    data = _history_json(rows)
    if args.json:
        _print_json(data)
        return 0
    if not data:
        print(f"{args.sample_no}: no report issued yet")
    for r in data:
        extra = f" — {r['reason']}" if r["reason"] else ""
        if r["withdrawn_reason"]:
            extra += f" — withdrawn: {r['withdrawn_reason']}"
        print(
            f"{r['report_no']} v{r['version']}  {r['kind']:<10} {r['state']:<10} "
            f"{r['issued_at']}{extra}"
        )
    return 0


def cmd_reports_correct(args: argparse.Namespace) -> int:
    from labdesk.services import report_issues

    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        report_issues.open_correction(ctx, _sample_id(db, args.sample_no), args.reason)
    finally:
        db.close()
    print(
        f"correction opened for {args.sample_no}: it is back with the technicians; its next "
        "approval issues the corrected version"
    )
    return 0


def cmd_reports_withdraw(args: argparse.Namespace) -> int:
    from labdesk.services import report_issues

    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        report_issues.withdraw(ctx, _sample_id(db, args.sample_no), args.reason)
    finally:
        db.close()
    print(f"report of {args.sample_no} withdrawn; the next export batch tells HQ")
    return 0


def cmd_reports_issue_pdfs(args: argparse.Namespace) -> int:
    from labdesk.reports.issue import issue_missing_pdfs
    from labdesk.reports.pdf import ensure_gui_application
    from labdesk.services import keys

    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        signer = None
        if keys.active_key(db) is not None:
            signer = keys.load_signer(db, read_passphrase(args))
        ensure_gui_application()
        count = issue_missing_pdfs(ctx, signer)
    finally:
        db.close()
    print(f"kept the PDF of {count} issued report(s)")
    return 0


# -- marks -----------------------------------------------------------------------------


def cmd_marks_show(args: argparse.Namespace) -> int:
    from labdesk.services import marks
    from labdesk.store.db import open_reader

    db = open_reader(db_target(args))
    try:
        found = marks.marks(db)
    finally:
        db.close()
    data = [
        {
            "kind": m.kind,
            "position": m.position,
            "size_mm": str(m.size_mm),
            "image_sha256": m.image_sha256,
            "bytes": len(m.image),
        }
        for m in found
    ]
    if args.json:
        _print_json(data)
    elif not data:
        print("no marks configured: reports show neither the CMA mark nor the seal")
    for m in [] if args.json else data:
        print(f"{m['kind']:<5} {m['position']:<11} {m['size_mm']} mm  sha256 {m['image_sha256']}")
    return 0


def cmd_marks_set(args: argparse.Namespace) -> int:
    from labdesk.services import marks

    try:
        image = args.image.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.image}: {exc.strerror}") from None
    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        marks.set_mark(ctx, args.kind, image, position=args.position, size_mm=args.size)
    finally:
        db.close()
    print(f"{args.kind} mark set from {args.image}")
    return 0


def cmd_marks_clear(args: argparse.Namespace) -> int:
    from labdesk.services import marks

    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        cleared = marks.clear_mark(ctx, args.kind)
    finally:
        db.close()
    print(f"{args.kind} mark cleared" if cleared else f"no {args.kind} mark was set")
    return 0


# -- labels ----------------------------------------------------------------------------


def cmd_labels(args: argparse.Namespace) -> int:
    from labdesk.reports.labels import LAYOUTS, write_labels_pdf
    from labdesk.services import labels
    from labdesk.store.db import open_reader

    portions = [p.strip() for p in args.portions.split(",") if p.strip()]
    db = open_reader(db_target(args))
    try:
        wanted = labels.sample_labels(db, args.samples, portions)
    finally:
        db.close()
    pages = write_labels_pdf(wanted, LAYOUTS[args.layout], args.out)
    print(f"{args.out}: {len(wanted)} labels on {pages} page(s) ({args.layout})")
    return 0
