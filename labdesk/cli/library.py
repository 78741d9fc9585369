"""`labdesk library foods | limits | stats | import | templates | add-item | remove-item |
set-rule | settings`.

    labdesk --db PATH library foods [--json]                 the classification tree
    labdesk --db PATH library limits --food NAME [--on DATE] [--grade G] [--standard S] [--json]
    labdesk --db PATH library stats [--json]                 rows by standard, confirmed/sample
    labdesk --db PATH library import FILE [--preview] [--user U] [--password-file F]
    labdesk --db PATH library templates [--json]             the item templates per class
    labdesk --db PATH library add-item SAMPLE_NO --item "GB 2762|SN" --reason R --user U
    labdesk --db PATH library remove-item SAMPLE_NO --item "GB 2762|SN" --reason R --user U
    labdesk --db PATH library set-rule --standard "GB 2762-2022" --item PB [--food NAME]
        [--factor F] [--rounding R] [--screening yes|no] [--withdraw] --reason R --user U
    labdesk --db PATH library settings --items-date sampling_date|production_date --user U

Reading commands open the file read-only (they work beside a running app). When the
database file does not exist they answer from the shipped library, and say so on
stderr. `import` takes a limit table in a standard's printed layout or a
classification file (it has a `parent_code` column); an identical re-import prints
"no change" and writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from labdesk.cli import UsageError, db_target
from labdesk.cli.library_text import say


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser("library", help="the food library: classification, limits, imports")
    verbs = p.add_subparsers(dest="library_command", metavar="VERB", required=True)

    foods = verbs.add_parser("foods", help="the food classification tree")
    foods.add_argument("--json", action="store_true", help="print the tree as JSON")
    foods.set_defaults(func=cmd_foods)

    limits = verbs.add_parser("limits", help="the composed items of a food class on a date")
    limits.add_argument(
        "--food", required=True, metavar="NAME", help="class name, code or initials"
    )
    limits.add_argument("--on", metavar="YYYY-MM-DD", help="the date (default: today)")
    limits.add_argument("--grade", default="", help="the label's quality grade (质量等级)")
    limits.add_argument(
        "--standard", default="", metavar="S", help="the label's executive standard (执行标准)"
    )
    limits.add_argument("--json", action="store_true", help="print a JSON list of items")
    limits.set_defaults(func=cmd_limits)

    stats = verbs.add_parser("stats", help="limit rows by standard and by confirmed / sample")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=cmd_stats)

    imp = verbs.add_parser("import", help="import a limit table or a classification (admin)")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--preview", action="store_true", help="validate and show; write nothing")
    imp.add_argument("--json", action="store_true", help="print the outcome as JSON")
    _sign_in_arguments(imp)
    imp.set_defaults(func=cmd_import)

    templates = verbs.add_parser("templates", help="the item templates of the food classes")
    templates.add_argument("--json", action="store_true")
    templates.set_defaults(func=cmd_templates)

    add = verbs.add_parser(
        "add-item",
        help="add one applicable item to a registered food sample, with a reason (technician)",
    )
    add.add_argument("sample_no", metavar="SAMPLE_NO")
    add.add_argument(
        "--item", required=True, metavar="KEY", help='the item: "standard|code", e.g. "GB 2762|SN"'
    )
    add.add_argument("--reason", required=True, help="why the item is added (kept in the audit)")
    add.add_argument("--json", action="store_true", help="print the frozen item as JSON")
    _sign_in_arguments(add)
    add.set_defaults(func=cmd_add_item)

    remove = verbs.add_parser(
        "remove-item",
        help="remove a test item without a result from a sample, with a reason (technician)",
    )
    remove.add_argument("sample_no", metavar="SAMPLE_NO")
    remove.add_argument(
        "--item",
        required=True,
        metavar="ITEM",
        help='the item: "standard|code" (e.g. "GB 2762|SN"), its number on the sample, or its name',
    )
    remove.add_argument("--reason", required=True, help="why the item is removed (audited)")
    remove.add_argument("--json", action="store_true", help="print the removed item as JSON")
    _sign_in_arguments(remove)
    remove.set_defaults(func=cmd_remove_item)

    rule = verbs.add_parser(
        "set-rule",
        help="set an item's judgement rule in a standard version, with a reason (admin, manager)",
    )
    rule.add_argument(
        "--standard", required=True, metavar="KEY", help='the version, e.g. "GB 2762-2022"'
    )
    rule.add_argument("--item", required=True, metavar="CODE", help="the item code, e.g. PB")
    rule.add_argument("--food", metavar="NAME", help="only for this food class and those under it")
    rule.add_argument("--factor", metavar="F", help="以…计 factor, e.g. 0.847 ('' clears it)")
    rule.add_argument("--rounding", choices=("gb8170", "gb4789.2"))
    rule.add_argument("--screening", choices=("yes", "no"))
    rule.add_argument(
        "--withdraw", action="store_true", help="withdraw the class's own rule (with --food)"
    )
    rule.add_argument("--reason", required=True, help="why (kept in the audit)")
    rule.add_argument("--json", action="store_true", help="print the rule as JSON")
    _sign_in_arguments(rule)
    rule.set_defaults(func=cmd_set_rule)

    settings = verbs.add_parser("settings", help="the lab's library rules (admin)")
    settings.add_argument(
        "--items-date",
        required=True,
        choices=("sampling_date", "production_date"),
        help="which date of the form picks the standard versions in force",
    )
    _sign_in_arguments(settings)
    settings.set_defaults(func=cmd_settings)


def _sign_in_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--user", default=None, help="an admin account (default: $LABDESK_USER)")
    p.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="read the password from FILE (else $LABDESK_PASSWORD, else a prompt)",
    )


# -- opening ---------------------------------------------------------------------------


@contextlib.contextmanager
def _reading(args: argparse.Namespace) -> Iterator[Any]:
    """The database read-only; the shipped library when the file does not exist."""
    from labdesk.store.db import open_database, open_reader
    from labdesk.store.schema import audited_tables

    path = db_target(args)
    if not isinstance(path, Path) or path.exists():
        db = open_reader(path)
        try:
            if "food_classes" not in audited_tables(db.user_version):
                raise UsageError(
                    f"{path} has schema {db.user_version}, older than the food library: "
                    "open it once with this LabDesk to upgrade it"
                )
            yield db
        finally:
            db.close()
        return
    from labdesk.services.context import system_context
    from labdesk.services.food_imports import ensure_food_library

    print(say(args, "shipped", path=path), file=sys.stderr)
    folder = Path(tempfile.mkdtemp(prefix="labdesk-library-"))
    try:
        db = open_database(folder / "shipped.sqlite")
        try:
            ensure_food_library(system_context(db))
            yield db
        finally:
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _password(args: argparse.Namespace, user: str) -> str:
    if args.password_file is not None:
        from labdesk.cli.secret_files import read_secret_file

        lines = read_secret_file(args.password_file).splitlines()
        if not lines:
            raise UsageError(f"--password-file: {args.password_file} is empty")
        return lines[0]
    env = os.environ.get("LABDESK_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password: use --password-file")
    import getpass

    return getpass.getpass(f"{user} 的密码 / password: ")


def _user(args: argparse.Namespace) -> str:
    user = args.user or os.environ.get("LABDESK_USER", "")
    if not user:
        raise UsageError("--user: sign in as an admin (or set $LABDESK_USER)")
    return str(user)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


# -- foods -----------------------------------------------------------------------------


def cmd_foods(args: argparse.Namespace) -> int:
    from labdesk.services import food_library

    with _reading(args) as db:
        tree = food_library.tree_json(db)
    if args.json:
        _print_json(tree)
        return 0

    sample_mark = say(args, "sample_mark")

    def show(node: dict[str, Any], depth: int) -> None:
        mark = sample_mark if node["sample_data"] else ""
        print(f"{'  ' * depth}{node['code']}  {node['name']}  ({node['initials']}){mark}")
        for child in node["children"]:
            show(child, depth + 1)

    show(tree, 0)
    return 0


# -- limits ----------------------------------------------------------------------------


def find_food(tree: Any, text: str) -> str:
    """The class a user named: a code, an exact name (the leaf when several classes on
    one branch share it), or a unique search hit (initials)."""
    wanted = text.strip()
    if wanted in tree:
        return wanted
    from labdesk.core.foods import normalize_name

    named = [c for c in tree.classes if normalize_name(c.name) == normalize_name(wanted)]
    leaves = [c for c in named if tree.is_leaf(c.code)]
    if len(leaves) == 1:
        return str(leaves[0].code)
    if len(named) == 1:
        return str(named[0].code)
    hits = named or [c for c in tree.search(wanted) if tree.is_leaf(c.code)]
    if len(hits) == 1:
        return str(hits[0].code)
    if not hits:
        raise UsageError(f"--food: no food class {wanted!r} (食品分类中无此类别)")
    listed = "; ".join(f"{c.code} {tree.path_text(c.code)}" for c in hits[:10])
    raise UsageError(f"--food: {wanted!r} names several classes, give a code: {listed}")


def cmd_limits(args: argparse.Namespace) -> int:
    from labdesk.services import food_library

    try:
        on = date.fromisoformat(args.on) if args.on else date.today()
    except ValueError:
        raise UsageError(f"--on: {args.on!r} is not a date written YYYY-MM-DD") from None
    with _reading(args) as db:
        tree = food_library.load_tree(db)
        code = find_food(tree, args.food)
        composed = food_library.compose_items(
            db, code, on, grade=args.grade, executive_standard=args.standard
        )
        path = tree.path_text(code)
    for number in composed.needs_grade:
        print(say(args, "needs_grade", number=number), file=sys.stderr)
    for number in composed.unnamed_products:
        print(say(args, "unnamed_product", number=number), file=sys.stderr)
    items = [
        {
            "name": i["name"],
            "code": i["code"],
            "limit_text": i["limit_text"],
            "unit": i["unit"],
            "standard_no": i["standard_no"],
            "standard_year": i["standard_year"],
            "standard": f"{i['standard_no']}-{i['standard_year']}",
            "kind": i["kind"],
            "source": i["source"],
            "sample_data": bool(i["sample_data"]),
            "mark": i["mark"],
            "mark_meaning": i["mark_meaning"],
            "grade": i["grade"],
            "test_method": i["test_method"],
            "food_code": code,
            "food_path": path,
            # the item's rule the version states (frozen onto a sample with the limit)
            "factor": i["factor"],
            "rounding": i["rounding"],
            "screening": bool(i["screening"]),
            # the food class whose own rule that is ("" for the version's rule; issue 15.2)
            "rule_class": i["rule_class"],
        }
        for i in composed.items
    ]
    if args.json:
        _print_json(items)
        return 0
    print(say(args, "limits_head", path=path, code=code, on=on.isoformat(), count=len(items)))
    sample_flag = say(args, "sample_data")
    for i in items:
        flag = sample_flag if i["sample_data"] else ""
        mark = f" {i['mark']}" if i["mark"] else ""
        rule = _rule_note(args, i)
        print(f"  {i['name']}  {i['limit_text']}{mark} {i['unit']}{rule}  — {i['source']}{flag}")
    return 0


def _rule_note(args: argparse.Namespace, item: dict[str, Any]) -> str:
    parts = []
    if item["factor"]:
        parts.append(say(args, "rule_factor", factor=item["factor"]))
    if item["rounding"] != "gb8170":
        parts.append(say(args, "rule_gb4789"))
    if item["screening"]:
        parts.append(say(args, "rule_screening"))
    if parts and item["rule_class"]:
        parts.append(say(args, "rule_class", code=item["rule_class"]))
    return f"  [{say(args, 'rule_join').join(parts)}]" if parts else ""


# -- stats -----------------------------------------------------------------------------


def cmd_stats(args: argparse.Namespace) -> int:
    from labdesk.services import food_library

    with _reading(args) as db:
        figures = food_library.stats(db)
    figures["by_status"] = {"confirmed": figures["confirmed"], "sample": figures["sample"]}
    if args.json:
        _print_json(figures)
        return 0
    print(say(args, "stats_head", **figures))
    for entry in figures["by_standard"]:
        print(
            say(
                args,
                "stats_row",
                standard=entry["standard"],
                rows=entry["rows"],
                confirmed=entry["confirmed"],
                sample=entry["sample"],
                effective=entry["effective_from"] or "—",
                abolished=entry["abolished_from"] or "",
            )
        )
    return 0


# -- import ----------------------------------------------------------------------------


def _csv_header(path: Path) -> list[str]:
    if path.suffix.lower() != ".csv":
        return []
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return [h.strip() for h in handle.readline().split(",")]
    except (OSError, UnicodeDecodeError):
        return []


def _is_classification(path: Path) -> bool:
    return "parent_code" in _csv_header(path)


def _is_templates(path: Path) -> bool:
    return {"class_code", "standard_no", "item_code"} <= set(_csv_header(path))


def _import_templates(ctx: Any, path: Path) -> int:
    """Replaces the templates of every class the file names (each row one item)."""
    import csv

    from labdesk.services import food_library

    with path.open(encoding="utf-8-sig", newline="") as handle:
        entries = list(csv.DictReader(handle))
    by_class: dict[str, list[dict[str, str]]] = {}
    for entry in entries:
        by_class.setdefault(entry["class_code"].strip(), []).append(entry)
    return sum(food_library.set_template(ctx, code, rows) for code, rows in by_class.items())


def cmd_import(args: argparse.Namespace) -> int:
    from labdesk.services import auth, food_imports
    from labdesk.store.db import open_database

    path: Path = args.file
    classification = _is_classification(path)
    db = open_database(db_target(args), create=False)
    try:
        if _is_templates(path):
            if args.preview:
                print(say(args, "templates_file", name=path.name))
                return 0
            ctx = auth.sign_in(db, _user(args), _password(args, _user(args)))
            print(say(args, "templates_stored", count=_import_templates(ctx, path)))
            return 0
        if classification:
            from labdesk.core.foods_io import read_food_classes

            tree = read_food_classes(path)
            if args.preview:
                print(say(args, "classes_valid", name=path.name, count=len(tree)))
                return 0
            ctx = auth.sign_in(db, _user(args), _password(args, _user(args)))
            changed = food_imports.import_classes(ctx, tree)
            print(
                say(args, "classes_changed", count=changed) if changed else say(args, "no_change")
            )
            return 0
        table = food_imports.read_limits(db, path)  # every row validated; nothing written
        if args.preview:
            versions = say(args, "list_join").join(table.versions)
            print(
                say(args, "limits_valid", name=path.name, count=len(table.rows), versions=versions)
            )
            return 0
        ctx = auth.sign_in(db, _user(args), _password(args, _user(args)))
        outcome = food_imports.import_limits(ctx, table)
    finally:
        db.close()
    if args.json:
        _print_json(
            {
                "changed": outcome.changed,
                "loaded": outcome.loaded,
                "unchanged": outcome.unchanged,
                "closed": outcome.closed,
                "rows": outcome.rows,
            }
        )
    else:
        print(_outcome_text(args, outcome))
    return 0


def _outcome_text(args: argparse.Namespace, outcome: Any) -> str:
    """`ImportOutcome.message` in the run's language."""
    join = say(args, "list_join").join
    if not outcome.changed:
        return say(args, "import_unchanged", versions=join(outcome.unchanged))
    parts = [say(args, "import_loaded", versions=join(outcome.loaded), rows=outcome.rows)]
    if outcome.closed:
        parts.append(say(args, "import_closed", versions=join(outcome.closed)))
    if outcome.unchanged:
        parts.append(say(args, "import_kept", versions=join(outcome.unchanged)))
    return say(args, "rule_join").join(parts)


