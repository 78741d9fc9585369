"""`labdesk results import|mappings|set-lod|set-rule`: results from a file, an item's LOD
and its issue-14 rule (以…计 factor, rounding rule, screening).

    labdesk --db X results import FILE [--mapping NAME] [--column FIELD=TITLE]…
                                       [--save-mapping NAME] [--dry-run] [--json]
    labdesk --db X results mappings [--json]
    labdesk --db X results set-lod SAMPLE_NO ITEM --lod X --reason TEXT
    labdesk --db X results set-rule SAMPLE_NO ITEM [--factor F] [--rounding R]
                                    [--screening yes|no] --reason TEXT

`import` signs in as the other writing commands do (`--user` or $LABDESK_USER; the
password from `--password-file`, $LABDESK_PASSWORD or a prompt), reads the file (.xlsx,
.xls, .csv in UTF-8, UTF-8 with BOM or GBK — the encoding detected and printed), maps its
columns (样品编号 / 检验项目 / 检验结果 or sample_no / item / result are recognised; other
layouts take `--mapping NAME` or `--column FIELD=TITLE`), prints every row with its verdict
or the rules it breaks, and writes all rows in one transaction — or, with any row refused
or `--dry-run`, none. Exit 0 imported (or a clean dry run), 2 refused.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from labdesk.cli import UsageError, db_target
from labdesk.store.schema import live_item

FIELD_NAMES = ("sample_no", "item", "result", "unit", "instrument", "method")
_VERDICT = {"pass": "合格 pass", "fail": "不合格 fail", "not_judged": "不判定 not judged"}


def _add_sign_in(parser: argparse.ArgumentParser) -> None:
    """--user and --password-file, as every writing command takes them."""
    from labdesk.cli.batches import PASSWORD_ENV, USER_ENV

    parser.add_argument(
        "--user",
        dest="user",
        metavar="USER",
        default=os.environ.get(USER_ENV),
        help=f"sign in as this user (default: ${USER_ENV})",
    )
    parser.add_argument(
        "--password-file",
        dest="password_file",
        type=Path,
        metavar="FILE",
        help=f"the user's password (or ${PASSWORD_ENV}; else prompted)",
    )


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    """Adds `results` and its verbs."""
    p = sub.add_parser("results", help="import results from a file; an item's detection limit")
    verbs = p.add_subparsers(dest="results_command", metavar="VERB", required=True)
    imp = verbs.add_parser(
        "import",
        help="import results from .xlsx / .xls / .csv (all rows or none)",
        description="Check every row of FILE against the database, print each row's verdict "
        "or the rules it breaks, then write all rows in one transaction, or none.",
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--mapping", metavar="NAME", help="a column mapping saved by name")
    imp.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=TITLE",
        help=f"map FIELD ({', '.join(FIELD_NAMES)}) to the column titled TITLE "
        "(empty TITLE: not in the file)",
    )
    imp.add_argument("--save-mapping", metavar="NAME", help="save the mapping used under NAME")
    imp.add_argument("--dry-run", action="store_true", help="check and print; write nothing")
    imp.add_argument("--json", action="store_true", help="print one JSON object")
    _add_sign_in(imp)
    imp.set_defaults(func=_import)

    maps = verbs.add_parser("mappings", help="the saved column mappings")
    maps.add_argument("--json", action="store_true")
    maps.set_defaults(func=_mappings)

    lod = verbs.add_parser(
        "set-lod",
        help="enter the detection limit (检出限) of a sample's item, with a reason",
        description="Enter the LOD of ITEM (code, Chinese or English name) of SAMPLE_NO, "
        "audited with the reason; a current result is judged again under it.",
    )
    lod.add_argument("sample_no", metavar="SAMPLE_NO")
    lod.add_argument("item", metavar="ITEM")
    lod.add_argument("--lod", required=True, metavar="X", help="the detection limit, e.g. 0.01")
    lod.add_argument("--reason", required=True, metavar="TEXT", help="why (kept in the audit)")
    _add_sign_in(lod)
    lod.set_defaults(func=_set_lod)

    kind = verbs.add_parser(
        "set-rule",
        help="set an item's 以…计 factor, rounding rule or screening flag, with a reason",
        description="Set how ITEM of SAMPLE_NO is judged (issue 14): --factor (以…计: the "
        "measured value times F is judged; '' clears it), --rounding (gb8170 or gb4789.2 "
        "for colony counts), --screening yes|no (above the limit needs the confirmatory "
        "test). Audited with the reason; a current result is judged again.",
    )
    kind.add_argument("sample_no", metavar="SAMPLE_NO")
    kind.add_argument("item", metavar="ITEM")
    kind.add_argument("--factor", metavar="F", help="以…计 factor, e.g. 0.847")
    kind.add_argument("--rounding", choices=("gb8170", "gb4789.2"))
    kind.add_argument("--screening", choices=("yes", "no"))
    kind.add_argument("--reason", required=True, metavar="TEXT", help="why (kept in the audit)")
    _add_sign_in(kind)
    kind.set_defaults(func=_set_rule)


def _columns(pairs: list[str]) -> dict[str, str | None]:
    columns: dict[str, str | None] = {}
    for pair in pairs:
        field, sep, title = pair.partition("=")
        field = field.strip()
        if not sep or field not in FIELD_NAMES:
            raise UsageError(
                f"--column {pair!r}: write FIELD=TITLE with FIELD one of {', '.join(FIELD_NAMES)}"
            )
        columns[field] = title.strip() or None
    return columns


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


def _checked_row(r: Any) -> dict[str, Any]:
    return {
        "row": r.row,
        "sample_no": r.sample_no,
        "item": r.item,
        "result": r.result,
        "verdict": r.verdict or None,
        "display": r.display,
        "problems": list(r.problems),
    }


class _Checked:
    """The report's rows, each made as it is read or written: at the 100,000-row bound the
    dicts all at once cost 60 MB more than the rows they are made from (docs/robustness.md)."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (_checked_row(r) for r in self.rows)


