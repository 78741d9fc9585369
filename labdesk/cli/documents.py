"""`labdesk summary`, `labdesk report`, `labdesk batch-summary`, `labdesk standards …`.

Reading commands (summary, report, batch-summary, standards export) open the database
read-only beside a running app (WAL); `standards import` writes, as a signed-in admin.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from labdesk.cli import UsageError, db_target


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    """Adds this module's sub-commands."""
    p = sub.add_parser(
        "summary",
        help="the centre's figures: samples, pass, fail, pass rate and breakdowns",
        description=(
            "Prints the centre's figures. Rates are percentages with two decimals as "
            'strings ("91.30"), rounded half-even, null when nothing was judged.'
        ),
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--xlsx", type=Path, metavar="FILE", help="also write every table to FILE")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="sampled on or after")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="sampled on or before")
    p.add_argument("--category", action="append", default=[], metavar="CODE")
    p.add_argument(
        "--region", action="append", default=[], metavar="PREFIX", help="GB/T 2260 prefix"
    )
    p.add_argument("--enterprise", action="append", default=[], type=int, metavar="ID")
    p.add_argument("--source", action="append", default=[], metavar="TEXT", help="task source")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="date for overdue counts (default today)")
    _add_min_samples(p)
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("report", help="write the test report (检验报告) PDF of each sample")
    p.add_argument("sample_no", nargs="+", metavar="SAMPLE_NO")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument(
        "--sampling-form", action="store_true", help="also write each sample's 抽样单 PDF"
    )
    p.add_argument(
        "--version",
        type=int,
        metavar="N",
        help="an earlier issue of the report (default: the newest)",
    )
    p.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="the signing-key passphrase, to sign a report whose PDF was not kept at issue "
        "(or $LABDESK_KEY_PASSPHRASE; else prompted)",
    )
    p.add_argument(
        "--raw-data",
        action="store_true",
        help="also write each sample's raw-data sheet (原始记录: readings, formula, QC)",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("batch-summary", help="batch summaries (pending and exported batches)")
    p.add_argument("--batch", type=int, metavar="SEQ", help="one exported batch by sequence number")
    p.add_argument("--pending", action="store_true", help="only the pending (unexported) batch")
    p.add_argument("--json", action="store_true")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="write the (single) summary as PDF")
    _add_min_samples(p)
    p.set_defaults(func=cmd_batch_summary)

    p = sub.add_parser("standards", help="import or export the standards library")
    verbs = p.add_subparsers(dest="standards_command", metavar="VERB", required=True)
    imp = verbs.add_parser("import", help="import a library file (.csv / .xlsx) — admin only")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--user", required=True, help="an admin account")
    imp.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="read the password from FILE (else $LABDESK_PASSWORD, else a prompt)",
    )
    imp.set_defaults(func=cmd_standards_import)
    exp = verbs.add_parser("export", help="write the stored library to a .csv / .xlsx file")
    exp.add_argument("--out", type=Path, required=True, metavar="FILE")
    exp.set_defaults(func=cmd_standards_export)


# -- helpers -------------------------------------------------------------------------------


def _add_min_samples(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-samples",
        type=int,
        default=10,
        metavar="N",
        help="rates from fewer judged samples are marked few_samples (default 10)",
    )


def _min_samples(args: argparse.Namespace) -> int:
    if args.min_samples < 1:
        raise UsageError("--min-samples: give a whole number of 1 or more")
    return int(args.min_samples)