def cmd_templates(args: argparse.Namespace) -> int:
    from labdesk.services import food_library

    with _reading(args) as db:
        tree = food_library.load_tree(db)
        rows = [
            dict(r)
            for r in db.query(
                "SELECT class_code, standard_no, item_code, test_method, source "
                "FROM food_templates WHERE active = 1 ORDER BY class_code, seq, id"
            )
        ]
    for row in rows:
        row["class_path"] = tree.path_text(str(row["class_code"]))
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(
            f"{row['class_code']}  {row['class_path']}: {row['standard_no']} {row['item_code']}"
            + (f" ({row['test_method']})" if row["test_method"] else "")
        )
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from labdesk.services import auth, food_library
    from labdesk.store.db import open_database

    db = open_database(db_target(args), create=False)
    try:
        ctx = auth.sign_in(db, _user(args), _password(args, _user(args)))
        food_library.set_items_date_rule(ctx, args.items_date)
    finally:
        db.close()
    print(say(args, "items_date", rule=args.items_date))
    return 0


def _scope_rule(db: Any, version_id: int, code: str, food: str) -> Any:
    """The class's own rule when it has one, else the version's."""
    from labdesk.services import library_rules

    for entry in library_rules.class_rules(db, version_id, code) if food else []:
        if entry["class_code"] == food:
            return entry["rule"]
    return library_rules.version_rule(db, version_id, code)


