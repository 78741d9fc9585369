"""`labdesk due`, `labdesk calendar`, `labdesk clocks`, `labdesk national-sheet`.

    labdesk due --from D (--working-days N | --days N) [--json]
    labdesk --db X calendar import FILE --user U [--password-file F]
    labdesk --db X calendar list [--json]
    labdesk --db X clocks show SAMPLE_NO [--json]
    labdesk --db X clocks refresh --user U [--password-file F]
    labdesk --db X national-sheet --out FILE.xlsx [--from D --to D]

`due` needs no database: it counts on the installed `chinese-calendar` package, plus the
centre's imported years when `--db` is given. A year nobody knows exits 2 naming the year.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from labdesk.cli import UsageError, db_target


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _login(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, help="a manager or admin account")
    parser.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="read the password from FILE (else $LABDESK_PASSWORD, else a prompt)",
    )


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser(
        "due",
        help="a deadline on the official working-day calendar",
        description="The day N working days (official calendar, with make-up days) or N "
        "calendar days after --from. Exit 2 for a year whose calendar is not known.",
    )
    p.add_argument("--from", dest="start", required=True, type=_day, metavar="YYYY-MM-DD")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--working-days", type=_count, metavar="N")
    how.add_argument("--days", type=_count, metavar="N", help="calendar days")
    p.add_argument("--json", action="store_true", help='print {"due": "YYYY-MM-DD"}')
    p.set_defaults(func=cmd_due)

    p = sub.add_parser("calendar", help="the working-day calendar: years known, import a year")
    verbs = p.add_subparsers(dest="calendar_command", metavar="VERB", required=True)
    imp = verbs.add_parser("import", help="import a year's calendar file (docs/clocks.md)")
    imp.add_argument("file", type=Path, metavar="FILE")
    _login(imp)
    imp.set_defaults(func=cmd_calendar_import)
    lst = verbs.add_parser("list", help="the years known and where each comes from")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_calendar_list)

    p = sub.add_parser("clocks", help="a sample's statutory clocks; recompute them all")
    verbs = p.add_subparsers(dest="clocks_command", metavar="VERB", required=True)
    show = verbs.add_parser("show", help="the clocks of one sample")
    show.add_argument("sample_no", metavar="SAMPLE_NO")
    show.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help="default: today")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_clocks_show)
    ref = verbs.add_parser("refresh", help="recompute every sample's clocks (after an upgrade)")
    _login(ref)
    ref.set_defaults(func=cmd_clocks_refresh)

    p = sub.add_parser(
        "national-sheet", help="the national item sheet (.xlsx): one row per tested item"
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    p.add_argument("--from", dest="date_from", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_national_sheet)


def cmd_due(args: argparse.Namespace) -> int:
    start: date = args.start
    if args.days is not None:
        result = start + timedelta(days=args.days)
    else:
        from labdesk.core.workcalendar import due

        calendar = None
        if args.db is not None:
            from labdesk.services.calendars import centre_calendar
            from labdesk.store.db import open_reader

            reader = open_reader(db_target(args))
            try:
                calendar = centre_calendar(reader)
            finally:
                reader.close()
        result = due(start, args.working_days, calendar)
    print(json.dumps({"due": result.isoformat()}) if args.json else result.isoformat())
    return 0


def _signed_in(args: argparse.Namespace) -> Any:
    from labdesk.cli.documents import _password
    from labdesk.services import auth
    from labdesk.store.db import open_database

    db = open_database(db_target(args), create=False)
    try:
        return db, auth.sign_in(db, args.user, _password(args))
    except BaseException:
        db.close()
        raise


def cmd_calendar_import(args: argparse.Namespace) -> int:
    from labdesk.core.calendar_file import parse_calendar_file
    from labdesk.services.calendar_import import import_calendar

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(f"{args.file}: {exc.strerror}") from None
    parse_calendar_file(data)  # a bad file fails here, before the database is opened
    db, ctx = _signed_in(args)
    try:
        outcome = import_calendar(ctx, data, Path(args.file).name)
    finally:
        db.close()
    if outcome.unchanged:
        print(f"{outcome.year} 年日历未变 (unchanged: already imported)")
        return 0
    print(
        f"导入 {outcome.year} 年日历：休 {outcome.holidays} 天，调休上班 {outcome.workdays} 天；"
        f"重算 {outcome.clocks_updated} 个样品的时限 (imported {outcome.year}; "
        f"{outcome.clocks_updated} samples' clocks recomputed)"
    )
    if outcome.differs_from_package:
        days = ", ".join(d.isoformat() for d in outcome.differs_from_package)
        print(f"与 chinese-calendar 不同的日期 (differs from the package): {days}")
    return 0


def cmd_calendar_list(args: argparse.Namespace) -> int:
    from labdesk.services.calendars import year_list
    from labdesk.store.db import open_reader

    reader = open_reader(db_target(args))
    try:
        years = year_list(reader)
    finally:
        reader.close()
    if args.json:
        keys = ("year", "origin", "source", "imported_at", "imported_by")
        print(json.dumps([{k: y.get(k) for k in keys} for y in years], ensure_ascii=False))
        return 0
    for y in years:
        print(f"{y['year']}  {y['origin']:8}  {y['source']}")
    return 0


def cmd_clocks_show(args: argparse.Namespace) -> int:
    from labdesk.services import queries
    from labdesk.services.clocks import sample_clock_lines
    from labdesk.store.db import open_reader

    reader = open_reader(db_target(args))
    try:
        sample_id = queries.sample_id_by_no(reader, args.sample_no)
        lines = sample_clock_lines(reader, sample_id, args.today or date.today())
    finally:
        reader.close()
    if args.json:
        print(json.dumps([line.__dict__ for line in lines], ensure_ascii=False))
        return 0
    for line in lines:
        print(f"{line.key:20} {line.due:12} {line.done:12} {line.status}")
    return 0


def cmd_clocks_refresh(args: argparse.Namespace) -> int:
    from labdesk.services.clocks import refresh_all

    db, ctx = _signed_in(args)
    try:
        changed = refresh_all(ctx)
    finally:
        db.close()
    print(f"重算 {changed} 个样品的时限 ({changed} samples' clocks changed)")
    return 0


def cmd_national_sheet(args: argparse.Namespace) -> int:
    from labdesk.services.national_sheet import export_sheet
    from labdesk.store.db import open_reader

    reader = open_reader(db_target(args))
    try:
        count = export_sheet(reader, args.out, date_from=args.date_from, date_to=args.date_to)
    finally:
        reader.close()
    print(f"{args.out}: {count} 个检验项目 ({count} item rows)")
    return 0