def _date(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: not a date (YYYY-MM-DD): {text!r}") from None


def _reader(args: argparse.Namespace) -> Any:
    from labdesk.store.db import open_reader

    return open_reader(db_target(args))


# -- summary -------------------------------------------------------------------------------


def cmd_summary(args: argparse.Namespace) -> int:
    from labdesk.services import summary as sm

    flt = sm.SummaryFilter(
        date_from=_date(args.date_from, "--from"),
        date_to=_date(args.date_to, "--to"),
        categories=tuple(args.category),
        regions=tuple(args.region),
        enterprise_ids=tuple(args.enterprise),
        sources=tuple(args.source),
    )
    db = _reader(args)
    try:
        figures = sm.centre_summary(db, flt, today=_date(args.today, "--today"))
    finally:
        db.close()
    minimum = _min_samples(args)
    data = sm.summary_json(figures, min_samples=minimum)
    if args.xlsx is not None:
        from labdesk.services.exports import write_workbook

        write_workbook(args.xlsx, sm.summary_tables(figures, min_samples=minimum))
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_summary(data)
    return 0


def _rate(value: str | None) -> str:
    return "—" if value is None else f"{value}%"


def _strength(group: dict[str, Any]) -> str:
    """ "(95% 72.22–87.49)" and a * when the rate rests on few samples."""
    interval = group.get("pass_rate_interval")
    shown = f" (95% {interval[0]}–{interval[1]})" if interval else ""
    return shown + (" *" if group.get("few_samples") else "")


def _pad(text: str, width: int) -> str:
    """Left-justifies to `width` terminal columns (Chinese characters take two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)


def _print_summary(data: dict[str, Any]) -> None:
    print(f"样品数 samples        {data['samples']}")
    print(f"已判定 judged         {data['judged']}", end="")
    print(f"  (合格 pass {data['pass']}, 不合格 fail {data['fail']})")
    print(f"不判定 not judged     {data['not_judged']}   未出结论 pending {data['pending']}")
    print(f"合格率 pass rate      {_rate(data['pass_rate'])}{_strength(data)}")
    print(f"不合格率 non-conf.    {_rate(data['nonconformity_rate'])}")
    print(f"报告逾期 overdue      {data['overdue']}", end="")
    print(f"   复检期内 re-inspection open {data['reinspection_open']}")
    for key, title in (
        ("by_month", "按月份 by month"),
        ("by_category", "按产品类别 by category"),
        ("by_source", "按任务来源 by source"),
    ):
        print(f"\n{title}\n  {_pad('', 32)}   样品    合格  不合格  合格率")
        for g in data[key]:
            print(
                f"  {_pad(g['label'] or '—', 32)}{g['samples']:>7} {g['pass']:>7} {g['fail']:>7}"
                f"  {_rate(g['pass_rate'])}{_strength(g)}"
            )
    print(
        f"\n* 已判定样品少于 {data['min_samples']} 个，比率仅供参考 "
        f"(fewer than {data['min_samples']} judged samples: the rate says little)"
    )
    print("\n不合格项目 top failing items")
    for item in data["top_failing_items"][:10]:
        rate = _rate(item["failure_rate"])
        print(f"  {_pad(item['item'], 32)}{item['fail']:>7} / {item['tested']:<7} {rate}")


# -- reports -------------------------------------------------------------------------------


def _safe_name(text: str) -> str:
    return "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in text)


def cmd_report(args: argparse.Namespace) -> int:
    from labdesk.reports.data import report_document, sampling_form_document
    from labdesk.reports.pdf import (
        ensure_gui_application,
        render_report_pdf,
        render_sampling_form_pdf,
    )

    out: Path = args.out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out: cannot create {out}: {exc.strerror}") from None
    db = _reader(args)
    try:
        # Load every document first: an unknown sample number fails before any file is written.
        docs = [
            (
                report_document(db, no, version=args.version),
                sampling_form_document(db, no) if args.sampling_form else None,
                _issue_pdf(args, db, no),
            )
            for no in args.sample_no
        ]
        raw = {no: _raw_data_html(db, no) for no in args.sample_no} if args.raw_data else {}
    finally:
        db.close()
    ensure_gui_application()
    for report, form, issued in docs:
        path = out / f"{_safe_name(report.sample_no)}.pdf"
        if issued is not None:
            data, note = issued
            _write_atomic(path, data)
            print(f"{path}  ({note})")
        else:
            pages = render_report_pdf(report, path)
            print(f"{path}  ({pages} 页)")
        if form is not None:
            form_path = out / f"{_safe_name(form.form_no)}-抽样单.pdf"
            render_sampling_form_pdf(form, form_path)
            print(f"{form_path}")
        if report.sample_no in raw:
            from labdesk.reports.pdf import write_html_pdf

            raw_path = out / f"{_safe_name(report.sample_no)}-原始记录.pdf"
            write_html_pdf(
                raw[report.sample_no],
                raw_path,
                title=f"原始记录 {report.sample_no}",
                footer_left=report.sample_no,
            )
            print(f"{raw_path}")
    return 0


def _write_atomic(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def _issue_pdf(args: argparse.Namespace, db: Any, sample_no: str) -> tuple[bytes, str] | None:
    """The PDF of the sample's issued report (kept bytes, or rendered and signed now) with
    a note on its version and state; None before approval (a draft is rendered)."""
    from labdesk.reports.issue import render_issue, stored_pdf
    from labdesk.services import keys, report_issues

    rows = db.query("SELECT report_no FROM samples WHERE sample_no = ?", [sample_no])
    report_no = rows[0]["report_no"] if rows else None
    if not report_no:
        if args.version is not None:
            raise UsageError(f"{sample_no}: no report has been issued yet")
        return None
    issue = report_issues.report_version(db, str(report_no), args.version)
    state = str(issue["state"])
    note = f"version {issue['version']}, {state}"
    if state != "current":
        note += " — NOT in force" + (
            f": withdrawn ({issue['withdrawn_reason']})" if state == "withdrawn" else ""
        )
    kept = stored_pdf(db, int(issue["id"]))
    if kept is not None:
        return kept, f"as issued, {note}"
    signer = None
    if issue["payload"]:
        from labdesk.cli.batches import read_passphrase

        signer = keys.load_signer(db, read_passphrase(args))
    from labdesk.reports.pdf import ensure_gui_application

    ensure_gui_application()
    return render_issue(db, int(issue["id"]), signer), f"rendered and signed now, {note}"


def _raw_data_html(db: Any, sample_no: str) -> str:
    from labdesk.reports.raw_data import raw_data_html

    sample_id = db.scalar("SELECT id FROM samples WHERE sample_no = ?", (sample_no,))
    return raw_data_html(db, int(sample_id)) if sample_id is not None else ""


def cmd_batch_summary(args: argparse.Namespace) -> int:
    from labdesk.services import summary as sm

    minimum = _min_samples(args)
    db = _reader(args)
    try:
        if args.batch is not None:
            row = db.query("SELECT id FROM export_batches WHERE sequence = ?", [args.batch])
            if not row:
                raise UsageError(f"--batch: no exported batch number {args.batch}")
            batches = [sm.batch_summary(db, int(row[0][0]))]
        elif args.pending:
            batches = [sm.batch_summary(db, None)]
        else:
            batches = sm.batch_summaries(db)
        centre = db.query("SELECT name FROM centre WHERE id = 1")
        centre_name = str(centre[0][0]) if centre else ""
    finally:
        db.close()
    if args.pdf is not None:
        if len(batches) != 1:
            raise UsageError("--pdf writes one summary: add --batch SEQ or --pending")
        from labdesk.reports.pdf import ensure_gui_application, render_batch_summary_pdf

        ensure_gui_application()
        render_batch_summary_pdf(batches[0], centre_name, args.pdf, min_samples=minimum)
    if args.json:
        out = [_batch_json(b, minimum) for b in batches]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.pdf is None:
        for b in batches:
            c = b.counts
            few = (
                f" (已判定样品少于 {minimum} 个，比率仅供参考)" if c.pass_rate.few(minimum) else ""
            )
            print(
                f"{b.title}: {c.samples} 样品, 合格 {c.passed}, 不合格 {c.failed}, "
                f"合格率 {c.pass_rate.percent_text()}{few}; 批准人 "
                + ("、".join(name for name, _n in b.approvers) or "—")
            )
    return 0


def _batch_json(b: Any, minimum: int = 10) -> dict[str, Any]:
    from labdesk.services.summary import rate_strength

    c = b.counts
    rate = c.pass_rate.percent(2)
    return {
        **rate_strength(c, minimum),
        "min_samples": minimum,
        "batch": b.sequence,
        "pending": b.batch_id is None,
        "file_name": b.file_name,
        "created_at": b.created_at,
        "created_by": b.created_by,
        "samples": c.samples,
        "pass": c.passed,
        "fail": c.failed,
        "not_judged": c.not_judged,
        "pass_rate": None if rate is None else str(rate),
        "failing_items": [{"item": i.name, "fail": i.failed} for i in b.failing_items],
        "approvers": [{"name": name, "samples": n} for name, n in b.approvers],
    }


# -- standards library -----------------------------------------------------------------------


def _password(args: argparse.Namespace) -> str:
    if args.password_file is not None:
        from labdesk.cli.secret_files import read_secret_file

        return read_secret_file(args.password_file).rstrip("\r\n")
    env = os.environ.get("LABDESK_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password: use --password-file")
    import getpass

    return getpass.getpass(f"{args.user} 的密码 / password: ")


def cmd_standards_import(args: argparse.Namespace) -> int:
    from labdesk.core.library_io import load_library
    from labdesk.services import auth, library
    from labdesk.store.db import open_database

    lib = load_library(args.file)  # a bad file fails here, before the database is opened
    db = open_database(db_target(args), create=False)
    try:
        ctx = auth.sign_in(db, args.user, _password(args))
        count = library.import_library(ctx, lib)
    finally:
        db.close()
    if count == 0 and lib.items:
        print(f"无变化，未写入 (no change: {args.file} is the library in use; nothing written)")
        return 0
    print(f"导入 {count} 个检验项目 (imported {count} items) from {args.file}")
    return 0


def cmd_standards_export(args: argparse.Namespace) -> int:
    from labdesk.core.library_io import write_library_csv, write_library_excel
    from labdesk.services.exports import stored_library

    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError("--out: use a .csv or .xlsx file name")
    db = _reader(args)
    try:
        lib = stored_library(db)
    finally:
        db.close()
    if suffix == ".csv":
        write_library_csv(lib, out)
    else:
        write_library_excel(lib, out)
    print(f"{out}")
    return 0