def cmd_set_rule(args: argparse.Namespace) -> int:
    """An item's rule in a version, or for a food class (`library_rules`): the options
    not given keep the rule the scope has now."""
    from labdesk.core.errors import NotFound
    from labdesk.services import auth, food_library, library_rules
    from labdesk.store.db import open_database

    if args.withdraw and not args.food:
        raise UsageError("--withdraw needs --food (撤回类别规则须指定 --food)")
    db = open_database(db_target(args), create=False)
    try:
        number, _, year = args.standard.strip().rpartition("-")
        version_id = db.scalar(
            "SELECT id FROM lib_versions WHERE active = 1 AND standard_no = ? "
            "AND standard_year = ?",
            (number.strip(), year.strip()),
        )
        if version_id is None:
            raise NotFound(f"没有标准版本 {args.standard} (no standard version {args.standard})")
        code = args.item.strip()
        food = find_food(food_library.load_tree(db), args.food) if args.food else ""
        ctx = auth.sign_in(db, _user(args), _password(args, _user(args)))
        if args.withdraw:
            changed = library_rules.clear_class_rule(
                ctx, int(version_id), code, food, reason=args.reason
            )
        else:
            now = _scope_rule(db, int(version_id), code, food)
            changed = library_rules.set_library_rule(
                ctx,
                int(version_id),
                code,
                factor=now.factor if args.factor is None else args.factor,
                rounding=args.rounding or now.rounding,
                screening=now.screening if args.screening is None else args.screening == "yes",
                reason=args.reason,
                class_code=food,
            )
        rule = _scope_rule(db, int(version_id), code, food)
    finally:
        db.close()
    if args.json:
        _print_json(
            {
                "standard": args.standard.strip(),
                "item": code,
                "rule_class": food,
                "changed": changed,
                "factor": rule.factor,
                "rounding": rule.rounding,
                "screening": rule.screening,
            }
        )
        return 0
    note = _rule_note(
        args,
        {
            "factor": rule.factor,
            "rounding": rule.rounding,
            "screening": rule.screening,
            "rule_class": food,
        },
    )
    key = "rule_set" if changed else "rule_same"
    print(say(args, key, standard=args.standard.strip(), item=code, rule=note.strip() or "—"))
    return 0