def _dump_report(report: dict[str, Any]) -> None:
    """`json.dumps(report, ensure_ascii=False, indent=2)` byte for byte, its rows written one
    at a time."""
    checked = report["checked"]
    head = json.dumps({**report, "checked": []}, ensure_ascii=False, indent=2)
    before, marker, after = head.partition('"checked": []')
    out = sys.stdout
    out.write(before)
    if not marker or not len(checked):
        out.write(marker + after + "\n")
        return
    out.write('"checked": [')
    for index, row in enumerate(checked):
        out.write(("," if index else "") + "\n    ")
        out.write(json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n    "))
    out.write("\n  ]" + after + "\n")


def _report(prepared: Any, rows: list[Any]) -> dict[str, Any]:
    from labdesk.services.result_import import file_facts

    mapping = {name: prepared.mapping.get(name) for name in FIELD_NAMES}
    return {
        **file_facts(prepared.table),
        "mapping": mapping,
        "mapping_name": prepared.mapping_name,
        "mapping_proposed": prepared.guessed,
        "checked": _Checked(rows),
        "ok": prepared.plan.ok,
        "refused": sum(1 for r in rows if r.refused),
    }


def _print_report(report: dict[str, Any]) -> None:
    encoding = f", {report['encoding']}" if report["encoding"] else ""
    print(f"file:    {report['file']} ({report['size']} bytes, {report['kind']}{encoding})")
    print(f"sha256:  {report['sha256']}")
    how = "proposed" if report["mapping_proposed"] else f"saved as {report['mapping_name']!r}"
    mapped = ", ".join(f"{k}={v}" for k, v in report["mapping"].items() if v)
    print(f"mapping: {mapped or '—'} ({how})")
    for row in report["checked"]:
        head = f"row {row['row']:>5}  {row['sample_no']}  {row['item']}  {row['result']}"
        if row["problems"]:
            for problem in row["problems"]:
                print(f"{head}  REFUSED {problem}")
        else:
            print(f"{head}  → {_VERDICT.get(row['verdict'], '')}  {row['display']}")


def _import(args: argparse.Namespace) -> int:
    from labdesk.cli.batches import _sign_in
    from labdesk.services import result_import

    columns = _columns(args.column)
    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        prepared = result_import.prepare(db, args.file, args.mapping, columns)
        if args.save_mapping:
            result_import.save_mapping(ctx, args.save_mapping, prepared.mapping)
            prepared = result_import.Prepared(
                prepared.table, prepared.mapping, prepared.plan, args.save_mapping, False
            )
        rows = result_import.plan_rows(prepared)
        report = _report(prepared, rows)
        imported = 0
        if prepared.plan.ok and not args.dry_run:
            imported = result_import.commit(ctx, prepared)
    finally:
        db.close()
    report["dry_run"] = bool(args.dry_run)
    report["imported"] = imported
    if args.json:
        # Written as it is encoded: 100,000 rows as one string first would double the peak.
        _dump_report(report)
    else:
        _print_report(report)
    if not prepared.plan.ok:
        print(
            f"{report['refused']} row(s) refused: nothing imported (未导入任何结果)",
            file=sys.stderr,
        )
        return 2
    if args.dry_run:
        print(f"dry run: {len(prepared.plan.entries)} result(s) would be imported; nothing written")
    elif not args.json:
        print(f"imported {imported} result(s) (已导入 {imported} 条结果)")
    return 0


def _mappings(args: argparse.Namespace) -> int:
    from labdesk.services import result_import

    db = _read(args)
    try:
        names = result_import.mapping_names(db)
        saved = {n: result_import.load_mapping(db, n) for n in names}
    finally:
        db.close()
    if args.json:
        out = {n: {f: m.get(f) for f in FIELD_NAMES if m.get(f)} for n, m in saved.items()}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not names:
        print("no saved mappings (save one with `results import FILE --save-mapping NAME`)")
    for name, mapping in saved.items():
        mapped = ", ".join(f"{f}={mapping.get(f)}" for f in FIELD_NAMES if mapping.get(f))
        print(f"{name}: {mapped}")
    return 0


def _find_item(db: Any, sample_no: str, item: str) -> Any:
    from labdesk.core.errors import NotFound

    key = item.strip().casefold()
    items = db.query(
        "SELECT i.id, i.code, i.name, i.name_en FROM sample_items AS i "
        "JOIN samples AS s ON s.id = i.sample_id WHERE s.sample_no = ? "
        f"AND {live_item('i')} ORDER BY i.seq",
        (sample_no,),
    )
    if not items:
        raise NotFound(f"没有样品 {sample_no} (no sample {sample_no})")
    chosen = next(
        (
            r
            for r in items
            if key in (str(r[c] or "").strip().casefold() for c in ("code", "name", "name_en"))
        ),
        None,
    )
    if chosen is None:
        raise NotFound(f"样品 {sample_no} 没有检验项目“{item}” (no such item)")
    return chosen


def _set_rule(args: argparse.Namespace) -> int:
    from labdesk.cli.batches import _sign_in
    from labdesk.services import item_rules

    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        chosen = _find_item(db, args.sample_no, args.item)
        verdict = item_rules.set_item_rule(
            ctx,
            int(chosen["id"]),
            reason=args.reason,
            factor=args.factor,
            rounding=args.rounding,
            screening=None if args.screening is None else args.screening == "yes",
        )
    finally:
        db.close()
    print(f"{args.sample_no} {chosen['name']}: rule set 判定规则已修改")
    if verdict is not None:
        print(f"current result now: {verdict.display} → {_VERDICT[verdict.verdict]}")
    return 0


def _set_lod(args: argparse.Namespace) -> int:
    from labdesk.cli.batches import _sign_in
    from labdesk.core.errors import NotFound
    from labdesk.services import results

    db = _open(args)
    try:
        ctx = _sign_in(args, db)
        key = args.item.strip().casefold()
        items = db.query(
            "SELECT i.id, i.code, i.name, i.name_en FROM sample_items AS i "
            "JOIN samples AS s ON s.id = i.sample_id WHERE s.sample_no = ? "
            f"AND {live_item('i')} ORDER BY i.seq",
            (args.sample_no,),
        )
        if not items:
            raise NotFound(f"没有样品 {args.sample_no} (no sample {args.sample_no})")
        chosen = next(
            (
                r
                for r in items
                if key in (str(r[c] or "").strip().casefold() for c in ("code", "name", "name_en"))
            ),
            None,
        )
        if chosen is None:
            raise NotFound(f"样品 {args.sample_no} 没有检验项目“{args.item}” (no such item)")
        verdict = results.set_item_lod(ctx, int(chosen["id"]), args.lod, args.reason)
    finally:
        db.close()
    print(f"{args.sample_no} {chosen['name']}: 检出限 LOD {args.lod}")
    if verdict is not None:
        print(f"current result now: {verdict.display} → {_VERDICT[verdict.verdict]}")
    return 0
