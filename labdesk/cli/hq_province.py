"""`labdesk hq … rates|credit|alerts|centres|demo`: the province (docs/cli.md, province.md).

Registered by `labdesk.cli.batches` under `hq`; `labdesk hq --db H` with no verb opens the
HQ window. JSON output: `rates` → {"rows": [{region|level|class, tested, failed,
pass_rate, …}], "total", "excluded", …}; `credit` → {"enterprises": [{uscc, name, failed,
samples, …}], "excluded", …}; `alerts` → {"alerts": [{item, class, region, method,
figures, samples}], …}. Rates are percent strings with two decimals, half-even.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from labdesk.cli import UsageError

UrlOf = Callable[[argparse.Namespace], str]


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _scope(args: argparse.Namespace) -> Any:
    from labdesk.province.scope import Scope, date_range, parse_period

    if (args.date_from is None) != (args.date_to is None):
        raise UsageError("give both --from and --to, or neither")
    if args.date_from is not None:
        if args.period:
            raise UsageError("give --period or --from/--to, not both")
        period = date_range(args.date_from, args.date_to)
    else:
        period = parse_period(args.period or "all")
    return Scope(period, args.category or "", args.level or "", args.task_category or "")


def _rates(args: argparse.Namespace, url: str) -> int:
    from labdesk.batch.hq_store import open_hq
    from labdesk.province import export, rates

    with open_hq(url, create=False) as store, store.snapshot():  # one view of the figures
        report = rates.rates(store, _scope(args), by=args.by, within=args.within or "")
    figures = rates.report_json(report)
    if args.out is not None:
        export.write_rates(args.out, figures)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.json:
        _print_json(figures)
        return 0
    label = {"level": "level", "class": "class"}.get(args.by, "region")
    print(f"{'':<28} {'tested':>7} {'failed':>7} {'pass rate':>10} {'previous':>10} {'change':>8}")
    for row in [*figures["rows"], {**figures["total"], label: "total"}]:
        previous = (row["previous"] or {}).get("pass_rate")
        title = f"{row.get(label) or row.get('region')} {row['name']}"
        print(
            f"{title:<28} {row['tested']:>7} {row['failed']:>7} {row['pass_rate'] or '—':>10} "
            f"{previous or '—':>10} {row['change'] or '—':>8}"
        )
    excluded = figures["excluded"]
    print(f"\nexcluded: {excluded['total']} samples")
    for reason in excluded["by_reason"]:
        print(f"  {reason['reason']}: {reason['samples']} ({reason['meaning']})")
    return 0


def _credit(args: argparse.Namespace, url: str) -> int:
    from labdesk.batch.hq_store import open_hq
    from labdesk.province import credit, export

    with open_hq(url, create=False) as store, store.snapshot():
        report = credit.credit(
            store, _scope(args), uscc=args.uscc or "", flagged_only=args.repeat_only
        )
    figures = credit.report_json(report)
    if args.out is not None:
        export.write_credit(args.out, figures)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.json:
        _print_json(figures)
        return 0
    for e in figures["enterprises"]:
        flag = "REPEAT" if e["repeat_nonconformity"] else ""
        print(
            f"{e['uscc']}  {e['samples']:>4} samples {e['failed']:>3} failed  {flag:<6} {e['name']}"
        )
        for pair in e["evidence"]:
            a, b = pair["earlier"], pair["later"]
            print(
                f"    {a['centre']} {a['sample_id']} ({a['report_no']}) {a['sampling_date']} → "
                f"{b['centre']} {b['sample_id']} ({b['report_no']}) {b['sampling_date']}"
            )
    print(f"\nexcluded: {figures['excluded']['total']} samples", file=sys.stderr)
    return 0


def _alerts(args: argparse.Namespace, url: str) -> int:
    from labdesk.batch.hq_store import open_hq
    from labdesk.province import alerts

    if args.month is not None and not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", args.month):
        raise UsageError(f"--month {args.month!r}: use YYYY-MM")
    with open_hq(url, create=False) as store, store.snapshot():
        report = alerts.alerts(store, args.month)
    figures = alerts.report_json(report)
    if args.json:
        _print_json(figures)
        return 0
    print(f"window ending {figures['month']}: {figures['cells_tested']} cells tested")
    print(f"method: {figures['method_text']}")
    for a in figures["alerts"]:
        w, h = a["figures"]["window"], a["figures"]["history"]
        print(
            f"ALERT {a['item']} / {a['class_name']} / {a['region_name']}: "
            f"{w['failed']}/{w['tested']} failed ({w['fail_rate']} %) vs "
            f"{h['failed']}/{h['tested']} ({h['fail_rate']} %) before; "
            f"p {a['figures']['p_value']}, q {a['figures']['q_value']}"
        )
        for s in a["samples"]:
            print(f"    {s['centre']} {s['sample_id']} ({s['report_no']}) {s['sampling_date']}")
    if not figures["alerts"]:
        print("no alerts")
    return 0


def _demo(args: argparse.Namespace, url: str) -> int:
    from labdesk.batch.hq_store import sqlite_path
    from labdesk.province.demo import build_province_demo

    workdir = args.workdir
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not path.parent.is_dir():
            raise UsageError(
                f"the folder {path.parent} does not exist: create it first, or check --db "
                "(文件夹不存在)"
            )
        print(f"creating a new HQ database at {path}", file=sys.stderr)
    if workdir is None:
        if path is None:
            raise UsageError("a PostgreSQL HQ needs --workdir DIR for the demo centres")
        workdir = path.parent / f"{path.stem}-centres"
    made = build_province_demo(
        url,
        workdir,
        centres=args.centres,
        samples=args.samples,
        seed=args.seed,
        today=args.today,
        progress=lambda text: print(text, file=sys.stderr),
    )
    refused = [o for o in made.outcomes if o.status == "refused"]
    loaded = [o for o in made.outcomes if o.status == "loaded"]
    print(f"{len(made.centres)} demo centres in {made.workdir}")
    print(f"{len(loaded)} batches ({sum(o.samples for o in loaded)} samples) ingested into {url}")
    item, category, city = made.trend
    print(f"planted trend: {item} in {category} sampled in {city} (DEMO DATA)")
    for offender in made.offenders:
        centres = " and ".join(c for c, _ in offender.visits)
        e = offender.enterprise
        print(f"planted repeat offender: {e.uscc} {e.name} ({centres})")
    for o in refused:
        print(f"REFUSED {o.source}: {o.message}", file=sys.stderr)
    return 1 if refused else 0


def _centres(args: argparse.Namespace, url: str) -> int:
    from labdesk.batch.hq_store import open_hq
    from labdesk.province import regions
    from labdesk.province.scope import centres

    with open_hq(url, create=False) as store, store.snapshot():
        listed = centres(store)
    if args.json:
        _print_json({"centres": listed})
        return 0
    for c in listed:
        where = f"{c['region_code']} {regions.name(c['region_code'])}" if c["region_code"] else (
            "no region (labdesk-batch/1 only): QUARANTINED"
        )  # fmt: skip
        print(f"{c['centre']:<10} {c['batches']:>5} batches {c['samples']:>7} samples  {where}  "
              f"{c['name']}")  # fmt: skip
    return 0


def _scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", metavar="P", help="YYYY, YYYY-Qn, YYYY-MM or all (default)")
    parser.add_argument("--from", dest="date_from", type=_day, metavar="D")
    parser.add_argument("--to", dest="date_to", type=_day, metavar="D")
    parser.add_argument("--class", dest="category", metavar="CODE", help="product class code")
    parser.add_argument("--level", metavar="LEVEL", help="国家级 / 省级 / 市级 / 县级")
    parser.add_argument("--task-category", metavar="C", help="监督抽检 / 风险监测 / 专项")


def add_verbs(hq_sub: Any, url_of: UrlOf) -> None:
    """rates, credit, alerts and demo under `labdesk hq`."""
    from labdesk.province.rates import BY_CHOICES

    def bind(handler: Callable[[argparse.Namespace, str], int]) -> Callable[..., int]:
        return lambda args: handler(args, url_of(args))

    rates = hq_sub.add_parser("rates", help="pass rates by region (three levels), level, class")
    rates.add_argument("--by", choices=BY_CHOICES, default="city")
    rates.add_argument("--within", metavar="CITY", help="only this city's counties (--by county)")
    _scope_options(rates)
    rates.add_argument("--json", action="store_true")
    rates.add_argument("--out", type=Path, metavar="FILE", help="also write .xlsx, .csv or .json")
    rates.set_defaults(func=bind(_rates))

    credit = hq_sub.add_parser("credit", help="enterprise quality credit per 统一社会信用代码")
    credit.add_argument("--uscc", metavar="CODE", help="one enterprise")
    credit.add_argument("--repeat-only", action="store_true", help="only repeat offenders")
    _scope_options(credit)
    credit.add_argument("--json", action="store_true")
    credit.add_argument("--out", type=Path, metavar="FILE", help="the list as .xlsx, .csv, .json")
    credit.set_defaults(func=bind(_credit))

    alerts = hq_sub.add_parser("alerts", help="risk alerts: failure rates against their history")
    alerts.add_argument("--month", metavar="YYYY-MM", help="window end (default: latest)")
    alerts.add_argument("--json", action="store_true")
    alerts.set_defaults(func=bind(_alerts))

    listing = hq_sub.add_parser("centres", help="the centres received from, their regions")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=bind(_centres))

    demo = hq_sub.add_parser("demo", help="build demo centres and ingest their signed batches")
    demo.add_argument("--centres", type=int, default=12, metavar="N")
    demo.add_argument("--samples", type=int, default=150, metavar="N", help="per centre")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--workdir", type=Path, metavar="DIR", help="where the centres go")
    demo.add_argument("--today", type=_day, metavar="D", help="the demo's today (default: today)")
    demo.set_defaults(func=bind(_demo))