def cmd_remove_item(args: argparse.Namespace) -> int:
    """A test item taken off a sample (`item_changes.withdraw_item`): kept, marked
    withdrawn with the reason, out of the results, the conclusion and the report."""
    from labdesk.core.errors import NotFound
    from labdesk.services import auth
    from labdesk.services.item_changes import find_item, withdraw_item
    from labdesk.store.db import open_database

    db = open_database(db_target(args), create=False)
    try:
        sample_id = db.scalar("SELECT id FROM samples WHERE sample_no = ?", (args.sample_no,))
        if sample_id is None:
            raise NotFound(f"没有样品 {args.sample_no} (no sample {args.sample_no})")
        ctx = auth.sign_in(db, _user(args), _password(args, _user(args)))
        item_id = find_item(db, int(sample_id), args.item)
        withdraw_item(ctx, item_id, args.reason)
        row = db.query_one(
            "SELECT seq, standard_no, code, name, withdrawn_at, withdrawn_reason "
            "FROM sample_items WHERE id = ?",
            (item_id,),
        )
        left = db.scalar(
            "SELECT count(*) FROM sample_items WHERE sample_id = ? AND withdrawn_at IS NULL",
            (sample_id,),
        )
    finally:
        db.close()
    assert row is not None
    if args.json:
        _print_json(
            {
                "sample_no": args.sample_no,
                "item": args.item.strip(),
                "seq": int(row["seq"]),
                "name": row["name"],
                "standard_no": row["standard_no"],
                "code": row["code"],
                "withdrawn_at": row["withdrawn_at"],
                "reason": row["withdrawn_reason"],
                "items_left": int(left),
            }
        )
        return 0
    print(
        say(
            args,
            "item_removed",
            sample_no=args.sample_no,
            seq=row["seq"],
            name=row["name"],
            reason=row["withdrawn_reason"],
            left=left,
        )
    )
    return 0


def cmd_add_item(args: argparse.Namespace) -> int:
    """One more applicable item on a registered food sample (`item_changes.add_food_item`):
    frozen from the versions in force on the sample's items date, the reason audited."""
    from labdesk.core.errors import NotFound
    from labdesk.services import auth
    from labdesk.services.item_changes import add_food_item
    from labdesk.store.db import open_database

    db = open_database(db_target(args), create=False)
    try:
        sample_id = db.scalar("SELECT id FROM samples WHERE sample_no = ?", (args.sample_no,))
        if sample_id is None:
            raise NotFound(f"没有样品 {args.sample_no} (no sample {args.sample_no})")
        ctx = auth.sign_in(db, _user(args), _password(args, _user(args)))
        item_id = add_food_item(ctx, int(sample_id), args.item.strip(), args.reason)
        row = db.query_one(
            "SELECT seq, standard_no, standard_year, code, name, limit_text, unit, source, "
            "sample_data FROM sample_items WHERE id = ?",
            (item_id,),
        )
    finally:
        db.close()
    assert row is not None
    if args.json:
        _print_json(
            {
                "sample_no": args.sample_no,
                "item": args.item.strip(),
                "seq": int(row["seq"]),
                "name": row["name"],
                "limit_text": row["limit_text"],
                "unit": row["unit"],
                "standard": f"{row['standard_no']}-{row['standard_year']}",
                "source": row["source"],
                "sample_data": bool(row["sample_data"]),
            }
        )
        return 0
    print(
        say(
            args,
            "item_added",
            sample_no=args.sample_no,
            seq=row["seq"],
            name=row["name"],
            limit=row["limit_text"],
            unit=row["unit"],
            source=row["source"],
        )
    )
    return 0
